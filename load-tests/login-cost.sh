#!/usr/bin/env bash
# Cost of one login (argon2id m=19 MiB, t=2, p=1 on a worker thread) against a running server:
# sequential latency, then throughput with 8 concurrent clients (each login is a fresh account's
# correct password, so the throttle never engages).
# Usage: load-tests/login-cost.sh [base_url=http://127.0.0.1:8080] [logins=40]
set -euo pipefail
BASE=${1:-http://127.0.0.1:8080}
N=${2:-40}
EMAIL="login-cost-$(date +%s%N)@example.com"
curl -sf -X POST "$BASE/api/v1/customers/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"login cost password\",\"companyName\":\"Bench\"}" > /dev/null
login() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$BASE/api/v1/customers/login" \
    -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"login cost password\"}"
}
export -f login; export BASE EMAIL
for _ in $(seq 1 5); do login > /dev/null; done   # warm-up
seq 1 "$N" | xargs -I{} bash -c login | awk '$1 == 200 {n++; s += $2; a[n] = $2} END {
  asort(a); printf "sequential: %d logins, mean %.1f ms, p50 %.1f ms, p95 %.1f ms\n", n, 1000 * s / n,
  1000 * a[int(n * 0.5)], 1000 * a[int(n * 0.95)] }'
START=$(date +%s.%N)
OK=$(seq 1 "$N" | xargs -P 8 -I{} bash -c login | awk '$1 == 200' | wc -l)
END=$(date +%s.%N)
python3 -c "print(f'8 concurrent: {$OK} logins in {$END - $START:.2f} s = {$OK / ($END - $START):.1f} logins/s')"
