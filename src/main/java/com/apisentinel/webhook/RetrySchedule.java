package com.apisentinel.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When a failed attempt is tried again: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the
 * first, second… seventh failure (eight attempts over about 27 hours), each spread by ±20 % so
 * that a receiver coming back is not hit by every retry at once. A {@code Retry-After} longer than
 * the schedule's delay is honoured (up to a day).
 */
public final class RetrySchedule {

  static final List<Duration> DELAYS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
      Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
  private static final double JITTER = 0.2;
  private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private final DoubleSupplier random;

  /** @param random uniform in [0, 1) */
  public RetrySchedule(DoubleSupplier random) {
    this.random = random;
  }

  /**
   * @param failedAttempt the attempt that just failed, from 1
   * @param retryAfter    what the receiver asked for, or null
   * @return when to try again, or null when that was the last attempt
   */
  public Instant next(int failedAttempt, Instant now, Duration retryAfter) {
    if (failedAttempt > DELAYS.size()) {
      return null;
    }
    Duration delay = DELAYS.get(failedAttempt - 1);
    long jittered = Math.round(delay.toMillis() * (1 - JITTER + 2 * JITTER * random.getAsDouble()));
    Duration wait = Duration.ofMillis(jittered);
    if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
      wait = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    }
    return now.plus(wait);
  }
}
