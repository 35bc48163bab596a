package com.apisentinel.writer;

import io.vertx.core.Future;

/**
 * Where the writer commits its batches: PostgreSQL ({@link PgBatchStore}), or a recording sink in
 * the batcher's unit tests.
 */
interface BatchStore {

  /**
   * Stores the batch's new events and counts them on its lane, all in one transaction; events
   * already stored are not stored again and do not count. Fails with {@link RefusedException} when
   * nothing was stored for a reason the writer can act on; any other failure means the storage is
   * unavailable.
   */
  Future<StoredBatch> commit(EventBatch batch);

  enum Refusal {
    /** The lane's grant is smaller than the writer believed (another node took back its unused part). */
    LANE_OVERDRAWN,
    /** A deadlock or serialization failure: the same batch may simply go again. */
    RETRY,
    /** The database refused some request's data. */
    DATA
  }

  /** Nothing of the batch was stored, for {@link #reason()}. */
  final class RefusedException extends RuntimeException {

    private final Refusal reason;

    RefusedException(Refusal reason, Throwable cause) {
      super(reason + ": " + cause.getMessage(), cause, false, false);
      this.reason = reason;
    }

    Refusal reason() {
      return reason;
    }
  }
}
