package com.apisentinel.rollup;

import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.store.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts rollup parts in the background: every second, or straight away again while a backlog
 * remains. Readers never depend on it for correctness (they add up parts too), only for speed.
 */
public final class RollupVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RollupVerticle.class);
  private static final long IDLE_DELAY_MS = 1_000;

  private final DatabaseConfig database;
  private RollupCompactor compactor;
  private boolean stopped;
  private long timer = -1;
  private boolean failing;

  public RollupVerticle(DatabaseConfig database) {
    this.database = database;
  }

  @Override
  public Future<?> start() {
    compactor = new RollupCompactor(vertx, Database.sharedPool(vertx, database));
    schedule(IDLE_DELAY_MS);
    return Future.succeededFuture();
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timer = vertx.setTimer(delayMs, id -> compact());
    }
  }

  private void compact() {
    compactor.compactOnce().onComplete(result -> {
      if (result.failed()) {
        if (!failing) {
          LOG.warn("rollup compaction failed, retrying every second: {}", result.cause().toString());
        }
        failing = true;
        schedule(IDLE_DELAY_MS);
        return;
      }
      failing = false;
      schedule(result.result() == compactor.partsPerTransaction() ? 1 : IDLE_DELAY_MS);
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
