-- The writer now computes the rollup parts of batches whose events are all new in the JVM and sends
-- them with the events: their recovery times and latencies arrive as HdrHistograms instead of raw
-- value arrays (which every event paid for twice: written into the part, read back by compaction).
-- Parts computed in SQL (batches with duplicates, rebuilds) keep the raw arrays; a part has one or
-- the other.
ALTER TABLE rollup_parts
    ADD COLUMN recovery_histogram bytea,
    ADD COLUMN latency_histogram  bytea;

-- Histograms are now stored in HdrHistogram's plain encoding (zero runs compacted; PostgreSQL's
-- TOAST compresses large values), not the zlib one, which cost a zlib stream per histogram. Rollups
-- written in the old encoding are derived again from the events, as V4 first did. Stop every node
-- before upgrading past this migration: a node still running the old version would write the old
-- encoding.
TRUNCATE rollups, rollup_parts;
INSERT INTO rollup_parts (customer_id, hour, primary_gateway, gateway_used, currency, events, failovers,
                          recoveries, recovered_amount, recovery_time_sum, recovery_times, latencies)
SELECT customer_id, date_bin('1 hour', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
       primary_gateway, gateway_used, currency,
       count(*), count(*) FILTER (WHERE failover_used), count(*) FILTER (WHERE failover_used AND success),
       coalesce(sum(amount) FILTER (WHERE failover_used AND success), 0),
       coalesce(sum(recovery_time_ms) FILTER (WHERE failover_used AND success), 0),
       array_agg(recovery_time_ms) FILTER (WHERE failover_used AND success AND recovery_time_ms IS NOT NULL),
       array_agg(latency_ms) FILTER (WHERE latency_ms IS NOT NULL)
  FROM events
 GROUP BY 1, 2, 3, 4, 5;
