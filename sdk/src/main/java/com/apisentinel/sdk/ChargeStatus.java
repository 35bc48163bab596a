package com.apisentinel.sdk;

/** What a gateway's status lookup says about a payment's idempotency key. */
public enum ChargeStatus {
  /** The gateway charged it. */
  CHARGED,
  /** The gateway has no charge under that key: nothing was charged, failing over is safe. */
  NOT_CHARGED,
  /** The gateway cannot tell (or offers no lookup). */
  UNKNOWN
}
