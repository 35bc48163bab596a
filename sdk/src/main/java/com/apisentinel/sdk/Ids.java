package com.apisentinel.sdk;

import java.util.UUID;

/** Ids the SDK makes: random (122 bits), so two app instances never make the same one. */
final class Ids {

  private Ids() {
  }

  /** An event id (36 characters, within the server's 64 of {@code A-Z a-z 0-9 . _ : -}). */
  static String eventId() {
    return UUID.randomUUID().toString();
  }

  /** A payment id: the event id of the payment and the stem of its gateways' idempotency keys. */
  static String paymentId() {
    return "pay_" + UUID.randomUUID().toString().replace("-", "");
  }
}
