package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint that reads a body or a query, fed what an attacker or a broken client sends. Each
 * answer must be the right 4xx problem document, nothing may change (no event stored, no session,
 * key or profile touched) and the server must go on serving.
 */
class HostileInputTest {

  /** HTTP/1.1, the only protocol the server speaks (the client would otherwise first try an h2c upgrade). */
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ADMIN_TOKEN = "hostile-input-test-admin-token-0123456789";

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of(
      "sentinel.security.adminToken", ADMIN_TOKEN,
      "sentinel.security.registrationBurst", 10_000, // refusals are under test here, not the registration limit
      "sentinel.security.registrationsPerMinute", 10_000));

  private static TestServer server;
  private static String apiKey;
  private static String accessToken;
  private static JsonObject customer;
  private static String keyId;

  /** A JSON endpoint, the credential it needs, and a well-formed body whose every field has the wrong type. */
  private record Endpoint(String method, String path, Credential credential, boolean bodyOptional, String wrongTypes) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private enum Credential { NONE, SESSION, API_KEY, ADMIN }

  @BeforeAll
  static void register() {
    server = RUNNING.server();
    JsonObject registration = server.register();
    customer = registration.getJsonObject("customer");
    apiKey = registration.getJsonObject("apiKey").getString("key");
    keyId = registration.getJsonObject("apiKey").getString("id");
    accessToken = registration.getString("accessToken");
  }

  static List<Endpoint> jsonEndpoints() {
    return List.of(
        new Endpoint("POST", "/api/v1/customers/register", Credential.NONE, false,
            "{\"email\":123,\"password\":true,\"companyName\":[]}"),
        new Endpoint("POST", "/api/v1/customers/login", Credential.NONE, false, "{\"email\":{},\"password\":1}"),
        new Endpoint("POST", "/api/v1/auth/refresh", Credential.NONE, false, "{\"refreshToken\":42}"),
        new Endpoint("POST", "/api/v1/auth/logout", Credential.SESSION, true, "{\"refreshToken\":42}"),
        new Endpoint("PUT", "/api/v1/customers/profile", Credential.SESSION, false,
            "{\"companyName\":7,\"primaryGateway\":false}"),
        new Endpoint("POST", "/api/v1/keys", Credential.SESSION, true, "{\"name\":5,\"expiresAt\":false}"),
        new Endpoint("POST", "/api/v1/keys/KEY_ID/roll", Credential.SESSION, true, "{\"gracePeriodSeconds\":\"10\"}"),
        new Endpoint("PUT", "/api/v1/admin/customers/CUSTOMER_ID/tier", Credential.ADMIN, false, "{\"tier\":3}"),
        new Endpoint("POST", "/api/v1/analytics/events", Credential.API_KEY, false,
            Events.direct("wrong-types").put("amount", "10").put("success", "yes").encode()));
  }

  /**
   * Bodies that are not JSON, or not a JSON object: 400 on every JSON endpoint (an empty body is
   * valid where the body is optional). The nesting stays under the account endpoints' 16 KiB limit,
   * so that it is the parser's nesting limit that refuses it, not the size limit.
   */
  static List<byte[]> malformedBodies(Endpoint endpoint) {
    List<String> text = List.of("{", "{\"email\":", "[1,2", "{\"a\":1}}", "{'a':1}", "{\"a\":1,\"a\":2}",
        "\"just a string\"", "42", "null", "[]", "{\"a\":tru}", "\uFEFF{\"a\":1", "[".repeat(10_000),
        "{\"a\":".repeat(3_000));
    List<byte[]> bodies = new ArrayList<>();
    if (!endpoint.bodyOptional()) {
      bodies.add(new byte[0]);
    }
    text.forEach(t -> bodies.add(t.getBytes(StandardCharsets.UTF_8)));
    bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', 'x', 0, 'y', '"', '}'}); // raw NUL inside a string
    bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}); // invalid UTF-8
    bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'});
    bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}); // overlong '/'
    bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}); // surrogate
    bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}); // truncated
    return bodies;
  }

  static Stream<Arguments> malformedOnEveryEndpoint() {
    return jsonEndpoints().stream().flatMap(e -> malformedBodies(e).stream().map(b -> Arguments.of(e, b)));
  }

  @ParameterizedTest(name = "{0} with malformed body #{index}")
  @MethodSource("malformedOnEveryEndpoint")
  void malformedBodyIsA400(Endpoint endpoint, byte[] body) {
    assertProblem(send(endpoint, "application/json", body), 400);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonEndpoints")
  void wrongFieldTypesAreA422NamingTheField(Endpoint endpoint) {
    HttpResponse<String> response = send(endpoint, "application/json",
        endpoint.wrongTypes().getBytes(StandardCharsets.UTF_8));
    JsonObject problem = assertProblem(response, 422);
    assertThat(problem.getJsonArray("errors")).as("errors naming the fields").isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonEndpoints")
  void brokenGzipIsA400AndOtherEncodingsOrCharsetsA415(Endpoint endpoint) {
    byte[] body = endpoint.wrongTypes().getBytes(StandardCharsets.UTF_8);
    assertProblem(sendWith(endpoint, "application/json", body, "Content-Encoding", "gzip"), 400);
    assertProblem(sendWith(endpoint, "application/json", body, "Content-Encoding", "deflate"), 415);
    assertProblem(sendWith(endpoint, "application/json; charset=utf-16", body, null, null), 415);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonEndpoints")
  void nonJsonContentTypesAreA415(Endpoint endpoint) {
    byte[] body = endpoint.wrongTypes().getBytes(StandardCharsets.UTF_8);
    for (String type : new String[] {"text/plain", "application/xml", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded", "application/jsonx"}) {
      assertProblem(send(endpoint, type, body), 415);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonEndpoints")
  void bodiesBeyondTheLimitAreA413(Endpoint endpoint) throws IOException {
    // Over a raw socket: the declared length alone must bring the answer, before any body is sent.
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      String authorization = switch (endpoint.credential()) {
        case SESSION -> "Authorization: Bearer " + accessToken + "\r\n";
        case API_KEY -> "Authorization: Bearer " + apiKey + "\r\n";
        case ADMIN -> "Authorization: Bearer " + ADMIN_TOKEN + "\r\n";
        case NONE -> "";
      };
      socket.getOutputStream().write((endpoint.method() + " " + path(endpoint.path()) + " HTTP/1.1\r\nHost: localhost\r\n"
          + authorization + "Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json").contains("payload-too-large");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonEndpoints")
  void hugeAndNonIntegerNumbersAreRefused(Endpoint endpoint) {
    for (String number : new String[] {"1e999999", "99999999999999999999999999999", "-0.5", "NaN", "1" + "0".repeat(5000)}) {
      String body = endpoint.wrongTypes().replaceFirst(":[^,}]+", ":" + number);
      HttpResponse<String> response = send(endpoint, "application/json", body.getBytes(StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(endpoint + " with " + number.substring(0, Math.min(20, number.length())))
          .isIn(400, 422);
      assertProblem(response, response.statusCode());
    }
  }

  @Test
  void injectionStringsAreStoredVerbatimOrRefusedNeverInterpreted() {
    for (String hostile : injectionStrings()) {
      HttpResponse<String> changed = call("PUT", "/api/v1/customers/profile", Credential.SESSION,
          new JsonObject().put("companyName", hostile).encode());
      assertThat(changed.statusCode()).as(hostile).isEqualTo(200);
      assertThat(new JsonObject(changed.body()).getString("companyName")).isEqualTo(hostile);

      String eventId = Events.freshId();
      HttpResponse<String> stored = call("POST", "/api/v1/analytics/events", Credential.API_KEY,
          Events.direct(eventId).put("metadata", new JsonObject().put("note", hostile)).encode());
      assertThat(stored.statusCode()).as(hostile).isEqualTo(202);
      assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id = '" + eventId
          + "' AND metadata ->> 'note' = " + sqlLiteral(hostile))).isEqualTo(1);

      assertProblem(call("POST", "/api/v1/analytics/events", Credential.API_KEY,
          Events.direct(hostile).encode()), 422); // not an eventId's alphabet
      assertProblem(call("POST", "/api/v1/analytics/events", Credential.API_KEY,
          Events.direct(Events.freshId()).put("currency", hostile).encode()), 422);
      assertProblem(call("POST", "/api/v1/customers/login", Credential.NONE,
          new JsonObject().put("email", hostile).put("password", hostile).encode()), 401);
    }
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM customers")).isPositive();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queryEndpoints")
  void hostileQueryParametersAreA422(String path) {
    for (String hostile : injectionStrings()) {
      for (String parameter : new String[] {"from", "to", "limit", "cursor", "interval", "gateway", "success"}) {
        String query = parameter + "=" + java.net.URLEncoder.encode(hostile, StandardCharsets.UTF_8);
        HttpResponse<String> response = call("GET", path + "?" + query, Credential.API_KEY, null);
        if (response.statusCode() != 200) { // a parameter the endpoint does not take is ignored
          assertProblem(response, 422);
        }
      }
    }
    assertProblem(call("GET", path + "?cursor=" + "A".repeat(5000), Credential.API_KEY, null), 414);
    for (String raw : new String[] {"from=%00", "from=%C3%28", "limit=%FF", "limit=1e999", "limit=-1",
        "limit=99999999999999999999", "from=" + "9".repeat(3000), "cursor=" + "A".repeat(3000)}) {
      HttpResponse<String> response = call("GET", path + "?" + raw, Credential.API_KEY, null);
      if (response.statusCode() != 200) {
        assertProblem(response, 422);
      }
    }
  }

  @Test
  void tooManyOrTooLargeHeadersAreA431AndTheServerGoesOn() throws IOException {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      headers.append("X-Filler-").append(i).append(": ").append("v".repeat(20)).append("\r\n");
    }
    for (String extra : new String[] {headers.toString(), "X-Huge: " + "h".repeat(20_000) + "\r\n"}) {
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET /api/v1/usage HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + apiKey
            + "\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 431").contains("application/problem+json").contains("headers-too-large");
      }
    }
    assertThat(call("GET", "/api/v1/usage", Credential.API_KEY, null).statusCode()).isEqualTo(200);
  }

  /**
   * Slowloris: hundreds of connections that send half a request and stall hold no worker: the
   * server goes on answering everyone else at once, and closes them once they have been idle
   * for the idle timeout.
   */
  @Test
  void stalledHalfRequestsDoNotStopOthersBeingServed() throws IOException {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write("POST /api/v1/analytics/events HTTP/1.1\r\nHost: localhost\r\nContent-Le"
            .getBytes(StandardCharsets.US_ASCII));
        stalled.add(socket);
      }
      long start = System.nanoTime();
      HttpResponse<String> stored = call("POST", "/api/v1/analytics/events", Credential.API_KEY,
          Events.direct(Events.freshId()).encode());
      assertThat(stored.statusCode()).isEqualTo(202);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  static List<String> queryEndpoints() {
    return List.of("/api/v1/analytics/events", "/api/v1/metrics/overview", "/api/v1/metrics/gateways",
        "/api/v1/metrics/timeseries", "/api/v1/metrics/live", "/api/v1/usage");
  }

  /** Nothing above may have stored an event the test did not mean to, nor ended the session or the key. */
  @org.junit.jupiter.api.AfterAll
  static void nothingElseChanged() {
    String customerId = customer.getString("id");
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE customer_id = '" + customerId
        + "' AND event_id NOT LIKE 'evt_%'")).as("events stored by refused requests").isZero();
    assertThat(call("GET", "/api/v1/customers/profile", Credential.SESSION, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/usage", Credential.API_KEY, null).statusCode()).isEqualTo(200);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM customers WHERE tier <> 'free'")).isZero();
    assertThat(call("GET", "/health", Credential.NONE, null).statusCode()).isEqualTo(200);
  }

  private static List<String> injectionStrings() {
    return List.of("'; DROP TABLE events; --", "\" OR \"1\"=\"1", "<script>alert(1)</script>", "${jndi:ldap://x/a}",
        "../../../../etc/passwd", "%00%27", "{{7*7}}", "\\u0000", "Robert'); DELETE FROM customers;--",
        "$(rm -rf /)", "\u202Egnp.exe", "😀" + "\u0301".repeat(20));
  }

  private static String sqlLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static JsonObject assertProblem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).startsWith("https://apisentinel.dev/problems/");
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception", "at com.", "at io.", "SQL", "postgres");
    return problem;
  }

  private static HttpResponse<String> send(Endpoint endpoint, String contentType, byte[] body) {
    return sendWith(endpoint, contentType, body, null, null);
  }

  private static HttpResponse<String> sendWith(Endpoint endpoint, String contentType, byte[] body, String header,
                                               String value) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path(endpoint.path())))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", contentType)
        .method(endpoint.method(), HttpRequest.BodyPublishers.ofByteArray(body));
    if (header != null) {
      request.header(header, value);
    }
    authorize(request, endpoint.credential());
    return exchange(request.build());
  }

  private static HttpResponse<String> call(String method, String path, Credential credential, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    authorize(request, credential);
    return exchange(request.build());
  }

  private static HttpResponse<String> exchange(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request + " got no answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String path(String template) {
    return template.replace("KEY_ID", keyId).replace("CUSTOMER_ID", customer.getString("id"));
  }

  private static void authorize(HttpRequest.Builder request, Credential credential) {
    switch (credential) {
      case SESSION -> request.header("Authorization", "Bearer " + accessToken);
      case API_KEY -> request.header("Authorization", "Bearer " + apiKey);
      case ADMIN -> request.header("Authorization", "Bearer " + ADMIN_TOKEN);
      case NONE -> { }
    }
  }
}
