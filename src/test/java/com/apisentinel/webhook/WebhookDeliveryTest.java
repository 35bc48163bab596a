package com.apisentinel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Account;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhook endpoints and delivery end to end, against a receiver that checks every signature with
 * its own HMAC code (Standard Webhooks), never the server's.
 */
class WebhookDeliveryTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of("sentinel.webhooks.pollIntervalMs", 100));
  private static final String ENDPOINTS = "/api/v1/webhooks/endpoints";

  private static Account customer() {
    return Account.register(RUNNING.server());
  }

  static HttpResponse<String> call(String method, String path, String bearer, JsonObject body) {
    return Account.call(RUNNING.server(), method, path, bearer, body);
  }


  private static JsonObject created(Account customer, String url) {
    HttpResponse<String> response = call("POST", ENDPOINTS, customer.accessToken(), new JsonObject().put("url", url));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new JsonObject(response.body());
  }

  /** The receiver's own check: every listed signature is tried against the secret. */
  static boolean signedWith(String secret, WebhookReceiver.Received request) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    String content = request.header("webhook-id") + "." + request.header("webhook-timestamp") + "." + request.body();
    String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    return Arrays.asList(request.header("webhook-signature").split(" ")).contains(expected);
  }

  @Test
  void aFailedAttemptIsRetriedWithTheSameIdAndEveryAttemptIsSignedAndRecorded() throws Exception {
    Account customer = customer();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.statuses.add(500);
      JsonObject endpoint = created(customer, receiver.url("/hooks"));
      String secret = endpoint.getString("secret");
      assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");

      HttpResponse<String> test = call("POST", ENDPOINTS + "/" + endpoint.getString("id") + "/test",
          customer.accessToken(), null);
      assertThat(test.statusCode()).isEqualTo(202);
      String messageId = new JsonObject(test.body()).getString("messageId");

      await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() >= 2);
      WebhookReceiver.Received first = receiver.received.get(0);
      WebhookReceiver.Received second = receiver.received.get(1);
      assertThat(first.header("webhook-id")).isEqualTo(messageId).isEqualTo(second.header("webhook-id"));
      assertThat(signedWith(secret, first)).isTrue();
      assertThat(signedWith(secret, second)).isTrue();
      assertThat(second.atMillis() - first.atMillis()).as("the first retry waits 5 s ± 20 %").isBetween(3900L, 9000L);
      JsonObject payload = new JsonObject(second.body());
      assertThat(payload.getString("type")).isEqualTo("webhook.test");
      assertThat(payload.getJsonObject("data").getString("endpointId")).isEqualTo(endpoint.getString("id"));
      assertThat(first.header("content-type")).isEqualTo("application/json");

      JsonArray deliveries = await().atMost(Duration.ofSeconds(5)).until(() -> new JsonObject(call("GET",
              ENDPOINTS + "/" + endpoint.getString("id") + "/deliveries", customer.apiKey(), null).body())
          .getJsonArray("deliveries"), rows -> rows.size() == 2 && "succeeded".equals(rows.getJsonObject(0).getString("status")));
      JsonObject succeeded = deliveries.getJsonObject(0);
      JsonObject failed = deliveries.getJsonObject(1);
      assertThat(succeeded.getInteger("attempt")).isEqualTo(2);
      assertThat(succeeded.getInteger("responseStatus")).isEqualTo(200);
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getInteger("responseStatus")).isEqualTo(500);
      assertThat(failed.getString("nextAttemptAt")).isNotNull();
      assertThat(failed.getString("messageId")).isEqualTo(messageId);
    }
  }

  @Test
  void aReplayedMessageKeepsItsIdAndARotatedSecretSignsBesideTheNewOne() throws Exception {
    Account customer = customer();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      JsonObject endpoint = created(customer, receiver.url("/"));
      String id = endpoint.getString("id");
      String messageId = new JsonObject(call("POST", ENDPOINTS + "/" + id + "/test", customer.accessToken(), null)
          .body()).getString("messageId");
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);

      HttpResponse<String> rotated = call("POST", ENDPOINTS + "/" + id + "/rotate-secret", customer.accessToken(), null);
      assertThat(rotated.statusCode()).isEqualTo(200);
      String newSecret = new JsonObject(rotated.body()).getString("secret");
      assertThat(newSecret).isNotEqualTo(endpoint.getString("secret"));
      assertThat(call("POST", "/api/v1/webhooks/messages/" + messageId + "/replay", customer.accessToken(), null)
          .statusCode()).isEqualTo(202);

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 2);
      WebhookReceiver.Received replayed = receiver.received.get(1);
      assertThat(replayed.header("webhook-id")).isEqualTo(messageId);
      assertThat(replayed.body()).isEqualTo(receiver.received.get(0).body());
      assertThat(replayed.header("webhook-signature").split(" ")).hasSize(2);
      assertThat(signedWith(newSecret, replayed)).isTrue();
      assertThat(signedWith(endpoint.getString("secret"), replayed)).as("the old secret still signs for 24 h").isTrue();
    }
  }

  @Test
  void aReceiverThatAnswers410IsNotCalledAgain() throws Exception {
    Account customer = customer();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.statuses.add(410);
      String id = created(customer, receiver.url("/gone")).getString("id");
      call("POST", ENDPOINTS + "/" + id + "/test", customer.accessToken(), null);

      JsonObject disabled = await().atMost(Duration.ofSeconds(10)).until(
          () -> new JsonObject(call("GET", ENDPOINTS + "/" + id, customer.apiKey(), null).body()),
          endpoint -> !endpoint.getBoolean("enabled"));
      assertThat(disabled.getString("disabledReason")).contains("410");
      assertThat(call("POST", ENDPOINTS + "/" + id + "/test", customer.accessToken(), null).statusCode()).isEqualTo(202);
      Thread.sleep(1000);
      assertThat(receiver.received).hasSize(1);
    }
  }

  @Test
  void aReceiverThatHangsHoldsOnlyItsOwnMessagesNotAnotherEndpoints() throws Exception {
    Account slowCustomer = customer();
    Account quickCustomer = customer();
    try (WebhookReceiver slow = new WebhookReceiver(); WebhookReceiver quick = new WebhookReceiver()) {
      slow.delayMillis = 12_000;
      String slowId = created(slowCustomer, slow.url("/slow")).getString("id");
      String quickId = created(quickCustomer, quick.url("/quick")).getString("id");
      for (int i = 0; i < 8; i++) {
        call("POST", ENDPOINTS + "/" + slowId + "/test", slowCustomer.accessToken(), null);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.received.size() == 4);

      long sent = System.nanoTime();
      call("POST", ENDPOINTS + "/" + quickId + "/test", quickCustomer.accessToken(), null);
      await().atMost(Duration.ofSeconds(5)).until(() -> quick.received.size() == 1);

      assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(5));
      assertThat(slow.received).as("at most 4 attempts in flight to one endpoint").hasSize(4);
    }
  }

  @Test
  void aRedirectIsNotFollowedAndAHugeAnswerIsNotRead() throws Exception {
    Account customer = customer();
    try (WebhookReceiver redirecting = new WebhookReceiver(); WebhookReceiver target = new WebhookReceiver();
         WebhookReceiver huge = new WebhookReceiver()) {
      redirecting.statuses.add(307);
      redirecting.location = target.url("/elsewhere");
      huge.answerBytes = 50 * 1024 * 1024;
      String redirectId = created(customer, redirecting.url("/moved")).getString("id");
      String hugeId = created(customer, huge.url("/huge")).getString("id");
      call("POST", ENDPOINTS + "/" + redirectId + "/test", customer.accessToken(), null);
      call("POST", ENDPOINTS + "/" + hugeId + "/test", customer.accessToken(), null);

      JsonArray redirected = await().atMost(Duration.ofSeconds(10)).until(() -> new JsonObject(call("GET",
          ENDPOINTS + "/" + redirectId + "/deliveries", customer.apiKey(), null).body()).getJsonArray("deliveries"),
          rows -> rows.size() >= 1 && "failed".equals(rows.getJsonObject(rows.size() - 1).getString("status")));
      assertThat(redirected.getJsonObject(redirected.size() - 1).getInteger("responseStatus")).isEqualTo(307);
      assertThat(target.received).as("the redirect was not followed").isEmpty();
      JsonArray cut = await().atMost(Duration.ofSeconds(10)).until(() -> new JsonObject(call("GET",
          ENDPOINTS + "/" + hugeId + "/deliveries", customer.apiKey(), null).body()).getJsonArray("deliveries"),
          rows -> rows.size() >= 1 && "succeeded".equals(rows.getJsonObject(0).getString("status")));
      assertThat(cut.getJsonObject(0).getInteger("durationMs")).as("50 MiB were not waited for").isLessThan(5000);
    }
  }

  @Test
  void endpointsAreValidatedLimitedAndPrivateToTheirCustomer() {
    Account owner = customer();
    Account other = customer();
    assertThat(call("POST", ENDPOINTS, owner.accessToken(), new JsonObject().put("url", "ftp://example.com/x"))
        .statusCode()).isEqualTo(422);
    HttpResponse<String> badType = call("POST", ENDPOINTS, owner.accessToken(), new JsonObject()
        .put("url", "http://127.0.0.1:9/x").put("eventTypes", new JsonArray().add("alert.exploded")));
    assertThat(badType.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(badType.body()).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("eventTypes");
    assertThat(call("POST", ENDPOINTS, owner.apiKey(), new JsonObject().put("url", "http://127.0.0.1:9/x"))
        .statusCode()).as("an API key cannot change webhooks").isEqualTo(403);

    String id = created(owner, "http://127.0.0.1:9/one").getString("id");
    assertThat(call("GET", ENDPOINTS + "/" + id, other.apiKey(), null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", ENDPOINTS + "/" + id, other.accessToken(), null).statusCode()).isEqualTo(404);
    HttpResponse<String> patched = call("PATCH", ENDPOINTS + "/" + id, owner.accessToken(),
        new JsonObject().put("description", "orders").put("eventTypes", new JsonArray().add("quota.warning")));
    assertThat(new JsonObject(patched.body()).getJsonArray("eventTypes")).isEqualTo(new JsonArray().add("quota.warning"));
    assertThat(new JsonObject(patched.body()).containsKey("secret")).as("a secret is shown at creation only").isFalse();

    for (int i = 1; i < 10; i++) {
      created(owner, "http://127.0.0.1:9/" + i);
    }
    assertThat(call("POST", ENDPOINTS, owner.accessToken(), new JsonObject().put("url", "http://127.0.0.1:9/11"))
        .statusCode()).isEqualTo(409);
    assertThat(new JsonObject(call("GET", ENDPOINTS, owner.apiKey(), null).body()).getJsonArray("endpoints"))
        .hasSize(10);
    assertThat(call("DELETE", ENDPOINTS + "/" + id, owner.accessToken(), null).statusCode()).isEqualTo(204);
    assertThat(new JsonObject(call("GET", ENDPOINTS, other.apiKey(), null).body()).getJsonArray("endpoints")).isEmpty();
  }

  @Test
  void signingSecretsAreNotStoredInTheClear() {
    Account customer = customer();
    String secret = created(customer, "http://127.0.0.1:9/secret").getString("secret");
    byte[] raw = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    String hex = java.util.HexFormat.of().formatHex(raw);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM webhook_endpoints WHERE position(decode('" + hex
        + "', 'hex') in secret_sealed) > 0")).isZero();
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM webhook_endpoints WHERE secret_sealed::text LIKE '%"
        + secret.substring(6, 20) + "%'")).isZero();
  }
}
