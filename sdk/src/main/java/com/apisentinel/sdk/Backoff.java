package com.apisentinel.sdk;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a failed request again: "full jitter" exponential backoff (a uniformly random delay
 * between zero and {@code min(max, base * 2^(attempt-1))}), which spreads thousands of app instances
 * that lost the server at the same moment instead of having them return in waves; and the server's
 * {@code Retry-After}, which is a floor, never shortened by the jitter.
 */
final class Backoff {

  /** Keeps a silly Retry-After, in seconds or as a far-off date, from overflowing the nanosecond arithmetic. */
  private static final long MAX_SECONDS = 365L * 24 * 3600;

  private final long baseNanos;
  private final long maxNanos;
  private final long maxRetryAfterNanos;

  Backoff(Duration base, Duration max, Duration maxRetryAfter) {
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
    this.maxRetryAfterNanos = maxRetryAfter.toNanos();
  }

  /** The delay before attempt {@code attempts + 1}, after {@code attempts} failed ones. */
  long delayNanos(int attempts, long retryAfterNanos) {
    int exponent = Math.min(Math.max(attempts - 1, 0), 40);
    long ceiling = baseNanos > (maxNanos >> exponent) ? maxNanos : Math.min(maxNanos, baseNanos << exponent);
    long jittered = ThreadLocalRandom.current().nextLong(ceiling + 1);
    return Math.max(jittered, Math.min(retryAfterNanos, maxRetryAfterNanos));
  }

  /** The longest {@code Retry-After} honoured (a month-end quota reset is checked again sooner). */
  long maxRetryAfterNanos() {
    return maxRetryAfterNanos;
  }

  /**
   * A {@code Retry-After} value (RFC 9110: delay-seconds or an HTTP-date) as nanoseconds from now;
   * 0 when absent or unreadable.
   */
  static long retryAfterNanos(Optional<String> header, long nowEpochMillis) {
    if (header.isEmpty()) {
      return 0;
    }
    String value = header.get().trim();
    try {
      return Duration.ofSeconds(Math.min(Math.max(0, Long.parseLong(value)), MAX_SECONDS)).toNanos();
    } catch (NumberFormatException notSeconds) {
      try {
        long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Duration.ofMillis(Math.min(Math.max(0, at - nowEpochMillis), MAX_SECONDS * 1000)).toNanos();
      } catch (DateTimeParseException notADate) {
        return 0;
      }
    }
  }
}
