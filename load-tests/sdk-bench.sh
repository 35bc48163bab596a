#!/usr/bin/env bash
# The Java SDK's benchmarks:
#  1. track() on the caller's thread: JMH sample times (median, p99) and the bytes one call allocates on
#     that thread;
#  2. one SDK instance sending to the packaged server: a paced target rate held for a while, then what
#     the server acknowledged per second; beside it, the same server's ceiling for 100-event batches
#     driven by wrk (32 connections) in the same run;
#  3. memory while the server is down: live heap every 5 s while an app keeps tracking.
# Usage: load-tests/sdk-bench.sh [rate=60000] [seconds=60] [batch_events=100]
# Needs: wrk, psql, a built target/api-sentinel.jar (mvn -DskipTests package), PostgreSQL on PGHOST:PGPORT.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-60000}
RUN_SECONDS=${2:-60}
BATCH_EVENTS=${3:-100}
PORT=${BENCH_PORT:-18181}
DB=sentinel_sdkbench
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=postgres
BENCH=load-tests/sdk/target/sdk-bench.jar
QUIET=-Djava.util.logging.config.file=/dev/null   # the SDK's retry warnings are expected in 1 and 3

mvn -B -q -f sdk/pom.xml -DskipTests install
mvn -B -q -f load-tests/sdk/pom.xml package

echo "== 1. track() on the caller's thread"
java -jar $BENCH TrackBenchmark.track -jvmArgsAppend "$QUIET" 2>/dev/null |
  grep -E '^TrackBenchmark\.track(:p0\.(50|90|99|999) | )' | tee target/sdk-bench-jmh.txt
java $QUIET -cp $BENCH com.apisentinel.load.sdk.TrackAllocation | tail -n 1 | tee target/sdk-bench-alloc.txt

echo "== 2. one SDK instance into the server (target $RATE events/s for ${RUN_SECONDS}s, batches of $BATCH_EVENTS)"
. load-tests/server.sh
start_server $DB "$PORT" target/sdk-bench-server.log
KEY=$(register_key "$PORT" "sdk-bench-$(date +%s%N)@example.com")
export SENTINEL_API_KEY=$KEY
rows() { psql -tA -d $DB -c "SELECT count(*) FROM events"; }
echo "-- ceiling: wrk, 100-event batches, 32 connections, 20 s (after 20 s of warm-up)"
SENTINEL_RUN="w$RANDOM" wrk -t2 -c32 -d20s -s load-tests/wrk/ingest-batch.lua "http://127.0.0.1:$PORT" > /dev/null
SENTINEL_RUN="c$RANDOM" wrk -t2 -c32 -d20s --timeout 10s -s load-tests/wrk/ingest-batch.lua \
  "http://127.0.0.1:$PORT" | tee target/sdk-bench-ceiling.txt | grep -E 'Requests/sec|acked'
BEFORE=$(rows)
java -Xmx256m $QUIET -cp $BENCH com.apisentinel.load.sdk.ThroughputRun "http://127.0.0.1:$PORT" "$KEY" \
  "$RATE" "$RUN_SECONDS" "$BATCH_EVENTS" | tee target/sdk-bench-throughput.txt
echo "stored=$(( $(rows) - BEFORE ))" | tee -a target/sdk-bench-throughput.txt

echo "== 3. memory with the server down (60 s at 20,000 events/s, default queue bounds)"
java -Xmx256m $QUIET -cp $BENCH com.apisentinel.load.sdk.StoppedServerMemory 60 20000 | tee target/sdk-bench-memory.txt
