package com.apisentinel.store;

import com.apisentinel.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;

/** Builds the connection pools; every pool has a bounded wait queue and a connect timeout. */
public final class Database {

  /** Name of the pool that auth, health and reads share across all verticle instances. */
  private static final String SHARED_POOL = "sentinel-shared";

  private Database() {
  }

  /** One pool of {@code poolSize} connections shared by every verticle that asks for it. */
  public static Pool sharedPool(Vertx vertx, DatabaseConfig db) {
    PoolOptions options = new PoolOptions()
        .setShared(true).setName(SHARED_POOL)
        .setMaxSize(db.poolSize())
        .setMaxWaitQueueSize(db.poolWaitQueue());
    return build(vertx, db, db.connectOptions(), options);
  }

  /**
   * A pool of its own, e.g. the writer's. {@code statementTimeout} makes PostgreSQL cancel a
   * statement stuck behind a lock instead of letting it hold a connection forever.
   */
  public static Pool dedicatedPool(Vertx vertx, DatabaseConfig db, int size, Duration statementTimeout) {
    PgConnectOptions connect = db.connectOptions();
    connect.addProperty("statement_timeout", Long.toString(statementTimeout.toMillis()));
    PoolOptions options = new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(size);
    return build(vertx, db, connect, options);
  }

  private static Pool build(Vertx vertx, DatabaseConfig db, PgConnectOptions connect, PoolOptions options) {
    int timeoutMs = (int) db.connectTimeout().toMillis();
    options.setConnectionTimeout(timeoutMs).setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    return PgBuilder.pool()
        .with(options)
        .with(new NetClientOptions().setConnectTimeout(timeoutMs))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }
}
