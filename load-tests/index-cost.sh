#!/usr/bin/env bash
# What each index on `events` costs ingest: PostgreSQL's COPY of the same rows (one stream) into
# copies of the table with more and more of its indexes, and their sizes. Rows look like SDK
# traffic: 20 customers, random UUID eventIds, occurred_at spread over the last hour.
# Usage: load-tests/index-cost.sh [rows=1000000]
# Needs: psql and PostgreSQL on PGHOST:PGPORT (a scratch database sentinel_index_cost is recreated).
set -euo pipefail
N=${1:-1000000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=postgres
DB=sentinel_index_cost
CSV=/tmp/sentinel_index_cost.csv
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
# The events table as the migrations define it, without its indexes (CREATE TABLE ... LIKE would copy them).
psql -q -d $DB <<SQL
CREATE TABLE events_template (
    customer_id uuid NOT NULL, event_id text NOT NULL, occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(), primary_gateway text NOT NULL, gateway_used text NOT NULL,
    failover_used boolean NOT NULL, success boolean NOT NULL, amount bigint NOT NULL, currency char(3) NOT NULL,
    latency_ms integer, recovery_time_ms integer, primary_error_code text, primary_error_http_status smallint,
    primary_error_message text, metadata jsonb);
CREATE TEMP TABLE customers AS SELECT gen_random_uuid() AS id, n FROM generate_series(0, 19) n;
COPY (SELECT c.id, gen_random_uuid()::text, now() - random() * interval '1 hour', now(), 'stripe',
             CASE WHEN g % 5 = 0 THEN 'paypal' ELSE 'stripe' END, g % 5 = 0, true, g % 9000, 'USD',
             50 + g % 700, CASE WHEN g % 5 = 0 THEN 200 + g % 3000 END, NULL, NULL, NULL, NULL
        FROM generate_series(1, $N) g JOIN customers c ON c.n = g % 20)
  TO '$CSV' CSV;
SQL

# variant NAME INDEX_DDL... : a fresh copy of the table with these indexes, timed COPY of all rows.
variant() {
  local name=$1 start end
  shift
  psql -q -d $DB -c "DROP TABLE IF EXISTS t" -c "CREATE TABLE t (LIKE events_template INCLUDING DEFAULTS)"
  for ddl in "$@"; do psql -q -d $DB -c "$ddl"; done
  psql -q -d $DB -c "CHECKPOINT"
  start=$(date +%s.%N)
  psql -q -d $DB -c "\\copy t FROM '$CSV' CSV"
  end=$(date +%s.%N)
  psql -tA -d $DB -c "SELECT '$name', count(*), round(count(*) / ($end - $start)), round(($end - $start) * 1e6 / count(*), 2),
                             pg_size_pretty(pg_indexes_size('t')) FROM t" | tr '|' ' '
}

PK="ALTER TABLE t ADD PRIMARY KEY (customer_id, event_id)"
TIME="CREATE INDEX ON t (customer_id, occurred_at DESC, event_id DESC)"
BRIN="CREATE INDEX ON t USING brin (received_at)"
echo "variant rows rows_per_s us_per_row index_size"
for round in 1 2; do
  variant "heap-only" 
  variant "+primary-key" "$PK"
  variant "+primary-key+customer_time" "$PK" "$TIME"
  variant "+primary-key+customer_time+brin(received_at)" "$PK" "$TIME" "$BRIN"
done
rm -f $CSV
psql -q -d postgres -c "DROP DATABASE $DB WITH (FORCE)"
