package com.apisentinel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code sentinel_*} meters API.md promises, registered up front so they are present from the
 * first scrape. Thread-safe: HTTP verticles count outcomes, the writer records batches.
 */
public final class IngestMeters {

  private final Counter accepted;
  private final Counter duplicate;
  private final Counter conflict;
  private final Counter rejected;
  private final AtomicInteger queueDepth = new AtomicInteger();
  private final DistributionSummary batchSize;
  private final Timer commit;

  /** @param queueCapacity the writer's bound, published beside its depth so a dashboard can draw both */
  public IngestMeters(MeterRegistry registry, int queueCapacity) {
    accepted = outcome(registry, "accepted");
    duplicate = outcome(registry, "duplicate");
    conflict = outcome(registry, "conflict");
    rejected = outcome(registry, "rejected");
    Gauge.builder("sentinel.writer.queue.depth", queueDepth, AtomicInteger::get)
        .description("Events held by the writer: queued plus being committed").register(registry);
    Gauge.builder("sentinel.writer.queue.capacity", () -> queueCapacity)
        .description("Events the writer may hold; past it ingest answers 503 overloaded").register(registry);
    batchSize = DistributionSummary.builder("sentinel.writer.batch.size")
        .description("Events per group commit").serviceLevelObjectives(1, 10, 100, 500, 1000, 2000, 5000)
        .register(registry);
    commit = Timer.builder("sentinel.writer.commit")
        .description("Time from sending a batch's INSERT to its COMMIT").register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("sentinel.events.ingested").tag("outcome", outcome)
        .description("Events by ingest outcome").register(registry);
  }

  public void ingested(int acceptedEvents, int duplicateEvents, int conflictEvents, int rejectedEvents) {
    accepted.increment(acceptedEvents);
    duplicate.increment(duplicateEvents);
    conflict.increment(conflictEvents);
    rejected.increment(rejectedEvents);
  }

  public void queueDepth(int events) {
    queueDepth.set(events);
  }

  public void committed(int events, long nanos) {
    batchSize.record(events);
    commit.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
