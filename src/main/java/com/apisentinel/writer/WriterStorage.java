package com.apisentinel.writer;

import com.apisentinel.quota.QuotaGrants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The writer's ways to the database, opened when it starts and closed once it has drained. */
interface WriterStorage {

  BatchStore batches();

  QuotaGrants grants();

  Future<Void> close();

  /** Opens the storage of a writer deployed on {@code vertx}. */
  interface Opener {
    WriterStorage open(Vertx vertx);
  }
}
