package com.apisentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LiveEndpointTest {

  private static TestDatabase database;
  private static TestServer server;

  @BeforeAll
  static void start() {
    database = TestDatabase.create(LiveEndpointTest.class);
    server = TestServer.start(database.url());
  }

  @AfterAll
  static void stop() {
    server.close();
    database.close();
  }

  private static JsonObject live(String key) {
    var response = TestServer.send(HttpRequest.newBuilder(server.uri("/api/v1/metrics/live"))
        .header("Authorization", "Bearer " + key).GET().build());
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body()).getJsonObject("windows");
  }

  @Test
  void committedEventsShowUpInTheLiveWindowsOncePerEvent() {
    String key = server.registerApiKey();
    String repeated = Events.freshId();
    server.postJson("/api/v1/analytics/events", key, Events.batch(Events.direct(repeated),
        Events.failover(Events.freshId()).put("recoveryTimeMs", 400), Events.failover(Events.freshId())
            .put("recoveryTimeMs", 800), Events.direct("bad").put("amount", -1)));
    server.postJson("/api/v1/analytics/events", key, Events.direct(repeated).encode());

    await().atMost(Duration.ofSeconds(5)).until(() -> live(key).getJsonObject("1m").getLong("events") == 3);
    JsonObject minute = live(key).getJsonObject("1m");
    assertThat(minute.getDouble("failoverRate")).isEqualTo(2.0 / 3);
    assertThat(minute.getLong("recoveryTimeP50")).isEqualTo(400);
    assertThat(minute.getLong("recoveryTimeP99")).isBetween(799L, 801L);
    assertThat(minute.getDouble("eventsPerSecond")).isPositive();
    assertThat(live(key).getJsonObject("15m").getLong("events")).isEqualTo(3);

    JsonObject other = live(server.registerApiKey()).getJsonObject("15m");
    assertThat(other.getLong("events")).isZero();
    assertThat(other.getValue("recoveryTimeP95")).isNull();
  }
}
