package com.apisentinel.sdk.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The packaged server ({@code -Dsentinel.jar}) as a real process on a fixed port, so that it can be
 * killed with SIGKILL and started again where the SDK expects it. Its log goes to a temporary file
 * named in every failure.
 */
public final class SentinelServer implements AutoCloseable {

  public static final String ADMIN_TOKEN = "sdk-test-admin-token-0123456789abcdef0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String databaseUrl;
  private final int port;
  private final Map<String, String> environment;
  private Process process;
  private Path log;

  /** A registered customer: its id, first API key and a login's access token. */
  public record Customer(String id, String apiKey, String accessToken) {
  }

  private SentinelServer(String databaseUrl, int port, Map<String, String> environment) {
    this.databaseUrl = databaseUrl;
    this.port = port;
    this.environment = environment;
  }

  public static SentinelServer start(TestDatabase database) {
    return start(database, Map.of());
  }

  public static SentinelServer start(TestDatabase database, Map<String, String> environment) {
    SentinelServer server = new SentinelServer(database.url(), freePort(), environment);
    server.launch();
    return server;
  }

  private void launch() {
    try {
      log = Files.createTempFile("sentinel-sdk-it", ".log");
      String jar = System.getProperty("sentinel.jar");
      assertThat(jar).as("-Dsentinel.jar (the packaged server) must be set").isNotNull();
      assertThat(new File(jar)).as("the packaged server; build it first: mvn -DskipTests package").exists();
      ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Xmx512m", "-jar", jar)
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = new HashMap<>();
      env.put("SENTINEL_HTTP_PORT", Integer.toString(port));
      env.put("SENTINEL_DB_URL", databaseUrl);
      env.put("SENTINEL_ADMIN_TOKEN", ADMIN_TOKEN);
      env.put("SENTINEL_REGISTRATION_BURST", "1000");
      env.put("SENTINEL_REGISTRATIONS_PER_MINUTE", "1000");
      env.putAll(environment);
      builder.environment().putAll(env);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(process.isAlive()).as("server exited at start-up; see " + log).isTrue();
      return isUp();
    });
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** SIGKILL: no drain, no flush, as a crash. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts again on the same port and database. */
  public void restart() {
    launch();
  }

  public Customer register() {
    JsonNode answer = call("POST", "/api/v1/customers/register", null, "{\"email\":\"sdk-" + UUID.randomUUID()
        + "@example.com\",\"password\":\"correct horse battery\",\"companyName\":\"SDK tests\"}", 201);
    return new Customer(answer.at("/customer/id").asText(), answer.at("/apiKey/key").asText(),
        answer.at("/accessToken").asText());
  }

  /** Moves the customer to another plan (enterprise: no quota, a high rate limit). */
  public void setTier(Customer customer, String tier) {
    call("PUT", "/api/v1/admin/customers/" + customer.id() + "/tier", ADMIN_TOKEN, "{\"tier\":\"" + tier + "\"}", 200);
  }

  public JsonNode updateProfile(Customer customer, String json) {
    return call("PUT", "/api/v1/customers/profile", customer.accessToken(), json, 200);
  }

  public JsonNode call(String method, String path, String bearer, String body, int expectedStatus) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expectedStatus);
      return response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean isUp() {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri().resolve("/health")).timeout(Duration.ofSeconds(1)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
