package com.apisentinel.rollup;

/**
 * The one definition of a rollup part in SQL, shared by the writer (over the rows a batch inserted),
 * the edge scan of range queries and the rebuild (over stored events): the same expressions
 * everywhere is what makes a rollup equal to a scan.
 */
public final class RollupSql {

  /** UTC hours, whatever the session's TimeZone: date_bin never consults it. */
  static final String HOUR_OF_OCCURRED_AT = "date_bin('1 hour', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')";

  /** Columns of {@code rollup_parts}, in the order of {@link #PART_AGGREGATES}. */
  public static final String PART_COLUMNS = "customer_id, hour, primary_gateway, gateway_used, currency, events, "
      + "failovers, recoveries, recovered_amount, recovery_time_sum, recovery_time_values, latency_values";

  /** Aggregates over a set of event rows, to be followed by {@link #PART_GROUPING}. */
  public static final String PART_AGGREGATES = "customer_id, " + HOUR_OF_OCCURRED_AT + """
      , primary_gateway, gateway_used, currency,
      count(*), count(*) FILTER (WHERE failover_used), count(*) FILTER (WHERE failover_used AND success),
      coalesce(sum(amount) FILTER (WHERE failover_used AND success), 0),
      coalesce(sum(recovery_time_ms) FILTER (WHERE failover_used AND success), 0),
      array_agg(recovery_time_ms) FILTER (WHERE failover_used AND success AND recovery_time_ms IS NOT NULL),
      array_agg(latency_ms) FILTER (WHERE latency_ms IS NOT NULL)""";

  public static final String PART_GROUPING = " GROUP BY 1, 2, 3, 4, 5";

  /** Serializes compaction and rebuilds across every node sharing the database. */
  static final long COMPACTION_LOCK = 0x53454e54494e454cL;

  private RollupSql() {
  }
}
