package com.apisentinel.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients filling one customer's monthly quota through one or more nodes: each sends
 * batches of random sizes until refused, then single events until refused, so the quota is filled
 * to its last event. Every answer must be 202 or 429 quota-exceeded.
 */
public final class QuotaFill {

  /** Events the nodes accepted, and the ids of every event of a refused request. */
  public record Result(long accepted, Set<String> refused) {
  }

  private QuotaFill() {
  }

  /** @param nodes base URIs such as {@code http://127.0.0.1:8080}; clients are spread over them */
  public static Result fill(List<URI> nodes, String apiKey, int clients) throws Exception {
    Set<String> refused = ConcurrentHashMap.newKeySet();
    AtomicLong accepted = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        URI node = nodes.get(c % nodes.size());
        running.add(pool.submit(() -> {
          boolean singles = false;
          while (true) {
            List<String> batch = ids(singles ? 1 : ThreadLocalRandom.current().nextInt(2, 40));
            HttpResponse<String> response = send(node, apiKey, batch);
            if (response.statusCode() == 202) {
              accepted.addAndGet(new JsonObject(response.body()).getInteger("accepted"));
              continue;
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
            assertThat(response.body()).contains("quota-exceeded");
            refused.addAll(batch);
            if (singles) {
              return null;
            }
            singles = true;
          }
        }));
      }
      for (Future<?> client : running) {
        client.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(accepted.get(), refused);
  }

  public static List<String> ids(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(Events.freshId());
    }
    return ids;
  }

  public static HttpResponse<String> send(URI node, String apiKey, List<String> eventIds) {
    JsonArray events = new JsonArray();
    eventIds.forEach(id -> events.add(Events.failover(id)));
    return TestServer.send(HttpRequest.newBuilder(node.resolve("/api/v1/analytics/events"))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + apiKey)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("events", events).encode())).build());
  }
}
