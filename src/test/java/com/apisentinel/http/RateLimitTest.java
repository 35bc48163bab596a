package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.LoopbackClient;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The free plan shrunk to 5 requests/s with a burst of 10, and registrations to 3 per address, through
 * the real HTTP stack.
 */
class RateLimitTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of(
      "sentinel.plans.free.requestsPerSecond", 5, "sentinel.plans.free.burst", 10));

  private static HttpResponse<String> live(String key) {
    return TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/metrics/live"))
        .header("Authorization", "Bearer " + key).GET().build());
  }

  @Test
  void aBurstOverTheLimitGets429WithHeadersAndTheBucketRefills() throws Exception {
    String key = RUNNING.server().registerApiKey();
    int lastRemaining = Integer.MAX_VALUE;
    int admitted = 0;
    HttpResponse<String> response = live(key);
    while (response.statusCode() == 200) {
      admitted++;
      assertThat(response.headers().firstValue("RateLimit-Limit")).hasValue("10");
      int remaining = Integer.parseInt(response.headers().firstValue("RateLimit-Remaining").orElseThrow());
      assertThat(remaining).isLessThan(lastRemaining);
      lastRemaining = remaining;
      assertThat(Long.parseLong(response.headers().firstValue("RateLimit-Reset").orElseThrow())).isBetween(1L, 3L);
      response = live(key);
    }
    // The bucket refills while the burst is sent (5/s), so a slow machine may squeeze in one more.
    assertThat(admitted).isBetween(10, 12);
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(response.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("type")).endsWith("/rate-limited");
    assertThat(problem.getInteger("status")).isEqualTo(429);

    assertThat(live(RUNNING.server().registerApiKey()).statusCode()).as("another customer").isEqualTo(200);

    Thread.sleep(1000); // 5 emission intervals of 200 ms
    int refilled = 0;
    while (live(key).statusCode() == 200) {
      refilled++;
    }
    assertThat(refilled).as("refilled at 5/s, not to the full burst of 10").isBetween(5, 7);
  }

  @Test
  void registrationsAreLimitedPerAddressAndARefusedOneCreatesNothing() {
    try (TestServer strict = TestServer.start(RUNNING.database().url(),
        Map.of("sentinel.security.registrationBurst", 3))) {
      long before = RUNNING.database().queryLong("SELECT count(*) FROM customers");
      List<Integer> statuses = new ArrayList<>();
      HttpResponse<String> response = null;
      for (int i = 0; i < 4; i++) {
        response = strict.postJson("/api/v1/customers/register", null, new JsonObject()
            .put("email", "limit-" + i + "@example.com").put("password", "correct horse battery")
            .put("companyName", "Acme").encode());
        statuses.add(response.statusCode());
      }
      assertThat(statuses).containsExactly(201, 201, 201, 429);
      assertThat(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
      assertThat(new JsonObject(response.body()).getString("type")).endsWith("/rate-limited");
      assertThat(RUNNING.database().queryLong("SELECT count(*) FROM customers")).isEqualTo(before + 3);
    }
  }

  @Test
  void registrationsAreLimitedPerNodeAcrossAllAddresses() {
    try (TestServer strict = TestServer.start(RUNNING.database().url(),
        Map.of("sentinel.security.registrationsPerMinute", 2))) {
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String email = "node-" + i + "-" + System.nanoTime() + "@example.com";
        statuses.add(LoopbackClient.postJson("127.0.0." + (20 + i), strict.port(), "/api/v1/customers/register",
            new JsonObject().put("email", email).put("password", "correct horse battery").put("companyName", "Acme")
                .encode()));
      }
      assertThat(statuses).as("three addresses, one node").containsExactly(201, 201, 429);
    }
  }

  @Test
  void aRefusedIngestStoresNothing() {
    String key = RUNNING.server().registerApiKey();
    while (live(key).statusCode() == 200) {
      // use up the bucket
    }
    HttpResponse<String> refused = RUNNING.server().postJson("/api/v1/analytics/events", key,
        com.apisentinel.support.Events.direct("limited-1").encode());
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id = 'limited-1'")).isZero();
  }
}
