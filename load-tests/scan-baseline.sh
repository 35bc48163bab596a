#!/usr/bin/env bash
# Times the metrics endpoints over one customer's 1,000,000 events (spread over 29 days), seeded
# straight into PostgreSQL. Usage: load-tests/scan-baseline.sh [events=1000000]
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
for endpoint in metrics/overview metrics/gateways "metrics/timeseries?interval=day" "analytics/events?limit=1000"; do
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$PORT/api/v1/$endpoint" \
      -H "Authorization: Bearer $KEY"
  done | tail -3 | awk -v e="$endpoint" '{printf "%s: HTTP %s in %.3f s\n", e, $1, $2}'
done
