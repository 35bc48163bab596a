# Sourced by the load-test scripts: a packaged server on a fresh database, stopped on exit.
# start_server DB PORT LOG  — sets SERVER (pid); needs PGHOST, PGPORT exported and target/api-sentinel.jar
# (SENTINEL_JAR runs another build, e.g. an older commit's, for before/after figures).
# The configuration adds a plan "metered": enterprise rates, but a (never reached) monthly quota, so
# BENCH_TIER=metered measures ingest with the quota enforced.
start_server() {
  local db=$1 port=$2 log=$3
  psql -q -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  printf 'include file("%s")\nsentinel.plans.metered { requestsPerSecond = 100000, burst = 200000, monthlyEvents = 1000000000 }\n' \
    "$PWD/config/sentinel.conf" > target/bench.conf
  SENTINEL_CONFIG_FILE=target/bench.conf SENTINEL_HTTP_PORT=$port \
    SENTINEL_DB_URL="postgresql://postgres@$PGHOST:$PGPORT/$db" \
    java ${JAVA_OPTS:--Xmx512m -XX:+UseParallelGC} -jar "${SENTINEL_JAR:-target/api-sentinel.jar}" > "$log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0; sleep 0.2; done
  echo "server did not start; see $log" >&2
  return 1
}

# register PORT EMAIL — prints the registration JSON (customer, apiKey, tokens). The customer is
# moved to the enterprise plan, or BENCH_TIER (before its key is first used, so the key lookup sees it):
# a benchmark measures the server, not the free plan's rate limit.
register() {
  local json
  json=$(curl -sf -X POST "http://127.0.0.1:$1/api/v1/customers/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$2\",\"password\":\"benchmark password\",\"companyName\":\"Bench\"}")
  psql -q -d "$DB" -c "UPDATE customers SET tier = '${BENCH_TIER:-enterprise}' WHERE email = '$2'"
  echo "$json"
}

# register_key PORT EMAIL — registers as register does and prints only the new API key.
register_key() {
  register "$1" "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"]["key"])'
}
