#!/usr/bin/env bash
# Measures, in one run on this machine: the server's GET /health rate (HTTP ceiling), single-event
# ingest, 100-event batch ingest, and PostgreSQL's own COPY of the same rows (two parallel streams,
# storage ceiling). Every ingest run uses fresh eventIds and is checked: rows stored == events acked.
# Each phase also records CPU (server JVM, PostgreSQL, everything else = the generator; % of one core,
# 200 % = both cores) and the server's peak heap (jstat, every second). The table is printed and
# appended to load-tests/RESULTS.md (BENCH_NOTE: a line saying what the run is; BENCH_RESULTS=0: don't).
#
# Usage: load-tests/bench.sh [duration=30s] [single_connections=1024] [batch_connections=32]
# Single events: throughput = connections / latency, and SDK traffic comes from thousands of apps; at
# 256 connections the server still idles between commits, 1024 keep it busy at p95 < 100 ms. Batches:
# 32 connections (3,200 events in flight) reach the same rate as 64 or 128 at half the latency
# (connection sweeps of 2026-11-23 in RESULTS.md).
# BENCH_WARMUP: seconds each of single events and batches are driven before measuring (default 25).
# BENCH_OTHER_CUSTOMERS: that many other customers are created first (each with the default alert rules,
# which the server then evaluates during the run; default 0).
# Needs: wrk, psql, jstat, a built target/api-sentinel.jar (mvn -DskipTests package), PostgreSQL on PGHOST:PGPORT.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-30s}
SINGLE_CONNECTIONS=${2:-1024}
BATCH_CONNECTIONS=${3:-32}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PORT=${BENCH_PORT:-18080}
DB=sentinel_bench
WRK_THREADS=2
WARMUP=${BENCH_WARMUP:-25}
export PGHOST PGPORT PGUSER=postgres

. load-tests/server.sh
. load-tests/sampling.sh
start_server $DB "$PORT" target/bench-server.log
KEY=$(register_key "$PORT" "bench-$(date +%s%N)@example.com")
if [ "${BENCH_OTHER_CUSTOMERS:-0}" -gt 0 ]; then
  psql -q -d $DB -c "INSERT INTO customers (id, email, email_normalized, password_hash, company_name)
    SELECT gen_random_uuid(), 'other' || g || '@example.com', 'other' || g || '@example.com', 'x', 'Other'
      FROM generate_series(1, ${BENCH_OTHER_CUSTOMERS}) g"
  echo "== ${BENCH_OTHER_CUSTOMERS} other customers: $(psql -tA -d $DB -c "SELECT count(*) FROM alert_rules") alert rules"
fi
export SENTINEL_API_KEY=$KEY
rows() { psql -tA -d $DB -c "SELECT count(*) FROM events"; }
field() { grep -o "$1=[0-9.]*" "$2" | cut -d= -f2; }

# On this 2-core machine the JIT compilers still take ~45 % CPU 20 s into a run and settle after ~40 s
# (measured per compiler thread): every path is driven until then, so the phases measure steady state.
echo "== warm-up (${WARMUP}s single, ${WARMUP}s batch, 10s health; not recorded)"
SENTINEL_RUN="warm$RANDOM" wrk -t$WRK_THREADS -c"$SINGLE_CONNECTIONS" -d"${WARMUP}s" -s load-tests/wrk/ingest-single.lua "http://127.0.0.1:$PORT" > /dev/null
SENTINEL_RUN="warmb$RANDOM" wrk -t$WRK_THREADS -c"$BATCH_CONNECTIONS" -d"${WARMUP}s" -s load-tests/wrk/ingest-batch.lua "http://127.0.0.1:$PORT" > /dev/null
wrk -t$WRK_THREADS -c"$SINGLE_CONNECTIONS" -d10s -s load-tests/wrk/health.lua "http://127.0.0.1:$PORT" > /dev/null

echo "== GET /health, $SINGLE_CONNECTIONS connections, $DURATION"
sample_start "$SERVER"
wrk -t$WRK_THREADS -c"$SINGLE_CONNECTIONS" -d"$DURATION" -s load-tests/wrk/health.lua "http://127.0.0.1:$PORT" > target/bench-health.txt
sample_stop >> target/bench-health.txt
cat target/bench-health.txt

