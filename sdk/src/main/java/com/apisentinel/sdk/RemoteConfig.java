package com.apisentinel.sdk;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;

/**
 * The settings a merchant keeps on the server ({@code GET /api/v1/sdk/config}): which gateway is
 * primary, whether and how to fail over, how to batch. The SDK reads them at start and every minute,
 * so a change in the dashboard reaches every app without a redeploy; a setting given explicitly to
 * the builders ({@link FailoverOptions}, {@link SentinelClient.Builder}) wins over it.
 */
public final class RemoteConfig {

  /** What the SDK does before the server has answered (and what the server's defaults are). */
  static final RemoteConfig DEFAULTS = new RemoteConfig(null, null, true, TimeoutPolicy.LOOKUP, 5, 30_000, 100, 1000);

  private final String primaryGateway;
  private final String secondaryGateway;
  private final boolean failoverEnabled;
  private final TimeoutPolicy onTimeout;
  private final int failureThreshold;
  private final long openMs;
  private final int maxBatchEvents;
  private final long intervalMs;

  RemoteConfig(String primaryGateway, String secondaryGateway, boolean failoverEnabled, TimeoutPolicy onTimeout,
               int failureThreshold, long openMs, int maxBatchEvents, long intervalMs) {
    this.primaryGateway = primaryGateway;
    this.secondaryGateway = secondaryGateway;
    this.failoverEnabled = failoverEnabled;
    this.onTimeout = onTimeout;
    this.failureThreshold = failureThreshold;
    this.openMs = openMs;
    this.maxBatchEvents = maxBatchEvents;
    this.intervalMs = intervalMs;
  }

  /** @return the gateway payments try first, or null before the server answered */
  public String primaryGateway() {
    return primaryGateway;
  }

  /** @return the gateway payments fail over to, or null before the server answered */
  public String secondaryGateway() {
    return secondaryGateway;
  }

  /** @return whether payments fail over at all */
  public boolean failoverEnabled() {
    return failoverEnabled;
  }

  /** @return what a payment does when the primary's outcome is unknown */
  public TimeoutPolicy onTimeout() {
    return onTimeout;
  }

  /** @return consecutive failures that open a gateway's circuit breaker */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** @return how long an open breaker skips its gateway */
  public Duration openDuration() {
    return Duration.ofMillis(openMs);
  }

  /** @return the most events a batch carries */
  public int maxBatchEvents() {
    return maxBatchEvents;
  }

  /** @return how long the first event of a batch may wait */
  public Duration flushInterval() {
    return Duration.ofMillis(intervalMs);
  }

  /** Reads the endpoint's answer; fields it lacks keep the defaults. */
  static RemoteConfig parse(byte[] body) throws IOException {
    String primary = null;
    String secondary = null;
    boolean enabled = DEFAULTS.failoverEnabled;
    TimeoutPolicy onTimeout = DEFAULTS.onTimeout;
    long[] breaker = {DEFAULTS.failureThreshold, DEFAULTS.openMs};
    long[] flush = {DEFAULTS.maxBatchEvents, DEFAULTS.intervalMs};
    try (JsonParser p = EventJson.JSON.createParser(body)) {
      EventJson.expect(p, JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "primaryGateway": primary = p.getValueAsString(); break;
          case "secondaryGateway": secondary = p.getValueAsString(); break;
          case "failover":
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              if (field.equals("enabled")) {
                enabled = p.getValueAsBoolean(true);
              } else if (field.equals("onTimeout")) {
                onTimeout = TimeoutPolicy.fromWireName(p.getValueAsString());
              } else if (field.equals("circuitBreaker")) {
                readPair(p, "failureThreshold", "openMs", breaker);
              } else {
                p.skipChildren();
              }
            }
            break;
          case "flush": readPair(p, "maxBatchEvents", "intervalMs", flush); break;
          default: p.skipChildren();
        }
      }
    }
    return new RemoteConfig(primary, secondary, enabled, onTimeout, (int) clamp(breaker[0], 1, 1000),
        clamp(breaker[1], 1000, 3_600_000), (int) clamp(flush[0], 1, 1000), clamp(flush[1], 10, 60_000));
  }

  private static void readPair(JsonParser p, String first, String second, long[] into) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals(first)) {
        into[0] = p.getValueAsLong(into[0]);
      } else if (field.equals(second)) {
        into[1] = p.getValueAsLong(into[1]);
      } else {
        p.skipChildren();
      }
    }
  }

  private static long clamp(long value, long min, long max) {
    return Math.max(min, Math.min(max, value));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RemoteConfig)) {
      return false;
    }
    RemoteConfig c = (RemoteConfig) o;
    return java.util.Objects.equals(primaryGateway, c.primaryGateway)
        && java.util.Objects.equals(secondaryGateway, c.secondaryGateway) && failoverEnabled == c.failoverEnabled
        && onTimeout == c.onTimeout && failureThreshold == c.failureThreshold && openMs == c.openMs
        && maxBatchEvents == c.maxBatchEvents && intervalMs == c.intervalMs;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(primaryGateway, secondaryGateway, failoverEnabled, onTimeout, failureThreshold,
        openMs, maxBatchEvents, intervalMs);
  }

  @Override
  public String toString() {
    return "RemoteConfig[primary=" + primaryGateway + ", secondary=" + secondaryGateway + ", failover="
        + failoverEnabled + ", onTimeout=" + onTimeout.wireName() + ", breaker=" + failureThreshold + "/" + openMs
        + "ms, flush=" + maxBatchEvents + "/" + intervalMs + "ms]";
  }
}
