package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminTierTest {

  private static final String ADMIN_TOKEN = "admin-token-for-tests-0123456789abcdefghij";

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of("sentinel.security.adminToken", ADMIN_TOKEN,
      "sentinel.plans.free.requestsPerSecond", 5, "sentinel.plans.free.burst", 10));

  private static HttpResponse<String> setTier(TestServer server, String customerId, String bearer, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/v1/admin/customers/" + customerId + "/tier"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return TestServer.send(request.build());
  }

  private static HttpResponse<String> live(String key) {
    return TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/metrics/live"))
        .header("Authorization", "Bearer " + key).GET().build());
  }

  @Test
  void aTierChangeTakesEffectOnTheNextRequest() {
    JsonObject registration = RUNNING.server().register();
    String key = registration.getJsonObject("apiKey").getString("key");
    String customerId = registration.getJsonObject("customer").getString("id");
    HttpResponse<String> response = live(key);
    while (response.statusCode() == 200) {
      assertThat(response.headers().firstValue("RateLimit-Limit")).hasValue("10");
      response = live(key);
    }
    assertThat(response.statusCode()).isEqualTo(429);

    HttpResponse<String> changed = setTier(RUNNING.server(), customerId, ADMIN_TOKEN, "{\"tier\":\"pro\"}");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    JsonObject customer = new JsonObject(changed.body());
    assertThat(customer.getString("tier")).isEqualTo("pro");
    assertThat(customer.getString("id")).isEqualTo(customerId);

    HttpResponse<String> after = live(key);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("RateLimit-Limit")).hasValue("2000");
    await().atMost(Duration.ofSeconds(5)).until(() ->
        RUNNING.database().queryLong("SELECT count(*) FROM audit_log WHERE action = 'customer.tier'") == 1);
  }

  @Test
  void aTierChangeAppliesAtOnceToAccessTokensIssuedUnderTheOldPlan() {
    JsonObject registration = RUNNING.server().register();
    String accessToken = registration.getString("accessToken");
    String customerId = registration.getJsonObject("customer").getString("id");
    HttpResponse<String> before = live(accessToken);
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.headers().firstValue("RateLimit-Limit")).hasValue("10");

    assertThat(setTier(RUNNING.server(), customerId, ADMIN_TOKEN, "{\"tier\":\"starter\"}").statusCode()).isEqualTo(200);
    // The token still says "free": the plan is read from the database, not from the token.
    HttpResponse<String> after = live(accessToken);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("RateLimit-Limit")).hasValue("200");
  }

  @Test
  void onlyTheAdminTokenMayChangeATier() {
    String customerId = RUNNING.server().register().getJsonObject("customer").getString("id");
    String body = "{\"tier\":\"enterprise\"}";
    assertThat(setTier(RUNNING.server(), customerId, null, body).statusCode()).isEqualTo(401);
    assertThat(setTier(RUNNING.server(), customerId, "wrong", body).statusCode()).isEqualTo(401);
    String sameLength = "x".repeat(ADMIN_TOKEN.length());
    assertThat(setTier(RUNNING.server(), customerId, sameLength, body).statusCode()).isEqualTo(401);
    String customerKey = RUNNING.server().registerApiKey();
    assertThat(setTier(RUNNING.server(), customerId, customerKey, body).statusCode()).isEqualTo(401);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM customers WHERE tier = 'enterprise'")).isZero();
  }

  @Test
  void badRequestsAreRefusedAndChangeNothing() {
    String customerId = RUNNING.server().register().getJsonObject("customer").getString("id");
    HttpResponse<String> unknownTier = setTier(RUNNING.server(), customerId, ADMIN_TOKEN, "{\"tier\":\"platinum\"}");
    assertThat(unknownTier.statusCode()).isEqualTo(422);
    assertThat(unknownTier.body()).contains("tier");
    assertThat(setTier(RUNNING.server(), customerId, ADMIN_TOKEN, "{\"tier\":\"pro\",\"id\":\"x\"}").statusCode())
        .isEqualTo(422);
    assertThat(setTier(RUNNING.server(), customerId, ADMIN_TOKEN, "{\"tier\":").statusCode()).isEqualTo(400);
    assertThat(setTier(RUNNING.server(), "not-a-uuid", ADMIN_TOKEN, "{\"tier\":\"pro\"}").statusCode()).isEqualTo(404);
    assertThat(setTier(RUNNING.server(), UUID.randomUUID().toString(), ADMIN_TOKEN, "{\"tier\":\"pro\"}").statusCode())
        .isEqualTo(404);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM customers WHERE tier <> 'free'")).isZero();
  }

  @Test
  void withoutAConfiguredTokenTheAdminApiDoesNotExist() {
    String customerId = RUNNING.server().register().getJsonObject("customer").getString("id");
    try (TestServer unconfigured = TestServer.start(RUNNING.database().url())) {
      assertThat(setTier(unconfigured, customerId, ADMIN_TOKEN, "{\"tier\":\"pro\"}").statusCode()).isEqualTo(404);
    }
  }
}
