package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.auth.ApiKeys;
import com.apisentinel.config.JwtKeys;
import com.apisentinel.support.LoopbackClient;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import com.apisentinel.support.TokenForge;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unauthenticated traffic stays cheap and cannot crowd customers out: made-up keys (with a valid
 * checksum, so each would cost a lookup) and forged access tokens (each would cost an ES256
 * verification) from one address are refused unchecked once the address has spent its budget,
 * while customers elsewhere, and credentials that proved real at that address, are served; a busy
 * pool is a 503, never a 500.
 */
class UnauthenticatedTrafficTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  @Test
  void madeUpKeysFromOneAddressAreRefusedBeforeLookupWhileACustomerIsServed() {
    String customer = RUNNING.server().registerApiKey();
    long started = System.nanoTime();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      statuses.add(LoopbackClient.get("127.0.0.60", RUNNING.server().port(), "/api/v1/usage",
          ApiKeys.generate().key()));
      if (i % 20 == 0) {
        assertThat(RUNNING.server().get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> usage = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/usage"))
            .header("Authorization", "Bearer " + customer).timeout(Duration.ofSeconds(10)).build());
        assertThat(usage.statusCode()).as("a customer at another address").isEqualTo(200);
      }
    }
    assertBudgetHeld(statuses, started);
    assertThat(LoopbackClient.get("127.0.0.61", RUNNING.server().port(), "/api/v1/usage", ApiKeys.generate().key()))
        .as("another address still gets its own answer").isEqualTo(401);
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true); // the key cache's entries expire (TTL 800 ms)
    assertThat(LoopbackClient.get("127.0.0.60", RUNNING.server().port(), "/api/v1/usage", customer))
        .as("a real key from the flooding address itself (a shared proxy, say) is still served").isEqualTo(200);
  }

  @Test
  void forgedTokensFromOneAddressAreRefusedBeforeVerificationWhileItsSessionsAreServed() {
    JsonObject registration = RUNNING.server().register();
    String session = registration.getString("accessToken");
    assertThat(LoopbackClient.get("127.0.0.62", RUNNING.server().port(), "/api/v1/usage", session)).isEqualTo(200);
    JsonObject claims = TokenForge.payload(session);
    String otherKey = JwtKeys.generate().privateKey();
    List<String> forged = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      // Each is signed (by a key that is not the server's), so each would cost a full ES256 verification.
      forged.add(TokenForge.es256(claims.copy().put("jti", UUID.randomUUID().toString()), otherKey));
    }
    long started = System.nanoTime();
    List<Integer> statuses = new ArrayList<>();
    forged.forEach(token -> statuses.add(LoopbackClient.get("127.0.0.62", RUNNING.server().port(), "/api/v1/usage", token)));
    assertBudgetHeld(statuses, started);
    assertThat(LoopbackClient.get("127.0.0.62", RUNNING.server().port(), "/api/v1/usage", session))
        .as("a session already verified on this node, from the flooding address").isEqualTo(200);
  }

  @Test
  void aBusyConnectionPoolIsA503WithRetryAfterNeverA500() {
    try (TestServer tiny = TestServer.start(RUNNING.database().url(), Map.of("sentinel.database.poolSize", 1,
        "sentinel.database.poolWaitQueue", 1, "sentinel.security.apiKeyCacheTtlMs", 60_000))) {
      String key = tiny.registerApiKey();
      assertThat(get(tiny, key).statusCode()).isEqualTo(200); // the key is cached from here on
      ExecutorService clients = Executors.newFixedThreadPool(32);
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> get(tiny, key), clients));
      }
      List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();
      clients.shutdown();
      assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200, 503).contains(503);
      responses.stream().filter(r -> r.statusCode() == 503)
          .forEach(r -> assertThat(r.headers().firstValue("Retry-After")).isPresent());
    }
  }

  /** The address's budget: 50 checks at once, then 2 a second; the rest are refused (429) unchecked. */
  private static void assertBudgetHeld(List<Integer> statuses, long startedNanos) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    assertThat(statuses.subList(0, 50)).containsOnly(401);
    assertThat(statuses).containsOnly(401, 429);
    assertThat(statuses.stream().filter(status -> status == 401).count()).as("checked in %.1f s", seconds)
        .isLessThanOrEqualTo(50 + (long) Math.ceil(2 * seconds) + 1);
  }

  private static HttpResponse<String> get(TestServer server, String key) {
    return TestServer.send(HttpRequest.newBuilder(server.uri("/api/v1/analytics/events?limit=1000"))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(20)).build());
  }
}
