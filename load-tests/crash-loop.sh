#!/usr/bin/env bash
# Crash loop: CrashRecoveryIT with many rounds. Each round starts the packaged server on the same
# database, drives it with 16 clients (single events and 20-event batches, every acknowledged
# eventId recorded), kills it with SIGKILL 0-2.5 s into the load, and checks that every acknowledged
# event is stored. Prints one line per round; any lost event fails the run.
# Usage: load-tests/crash-loop.sh [rounds=20] [seed]   (needs PostgreSQL on SENTINEL_TEST_PG, default 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-20}
SEED_ARG=${2:+-Dcrash.seed=$2}
mvn -B -ntp -q verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrashRecoveryIT \
  -Dcrash.rounds="$ROUNDS" $SEED_ARG 2>&1 | tee target/crash-loop.txt | grep -E '^crash |FAIL|ERROR|Tests run'
