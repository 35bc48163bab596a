package com.apisentinel.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * SDK-like clients sending fresh events to a server as fast as it answers: half of them
 * single events, half 20-event batches. Every eventId of a 202 is recorded, so a test can check
 * that each acknowledged event is in the database whatever happened to the server meanwhile.
 */
public final class IngestLoad implements AutoCloseable {

  private static final int BATCH_SIZE = 20;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI ingest;
  private final String apiKey;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refusedWith503 = new AtomicInteger();
  private final AtomicInteger unexpected = new AtomicInteger();
  private final AtomicInteger hung = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong slowestRefusalNanos = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService clients;

  private IngestLoad(URI ingest, String apiKey, int clientCount) {
    this.ingest = ingest;
    this.apiKey = apiKey;
    this.clients = Executors.newFixedThreadPool(clientCount);
    for (int c = 0; c < clientCount; c++) {
      boolean batches = c % 2 == 0;
      clients.submit(() -> {
        while (running.get()) {
          send(batches);
        }
      });
    }
  }

  /** Starts {@code clientCount} clients sending to {@code server} with {@code apiKey}. */
  public static IngestLoad start(ServerProcess server, String apiKey, int clientCount) {
    return new IngestLoad(server.uri("/api/v1/analytics/events"), apiKey, clientCount);
  }

  /** The same against an in-process server. */
  public static IngestLoad start(TestServer server, String apiKey, int clientCount) {
    return new IngestLoad(server.uri("/api/v1/analytics/events"), apiKey, clientCount);
  }

  /** Stops sending and waits for every client's last request to end. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    clients.shutdown();
    if (!clients.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("clients still sending 30 s after stop");
    }
  }

  public Set<String> acknowledged() {
    return acknowledged;
  }

  public int refusedWith503() {
    return refusedWith503.get();
  }

  /** The longest a 503 took to arrive. */
  public Duration slowestRefusal() {
    return Duration.ofNanos(slowestRefusalNanos.get());
  }

  /** Answers other than 202, or 503 with Retry-After. */
  public int unexpected() {
    return unexpected.get();
  }

  /** Requests that got no answer within 5 s. */
  public int hung() {
    return hung.get();
  }

  /** Requests sent and not answered yet. */
  public int inFlight() {
    return inFlight.get();
  }

  /** How many of {@code ids} are stored in {@code database}'s events table. */
  public static long storedAmong(TestDatabase database, Set<String> ids) throws SQLException {
    try (var c = database.connect(); var s = c.prepareStatement("SELECT count(*) FROM events WHERE event_id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      var rows = s.executeQuery();
      rows.next();
      return rows.getLong(1);
    }
  }

  private void send(boolean batch) {
    List<String> ids = new ArrayList<>();
    String body;
    if (batch) {
      JsonArray events = new JsonArray();
      for (int i = 0; i < BATCH_SIZE; i++) {
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
    HttpRequest request = HttpRequest.newBuilder(ingest).timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    inFlight.incrementAndGet();
    long sent = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 202) {
        acknowledged.addAll(ids);
      } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
        refusedWith503.incrementAndGet();
        slowestRefusalNanos.accumulateAndGet(System.nanoTime() - sent, Math::max);
      } else {
        unexpected.incrementAndGet();
      }
    } catch (HttpTimeoutException e) {
      hung.incrementAndGet();
    } catch (IOException e) {
      // Connection refused or reset once the server is gone: not an acknowledgement. Back off as an SDK would.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
    }
  }
}
