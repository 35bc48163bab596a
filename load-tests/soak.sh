#!/usr/bin/env bash
# Soak: the packaged server on a fresh database under a steady single-event load below capacity for
# MINUTES, measured in back-to-back 10 s wrk slices. Each slice prints its rate and latency
# percentiles, the server's CPU, heap (peak used over the slice, old generation after it), threads,
# RSS, open client connections (mid-slice) and PostgreSQL connections, so leaks and drift show as
# trends. The live heap (old generation after a forced full GC) is measured after the first minute
# and at the end: a leak shows as growth between the two. At the end, rows stored must equal events
# acknowledged (within what was in flight at each slice end).
# Usage: load-tests/soak.sh [minutes=10] [connections=64] [delay_ms=20]
#   (64 connections with 20 ms pauses is about 2,800 events/s: half the largest rate at p95 < 100 ms
#    in the capacity curve of RESULTS.md). Needs wrk, psql, jstat, target/api-sentinel.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-10}
CONNECTIONS=${2:-64}
export SENTINEL_DELAY_MS=${3:-20}
PORT=${SOAK_PORT:-18082}
DB=sentinel_soak
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
export PGHOST PGPORT PGUSER=postgres

. load-tests/server.sh
. load-tests/sampling.sh
start_server $DB "$PORT" target/soak-server.log
KEY=$(register_key "$PORT" "soak-$(date +%s%N)@example.com")
export SENTINEL_API_KEY=$KEY
field() { grep -o "$1=[0-9.]*" <<< "$2" | cut -d= -f2; }
live_heap_mib() { # old generation after a full collection: what the server really holds on to
  jcmd "$SERVER" GC.run > /dev/null
  jstat -gc "$SERVER" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { printf "%.1f", $col["OU"] / 1024 }'
}

echo "t_s events_per_s p50_ms p95_ms p99_ms non_202 cpu_server heap_peak_mib old_gen_mib threads rss_mib client_conns db_conns"
acked_total=0
for slice in $(seq 1 $((MINUTES * 6))); do
  sample_start "$SERVER"
  (sleep 5; ss -Htn state established "( sport = :$PORT )" | wc -l > target/soak-clients) &
  probe=$!
  out=$(SENTINEL_RUN="soak$slice-$(date +%s)" wrk -t2 -c"$CONNECTIONS" -d10s --timeout 10s \
    -s load-tests/wrk/ingest-single-paced.lua "http://127.0.0.1:$PORT" | grep acked_events)
  sampled=$(sample_stop)
  old_gen=$(jstat -gc "$SERVER" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { printf "%.0f", $col["OU"] / 1024 }')
  threads=$(awk '/^Threads/ { print $2 }' "/proc/$SERVER/status")
  rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status")
  wait $probe
  clients=$(cat target/soak-clients)
  db=$(psql -tA -d $DB -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND pid <> pg_backend_pid()")
  acked_total=$((acked_total + $(field acked_events "$out")))
  echo "$((slice * 10)) $(field events_per_s "$out") $(field p50_ms "$out") $(field p95_ms "$out") $(field p99_ms "$out")" \
    "$(field non_202 "$out") $(field cpu_server "$sampled") $(field heap_peak_mib "$sampled") $old_gen $threads $rss $clients $db"
  if (( slice == 6 )); then
    live_start=$(live_heap_mib)
  fi
done
live_end=$(live_heap_mib)
echo "live_heap_mib after 1 min=$live_start at the end=$live_end"
sleep 1
stored=$(psql -tA -d $DB -c "SELECT count(*) FROM events")
echo "stored=$stored acked=$acked_total in_flight_bound=$((MINUTES * 6 * CONNECTIONS))"
if (( stored < acked_total || stored > acked_total + MINUTES * 6 * CONNECTIONS )); then
  echo "FAIL: $stored rows stored for $acked_total events acknowledged" >&2
  exit 1
fi
