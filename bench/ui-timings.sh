#!/usr/bin/env bash
# The web UI in Chromium over a large history (results in docs/benchmarks.md, "The runs page in
# Chromium over 100,000 runs"):
#   bench/ui-timings.sh [RUNS REPS [DIR]]     # default 100000 10; SQLite; DIR keeps the history (else a temp folder, deleted)
#   STORE=pg bench/ui-timings.sh [RUNS REPS]  # PostgreSQL: schema labrun_bench as bench/run-filters-pg.sh fills it (run that first)
# SQLite: fills a history as bench/run-filters.sh does (bench/fill-runs.sh). PostgreSQL: needs LABRUN_TEST_PG_URL,
# LABRUN_TEST_PG_USER, LABRUN_TEST_PG_PASSWORD and psql, and schema labrun_bench holding RUNS runs. Both: gives the
# 50 newest runs 100 points per metric (what compare overlays) and the oldest run a 1,000,000-point metric `big`
# (its points, summary and rollups, as labrun writes them), starts `labrun server`, and drives Debian's headless
# Chromium through playwright-core (bench/ui-timings.mjs; LABRUN_TEST_CHROMIUM, LABRUN_TEST_PLAYWRIGHT_DIR as
# for the browser tests) to time, REPS times each: a load of the runs page to its first page of rows drawn, a
# filter applied, a click on a metric column's header, the next page, the compare page of the 50 runs to its
# 10 charts drawn, and the run page of the 1,000,000-point run to that metric's chart drawn.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-100000}"; reps="${2:-10}"
store_kind="${STORE:-sqlite}"
command -v node >/dev/null || { echo "bench/ui-timings.sh needs node and playwright-core (scripts/test-env/chromium.sh)" >&2; exit 2; }
./mvnw -q -B -DskipTests package
work="${3:-$(mktemp -d)}"
keep="${3:-}"
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; [[ -n $keep ]] || rm -rf "$work"; }
trap cleanup EXIT
export LABRUN_HOME="$work/home" LABRUN_DAEMON=0
labrun="$root/bin/labrun"
store_args=()
if [[ $store_kind == pg ]]; then
  : "${LABRUN_TEST_PG_URL:?set LABRUN_TEST_PG_URL (eval \"\$(scripts/test-env/postgres.sh)\")}"
  export LABRUN_STORE_USER="$LABRUN_TEST_PG_USER" LABRUN_STORE_PASSWORD="$LABRUN_TEST_PG_PASSWORD" PGPASSWORD="$LABRUN_TEST_PG_PASSWORD"
  hostport="${LABRUN_TEST_PG_URL#jdbc:postgresql://}"; dbname="${hostport#*/}"; dbname="${dbname%%\?*}"; hostport="${hostport%%/*}"
  sep='?'; [[ $LABRUN_TEST_PG_URL == *\?* ]] && sep='&'
  store_args=(--store "$LABRUN_TEST_PG_URL${sep}currentSchema=labrun_bench")
  psql_() { psql -q -X -tA -v ON_ERROR_STOP=1 -h "${hostport%:*}" -p "${hostport#*:}" -U "$LABRUN_TEST_PG_USER" -d "$dbname" \
            -c "SET search_path TO labrun_bench" "$@"; }
  q() { psql_ -c "$1"; }      # one query, its value
  sqlin() { psql_ -f -; }     # a script on stdin
  agg="string_agg(id, ',')"
  held=$(q "SELECT COUNT(*) FROM runs")
  [[ $held == "$runs" ]] || { echo "schema labrun_bench holds $held runs, not $runs: run bench/run-filters-pg.sh $runs first" >&2; exit 2; }
  version="PostgreSQL $(q 'SHOW server_version')"
else
  db="$work/home/data/labrun.db"
  q() { sqlite3 "$db" "$1"; }
  sqlin() { sqlite3 "$db"; }
  agg="group_concat(id, ',')"
  if [[ ! -s $db ]] || [[ -z $keep ]]; then
    rm -rf "$work/home"
    "$labrun" history list --all-projects -n 1 >/dev/null 2>&1   # makes the history and its schema
    t0=$(date +%s)
    "$root/bench/fill-runs.sh" "$db" "$runs"
    echo "fill: $runs runs in $(( $(date +%s) - t0 )) s"
  else
    "$labrun" history list --all-projects -n 1 >/dev/null 2>&1   # brings the schema up to date
  fi
  version="SQLite history"
