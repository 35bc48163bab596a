package com.apisentinel.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.IngestLoad;
import com.apisentinel.support.RunningServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Far more load than capacity: a writer queue of two 20-event batches and one writer connection
 * against 24 clients sending as fast as they are answered. The excess must be refused at once
 * with 503 + Retry-After (never left to time out), the queue must stay within its bound, what was
 * acknowledged must be stored, accepted requests' latency must stay visible apart from refusals,
 * and the server must serve normally as soon as the load drops.
 */
class OverloadTest {

  private static final int QUEUE_CAPACITY = 40;

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of(
      "sentinel.writer.queueCapacity", QUEUE_CAPACITY,
      "sentinel.writer.connections", 1,
      "sentinel.writer.maxBatchEvents", 20,
      "sentinel.plans.free.monthlyEvents", 0)); // the quota is not under test here

  @Test
  void farMoreLoadThanCapacityIsRefusedFastAndTheServerRecovers() throws Exception {
    var server = RUNNING.server();
    String apiKey = server.registerApiKey();
    AtomicInteger deepestQueue = new AtomicInteger();
    try (IngestLoad load = IngestLoad.start(server, apiKey, 24)) {
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
        deepestQueue.accumulateAndGet(writerQueueDepth(), Math::max);
        return load.refusedWith503() >= 200 && load.acknowledged().size() >= 200;
      });
      load.close();
      assertThat(load.unexpected()).as("answers other than 202 or 503 + Retry-After").isZero();
      assertThat(load.hung()).as("requests unanswered after 5 s").isZero();
      assertThat(load.slowestRefusal()).isLessThan(Duration.ofMillis(2500)); // the ack timeout at worst, not a hang
      assertThat(IngestLoad.storedAmong(RUNNING.database(), load.acknowledged())).isEqualTo(load.acknowledged().size());
    }
    assertThat(deepestQueue.get()).isBetween(1, QUEUE_CAPACITY);

    List<String> metrics = Arrays.asList(server.get("/metrics").body().split("\n"));
    assertThat(responseCount(metrics, "202")).isPositive();
    assertThat(responseCount(metrics, "503")).isPositive();

    String after = Events.freshId();
    assertThat(server.postJson("/api/v1/analytics/events", apiKey, Events.direct(after).encode()).statusCode())
        .isEqualTo(202);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id = '" + after + "'")).isOne();
  }

  private static int writerQueueDepth() {
    JsonObject ready = new JsonObject(RUNNING.server().get("/health/ready").body());
    return ready.getJsonObject("checks").getJsonObject("writer").getInteger("queueDepth");
  }

  /** Ingest answers with this status in the HTTP latency histogram: accepted and refused are kept apart. */
  private static double responseCount(List<String> metrics, String status) {
    return metrics.stream()
        .filter(line -> line.startsWith("vertx_http_server_response_time_seconds_count{"))
        .filter(line -> line.contains("code=\"" + status + "\"") && line.contains("route=\"/api/v1/analytics/events\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
