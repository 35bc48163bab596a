package com.apisentinel.metrics;

import com.apisentinel.bus.Addresses;
import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.store.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the live windows: fed by {@code events.committed} (so only durable events count) and, once
 * at start, refilled from the events stored in the last 15 minutes; answers {@code metrics.query}.
 * One instance: the windows are not shared across threads.
 */
public final class MetricsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);
  private static final long EVICT_EVERY_MS = 60_000;

  private final DatabaseConfig database;
  private final LiveWindows windows = new LiveWindows(System::currentTimeMillis);
  private long evictionTimer;

  public MetricsVerticle(DatabaseConfig database) {
    this.database = database;
  }

  @Override
  public Future<?> start() {
    evictionTimer = vertx.setPeriodic(EVICT_EVERY_MS, id -> windows.evictIdle());
    Pool pool = Database.sharedPool(vertx, database);
    var bus = vertx.eventBus();
    // The database's clock, read before any consumer exists and before the writer is deployed: the
    // boundary between what the refill reads and what events.committed will bring.
    return pool.query("SELECT now()").execute().map(rows -> rows.iterator().next().getOffsetDateTime(0))
        .compose(startedAt -> Future.all(
                Addresses.EVENTS_COMMITTED.localConsumer(bus, m -> windows.record(m.body()))
                    .completion(),
                Addresses.LIVE_GET.consumer(bus, m -> m.reply(windows.view(m.body().customerId())))
                    .completion())
            .onSuccess(v -> refill(pool, startedAt)));
  }

  /** In the background: the windows answer at once and fill in as the refill lands. */
  private void refill(Pool pool, OffsetDateTime startedAt) {
    LiveRefill.refill(pool, windows, startedAt)
        .onSuccess(events -> LOG.info("live windows refilled with {} events of the last 15 minutes", events))
        .onFailure(failure -> LOG.warn("live windows start empty: refill failed: {}", failure.toString()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(evictionTimer);
    return Future.succeededFuture();
  }
}
