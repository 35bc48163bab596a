#!/usr/bin/env bash
# Runs one Gatling simulation against the packaged server on a fresh database (started here, stopped
# on exit). The simulation registers its customers and moves them to the enterprise plan.
# Usage: load-tests/simulate.sh <Simulation> [-Drate=... -Dduration=... -DmaxRate=... -Dcustomers=...]
# Needs: a built target/api-sentinel.jar (mvn -DskipTests package), PostgreSQL on PGHOST:PGPORT.
set -euo pipefail
cd "$(dirname "$0")/.."

SIMULATION=${1:?usage: load-tests/simulate.sh <Simulation> [-Dproperty=value ...]}
shift
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PORT=${SIMULATE_PORT:-18090}
DB=sentinel_gatling
export PGHOST PGPORT PGUSER=postgres
export SENTINEL_ADMIN_TOKEN="load-admin-token-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SENTINEL_REGISTRATION_BURST=1000 SENTINEL_REGISTRATIONS_PER_MINUTE=1000

. load-tests/server.sh
start_server $DB "$PORT" target/gatling-server.log
mvn -B -ntp -f load-tests/pom.xml gatling:test -Dsimulation="com.apisentinel.load.$SIMULATION" \
  -DbaseUrl="http://127.0.0.1:$PORT" -DadminToken="$SENTINEL_ADMIN_TOKEN" "$@"
echo "rows stored: $(psql -tA -d $DB -c 'SELECT count(*) FROM events')"
