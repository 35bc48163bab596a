package com.apisentinel.rollup;

import com.apisentinel.metrics.Histograms;
import com.apisentinel.store.Columns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * Moves rollup parts into hour and day rollups. One transaction takes a bounded number of parts
 * (deleting them), adds each to its hour and its day row and writes those rows back, so a reader
 * always sees every event exactly once: in a part or in a rollup. Only one node compacts at a time
 * (transaction-scoped advisory lock, skipped rather than waited for); the writer only inserts parts
 * and never touches rollups, so ingest never waits for compaction.
 */
public final class RollupCompactor {

  static final int DEFAULT_PARTS_PER_TRANSACTION = 500;

  /**
   * ctid: parts need no key of their own; only this (locked) transaction ever deletes them. Taken in
   * (customer, hour) order, so that one transaction's parts share few rollup rows.
   */
  private static final String TAKE_PARTS = "DELETE FROM rollup_parts WHERE ctid = ANY(ARRAY("
      + "SELECT ctid FROM rollup_parts ORDER BY customer_id, hour LIMIT $1)) RETURNING customer_id, hour, primary_gateway, gateway_used, currency, "
      + "events, failovers, recoveries, recovered_amount, recovery_time_sum, recovery_histogram, recovery_time_values, "
      + "latency_histogram, latency_values";
  private static final String KEYS = "unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])"
      + " AS k(customer_id, width, bucket, primary_gateway, gateway_used, currency)";
  private static final String EXISTING = "SELECT customer_id, width, bucket, primary_gateway, gateway_used, currency, "
      + "r.events, r.failovers, r.recoveries, r.recovered_amount, r.recovery_time_sum, r.recovery_histogram, NULL::int4[], "
      + "r.latency_histogram, NULL::int4[] FROM rollups r JOIN " + KEYS
      + " USING (customer_id, width, bucket, primary_gateway, gateway_used, currency)";
  private static final String UPSERT = """
      INSERT INTO rollups (customer_id, width, bucket, primary_gateway, gateway_used, currency, events, failovers,
                           recoveries, recovered_amount, recovery_time_sum, recovery_histogram, latency_histogram)
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::int8[],
                           $8::int8[], $9::int8[], $10::numeric[], $11::int8[], $12::bytea[], $13::bytea[])
      ON CONFLICT (customer_id, width, bucket, primary_gateway, gateway_used, currency) DO UPDATE
        SET events = EXCLUDED.events, failovers = EXCLUDED.failovers, recoveries = EXCLUDED.recoveries,
            recovered_amount = EXCLUDED.recovered_amount, recovery_time_sum = EXCLUDED.recovery_time_sum,
            recovery_histogram = EXCLUDED.recovery_histogram, latency_histogram = EXCLUDED.latency_histogram""";

  private record Key(UUID customerId, String width, Instant bucket, String primaryGateway, String gatewayUsed,
                     String currency) {
  }

  /** A rollup row as it is written back: its key, and every part and its old self added up. */
  private record Merged(Key key, long events, long failovers, long recoveries, BigDecimal recoveredAmount,
                        long recoveryTimeSum, Buffer recoveryHistogram, Buffer latencyHistogram) {
  }

  /** {@link #KEYS}' parameters. */
  private static final Columns<Key> KEY_COLUMNS = Columns.of(Key.class)
      .uuid(Key::customerId)
      .text(Key::width)
      .timestamptz(key -> key.bucket().atOffset(ZoneOffset.UTC))
      .text(Key::primaryGateway)
      .text(Key::gatewayUsed)
      .text(Key::currency);
  /** {@link #UPSERT}'s parameters. */
  private static final Columns<Merged> MERGED_COLUMNS = Columns.of(Merged.class)
      .with(KEY_COLUMNS, Merged::key)
      .int8(Merged::events)
      .int8(Merged::failovers)
      .int8(Merged::recoveries)
      .numeric(Merged::recoveredAmount)
      .int8(Merged::recoveryTimeSum)
      .bytea(Merged::recoveryHistogram)
      .bytea(Merged::latencyHistogram);

  private final Vertx vertx;
  private final Pool pool;
  private final int partsPerTransaction;

