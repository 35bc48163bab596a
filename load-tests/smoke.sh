#!/usr/bin/env bash
# CI's load smoke test: the packaged server on a fresh database, then the Gatling Smoke simulation
# against it (every request kind, low rates, p95 < 100 ms after warm-up, no failure). Not a benchmark.
# Usage: load-tests/smoke.sh   (after mvn package; needs PostgreSQL on PGHOST:PGPORT)
exec "$(dirname "$0")/simulate.sh" Smoke
