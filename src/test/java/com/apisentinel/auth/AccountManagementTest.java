package com.apisentinel.auth;

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
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Profiles and API keys through the HTTP API, as two customers who must never see each other. */
class AccountManagementTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static HttpResponse<String> call(String method, String path, String bearer, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(RUNNING.server().uri(path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + bearer)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return TestServer.send(request.build());
  }

  private static int ingest(String apiKey) {
    return RUNNING.server().postJson("/api/v1/analytics/events", apiKey, Events.direct(Events.freshId()).encode()).statusCode();
  }

  private static JsonObject createKey(String access, JsonObject body) {
    HttpResponse<String> response = call("POST", "/api/v1/keys", access, body.encode());
    assertThat(response.statusCode()).isEqualTo(201);
    return new JsonObject(response.body());
  }

  @Test
  void profileCanBeReadAndChangedOnlyInItsEditableFields() {
    JsonObject me = RUNNING.server().register();
    String access = me.getString("accessToken");
    HttpResponse<String> read = call("GET", "/api/v1/customers/profile", access, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(read.body())).isEqualTo(me.getJsonObject("customer"));

    HttpResponse<String> changed = call("PUT", "/api/v1/customers/profile", access,
        new JsonObject().put("companyName", "Acme Payments").put("primaryGateway", "adyen").encode());
    assertThat(changed.statusCode()).isEqualTo(200);
    JsonObject customer = new JsonObject(changed.body());
    assertThat(customer.getString("companyName")).isEqualTo("Acme Payments");
    assertThat(customer.getString("primaryGateway")).isEqualTo("adyen");
    assertThat(customer.getString("secondaryGateway")).isEqualTo("paypal");
    assertThat(Instant.parse(customer.getString("updatedAt"))).isAfter(Instant.parse(customer.getString("createdAt")));

    for (String forbidden : new String[] {"id", "email", "tier", "createdAt"}) {
      HttpResponse<String> refused = call("PUT", "/api/v1/customers/profile", access,
          new JsonObject().put(forbidden, "enterprise").encode());
      assertThat(refused.statusCode()).as(forbidden).isEqualTo(422);
      assertThat(new JsonObject(refused.body()).getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo(forbidden);
    }
    assertThat(call("PUT", "/api/v1/customers/profile", access,
        new JsonObject().put("secondaryGateway", "adyen").encode()).statusCode())
        .as("secondary equal to the stored primary").isEqualTo(422);
    assertThat(call("PUT", "/api/v1/customers/profile", access,
        new JsonObject().put("primaryGateway", "visa").encode()).statusCode()).isEqualTo(422);
    assertThat(new JsonObject(call("GET", "/api/v1/customers/profile", access, null).body()).getString("tier"))
        .isEqualTo("free");
  }

  @Test
  void accountManagementNeedsALoginSession() {
    JsonObject me = RUNNING.server().register();
    String apiKey = me.getJsonObject("apiKey").getString("key");
    assertThat(call("GET", "/api/v1/customers/profile", apiKey, null).statusCode()).isEqualTo(403);
    assertThat(call("GET", "/api/v1/keys", apiKey, null).statusCode()).isEqualTo(403);
    assertThat(call("POST", "/api/v1/keys", apiKey, "{}").statusCode()).isEqualTo(403);
    assertThat(call("GET", "/api/v1/keys", "sk_live_" + "x".repeat(46), null).statusCode()).isEqualTo(401);
  }

  @Test
  void keysAreListedWithoutTheirSecretAndRevocationTakesEffectWithinASecond() {
    JsonObject me = RUNNING.server().register();
    String access = me.getString("accessToken");
    JsonObject created = createKey(access, new JsonObject().put("name", "checkout-service"));
    String key = created.getString("key");
    assertThat(created.getString("name")).isEqualTo("checkout-service");
    assertThat(ingest(key)).isEqualTo(202);

    JsonArray keys = new JsonObject(call("GET", "/api/v1/keys", access, null).body()).getJsonArray("keys");
    assertThat(keys).hasSize(2);
    assertThat(keys.encode()).doesNotContain(key).doesNotContain(me.getJsonObject("apiKey").getString("key"));
    assertThat(keys.getJsonObject(1).fieldNames())
        .containsExactlyInAnyOrder("id", "name", "prefix", "createdAt", "lastUsedAt", "expiresAt", "revokedAt");

    assertThat(call("DELETE", "/api/v1/keys/" + created.getString("id"), access, null).statusCode()).isEqualTo(204);
    long revokedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() -> ingest(key) == 401);
    assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    assertThat(ingest(me.getJsonObject("apiKey").getString("key"))).as("the other key still works").isEqualTo(202);
    JsonObject listed = new JsonObject(call("GET", "/api/v1/keys", access, null).body()).getJsonArray("keys")
        .getJsonObject(1);
    assertThat(listed.getString("revokedAt")).isNotNull();
  }

  @Test
  void rolledKeyKeepsWorkingForTheGracePeriodOnly() {
    JsonObject me = RUNNING.server().register();
    String access = me.getString("accessToken");
    JsonObject old = createKey(access, new JsonObject().put("name", "worker"));
    HttpResponse<String> rolled = call("POST", "/api/v1/keys/" + old.getString("id") + "/roll", access,
        new JsonObject().put("gracePeriodSeconds", 2).encode());
    assertThat(rolled.statusCode()).isEqualTo(201);
    JsonObject successor = new JsonObject(rolled.body());
    assertThat(successor.getString("name")).isEqualTo("worker");
    assertThat(ingest(successor.getString("key"))).isEqualTo(202);
    assertThat(ingest(old.getString("key"))).as("within the grace period").isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> ingest(old.getString("key")) == 401);
    assertThat(ingest(successor.getString("key"))).isEqualTo(202);

    JsonObject immediate = createKey(access, new JsonObject());
    assertThat(call("POST", "/api/v1/keys/" + immediate.getString("id") + "/roll", access, null).statusCode())
        .isEqualTo(201);
    assertThat(ingest(immediate.getString("key"))).as("grace 0: gone at once").isEqualTo(401);
    assertThat(call("POST", "/api/v1/keys/" + old.getString("id") + "/roll", access,
        new JsonObject().put("gracePeriodSeconds", 86_401).encode()).statusCode()).isEqualTo(422);
  }

  @Test
  void expiredKeysStopWorking() {
    String access = RUNNING.server().register().getString("accessToken");
    JsonObject key = createKey(access, new JsonObject().put("expiresAt", Instant.now().plusSeconds(2).toString()));
    assertThat(ingest(key.getString("key"))).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> ingest(key.getString("key")) == 401);
    assertThat(call("POST", "/api/v1/keys", access,
        new JsonObject().put("expiresAt", "2001-01-01T00:00:00Z").encode()).statusCode()).isEqualTo(422);
  }

  @Test
  void lastUsedAtIsRecordedWithoutAWritePerRequest() {
    JsonObject me = RUNNING.server().register();
    String key = me.getJsonObject("apiKey").getString("key");
    for (int i = 0; i < 5; i++) {
      assertThat(ingest(key)).isEqualTo(202);
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() ->
        new JsonObject(call("GET", "/api/v1/keys", me.getString("accessToken"), null).body()).getJsonArray("keys")
            .getJsonObject(0).getString("lastUsedAt") != null);
  }

  /** The use, not the report (written every 5 s), and never after the revocation it preceded. */
  @Test
  void lastUsedAtIsTheTimeOfTheUseAndNeverAfterTheRevocation() {
    JsonObject me = RUNNING.server().register();
    String access = me.getString("accessToken");
    Instant before = Instant.now().minusMillis(1);
    assertThat(ingest(me.getJsonObject("apiKey").getString("key"))).isEqualTo(202);
    Instant after = Instant.now().plusMillis(1);
    assertThat(call("DELETE", "/api/v1/keys/" + me.getJsonObject("apiKey").getString("id"), access, null)
        .statusCode()).isEqualTo(204);

    JsonObject key = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() ->
        new JsonObject(call("GET", "/api/v1/keys", access, null).body()).getJsonArray("keys").getJsonObject(0),
        listed -> listed.getString("lastUsedAt") != null);
    Instant lastUsed = Instant.parse(key.getString("lastUsedAt"));
    assertThat(lastUsed).isBetween(before, after);
    assertThat(lastUsed).isBeforeOrEqualTo(Instant.parse(key.getString("revokedAt")));
  }

  @Test
  void anotherCustomersKeysAreNotFoundAndItsEventsNeverSeen() {
    JsonObject alice = RUNNING.server().register();
    JsonObject mallory = RUNNING.server().register();
    String aliceKeyId = alice.getJsonObject("apiKey").getString("id");
    String malloryAccess = mallory.getString("accessToken");
    assertThat(call("DELETE", "/api/v1/keys/" + aliceKeyId, malloryAccess, null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/api/v1/keys/" + aliceKeyId + "/roll", malloryAccess, null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/keys/" + UUID.randomUUID(), malloryAccess, null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/keys/not-a-uuid", malloryAccess, null).statusCode()).isEqualTo(404);
    assertThat(ingest(alice.getJsonObject("apiKey").getString("key"))).as("Alice's key untouched").isEqualTo(202);
    assertThat(call("GET", "/api/v1/keys", malloryAccess, null).body()).doesNotContain(aliceKeyId);

    String shared = "order-42";
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", alice.getJsonObject("apiKey").getString("key"),
        Events.direct(shared).encode()).statusCode()).isEqualTo(202);
    HttpResponse<String> sameIdOtherTenant = RUNNING.server().postJson("/api/v1/analytics/events",
        mallory.getJsonObject("apiKey").getString("key"), Events.direct(shared).encode());
    assertThat(new JsonObject(sameIdOtherTenant.body()).getString("status"))
        .as("idempotency keys are per customer").isEqualTo("accepted");
  }

  @Test
  void securityActionsAreAuditedWithoutSecrets() {
    JsonObject me = RUNNING.server().register();
    String id = me.getJsonObject("customer").getString("id");
    String access = me.getString("accessToken");
    JsonObject key = createKey(access, new JsonObject().put("name", "audited"));
    call("DELETE", "/api/v1/keys/" + key.getString("id"), access, null);
    call("PUT", "/api/v1/customers/profile", access, new JsonObject().put("companyName", "Renamed").encode());
    RUNNING.server().postJson("/api/v1/customers/login", null, new JsonObject().put("email",
        me.getJsonObject("customer").getString("email")).put("password", "wrong password!").encode());
    await().atMost(Duration.ofSeconds(5)).until(() -> RUNNING.database().queryLong(
        "SELECT count(DISTINCT action) FROM audit_log WHERE customer_id = '" + id + "'") == 5);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM audit_log WHERE customer_id = '" + id
        + "' AND request_id IS NOT NULL AND client_address IS NOT NULL")).isEqualTo(5);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM audit_log WHERE detail::text LIKE '%" + key.getString("key")
        + "%'")).isZero();
  }
}
