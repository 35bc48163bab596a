package com.apisentinel.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.config.Plan;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final RateLimiter limiter = new RateLimiter(now::get);
  private final RateLimiter.Rate plan = new Plan("test", 10, 5, 0, 200).rate();
  private final UUID customer = UUID.randomUUID();

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void aBurstIsAdmittedThenRefusedWithRetryAfter() {
    for (int i = 0; i < 5; i++) {
      RateLimiter.Decision d = limiter.acquire(customer, plan);
      assertThat(d.allowed()).isTrue();
      assertThat(d.limit()).isEqualTo(5);
      assertThat(d.remaining()).isEqualTo(4 - i);
    }
    RateLimiter.Decision refused = limiter.acquire(customer, plan);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(limiter.acquire(UUID.randomUUID(), plan).allowed()).as("another customer").isTrue();
  }

  @Test
  void theBucketRefillsAtThePlansRate() {
    while (limiter.acquire(customer, plan).allowed()) {
      // empty the bucket
    }
    advanceMillis(99);
    assertThat(limiter.acquire(customer, plan).allowed()).isFalse();
    advanceMillis(1);
    assertThat(limiter.acquire(customer, plan).allowed()).as("one emission interval later").isTrue();
    assertThat(limiter.acquire(customer, plan).allowed()).isFalse();
    advanceMillis(1000);
    int admitted = 0;
    while (limiter.acquire(customer, plan).allowed()) {
      admitted++;
    }
    assertThat(admitted).as("a full bucket again, never more").isEqualTo(5);
  }

  @Test
  void noWindowEdgeAdmitsADoubleBurst() {
    // Hammer every millisecond for 10 s: a fixed window would admit 2 bursts around each edge; GCRA
    // admits the burst once and then exactly the rate.
    int admitted = 0;
    for (int ms = 0; ms < 10_000; ms++) {
      if (limiter.acquire(customer, plan).allowed()) {
        admitted++;
      }
      advanceMillis(1);
    }
    assertThat(admitted).isEqualTo(5 + 10 * 10 - 1);
  }

  @Test
  void idleCustomersAreForgottenOnceTheirBucketIsFull() {
    limiter.acquire(customer, plan);
    limiter.evictIdle();
    assertThat(limiter.tracked()).isEqualTo(1);
    advanceMillis(200);
    limiter.evictIdle();
    assertThat(limiter.tracked()).isZero();
  }
}
