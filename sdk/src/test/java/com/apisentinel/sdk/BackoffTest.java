package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofHours(1));

  @Test
  void delaysAreFullJitterUnderAnExponentialCeilingCappedAtTheMaximum() {
    for (int attempts = 1; attempts <= 12; attempts++) {
      long ceiling = Math.min(Duration.ofSeconds(30).toNanos(), Duration.ofMillis(500).toNanos() << (attempts - 1));
      long smallest = Long.MAX_VALUE;
      long largest = 0;
      for (int i = 0; i < 2_000; i++) {
        long delay = backoff.delayNanos(attempts, 0);
        smallest = Math.min(smallest, delay);
        largest = Math.max(largest, delay);
      }
      assertThat(largest).isLessThanOrEqualTo(ceiling).isGreaterThan(ceiling * 9 / 10);
      assertThat(smallest).isLessThan(ceiling / 10);
    }
  }

  @Test
  void retryAfterIsAFloorUpToItsCap() {
    long twoSeconds = Duration.ofSeconds(2).toNanos();
    for (int i = 0; i < 100; i++) {
      assertThat(backoff.delayNanos(1, twoSeconds)).isGreaterThanOrEqualTo(twoSeconds);
    }
    assertThat(backoff.delayNanos(1, Duration.ofDays(20).toNanos())).isEqualTo(Duration.ofHours(1).toNanos());
  }

  @Test
  void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
    long now = 1_800_000_000_000L;
    assertThat(Backoff.retryAfterNanos(Optional.of("7"), now)).isEqualTo(Duration.ofSeconds(7).toNanos());
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(now + 90_000), ZoneOffset.UTC));
    assertThat(Backoff.retryAfterNanos(Optional.of(date), now)).isEqualTo(Duration.ofSeconds(90).toNanos());
    assertThat(Backoff.retryAfterNanos(Optional.of("soon"), now)).isZero();
    assertThat(Backoff.retryAfterNanos(Optional.empty(), now)).isZero();
    assertThat(Backoff.retryAfterNanos(Optional.of("99999999999999999"), now)).isPositive();
  }

  @Test
  void aRetryAfterDateCenturiesAheadIsCappedInsteadOfOverflowing() {
    long now = 1_800_000_000_000L;
    // Beyond ~292 years, the delay in nanoseconds overflows a long: this threw and ended the sender thread.
    assertThat(Backoff.retryAfterNanos(Optional.of("Sat, 01 Jan 2400 00:00:00 GMT"), now))
        .isEqualTo(Backoff.retryAfterNanos(Optional.of("99999999999999999"), now));
  }
}
