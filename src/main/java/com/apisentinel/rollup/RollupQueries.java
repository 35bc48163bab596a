package com.apisentinel.rollup;

import com.apisentinel.body.Rfc3339;
import com.apisentinel.store.EventQueries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Failover analytics of one customer over [from, to), added up from rollups: day rows for whole UTC
 * days, hour rows for the whole hours around them, uncompacted parts for those hours, and a scan of
 * raw events only for the partial hours at either end. One statement reads all four, so it sees one
 * snapshot: a part being compacted is counted once, before or after. Counts and money are exact;
 * percentiles are nearest-rank within 0.1 % (HdrHistogram, 3 digits). Histograms are decoded on a
 * worker thread: a long hourly series decodes thousands.
 */
public final class RollupQueries {

  /** A part's columns in {@link RollupRow} order: histograms (the writer's parts) or raw values (SQL's). */
  private static final String PART_AS_ROW = " hour, primary_gateway, gateway_used, currency, events, failovers, "
      + "recoveries, recovered_amount, recovery_time_sum, recovery_histogram, recovery_time_values, latency_histogram, "
      + "latency_values";
  /** An edge scan's columns in {@link RollupRow} order: raw values, no histograms. */
  private static final String EDGE_AS_ROW = " hour, primary_gateway, gateway_used, currency, events, failovers, "
      + "recoveries, recovered_amount, recovery_time_sum, NULL::bytea, recovery_time_values, NULL::bytea, latency_values";
  /** $1 customer, [$2, $3) whole days, [$4, $5) whole hours, [$6, $4) and [$5, $7) raw edges. */
  private static final String ROWS = """
      SELECT bucket, primary_gateway, gateway_used, currency, events, failovers, recoveries, recovered_amount,
             recovery_time_sum, recovery_histogram, NULL::int4[], latency_histogram, NULL::int4[]
        FROM rollups
       WHERE customer_id = $1
         AND ((width = 'day' AND bucket >= $2 AND bucket < $3)
           OR (width = 'hour' AND ((bucket >= $4 AND bucket < $2) OR (bucket >= $3 AND bucket < $5))))
      UNION ALL
      SELECT""" + PART_AS_ROW + """
        FROM rollup_parts
       WHERE customer_id = $1 AND hour >= $4 AND hour < $5
      UNION ALL
      SELECT""" + EDGE_AS_ROW + " FROM (SELECT " + RollupSql.PART_AGGREGATES + """
        FROM events
       WHERE customer_id = $1
         AND ((occurred_at >= $6 AND occurred_at < $4) OR (occurred_at >= $5 AND occurred_at < $7))"""
      + RollupSql.PART_GROUPING + ") AS edges(" + RollupSql.PART_COLUMNS + ")";
  /** Minutes are finer than any rollup: a minute series is always a scan (at most 10,000 minutes). */
  private static final String MINUTE_SERIES = """
      SELECT date_bin('1 minute', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
             count(*) AS total,
             count(*) FILTER (WHERE failover_used) AS failovers,
             count(*) FILTER (WHERE failover_used AND success) AS recoveries,
             percentile_disc(0.95) WITHIN GROUP (ORDER BY recovery_time_ms)
               FILTER (WHERE failover_used AND success) AS recovery_p95
        FROM events WHERE customer_id = $1 AND occurred_at >= $2 AND occurred_at < $3
       GROUP BY bucket""";

  /** Percentiles are null when there is nothing to rank. Money is in minor units per currency. */
  public record Overview(long totalEvents, long failoverEvents, long successfulRecoveries, long failedRecoveries,
                         Double avgRecoveryTime, Long recoveryP50, Long recoveryP95, Long recoveryP99,
                         Map<String, BigDecimal> recoveredMinorUnits) {
  }

  public record GatewayStats(String gateway, long asPrimary, long primaryFailures, long asFailover,
                             long failoverSuccesses, Long latencyP50, Long latencyP95, Long latencyP99,
                             Map<String, BigDecimal> recoveredMinorUnits) {
  }

  public record Bucket(Instant start, long totalEvents, long failoverEvents, long successfulRecoveries,
                       Long recoveryTimeP95) {
  }

  private final Vertx vertx;
  private final Pool pool;

