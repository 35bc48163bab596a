package com.apisentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LiveEndpointTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static JsonObject live(String key) {
    return liveBody(RUNNING.server(), key).getJsonObject("windows");
  }

  private static JsonObject liveBody(TestServer server, String key) {
    var response = TestServer.send(HttpRequest.newBuilder(server.uri("/api/v1/metrics/live"))
        .header("Authorization", "Bearer " + key).GET().build());
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  @Test
  void eachPrimaryGatewayHasItsOwnWindows() {
    String key = RUNNING.server().registerApiKey();
    RUNNING.server().postJson("/api/v1/analytics/events", key, Events.batch(Events.direct(Events.freshId()),
        Events.failover(Events.freshId()).put("recoveryTimeMs", 300),
        Events.direct(Events.freshId()).put("primaryGateway", "adyen").put("gatewayUsed", "adyen")));

    await().atMost(Duration.ofSeconds(5)).until(() -> live(key).getJsonObject("1m").getLong("events") == 3);
    JsonObject gateways = liveBody(RUNNING.server(), key).getJsonObject("gateways");
    assertThat(gateways.fieldNames()).containsExactlyInAnyOrder("adyen", "stripe");
    JsonObject stripe = gateways.getJsonObject("stripe").getJsonObject("5m");
    assertThat(stripe.getLong("events")).isEqualTo(2);
    assertThat(stripe.getDouble("failoverRate")).isEqualTo(0.5);
    assertThat(stripe.getLong("recoveryTimeP95")).isEqualTo(300);
    JsonObject adyen = gateways.getJsonObject("adyen").getJsonObject("5m");
    assertThat(adyen.getLong("events")).isEqualTo(1);
    assertThat(adyen.getDouble("failoverRate")).isZero();
    assertThat(adyen.getValue("recoveryTimeP95")).isNull();
  }

  @Test
  void aRestartedNodeRefillsItsWindowsFromStoredEventsWithoutCountingTwice() {
    String key = RUNNING.server().registerApiKey();
    RUNNING.server().postJson("/api/v1/analytics/events", key, Events.batch(Events.direct(Events.freshId()),
        Events.failover(Events.freshId()).put("recoveryTimeMs", 700)));

    try (TestServer restarted = TestServer.start(RUNNING.database().url())) {
      await().atMost(Duration.ofSeconds(5))
          .until(() -> liveBody(restarted, key).getJsonObject("windows").getJsonObject("15m").getLong("events") == 2);
      restarted.postJson("/api/v1/analytics/events", key, Events.direct(Events.freshId()).encode());
      await().atMost(Duration.ofSeconds(5))
          .until(() -> liveBody(restarted, key).getJsonObject("windows").getJsonObject("15m").getLong("events") == 3);
      JsonObject windows = liveBody(restarted, key).getJsonObject("windows");
      assertThat(windows.getJsonObject("15m").getLong("recoveryTimeP50")).isEqualTo(700);
      assertThat(liveBody(restarted, key).getJsonObject("gateways").getJsonObject("stripe").getJsonObject("15m")
          .getLong("events")).isEqualTo(3);
    }
  }

  @Test
  void committedEventsShowUpInTheLiveWindowsOncePerEvent() {
    String key = RUNNING.server().registerApiKey();
    String repeated = Events.freshId();
    RUNNING.server().postJson("/api/v1/analytics/events", key, Events.batch(Events.direct(repeated),
        Events.failover(Events.freshId()).put("recoveryTimeMs", 400), Events.failover(Events.freshId())
            .put("recoveryTimeMs", 800), Events.direct("bad").put("amount", -1)));
    RUNNING.server().postJson("/api/v1/analytics/events", key, Events.direct(repeated).encode());

    await().atMost(Duration.ofSeconds(5)).until(() -> live(key).getJsonObject("1m").getLong("events") == 3);
    JsonObject minute = live(key).getJsonObject("1m");
    assertThat(minute.getDouble("failoverRate")).isEqualTo(2.0 / 3);
    assertThat(minute.getLong("recoveryTimeP50")).isEqualTo(400);
    assertThat(minute.getLong("recoveryTimeP99")).isBetween(799L, 801L);
    assertThat(minute.getDouble("eventsPerSecond")).isPositive();
    assertThat(live(key).getJsonObject("15m").getLong("events")).isEqualTo(3);

    JsonObject other = live(RUNNING.server().registerApiKey()).getJsonObject("15m");
    assertThat(other.getLong("events")).isZero();
    assertThat(other.getValue("recoveryTimeP95")).isNull();
  }
}
