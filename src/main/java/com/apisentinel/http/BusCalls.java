package com.apisentinel.http;

import io.vertx.core.eventbus.DeliveryOptions;

/** Delivery options of the HTTP verticle's requests to other verticles. */
final class BusCalls {

  /**
   * Account calls may queue behind argon2 hashing on the workers, but never for the bus's 30 s
   * default: past this the client gets 503 + Retry-After.
   */
  static final DeliveryOptions AUTH = new DeliveryOptions().setSendTimeout(10_000);
  /** The metrics verticle answers from memory. */
  static final DeliveryOptions METRICS = new DeliveryOptions().setSendTimeout(2_000);

  private BusCalls() {
  }
}
