#!/usr/bin/env bash
# Run filters at scale on PostgreSQL (results in docs/benchmarks.md, "Run filters over 100,000 runs"):
#   bench/run-filters-pg.sh [RUNS REPS]   # default 100000 50
# Needs a PostgreSQL and its JDBC URL, user and password in LABRUN_TEST_PG_URL, LABRUN_TEST_PG_USER and
# LABRUN_TEST_PG_PASSWORD (scripts/test-env/postgres.sh starts one and prints them), and psql.
# Fills schema labrun_bench (made by labrun itself; kept, and used again while it holds RUNS runs) with
# the runs bench/fill-runs.sh makes on SQLite (5 params, 10 metric summaries, 3 tags each, the same
# values), ANALYZEs it, then times GET /api/v1/runs?filter=F&limit=50 against `labrun server --store`
# on it for each filter of bench/run-filters.sh: REPS times after 10 warm-ups, curl's total.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-100000}"; reps="${2:-50}"
: "${LABRUN_TEST_PG_URL:?set LABRUN_TEST_PG_URL (eval \"\$(scripts/test-env/postgres.sh)\")}"
command -v psql >/dev/null || { echo "bench/run-filters-pg.sh needs psql (apt-get install postgresql-client)" >&2; exit 2; }
./mvnw -q -B -DskipTests package
work="$(mktemp -d)"
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export LABRUN_HOME="$work/home" LABRUN_DAEMON=0
export LABRUN_STORE_USER="$LABRUN_TEST_PG_USER" LABRUN_STORE_PASSWORD="$LABRUN_TEST_PG_PASSWORD"
export PGPASSWORD="$LABRUN_TEST_PG_PASSWORD"
labrun="$root/bin/labrun"
# jdbc:postgresql://HOST:PORT/DB?... -> psql's host, port and database
hostport="${LABRUN_TEST_PG_URL#jdbc:postgresql://}"; dbname="${hostport#*/}"; dbname="${dbname%%\?*}"; hostport="${hostport%%/*}"
sql() { psql -q -X -v ON_ERROR_STOP=1 -h "${hostport%:*}" -p "${hostport#*:}" -U "$LABRUN_TEST_PG_USER" -d "$dbname" "$@"; }
sep='?'; [[ $LABRUN_TEST_PG_URL == *\?* ]] && sep='&'
store="$LABRUN_TEST_PG_URL${sep}currentSchema=labrun_bench"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(sql -tAc 'SHOW server_version')"

sql -c "CREATE SCHEMA IF NOT EXISTS labrun_bench"
token=$("$labrun" server token create --name "bench-$$" --role read --store "$store" | tail -1)   # also brings the schema up to date
held=$(sql -tAc "SELECT COUNT(*) FROM labrun_bench.runs")
if [[ $held == "$runs" ]]; then
  echo "fill: kept schema labrun_bench with $runs runs (DROP SCHEMA labrun_bench CASCADE to fill again)"
else
  t0=$(date +%s.%N)
  sql <<SQL
SET search_path TO labrun_bench;
BEGIN;
TRUNCATE runs, params, tags, metric_last, metrics, artifacts, assets CASCADE;
INSERT INTO runs (id, experiment, run_configuration, target, target_type, script, arguments, environment, user_name, host,
                  created_ms, started_ms, ended_ms, status, exit_code, sweep_id, attempt, attributes)
SELECT 'run_' || lpad(i::text, 6, '0'), 'exp' || (i % 20), 'local', CASE i % 4 WHEN 0 THEN 'local' WHEN 1 THEN 'docker' WHEN 2 THEN 'gpu-vm' ELSE 'spark' END,
       'local', CASE i % 3 WHEN 0 THEN 'train.py' WHEN 1 THEN 'eval.py' ELSE 'prep.py' END, '[]', '{}',
       CASE i % 3 WHEN 0 THEN 'alice' WHEN 1 THEN 'bob' ELSE 'carol' END, 'host',
       1767225600000 + i * 60000, 1767225600000 + i * 60000 + 1000, 1767225600000 + i * 60000 + 1000 + (i * 7919 % 3600) * 1000,
       CASE WHEN i % 10 = 0 THEN 'FAILED' ELSE 'COMPLETED' END, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 10 = 1 THEN 'sweep-' || (i / 2000) END, 1, '{}'
