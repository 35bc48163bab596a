package com.apisentinel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.ServerProcess;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import com.apisentinel.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the packaged server while a message is due for another attempt, then a new process on
 * the same database: the attempt is made, with the same webhook-id. The outbox, not memory, holds it.
 */
class WebhookCrashIT {

  @Test
  void aMessageDueWhenTheServerIsKilledIsDeliveredAfterTheRestart() throws Exception {
    Map<String, String> environment = quickPolling();
    try (TestDatabase database = TestDatabase.create(WebhookCrashIT.class);
         WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.statuses.add(503);
      String messageId;
      try (ServerProcess first = ServerProcess.start(database.url(), environment)) {
        JsonObject registration = new JsonObject(post(first, "/api/v1/customers/register", null, new JsonObject()
            .put("email", "crash-" + System.nanoTime() + "@example.com").put("password", "correct horse battery")
            .put("companyName", "Crash")).body());
        String access = registration.getString("accessToken");
        String endpoint = new JsonObject(post(first, "/api/v1/webhooks/endpoints", access,
            new JsonObject().put("url", receiver.url("/crash"))).body()).getString("id");
        messageId = new JsonObject(post(first, "/api/v1/webhooks/endpoints/" + endpoint + "/test", access,
            new JsonObject()).body()).getString("messageId");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);
        // The 503 is recorded and the second attempt due in about 5 s: the kill lands on a message due.
        await().atMost(Duration.ofSeconds(5)).until(() -> database.queryLong(
            "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND attempt = 2") == 1);
        first.process().destroyForcibly().waitFor();
      }

      try (ServerProcess second = ServerProcess.start(database.url(), environment)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 2);
        assertThat(receiver.received.get(1).header("webhook-id")).isEqualTo(messageId);
        await().atMost(Duration.ofSeconds(5)).until(() -> database.queryLong(
            "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'") == 1);
      }
    }
  }

  @Test
  void anAttemptInFlightWhenTheServerIsKilledIsMadeAgainByTheNextProcess() throws Exception {
    Map<String, String> environment = quickPolling();
    try (TestDatabase database = TestDatabase.create(WebhookCrashIT.class);
         WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.delayMillis = 4000;
      String messageId;
      try (ServerProcess first = ServerProcess.start(database.url(), environment)) {
        String access = new JsonObject(post(first, "/api/v1/customers/register", null, new JsonObject()
            .put("email", "inflight-" + System.nanoTime() + "@example.com").put("password", "correct horse battery")
            .put("companyName", "In flight")).body()).getString("accessToken");
        String endpoint = new JsonObject(post(first, "/api/v1/webhooks/endpoints", access,
            new JsonObject().put("url", receiver.url("/slow"))).body()).getString("id");
        messageId = new JsonObject(post(first, "/api/v1/webhooks/endpoints/" + endpoint + "/test", access,
            new JsonObject()).body()).getString("messageId");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);
        first.process().destroyForcibly().waitFor(); // while the receiver is still answering
      }
      receiver.delayMillis = 0;

      try (ServerProcess second = ServerProcess.start(database.url(), environment)) {
        // Well before the dead process's 60 s lease would have run out.
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 2);
        assertThat(receiver.received.get(1).header("webhook-id")).isEqualTo(messageId);
        await().atMost(Duration.ofSeconds(5)).until(() -> database.queryLong(
            "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'") == 1);
      }
    }
  }

  /** The default configuration, with the worker looking for due attempts every 100 ms. */
  private static Map<String, String> quickPolling() throws IOException {
    Path config = Files.createTempFile("sentinel-webhooks", ".conf");
    Files.writeString(config, "include file(\"" + Path.of("config/sentinel.conf").toAbsolutePath() + "\")\n"
        + "sentinel.webhooks.pollIntervalMs = 100\n");
    return Map.of("SENTINEL_CONFIG_FILE", config.toString());
  }

  private static HttpResponse<String> post(ServerProcess node, String path, String bearer, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> response = TestServer.send(request.build());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 299);
    return response;
  }
}
