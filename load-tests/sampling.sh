# Sourced by the load-test scripts: CPU and heap of one measured phase.
# sample_start PID  — starts sampling the JVM PID's heap (jstat, every second) and notes CPU counters.
# sample_stop       — prints: cpu_server=% cpu_postgres=% cpu_other=% cpu_idle=% heap_peak_mib=
# CPU is in % of one core (this machine's total is nproc x 100 %); "other" is everything that is
# neither the server nor PostgreSQL — during a benchmark, the load generator.

_ticks() { # user+system clock ticks of the given pids and of their exited children
  local total=0 pid t
  for pid in "$@"; do
    # utime stime cutime cstime: the postmaster collects its exited backends' CPU in cutime/cstime.
    t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}') || t=0
    total=$((total + ${t:-0}))
  done
  echo $total
}

_cpu_snapshot() { # busy and all ticks of the machine, the server's, PostgreSQL's (all its processes)
  local _cpu user nice system idle iowait irq softirq steal rest
  read -r _cpu user nice system idle iowait irq softirq steal rest < /proc/stat
  # shellcheck disable=SC2046
  echo "$((user + nice + system + irq + softirq + steal)) $((user + nice + system + idle + iowait + irq + softirq + steal))" \
    "$(_ticks "$SAMPLED_PID")" "$(_ticks $(pgrep -x postgres))"
}

sample_start() {
  SAMPLED_PID=$1
  SAMPLE_HEAP_LOG=$(mktemp)
  jstat -gc "$SAMPLED_PID" 1000 > "$SAMPLE_HEAP_LOG" 2>/dev/null &
  SAMPLE_JSTAT=$!
  SAMPLE_CPU0=$(_cpu_snapshot)
}

sample_stop() {
  local cpu1 cores
  cpu1=$(_cpu_snapshot)
  kill "$SAMPLE_JSTAT" 2>/dev/null; wait "$SAMPLE_JSTAT" 2>/dev/null || true
  cores=$(nproc)
  awk -v cores="$cores" -v a="$SAMPLE_CPU0" -v b="$cpu1" 'BEGIN {
    split(a, x, " "); split(b, y, " ");
    wall = (y[2] - x[2]) / cores; busy = y[1] - x[1]; server = y[3] - x[3]; pg = y[4] - x[4];
    if (pg < 0) pg = 0;
    other = busy - server - pg; if (other < 0) other = 0;
    printf "cpu_server=%.0f cpu_postgres=%.0f cpu_other=%.0f cpu_idle=%.0f ", 100 * server / wall,
      100 * pg / wall, 100 * other / wall, 100 * (cores * wall - busy) / wall }'
  # Used heap = survivor + eden + old (KiB columns S0U S1U EU OU), the peak over the phase's samples (a
  # sample can miss the moment just before a collection), and the most heap committed (bounded by -Xmx).
  awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
       $1 ~ /^[0-9.]+$/ { used = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; if (used > peak) peak = used;
         size = $col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"]; if (size > committed) committed = size }
       END { printf "heap_peak_mib=%.0f heap_committed_mib=%.0f\n", peak / 1024, committed / 1024 }' "$SAMPLE_HEAP_LOG"
  rm -f "$SAMPLE_HEAP_LOG"
}
