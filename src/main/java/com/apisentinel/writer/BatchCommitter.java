package com.apisentinel.writer;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.ingest.Event;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.quota.QuotaAdmission;
import com.apisentinel.quota.QuotaStatus;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a batch through the {@link BatchStore} and answers its requests: stored (with their
 * duplicates and conflicts), refused for their data, or failed. A batch that may go again unchanged
 * (its lane's grant was stale, it was a deadlock's victim) is handed back to be queued again instead.
 * Each request's reservation is settled or released exactly once. Confined to the writer's event loop.
 */
final class BatchCommitter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchCommitter.class);

  private final BatchStore store;
  private final QuotaAdmission<PendingWrite> admission;
  private final IngestMeters meters;
  private final EventBus bus;
  private boolean storageFailing;

  BatchCommitter(BatchStore store, QuotaAdmission<PendingWrite> admission, IngestMeters meters, EventBus bus) {
    this.store = store;
    this.admission = admission;
    this.meters = meters;
    this.bus = bus;
  }

  /** @return the requests to queue again, all others having been answered; never fails */
  Future<List<PendingWrite>> commit(EventBatch batch) {
    long start = System.nanoTime();
    return store.commit(batch)
        .map(outcome -> {
          meters.committed(batch.eventCount(), System.nanoTime() - start);
          markStorageHealthy();
          answerStored(batch, outcome);
          return List.<PendingWrite>of();
        })
        .recover(failure -> failure instanceof BatchStore.RefusedException refused
            ? refused(batch, refused) : failed(batch, failure));
  }

  private Future<List<PendingWrite>> refused(EventBatch batch, BatchStore.RefusedException refused) {
    return switch (refused.reason()) {
      case LANE_OVERDRAWN -> laneRereadThenAgain(batch);
      case RETRY -> again(batch);
      case DATA -> batch.writes().size() > 1 ? commitEachAlone(batch) : failed(batch, refused);
    };
  }

  /** The lane's grant was taken back (by another node or a plan change): read it, then send the batch again. */
  private Future<List<PendingWrite>> laneRereadThenAgain(EventBatch batch) {
    LOG.debug("lane {} had less quota than this node believed; re-reading it", batch.slot());
    release(batch);
    return admission.reread(batch.slot(), batch.period(), batch.customers())
        .map(v -> batch.writes())
        .recover(failure -> {
          answerFailure(batch, failure);
          return Future.succeededFuture(List.of());
        });
  }

  /**
   * Rows are inserted in key order, so a deadlock should not happen; if PostgreSQL still picks this
   * batch as a victim, nothing of it was stored: its requests go again (within their ack timeout)
   * instead of failing with it.
   */
  private Future<List<PendingWrite>> again(EventBatch batch) {
    LOG.warn("a batch was a deadlock victim; sending its {} requests again", batch.writes().size());
    release(batch);
    return Future.succeededFuture(batch.writes());
  }

  /** Nothing was stored: every request is answered with the failure. */
  private Future<List<PendingWrite>> failed(EventBatch batch, Throwable failure) {
    release(batch);
    answerFailure(batch, failure);
    return Future.succeededFuture(List.of());
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

  /** Settles every request's reservation, answers it, and publishes the new events to the live metrics. */
  private void answerStored(EventBatch batch, StoredBatch outcome) {
    List<EventsCommitted.Committed> committed = new ArrayList<>(batch.eventCount());
    List<PendingWrite> writes = batch.writes();
    for (int w = 0; w < writes.size(); w++) {
      PendingWrite write = writes.get(w);
      BitSet duplicates = outcome.duplicates().get(w);
      List<Event> events = write.request().events();
      for (int i = duplicates.nextClearBit(0); i < events.size(); i = duplicates.nextClearBit(i + 1)) {
        Event event = events.get(i);
        committed.add(new EventsCommitted.Committed(write.customerId(), event.primaryGateway().wireName(),
            event.failoverUsed(), event.success(), event.recoveryTimeMs()));
      }
      QuotaStatus quota = admission.settle(write, batch.slot(), batch.period(),
          events.size() - duplicates.cardinality());
      write.message().reply(new WriteResult(duplicates, outcome.conflicts().get(w), quota));
    }
    if (!committed.isEmpty()) {
      Addresses.EVENTS_COMMITTED.publish(bus, new EventsCommitted(committed));
    }
  }

  private void release(EventBatch batch) {
    batch.writes().forEach(write -> admission.release(write, batch.slot(), batch.period()));
  }

  private void answerFailure(EventBatch batch, Throwable failure) {
    int code;
    String message;
    if (failure instanceof BatchStore.RefusedException refused && refused.reason() == BatchStore.Refusal.DATA) {
      LOG.warn("PostgreSQL refused a request's events: {}", failure.getCause().getMessage());
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

  private void markStorageHealthy() {
    if (storageFailing) {
      storageFailing = false;
      LOG.info("committing events works again");
    }
  }
}
