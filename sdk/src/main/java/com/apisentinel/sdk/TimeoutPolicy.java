package com.apisentinel.sdk;

/**
 * What a payment does when the primary gateway's outcome is unknown: the request was sent and no
 * answer came (a read timeout, a connection lost mid-response, or a 5xx that does not prove the
 * payment was not processed). The gateway may have charged the card, so failing over blindly could
 * charge it twice.
 */
public enum TimeoutPolicy {
  /**
   * Ask the gateway ({@link Gateway#lookup}) whether anything was charged under the payment's
   * idempotency key: fail over only when it says nothing was, report success when it says the
   * charge went through, and return the outcome {@link PaymentOutcome#UNKNOWN} otherwise (also when
   * the gateway offers no lookup). The default; the server's config calls it {@code "lookup"}.
   */
  LOOKUP,
  /**
   * Never fail over after an unknown outcome: return {@link PaymentOutcome#UNKNOWN}. The server's
   * config calls it {@code "return"}.
   */
  RETURN;

  String wireName() {
    return this == LOOKUP ? "lookup" : "return";
  }

  static TimeoutPolicy fromWireName(String name) {
    return "return".equals(name) ? RETURN : LOOKUP;
  }
}
