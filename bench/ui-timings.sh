#!/usr/bin/env bash
# The web UI's runs page in Chromium over a large history (results in docs/benchmarks.md, "The runs
# page in Chromium over 100,000 runs"):
#   bench/ui-timings.sh [RUNS REPS [DIR]]  # default 100000 10; DIR keeps the history (else a temp folder, deleted)
# Fills an SQLite history as bench/run-filters.sh does (bench/fill-runs.sh), starts `labrun server`, and
# drives Debian's headless Chromium through playwright-core (bench/ui-timings.mjs; LABRUN_TEST_CHROMIUM,
# LABRUN_TEST_PLAYWRIGHT_DIR as for the browser tests) to time, REPS times each: a load of the runs page
# to its first page of rows drawn, a filter applied, a click on a metric column's header, and the next page.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-100000}"; reps="${2:-10}"
command -v node >/dev/null || { echo "bench/ui-timings.sh needs node and playwright-core (scripts/test-env/chromium.sh)" >&2; exit 2; }
./mvnw -q -B -DskipTests package
work="${3:-$(mktemp -d)}"
keep="${3:-}"
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; [[ -n $keep ]] || rm -rf "$work"; }
trap cleanup EXIT
export LABRUN_HOME="$work/home" LABRUN_DAEMON=0
labrun="$root/bin/labrun"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(${LABRUN_TEST_CHROMIUM:-/usr/bin/chromium} --version 2>/dev/null)"

if [[ ! -s "$work/home/data/labrun.db" ]] || [[ -z $keep ]]; then
  rm -rf "$work/home"
  "$labrun" history list --all-projects -n 1 >/dev/null 2>&1   # makes the history and its schema
  t0=$(date +%s)
  "$root/bench/fill-runs.sh" "$LABRUN_HOME/data/labrun.db" "$runs"
  echo "fill: $runs runs in $(( $(date +%s) - t0 )) s"
fi

# Points for the 50 newest runs (100 per metric, 10 metrics), which the compare page overlays: the fill
# writes only each metric's last value.
sqlite3 "$LABRUN_HOME/data/labrun.db" <<SQL
BEGIN;
DELETE FROM metrics WHERE run_id IN (SELECT id FROM runs ORDER BY created_ms DESC LIMIT 50);
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 99)
INSERT INTO metrics (run_id, name, step, time_ms, value, json)
SELECT m.run_id, m.name, s.i, m.time_ms - (99 - s.i) * 1000, m.value * (0.5 + s.i / 198.0), NULL
FROM (SELECT * FROM metric_last WHERE run_id IN (SELECT id FROM runs ORDER BY created_ms DESC LIMIT 50)) m CROSS JOIN s;
COMMIT;
SQL
compare=$(sqlite3 "$LABRUN_HOME/data/labrun.db" "SELECT group_concat(id, ',') FROM (SELECT id FROM runs ORDER BY created_ms DESC LIMIT 50)")

port=$(( 20000 + RANDOM % 20000 ))
token=$("$labrun" server token create --name "bench-$RANDOM" --role read)
"$labrun" server --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done

LABRUN_UI_URL="http://127.0.0.1:$port" LABRUN_UI_TOKEN="$token" LABRUN_BENCH_REPS="$reps" LABRUN_BENCH_COMPARE="$compare" \
  LABRUN_TEST_PLAYWRIGHT_DIR="${LABRUN_TEST_PLAYWRIGHT_DIR:-$root/scripts/test-env/browser}" \
  node "$root/bench/ui-timings.mjs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