  public RollupQueries(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** A currency's counts over a range, the recovered amount in minor units: what a statement line is made of. */
  public record CurrencyTotals(String currency, long events, long failovers, long recoveries,
                               BigDecimal recoveredMinor) {
  }

  /**
   * Counts per currency over [from, to), exact whatever the compaction state (parts and rollups
   * together, as every range here). Whole days are read from day rows: a month is a few hundred rows.
   */
  public Future<List<CurrencyTotals>> byCurrency(UUID customerId, Instant from, Instant to) {
    return rows(customerId, from, to, true).map(rows -> {
      Map<String, Tally> byCurrency = new TreeMap<>();
      Map<String, BigDecimal> recovered = new TreeMap<>();
      for (RollupRow row : rows) {
        byCurrency.computeIfAbsent(row.currency(), c -> new Tally()).add(row);
        addMoney(recovered, row);
      }
      List<CurrencyTotals> totals = new ArrayList<>();
      byCurrency.forEach((currency, t) -> totals.add(new CurrencyTotals(currency, t.events, t.failovers,
          t.recoveries, recovered.getOrDefault(currency, BigDecimal.ZERO))));
      return totals;
    });
  }

  public Future<Overview> overview(UUID customerId, Instant from, Instant to) {
    return rows(customerId, from, to, true).compose(rows -> vertx.executeBlocking(() -> {
      Tally total = new Tally(Tally.Series.RECOVERY_TIMES);
      Map<String, BigDecimal> recovered = new TreeMap<>();
      for (RollupRow row : rows) {
        total.add(row);
        addMoney(recovered, row);
      }
      long timed = total.timedRecoveries();
      return new Overview(total.events, total.failovers, total.recoveries, total.failovers - total.recoveries,
          timed == 0 ? null : (double) total.recoveryTimeSum / timed, total.recoveryPercentile(500),
          total.recoveryPercentile(950), total.recoveryPercentile(990), recovered);
    }, false));
  }

  public Future<List<GatewayStats>> gateways(UUID customerId, Instant from, Instant to) {
    return rows(customerId, from, to, true).compose(rows -> vertx.executeBlocking(() -> {
      Map<String, Tally> asPrimary = new TreeMap<>();
      Map<String, Tally> asUsed = new TreeMap<>();
      Map<String, Map<String, BigDecimal>> recovered = new TreeMap<>();
      for (RollupRow row : rows) {
        asPrimary.computeIfAbsent(row.primaryGateway(), g -> new Tally()).add(row);
        asUsed.computeIfAbsent(row.gatewayUsed(), g -> new Tally(Tally.Series.LATENCIES)).add(row);
        addMoney(recovered.computeIfAbsent(row.gatewayUsed(), g -> new TreeMap<>()), row);
      }
      TreeSet<String> names = new TreeSet<>(asPrimary.keySet());
      names.addAll(asUsed.keySet());
      List<GatewayStats> stats = new ArrayList<>();
      for (String gateway : names) {
        Tally primary = asPrimary.getOrDefault(gateway, new Tally());
        Tally used = asUsed.getOrDefault(gateway, new Tally());
        stats.add(new GatewayStats(gateway, primary.events, primary.failovers, used.failovers, used.recoveries,
            used.latencyPercentile(500), used.latencyPercentile(950), used.latencyPercentile(990),
            recovered.getOrDefault(gateway, Map.of())));
      }
      return stats;
    }, false));
  }

  /**
   * The customer's all-time counters and recovery histograms in the Prometheus text format. The range
   * ends at a whole hour past any accepted occurredAt (at most minutes ahead), so it is read from
   * rollups and parts only, with no raw scan.
   */
  public Future<String> merchantMetrics(UUID customerId, Instant now) {
    Instant to = now.plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    return rows(customerId, Rfc3339.EARLIEST, to, true)
        .compose(rows -> vertx.executeBlocking(() -> MerchantMetrics.render(rows), false));
  }

  /** Only buckets with events, aligned to UTC multiples of {@code width}; the caller fills the empty ones. */
  public Future<List<Bucket>> timeseries(UUID customerId, Instant from, Instant to, Duration width) {
    if (width.compareTo(Duration.ofHours(1)) < 0) {
      return minuteSeries(customerId, from, to);
    }
    boolean days = width.equals(Duration.ofDays(1));
    return rows(customerId, from, to, days).compose(rows -> vertx.executeBlocking(() -> {
      Map<Instant, Tally> byStart = new TreeMap<>();
      for (RollupRow row : rows) {
        Instant start = row.bucket().truncatedTo(days ? ChronoUnit.DAYS : ChronoUnit.HOURS);
        byStart.computeIfAbsent(start, s -> new Tally(Tally.Series.RECOVERY_TIMES)).add(row);
      }
      List<Bucket> buckets = new ArrayList<>();
      byStart.forEach((start, t) -> buckets.add(
          new Bucket(start, t.events, t.failovers, t.recoveries, t.recoveryPercentile(950))));
      return buckets;
    }, false));
  }

  private Future<List<Bucket>> minuteSeries(UUID customerId, Instant from, Instant to) {
    Tuple range = Tuple.of(customerId, utc(from), utc(to));
    return timed(pool.preparedQuery(MINUTE_SERIES).execute(range)).map(rows -> {
      List<Bucket> buckets = new ArrayList<>();
      for (Row row : rows) {
        Integer p95 = row.getInteger("recovery_p95");
        buckets.add(new Bucket(row.getOffsetDateTime("bucket").toInstant(), row.getLong("total"),
            row.getLong("failovers"), row.getLong("recoveries"), p95 == null ? null : p95.longValue()));
      }
      return buckets;
    });
  }

  private Future<List<RollupRow>> rows(UUID customerId, Instant from, Instant to, boolean days) {
    RangePlan plan = RangePlan.of(from, to, days);
    Tuple parameters = Tuple.of(customerId, utc(plan.dayStart()), utc(plan.dayEnd()), utc(plan.hourStart()),
            utc(plan.hourEnd()), utc(from))
        .addOffsetDateTime(utc(to));
    return timed(pool.preparedQuery(ROWS).execute(parameters)).map(rows -> {
      List<RollupRow> list = new ArrayList<>(rows.size());
      rows.forEach(row -> list.add(RollupRow.of(row, 0)));
      return list;
    });
  }

  private static void addMoney(Map<String, BigDecimal> byCurrency, RollupRow row) {
    if (row.recoveries() > 0) {
      byCurrency.merge(row.currency(), row.recoveredAmount(), BigDecimal::add);
    }
  }

  private static <T> Future<T> timed(Future<T> query) {
    return query.timeout(EventQueries.READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