  public RollupCompactor(Vertx vertx, Pool pool) {
    this(vertx, pool, DEFAULT_PARTS_PER_TRANSACTION);
  }

  RollupCompactor(Vertx vertx, Pool pool, int partsPerTransaction) {
    this.vertx = vertx;
    this.pool = pool;
    this.partsPerTransaction = partsPerTransaction;
  }

  /** @return how many parts were compacted; 0 also when another node holds the lock */
  public Future<Integer> compactOnce() {
    return pool.withTransaction(connection -> connection
        .query("SELECT pg_try_advisory_xact_lock(" + RollupSql.COMPACTION_LOCK + ")").execute()
        .compose(lock -> lock.iterator().next().getBoolean(0)
            ? connection.preparedQuery(TAKE_PARTS).execute(Tuple.of(partsPerTransaction))
                .compose(parts -> merge(connection, parts))
            : Future.succeededFuture(0)));
  }

  int partsPerTransaction() {
    return partsPerTransaction;
  }

  /** Compacts until no part is left (or another node holds the lock). */
  public Future<Void> compactAll() {
    return compactOnce().compose(n -> n == partsPerTransaction ? compactAll() : Future.succeededFuture());
  }

  private Future<Integer> merge(SqlConnection connection, RowSet<Row> parts) {
    if (parts.size() == 0) {
      return Future.succeededFuture(0);
    }
    Map<Key, List<RollupRow>> rowsByKey = new HashMap<>();
    for (Row row : parts) {
      RollupRow part = RollupRow.of(row, 1);
      UUID customer = row.getUUID("customer_id");
      rowsByKey.computeIfAbsent(key(customer, "hour", part.bucket(), part), k -> new ArrayList<>()).add(part);
      Instant day = part.bucket().truncatedTo(ChronoUnit.DAYS);
      rowsByKey.computeIfAbsent(key(customer, "day", day, part), k -> new ArrayList<>()).add(part);
    }
    List<Key> keys = new ArrayList<>(rowsByKey.keySet());
    return connection.preparedQuery(EXISTING).execute(KEY_COLUMNS.toTuple(keys))
        .compose(existing -> {
          for (Row row : existing) {
            RollupRow rollup = RollupRow.of(row, 2);
            rowsByKey.get(new Key(row.getUUID(0), row.getString(1), rollup.bucket(), rollup.primaryGateway(),
                rollup.gatewayUsed(), rollup.currency())).add(rollup);
          }
          // Decoding, adding and encoding histograms is CPU work: off the event loop.
          return vertx.executeBlocking(() -> upsertColumns(keys, rowsByKey), false);
        })
        .compose(columns -> connection.preparedQuery(UPSERT).execute(columns))
        .map(parts.size());
  }

  private static Key key(UUID customer, String width, Instant bucket, RollupRow part) {
    return new Key(customer, width, bucket, part.primaryGateway(), part.gatewayUsed(), part.currency());
  }

  /** Adds up one key at a time into two reused histograms: memory stays flat however many keys. */
  private static Tuple upsertColumns(List<Key> keys, Map<Key, List<RollupRow>> rowsByKey) {
    List<Merged> merged = new ArrayList<>(keys.size());
    Histogram recoveryHistogram = Histograms.dense();
    Histogram latencyHistogram = Histograms.dense();
    Histograms.Encoder encoder = new Histograms.Encoder();
    for (Key key : keys) {
      Tally t = Tally.reusing(recoveryHistogram, latencyHistogram);
      rowsByKey.get(key).forEach(t::add);
      merged.add(new Merged(key, t.events, t.failovers, t.recoveries, t.recoveredAmount, t.recoveryTimeSum,
          encodeUnlessEmpty(recoveryHistogram, encoder), encodeUnlessEmpty(latencyHistogram, encoder)));
    }
    return MERGED_COLUMNS.toTuple(merged);
  }

  private static Buffer encodeUnlessEmpty(Histogram histogram, Histograms.Encoder encoder) {
    return histogram.getTotalCount() == 0 ? null : Buffer.buffer(encoder.encode(histogram));
  }
}
