package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.sdk.support.RunningSentinel;
import com.apisentinel.sdk.support.SentinelServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once delivery through server crashes: 100,000 events tracked while the server is killed
 * with SIGKILL and started again, twice, are each stored exactly once, and none is lost.
 */
class CrashDeliveryIT {

  private static final int EVENTS = 100_000;
  @RegisterExtension
  static final RunningSentinel SENTINEL = new RunningSentinel();


  @Test
  void everyTrackedEventIsStoredExactlyOnceAcrossTwoServerCrashes() throws Exception {
    SentinelServer.Customer customer = SENTINEL.server().register();
    SENTINEL.server().setTier(customer, "enterprise");
    AtomicLong tracked = new AtomicLong();
    try (SentinelClient client = SentinelClient.builder().apiKey(customer.apiKey()).endpoint(SENTINEL.server().uri())
        .maxQueue(EVENTS, 256L << 20).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
        .remoteConfig(false, Duration.ofMinutes(1)).build()) {
      Thread producer = new Thread(() -> {
        for (int i = 0; i < EVENTS; i++) {
          assertThat(client.track(ReportingTest.event("crash-" + i))).isTrue();
          tracked.incrementAndGet();
          if (i % 500 == 499) {
            pause(25); // about 20,000 events a second: the crashes land in the middle of it
          }
        }
      });
      producer.start();
      for (int crash = 1; crash <= 2; crash++) {
        long target = crash * EVENTS / 3;
        await().atMost(Duration.ofMinutes(1)).until(() -> tracked.get() >= target);
        await().atMost(Duration.ofMinutes(1)).until(() -> client.stats().accepted() > 0);
        SENTINEL.server().kill();
        pause(500);
        SENTINEL.server().restart();
      }
      producer.join();
      client.flush().get(3, TimeUnit.MINUTES);

      SentinelStats stats = client.stats();
      assertThat(stats.tracked()).isEqualTo(EVENTS);
      assertThat(stats.dropped()).isZero();
      assertThat(stats.failed()).isZero();
      assertThat(stats.rejected()).isZero();
      assertThat(stats.accepted() + stats.duplicates()).isEqualTo(EVENTS);
      assertThat(stats.retries()).as("the crashes cost retries").isPositive();
    }
    // One row per (customer, eventId) is the table's key: 100,000 rows of 100,000 ids is each exactly once.
    assertThat(SENTINEL.countEvents(customer, "event_id LIKE 'crash-%'")).isEqualTo(EVENTS);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
