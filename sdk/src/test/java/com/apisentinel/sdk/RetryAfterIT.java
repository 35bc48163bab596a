package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.sdk.support.RecordingProxy;
import com.apisentinel.sdk.support.RunningSentinel;
import com.apisentinel.sdk.support.SentinelServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A free-plan customer pushed past its rate limit: the server answers 429 with Retry-After, and the
 * SDK sends nothing until that time has passed, then delivers everything.
 */
class RetryAfterIT {

  /** The SDK may have handed a request to the network just before the 429 reached it. */
  private static final long IN_FLIGHT_SLACK = Duration.ofMillis(50).toNanos();
  @RegisterExtension
  static final RunningSentinel SENTINEL = new RunningSentinel();


  @Test
  void noRequestGoesOutBeforeTheServersRetryAfter() throws Exception {
    SentinelServer.Customer customer = SENTINEL.server().register(); // free: 20 requests a second, 40 at once
    try (RecordingProxy proxy = new RecordingProxy(SENTINEL.server().uri());
         SentinelClient client = SentinelClient.builder().apiKey(customer.apiKey()).endpoint(proxy.uri())
             .maxBatchEvents(1).maxInFlightBatches(4).flushInterval(Duration.ofMillis(1))
             .remoteConfig(false, Duration.ofMinutes(1)).build()) {
      for (int i = 0; i < 150; i++) {
        client.track(ReportingTest.event("limited-" + i));
      }
      client.flush().get(2, TimeUnit.MINUTES);

      List<RecordingProxy.Exchange> exchanges = proxy.exchanges();
      List<RecordingProxy.Exchange> limited = exchanges.stream().filter(e -> e.status() == 429).toList();
      assertThat(limited).as("the plan's limit was reached").isNotEmpty();
      for (RecordingProxy.Exchange refusal : limited) {
        long quietUntil = refusal.answeredAt() + Duration.ofSeconds(Long.parseLong(refusal.retryAfter())).toNanos();
        assertThat(exchanges).noneMatch(e -> e.arrivedAt() > refusal.answeredAt() + IN_FLIGHT_SLACK
            && e.arrivedAt() < quietUntil - IN_FLIGHT_SLACK);
      }
      assertThat(client.stats().accepted()).isEqualTo(150);
      assertThat(client.stats().retries()).isEqualTo(limited.size());
    }
    assertThat(SENTINEL.countEvents(customer, "true")).isEqualTo(150);
  }
}
