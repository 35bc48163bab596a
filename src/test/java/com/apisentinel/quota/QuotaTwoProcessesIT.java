package com.apisentinel.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.QuotaFill;
import com.apisentinel.support.ServerProcess;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import com.apisentinel.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two server processes on one database, one customer sending through both: its quota stays exact. */
class QuotaTwoProcessesIT {

  private static final long QUOTA = 1500;

  @Test
  void twoProcessesFillTheQuotaExactlyAndThenBothRefuse() throws Exception {
    Path config = Files.createTempFile("sentinel-quota", ".conf");
    Files.writeString(config, "include file(\"" + Path.of("config/sentinel.conf").toAbsolutePath() + "\")\n"
        + "sentinel.plans.free { monthlyEvents = " + QUOTA + ", requestsPerSecond = 100000, burst = 100000 }\n"
        + "sentinel.webhooks.pollIntervalMs = 100\n");
    Map<String, String> environment = Map.of("SENTINEL_CONFIG_FILE", config.toString());
    try (TestDatabase database = TestDatabase.create(QuotaTwoProcessesIT.class);
         ServerProcess first = ServerProcess.start(database.url(), environment);
         ServerProcess second = ServerProcess.start(database.url(), environment);
         WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject registration = register(first);
      String apiKey = registration.getJsonObject("apiKey").getString("key");
      subscribe(first, registration.getString("accessToken"), receiver.url("/quota"));

      QuotaFill.Result result = QuotaFill.fill(List.of(first.uri("/"), second.uri("/")), apiKey, 12);

      assertThat(result.accepted()).isEqualTo(QUOTA);
      assertThat(database.queryLong("SELECT count(*) FROM events")).isEqualTo(QUOTA);
      assertThat(database.queryLong("SELECT count(*) FROM events WHERE event_id IN ('"
          + String.join("','", result.refused()) + "')")).isZero();
      for (ServerProcess node : List.of(first, second)) {
        HttpResponse<String> refused = QuotaFill.send(node.uri("/"), apiKey, QuotaFill.ids(1));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("X-Quota-Remaining")).hasValue("0");
      }
      // Each notification once per month, however many batches and nodes crossed the line.
      await().atMost(Duration.ofSeconds(15)).until(() -> receiver.ofType("quota.exhausted").size() == 1);
      Thread.sleep(2000);
      assertThat(receiver.ofType("quota.warning")).hasSize(1);
      assertThat(receiver.ofType("quota.exhausted")).hasSize(1);
      JsonObject exhausted = new JsonObject(receiver.ofType("quota.exhausted").get(0).body()).getJsonObject("data");
      assertThat(exhausted.getLong("limit")).isEqualTo(QUOTA);
      assertThat(exhausted.getLong("used")).isEqualTo(QUOTA);
    }
  }

  private static void subscribe(ServerProcess node, String accessToken, String url) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(node.uri("/api/v1/webhooks/endpoints"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + accessToken)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", url).put("eventTypes",
            new JsonArray().add("quota.warning").add("quota.exhausted")).encode())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private static JsonObject register(ServerProcess node) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(node.uri("/api/v1/customers/register"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", "two-" + System.nanoTime()
            + "@example.com").put("password", "correct horse battery").put("companyName", "Two").encode())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new JsonObject(response.body());
  }
}
