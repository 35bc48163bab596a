package com.apisentinel.sdk;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The futures of {@link SentinelClient#flush()}. A flush waits for every event with a sequence
 * number below its target (all events queued when it was called) to be settled: acknowledged by the
 * server (accepted, duplicate, rejected or conflict) or given up. It completes exceptionally when
 * some of its events were given up or still unsent at close, so that {@code flush().get()} tells the app whether anything
 * was lost. Requests arrive from any thread; everything else runs on the sender thread.
 */
final class FlushTracker {

  private static final class Waiter {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final long target;
    /** Events below this were already settled when the flush was taken in: not its business. */
    long from = -1;
    long givenUp;

    Waiter(long target) {
      this.target = target;
    }
  }

  private final ConcurrentLinkedQueue<Waiter> incoming = new ConcurrentLinkedQueue<>();
  private final List<Waiter> waiting = new ArrayList<>();
  /** Set once the sender has finished: nobody would take a new request in. */
  private boolean closed;

  /** A flush of everything below {@code target}; already complete once the sender has finished. */
  synchronized CompletableFuture<Void> request(long target) {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    Waiter waiter = new Waiter(target);
    incoming.add(waiter);
    return waiter.future;
  }

  /** Takes in new requests; events below {@code settledBelow} are done already. */
  void accept(long settledBelow) {
    Waiter waiter;
    while ((waiter = incoming.poll()) != null) {
      waiter.from = settledBelow;
      waiting.add(waiter);
    }
  }

  /** Whether a flush waits for an event at or after {@code seq} (then queued events go out now). */
  boolean waitsFor(long seq) {
    for (Waiter waiter : waiting) {
      if (waiter.target > seq) {
        return true;
      }
    }
    return !incoming.isEmpty();
  }

  /** Events {@code [first, end)} will never be stored. */
  void givenUp(long first, long end) {
    for (Waiter waiter : waiting) {
      long overlap = Math.min(end, waiter.target) - Math.max(first, waiter.from);
      if (overlap > 0) {
        waiter.givenUp += overlap;
      }
    }
  }

  /** Completes the flushes whose events are all settled. */
  void complete(long settledBelow) {
    for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (waiter.target <= settledBelow) {
        it.remove();
        finish(waiter);
      }
    }
  }

  /**
   * At close, after {@link #givenUp} was told of every event left unsettled: the flushes still
   * waiting end now.
   */
  synchronized void abandon(long settledBelow) {
    closed = true;
    accept(settledBelow);
    waiting.forEach(FlushTracker::finish);
    waiting.clear();
  }

  private static void finish(Waiter waiter) {
    if (waiter.givenUp == 0) {
      waiter.future.complete(null);
    } else {
      waiter.future.completeExceptionally(new SentinelDeliveryException(
          waiter.givenUp + " of the flushed events were not acknowledged by the server", waiter.givenUp));
    }
  }
}
