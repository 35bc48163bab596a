package com.apisentinel.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.gzipBody;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The requests the simulations are made of, as an SDK and a dashboard send them. */
final class Requests {

  static final String EVENTS = "/api/v1/analytics/events";

  private Requests() {
  }

  /**
   * One connection pool for all virtual users ({@code shareConnections}), at most
   * {@code -Dconnections} (default 256) sockets: SDK traffic arrives over many requests, not one
   * socket per request, and without a bound every slow moment opens thousands more (measured:
   * 4,000+ sockets and "too many open files" at 2,000-5,000 arrivals/s).
   */
  static HttpProtocolBuilder protocol() {
    return http.baseUrl(LoadSettings.BASE_URL).shareConnections().maxConnectionsPerHost(LoadSettings.CONNECTIONS)
        .contentTypeHeader("application/json").acceptHeader("application/json");
  }

  static HttpRequestActionBuilder ingestSingle(String name) {
    return http(name).post(EVENTS).header("Authorization", "Bearer #{apiKey}")
        .body(StringBody(session -> event())).check(status().is(202));
  }

  static HttpRequestActionBuilder ingestBatch(int events, boolean gzip) {
    HttpRequestActionBuilder request = http("ingest batch of " + events + (gzip ? " (gzip)" : ""))
        .post(EVENTS).header("Authorization", "Bearer #{apiKey}")
        .body(StringBody(session -> batch(events))).check(status().is(202));
    return gzip ? request.header("Content-Encoding", "gzip").processRequestBody(gzipBody) : request;
  }

  static HttpRequestActionBuilder overview() {
    return http("metrics overview (24 h)").get("/api/v1/metrics/overview")
        .header("Authorization", "Bearer #{accessToken}").check(status().is(200));
  }

  static HttpRequestActionBuilder eventsPage() {
    return http("events page").get(EVENTS + "?limit=50")
        .header("Authorization", "Bearer #{accessToken}").check(status().is(200));
  }

  static HttpRequestActionBuilder live() {
    return http("metrics live").get("/api/v1/metrics/live")
        .header("Authorization", "Bearer #{accessToken}").check(status().is(200));
  }

  static HttpRequestActionBuilder login() {
    return http("login").post("/api/v1/customers/login")
        .body(StringBody("{\"email\":\"#{email}\",\"password\":\"" + Customers.PASSWORD + "\"}"))
        .check(status().is(200));
  }

  /** A payment: mostly straight through, one in five a failover (which reports its recovery time), a few failed. */
  static String event() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean failover = random.nextInt(5) == 0;
    boolean success = random.nextInt(50) != 0;
    return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"primaryGateway\":\"stripe\",\"gatewayUsed\":\""
        + (failover ? "paypal" : "stripe") + "\",\"failoverUsed\":" + failover + ",\"success\":" + success
        + ",\"amount\":" + (100 + random.nextInt(100_000)) + ",\"currency\":\"USD\",\"latencyMs\":"
        + (50 + random.nextInt(900)) + (failover ? ",\"recoveryTimeMs\":" + (200 + random.nextInt(3000)) : "")
        + "}";
  }

  static String batch(int events) {
    StringBuilder body = new StringBuilder(events * 260).append("{\"events\":[");
    for (int i = 0; i < events; i++) {
      body.append(i == 0 ? "" : ",").append(event());
    }
    return body.append("]}").toString();
  }
}
