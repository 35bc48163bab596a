package com.apisentinel.metrics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * After a restart, puts the last 15 minutes of stored events back into the live windows, counted by
 * PostgreSQL per customer, primary gateway and 10-second slot of {@code received_at} (BRIN-indexed).
 * Only events received before {@code until} (this node's start, on the database clock) are read:
 * everything this node's writer commits later arrives through {@code events.committed}, so nothing
 * is counted twice.
 */
final class LiveRefill {

  static final Duration LOOK_BACK = Duration.ofSeconds((long) LiveWindows.SLOTS * LiveWindows.SLOT_SECONDS);
  private static final String RECENT = """
      SELECT customer_id, primary_gateway,
             (floor(extract(epoch FROM received_at) / $3) * $3)::int8 AS slot_second,
             count(*), count(*) FILTER (WHERE failover_used),
             array_agg(recovery_time_ms) FILTER (WHERE failover_used AND success AND recovery_time_ms IS NOT NULL)
        FROM events
       WHERE received_at >= $1 AND received_at < $2
       GROUP BY 1, 2, 3""";

  private LiveRefill() {
  }

  /** @return the number of events put back */
  static Future<Long> refill(Pool pool, LiveWindows windows, OffsetDateTime until) {
    Tuple range = Tuple.of(until.minus(LOOK_BACK), until, LiveWindows.SLOT_SECONDS);
    return pool.preparedQuery(RECENT).execute(range).map(rows -> {
      long events = 0;
      for (Row row : rows) {
        windows.add(row.getUUID(0), row.getString(1), row.getLong(2), row.getLong(3), row.getLong(4),
            row.getArrayOfIntegers(5));
        events += row.getLong(3);
      }
      return events;
    });
  }
}
