package com.apisentinel.sdk;

/**
 * Completes a {@link SentinelClient#flush()} whose events were not all stored: some were given up
 * (refused for good, or still unsent when the client closed). Rejected and conflicting events are
 * answers, not failures, and do not cause it.
 */
public final class SentinelDeliveryException extends Exception {

  private static final long serialVersionUID = 1L;
  private final long events;

  SentinelDeliveryException(String message, long events) {
    super(message);
    this.events = events;
  }

  /**
   * How many of the flush's events were not stored.
   *
   * @return the number of events
   */
  public long events() {
    return events;
  }
}
