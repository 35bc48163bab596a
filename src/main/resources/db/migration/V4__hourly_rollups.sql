-- Rollups: what the metrics endpoints read instead of scanning raw events.
--
-- The writer appends one rollup_parts row per (customer, hour, primary gateway, gateway used,
-- currency) of every batch, in the same statement as the events it counts, so parts are exactly
-- the committed events. Parts are only ever inserted by the writer, never updated: concurrent
-- batches of one hot customer never wait on each other's row locks. Percentile inputs stay raw
-- (int arrays) here because SQL cannot build an HdrHistogram.
CREATE TABLE rollup_parts (
    customer_id       uuid        NOT NULL,
    hour              timestamptz NOT NULL,
    primary_gateway   text        NOT NULL,
    gateway_used      text        NOT NULL,
    currency          char(3)     NOT NULL,
    events            bigint      NOT NULL,
    failovers         bigint      NOT NULL,
    recoveries        bigint      NOT NULL,
    recovered_amount  numeric     NOT NULL,  -- minor units, exact
    recovery_time_sum bigint      NOT NULL,
    recovery_times    integer[],             -- of recoveries that reported a recovery time
    latencies         integer[]              -- of events that reported a latency
);
CREATE INDEX rollup_parts_customer_hour ON rollup_parts (customer_id, hour);

-- A background compactor (one node at a time, under an advisory lock) moves parts into these rows
-- in one transaction: each part is added to its hour row and to its UTC day row, so long ranges
-- read days and only the ragged edges read hours. Histograms are HdrHistograms (3 significant
-- digits), serialized compressed; NULL when nothing was recorded.
CREATE TABLE rollups (
    customer_id       uuid        NOT NULL,
    width             text        NOT NULL CHECK (width IN ('hour', 'day')),
    bucket            timestamptz NOT NULL,
    primary_gateway   text        NOT NULL,
    gateway_used      text        NOT NULL,
    currency          char(3)     NOT NULL,
    events            bigint      NOT NULL,
    failovers         bigint      NOT NULL,
    recoveries        bigint      NOT NULL,
    recovered_amount  numeric     NOT NULL,
    recovery_time_sum bigint      NOT NULL,
    recovery_times    bytea,
    latencies         bytea,
    PRIMARY KEY (customer_id, width, bucket, primary_gateway, gateway_used, currency)
);

-- Events already stored before this migration become parts; the compactor takes it from there.
INSERT INTO rollup_parts
SELECT customer_id, date_bin('1 hour', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
       primary_gateway, gateway_used, currency,
       count(*), count(*) FILTER (WHERE failover_used), count(*) FILTER (WHERE failover_used AND success),
       coalesce(sum(amount) FILTER (WHERE failover_used AND success), 0),
       coalesce(sum(recovery_time_ms) FILTER (WHERE failover_used AND success), 0),
       array_agg(recovery_time_ms) FILTER (WHERE failover_used AND success AND recovery_time_ms IS NOT NULL),
       array_agg(latency_ms) FILTER (WHERE latency_ms IS NOT NULL)
  FROM events
 GROUP BY 1, 2, 3, 4, 5;

-- After a restart the live windows are refilled from the last 15 minutes of received events. BRIN
-- fits an append-only timestamp: a few pages for the whole table and next to nothing per insert.
CREATE INDEX events_received_at ON events USING brin (received_at);
