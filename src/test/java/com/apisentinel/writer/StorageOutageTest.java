package com.apisentinel.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.IngestLoad;
import com.apisentinel.support.TcpProxy;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database taken away, hung, or locked while the server runs: ingest must answer 503 with
 * Retry-After promptly, never acknowledge what is not stored, and recover by itself.
 */
class StorageOutageTest {

  private static final String EVENTS = "/api/v1/analytics/events";
  private TestDatabase database;
  private TcpProxy proxy;

  @BeforeEach
  void createDatabaseBehindProxy() {
    database = TestDatabase.create(StorageOutageTest.class);
    String[] hostPort = TestDatabase.HOST_PORT.split(":");
    proxy = new TcpProxy(hostPort[0], Integer.parseInt(hostPort[1]));
  }

  @AfterEach
  void cleanUp() {
    proxy.close();
    database.close();
  }

  /** Keys stay cached through the outage, so what is tested is the writer, not the key lookup. */
  private TestServer startThroughProxy(Map<String, Object> overrides) {
    Map<String, Object> settings = new java.util.HashMap<>(Map.of("sentinel.security.apiKeyCacheTtlMs", 60_000));
    settings.putAll(overrides);
    return TestServer.start(proxy.databaseUrl(database.name()), settings);
  }

  private long stored(String eventId) {
    return database.queryLong("SELECT count(*) FROM events WHERE event_id = '" + eventId + "'");
  }

  @Test
  void databaseDownAnswers503WithinTwoSecondsAndRecoversByItself() {
    try (TestServer server = startThroughProxy(Map.of())) {
      String apiKey = server.registerApiKey();
      assertThat(server.postJson(EVENTS, apiKey, Events.direct(Events.freshId()).encode()).statusCode()).isEqualTo(202);

      proxy.down();
      String lost = Events.freshId();
      long start = System.nanoTime();
      HttpResponse<String> refused = server.postJson(EVENTS, apiKey, Events.direct(lost).encode());
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(new JsonObject(refused.body()).getString("type")).contains("/problems/storage");
      assertThat(elapsedMs).isLessThan(2500);
      HttpResponse<String> ready = server.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      HttpResponse<String> read = TestServer.send(java.net.http.HttpRequest.newBuilder(
          server.uri("/api/v1/analytics/events")).header("Authorization", "Bearer " + apiKey).GET().build());
      assertThat(read.statusCode()).as("reads fail as unavailable, not as our error").isEqualTo(503);
      assertThat(read.headers().firstValue("Retry-After")).isPresent();
      assertThat(new JsonObject(ready.body()).getJsonObject("checks").getJsonObject("database").getString("status"))
          .isEqualTo("DOWN");

      proxy.up();
      String after = Events.freshId();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
          server.postJson(EVENTS, apiKey, Events.direct(after).encode()).statusCode() == 202);
      assertThat(stored(after)).isEqualTo(1);
      assertThat(stored(lost)).isZero();
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void fullQueueAnswers503AtOnceWhileTheDatabaseHangs() {
    Map<String, Object> tiny = Map.of("sentinel.writer.queueCapacity", 3, "sentinel.writer.maxBatchEvents", 3,
        "sentinel.writer.connections", 1, "sentinel.writer.commitTimeoutMs", 30_000);
    try (TestServer server = startThroughProxy(tiny)) {
      String apiKey = server.registerApiKey();
      // Opens the writer's connection, so the stall catches a batch mid-commit rather than mid-connect.
      assertThat(server.postJson(EVENTS, apiKey, Events.direct(Events.freshId()).encode()).statusCode()).isEqualTo(202);
      proxy.stall();
      String held = Events.freshId();
      CompletableFuture<HttpResponse<String>> stuck = CompletableFuture.supplyAsync(() ->
          server.postJson(EVENTS, apiKey, Events.batch(Events.direct(held), Events.direct(Events.freshId()))));
      await().atMost(Duration.ofSeconds(10)).until(() -> writerQueueDepth(server) == 2);

      long start = System.nanoTime();
      HttpResponse<String> overloaded = server.postJson(EVENTS, apiKey,
          Events.batch(Events.direct(Events.freshId()), Events.direct(Events.freshId())));
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
      assertThat(overloaded.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(overloaded.body()).getString("type")).endsWith("/overloaded");

      HttpResponse<String> slow = stuck.join();
      assertThat(slow.statusCode()).isEqualTo(503);
      assertThat(slow.headers().firstValue("Retry-After")).isPresent();

      proxy.up();
      String after = Events.freshId();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
          server.postJson(EVENTS, apiKey, Events.direct(after).encode()).statusCode() == 202);
      assertThat(stored(after)).isEqualTo(1);
    }
  }

  private static int writerQueueDepth(TestServer server) {
    JsonObject ready = new JsonObject(server.get("/health/ready").body());
    return ready.getJsonObject("checks").getJsonObject("writer").getInteger("queueDepth");
  }

  /** Eight SDK-like clients keep sending while the database goes away for a few seconds and comes back. */
  @Test
  void anOutageUnderLoadLosesNothingAcknowledgedAndIngestRecoversByItself() throws Exception {
    try (TestServer server = startThroughProxy(Map.of("sentinel.plans.free.monthlyEvents", 0))) {
      String apiKey = server.registerApiKey();
      try (IngestLoad load = IngestLoad.start(server, apiKey, 8)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged().size() >= 500);
        proxy.down();
        await().atMost(Duration.ofSeconds(10)).until(() -> load.refusedWith503() >= 20);
        assertThat(server.get("/health/ready").statusCode()).isEqualTo(503);
        Thread.sleep(2000); // the outage lasts: clients keep being refused, none left hanging

        proxy.up();
        int beforeReturn = load.acknowledged().size();
        await().atMost(Duration.ofSeconds(15)).until(() -> load.acknowledged().size() >= beforeReturn + 500);
        load.close();
        assertThat(load.unexpected()).as("answers other than 202 or 503 + Retry-After").isZero();
        assertThat(load.hung()).as("requests unanswered after 5 s").isZero();
        assertThat(IngestLoad.storedAmong(database, load.acknowledged())).isEqualTo(load.acknowledged().size());
      }
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void lockedEventsTableAnswers503AndIngestResumesWhenTheLockGoes() throws Exception {
    try (TestServer server = startThroughProxy(Map.of("sentinel.writer.commitTimeoutMs", 1500));
         Connection locker = database.connect()) {
      String apiKey = server.registerApiKey();
      locker.setAutoCommit(false);
      locker.createStatement().execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      String blocked = Events.freshId();
      long start = System.nanoTime();
      HttpResponse<String> response = server.postJson(EVENTS, apiKey, Events.direct(blocked).encode());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
      locker.rollback();

      String after = Events.freshId();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
          server.postJson(EVENTS, apiKey, Events.direct(after).encode()).statusCode() == 202);
      assertThat(stored(after)).isEqualTo(1);
    }
  }
}
