package com.apisentinel.sdk;

/** How a payment ended, as far as anyone can know. */
public enum PaymentOutcome {
  /** A gateway charged the payment. */
  SUCCEEDED,
  /** A gateway answered and refused the payment (a card decline, an invalid request). */
  DECLINED,
  /** No gateway processed it: both failed in ways that prove nothing was charged, or failover was off. */
  FAILED,
  /**
   * A gateway may or may not have charged it (a timeout after the request was sent, with no lookup
   * to tell). Reconcile it with the gateway, using the idempotency keys in {@link PaymentResult#attempts()}.
   */
  UNKNOWN
}
