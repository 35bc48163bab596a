package com.apisentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Account;
import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Alert rules over stored events: defaults, firing and resolving once each as webhooks, validation. */
class AlertsTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of("sentinel.webhooks.pollIntervalMs", 100,
      "sentinel.webhooks.alertEvaluationIntervalMs", 200));
  private static final String RULES = "/api/v1/alerts/rules";

  private static Account customer() {
    return Account.register(RUNNING.server());
  }

  static HttpResponse<String> call(String method, String path, String bearer, JsonObject body) {
    return Account.call(RUNNING.server(), method, path, bearer, body);
  }


  private static void ingest(Account customer, List<JsonObject> events) {
    for (int from = 0; from < events.size(); from += 500) {
      List<JsonObject> chunk = events.subList(from, Math.min(events.size(), from + 500));
      HttpResponse<String> response = RUNNING.server().postJson("/api/v1/analytics/events", customer.apiKey(),
          new JsonObject().put("events", new JsonArray(new ArrayList<>(chunk))).encode());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
  }

  private static void subscribe(Account customer, WebhookReceiver receiver) {
    assertThat(call("POST", "/api/v1/webhooks/endpoints", customer.accessToken(), new JsonObject()
        .put("url", receiver.url("/alerts"))
        .put("eventTypes", new JsonArray().add("alert.firing").add("alert.resolved"))).statusCode()).isEqualTo(201);
  }

  private static List<JsonObject> messages(WebhookReceiver receiver, String type, String kind) {
    return receiver.ofType(type).stream().map(r -> new JsonObject(r.body()).getJsonObject("data"))
        .filter(data -> data.getString("kind").equals(kind)).toList();
  }

  @Test
  void aNewCustomerHasTheThreeRulesTheGuideRecommends() {
    JsonArray rules = new JsonObject(call("GET", RULES, customer().apiKey(), null).body()).getJsonArray("rules");

    assertThat(rules.stream().map(rule -> ((JsonObject) rule).getString("kind") + " > "
        + ((JsonObject) rule).getDouble("threshold") + " over " + ((JsonObject) rule).getInteger("windowSeconds")))
        .containsExactlyInAnyOrder("failover_rate > 0.05 over 300", "recovery_time_p95 > 3000.0 over 300",
            "both_failed_streak > 3.0 over 300");
  }

  @Test
  void aFailoverRateAboveFivePercentFiresOnceAndResolvesOnceWhenItFallsBelowFour() throws Exception {
    Account customer = customer();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      subscribe(customer, receiver);
      List<JsonObject> failovers = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        failovers.add(Events.failover(Events.freshId()));
      }
      ingest(customer, failovers);

      await().atMost(Duration.ofSeconds(15)).until(() -> messages(receiver, "alert.firing", "failover_rate").size() == 1);
      JsonObject firing = messages(receiver, "alert.firing", "failover_rate").get(0);
      assertThat(firing.getDouble("value")).isEqualTo(1.0);
      assertThat(firing.getDouble("threshold")).isEqualTo(0.05);
      JsonArray alerts = new JsonObject(call("GET", "/api/v1/alerts", customer.apiKey(), null).body())
          .getJsonArray("alerts");
      assertThat(alerts.stream().map(a -> ((JsonObject) a).getString("id"))).contains(firing.getString("alertId"));

      List<JsonObject> directs = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        directs.add(Events.direct(Events.freshId()));
      }
      ingest(customer, directs); // 30 of 1030: 2.9 %, below the 4 % that resolves

      await().atMost(Duration.ofSeconds(15)).until(() -> messages(receiver, "alert.resolved", "failover_rate").size() == 1);
      Thread.sleep(1000);
      assertThat(messages(receiver, "alert.firing", "failover_rate")).hasSize(1);
      assertThat(messages(receiver, "alert.resolved", "failover_rate")).hasSize(1);
      JsonObject resolved = new JsonObject(call("GET", "/api/v1/alerts", customer.apiKey(), null).body())
          .getJsonArray("alerts").stream().map(JsonObject.class::cast)
          .filter(a -> a.getString("id").equals(firing.getString("alertId"))).findFirst().orElseThrow();
      assertThat(resolved.getString("state")).isEqualTo("resolved");
      assertThat(resolved.getString("resolvedAt")).isNotNull();
    }
  }

  @Test
  void threeEventsFailingOnBothGatewaysFireTheStreakRule() throws Exception {
    Account customer = customer();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      subscribe(customer, receiver);
      List<JsonObject> failed = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonObject event = Events.failover(Events.freshId()).put("success", false);
        event.remove("recoveryTimeMs");
        failed.add(event);
      }
      ingest(customer, failed);

      await().atMost(Duration.ofSeconds(15))
          .until(() -> messages(receiver, "alert.firing", "both_failed_streak").size() == 1);
      assertThat(messages(receiver, "alert.firing", "both_failed_streak").get(0).getDouble("value")).isEqualTo(3.0);
    }
  }

  @Test
  void rulesAreValidatedLimitedAndPrivateToTheirCustomer() {
    Account owner = customer();
    Account other = customer();
    for (JsonObject bad : List.of(new JsonObject().put("kind", "cpu_load").put("threshold", 1),
        new JsonObject().put("kind", "failover_rate").put("threshold", 2),
        new JsonObject().put("kind", "gateway_failure_rate").put("threshold", 0.1),
        new JsonObject().put("kind", "both_failed_streak").put("threshold", 2.5),
        new JsonObject().put("kind", "failover_rate").put("threshold", 0.1).put("resolveThreshold", 0.2),
        new JsonObject().put("kind", "failover_rate").put("threshold", 0.1).put("windowSeconds", 10))) {
      assertThat(call("POST", RULES, owner.accessToken(), bad).statusCode()).as(bad.encode()).isEqualTo(422);
    }
    JsonObject gatewayRule = new JsonObject().put("kind", "gateway_failure_rate").put("threshold", 0.2)
        .put("gateway", "adyen").put("forSeconds", 60);
    assertThat(call("POST", RULES, owner.apiKey(), gatewayRule).statusCode()).isEqualTo(403);
    HttpResponse<String> created = call("POST", RULES, owner.accessToken(), gatewayRule);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject rule = new JsonObject(created.body());
    assertThat(rule.getInteger("minEvents")).isEqualTo(20);
    assertThat(rule.getDouble("resolveThreshold")).isEqualTo(0.2);
    assertThat(rule.getString("state")).isEqualTo("ok");
    String path = RULES + "/" + rule.getString("id");

    assertThat(call("GET", path, other.apiKey(), null).statusCode()).isEqualTo(404);
    assertThat(call("PUT", path, other.accessToken(), gatewayRule).statusCode()).isEqualTo(404);
    HttpResponse<String> replaced = call("PUT", path, owner.accessToken(), gatewayRule.copy().put("threshold", 0.3));
    assertThat(new JsonObject(replaced.body()).getDouble("threshold")).isEqualTo(0.3);
    for (int i = 4; i < 50; i++) {
      assertThat(call("POST", RULES, owner.accessToken(), new JsonObject().put("kind", "failover_rate")
          .put("threshold", 0.5)).statusCode()).isEqualTo(201);
    }
    assertThat(call("POST", RULES, owner.accessToken(), new JsonObject().put("kind", "failover_rate")
        .put("threshold", 0.5)).statusCode()).isEqualTo(409);
    assertThat(call("DELETE", path, owner.accessToken(), null).statusCode()).isEqualTo(204);
    assertThat(call("GET", path, owner.apiKey(), null).statusCode()).isEqualTo(404);
  }
}
