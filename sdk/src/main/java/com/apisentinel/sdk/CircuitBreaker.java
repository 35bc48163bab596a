package com.apisentinel.sdk;

import java.util.function.LongSupplier;

/**
 * One gateway's breaker: after {@code threshold} consecutive failures it opens, and payments skip
 * the gateway (straight to the other one) for the cool-down; then one payment at a time probes it
 * (half-open) until one succeeds, which closes the breaker, or fails, which opens it again. A
 * declined card is an answer, not a failure: it counts as a success here.
 *
 * <p>Shared by every payment thread, so it is synchronized; the work inside is a few comparisons.
 */
final class CircuitBreaker {

  /** What a payment may do with the gateway now. */
  enum Permit { CALL, PROBE, SKIP }

  private final LongSupplier nanoClock;
  private int consecutiveFailures;
  /** While open: when the cool-down ends. 0 when closed. */
  private long openUntil;
  private boolean probing;

  CircuitBreaker(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  synchronized Permit permit() {
    if (openUntil == 0) {
      return Permit.CALL;
    }
    if (nanoClock.getAsLong() - openUntil < 0 || probing) {
      return Permit.SKIP;
    }
    probing = true;
    return Permit.PROBE;
  }

  /** Whether a call now would be skipped, without taking the probe. */
  synchronized boolean isOpen() {
    return openUntil != 0 && (nanoClock.getAsLong() - openUntil < 0 || probing);
  }

  synchronized void succeeded() {
    consecutiveFailures = 0;
    openUntil = 0;
    probing = false;
  }

  synchronized void failed(int threshold, long openNanos) {
    consecutiveFailures++;
    if (probing || consecutiveFailures >= threshold) {
      openUntil = nanoClock.getAsLong() + openNanos;
      if (openUntil == 0) {
        openUntil = 1;
      }
    }
    probing = false;
  }
}
