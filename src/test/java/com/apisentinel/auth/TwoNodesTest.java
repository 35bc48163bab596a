package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.config.JwtKeys;
import com.apisentinel.support.Events;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two servers (separate Vert.x instances: no shared event bus) on one database, as two nodes behind
 * a load balancer: a revocation made through one must hold on the other.
 */
class TwoNodesTest {

  private static final JwtKeys.Pem KEYS = JwtKeys.generate();
  private static TestDatabase database;
  private static TestServer nodeA;
  private static TestServer nodeB;

  @BeforeAll
  static void start() {
    database = TestDatabase.create(TwoNodesTest.class);
    Map<String, Object> sharedKeys = Map.of("sentinel.security.jwt.privateKey", KEYS.privateKey(),
        "sentinel.security.jwt.publicKey", KEYS.publicKey());
    nodeA = TestServer.start(database.url(), sharedKeys);
    nodeB = TestServer.start(database.url(), sharedKeys);
  }

  @AfterAll
  static void stop() {
    nodeB.close();
    nodeA.close();
    database.close();
  }

  private static int ingest(TestServer node, String bearer) {
    return node.postJson("/api/v1/analytics/events", bearer, Events.direct(Events.freshId()).encode()).statusCode();
  }

  @Test
  void keyRevokedOnOneNodeIsRejectedByTheOtherWithinOneSecond() {
    JsonObject me = nodeA.register();
    String key = me.getJsonObject("apiKey").getString("key");
    assertThat(ingest(nodeB, key)).as("node B has the key cached").isEqualTo(202);

    var revoke = TestServer.send(HttpRequest.newBuilder(nodeA.uri("/api/v1/keys/" + me.getJsonObject("apiKey")
            .getString("id"))).header("Authorization", "Bearer " + me.getString("accessToken")).DELETE().build());
    assertThat(revoke.statusCode()).isEqualTo(204);
    long revokedAt = System.nanoTime();
    await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50)).until(() -> ingest(nodeB, key) == 401);
    assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void logoutOnOneNodeRevokesTheAccessTokenOnTheOther() {
    JsonObject me = nodeA.register();
    String access = me.getString("accessToken");
    assertThat(ingest(nodeB, access)).isEqualTo(202);
    var logout = TestServer.send(HttpRequest.newBuilder(nodeA.uri("/api/v1/auth/logout"))
        .header("Authorization", "Bearer " + access).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(logout.statusCode()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> ingest(nodeB, access) == 401);
  }
}
