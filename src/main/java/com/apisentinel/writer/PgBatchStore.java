package com.apisentinel.writer;

import com.apisentinel.rollup.RollupParts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Commits batches to PostgreSQL with {@link EventInserts}' statements, each on its slot's own connection. */
final class PgBatchStore implements BatchStore {

  private static final Logger LOG = LoggerFactory.getLogger(PgBatchStore.class);
  /** The primary key whose violation sends a batch on as {@link EventInserts#INSERT_ANY}. */
  private static final String EVENT_KEY = "events_pkey";
  /** The constraint (and trigger) by which PostgreSQL refuses a lane's count beyond its grant. */
  private static final String LANE_OVERDRAWN = "quota_lane_within_grant";
  /** After a batch met an already stored event, batches skip the all-new attempt for this long. */
  private static final long DUPLICATE_MODE_NANOS = 1_000_000_000L;

  private final Vertx vertx;
  private final WriterConnections connections;
  private final long commitTimeoutMs;
  /** Reused batch after batch: confined to the writer's event loop. */
  private final RollupParts parts = new RollupParts();
  private long duplicatesSeenNanos = System.nanoTime() - DUPLICATE_MODE_NANOS;

  PgBatchStore(Vertx vertx, WriterConnections connections, Duration commitTimeout) {
    this.vertx = vertx;
    this.connections = connections;
    this.commitTimeoutMs = commitTimeout.toMillis();
  }

  @Override
  public Future<StoredBatch> commit(EventBatch batch) {
    return store(batch).recover(failure -> Future.failedFuture(classify(failure)));
  }

  /**
   * Stores the batch as if all its events were new; if one was not, nothing was stored and the
   * batch goes again through the statement that skips duplicates — which the next batches then use
   * directly for a while, since resent events tend to come in bursts (an SDK retrying after a
   * timeout, a client replaying its queue).
   */
  private Future<StoredBatch> store(EventBatch batch) {
    if (System.nanoTime() - duplicatesSeenNanos < DUPLICATE_MODE_NANOS) {
      return storeAny(batch);
    }
    return execute(batch, EventInserts.INSERT_NEW, EventInserts.newEvents(batch, parts))
        .map(rows -> StoredBatch.allNew(batch.writes().size()))
        .recover(failure -> {
          if (!(failure instanceof PgException pg && EVENT_KEY.equals(pg.getConstraint()))) {
            return Future.failedFuture(failure);
          }
          duplicatesSeenNanos = System.nanoTime();
          return storeAny(batch);
        });
  }

  /**
   * Skips the stored events, then (only if some were stored before or repeated) compares what was
   * sent with what is stored, so that a conflict is told apart from a harmless duplicate. The events
   * are committed by then: if the comparison fails, they are answered as plain duplicates rather
   * than as an error.
   */
  private Future<StoredBatch> storeAny(EventBatch batch) {
    EventInserts.AnyInsert attempt = new EventInserts.AnyInsert(batch);
    return execute(batch, EventInserts.INSERT_ANY, attempt.parameters())
        .compose(rows -> {
          Tuple compared = attempt.conflictParameters(rows);
          if (compared == null) {
            return Future.succeededFuture(attempt.stored(List.of()));
          }
          return execute(batch, EventInserts.CONFLICTS, compared)
              .map(attempt::stored)
              .recover(failure -> {
                LOG.warn("could not compare duplicates' payloads; answering them as duplicates: {}", failure.toString());
                return Future.succeededFuture(attempt.stored(List.of()));
              });
        });
  }

  private Future<RowSet<Row>> execute(EventBatch batch, String sql, Tuple parameters) {
    int slot = batch.slot();
    return connections.acquire(slot).compose(connection -> {
      long deadline = vertx.setTimer(commitTimeoutMs, id -> connections.discard(slot, connection));
      return connection.preparedQuery(sql).execute(parameters)
          .andThen(result -> {
            vertx.cancelTimer(deadline);
            connections.release(slot, connection, result.succeeded() || result.cause() instanceof PgException);
          });
    });
  }

  private static Throwable classify(Throwable failure) {
    if (!(failure instanceof PgException pg)) {
      return failure;
    }
    if (LANE_OVERDRAWN.equals(pg.getConstraint())) {
      return new RefusedException(Refusal.LANE_OVERDRAWN, failure);
    }
    String state = pg.getSqlState() == null ? "" : pg.getSqlState();
    // 40P01 deadlock_detected, 40001 serialization_failure: rolled back, and may simply run again.
    if (state.equals("40P01") || state.equals("40001")) {
      return new RefusedException(Refusal.RETRY, failure);
    }
    // Class 22 (data exception) and 23 (integrity violation): the rows, not the server, are at fault.
    if (state.startsWith("22") || state.startsWith("23")) {
      return new RefusedException(Refusal.DATA, failure);
    }
    return failure;
  }
}
