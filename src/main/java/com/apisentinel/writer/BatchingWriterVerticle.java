package com.apisentinel.writer;

import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.WriteRequest;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.bus.WriterStatus;
import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.Plans;
import com.apisentinel.config.WriterConfig;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.quota.QuotaLedger;
import com.apisentinel.quota.QuotaPeriod;
import com.apisentinel.rollup.RollupParts;
import com.apisentinel.store.Database;
import com.apisentinel.store.QuotaStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of events. Requests queue here; a batch leaves when it holds
 * {@code maxBatchEvents} or its oldest request has waited {@code maxDelay}, and while every
 * connection is busy committing, the queue simply grows into the next batch (group commit: one
 * WAL flush serves every request in it). Each request is answered only after its batch's COMMIT.
 * The queue is bounded in events; past it, and when stopping, requests fail at once.
 *
 * <p>Monthly quotas: each connection slot is a quota lane. A request joins a slot's batch only if
 * that lane's grant covers all its events (reserved until COMMIT); otherwise it waits while the
 * lane asks {@link QuotaStore} for more, and is refused whole — nothing stored — when the quota is
 * spent. Slots never share a lane, so a hot customer's batches on different slots commit side by
 * side; the database's CHECK on the lane keeps the quota exact across nodes.
 */
public final class BatchingWriterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingWriterVerticle.class);
  /** The constraint (and trigger) by which PostgreSQL refuses a lane's count beyond its grant. */
  private static final String LANE_OVERDRAWN = "quota_lane_within_grant";
  /** A grant that came up short while lanes were committing is asked for again after this pause. */
  private static final long GRANT_RETRY_MS = 5;
  private static final long FORGET_IDLE_QUOTAS_MS = 60_000;
  /** Grants run on connections of their own: a burst of first grants must not starve key look-ups. */
  private static final int GRANT_CONNECTIONS = 2;
  /** After a batch met an already stored event, batches skip the all-new attempt for this long. */
  private static final long DUPLICATE_MODE_NANOS = 1_000_000_000L;

  private record GrantKey(UUID customerId, QuotaPeriod period) {
  }

  /** Requests of one customer and month waiting for a grant; one grant is asked for at a time. */
  private static final class Waiting {
    final List<PendingWrite> writes = new ArrayList<>();
  }

  private final WriterConfig config;
  private final DatabaseConfig database;
  private final IngestMeters meters;
  private final Plans plans;
  private final Clock clock;
  private final Deque<PendingWrite> queue = new ArrayDeque<>();
  /** Per slot: requests whose grant just arrived on that slot's lane; they go before the queue. */
  private final List<Deque<PendingWrite>> ready = new ArrayList<>();
  private final Map<GrantKey, Waiting> waiting = new HashMap<>();
  private final QuotaLedger quotas;
  private final UUID[] lanes;
  private final boolean[] busy;
  private final RollupParts parts = new RollupParts();
  private long duplicatesSeenNanos = System.nanoTime() - DUPLICATE_MODE_NANOS;
  private WriterConnections connections;
  private QuotaStore quotaStore;
  private Pool pool;
  private int queuedEvents;
  /** Events queued, waiting for a grant, or in batches being committed: what the capacity bounds. */
  private int heldEvents;
  private int batchesInFlight;
  private long flushTimer = -1;
  private long forgetTimer = -1;
  private boolean accepting = true;
  private boolean storageFailing;
  private Promise<Void> drained;

  public BatchingWriterVerticle(WriterConfig config, DatabaseConfig database, IngestMeters meters, Plans plans,
                                Clock clock) {
    this.config = config;
    this.database = database;
    this.meters = meters;
    this.plans = plans;
    this.clock = clock;
    this.quotas = new QuotaLedger(config.connections(), System::nanoTime);
    this.lanes = new UUID[config.connections()];
    this.busy = new boolean[config.connections()];
    for (int slot = 0; slot < lanes.length; slot++) {
      // A new lane per slot and process: no two transactions can ever count on the same lane at once.
      lanes[slot] = UUID.randomUUID();
      ready.add(new ArrayDeque<>());
    }
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = database.connectOptions();
    options.addProperty("statement_timeout", Long.toString(config.commitTimeout().toMillis()));
    connections = new WriterConnections(vertx, options, config.connections(), database.connectTimeout());
    pool = Database.privatePool(vertx, database, GRANT_CONNECTIONS);
    quotaStore = new QuotaStore(pool, plans);
    forgetTimer = vertx.setPeriodic(FORGET_IDLE_QUOTAS_MS, id -> quotas.forgetIdle(QuotaPeriod.of(clock.instant())));
    var bus = vertx.eventBus();
    return Future.all(
        bus.<WriteRequest>consumer(Addresses.EVENTS_WRITE, this::enqueue).completion(),
        bus.consumer(Addresses.WRITER_STATUS, this::status).completion(),
        bus.<AccountCommands.TierChanged>consumer(Addresses.AUTH_TIER_CHANGED,
            m -> quotas.planChanged(m.body().customerId())).completion());
  }

  /** Stops taking work, commits everything it holds, then closes its connections. */
  @Override
  public Future<?> stop() {
    accepting = false;
    vertx.cancelTimer(forgetTimer);
    drained = Promise.promise();
    dispatch();
    completeDrainIfIdle();
    return drained.future().compose(v -> connections.closeAll()).eventually(() -> pool.close());
  }

  private void enqueue(Message<WriteRequest> message) {
    int size = message.body().events().size();
    if (!accepting) {
      message.fail(Failures.SHUTTING_DOWN, "shutting down");
      return;
    }
    if (heldEvents + size > config.queueCapacity()) {
      message.fail(Failures.WRITER_QUEUE_FULL, "writer queue full");
      return;
    }
    queue.addLast(new PendingWrite(message, System.nanoTime()));
    queuedEvents += size;
    hold(size);
    if (queuedEvents >= config.maxBatchEvents() || config.maxDelay().isZero()) {
      dispatch();
    } else if (flushTimer == -1) {
      flushTimer = vertx.setTimer(config.maxDelay().toMillis(), id -> {
        flushTimer = -1;
        dispatch();
      });
    }
  }

  /** Sends a batch on every free slot that has requests its lane can take. */
  private void dispatch() {
    if (flushTimer != -1) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    QuotaPeriod period = QuotaPeriod.of(clock.instant());
    for (int slot = 0; slot < busy.length; slot++) {
      if (busy[slot]) {
        continue;
      }
      List<PendingWrite> writes = takeBatch(slot, period);
      if (!writes.isEmpty()) {
        EventBatch batch = EventBatch.of(writes, slot, lanes[slot], period);
        busy[slot] = true;
        batchesInFlight++;
        commit(batch).onComplete(retry -> batchFinished(batch, retry.result()));
      }
    }
  }

  /**
   * Whole requests, up to maxBatchEvents events (a single larger request still goes alone), each
   * reserved on the slot's lane; a request the lane cannot cover waits for a grant instead, or is
   * refused if the quota is known to be spent. Requests queued longer than the ack timeout are
   * dropped: their clients already got 503, and storing them now would only store what nobody was
   * told about.
   */
  private List<PendingWrite> takeBatch(int slot, QuotaPeriod period) {
    List<PendingWrite> writes = new ArrayList<>();
    int events = 0;
    long expiredBefore = System.nanoTime() - config.ackTimeout().toNanos();
    Deque<PendingWrite> preferred = ready.get(slot);
    while (true) {
      Deque<PendingWrite> source = preferred.isEmpty() ? queue : preferred;
      PendingWrite write = source.peekFirst();
      if (write == null || (!writes.isEmpty() && events + write.size() > config.maxBatchEvents())) {
        return writes;
      }
      source.pollFirst();
      if (source == queue) {
        queuedEvents -= write.size();
      }
      UUID customer = write.request().customerId();
      if (write.enqueuedAtNanos() - expiredBefore < 0) {
        answered(write);
        write.message().fail(Failures.STORAGE_UNAVAILABLE, "expired in the writer queue");
      } else if (quotas.tryReserve(customer, period, slot, write.size())) {
        writes.add(write);
        events += write.size();
      } else if (quotas.knownSpent(customer, period, write.size())) {
        answered(write);
        write.message().reply(WriteResult.quotaExceeded(quotas.status(customer, period)));
      } else {
        awaitGrant(new GrantKey(customer, period), write, slot);
      }
    }
  }

  private void awaitGrant(GrantKey key, PendingWrite write, int slot) {
    Waiting waiting = this.waiting.get(key);
    if (waiting != null) {
      waiting.writes.add(write);
      return;
    }
    Waiting first = new Waiting();
    first.writes.add(write);
    this.waiting.put(key, first);
    askForGrant(key, first, slot);
  }

  /** Asks for everything the customer's waiting requests need; they are tried again when the answer comes. */
  private void askForGrant(GrantKey key, Waiting waiting, int slot) {
    long need = waiting.writes.stream().mapToLong(PendingWrite::size).sum();
    Set<UUID> busyLanes = new HashSet<>();
    for (int i = 0; i < busy.length; i++) {
      if (busy[i]) {
        busyLanes.add(lanes[i]);
      }
    }
    quotaStore.grant(key.customerId(), key.period().firstDay(), lanes[slot], need, busyLanes)
        .onComplete(result -> {
          if (result.failed()) {
            LOG.warn("could not obtain a quota grant: {}", result.cause().toString());
            this.waiting.remove(key);
            waiting.writes.forEach(write -> {
              answered(write);
              write.message().fail(Failures.STORAGE_UNAVAILABLE, "storage unavailable");
            });
            completeDrainIfIdle();
            return;
          }
          QuotaStore.Grant grant = result.result();
          quotas.granted(key.customerId(), key.period(), grant, ownLanes(grant.lanes()));
          if (grant.busy()) {
            vertx.setTimer(GRANT_RETRY_MS, id -> retry(key, waiting, slot));
          } else {
            retry(key, waiting, slot);
          }
        });
  }

  /** The waiting requests go before the queue on the slot that was granted; what still does not fit waits again. */
  private void retry(GrantKey key, Waiting waiting, int slot) {
    this.waiting.remove(key);
    ready.get(slot).addAll(waiting.writes);
    dispatch();
    completeDrainIfIdle();
  }

  private Map<Integer, QuotaStore.LaneBalance> ownLanes(Map<UUID, QuotaStore.LaneBalance> all) {
    Map<Integer, QuotaStore.LaneBalance> own = new HashMap<>();
    for (int slot = 0; slot < lanes.length; slot++) {
      QuotaStore.LaneBalance balance = all.get(lanes[slot]);
      if (balance != null) {
        own.put(slot, balance);
      }
    }
    return own;
  }

  /** The one place the held count changes, so the queue-depth gauge never lags it. */
  private void hold(int events) {
    heldEvents += events;
    meters.queueDepth(heldEvents);
  }

  private void answered(PendingWrite write) {
    hold(-write.size());
  }

  /** @param requeue requests to send again (the lane's grant was stale); all others were answered */
  private void batchFinished(EventBatch batch, List<PendingWrite> requeue) {
    busy[batch.slot()] = false;
    batchesInFlight--;
    batch.writes().stream().filter(write -> !requeue.contains(write)).forEach(this::answered);
    for (int i = requeue.size() - 1; i >= 0; i--) {
      queue.addFirst(requeue.get(i));
      queuedEvents += requeue.get(i).size();
    }
    dispatch();
    completeDrainIfIdle();
  }

  /**
   * Commits the batch and answers its requests, or returns those to send again; never fails
   * (failures are answered too). Each request's reservation is settled or released exactly once.
   */
  private Future<List<PendingWrite>> commit(EventBatch batch) {
    if (batch.eventCount() == 0) {
      batch.replyAllStored(quotas);
      return Future.succeededFuture(List.of());
    }
    long start = System.nanoTime();
    return store(batch)
        .map(committed -> {
          meters.committed(batch.eventCount(), System.nanoTime() - start);
          markStorageHealthy();
          if (!committed.events().isEmpty()) {
            vertx.eventBus().publish(Addresses.EVENTS_COMMITTED, committed);
          }
          return List.<PendingWrite>of();
        })
        .recover(failure -> {
          if (isLaneOverdrawn(failure)) {
            LOG.debug("lane {} had less quota than this node believed; re-reading it", batch.slot());
            batch.release(quotas);
            return rereadLane(batch);
          }
          if (isDeadlock(failure)) {
            // Rows are inserted in key order, so this should not happen; if PostgreSQL still picks
            // this batch as a deadlock's victim, nothing of it was stored: its requests go again
            // (within their ack timeout) instead of failing with it.
            LOG.warn("a batch was a deadlock victim; sending its {} requests again", batch.writes().size());
            batch.release(quotas);
            return Future.succeededFuture(batch.writes());
          }
          if (isDataError(failure) && batch.writes().size() > 1) {
            return commitEachAlone(batch);
          }
          batch.release(quotas);
          answerFailure(batch, failure);
          return Future.succeededFuture(List.of());
        });
  }

  /**
   * Stores the batch as if all its events were new; if one was not, nothing was stored and the
   * batch goes again through the statement that skips duplicates — which the next batches then use
   * directly for a while, since resent events tend to come in bursts (an SDK retrying after a
   * timeout, a client replaying its queue).
   */
  private Future<EventsCommitted> store(EventBatch batch) {
    if (System.nanoTime() - duplicatesSeenNanos < DUPLICATE_MODE_NANOS) {
      return storeAny(batch);
    }
    return execute(batch, EventBatch.INSERT_NEW, batch.newEventsParameters(parts))
        .map(rows -> batch.replyAllStored(quotas))
        .recover(failure -> {
          if (!isDuplicateEvent(failure)) {
            return Future.failedFuture(failure);
          }
          duplicatesSeenNanos = System.nanoTime();
          return storeAny(batch);
        });
  }

  /**
   * Skips the stored events, then (only if some were stored before or repeated) compares what was
   * sent with what is stored, so that a conflict is told apart from a harmless duplicate. The events
   * are committed by then: if the comparison fails, they are answered as plain duplicates rather
   * than as an error.
   */
  private Future<EventsCommitted> storeAny(EventBatch batch) {
    return execute(batch, EventBatch.INSERT_ANY, batch.anyEventsParameters())
        .compose(rows -> {
          Tuple notInserted = batch.notInsertedParameters(rows);
          if (notInserted == null) {
            return Future.succeededFuture(batch.replyCommitted(List.of(), quotas));
          }
          return execute(batch, EventBatch.CONFLICTS, notInserted)
              .map(conflicting -> batch.replyCommitted(conflicting, quotas))
              .recover(failure -> {
                LOG.warn("could not compare duplicates' payloads; answering them as duplicates: {}", failure.toString());
                return Future.succeededFuture(batch.replyCommitted(List.of(), quotas));
              });
        });
  }

  /**
   * PostgreSQL refused some request's data. Retrying the requests one by one confines the refusal
   * to the request that caused it, so one client's bad data never fails another's events.
   */
  private Future<List<PendingWrite>> commitEachAlone(EventBatch batch) {
    LOG.warn("a batch of {} requests was refused for its data; retrying them one by one", batch.writes().size());
    List<PendingWrite> requeue = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (PendingWrite write : batch.writes()) {
      chain = chain.compose(v -> commit(batch.only(List.of(write))).map(requeue::addAll).mapEmpty());
    }
    return chain.map(v -> requeue);
  }

  /**
   * The lane's grant was smaller than this node believed (another node or a plan change took back
   * its unused part): read the lane again and send the requests anew, nothing of them was stored.
   */
  private Future<List<PendingWrite>> rereadLane(EventBatch batch) {
    return quotaStore.balances(batch.period().firstDay(), batch.lane(), batch.customers())
        .map(balances -> {
          batch.customers().forEach(customer -> quotas.refreshed(customer, batch.period(), batch.slot(),
              balances.getOrDefault(customer, new QuotaStore.LaneBalance(0, 0))));
          return batch.writes();
        })
        .recover(failure -> {
          answerFailure(batch, failure);
          return Future.succeededFuture(List.of());
        });
  }

  private void answerFailure(EventBatch batch, Throwable failure) {
    int code;
    String message;
    if (isDataError(failure)) {
      LOG.warn("PostgreSQL refused a request's events: {}", failure.getMessage());
      code = Failures.DATA_REJECTED;
      message = "storage refused the events";
    } else {
      if (!storageFailing) {
        storageFailing = true;
        LOG.error("committing events failed, answering 503 until PostgreSQL is back: {}", failure.toString());
      }
      code = Failures.STORAGE_UNAVAILABLE;
      message = "storage unavailable";
    }
    batch.writes().forEach(write -> write.message().fail(code, message));
  }

  private Future<RowSet<Row>> execute(EventBatch batch, String sql, Tuple parameters) {
    int slot = batch.slot();
    return connections.acquire(slot).compose(connection -> {
      long deadline = vertx.setTimer(config.commitTimeout().toMillis(), id -> connections.discard(slot, connection));
      return connection.preparedQuery(sql).execute(parameters)
          .andThen(result -> {
            vertx.cancelTimer(deadline);
            connections.release(slot, connection, result.succeeded() || result.cause() instanceof PgException);
          });
    });
  }

  private void markStorageHealthy() {
    if (storageFailing) {
      storageFailing = false;
      LOG.info("committing events works again");
    }
  }

  /** Class 22 (data exception) and 23 (integrity violation): the rows, not the server, are at fault. */
  private static boolean isDataError(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
    }
    return false;
  }

  /** 40P01 deadlock_detected, 40001 serialization_failure: the transaction was rolled back and may simply run again. */
  private static boolean isDeadlock(Throwable failure) {
    return failure instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }

  private static boolean isDuplicateEvent(Throwable failure) {
    return failure instanceof PgException pg && EventBatch.EVENT_KEY.equals(pg.getConstraint());
  }

  private static boolean isLaneOverdrawn(Throwable failure) {
    return failure instanceof PgException pg && LANE_OVERDRAWN.equals(pg.getConstraint());
  }

  private void completeDrainIfIdle() {
    if (drained != null && queue.isEmpty() && batchesInFlight == 0 && waiting.isEmpty()
        && ready.stream().allMatch(Deque::isEmpty)) {
      drained.tryComplete();
    }
  }

  private void status(Message<Object> message) {
    message.reply(new WriterStatus(accepting, heldEvents, config.queueCapacity(), batchesInFlight));
  }
}
