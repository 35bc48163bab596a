#!/usr/bin/env bash
# CI's load smoke test: the packaged server on a fresh database, then the Gatling Smoke simulation
# against it (every request kind, low rates, p95 < 100 ms, no failure). Not a benchmark.
# Usage: load-tests/smoke.sh   (after mvn package; needs PostgreSQL on PGHOST:PGPORT)
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PORT=${SMOKE_PORT:-18090}
DB=sentinel_smoke
export PGHOST PGPORT PGUSER=postgres
# The simulation registers its own customers and moves them to the enterprise plan with the admin API.
export SENTINEL_ADMIN_TOKEN="smoke-admin-token-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SENTINEL_REGISTRATION_BURST=100

. load-tests/server.sh
start_server $DB "$PORT" target/smoke-server.log
mvn -B -ntp -f load-tests/pom.xml gatling:test -Dsimulation=com.apisentinel.load.Smoke \
  -DbaseUrl="http://127.0.0.1:$PORT" -DadminToken="$SENTINEL_ADMIN_TOKEN"
