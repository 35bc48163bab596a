package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.config.JwtKeys;
import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import com.apisentinel.support.TokenForge;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Logins, tokens and sessions against the real server, with a key pair the test knows. */
class SessionTest {

  private static final JwtKeys.Pem KEYS = JwtKeys.generate();

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of(
      "sentinel.security.jwt.privateKey", KEYS.privateKey(), "sentinel.security.jwt.publicKey", KEYS.publicKey()));

  private static final String PASSWORD = "correct horse battery";

  private static JsonObject registered() {
    return RUNNING.server().register();
  }

  private static String email(JsonObject registration) {
    return registration.getJsonObject("customer").getString("email");
  }

  private static HttpResponse<String> login(String email, String password) {
    return RUNNING.server().postJson("/api/v1/customers/login", null,
        new JsonObject().put("email", email).put("password", password).encode());
  }

  private static HttpResponse<String> refresh(String refreshToken) {
    return RUNNING.server().postJson("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", refreshToken).encode());
  }

  /** Ingest accepts access tokens too, so it is the probe for "is this token accepted". */
  private static int ingestWith(String bearer) {
    return RUNNING.server().postJson("/api/v1/analytics/events", bearer, Events.direct(Events.freshId()).encode()).statusCode();
  }

  private static JsonObject validClaims(JsonObject registration) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", registration.getJsonObject("customer").getString("id"))
        .put("jti", UUID.randomUUID().toString()).put("fam", UUID.randomUUID().toString()).put("tier", "free")
        .put("iss", "api-sentinel").put("aud", "api-sentinel").put("iat", now).put("exp", now + 600);
  }

  @Test
  void registrationAndLoginIssueWorkingTokenPairs() {
    JsonObject registration = registered();
    assertThat(registration.getString("tokenType")).isEqualTo("Bearer");
    assertThat(registration.getLong("expiresIn")).isEqualTo(900);
    assertThat(ingestWith(registration.getString("accessToken"))).isEqualTo(202);

    HttpResponse<String> response = login(email(registration).toUpperCase(), PASSWORD);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject pair = new JsonObject(response.body());
    assertThat(pair.getString("refreshToken")).startsWith("rt_");
    JsonObject claims = TokenForge.payload(pair.getString("accessToken"));
    assertThat(claims.getString("sub")).isEqualTo(registration.getJsonObject("customer").getString("id"));
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(900);
    assertThat(ingestWith(pair.getString("accessToken"))).isEqualTo(202);
  }

  @Test
  void wrongPasswordAndUnknownEmailGiveTheSame401() {
    JsonObject registration = registered();
    HttpResponse<String> wrongPassword = login(email(registration), "not the password");
    HttpResponse<String> unknownEmail = login("nobody-" + UUID.randomUUID() + "@example.com", PASSWORD);
    assertThat(wrongPassword.statusCode()).isEqualTo(401);
    assertThat(unknownEmail.statusCode()).isEqualTo(401);
    JsonObject a = new JsonObject(wrongPassword.body());
    JsonObject b = new JsonObject(unknownEmail.body());
    a.remove("requestId");
    b.remove("requestId");
    assertThat(a).isEqualTo(b);
  }

  @Test
  void anAccountStoredBeforeNormalizationStillLogsIn() {
    JsonObject registration = registered();
    String id = registration.getJsonObject("customer").getString("id");
    String legacy = "jürgen-" + UUID.randomUUID() + "@example.com";
    // Older accounts hold the address lower-cased; this local part has no normalized form today.
    RUNNING.database().execute("UPDATE customers SET email = '" + legacy + "', email_normalized = '" + legacy
        + "' WHERE id = '" + id + "'");
    HttpResponse<String> response = login(legacy.toUpperCase(java.util.Locale.ROOT), PASSWORD);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TokenForge.payload(new JsonObject(response.body()).getString("accessToken")).getString("sub"))
        .isEqualTo(id);
  }

  @Test
  void repeatedFailuresForOneEmailAreThrottledButNotForever() {
    JsonObject registration = registered();
    int throttled = 0;
    String retryAfter = null;
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> response = login(email(registration), "wrong password " + i);
      if (response.statusCode() == 429) {
        throttled++;
        retryAfter = response.headers().firstValue("Retry-After").orElseThrow();
        assertThat(new JsonObject(response.body()).getString("type")).endsWith("/login-throttled");
      } else {
        assertThat(response.statusCode()).isEqualTo(401);
      }
    }
    assertThat(throttled).isPositive();
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
  }

  @Test
  void refreshRotatesAndReuseRevokesTheWholeFamily() {
    JsonObject registration = registered();
    String first = registration.getString("refreshToken");
    HttpResponse<String> rotated = refresh(first);
    assertThat(rotated.statusCode()).isEqualTo(200);
    JsonObject second = new JsonObject(rotated.body());
    assertThat(second.getString("refreshToken")).isNotEqualTo(first);
    assertThat(ingestWith(second.getString("accessToken"))).isEqualTo(202);

    HttpResponse<String> reuse = refresh(first);
    assertThat(reuse.statusCode()).isEqualTo(401);
    assertThat(refresh(second.getString("refreshToken")).statusCode()).as("family revoked").isEqualTo(401);
    assertThat(ingestWith(second.getString("accessToken"))).as("family's access tokens revoked").isEqualTo(401);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM audit_log WHERE action = 'refresh.reuse' AND customer_id = '"
        + registration.getJsonObject("customer").getString("id") + "'")).isEqualTo(1);
  }

  @Test
  void concurrentUseOfOneRefreshTokenYieldsAtMostOneNewPair() {
    String token = registered().getString("refreshToken");
    var a = CompletableFuture.supplyAsync(() -> refresh(token).statusCode());
    var b = CompletableFuture.supplyAsync(() -> refresh(token).statusCode());
    assertThat(java.util.List.of(a.join(), b.join())).containsExactlyInAnyOrder(200, 401);
  }

  @Test
  void logoutRejectsTheAccessTokenAndItsRefreshFamily() {
    JsonObject registration = registered();
    String access = registration.getString("accessToken");
    HttpResponse<String> logout = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/auth/logout"))
        .header("Authorization", "Bearer " + access).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(ingestWith(access)).isEqualTo(401);
    assertThat(refresh(registration.getString("refreshToken")).statusCode()).isEqualTo(401);
  }

  @Test
  void logoutNeedsASessionNotAnApiKey() {
    JsonObject registration = registered();
    HttpResponse<String> withKey = RUNNING.server().postJson("/api/v1/auth/logout",
        registration.getJsonObject("apiKey").getString("key"), "{}");
    assertThat(withKey.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(withKey.body()).getString("type")).endsWith("/forbidden");
    assertThat(RUNNING.server().postJson("/api/v1/auth/logout", null, "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void forgedTokensAreRefused() {
    JsonObject registration = registered();
    JsonObject claims = validClaims(registration);
    assertThat(ingestWith(TokenForge.es256(claims, KEYS.privateKey()))).as("control: a correct token").isEqualTo(202);

    assertThat(ingestWith(TokenForge.unsigned(claims))).as("alg none").isEqualTo(401);
    assertThat(ingestWith(TokenForge.es256(claims, JwtKeys.generate().privateKey()))).as("wrong key").isEqualTo(401);
    assertThat(ingestWith(TokenForge.hs256WithPublicKey(claims, KEYS.publicKey()))).as("HS256 confusion")
        .isEqualTo(401);
    long now = Instant.now().getEpochSecond();
    assertThat(ingestWith(TokenForge.es256(claims.copy().put("exp", now - 60), KEYS.privateKey()))).as("expired")
        .isEqualTo(401);
    assertThat(ingestWith(TokenForge.es256(claims.copy().put("nbf", now + 600), KEYS.privateKey())))
        .as("not yet valid").isEqualTo(401);
    assertThat(ingestWith(TokenForge.es256(claims.copy().put("iss", "someone-else"), KEYS.privateKey())))
        .as("wrong issuer").isEqualTo(401);
    assertThat(ingestWith(TokenForge.es256(claims.copy().put("aud", "another-api"), KEYS.privateKey())))
        .as("wrong audience").isEqualTo(401);
    String other = registered().getJsonObject("customer").getString("id");
    String genuine = registration.getString("accessToken");
    JsonObject tampered = TokenForge.payload(genuine).put("sub", other);
    assertThat(ingestWith(TokenForge.withPayload(genuine, tampered))).as("tampered claims").isEqualTo(401);
    assertThat(ingestWith("garbage.token.here")).isEqualTo(401);
  }

  @Test
  void ourOwnSignatureOnClaimsThatAreNotOursIsA401NotA500() {
    JsonObject claims = validClaims(registered());
    for (JsonObject malformed : new JsonObject[] {without(claims, "sub"), claims.copy().put("sub", "not-a-uuid"),
        without(claims, "jti"), claims.copy().put("fam", 42), claims.copy().put("exp", "soon"), without(claims, "tier"),
        claims.copy().put("tier", 7), claims.copy().putNull("sub"),
        claims.copy().put("sub", new JsonObject())}) {
      assertThat(ingestWith(TokenForge.es256(malformed, KEYS.privateKey()))).as(malformed.encode()).isEqualTo(401);
    }
  }

  /** ES256 signatures are R||S, 64 bytes, with S in the lower half: one valid encoding per token (no malleability). */
  @Test
  void onlyTheCanonicalEs256SignatureIsAccepted() {
    JsonObject registration = registered();
    String issued = registration.getString("accessToken");
    assertThat(TokenForge.isLowS(issued)).as("the server signs canonically").isTrue();
    assertThat(ingestWith(issued)).isEqualTo(202);
    assertThat(ingestWith(TokenForge.flipS(issued))).as("the same signature with S = n - S").isEqualTo(401);
    assertThat(ingestWith(TokenForge.derSignature(issued))).as("DER instead of R||S").isEqualTo(401);
    for (int i = 0; i < 20; i++) {
      String token = new JsonObject(login(registration.getJsonObject("customer").getString("email"),
          "correct horse battery").body()).getString("accessToken");
      assertThat(TokenForge.isLowS(token)).isTrue();
    }
  }

  private static JsonObject without(JsonObject claims, String field) {
    JsonObject copy = claims.copy();
    copy.remove(field);
    return copy;
  }

  @Test
  void ingestKeepsAnsweringWhileLoginsHash() {
    String key = registered().getJsonObject("apiKey").getString("key");
    var logins = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 4; i++) {
        login("nobody@example.com", "some password " + i);
      }
    });
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      assertThat(RUNNING.server().postJson("/api/v1/analytics/events", key, Events.direct(Events.freshId()).encode())
          .statusCode()).isEqualTo(202);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    logins.join();
  }
}
