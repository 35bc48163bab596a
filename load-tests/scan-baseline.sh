#!/usr/bin/env bash
# Times the metrics endpoints over one customer's 1,000,000 events (spread over 29 days), seeded
# straight into PostgreSQL, then turned into rollups by the rebuild command and compacted by the
# running server. Beside each endpoint: the raw scan PostgreSQL needs for the same answer.
# Usage: load-tests/scan-baseline.sh [events=1000000]
# Needs: psql, curl, python3, a built target/api-sentinel.jar, PostgreSQL on PGHOST:PGPORT.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=postgres
PORT=${BENCH_PORT:-18097}
DB=sentinel_scan
. load-tests/server.sh
start_server $DB "$PORT" target/scan-server.log
REGISTRATION=$(register "$PORT" scan@example.com)
KEY=$(echo "$REGISTRATION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"]["key"])')
CUSTOMER=$(echo "$REGISTRATION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["customer"]["id"])')
psql -q -d $DB <<SQL
INSERT INTO events (customer_id, event_id, occurred_at, primary_gateway, gateway_used, failover_used, success,
                    amount, currency, latency_ms, recovery_time_ms)
SELECT '$CUSTOMER', 's' || g, now() - (g % 2500000) * interval '1 second',
       (ARRAY['stripe', 'adyen', 'square'])[g % 3 + 1],
       CASE WHEN g % 5 = 0 THEN 'paypal' ELSE (ARRAY['stripe', 'adyen', 'square'])[g % 3 + 1] END,
       g % 5 = 0, g % 11 <> 0, g % 100000, (ARRAY['USD', 'EUR', 'JPY'])[g % 3 + 1], g % 5000,
       CASE WHEN g % 5 = 0 THEN g % 30000 END
  FROM generate_series(1, $N) g;
ANALYZE events;
SQL
# Events inserted behind the writer's back have no rollup parts: the rebuild command makes them.
start=$(date +%s.%N)
SENTINEL_DB_URL="postgresql://postgres@$PGHOST:$PGPORT/$DB" java -jar target/api-sentinel.jar rebuild-rollups "$CUSTOMER" \
  > target/scan-rebuild.log 2>&1
echo "rebuild-rollups: $(echo "$(date +%s.%N) - $start" | bc) s, $(psql -Atq -d $DB -c 'SELECT count(*) FROM rollup_parts') parts"
start=$(date +%s.%N)
until [ "$(psql -Atq -d $DB -c 'SELECT count(*) FROM rollup_parts')" = 0 ]; do sleep 0.2; done
echo "compacted by the server within $(echo "$(date +%s.%N) - $start" | bc) s:" \
  "$(psql -Atq -d $DB -c "SELECT width || ' ' || count(*) FROM rollups GROUP BY width ORDER BY width" | tr '\n' ' ')"
psql -q -d $DB -c 'VACUUM ANALYZE rollups, rollup_parts' >/dev/null

for endpoint in metrics/overview metrics/gateways "metrics/timeseries?interval=day" \
    "metrics/timeseries?interval=hour" "analytics/events?limit=1000"; do
  for _ in 1 2 3 4 5 6 7; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$PORT/api/v1/$endpoint" \
      -H "Authorization: Bearer $KEY"
  done | tail -5 | sort -k2 -n | awk -v e="$endpoint" 'NR==3 {printf "%s: HTTP %s, median of 5: %.1f ms\n", e, $1, $2 * 1000}'
done

# The raw scans the endpoints used to run (PostgreSQL alone, exact percentile_disc), same 30 days.
RANGE="customer_id = '$CUSTOMER' AND occurred_at >= now() - interval '30 days' AND occurred_at < now()"
raw() {
  local name=$1 sql=$2
  for _ in 1 2 3; do psql -Atq -d $DB -c '\timing on' -c "$sql" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'; done \
    | sort -n | sed -n 2p | awk -v n="$name" '{printf "raw scan %s: median of 3: %.1f ms\n", n, $1}'
}
raw overview "SELECT count(*), count(*) FILTER (WHERE failover_used), count(*) FILTER (WHERE failover_used AND success),
  avg(recovery_time_ms) FILTER (WHERE failover_used AND success),
  percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY recovery_time_ms) FILTER (WHERE failover_used AND success)
  FROM events WHERE $RANGE"
raw gateways "SELECT gateway_used, count(*) FILTER (WHERE failover_used),
  percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) FROM events WHERE $RANGE GROUP BY 1"
