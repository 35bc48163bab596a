package com.apisentinel.support;

import com.apisentinel.Deployment;
import com.apisentinel.config.ConfigLoader;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.metrics.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The real application, started in this JVM on a free port against a given database URL. */
public final class TestServer implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Vertx vertx;
  private final Deployment deployment;
  private final int port;

  private TestServer(Vertx vertx, Deployment deployment, int port) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.port = port;
  }

  public static TestServer start(String databaseUrl) {
    return start(databaseUrl, Map.of());
  }

  /** @param overrides dotted config paths such as {@code sentinel.writer.queueCapacity} */
  public static TestServer start(String databaseUrl, Map<String, Object> overrides) {
    return start(databaseUrl, overrides, Clock.systemUTC());
  }

  /** @param clock what the server judges quota months, usage days and event times by */
  public static TestServer start(String databaseUrl, Map<String, Object> overrides, Clock clock) {
    int port = freePort();
    Map<String, Object> settings = new HashMap<>(Map.of(
        "sentinel.http.port", port, "sentinel.http.host", "127.0.0.1", "sentinel.http.instances", 2,
        "sentinel.database.url", databaseUrl, "sentinel.profile", "dev",
        // Tests of other features send far more than a free customer may; RateLimitTest shrinks it back.
        "sentinel.plans.free.requestsPerSecond", 1_000_000, "sentinel.plans.free.burst", 1_000_000,
        "sentinel.security.registrationBurst", 1_000_000, "sentinel.security.registrationsPerMinute", 1_000_000));
    settings.putAll(overrides);
    SentinelConfig config = ConfigLoader.load(settings);
    Telemetry telemetry = new Telemetry();
    Vertx vertx = telemetry.newVertx();
    try {
      Deployment deployment = await(Deployment.start(vertx, config, telemetry, clock));
      return new TestServer(vertx, deployment, port);
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return port;
  }

  /** What the router serves, as {@code METHOD /path} with {@code :param} placeholders. */
  public List<String> routes() {
    return deployment.httpRoutes();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Registers a new customer; returns the register response (customer and apiKey). */
  public JsonObject register() {
    String email = "user-" + UUID.randomUUID() + "@example.com";
    HttpResponse<String> response = postJson("/api/v1/customers/register", null,
        new JsonObject().put("email", email).put("password", "correct horse battery").put("companyName", "Acme")
            .encode());
    if (response.statusCode() != 201) {
      throw new IllegalStateException("register failed: " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body());
  }

  public String registerApiKey() {
    return register().getJsonObject("apiKey").getString("key");
  }

  public HttpResponse<String> postJson(String path, String bearer, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request.build());
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build());
  }

  public static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the way SIGTERM does: HTTP drains, the writer flushes, then Vert.x closes. */
  @Override
  public void close() {
    try {
      await(deployment.stop());
    } finally {
      await(vertx.close());
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
