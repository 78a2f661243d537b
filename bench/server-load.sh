#!/usr/bin/env bash
# labrun server benchmarks (results and reading in docs/benchmarks.md, "Server"):
#   bench/server-load.sh load  [RUNS CLIENTS SECONDS LINES POINTS]   # default 10 100 60 100 1000
#   bench/server-load.sh speed [RUNS REPS STORE DATA_DIR]            # default 100000 100 sqlite (temp dir)
# load:  bin/labrun server in its own JVM, RUNS runs submitted with the CLI, each printing LINES
#        lines and logging POINTS metric points a second for SECONDS, CLIENTS SSE clients following
#        their logs; prints lost/duplicated lines, delivery latency, the server's peak RSS and CPU.
# speed: a history of RUNS runs (3 metrics each) plus one 1,000,000-point metric; times the runs
#        page (several filters and orders, a page 50,000 deep) and the downsampled chart, as the
#        server measures them (Server-Timing) and as a client on loopback sees them.
#        STORE: sqlite, or a jdbc:postgresql://HOST:PORT/DB?user=U&password=P URL (an empty database).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mode="${1:-load}"; shift || true
./mvnw -q -B -DskipTests package
# In one reactor build, this checkout's modules resolve to their target/classes (nothing from the local Maven repository).
./mvnw -q -B -pl labrun-server -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$root/labrun-server/target/bench.cp" >/dev/null
cp="labrun-server/target/test-classes:labrun-server/target/classes:$(cat labrun-server/target/bench.cp)"
echo "machine: $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)" >&2
case "$mode" in
  load)  exec java -cp "$cp" io.labrun.server.bench.ServerLoadBenchmark "$root/bin/labrun" "$@" ;;
  speed) exec java -Xmx3g -cp "$cp" io.labrun.server.bench.ServerSpeedBenchmark "$@" ;;
  *) echo "usage: bench/server-load.sh load|speed [ARGS...]" >&2; exit 2 ;;
esac
