package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final CircuitBreaker breaker = new CircuitBreaker(now::get);

  @Test
  void opensAfterConsecutiveFailuresThenLetsOneProbeThroughAfterTheCoolDown() {
    breaker.failed(3, 100);
    breaker.failed(3, 100);
    assertThat(breaker.permit()).isEqualTo(CircuitBreaker.Permit.CALL);
    breaker.failed(3, 100);
    assertThat(breaker.permit()).isEqualTo(CircuitBreaker.Permit.SKIP);
    assertThat(breaker.isOpen()).isTrue();

    now.addAndGet(100);
    assertThat(breaker.permit()).isEqualTo(CircuitBreaker.Permit.PROBE);
    assertThat(breaker.permit()).as("one probe at a time").isEqualTo(CircuitBreaker.Permit.SKIP);
    breaker.failed(3, 100);
    assertThat(breaker.permit()).as("a failed probe opens it again").isEqualTo(CircuitBreaker.Permit.SKIP);

    now.addAndGet(100);
    assertThat(breaker.permit()).isEqualTo(CircuitBreaker.Permit.PROBE);
    breaker.succeeded();
    assertThat(breaker.permit()).isEqualTo(CircuitBreaker.Permit.CALL);
    assertThat(breaker.isOpen()).isFalse();
  }

  @Test
  void aSuccessResetsTheCount() {
    breaker.failed(2, 100);
    breaker.succeeded();
    breaker.failed(2, 100);
    assertThat(breaker.permit()).isEqualTo(CircuitBreaker.Permit.CALL);
  }
}
