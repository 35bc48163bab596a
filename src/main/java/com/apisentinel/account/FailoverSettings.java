package com.apisentinel.account;

/**
 * How a customer's SDKs fail over (API.md, "SDK support"): whether at all, what to do when the
 * primary's outcome is unknown ({@code lookup}: ask the gateway whether it charged, {@code return}:
 * never fail over), and the circuit breaker. Kept with the profile, served by GET /api/v1/sdk/config.
 */
public record FailoverSettings(boolean enabled, String onTimeout, int failureThreshold, int openMs) {

  public static final String LOOKUP = "lookup";
  public static final String RETURN = "return";

  /** A change of some of the settings; null fields stay as they are. */
  public record Update(Boolean enabled, String onTimeout, Integer failureThreshold, Integer openMs) {
    public boolean isEmpty() {
      return enabled == null && onTimeout == null && failureThreshold == null && openMs == null;
    }
  }
}
