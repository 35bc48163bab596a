package com.apisentinel.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One customer's concurrent batches that share eventIds in different orders, committed on four
 * writer connections at once (a 50 ms flush delay lets them gather, then all slots start together),
 * beside another customer's events in the same group commits: nobody deadlocks, nobody gets a 503,
 * every event is stored once.
 */
class SharedEventIdsTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of("sentinel.writer.connections", 4,
      "sentinel.writer.maxDelayMs", 50, "sentinel.writer.maxBatchEvents", 1000,
      "sentinel.plans.free.requestsPerSecond", 100_000,
      "sentinel.plans.free.burst", 100_000));
  private static final String EVENTS = "/api/v1/analytics/events";

  /**
   * Made certain rather than likely: a transaction of the test holds one shared key, so both batches
   * start inserting and then wait, one on the test and one on the other; when the test lets go, two
   * batches that took their keys in different orders would wait on each other.
   */
  @Test
  void twoBatchesWaitingOnEachOthersKeysAreNotADeadlock() throws Exception {
    JsonObject customer = RUNNING.server().register();
    String apiKey = customer.getJsonObject("apiKey").getString("key");
    // No quota: its requests may go to any writer connection (a quota's first grant binds them to one).
    RUNNING.database().execute("UPDATE customers SET tier = 'enterprise' WHERE id = '"
        + customer.getJsonObject("customer").getString("id") + "'");
    warmUpEveryWriterLane(apiKey);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 600; i++) { // two of them do not fit one 1000-event batch: two batches, two connections
      ids.add("held-" + i);
    }
    try (Connection holder = RUNNING.database().connect()) {
      holder.setAutoCommit(false);
      try (PreparedStatement hold = holder.prepareStatement("INSERT INTO events (customer_id, event_id, occurred_at, "
          + "primary_gateway, gateway_used, failover_used, success, amount, currency) "
          + "VALUES (?::uuid, 'held-300', now(), 'stripe', 'stripe', false, true, 1, 'EUR')")) {
        hold.setString(1, customer.getJsonObject("customer").getString("id"));
        hold.executeUpdate();
      }
      List<String> forward = new ArrayList<>(ids);
      List<String> backward = new ArrayList<>(ids);
      Collections.reverse(backward);
      ExecutorService clients = Executors.newFixedThreadPool(2);
      List<CompletableFuture<HttpResponse<String>>> answers = List.of(
          CompletableFuture.supplyAsync(() -> RUNNING.server().postJson(EVENTS, apiKey, batchOf(forward)), clients),
          CompletableFuture.supplyAsync(() -> RUNNING.server().postJson(EVENTS, apiKey, batchOf(backward)), clients));
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLocks() >= 2);
      holder.rollback();
      answers.forEach(answer -> assertThat(answer.join().statusCode()).as(answer.join().body()).isEqualTo(202));
      clients.shutdown();
    }
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id LIKE 'held-%'"))
        .isEqualTo(600);
  }

  /** A customer's first requests wait for one quota grant, on one connection; concurrent ones spread over the rest. */
  /** @return the events it stored */
  private static int warmUpEveryWriterLane(String apiKey) {
    ExecutorService clients = Executors.newFixedThreadPool(16);
    for (int round = 0; round < 5; round++) {
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> RUNNING.server().postJson(EVENTS, apiKey,
            Events.batch(Events.direct(Events.freshId()), Events.direct(Events.freshId()))), clients));
      }
      answers.forEach(answer -> assertThat(answer.join().statusCode()).isEqualTo(202));
    }
    clients.shutdown();
    return 5 * 16 * 2;
  }

  private static String batchOf(List<String> ids) {
    return Events.batch(ids.stream().map(Events::direct).toArray(JsonObject[]::new));
  }

  private static long waitingForLocks() {
    return RUNNING.database().queryLong("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        + "WHERE NOT l.granted AND a.datname = current_database()");
  }

  @Test
  void batchesSharingEventIdsInDifferentOrdersNeitherDeadlockNorFailOthers() {
    String shared = RUNNING.server().registerApiKey();
    String other = RUNNING.server().registerApiKey();
    int warmUp = warmUpEveryWriterLane(shared);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ids.add("shared-" + i);
    }
    Random random = new Random(42);
    ExecutorService clients = Executors.newFixedThreadPool(24);
    int othersSent = 0;
    for (int round = 0; round < 4; round++) {
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int request = 0; request < 8; request++) {
        List<String> order = new ArrayList<>(ids);
        Collections.shuffle(order, random);
        String body = Events.batch(order.stream().map(Events::direct).toArray(JsonObject[]::new));
        answers.add(CompletableFuture.supplyAsync(() -> RUNNING.server().postJson(EVENTS, shared, body), clients));
        String innocent = Events.batch(Events.direct(Events.freshId()), Events.direct(Events.freshId()));
        answers.add(CompletableFuture.supplyAsync(() -> RUNNING.server().postJson(EVENTS, other, innocent), clients));
        othersSent += 2;
      }
      answers.forEach(answer -> assertThat(answer.join().statusCode()).as(answer.join().body()).isEqualTo(202));
    }
    clients.shutdown();
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id LIKE 'shared-%'"))
        .isEqualTo(1000);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id NOT LIKE 'shared-%'"))
        .isEqualTo(warmUp + othersSent);
  }
}
