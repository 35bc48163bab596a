package com.apisentinel.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.LocalCodec;
import com.apisentinel.bus.WriteRequest;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.config.WriterConfig;
import com.apisentinel.ingest.Event;
import com.apisentinel.ingest.Gateway;
import com.apisentinel.metrics.IngestMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batcher alone, against {@link RecordingStorage} instead of PostgreSQL: when batches leave,
 * what they hold, how the queue is bounded and drained, and what each kind of refusal does to the
 * requests in a batch. Fast and exact; the integration tests beside it cover the real database.
 */
class BatchingWriterTest {

  private static final Duration NEVER = Duration.ofHours(1);
  private static final UUID CUSTOMER = UUID.randomUUID();

  private final Vertx vertx = Vertx.vertx();
  private final RecordingStorage storage = new RecordingStorage();
  private String deployment;

  @AfterEach
  void close() throws Exception {
    storage.releaseHeld();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void deploy(int maxBatchEvents, Duration maxDelay, int queueCapacity, int connections, Duration ackTimeout)
      throws Exception {
    LocalCodec.registerAll(vertx.eventBus());
    var config = new WriterConfig(maxBatchEvents, maxDelay, queueCapacity, connections, ackTimeout,
        Duration.ofSeconds(5));
    var writer = new BatchingWriterVerticle(config, new IngestMeters(new SimpleMeterRegistry(), queueCapacity),
        Clock.systemUTC(), v -> storage);
    deployment = vertx.deployVerticle(writer).await(10, TimeUnit.SECONDS);
  }

  private void deploy(int maxBatchEvents, Duration maxDelay, int connections) throws Exception {
    deploy(maxBatchEvents, maxDelay, 1000, connections, Duration.ofSeconds(5));
  }

  private Future<WriteResult> write(UUID customer, int events) {
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      batch.add(new Event(UUID.randomUUID().toString(), Instant.now(), Gateway.STRIPE, Gateway.PAYPAL, true, true,
          1000, "USD", 120, 80, null, null, null, null, true));
    }
    return Addresses.EVENTS_WRITE.withTimeout(Duration.ofSeconds(10)).request(vertx.eventBus(),
        new WriteRequest(customer, batch));
  }

  private static WriteResult answer(Future<WriteResult> reply) throws Exception {
    return reply.await(10, TimeUnit.SECONDS);
  }

  private static int failureCode(Future<WriteResult> reply) {
    await().atMost(Duration.ofSeconds(10)).until(reply::isComplete);
    assertThat(reply.failed()).as("the request failed").isTrue();
    return ((ReplyException) reply.cause()).failureCode();
  }

  @Test
  void aFullBatchLeavesWithoutWaitingForTheDelay() throws Exception {
    deploy(4, NEVER, 1);

    Future<WriteResult> first = write(CUSTOMER, 2);
    Future<WriteResult> second = write(CUSTOMER, 2);

    answer(first);
    answer(second);
    assertThat(storage.commits).hasSize(1);
    assertThat(storage.commits.get(0).eventCount()).isEqualTo(4);
  }

  @Test
  void aPartialBatchLeavesWhenItsOldestRequestHasWaitedTheDelay() throws Exception {
    deploy(100, Duration.ofMillis(20), 1);

    WriteResult result = answer(write(CUSTOMER, 3));

    assertThat(result.isDuplicate(0)).isFalse();
    assertThat(storage.commits).singleElement().satisfies(batch -> assertThat(batch.writes()).hasSize(1));
  }

  @Test
  void requestsArrivingWhileEverySlotCommitsShareTheNextBatch() throws Exception {
    deploy(100, Duration.ZERO, 1);
    storage.hold();
    Future<WriteResult> first = write(CUSTOMER, 1);
    await().until(() -> storage.commits.size() == 1);

    List<Future<WriteResult>> later = List.of(write(CUSTOMER, 1), write(CUSTOMER, 2), write(CUSTOMER, 3));
    await().until(() -> writerHolds() == 7);
    storage.releaseHeld();

    answer(first);
    for (Future<WriteResult> reply : later) {
      answer(reply);
    }
    assertThat(storage.commits).hasSize(2);
    assertThat(storage.commits.get(1).writes()).hasSize(3);
    assertThat(storage.commits.get(1).eventCount()).isEqualTo(6);
  }

  @Test
  void pastTheQueueCapacityRequestsAreRefusedAtOnce() throws Exception {
    deploy(100, Duration.ZERO, 5, 1, Duration.ofSeconds(5));
    storage.hold();
    Future<WriteResult> held = write(CUSTOMER, 3);
    await().until(() -> storage.commits.size() == 1);

    assertThat(failureCode(write(CUSTOMER, 3))).isEqualTo(Failures.WRITER_QUEUE_FULL);
    Future<WriteResult> fits = write(CUSTOMER, 2);
    storage.releaseHeld();

    answer(held);
    answer(fits);
  }

  @Test
  void stoppingWaitsForTheBatchItHoldsBeforeClosingItsStorage() throws Exception {
    deploy(100, Duration.ZERO, 1);
    storage.hold();
    Future<WriteResult> held = write(CUSTOMER, 2);
    await().until(() -> storage.commits.size() == 1);

    Future<Void> undeployed = vertx.undeploy(deployment);
    Thread.sleep(100);
    assertThat(undeployed.isComplete()).as("stopped before its batch committed").isFalse();
    assertThat(storage.closed).isFalse();
    storage.releaseHeld();

    answer(held);
    undeployed.await(10, TimeUnit.SECONDS);
    assertThat(storage.closed).isTrue();
  }

