package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.apisentinel.sdk.support.FakeSentinel;
import com.apisentinel.sdk.support.FakeSentinel.Answer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SentinelClient's delivery against a scripted ingest endpoint: batching, receipts, retries, limits, close. */
class ReportingTest {

  private FakeSentinel server;
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final SentinelListener listener = new SentinelListener() {
    @Override
    public void dropped(PaymentEvent event, DropReason reason) {
      heard.add("dropped " + event.eventId() + " " + reason);
    }

    @Override
    public void rejected(PaymentEvent event, List<String> reasons) {
      heard.add("rejected " + event.eventId() + " " + reasons);
    }

    @Override
    public void conflict(PaymentEvent event) {
      heard.add("conflict " + event.eventId());
    }

    @Override
    public void failed(List<PaymentEvent> events, int status, String problem) {
      heard.add("failed " + events.size() + " " + status + " " + problem);
    }

    @Override
    public void configChanged(RemoteConfig config) {
      heard.add("config " + config.primaryGateway());
    }
  };

  @BeforeEach
  void start() throws IOException {
    server = new FakeSentinel();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private SentinelClient.Builder client() {
    return SentinelClient.builder().apiKey("sk_live_test").endpoint(server.uri()).listener(listener)
        .remoteConfig(false, Duration.ofMinutes(1)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  static PaymentEvent event(String id) {
    return PaymentEvent.builder().eventId(id).primaryGateway("stripe").gatewayUsed("paypal").failoverUsed(true)
        .success(true).amount(5000).currency("USD").latencyMs(2100).recoveryTimeMs(1850).build();
  }

  private static List<String> ids(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }

  @Test
  void eventsTravelGzippedInBatchesWithARequestIdEach() throws Exception {
    try (SentinelClient client = client().maxBatchEvents(100).build()) {
      ids("b-", 250).forEach(id -> assertThat(client.track(event(id))).isTrue());
      client.flush().get(10, TimeUnit.SECONDS);

      assertThat(server.stored()).containsExactlyInAnyOrderElementsOf(ids("b-", 250));
      assertThat(server.received()).allSatisfy(request -> {
        assertThat(request.encoding()).isEqualTo("gzip");
        assertThat(request.eventIds()).hasSizeBetween(1, 100);
        assertThat(request.requestId()).matches("[A-Za-z0-9._-]{1,64}");
      });
      assertThat(server.received().stream().map(FakeSentinel.Received::requestId).distinct().count())
          .isEqualTo(server.received().size());
      SentinelStats stats = client.stats();
      assertThat(stats.tracked()).isEqualTo(250);
      assertThat(stats.accepted()).isEqualTo(250);
      assertThat(stats.queued()).isZero();
    }
  }

  @Test
  void aBatchWaitsForTheFlushIntervalWhenItIsNotFull() throws Exception {
    try (SentinelClient client = client().flushInterval(Duration.ofMillis(300)).build()) {
      long start = System.nanoTime();
      client.track(event("w-1"));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.stored().contains("w-1"));
      assertThat(server.received().get(0).atNanos() - start).isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos());
    }
  }

  @Test
  void retriesResendTheSameEventIdsUntilTheServerTakesThem() throws Exception {
    server.script((n, ids) -> n <= 2 ? Answer.problem(500, "internal", Map.of()) : null);
    try (SentinelClient client = client().build()) {
      ids("r-", 10).forEach(id -> client.track(event(id)));
      client.flush().get(10, TimeUnit.SECONDS);

      List<FakeSentinel.Received> requests = server.received();
      assertThat(requests).hasSize(3);
      assertThat(requests).extracting(FakeSentinel.Received::eventIds).containsOnly(ids("r-", 10));
      assertThat(requests).extracting(FakeSentinel.Received::requestId).doesNotHaveDuplicates();
      assertThat(client.stats().retries()).isEqualTo(2);
      assertThat(client.stats().accepted()).isEqualTo(10);
    }
  }

  @Test
  void onlyA202AcknowledgesAnotherSuccessStatusIsRetried() throws Exception {
    server.script((n, ids) -> n == 1 ? new Answer(200, Map.of(), "<html>captive portal</html>") : null);
    try (SentinelClient client = client().build()) {
      ids("p-", 3).forEach(id -> client.track(event(id)));
      client.flush().get(10, TimeUnit.SECONDS);
      assertThat(server.received()).hasSize(2);
      assertThat(client.stats().retries()).isEqualTo(1);
      assertThat(client.stats().accepted()).isEqualTo(3);
    }
  }

  @Test
  void retryAfterHoldsBackEveryBatchUntilItHasPassed() throws Exception {
    server.script((n, ids) -> n == 1 ? Answer.problem(429, "rate-limited", Map.of("Retry-After", "2")) : null);
    try (SentinelClient client = client().maxBatchEvents(1).build()) {
      client.track(event("ra-1"));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.received().size() == 1);
      client.track(event("ra-2"));
      client.flush().get(10, TimeUnit.SECONDS);

      List<FakeSentinel.Received> requests = server.received();
      assertThat(requests).hasSize(3);
      for (FakeSentinel.Received later : requests.subList(1, 3)) {
        assertThat(later.atNanos() - requests.get(0).atNanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
      }
      assertThat(server.stored()).containsExactlyInAnyOrder("ra-1", "ra-2");
    }
  }

  @Test
  void aBodyTooLargeIsSplitUntilItFits() throws Exception {
    server.script((n, ids) -> ids.size() > 25 ? Answer.problem(413, "payload-too-large", Map.of()) : null);
    try (SentinelClient client = client().maxBatchEvents(100).build()) {
      ids("s-", 100).forEach(id -> client.track(event(id)));
      client.flush().get(10, TimeUnit.SECONDS);

      assertThat(server.stored()).containsExactlyInAnyOrderElementsOf(ids("s-", 100));
      assertThat(client.stats().accepted()).isEqualTo(100);
      assertThat(client.stats().retries()).isZero();
    }
  }

  @Test
  void aRefusalRetryingCannotFixIsGivenUpReportedAndFailsTheFlush() {
    server.script((n, ids) -> Answer.problem(401, "unauthorized", Map.of()));
    try (SentinelClient client = client().build()) {
      ids("u-", 7).forEach(id -> client.track(event(id)));

      assertThatThrownBy(() -> client.flush().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SentinelDeliveryException.class)
          .cause().satisfies(e -> assertThat(((SentinelDeliveryException) e).events()).isEqualTo(7));
      assertThat(server.received()).hasSize(1);
      assertThat(client.stats().failed()).isEqualTo(7);
      assertThat(heard).containsExactly("failed 7 401 401 unauthorized: scripted");
    }
  }

  @Test
  void aBatchWhoseEventsAreAllInvalidReportsEachEventsErrors() throws Exception {
    server.script((n, ids) -> new Answer(422, Map.of(), "{\"type\":\"https://apisentinel.dev/problems/validation\","
        + "\"status\":422,\"errors\":[{\"field\":\"events[1].currency\",\"message\":\"must be ISO 4217\"},"
        + "{\"field\":\"events[0].amount\",\"message\":\"must be at least 0\"}]}"));
    try (SentinelClient client = client().build()) {
      client.track(event("v-0"));
      client.track(event("v-1"));
      client.flush().get(10, TimeUnit.SECONDS);

      assertThat(client.stats().rejected()).isEqualTo(2);
      assertThat(heard).containsExactlyInAnyOrder("rejected v-0 [events[0].amount: must be at least 0]",
          "rejected v-1 [events[1].currency: must be ISO 4217]");
    }
  }

  @Test
  void receiptsCountDuplicatesRejectionsAndConflicts() throws Exception {
    server.script((n, ids) -> new Answer(202, Map.of(), "{\"accepted\":1,\"duplicates\":1,\"rejected\":1,"
        + "\"conflicts\":1,\"results\":[{\"eventId\":\"c-0\",\"status\":\"accepted\"},"
        + "{\"eventId\":\"c-1\",\"status\":\"duplicate\"},{\"eventId\":\"c-2\",\"status\":\"rejected\","
        + "\"errors\":[{\"field\":\"events[2].currency\",\"message\":\"bad\"}]},"
        + "{\"eventId\":\"c-3\",\"status\":\"conflict\",\"errors\":[]}]}"));
    try (SentinelClient client = client().build()) {
      ids("c-", 4).forEach(id -> client.track(event(id)));
      client.flush().get(10, TimeUnit.SECONDS);

      SentinelStats stats = client.stats();
      assertThat(List.of(stats.accepted(), stats.duplicates(), stats.rejected(), stats.conflicts()))
          .containsExactly(1L, 1L, 1L, 1L);
      assertThat(heard).containsExactlyInAnyOrder("rejected c-2 [bad]", "conflict c-3");
    }
  }

  @Test
  void aFullQueueRefusesTheNewestEventsAndCountsThem() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.script((n, ids) -> {
      awaitQuietly(release);
      return null;
    });
    try (SentinelClient client = client().maxQueue(10, 1 << 20).maxBatchEvents(5).maxInFlightBatches(1).build()) {
      ids("q-", 5).forEach(id -> client.track(event(id)));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.received().size() == 1);
      List<Boolean> queued = new ArrayList<>();
      ids("q-", 17).subList(5, 17).forEach(id -> queued.add(client.track(event(id))));

      assertThat(queued.subList(0, 10)).containsOnly(true);
      assertThat(queued.subList(10, 12)).containsOnly(false);
      assertThat(client.stats().dropped()).isEqualTo(2);
      assertThat(heard).containsExactly("dropped q-15 QUEUE_FULL", "dropped q-16 QUEUE_FULL");
      release.countDown();
      client.flush().get(10, TimeUnit.SECONDS);
      assertThat(server.stored()).hasSize(15);
    }
  }

  @Test
  void anOutageHoldsAtMostTheQueueAndTheBatchesInFlight() {
    try (SentinelClient client = SentinelClient.builder().apiKey("sk_live_test").endpoint(unreachable())
        .remoteConfig(false, Duration.ofMinutes(1)).closeTimeout(Duration.ofMillis(100)).maxQueue(100, 1 << 20)
        .maxBatchEvents(10).maxInFlightBatches(2).flushInterval(Duration.ofMillis(1))
        .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2)).build()) {
      for (int i = 0; i < 3000; i++) {
        client.track(event("o-" + i));
        if (i % 100 == 0) {
          await().pollDelay(Duration.ofMillis(20)).until(() -> true); // the sender gets time to fail batches
        }
      }
      assertThat(client.stats().retries()).as("the sender kept trying").isPositive();
      assertThat(client.stats().tracked()).isLessThanOrEqualTo(100 + 2 * 10);
      assertThat(client.stats().tracked() + client.stats().dropped()).isEqualTo(3000);
    }
  }

  @Test
  void theQueueIsBoundedInBytesToo() {
    try (SentinelClient client = SentinelClient.builder().apiKey("sk_live_test").endpoint(unreachable())
        .remoteConfig(false, Duration.ofMinutes(1)).closeTimeout(Duration.ofMillis(100)).maxQueue(10_000, 8192)
        .maxBatchBytes(8192)
        .flushInterval(Duration.ofHours(1)).maxBatchEvents(1000).build()) {
      int queued = 0;
      for (int i = 0; i < 1000 && client.track(event("bytes-" + i)); i++) {
        queued++;
      }
      assertThat(queued).isGreaterThan(0).isLessThanOrEqualTo(8192 / event("x").sizeBound());
      assertThat(client.stats().queuedBytes()).isLessThanOrEqualTo(8192);
      assertThat(client.stats().dropped()).isEqualTo(1);
    }
  }

  @Test
  void closeGivesUpWithinItsTimeoutWhenTheServerIsDownAndCountsWhatIsLeft() {
    SentinelClient client = SentinelClient.builder().apiKey("sk_live_test").endpoint(unreachable())
        .listener(listener).remoteConfig(false, Duration.ofMinutes(1)).closeTimeout(Duration.ofMillis(500)).build();
    ids("d-", 50).forEach(id -> client.track(event(id)));
    long start = System.nanoTime();
    client.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(client.stats().dropped()).isEqualTo(50);
    assertThat(heard).hasSize(50).allMatch(line -> line.endsWith("UNSENT_AT_CLOSE"));
    assertThat(client.track(event("after-close"))).isFalse();
    assertThat(heard).last().isEqualTo("dropped after-close CLIENT_CLOSED");
    assertThat(client.flush()).isCompleted();
    client.close(); // idempotent
  }

  @Test
  void closeStopsEveryThreadItStarted() {
    Set<String> before = sdkThreads();
    SentinelClient client = client().build();
    client.track(event("t-1"));
    client.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> sdkThreads().equals(before));
  }

  @Test
  void closeDeliversWhatIsQueued() {
    SentinelClient client = client().flushInterval(Duration.ofHours(1)).build();
    ids("cl-", 30).forEach(id -> client.track(event(id)));
    client.close();
    assertThat(server.stored()).hasSize(30);
    assertThat(client.stats().accepted()).isEqualTo(30);
  }

  @Test
  void aThrowingListenerDoesNotStopDelivery() throws Exception {
    server.script((n, ids) -> n == 1 ? Answer.problem(503, "unavailable", Map.of()) : null);
    try (SentinelClient client = client().listener(new SentinelListener() {
      @Override
      public void retrying(int events, String reason, Duration delay) {
        throw new IllegalStateException("listener bug");
      }
    }).build()) {
      client.track(event("l-1"));
      client.flush().get(10, TimeUnit.SECONDS);
      assertThat(server.stored()).contains("l-1");
    }
  }

  @Test
  void anAnswerWhoseBodyStallsIsCutOffAndTheBatchSentAgain() throws Exception {
    server.script((n, ids) -> n == 1 ? Answer.stalledBody(5_000) : null);
    try (SentinelClient client = client().timeouts(Duration.ofSeconds(1), Duration.ofMillis(300)).build()) {
      client.track(event("stall-1"));
      client.flush().get(4, TimeUnit.SECONDS);
      assertThat(server.stored()).contains("stall-1");
      assertThat(client.stats().retries()).isEqualTo(1);
    }
  }

  @Test
  void anEventThatCannotBeEncodedIsRefusedAloneAndTheOthersAreStored() throws Exception {
    Map<String, Object> badMetadata = new java.util.HashMap<>();
    badMetadata.put(null, "a null key is not JSON");
    PaymentEvent bad = PaymentEvent.builder().eventId("bad").primaryGateway("stripe").gatewayUsed("stripe")
        .success(true).amount(1).currency("USD").metadata(badMetadata).build();
    try (SentinelClient client = client().build()) {
      client.track(event("good-1"));
      client.track(bad);
      client.track(event("good-2"));
      client.flush().get(10, TimeUnit.SECONDS);
      assertThat(server.stored()).containsExactlyInAnyOrder("good-1", "good-2");
      assertThat(client.stats().rejected()).isEqualTo(1);
      assertThat(heard).singleElement().asString().startsWith("rejected bad [the SDK could not encode the event");
    }
  }

  @Test
  void codeChainedOnAFlushRunsOffTheSenderThreadSoThatBlockingThereCannotStopDelivery() throws Exception {
    try (SentinelClient client = client().build()) {
      client.track(event("chain-1"));
      CountDownLatch release = new CountDownLatch(1);
      List<String> threads = new CopyOnWriteArrayList<>();
      java.util.concurrent.CompletableFuture<Void> chained = client.flush().thenRun(() -> {
        threads.add(Thread.currentThread().getName());
        awaitQuietly(release); // an app blocking in its callback
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 1);
      client.track(event("chain-2"));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.stored().contains("chain-2"));
      release.countDown();
      chained.get(5, TimeUnit.SECONDS);
      assertThat(threads).singleElement().asString().startsWith("api-sentinel-callbacks-");
    }
  }

  @Test
  void flushesBeyondTheLimitFailAtOnceInsteadOfPilingUp() {
    try (SentinelClient client = SentinelClient.builder().apiKey("sk_live_test").endpoint(unreachable())
        .remoteConfig(false, Duration.ofMinutes(1)).closeTimeout(Duration.ofMillis(100)).build()) {
      client.track(event("f-1"));
      for (int i = 0; i < FlushTracker.MAX_WAITING; i++) {
        assertThat(client.flush()).isNotDone();
      }
      assertThat(client.flush()).isCompletedExceptionally();
    }
  }

  @Test
  void trackNeverThrows() {
    try (SentinelClient client = client().build()) {
      assertThat(client.track(null)).isFalse();
    }
  }

  @Test
  void theServersConfigIsReadWithItsETagAndAppliedWhenItChanges() {
    server.config("{\"primaryGateway\":\"paypal\",\"secondaryGateway\":\"stripe\",\"failover\":{\"enabled\":true,"
        + "\"onTimeout\":\"return\",\"circuitBreaker\":{\"failureThreshold\":3,\"openMs\":5000}},"
        + "\"flush\":{\"maxBatchEvents\":50,\"intervalMs\":200}}");
    try (SentinelClient client = client().remoteConfig(true, Duration.ofMillis(100)).build()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> "paypal".equals(client.remoteConfig().primaryGateway()));
      RemoteConfig config = client.remoteConfig();
      assertThat(config.onTimeout()).isEqualTo(TimeoutPolicy.RETURN);
      assertThat(config.failureThreshold()).isEqualTo(3);
      assertThat(config.maxBatchEvents()).isEqualTo(50);
      await().atMost(Duration.ofSeconds(5)).until(() -> server.configEtags().size() >= 3);
      assertThat(server.configEtags().get(0)).isEmpty();
      assertThat(server.configEtags().subList(1, 3)).allMatch(etag -> etag.startsWith("\""));

      server.config("{\"primaryGateway\":\"adyen\",\"secondaryGateway\":\"stripe\"}");
      await().atMost(Duration.ofSeconds(5)).until(() -> "adyen".equals(client.remoteConfig().primaryGateway()));
      assertThat(heard).containsExactly("config paypal", "config adyen");
    }
  }

  private static Set<String> sdkThreads() {
    Set<String> names = new HashSet<>();
    Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name -> name.startsWith("api-sentinel-")).forEach(names::add);
    return names;
  }

  static URI unreachable() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
