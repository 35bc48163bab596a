"""Turns the phase files bench.sh wrote (target/bench-*.txt) into a dated markdown section for RESULTS.md."""
import datetime
import os
import re
import subprocess
import sys


def fields(name):
    with open(f"target/bench-{name}.txt") as f:
        return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", f.read())}


def main(duration, single_connections, batch_connections):
    health, single, batch, copy = (fields(n) for n in ("health", "single", "batch", "copy"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    note = os.environ.get("BENCH_NOTE", "")
    print(f"\n### {datetime.date.today()} bench.sh run — {note or 'no note'}\n")
    print(f"Command: `load-tests/bench.sh {duration} {single_connections} {batch_connections}`"
          f" (commit `{commit}`{' + uncommitted changes' if dirty else ''}"
          f"{', SENTINEL_JAR=' + os.environ['SENTINEL_JAR'] if os.environ.get('SENTINEL_JAR') else ''}"
          f"{', JAVA_OPTS=' + os.environ['JAVA_OPTS'] if os.environ.get('JAVA_OPTS') else ''}"
          f"; {os.cpu_count()} cores; generator wrk, 2 threads).\n")
    print("| phase | connections | rate /s | p50 ms | p95 ms | p99 ms | ratio | CPU % server / PostgreSQL / wrk / idle | heap peak (committed) MiB |")
    print("|---|---|---|---|---|---|---|---|---|")

    def cpu(p):
        return f"{p['cpu_server']:.0f} / {p['cpu_postgres']:.0f} / {p['cpu_other']:.0f} / {p['cpu_idle']:.0f}"

    def heap(p):
        return f"{p['heap_peak_mib']:.0f} ({p['heap_committed_mib']:.0f})"

    def row(name, conns, p, rate_key, ratio):
        latency = " | ".join(f"{p[k]:.1f}" for k in ("p50_ms", "p95_ms", "p99_ms"))
        print(f"| {name} | {conns} | {p[rate_key]:,.0f} | {latency} | {ratio} | {cpu(p)} | {heap(p)} |")

    row("`GET /health` (HTTP ceiling)", single_connections, health, "requests_per_s", "—")
    row("single-event POST (events)", single_connections, single, "events_per_s",
        f"{single['events_per_s'] / health['requests_per_s']:.2f} × health")
    row("100-event batch POST (events)", batch_connections, batch, "events_per_s",
        f"{batch['events_per_s'] / copy['events_per_s']:.2f} × COPY")
    if os.path.exists("target/bench-duplicates.txt"):
        duplicates = fields("duplicates")
        row("100-event batch POST, all duplicates (events)", batch_connections, duplicates, "events_per_s",
            f"{duplicates['events_per_s'] / batch['events_per_s']:.2f} × batch")
    print(f"| COPY, 2 streams (storage ceiling) | 2 | {copy['events_per_s']:,.0f} | — | — | — | — | {cpu(copy)} | — |")
    print()
    for name, p in (("single", single), ("batch", batch)):
        print(f"Rows stored vs events acknowledged, {name}: {p['stored']:,.0f} / {p['acked_events']:,.0f}"
              f" (in flight at the deadline ≤ {p['in_flight_bound']:,.0f}); non-202 answers: {p['non_202']:,.0f}.  ")


if __name__ == "__main__":
    main(*sys.argv[1:4])
