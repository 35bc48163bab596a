package com.apisentinel.sdk;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Repeats of payments that carry the app's own id, within one client. Two gateways share no
 * idempotency, so a repeat is only safe at the gateway that may already have charged: a payment id
 * in progress cannot start again (a double submit), and one whose last outcome here was unknown goes
 * to the gateway of that attempt only, under the same key, never to the other one.
 * Bounded: ids in progress are bounded by the app's concurrency, unknown outcomes by {@link #REMEMBERED}.
 */
final class RepeatGuard {

  static final int REMEMBERED = 10_000;

  private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
  private final Map<String, String> unknownAt = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** False when a payment with this id is already in progress. */
  boolean begin(String paymentId) {
    return inProgress.add(paymentId);
  }

  /** The gateway a repeat of this payment must go to, or null when any may be used. */
  synchronized String pinnedGateway(String paymentId) {
    return unknownAt.get(paymentId);
  }

  void end(String paymentId, PaymentResult result) {
    synchronized (this) {
      if (result != null && result.outcome() == PaymentOutcome.UNKNOWN) {
        unknownAt.put(paymentId, result.gatewayUsed());
      } else if (result != null) {
        unknownAt.remove(paymentId);
      }
    }
    inProgress.remove(paymentId);
  }
}
