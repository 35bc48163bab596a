package com.apisentinel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.ServerProcess;
import com.apisentinel.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged jar as a real process, stopped with SIGTERM while many clients are sending. */
class ShutdownDrainIT {

  private static final int CLIENTS = 16;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private TestDatabase database;
  private ServerProcess server;

  @BeforeEach
  void startServer() throws IOException {
    database = TestDatabase.create(ShutdownDrainIT.class);
    server = ServerProcess.start(database.url(), Map.of());
  }

  @AfterEach
  void cleanUp() {
    server.close();
    database.close();
  }

  @Test
  void sigtermUnderLoadDrainsWithinTenSecondsAndLosesNoAcknowledgedEvent() throws Exception {
    String apiKey = register();
    database.execute("UPDATE customers SET tier = 'enterprise'"); // load, not a rate-limit test
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger refusedWith503 = new AtomicInteger();
    AtomicInteger unexpected = new AtomicInteger();
    AtomicInteger hung = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      boolean batches = c % 2 == 0;
      clients.submit(() -> {
        while (running.get()) {
          send(apiKey, batches, acknowledged, refusedWith503, unexpected, hung);
        }
      });
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 2000);
    int ackedBeforeStop = acknowledged.size();
    long stopStart = System.nanoTime();
    server.process().destroy();
    boolean exited = server.process().waitFor(10, TimeUnit.SECONDS);
    long stopMs = (System.nanoTime() - stopStart) / 1_000_000;
    running.set(false);
    clients.shutdown();
    assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(exited).as("exited within 10 s (took " + stopMs + " ms)").isTrue();
    System.out.printf("SIGTERM drain: %d events acknowledged (%d before SIGTERM), %d requests refused with 503,"
        + " exit after %d ms%n", acknowledged.size(), ackedBeforeStop, refusedWith503.get(), stopMs);
    assertThat(hung).as("requests that timed out").hasValue(0);
    assertThat(unexpected).as("answers other than 202 or 503").hasValue(0);
    assertThat(storedAmong(acknowledged)).isEqualTo(acknowledged.size());
  }

  private void send(String apiKey, boolean batch, Set<String> acknowledged, AtomicInteger refused,
                    AtomicInteger unexpected, AtomicInteger hung) {
    List<String> ids = new ArrayList<>();
    String body;
    if (batch) {
      JsonArray events = new JsonArray();
      for (int i = 0; i < 20; i++) {
        String id = Events.freshId();
        ids.add(id);
        events.add(Events.direct(id));
      }
      body = new JsonObject().put("events", events).encode();
    } else {
      String id = Events.freshId();
      ids.add(id);
      body = Events.failover(id).encode();
    }
    HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/analytics/events"))
        .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 202) {
        acknowledged.addAll(ids);
      } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
        refused.incrementAndGet();
      } else {
        unexpected.incrementAndGet();
      }
    } catch (HttpTimeoutException e) {
      hung.incrementAndGet();
    } catch (IOException e) {
      // Connection refused or closed once the server has stopped listening: not an acknowledgement.
      pause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long storedAmong(Set<String> ids) throws Exception {
    try (var c = database.connect(); var s = c.prepareStatement("SELECT count(*) FROM events WHERE event_id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      var rows = s.executeQuery();
      rows.next();
      return rows.getLong(1);
    }
  }

  private String register() throws Exception {
    String body = new JsonObject().put("email", "drain-" + System.nanoTime() + "@example.com")
        .put("password", "correct horse battery").put("companyName", "Drain").encode();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/api/v1/customers/register"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(201);
    return new JsonObject(response.body()).getJsonObject("apiKey").getString("key");
  }

  /** Client back-off after a refused connection, as an SDK would do. */
  private static void pause() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
  }
}