fi
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(${LABRUN_TEST_CHROMIUM:-/usr/bin/chromium} --version 2>/dev/null); $version"

# Points for the 50 newest runs (100 per metric, 10 metrics), which the compare page overlays: the fill
# writes only each metric's last value.
sqlin <<SQL
BEGIN;
DELETE FROM metrics WHERE run_id IN (SELECT id FROM runs ORDER BY created_ms DESC LIMIT 50);
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 99)
INSERT INTO metrics (run_id, name, step, time_ms, value, json)
SELECT m.run_id, m.name, s.i, m.time_ms - (99 - s.i) * 1000, m.value * (0.5 + s.i / 198.0), NULL
FROM (SELECT * FROM metric_last WHERE run_id IN (SELECT id FROM runs ORDER BY created_ms DESC LIMIT 50)) m CROSS JOIN s;
COMMIT;
SQL
compare=$(q "SELECT $agg FROM (SELECT id FROM runs ORDER BY created_ms DESC LIMIT 50) x")

# The oldest run's 1,000,000-point metric `big`: its points, its summary (metric_last) and its rollups
# (metric_rollup, 64 and 4,096 steps a bucket), what SqlRunStore writes for a million logged points.
big=$(q "SELECT id FROM runs ORDER BY created_ms LIMIT 1")
have=$(q "SELECT COUNT(*) FROM metric_last WHERE run_id = '$big' AND name = 'big' AND n = 1000000")
if [[ $have != 1 ]]; then
  t0=$(date +%s)
  sqlin <<SQL
BEGIN;
DELETE FROM metrics WHERE run_id = '$big' AND name = 'big';
DELETE FROM metric_rollup WHERE run_id = '$big' AND name = 'big';
DELETE FROM metric_last WHERE run_id = '$big' AND name = 'big';
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 999999)
INSERT INTO metrics (run_id, name, step, time_ms, value, json)
SELECT '$big', 'big', i, 1767225601000 + i, 1.0 / (1 + i / 20000.0) + (i % 89) / 890.0, NULL FROM s;
INSERT INTO metric_rollup (run_id, name, size, bucket, n, lo, hi, last_step)
SELECT run_id, name, 64, step / 64, COUNT(*), MIN(value), MAX(value), MAX(step)
FROM metrics WHERE run_id = '$big' AND name = 'big' GROUP BY run_id, name, step / 64;
INSERT INTO metric_rollup (run_id, name, size, bucket, n, lo, hi, last_step)
SELECT run_id, name, 4096, step / 4096, COUNT(*), MIN(value), MAX(value), MAX(step)
FROM metrics WHERE run_id = '$big' AND name = 'big' GROUP BY run_id, name, step / 4096;
UPDATE metric_rollup SET
  last_value = (SELECT m.value FROM metrics m WHERE m.run_id = metric_rollup.run_id AND m.name = metric_rollup.name AND m.step = metric_rollup.last_step),
  last_time_ms = (SELECT m.time_ms FROM metrics m WHERE m.run_id = metric_rollup.run_id AND m.name = metric_rollup.name AND m.step = metric_rollup.last_step)
WHERE run_id = '$big' AND name = 'big';
INSERT INTO metric_last (run_id, name, step, time_ms, value, json, n, lo, hi)
SELECT run_id, name, step, time_ms, value, NULL, 1000000, (SELECT MIN(value) FROM metrics WHERE run_id = '$big' AND name = 'big'),
       (SELECT MAX(value) FROM metrics WHERE run_id = '$big' AND name = 'big')
FROM metrics WHERE run_id = '$big' AND name = 'big' AND step = 999999;
COMMIT;
SQL
  echo "1,000,000 points of metric big for run $big in $(( $(date +%s) - t0 )) s"
fi

port=$(( 20000 + RANDOM % 20000 ))
token=$("$labrun" server token create "${store_args[@]}" --name "bench-$RANDOM" --role read | tail -1)
"$labrun" server "${store_args[@]}" --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done

LABRUN_UI_URL="http://127.0.0.1:$port" LABRUN_UI_TOKEN="$token" LABRUN_BENCH_REPS="$reps" LABRUN_BENCH_COMPARE="$compare" \
  LABRUN_BENCH_BIG="$big" LABRUN_TEST_PLAYWRIGHT_DIR="${LABRUN_TEST_PLAYWRIGHT_DIR:-$root/scripts/test-env/browser}" \
  node "$root/bench/ui-timings.mjs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
