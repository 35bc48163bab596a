package com.apisentinel.writer;

import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.Plans;
import com.apisentinel.config.WriterConfig;
import com.apisentinel.quota.QuotaGrants;
import com.apisentinel.store.Database;
import com.apisentinel.store.QuotaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

/** The writer's PostgreSQL: one connection per slot for batches, a small pool of its own for grants. */
final class PgWriterStorage implements WriterStorage {

  /** Grants run on connections of their own: a burst of first grants must not starve key look-ups. */
  private static final int GRANT_CONNECTIONS = 2;

  private final WriterConnections connections;
  private final Pool grantPool;
  private final BatchStore batches;
  private final QuotaGrants grants;

  private PgWriterStorage(Vertx vertx, WriterConfig config, DatabaseConfig database, Plans plans) {
    PgConnectOptions options = database.connectOptions();
    options.addProperty("statement_timeout", Long.toString(config.commitTimeout().toMillis()));
    connections = new WriterConnections(vertx, options, config.connections(), database.connectTimeout());
    batches = new PgBatchStore(vertx, connections, config.commitTimeout());
    grantPool = Database.privatePool(vertx, database, GRANT_CONNECTIONS);
    grants = new QuotaStore(grantPool, plans);
  }

  static WriterStorage.Opener opener(WriterConfig config, DatabaseConfig database, Plans plans) {
    return vertx -> new PgWriterStorage(vertx, config, database, plans);
  }

  @Override
  public BatchStore batches() {
    return batches;
  }

  @Override
  public QuotaGrants grants() {
    return grants;
  }

  @Override
  public Future<Void> close() {
    return connections.closeAll().eventually(grantPool::close);
  }
}