# ingest_run NAME CONNECTIONS SCRIPT EVENTS_PER_REQUEST: one wrk run, then stored vs acknowledged.
# wrk stops counting at the deadline while requests are still in flight: those commit without an
# acknowledgement, so stored - acked must lie in [0, connections x events per request].
ingest_run() {
  local before after acked out="target/bench-$1.txt"
  before=$(rows)
  sample_start "$SERVER"
  SENTINEL_RUN="$1$(date +%s)" wrk -t$WRK_THREADS -c"$2" -d"$DURATION" --timeout 10s -s "load-tests/wrk/$3" \
    "http://127.0.0.1:$PORT" > "$out"
  sample_stop >> "$out"
  sleep 1
  after=$(rows)
  acked=$(field acked_events "$out")
  echo "stored=$((after - before)) in_flight_bound=$(($2 * $4))" >> "$out"
  cat "$out"
  if (( after - before < acked || after - before > acked + $2 * $4 )); then
    echo "FAIL: $((after - before)) rows stored for $acked events acknowledged" >&2
    exit 1
  fi
}

echo "== single-event POST, $SINGLE_CONNECTIONS connections, $DURATION"
ingest_run single "$SINGLE_CONNECTIONS" ingest-single.lua 1

echo "== 100-event batch POST, $BATCH_CONNECTIONS connections, $DURATION"
ingest_run batch "$BATCH_CONNECTIONS" ingest-batch.lua 100
ACKED_BATCH=$(field acked_events target/bench-batch.txt)

# Duplicates are where the payload comparison runs (an eventId sent again with another payload is an
# idempotency conflict): every event of this phase was stored by a first pass over the same ids.
echo "== 100-event batch POST, every event a duplicate, $BATCH_CONNECTIONS connections, $DURATION"
DUP_RUN="dup$(date +%s)"
SENTINEL_RUN=$DUP_RUN SENTINEL_CYCLE=20000 wrk -t$WRK_THREADS -c"$BATCH_CONNECTIONS" -d10s --timeout 10s \
  -s load-tests/wrk/ingest-batch.lua "http://127.0.0.1:$PORT" > /dev/null
BEFORE_DUP=$(rows)
sample_start "$SERVER"
SENTINEL_RUN=$DUP_RUN SENTINEL_CYCLE=20000 wrk -t$WRK_THREADS -c"$BATCH_CONNECTIONS" -d"$DURATION" --timeout 10s \
  -s load-tests/wrk/ingest-batch.lua "http://127.0.0.1:$PORT" > target/bench-duplicates.txt
sample_stop >> target/bench-duplicates.txt
echo "stored=$(( $(rows) - BEFORE_DUP )) in_flight_bound=0" >> target/bench-duplicates.txt
cat target/bench-duplicates.txt

echo "== PostgreSQL COPY of the same rows into an identical table, two parallel streams"
psql -q -d $DB <<SQL
DROP TABLE IF EXISTS events_copy;
CREATE TABLE events_copy (LIKE events INCLUDING ALL);
COPY (SELECT * FROM events ORDER BY received_at DESC LIMIT $ACKED_BATCH) TO '/tmp/sentinel_copy_all.csv' CSV;
SQL
split -n l/2 -d /tmp/sentinel_copy_all.csv /tmp/sentinel_copy_part_
sample_start "$SERVER"
START=$(date +%s.%N)
psql -q -d $DB -c "\\copy events_copy FROM '/tmp/sentinel_copy_part_00' CSV" & COPY1=$!
psql -q -d $DB -c "\\copy events_copy FROM '/tmp/sentinel_copy_part_01' CSV" & COPY2=$!
wait $COPY1 $COPY2
END=$(date +%s.%N)
COPIED=$(psql -tA -d $DB -c "SELECT count(*) FROM events_copy")
{
  python3 -c "print(f'copy_rows=$COPIED events_per_s={$COPIED/($END-$START):.0f}')"
  sample_stop
} > target/bench-copy.txt
cat target/bench-copy.txt
rm -f /tmp/sentinel_copy_all.csv /tmp/sentinel_copy_part_0*

python3 load-tests/bench_table.py "$DURATION" "$SINGLE_CONNECTIONS" "$BATCH_CONNECTIONS" > target/bench-table.md
cat target/bench-table.md
if [[ ${BENCH_RESULTS:-1} != 0 ]]; then
  cat target/bench-table.md >> load-tests/RESULTS.md
fi
