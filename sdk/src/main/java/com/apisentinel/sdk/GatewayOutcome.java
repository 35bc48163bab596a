package com.apisentinel.sdk;

/** What one gateway call proves about the payment; {@link Gateway#classify} decides it. */
public enum GatewayOutcome {
  /** Charged. The other gateway is never called. */
  SUCCEEDED,
  /** A hard decline (a stolen card, an invalid request): returned as it is, never tried elsewhere. */
  DECLINED,
  /** A soft decline (issuer unavailable, try again later): tried elsewhere only when the options say so. */
  SOFT_DECLINED,
  /** The gateway did not process the payment (refused connection, 429, a "not processed" 5xx): safe to fail over. */
  NOT_PROCESSED,
  /** Sent, but the outcome is not known: see {@link TimeoutPolicy}. */
  UNKNOWN
}
