package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IngestEndToEndTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static final String EVENTS = "/api/v1/analytics/events";
  private static String apiKey;
  private static String customerId;

  @BeforeAll
  static void start() {
    JsonObject registration = RUNNING.server().register();
    apiKey = registration.getJsonObject("apiKey").getString("key");
    customerId = registration.getJsonObject("customer").getString("id");
  }

  private long storedRows(String eventId) {
    return RUNNING.database().queryLong("SELECT count(*) FROM events WHERE customer_id = '" + customerId
        + "' AND event_id = '" + eventId + "'");
  }

  @Test
  void singleEventIsStoredOnceAndItsRepeatIsADuplicate() {
    String id = Events.freshId();
    HttpResponse<String> first = RUNNING.server().postJson(EVENTS, apiKey, Events.failover(id).encode());
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(first.body())).isEqualTo(new JsonObject().put("eventId", id).put("status", "accepted"));
    assertThat(storedRows(id)).isEqualTo(1);

    HttpResponse<String> again = RUNNING.server().postJson(EVENTS, apiKey, Events.failover(id).encode());
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(again.body()).getString("status")).isEqualTo("duplicate");
    assertThat(storedRows(id)).isEqualTo(1);
  }

  @Test
  void storedRowHoldsEveryFieldAsSent() {
    String id = Events.freshId();
    JsonObject event = Events.failover(id).put("currency", "jpy").put("occurredAt", "2026-11-22T10:15:30.123Z")
        .put("primaryError", new JsonObject().put("code", "timeout").put("httpStatus", 504).put("message", "slow"))
        .put("metadata", new JsonObject().put("orderId", "o-9").put("attempt", 2));
    event.put("occurredAt", java.time.Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
        .toString());
    assertThat(RUNNING.server().postJson(EVENTS, apiKey, event.encode()).statusCode()).isEqualTo(202);
    try (var c = RUNNING.database().connect(); var s = c.prepareStatement("""
        SELECT primary_gateway, gateway_used, failover_used, success, amount, currency, latency_ms, recovery_time_ms,
               primary_error_code, primary_error_http_status, primary_error_message, metadata::text, occurred_at
          FROM events WHERE event_id = ?""")) {
      s.setString(1, id);
      var row = s.executeQuery();
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("stripe");
      assertThat(row.getString(2)).isEqualTo("paypal");
      assertThat(row.getBoolean(3)).isTrue();
      assertThat(row.getBoolean(4)).isTrue();
      assertThat(row.getLong(5)).isEqualTo(5000);
      assertThat(row.getString(6)).isEqualTo("JPY");
      assertThat(row.getInt(7)).isEqualTo(840);
      assertThat(row.getInt(8)).isEqualTo(1200);
      assertThat(row.getString(9)).isEqualTo("timeout");
      assertThat(row.getInt(10)).isEqualTo(504);
      assertThat(row.getString(11)).isEqualTo("slow");
      assertThat(new JsonObject(row.getString(12))).isEqualTo(new JsonObject().put("orderId", "o-9").put("attempt", 2));
      assertThat(row.getTimestamp(13).toInstant()).isEqualTo(java.time.Instant.parse(event.getString("occurredAt")));
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void batchWithValidInvalidAndRepeatedEventsIsPartiallyAccepted() {
    String earlier = Events.freshId();
    assertThat(RUNNING.server().postJson(EVENTS, apiKey, Events.direct(earlier).encode()).statusCode()).isEqualTo(202);
    String a = Events.freshId();
    String b = Events.freshId();
    String bad = Events.freshId();
    String body = Events.batch(Events.direct(a), Events.direct(bad).put("currency", "XYZ"), Events.failover(b),
        Events.direct(a), Events.direct(earlier));

    HttpResponse<String> response = RUNNING.server().postJson(EVENTS, apiKey, body);

    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject json = new JsonObject(response.body());
    assertThat(json.getInteger("accepted")).isEqualTo(2);
    assertThat(json.getInteger("duplicates")).isEqualTo(2);
    assertThat(json.getInteger("rejected")).isEqualTo(1);
    JsonArray results = json.getJsonArray("results");
    assertThat(results.stream().map(r -> ((JsonObject) r).getString("status")))
        .containsExactly("accepted", "rejected", "accepted", "duplicate", "duplicate");
    assertThat(results.stream().map(r -> ((JsonObject) r).getString("eventId")))
        .containsExactly(a, bad, b, a, earlier);
    assertThat(results.getJsonObject(1).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("events[1].currency");
    assertThat(storedRows(a) + storedRows(b) + storedRows(earlier)).isEqualTo(3);
    assertThat(storedRows(bad)).isZero();
  }

  @Test
  void batchWithOnlyInvalidEventsIsA422AndStoresNothing() {
    String id = Events.freshId();
    HttpResponse<String> response = RUNNING.server().postJson(EVENTS, apiKey,
        Events.batch(Events.direct(id).put("amount", -5), Events.direct(id + "x").put("success", "yes")));
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("type")).isEqualTo("https://apisentinel.dev/problems/validation-failed");
    assertThat(problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .containsExactly("events[0].amount", "events[1].success");
    assertThat(storedRows(id)).isZero();
  }

  @Test
  void invalidSingleEventIsA422ProblemNamingTheField() {
    HttpResponse<String> response = RUNNING.server().postJson(EVENTS, apiKey, Events.direct("x").put("amount", 12.5).encode());
    assertThat(response.statusCode()).isEqualTo(422);
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(422);
    assertThat(problem.getString("requestId")).isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("amount");
  }

  @Test
  void gzipBodyIsAccepted() throws IOException {
    String a = Events.freshId();
    String b = Events.freshId();
    byte[] gzipped = gzip(Events.batch(Events.direct(a), Events.failover(b)).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri(EVENTS))
        .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)).build());
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(response.body()).getInteger("accepted")).isEqualTo(2);
    assertThat(storedRows(a) + storedRows(b)).isEqualTo(2);
  }

  @Test
  void malformedJsonIsA400() {
    HttpResponse<String> response = RUNNING.server().postJson(EVENTS, apiKey, "{\"eventId\": ");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("type")).endsWith("/malformed-body");
  }

  @Test
  void duplicateJsonKeysAreA400() {
    HttpResponse<String> response = RUNNING.server().postJson(EVENTS, apiKey,
        "{\"eventId\":\"a\",\"eventId\":\"b\",\"amount\":1}");
    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void nonJsonContentTypeIsA415() {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri(EVENTS))
        .header("Authorization", "Bearer " + apiKey).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(Events.direct("x").encode())).build());
    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(new JsonObject(response.body()).getString("type")).endsWith("/unsupported-media-type");
  }

  @Test
  void missingOrInvalidCredentialsAre401WithBearerChallenge() {
    String body = Events.direct(Events.freshId()).encode();
    char last = apiKey.charAt(apiKey.length() - 1);
    String wrongChecksum = apiKey.substring(0, apiKey.length() - 1) + (last == '0' ? '1' : '0');
    for (String bearer : new String[] {null, "sk_live_" + "a".repeat(46), wrongChecksum, "not-a-key"}) {
      HttpResponse<String> response = RUNNING.server().postJson(EVENTS, bearer, body);
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }
  }

  @Test
  void wellFormedButUnknownKeyIs401() {
    String unknown = com.apisentinel.auth.ApiKeys.generate().key();
    assertThat(RUNNING.server().postJson(EVENTS, unknown, Events.direct(Events.freshId()).encode()).statusCode()).isEqualTo(401);
  }

  @Test
  void everyResponseCarriesRequestIdAndSecurityHeaders() {
    HttpResponse<String> echoed = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/health"))
        .header("X-Request-Id", "client-id.42").GET().build());
    assertThat(echoed.headers().firstValue("X-Request-Id")).hasValue("client-id.42");
    assertThat(echoed.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(echoed.headers().firstValue("Cache-Control")).hasValue("no-store");

    HttpResponse<String> replaced = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/nowhere"))
        .header("X-Request-Id", "bad id with spaces").GET().build());
    assertThat(replaced.statusCode()).isEqualTo(404);
    assertThat(replaced.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{32}");
    assertThat(new JsonObject(replaced.body()).getString("type")).endsWith("/not-found");
  }

  @Test
  void healthAndReadinessReportUp() {
    assertThat(new JsonObject(RUNNING.server().get("/health").body()).getString("status")).isEqualTo("UP");
    HttpResponse<String> ready = RUNNING.server().get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject checks = new JsonObject(ready.body()).getJsonObject("checks");
    assertThat(checks.getJsonObject("database").getString("status")).isEqualTo("UP");
    assertThat(checks.getJsonObject("database").getDouble("writeMs")).isPositive();
    assertThat(checks.getJsonObject("writer").getInteger("queueCapacity")).isEqualTo(50000);
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }
}
