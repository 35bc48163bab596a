package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private final AtomicLong now = new AtomicLong();
  private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(1), now::get);

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  @Test
  void freeFailuresThenDoublingWaits() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("a@example.com");
      assertThat(throttle.secondsToWait("a@example.com")).isZero();
    }
    throttle.failed("a@example.com");
    assertThat(throttle.secondsToWait("a@example.com")).isBetween(1L, 2L);
    throttle.failed("a@example.com");
    assertThat(throttle.secondsToWait("a@example.com")).isBetween(2L, 3L);
    throttle.failed("a@example.com");
    assertThat(throttle.secondsToWait("a@example.com")).isBetween(4L, 5L);
    assertThat(throttle.secondsToWait("b@example.com")).as("other keys unaffected").isZero();
  }

  @Test
  void theWaitIsCappedSoNobodyIsLockedOutForever() {
    for (int i = 0; i < 200; i++) {
      throttle.failed("victim@example.com");
    }
    assertThat(throttle.secondsToWait("victim@example.com")).isBetween(59L, 61L);
    advance(Duration.ofSeconds(61));
    assertThat(throttle.secondsToWait("victim@example.com")).isZero();
  }

  @Test
  void successClearsAndOldFailuresAreForgotten() {
    for (int i = 0; i < 7; i++) {
      throttle.failed("a@example.com");
    }
    throttle.succeeded("a@example.com");
    assertThat(throttle.secondsToWait("a@example.com")).isZero();
    for (int i = 0; i < 7; i++) {
      throttle.failed("b@example.com");
    }
    advance(Duration.ofHours(2));
    throttle.failed("b@example.com");
    assertThat(throttle.secondsToWait("b@example.com")).as("counting starts over").isZero();
  }
}
