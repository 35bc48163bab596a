package com.apisentinel.sdk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The futures of {@link SentinelClient#flush()}. A flush waits for every event with a sequence
 * number below its target (all events queued when it was called) to be settled: acknowledged by the
 * server (accepted, duplicate, rejected or conflict) or given up. It completes exceptionally when
 * some of the events it waited for were given up or still unsent at close, so that
 * {@code flush().get()} tells the app whether anything was lost.
 *
 * <p>Targets only grow, so the waiters form a queue completed from its head. At most
 * {@link #MAX_WAITING} wait at once: an app that calls flush() on every request during a long
 * outage gets an immediate failure past that, not a growing heap. Futures are completed on the
 * callback executor, never on the sender thread, so that code chained on them cannot stall delivery.
 */
final class FlushTracker {

  static final int MAX_WAITING = 10_000;

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

  private final Executor callbacks;
  /** Requested but not yet seen by the sender ({@code from} unknown). */
  private final List<Waiter> incoming = new ArrayList<>();
  /** Seen by the sender; confined to its thread. */
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  /** The largest target waiting or incoming (sender thread only). */
  private long maxTarget = -1;
  /** Set once the sender has finished: nobody would take a new request in. */
  private boolean closed;

  FlushTracker(Executor callbacks) {
    this.callbacks = callbacks;
  }

  /** A flush of everything below {@code target}; already complete once the sender has finished. */
  synchronized CompletableFuture<Void> request(long target) {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    if (incoming.size() + waiting.size() >= MAX_WAITING) {
      return CompletableFuture.failedFuture(new SentinelDeliveryException(MAX_WAITING
          + " flushes are already waiting for the server; wait on one of them instead", 0));
    }
    Waiter waiter = new Waiter(target);
    incoming.add(waiter);
    return waiter.future;
  }

  /** Takes in new requests; events below {@code settledBelow} are done already. */
  synchronized void accept(long settledBelow) {
    for (Waiter waiter : incoming) {
      waiter.from = settledBelow;
      waiting.add(waiter);
      maxTarget = Math.max(maxTarget, waiter.target);
    }
    incoming.clear();
  }

  /** Whether a flush waits for an event at or after {@code seq} (then queued events go out now). */
  boolean waitsFor(long seq) {
    return maxTarget > seq;
  }

  /** Events {@code [first, end)} will never be stored. */
  synchronized void givenUp(long first, long end) {
    for (Waiter waiter : waiting) {
      count(waiter, first, end);
    }
    for (Waiter waiter : incoming) {
      count(waiter, first, end);
    }
  }

  private static void count(Waiter waiter, long first, long end) {
    long overlap = Math.min(end, waiter.target) - Math.max(first, waiter.from);
    if (overlap > 0) {
      waiter.givenUp += overlap;
    }
  }

  /** Completes the flushes whose events are all settled. */
  synchronized void complete(long settledBelow) {
    while (!waiting.isEmpty() && waiting.peekFirst().target <= settledBelow) {
      finish(waiting.pollFirst());
    }
  }

  /**
   * At close, after {@link #givenUp} was told of every event left unsettled: the flushes still
   * waiting end now.
   */
  synchronized void abandon(long settledBelow) {
    closed = true;
    accept(settledBelow);
    waiting.forEach(this::finish);
    waiting.clear();
  }

  private void finish(Waiter waiter) {
    Runnable completion = waiter.givenUp == 0 ? () -> waiter.future.complete(null)
        : () -> waiter.future.completeExceptionally(new SentinelDeliveryException(
            waiter.givenUp + " of the flushed events were not acknowledged by the server", waiter.givenUp));
    callbacks.execute(completion);
  }
}
