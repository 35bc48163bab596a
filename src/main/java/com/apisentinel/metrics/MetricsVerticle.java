package com.apisentinel.metrics;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.LiveQuery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Keeps the live windows: fed only by {@code events.committed} (so only durable events count),
 * answers {@code metrics.live}. One instance: the windows are not shared across threads.
 */
public final class MetricsVerticle extends VerticleBase {

  private static final long EVICT_EVERY_MS = 60_000;

  private final LiveWindows windows = new LiveWindows(System::currentTimeMillis);
  private long evictionTimer;

  @Override
  public Future<?> start() {
    evictionTimer = vertx.setPeriodic(EVICT_EVERY_MS, id -> windows.evictIdle());
    var bus = vertx.eventBus();
    return Future.all(
        bus.<EventsCommitted>localConsumer(Addresses.EVENTS_COMMITTED, m -> windows.record(m.body())).completion(),
        bus.<LiveQuery>consumer(Addresses.METRICS_LIVE, m -> m.reply(windows.view(m.body().customerId())))
            .completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(evictionTimer);
    return Future.succeededFuture();
  }
}
