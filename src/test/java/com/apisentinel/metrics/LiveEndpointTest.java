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
    var response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/metrics/live"))
        .header("Authorization", "Bearer " + key).GET().build());
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body()).getJsonObject("windows");
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
