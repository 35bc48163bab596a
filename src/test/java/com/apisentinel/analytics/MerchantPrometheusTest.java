package com.apisentinel.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/v1/metrics/prometheus: the caller's own counters and histogram, nobody else's, nowhere else. */
class MerchantPrometheusTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static HttpResponse<String> scrape(String apiKey) {
    return TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/metrics/prometheus"))
        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + apiKey).GET().build());
  }

  private static void ingest(String apiKey, JsonObject... events) {
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", apiKey, Events.batch(events)).statusCode())
        .isEqualTo(202);
  }

  @Test
  void aMerchantScrapesItsOwnCountersAndRecoveryHistogram() {
    String mine = RUNNING.server().registerApiKey();
    String theirs = RUNNING.server().registerApiKey();
    ingest(mine, Events.failover(Events.freshId()), Events.failover(Events.freshId()),
        Events.failover(Events.freshId()).put("recoveryTimeMs", 3000),
        Events.failover(Events.freshId()).put("success", false).put("recoveryTimeMs", null),
        Events.direct(Events.freshId()), Events.direct(Events.freshId()));
    ingest(theirs, Events.failover(Events.freshId()).put("gatewayUsed", "adyen"));

    HttpResponse<String> response = scrape(mine);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body().lines()).contains(
        "sentinel_merchant_events_total{primary_gateway=\"stripe\",gateway_used=\"paypal\",outcome=\"recovered\"} 3",
        "sentinel_merchant_events_total{primary_gateway=\"stripe\",gateway_used=\"paypal\",outcome=\"failed\"} 1",
        "sentinel_merchant_events_total{primary_gateway=\"stripe\",gateway_used=\"stripe\",outcome=\"primary\"} 2",
        "sentinel_merchant_recovered_amount_total{currency=\"USD\"} 15000",
        "sentinel_merchant_recovery_seconds_bucket{gateway_used=\"paypal\",le=\"1.0\"} 0",
        "sentinel_merchant_recovery_seconds_bucket{gateway_used=\"paypal\",le=\"2.5\"} 2",
        "sentinel_merchant_recovery_seconds_bucket{gateway_used=\"paypal\",le=\"5.0\"} 3",
        "sentinel_merchant_recovery_seconds_bucket{gateway_used=\"paypal\",le=\"+Inf\"} 3",
        "sentinel_merchant_recovery_seconds_sum{gateway_used=\"paypal\"} 5.400",
        "sentinel_merchant_recovery_seconds_count{gateway_used=\"paypal\"} 3",
        "# TYPE sentinel_merchant_recovery_seconds histogram");
    assertThat(response.body()).doesNotContain("adyen");
    assertThat(scrape(theirs).body()).contains("gateway_used=\"adyen\"").doesNotContain("gateway_used=\"stripe\"");
    assertThat(RUNNING.server().get("/metrics").body()).doesNotContain("sentinel_merchant");
  }

  @Test
  void aScrapeWithoutAKeyIsRefused() {
    assertThat(TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/metrics/prometheus")).GET()
        .build()).statusCode()).isEqualTo(401);
  }
}
