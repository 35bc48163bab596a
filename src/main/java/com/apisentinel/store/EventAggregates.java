package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Failover analytics computed by PostgreSQL over one customer's raw events in [from, to): exact
 * counts, exact money (bigint sums), exact nearest-rank percentiles. This scans the range through
 * the customer/time index; hourly rollups will serve long ranges without the scan.
 */
public final class EventAggregates {

  private static final String RANGE = " FROM events WHERE customer_id = $1 AND occurred_at >= $2 AND occurred_at < $3";
  private static final String RECOVERY = "failover_used AND success";
  private static final String OVERVIEW = """
      SELECT count(*) AS total,
             count(*) FILTER (WHERE failover_used) AS failovers,
             count(*) FILTER (WHERE failover_used AND success) AS recoveries,
             count(*) FILTER (WHERE failover_used AND NOT success) AS failed_recoveries,
             avg(recovery_time_ms) FILTER (WHERE failover_used AND success) AS recovery_avg,
             percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY recovery_time_ms)
               FILTER (WHERE failover_used AND success) AS recovery_percentiles""" + RANGE;
  private static final String RECOVERED_BY_CURRENCY =
      "SELECT currency, sum(amount) AS amount" + RANGE + " AND " + RECOVERY + " GROUP BY currency";
  private static final String AS_PRIMARY = """
      SELECT primary_gateway AS gateway, count(*) AS as_primary,
             count(*) FILTER (WHERE failover_used) AS primary_failures""" + RANGE + " GROUP BY primary_gateway";
  private static final String AS_FINAL = """
      SELECT gateway_used AS gateway,
             count(*) FILTER (WHERE failover_used) AS as_failover,
             count(*) FILTER (WHERE failover_used AND success) AS failover_successes,
             percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) AS latency_percentiles"""
      + RANGE + " GROUP BY gateway_used";
  private static final String RECOVERED_BY_GATEWAY = "SELECT gateway_used AS gateway, currency, sum(amount) AS amount"
      + RANGE + " AND " + RECOVERY + " GROUP BY gateway_used, currency";
  private static final String TIMESERIES = """
      SELECT date_bin(make_interval(secs => $4::double precision), occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
             count(*) AS total,
             count(*) FILTER (WHERE failover_used) AS failovers,
             count(*) FILTER (WHERE failover_used AND success) AS recoveries,
             percentile_disc(0.95) WITHIN GROUP (ORDER BY recovery_time_ms)
               FILTER (WHERE failover_used AND success) AS recovery_p95""" + RANGE + " GROUP BY bucket";

  private final Pool pool;

  public EventAggregates(Pool pool) {
    this.pool = pool;
  }

  /** Percentiles are null when there is nothing to rank. Money is in minor units per currency. */
  public record Overview(long totalEvents, long failoverEvents, long successfulRecoveries, long failedRecoveries,
                         Double avgRecoveryTime, Integer recoveryP50, Integer recoveryP95, Integer recoveryP99,
                         Map<String, BigDecimal> recoveredMinorUnits) {
  }

  public record GatewayStats(String gateway, long asPrimary, long primaryFailures, long asFailover,
                             long failoverSuccesses, Integer latencyP50, Integer latencyP95, Integer latencyP99,
                             Map<String, BigDecimal> recoveredMinorUnits) {
  }

  public record Bucket(Instant start, long totalEvents, long failoverEvents, long successfulRecoveries,
                       Integer recoveryTimeP95) {
  }

  public Future<Overview> overview(UUID customerId, Instant from, Instant to) {
    Tuple range = range(customerId, from, to);
    return Future.all(timed(pool.preparedQuery(OVERVIEW).execute(range)), timed(pool.preparedQuery(RECOVERED_BY_CURRENCY).execute(range))).map(results -> {
          Row row = results.<RowSet<Row>>resultAt(0).iterator().next();
          Integer[] p = percentiles(row, "recovery_percentiles");
          Map<String, BigDecimal> recovered = new LinkedHashMap<>();
          for (Row money : results.<RowSet<Row>>resultAt(1)) {
            recovered.put(money.getString("currency"), money.getBigDecimal("amount"));
          }
          Number avg = row.getNumeric("recovery_avg");
          return new Overview(row.getLong("total"), row.getLong("failovers"), row.getLong("recoveries"),
              row.getLong("failed_recoveries"), avg == null ? null : avg.doubleValue(), p[0], p[1], p[2], recovered);
        });
  }

  public Future<List<GatewayStats>> gateways(UUID customerId, Instant from, Instant to) {
    Tuple range = range(customerId, from, to);
    return Future.all(timed(pool.preparedQuery(AS_PRIMARY).execute(range)), timed(pool.preparedQuery(AS_FINAL).execute(range)),
        timed(pool.preparedQuery(RECOVERED_BY_GATEWAY).execute(range))).map(results -> {
          Map<String, long[]> primary = new HashMap<>();
          for (Row row : results.<RowSet<Row>>resultAt(0)) {
            primary.put(row.getString("gateway"), new long[] {row.getLong("as_primary"), row.getLong("primary_failures")});
          }
          Map<String, Row> finals = new HashMap<>();
          for (Row row : results.<RowSet<Row>>resultAt(1)) {
            finals.put(row.getString("gateway"), row);
          }
          Map<String, Map<String, BigDecimal>> recovered = new HashMap<>();
          for (Row row : results.<RowSet<Row>>resultAt(2)) {
            recovered.computeIfAbsent(row.getString("gateway"), g -> new LinkedHashMap<>())
                .put(row.getString("currency"), row.getBigDecimal("amount"));
          }
          TreeSet<String> names = new TreeSet<>(primary.keySet());
          names.addAll(finals.keySet());
          List<GatewayStats> stats = new ArrayList<>();
          for (String gateway : names) {
            long[] asPrimary = primary.getOrDefault(gateway, new long[2]);
            Row fin = finals.get(gateway);
            Integer[] latency = fin == null ? new Integer[3] : percentiles(fin, "latency_percentiles");
            stats.add(new GatewayStats(gateway, asPrimary[0], asPrimary[1],
                fin == null ? 0 : fin.getLong("as_failover"), fin == null ? 0 : fin.getLong("failover_successes"),
                latency[0], latency[1], latency[2], recovered.getOrDefault(gateway, Map.of())));
          }
          return stats;
        });
  }

  /** Only buckets with events, aligned to UTC multiples of {@code width}; the caller fills the empty ones. */
  public Future<List<Bucket>> timeseries(UUID customerId, Instant from, Instant to, Duration width) {
    return timed(pool.preparedQuery(TIMESERIES).execute(range(customerId, from, to).addValue((double) width.toSeconds())))
        .map(rows -> {
      List<Bucket> buckets = new ArrayList<>();
      for (Row row : rows) {
        buckets.add(new Bucket(row.getOffsetDateTime("bucket").toInstant(), row.getLong("total"),
            row.getLong("failovers"), row.getLong("recoveries"), row.getInteger("recovery_p95")));
      }
      return buckets;
    });
  }

  private static <T> Future<T> timed(Future<T> query) {
    return query.timeout(EventQueries.READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static Integer[] percentiles(Row row, String column) {
    Integer[] values = row.getArrayOfIntegers(column);
    return values == null ? new Integer[3] : values;
  }

  private static Tuple range(UUID customerId, Instant from, Instant to) {
    return Tuple.of(customerId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
  }

}
