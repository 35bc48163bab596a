package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UsageTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of("sentinel.plans.free.monthlyEvents", 1234,
      "sentinel.plans.free.requestsPerSecond", 1000, "sentinel.plans.free.burst", 5000));

  private static HttpResponse<String> usage(String credential) {
    return TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/usage"))
        .header("Authorization", "Bearer " + credential).GET().build());
  }

  @Test
  void usageShowsThePlanTheMonthTheEventsAndTheRequestsPerDay() {
    JsonObject registration = RUNNING.server().register();
    String key = registration.getJsonObject("apiKey").getString("key");
    String otherKey = RUNNING.server().registerApiKey();
    JsonArray events = new JsonArray();
    for (int i = 0; i < 7; i++) {
      events.add(Events.direct(Events.freshId()));
    }
    String batch = new JsonObject().put("events", events).encode();
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", key, batch).statusCode()).isEqualTo(202);
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", key, batch).statusCode()).isEqualTo(202);
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", otherKey, batch).statusCode()).isEqualTo(202);

    HttpResponse<String> response = usage(key);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject usage = new JsonObject(response.body());
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    assertThat(usage.getString("tier")).isEqualTo("free");
    assertThat(usage.getString("periodStart")).isEqualTo(month.atDay(1) + "T00:00:00Z");
    assertThat(usage.getString("periodEnd")).isEqualTo(month.plusMonths(1).atDay(1) + "T00:00:00Z");
    // The second batch repeated the first: duplicates are not usage. The other customer's 7 are not ours.
    assertThat(usage.getJsonObject("events").getLong("used")).isEqualTo(7);
    assertThat(usage.getJsonObject("events").getLong("limit")).isEqualTo(1234);
    assertThat(usage.getJsonObject("events").getLong("remaining")).isEqualTo(1234 - 7);
    assertThat(usage.getJsonObject("rateLimit").getInteger("limit")).isEqualTo(1000);
    assertThat(usage.getJsonObject("rateLimit").getInteger("windowSeconds")).isEqualTo(1);

    // Request counts are stored every few seconds, in one statement for all customers.
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonObject requests = new JsonObject(usage(key).body()).getJsonObject("requests");
      // Two ingests and at least one usage call before this one was counted.
      assertThat(requests.getLong("total")).isGreaterThanOrEqualTo(3);
      assertThat(requests.getJsonArray("days").getJsonObject(0).getString("date")).isEqualTo(today);
    });
    long counted = RUNNING.database().queryLong(
        "SELECT requests FROM request_counts WHERE customer_id = '" + registration.getJsonObject("customer")
            .getString("id") + "'");
    assertThat(counted).isGreaterThanOrEqualTo(3);
  }

  @Test
  void usageNeedsACredential() {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/usage"))
        .GET().build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("problems/");
  }
}
