package com.apisentinel.writer;

import com.apisentinel.quota.QuotaGrants;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The batcher's sink in unit tests, in the manner of the OpenTelemetry Collector's test sinks: it
 * records every batch it is given and answers as scripted — all new by default — at once or when
 * the test lets held commits go. Quota grants are unlimited unless a customer has a limit, and
 * like the database's they come asynchronously and with a chunk more than asked.
 */
final class RecordingStorage implements WriterStorage, BatchStore, QuotaGrants {

  private static final long UNLIMITED_CHUNK = 100_000;

  final List<EventBatch> commits = new CopyOnWriteArrayList<>();
  /** Answers for the next commits, in order; when empty, every event is new. */
  final Queue<Function<EventBatch, Future<StoredBatch>>> script = new ConcurrentLinkedQueue<>();
  final Map<UUID, Long> limits = new ConcurrentHashMap<>();
  final List<UUID> rereadLanes = new CopyOnWriteArrayList<>();
  volatile Predicate<EventBatch> refuseData = batch -> false;
  volatile boolean closed;
  /** Per customer, per lane: what was granted. */
  private final Map<UUID, Map<UUID, Long>> granted = new ConcurrentHashMap<>();
  private final List<Runnable> held = new ArrayList<>();
  private boolean holding;

  @Override
  public BatchStore batches() {
    return this;
  }

  @Override
  public QuotaGrants grants() {
    return this;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return Future.succeededFuture();
  }

  /** Commits from now on wait for {@link #releaseHeld()}. */
  synchronized void hold() {
    holding = true;
  }

  synchronized void releaseHeld() {
    holding = false;
    held.forEach(Runnable::run);
    held.clear();
  }

  @Override
  public Future<StoredBatch> commit(EventBatch batch) {
    commits.add(batch);
    synchronized (this) {
      if (holding) {
        Context writer = Vertx.currentContext();
        Promise<StoredBatch> answer = Promise.promise();
        held.add(() -> writer.runOnContext(v -> answer(batch).onComplete(answer)));
        return answer.future();
      }
    }
    return answer(batch);
  }

  private Future<StoredBatch> answer(EventBatch batch) {
    if (refuseData.test(batch)) {
      return Future.failedFuture(new RefusedException(Refusal.DATA, new IllegalArgumentException("bad data")));
    }
    Function<EventBatch, Future<StoredBatch>> scripted = script.poll();
    return scripted != null ? scripted.apply(batch) : Future.succeededFuture(StoredBatch.allNew(batch.writes().size()));
  }

  @Override
  public Future<Grant> grant(UUID customerId, LocalDate month, UUID lane, long need, Set<UUID> busyLanes) {
    long limit = limits.getOrDefault(customerId, 0L);
    Map<UUID, Long> lanes = granted.computeIfAbsent(customerId, c -> new ConcurrentHashMap<>());
    long before = lanes.values().stream().mapToLong(Long::longValue).sum();
    long give = limit == 0 ? need + UNLIMITED_CHUNK : Math.min(need, limit - before);
    long onLane = lanes.merge(lane, give, Long::sum);
    // Later, on the writer's loop, as the database's answer would come.
    Promise<Grant> answer = Promise.promise();
    Vertx.currentContext().runOnContext(v ->
        answer.complete(new Grant(limit, Map.of(lane, new LaneBalance(onLane, 0)), 0, give < need, false)));
    return answer.future();
  }

  @Override
  public Future<Void> usageReached(UUID customerId, LocalDate month) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Map<UUID, LaneBalance>> balances(LocalDate month, UUID lane, Set<UUID> customers) {
    rereadLanes.add(lane);
    return Future.succeededFuture(Map.of());
  }
}
