#!/usr/bin/env bash
# Runs one Gatling simulation against the packaged server on a fresh database, sentinel_<simulation>
# (Smoke: sentinel_smoke), started here and stopped on exit, when the database is dropped too. The
# simulation registers its customers and moves them to the enterprise plan.
# Usage: load-tests/simulate.sh <Simulation> [-Drate=... -Dduration=... -DmaxRate=... -Dcustomers=...]
# Needs: a built target/api-sentinel.jar (mvn -DskipTests package), PostgreSQL on PGHOST:PGPORT.
set -euo pipefail
cd "$(dirname "$0")/.."

SIMULATION=${1:?usage: load-tests/simulate.sh <Simulation> [-Dproperty=value ...]}
shift
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PORT=${SIMULATE_PORT:-18090}
DB=sentinel_$(printf '%s' "$SIMULATION" | tr '[:upper:]' '[:lower:]')
export PGHOST PGPORT PGUSER=postgres
export SENTINEL_ADMIN_TOKEN="load-admin-token-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SENTINEL_REGISTRATION_BURST=1000 SENTINEL_REGISTRATIONS_PER_MINUTE=1000

. load-tests/server.sh
start_server $DB "$PORT" target/gatling-server.log
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true' EXIT
mvn -B -ntp -f load-tests/pom.xml gatling:test -Dsimulation="com.apisentinel.load.$SIMULATION" \
  -DbaseUrl="http://127.0.0.1:$PORT" -DadminToken="$SENTINEL_ADMIN_TOKEN" "$@"
echo "rows stored: $(psql -tA -d $DB -c 'SELECT count(*) FROM events')"
