package com.apisentinel.store;

import com.apisentinel.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** The connection pool that auth, health and reads share; bounded wait queue, connect timeout. */
public final class Database {

  /** One pool across every verticle instance that asks for it, instead of one per instance. */
  private static final String SHARED_POOL = "sentinel-shared";
  /** No read or account query may hold a shared connection longer: a stalled one becomes a 503. */
  private static final long STATEMENT_TIMEOUT_MS = 10_000;

  private Database() {
  }

  public static Pool sharedPool(Vertx vertx, DatabaseConfig db) {
    return pool(vertx, db, new PoolOptions().setShared(true).setName(SHARED_POOL).setMaxSize(db.poolSize()));
  }

  /**
   * A small pool of the caller's own, for work that must not queue behind reads and key look-ups on
   * the shared pool (nor starve them): the writer's quota grants.
   */
  public static Pool privatePool(Vertx vertx, DatabaseConfig db, int size) {
    return pool(vertx, db, new PoolOptions().setMaxSize(size));
  }

  private static Pool pool(Vertx vertx, DatabaseConfig db, PoolOptions options) {
    int timeoutMs = (int) db.connectTimeout().toMillis();
    options
        .setMaxWaitQueueSize(db.poolWaitQueue())
        .setConnectionTimeout(timeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    return PgBuilder.pool()
        .with(options)
        .with(new NetClientOptions().setConnectTimeout(timeoutMs))
        .connectingTo(db.connectOptions().addProperty("statement_timeout", Long.toString(STATEMENT_TIMEOUT_MS)))
        .using(vertx)
        .build();
  }
}
