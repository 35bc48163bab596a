package com.apisentinel.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every setting, parsed and validated once at start-up, then passed to whoever needs it. */
public record SentinelConfig(Profile profile, HttpConfig http, DatabaseConfig database, WriterConfig writer,
                             SecurityConfig security, Plans plans, WebhookConfig webhooks) {

  /**
   * From SIGTERM to exit: under the 10 s that {@code docker stop} and most process managers wait
   * before they kill, so that a stop is always a clean one.
   */
  public static final Duration STOP_LIMIT = Duration.ofSeconds(9);
  /** API.md: a key revoked on one node stops working on every node within a second. */
  static final Duration REVOCATION_PROMISE = Duration.ofSeconds(1);

  /**
   * The rules that tie settings together; each setting alone was checked as it was parsed.
   *
   * @throws InvalidConfigException naming the settings at fault
   */
  public SentinelConfig validate() {
    // On SIGTERM, HTTP first lets its requests in flight finish, then the writer commits what it
    // still holds, dropping whatever waited longer than the ack timeout: both must fit in the limit.
    if (http.shutdownTimeout().plus(writer.ackTimeout()).compareTo(STOP_LIMIT) > 0) {
      throw new InvalidConfigException("sentinel.http.shutdownTimeoutMs (" + http.shutdownTimeout().toMillis()
          + ") plus sentinel.writer.ackTimeoutMs (" + writer.ackTimeout().toMillis() + ") must be at most "
          + STOP_LIMIT.toMillis() + " ms, the time a stop may take");
    }
    // A batch is sent once it holds maxBatchEvents; a queue that cannot hold that many never fills one.
    if (writer.maxBatchEvents() > writer.queueCapacity()) {
      throw new InvalidConfigException("sentinel.writer.maxBatchEvents (" + writer.maxBatchEvents()
          + ") must not exceed sentinel.writer.queueCapacity (" + writer.queueCapacity() + ")");
    }
    if (profile == Profile.PROD && security.apiKeyCacheTtl().compareTo(REVOCATION_PROMISE) > 0) {
      throw new InvalidConfigException("sentinel.security.apiKeyCacheTtlMs (" + security.apiKeyCacheTtl().toMillis()
          + ") must be at most " + REVOCATION_PROMISE.toMillis() + " ms in the prod profile: a revoked key keeps "
          + "working that long on other nodes");
    }
    return this;
  }

  /** What the dev profile tolerates but an operator should know about; logged at start-up. */
  public List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    if (security.apiKeyCacheTtl().compareTo(REVOCATION_PROMISE) > 0) {
      warnings.add("security.apiKeyCacheTtlMs is " + security.apiKeyCacheTtl().toMillis()
          + " ms: a revoked key may keep working that long on other nodes (the API promises 1 s)");
    }
    if (webhooks.builtInKey()) {
      warnings.add("no webhooks.secretsKey configured; webhook signing secrets are sealed with the built-in "
          + "development key");
    }
    if (security.jwt().generatedKeys()) {
      warnings.add("no JWT key pair configured; using a throw-away ES256 pair (tokens die with this process)");
    }
    return warnings;
  }
}
