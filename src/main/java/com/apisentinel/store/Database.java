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
    int timeoutMs = (int) db.connectTimeout().toMillis();
    PoolOptions options = new PoolOptions()
        .setShared(true).setName(SHARED_POOL)
        .setMaxSize(db.poolSize())
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
