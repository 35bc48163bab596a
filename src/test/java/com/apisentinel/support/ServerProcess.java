package com.apisentinel.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The packaged jar ({@code -Dsentinel.jar}, set by failsafe) as a real server process on a free port. */
public final class ServerProcess implements AutoCloseable {

  private final Process process;
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the server against the database and waits until it answers /health. */
  public static ServerProcess start(String databaseUrl, Map<String, String> environment) throws IOException {
    int port = freePort();
    Path log = Files.createTempFile("sentinel-process", ".log");
    ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", System.getProperty("sentinel.jar"))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = new HashMap<>(environment);
    env.put("SENTINEL_HTTP_PORT", Integer.toString(port));
    env.put("SENTINEL_DB_URL", databaseUrl);
    builder.environment().putAll(env);
    ServerProcess server = new ServerProcess(builder.start(), port);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(server.process.isAlive()).as("server exited at start-up; see " + log).isTrue();
      return server.isUp();
    });
    return server;
  }

  public Process process() {
    return process;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Registers a new customer and returns its API key. */
  public String registerApiKey() {
    String body = new JsonObject().put("email", "process-" + System.nanoTime() + "@example.com")
        .put("password", "correct horse battery").put("companyName", "Process").encode();
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(uri("/api/v1/customers/register"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new JsonObject(response.body()).getJsonObject("apiKey").getString("key");
  }

  private boolean isUp() {
    try {
      return TestServer.send(HttpRequest.newBuilder(uri("/health")).build()).statusCode() == 200;
    } catch (IllegalStateException notYet) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
