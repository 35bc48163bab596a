package com.apisentinel.alert;

import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.store.AlertEvaluation;
import com.apisentinel.store.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every alert rule every {@code alerts.evaluationIntervalMs}, so a condition is noticed
 * well within 30 s of becoming true. Every node runs one; the evaluation's advisory lock lets one
 * at a time do the work, so however many nodes run, each state change is made and sent once.
 */
public final class AlertVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);

  private final DatabaseConfig database;
  private final Duration interval;
  private final Clock clock;
  private Pool pool;
  private AlertEvaluation evaluation;
  private long timer = -1;
  private boolean evaluating;

  public AlertVerticle(DatabaseConfig database, Duration interval, Clock clock) {
    this.database = database;
    this.interval = interval;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    pool = Database.privatePool(vertx, database, 1);
    evaluation = new AlertEvaluation(pool);
    timer = vertx.setPeriodic(interval.toMillis(), id -> evaluate());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return pool.close();
  }

  private void evaluate() {
    if (evaluating) {
      return;
    }
    evaluating = true;
    long started = System.nanoTime();
    evaluation.evaluate(clock.instant())
        .onSuccess(changed -> {
          if (changed > 0) {
            LOG.info("alert evaluation: {} rule(s) changed state in {} ms", changed,
                (System.nanoTime() - started) / 1_000_000);
          }
        })
        .onFailure(failure -> LOG.warn("alert evaluation failed: {}", failure.toString()))
        .onComplete(done -> evaluating = false);
  }
}