  @Test
  void aDeadlockVictimIsSentAgainInsteadOfFailing() throws Exception {
    deploy(100, Duration.ZERO, 1);
    storage.script.add(batch -> Future.failedFuture(
        new BatchStore.RefusedException(BatchStore.Refusal.RETRY, new IllegalStateException("deadlock detected"))));

    answer(write(CUSTOMER, 2));

    assertThat(storage.commits).hasSize(2);
    assertThat(storage.commits.get(1).writes()).isEqualTo(storage.commits.get(0).writes());
  }

  @Test
  void aStaleLaneGrantIsReadAgainAndTheBatchSentAgain() throws Exception {
    deploy(100, Duration.ZERO, 1);
    storage.script.add(batch -> Future.failedFuture(new BatchStore.RefusedException(
        BatchStore.Refusal.LANE_OVERDRAWN, new IllegalStateException("quota_lane_within_grant"))));

    answer(write(CUSTOMER, 2));

    assertThat(storage.rereadLanes).containsExactly(storage.commits.get(0).lane());
    assertThat(storage.commits).hasSize(2);
  }

  @Test
  void aRequestWhoseDataIsRefusedFailsAloneAndItsBatchmatesAreStored() throws Exception {
    UUID badCustomer = UUID.randomUUID();
    deploy(100, Duration.ZERO, 1);
    answer(write(CUSTOMER, 1));
    answer(write(badCustomer, 1)); // both have their first quota grant: no request below waits for one
    storage.hold();
    Future<WriteResult> first = write(CUSTOMER, 1);
    await().until(() -> storage.commits.size() == 3);
    Future<WriteResult> good = write(CUSTOMER, 1);
    Future<WriteResult> bad = write(badCustomer, 1);
    Future<WriteResult> alsoGood = write(CUSTOMER, 1);
    await().until(() -> writerHolds() == 4);
    storage.refuseData = batch -> batch.customers().contains(badCustomer);
    storage.releaseHeld();

    answer(first);
    answer(good);
    answer(alsoGood);
    assertThat(failureCode(bad)).isEqualTo(Failures.DATA_REJECTED);
    assertThat(storage.commits).extracting(batch -> batch.writes().size()).containsExactly(1, 1, 1, 3, 1, 1, 1);
  }

  @Test
  void duplicatesAndConflictsReachTheRequestAndOnlyNewEventsReachTheLiveMetrics() throws Exception {
    deploy(100, Duration.ZERO, 1);
    List<EventsCommitted> published = new CopyOnWriteArrayList<>();
    Addresses.EVENTS_COMMITTED.localConsumer(vertx.eventBus(), m -> published.add(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    BitSet duplicates = new BitSet();
    duplicates.set(0, 2);
    BitSet conflicts = new BitSet();
    conflicts.set(1);
    storage.script.add(batch -> Future.succeededFuture(new StoredBatch(List.of(duplicates), List.of(conflicts))));

    WriteResult result = answer(write(CUSTOMER, 3));

    assertThat(result.isDuplicate(0)).isTrue();
    assertThat(result.isConflict(0)).isFalse();
    assertThat(result.isConflict(1)).isTrue();
    assertThat(result.isDuplicate(2)).isFalse();
    await().until(() -> published.size() == 1);
    assertThat(published.get(0).events()).hasSize(1);
  }

  @Test
  void whenStorageFailsTheBatchIsAnsweredUnavailable() throws Exception {
    deploy(100, Duration.ZERO, 1);
    storage.script.add(batch -> Future.failedFuture(new IllegalStateException("connection refused")));

    assertThat(failureCode(write(CUSTOMER, 1))).isEqualTo(Failures.STORAGE_UNAVAILABLE);
    answer(write(CUSTOMER, 1));
    assertThat(writerHolds()).isZero();
  }

  @Test
  void aRequestQueuedLongerThanTheAckTimeoutIsDroppedNotStored() throws Exception {
    deploy(100, Duration.ZERO, 1000, 1, Duration.ofMillis(100));
    storage.hold();
    Future<WriteResult> held = write(CUSTOMER, 1);
    await().until(() -> storage.commits.size() == 1);
    Future<WriteResult> expired = write(CUSTOMER, 1);
    await().until(() -> writerHolds() == 2);
    Thread.sleep(200);
    storage.releaseHeld();

    answer(held);
    assertThat(failureCode(expired)).isEqualTo(Failures.STORAGE_UNAVAILABLE);
    assertThat(storage.commits).hasSize(1);
  }

  @Test
  void aRequestBeyondTheMonthlyQuotaIsRefusedWholeAndNothingOfItIsSent() throws Exception {
    deploy(100, Duration.ZERO, 1);
    storage.limits.put(CUSTOMER, 5L);

    WriteResult stored = answer(write(CUSTOMER, 3));
    WriteResult refused = answer(write(CUSTOMER, 3));

    assertThat(stored.isQuotaExceeded()).isFalse();
    assertThat(stored.quota().remaining()).isEqualTo(2);
    assertThat(refused.isQuotaExceeded()).isTrue();
    assertThat(storage.commits).hasSize(1);
    assertThat(answer(write(CUSTOMER, 2)).quota().remaining()).isZero();
  }

  /** Events the writer holds (queued, waiting or committing), from its status reply. */
  private int writerHolds() throws Exception {
    return Addresses.WRITER_STATUS.request(vertx.eventBus(), null).await(5, TimeUnit.SECONDS).queueDepth();
  }
}
