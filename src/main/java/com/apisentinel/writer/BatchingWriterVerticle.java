package com.apisentinel.writer;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.WriteRequest;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.bus.WriterStatus;
import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.Plans;
import com.apisentinel.config.WriterConfig;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.quota.QuotaAdmission;
import com.apisentinel.quota.QuotaPeriod;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The only writer of events. Requests queue here; a batch leaves when it holds
 * {@code maxBatchEvents} or its oldest request has waited {@code maxDelay}, and while every slot
 * (connection) is busy committing, the queue simply grows into the next batch (group commit: one
 * WAL flush serves every request in it). Each request is answered only after its batch's COMMIT.
 * The queue is bounded in events; past it, and when stopping, requests fail at once.
 *
 * <p>Which requests may join a slot's batch is {@link QuotaAdmission}'s call (monthly quotas,
 * one lane per slot); committing and answering them is {@link BatchCommitter}'s.
 */
public final class BatchingWriterVerticle extends VerticleBase {

  private static final long FORGET_IDLE_QUOTAS_MS = 60_000;

  private final WriterConfig config;
  private final IngestMeters meters;
  private final Clock clock;
  private final WriterStorage.Opener opener;
  private final Deque<PendingWrite> queue = new ArrayDeque<>();
  /** Per slot: whether it is committing a batch (one at a time: its quota lane relies on that). */
  private final boolean[] busy;
  private WriterStorage storage;
  private QuotaAdmission<PendingWrite> admission;
  private BatchCommitter committer;
  private int queuedEvents;
  /** Events queued, waiting for a grant, or in batches being committed: what the capacity bounds. */
  private int heldEvents;
  private int batchesInFlight;
  private long flushTimer = -1;
  private long forgetTimer = -1;
  private boolean accepting = true;
  private Promise<Void> drained;

  BatchingWriterVerticle(WriterConfig config, IngestMeters meters, Clock clock, WriterStorage.Opener opener) {
    this.config = config;
    this.meters = meters;
    this.clock = clock;
    this.opener = opener;
    this.busy = new boolean[config.connections()];
  }

  /** The writer storing into PostgreSQL. */
  public static BatchingWriterVerticle onPostgres(WriterConfig config, DatabaseConfig database, IngestMeters meters,
                                                  Plans plans, Clock clock) {
    return new BatchingWriterVerticle(config, meters, clock, PgWriterStorage.opener(config, database, plans));
  }

  @Override
  public Future<?> start() {
    storage = opener.open(vertx);
    admission = new QuotaAdmission<>(vertx, busy.length, storage.grants(), slot -> busy[slot], System::nanoTime,
        new QuotaAdmission.Listener<>() {
          @Override
          public void granted(int slot) {
            dispatch();
            completeDrainIfIdle();
          }

          @Override
          public void grantFailed(List<PendingWrite> writes, Throwable cause) {
            writes.forEach(write -> fail(write, Failures.STORAGE_UNAVAILABLE, "storage unavailable"));
            completeDrainIfIdle();
          }
        });
    committer = new BatchCommitter(storage.batches(), admission, meters, vertx.eventBus());
    forgetTimer = vertx.setPeriodic(FORGET_IDLE_QUOTAS_MS, id -> admission.forgetIdle(QuotaPeriod.of(clock.instant())));
    var bus = vertx.eventBus();
    return Future.all(
        Addresses.EVENTS_WRITE.consumer(bus, this::enqueue).completion(),
        Addresses.WRITER_STATUS.consumer(bus, this::status).completion(),
        Addresses.AUTH_TIER_CHANGED.consumer(bus, m -> admission.planChanged(m.body().customerId())).completion());
  }

  /** Stops taking work, commits everything it holds, then closes its connections. */
  @Override
  public Future<?> stop() {
    accepting = false;
    vertx.cancelTimer(forgetTimer);
    drained = Promise.promise();
    dispatch();
    completeDrainIfIdle();
    return drained.future().compose(v -> storage.close());
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

  /** Sends a batch on every free slot that has requests it may take. */
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
        EventBatch batch = EventBatch.of(writes, slot, admission.lane(slot), period);
        busy[slot] = true;
        batchesInFlight++;
        committer.commit(batch).onComplete(requeue -> batchFinished(batch, requeue.result()));
      }
    }
  }

  /**
   * Whole requests, up to maxBatchEvents events (a single larger request still goes alone): first
   * those whose grant just arrived on this slot's lane, then the queue's. Requests queued longer
   * than the ack timeout are dropped: their clients already got 503, and storing them now would
   * only store what nobody was told about.
   */
  private List<PendingWrite> takeBatch(int slot, QuotaPeriod period) {
    List<PendingWrite> writes = new ArrayList<>();
    int events = 0;
    long expiredBefore = System.nanoTime() - config.ackTimeout().toNanos();
    while (true) {
      boolean granted = admission.peekReady(slot) != null;
      PendingWrite write = granted ? admission.peekReady(slot) : queue.peekFirst();
      if (write == null || (!writes.isEmpty() && events + write.events() > config.maxBatchEvents())) {
        return writes;
      }
      if (granted) {
        admission.pollReady(slot);
      } else {
        queue.pollFirst();
        queuedEvents -= write.events();
      }
      if (write.enqueuedAtNanos() - expiredBefore < 0) {
        fail(write, Failures.STORAGE_UNAVAILABLE, "expired in the writer queue");
        continue;
      }
      switch (admission.admit(write, slot, period)) {
        case ADMITTED -> {
          writes.add(write);
          events += write.events();
        }
        case REFUSED -> {
          answered(write);
          write.message().reply(WriteResult.quotaExceeded(admission.status(write.customerId(), period)));
        }
        case WAITING -> {
          // held by the admission until its grant is known
        }
      }
    }
  }

  /** @param requeue requests to send again (nothing of them was stored); all others were answered */
  private void batchFinished(EventBatch batch, List<PendingWrite> requeue) {
    busy[batch.slot()] = false;
    batchesInFlight--;
    batch.writes().stream().filter(write -> !requeue.contains(write)).forEach(this::answered);
    for (int i = requeue.size() - 1; i >= 0; i--) {
      queue.addFirst(requeue.get(i));
      queuedEvents += requeue.get(i).events();
    }
    dispatch();
    completeDrainIfIdle();
  }

  private void fail(PendingWrite write, int code, String message) {
    answered(write);
    write.message().fail(code, message);
  }

  /** The one place the held count changes, so the queue-depth gauge never lags it. */
  private void hold(int events) {
    heldEvents += events;
    meters.queueDepth(heldEvents);
  }

  private void answered(PendingWrite write) {
    hold(-write.events());
  }

  private void completeDrainIfIdle() {
    if (drained != null && queue.isEmpty() && batchesInFlight == 0 && admission.idle()) {
      drained.tryComplete();
    }
  }

  private void status(Message<Void> message) {
    message.reply(new WriterStatus(accepting, heldEvents, config.queueCapacity(), batchesInFlight));
  }
}