FROM generate_series(0::bigint, $runs - 1) i;
-- r: SQLite's rowid in bench/fill-runs.sh (1 for run_000000)
CREATE TEMP VIEW r AS SELECT id, user_name, ended_ms, substr(id, 5)::bigint + 1 AS r FROM runs;
INSERT INTO params (run_id, name, value, num)
SELECT id, 'reg', v, v::double precision FROM (SELECT id, CASE r % 6 WHEN 0 THEN '0.01' WHEN 1 THEN '0.1' WHEN 2 THEN '1' WHEN 3 THEN '10' WHEN 4 THEN '100' ELSE '1000' END v FROM r) x;
INSERT INTO params (run_id, name, value, num) SELECT id, 'lr', to_char(((r * 7919) % 1000 + 1) / 10000.0, 'FM0.00000'), ((r * 7919) % 1000 + 1) / 10000.0 FROM r;
INSERT INTO params (run_id, name, value, num) SELECT id, 'batch_size', (16 << (r % 5)::int)::text, 16 << (r % 5)::int FROM r;
INSERT INTO params (run_id, name, value, num) SELECT id, 'layers', (1 + r % 8)::text, 1 + r % 8 FROM r;
INSERT INTO params (run_id, name, value, num) SELECT id, 'optimizer', CASE r % 3 WHEN 0 THEN 'adam' WHEN 1 THEN 'sgd' ELSE 'rmsprop' END, NULL FROM r;
INSERT INTO tags (run_id, name, value, num) SELECT id, 'team', CASE r % 4 WHEN 0 THEN 'vision' WHEN 1 THEN 'nlp' WHEN 2 THEN 'speech' ELSE 'vision-3d' END, NULL FROM r;
INSERT INTO tags (run_id, name, value, num) SELECT id, 'dataset', 'v' || (r % 5), NULL FROM r;
INSERT INTO tags (run_id, name, value, num) SELECT id, 'owner', user_name, NULL FROM r;
INSERT INTO metric_last (run_id, name, step, time_ms, value, json, n, lo, hi)
SELECT id, name, 99, ended_ms, v, NULL, 100, v * 0.5, LEAST(1.0, v * 1.5)
FROM (SELECT r.id, r.ended_ms, (ARRAY['accuracy', 'loss', 'f1', 'precision', 'recall', 'auc', 'val_loss', 'val_accuracy', 'epoch_time', 'lr_final'])[k + 1] AS name,
             ((r.r * 7919 + k * 104729) % 10007) / 10007.0 AS v
      FROM r CROSS JOIN generate_series(0, 9) k) x;
-- what SqlRunStore keeps with every run it records (migration V8)
DELETE FROM experiment_runs;
INSERT INTO experiment_runs (name, runs) SELECT experiment, COUNT(*) FROM runs WHERE experiment IS NOT NULL GROUP BY experiment;
COMMIT;
ANALYZE runs; ANALYZE params; ANALYZE tags; ANALYZE metric_last;
SQL
  t1=$(date +%s.%N)
  printf 'fill: %d runs, %d params, %d tags, %d metric summaries in %.1f s\n' "$runs" $((runs * 5)) $((runs * 3)) $((runs * 10)) "$(echo "$t1 - $t0" | bc)"
fi

filters=(
  'metrics.accuracy > 0.9 and params.reg in (100, 1000) order by metrics.accuracy desc'
  'tags.team ~ "vision*" and duration < 10m'
  'not (params.reg >= 1) or min(metrics.loss) < 0.01'
  'params.optimizer = "adam" and metrics.f1 between 0.4 and 0.5 order by params.lr desc'
  'params.optimizer = "adam" order by duration desc'
)
port=$(( 20000 + RANDOM % 20000 ))
"$labrun" server --store "$store" --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done

pct() { sort -g | awk -v p="$1" '{a[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; printf "%.1f", a[i]}'; }
printf '\n%-90s %8s | %14s\n' "filter" "matches" "rest ms p50/p95"
for f in "${filters[@]}"; do
  enc=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$f")
  url="http://127.0.0.1:$port/api/v1/runs?limit=50&filter=$enc"
  n=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/runs?limit=1000&filter=$enc" | python3 -c 'import json,sys; n = len(json.load(sys.stdin)["runs"]); print(n if n < 1000 else ">=1000")')
  for _ in $(seq 10); do curl -s -o /dev/null -H "Authorization: Bearer $token" "$url"; done
  rest=$(for _ in $(seq "$reps"); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url"; done | awk '{print $1 * 1000}')
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
  [[ $status == 200 ]] || { echo "the API answered $status for: $f" >&2; cat "$work/server.log" >&2; exit 1; }
  printf '%-90s %8s | %6s / %6s\n' "$f" "$n" "$(pct 50 <<<"$rest")" "$(pct 95 <<<"$rest")"
done
