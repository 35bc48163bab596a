#!/usr/bin/env bash
# Times GET /api/v1/billing/statements/{month} over one customer's 10 million events of that month
# (ten requests after two warm-ups), with the rollups compacted, and checks the statement against a
# SQL sum over the events. Needs a built target/api-sentinel.jar, psql and PostgreSQL on PGHOST:PGPORT.
# Usage: load-tests/billing-timing.sh [events=10000000]
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-10000000}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PORT=${BENCH_PORT:-18112}
DB=sentinel_billing_timing
export PGHOST PGPORT PGUSER=postgres

. load-tests/server.sh
start_server $DB "$PORT" target/billing-timing-server.log
KEY=$(register_key "$PORT" "billing-$(date +%s%N)@example.com")
CUSTOMER=$(psql -tA -d $DB -c "SELECT id FROM customers LIMIT 1")
MONTH=$(date -u +%Y-%m)
echo "== inserting $EVENTS events for $MONTH"
psql -q -d $DB -c "INSERT INTO events (customer_id, event_id, occurred_at, primary_gateway, gateway_used,
    failover_used, success, amount, currency, latency_ms, recovery_time_ms)
  SELECT '$CUSTOMER', 'b' || g, date_trunc('month', now()) + (g % 2000000) * interval '1 second',
         'stripe', CASE WHEN g % 10 = 0 THEN 'paypal' ELSE 'stripe' END, g % 10 = 0, g % 50 <> 0,
         100 + g % 9900, (ARRAY['USD','EUR','JPY','BHD'])[1 + g % 4], 100, CASE WHEN g % 10 = 0 THEN 800 END
    FROM generate_series(1, $EVENTS) g"
echo "== rebuilding the rollups, then waiting for compaction"
SENTINEL_CONFIG_FILE=target/bench.conf SENTINEL_DB_URL="postgresql://postgres@$PGHOST:$PGPORT/$DB" \
  java -jar "${SENTINEL_JAR:-target/api-sentinel.jar}" rebuild-rollups "$CUSTOMER" > target/billing-rebuild.log 2>&1
until [ "$(psql -tA -d $DB -c "SELECT count(*) FROM rollup_parts")" = 0 ]; do sleep 1; done
echo "rollup rows: $(psql -tA -d $DB -c "SELECT count(*) FROM rollups")"
get() { curl -s -o "$1" -w '%{time_total}\n' -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$PORT/api/v1/billing/statements/$MONTH"; }
get /dev/null > /dev/null; get /dev/null > /dev/null
for _ in $(seq 1 10); do get target/billing-statement.json; done | sort -n | awk '{ t[NR] = $1 * 1000 }
  END { printf "statement over %s events: min %.1f ms, median %.1f ms, max %.1f ms\n", '"$EVENTS"', t[1], t[int((NR + 1) / 2)], t[NR] }'
psql -tA -d $DB -c "SELECT currency, count(*), coalesce(sum(amount) FILTER (WHERE failover_used AND success), 0)
  FROM events WHERE customer_id = '$CUSTOMER' GROUP BY currency ORDER BY currency" | tr '|' ' ' > target/billing-sql.txt
python3 - <<'PY'
import json
lines = {l["currency"]: (l["events"], l["recoveredMinor"]) for l in json.load(open("target/billing-statement.json"))["lines"]}
sql = {c: (int(n), int(r)) for c, n, r in (row.split() for row in open("target/billing-sql.txt").read().split("\n") if row)}
print("statement equals the SQL sum per currency:", lines == sql, lines)
PY
