package com.apisentinel.writer;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.WriteRequest;
import com.apisentinel.bus.WriterStatus;
import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.WriterConfig;
import com.apisentinel.metrics.IngestMeters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of events. Requests queue here; a batch leaves when it holds
 * {@code maxBatchEvents} or its oldest request has waited {@code maxDelay}, and while every
 * connection is busy committing, the queue simply grows into the next batch (group commit: one
 * WAL flush serves every request in it). Each request is answered only after its batch's COMMIT.
 * The queue is bounded in events; past it, and when stopping, requests fail at once.
 */
public final class BatchingWriterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingWriterVerticle.class);

  private final WriterConfig config;
  private final DatabaseConfig database;
  private final IngestMeters meters;
  private final Deque<PendingWrite> queue = new ArrayDeque<>();
  private WriterConnections connections;
  private int queuedEvents;
  /** Events queued plus events in batches being committed: what the capacity bounds. */
  private int heldEvents;
  private int batchesInFlight;
  private long flushTimer = -1;
  private boolean accepting = true;
  private boolean storageFailing;
  private Promise<Void> drained;

  public BatchingWriterVerticle(WriterConfig config, DatabaseConfig database, IngestMeters meters) {
    this.config = config;
    this.database = database;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    PgConnectOptions options = database.connectOptions();
    options.addProperty("statement_timeout", Long.toString(config.commitTimeout().toMillis()));
    connections = new WriterConnections(vertx, options, config.connections(), database.connectTimeout());
    var bus = vertx.eventBus();
    return Future.all(
        bus.<WriteRequest>consumer(Addresses.EVENTS_WRITE, this::enqueue).completion(),
        bus.consumer(Addresses.WRITER_STATUS, this::status).completion());
  }

  /** Stops taking work, commits everything it holds, then closes its connections. */
  @Override
  public Future<?> stop() {
    accepting = false;
    drained = Promise.promise();
    dispatch();
    completeDrainIfIdle();
    return drained.future().compose(v -> connections.closeAll());
  }

  private void enqueue(Message<WriteRequest> message) {
    int size = message.body().events().size();
    if (!accepting) {
      message.fail(Failures.SHUTTING_DOWN, "shutting down");
      return;
    }
    if (heldEvents + size > config.queueCapacity()) {
      message.fail(Failures.WRITER_QUEUE_FULL, "writer queue full");
      return;
    }
    queue.addLast(new PendingWrite(message, System.nanoTime()));
    queuedEvents += size;
    hold(size);
    if (queuedEvents >= config.maxBatchEvents() || config.maxDelay().isZero()) {
      dispatch();
    } else if (flushTimer == -1) {
      flushTimer = vertx.setTimer(config.maxDelay().toMillis(), id -> {
        flushTimer = -1;
        dispatch();
      });
    }
  }

  /** Sends as many batches as there are free connections. */
  private void dispatch() {
    if (flushTimer != -1) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    while (!queue.isEmpty() && batchesInFlight < config.connections()) {
      List<PendingWrite> writes = takeBatch();
      if (writes.isEmpty()) {
        continue;
      }
      EventBatch batch = EventBatch.of(writes);
      batchesInFlight++;
      commit(batch).onComplete(done -> batchFinished(batch));
    }
  }

  /**
   * Whole requests, up to maxBatchEvents events (a single larger request still goes alone).
   * Requests queued longer than the ack timeout are dropped: their clients already got 503, and
   * storing them now would only store what nobody was told about.
   */
  private List<PendingWrite> takeBatch() {
    List<PendingWrite> writes = new ArrayList<>();
    int events = 0;
    long expiredBefore = System.nanoTime() - config.ackTimeout().toNanos();
    while (!queue.isEmpty() && (writes.isEmpty() || events + queue.peekFirst().size() <= config.maxBatchEvents())) {
      PendingWrite write = queue.pollFirst();
      queuedEvents -= write.size();
      if (write.enqueuedAtNanos() - expiredBefore < 0) {
        hold(-write.size());
        write.message().fail(Failures.STORAGE_UNAVAILABLE, "expired in the writer queue");
        continue;
      }
      events += write.size();
      writes.add(write);
    }
    return writes;
  }

  /** The one place the held count changes, so the queue-depth gauge never lags it. */
  private void hold(int events) {
    heldEvents += events;
    meters.queueDepth(heldEvents);
  }

  private void batchFinished(EventBatch batch) {
    batchesInFlight--;
    hold(-batch.writes().stream().mapToInt(PendingWrite::size).sum());
    if (!queue.isEmpty()) {
      dispatch();
    }
    completeDrainIfIdle();
  }

  /** Commits the batch and answers its requests; never fails (failures are answered too). */
  private Future<Void> commit(EventBatch batch) {
    if (batch.eventCount() == 0) {
      batch.replyCommitted(List.of());
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return insert(batch)
        .onSuccess(rows -> {
          meters.committed(batch.eventCount(), System.nanoTime() - start);
          markStorageHealthy();
          EventsCommitted committed = batch.replyCommitted(rows);
          if (!committed.events().isEmpty()) {
            vertx.eventBus().publish(Addresses.EVENTS_COMMITTED, committed);
          }
        })
        .<Void>mapEmpty()
        .recover(failure -> {
          if (isDataError(failure) && batch.writes().size() > 1) {
            return commitEachAlone(batch);
          }
          answerFailure(batch, failure);
          return Future.succeededFuture();
        });
  }

  /**
   * PostgreSQL refused some request's data. Retrying the requests one by one confines the refusal
   * to the request that caused it, so one client's bad data never fails another's events.
   */
  private Future<Void> commitEachAlone(EventBatch batch) {
    LOG.warn("a batch of {} requests was refused for its data; retrying them one by one", batch.writes().size());
    Future<Void> chain = Future.succeededFuture();
    for (PendingWrite write : batch.writes()) {
      chain = chain.compose(v -> commit(EventBatch.of(List.of(write))));
    }
    return chain;
  }

  private void answerFailure(EventBatch batch, Throwable failure) {
    if (isDataError(failure)) {
      LOG.warn("PostgreSQL refused a request's events: {}", failure.getMessage());
      batch.replyFailure(Failures.DATA_REJECTED, "storage refused the events");
      return;
    }
    if (!storageFailing) {
      storageFailing = true;
      LOG.error("committing events failed, answering 503 until PostgreSQL is back: {}", failure.toString());
    }
    batch.replyFailure(Failures.STORAGE_UNAVAILABLE, "storage unavailable");
  }

  private Future<RowSet<Row>> insert(EventBatch batch) {
    return connections.acquire().compose(connection -> {
      long deadline = vertx.setTimer(config.commitTimeout().toMillis(), id -> connections.discard(connection));
      return connection.preparedQuery(EventBatch.INSERT).execute(batch.parameters())
          .andThen(result -> {
            vertx.cancelTimer(deadline);
            connections.release(connection, result.succeeded() || result.cause() instanceof PgException);
          });
    });
  }

  private void markStorageHealthy() {
    if (storageFailing) {
      storageFailing = false;
      LOG.info("committing events works again");
    }
  }

  /** Class 22 (data exception) and 23 (integrity violation): the rows, not the server, are at fault. */
  private static boolean isDataError(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
    }
    return false;
  }

  private void completeDrainIfIdle() {
    if (drained != null && queue.isEmpty() && batchesInFlight == 0) {
      drained.tryComplete();
    }
  }

  private void status(Message<Object> message) {
    message.reply(new WriterStatus(accepting, heldEvents, config.queueCapacity(), batchesInFlight));
  }
}
