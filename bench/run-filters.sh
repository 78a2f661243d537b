#!/usr/bin/env bash
# Run filters at scale (results and reading in docs/benchmarks.md, "Run filters over 100,000 runs"):
#   bench/run-filters.sh [RUNS REPS [DIR]]  # default 100000 50; DIR keeps the history (else a temp folder, deleted),
#                                           # and a history of RUNS runs found there is used again
# Fills an SQLite history (schema made by labrun itself) with RUNS finished runs, each with 5 params,
# 10 metrics (their metric_last rows: what filters read) and 3 tags, in one sqlite3 transaction
# (bench/fill-runs.sh); then, for each filter below, times
#   cli:  `labrun history list --all-projects --filter F -n 50 -o json` (a JVM start each, LABRUN_DAEMON=0),
#   rest: GET /api/v1/runs?filter=F&limit=50 against `labrun server` (REPS times after 10 warm-ups, curl's total),
#   sql:  the SQL labrun runs for it (the same text, values inline) in the sqlite3 CLI, REPS times (.timer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-100000}"; reps="${2:-50}"
command -v sqlite3 >/dev/null || { echo "bench/run-filters.sh needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 2; }
./mvnw -q -B -DskipTests package
work="${3:-$(mktemp -d)}"
keep="${3:-}"
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; [[ -n $keep ]] || rm -rf "$work"; }
trap cleanup EXIT
export LABRUN_HOME="$work/home" LABRUN_DAEMON=0
labrun="$root/bin/labrun"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(sqlite3 --version | cut -d' ' -f1)"

db="$LABRUN_HOME/data/labrun.db"
if [[ -n $keep && -f $db && $(sqlite3 "$db" 'SELECT COUNT(*) FROM runs') == "$runs" ]]; then
  "$labrun" history list --all-projects -n 1 >/dev/null 2>&1   # brings its schema up to date
  echo "fill: kept the history of $runs runs in $work (delete it to fill again)"
else
rm -rf "$work/home"
"$labrun" history list --all-projects -n 1 >/dev/null 2>&1   # makes the history and its schema
t0=$(date +%s.%N)
"$root/bench/fill-runs.sh" "$db" "$runs"
t1=$(date +%s.%N)
printf 'fill: %d runs, %d params, %d tags, %d metric summaries in %.1f s; database %s MB\n' "$runs" $((runs * 5)) $((runs * 3)) $((runs * 10)) \
  "$(echo "$t1 - $t0" | bc)" "$(( $(stat -c %s "$db") / 1048576 ))"
fi

# The filters, and the SQL labrun's store makes of each (FilterSql, SortedRuns), values inline: newest
# first, common conditions are probes (EXISTS); in an order by of a metric, param or tag, the runs
# that have it are read in the order of its index (an inner join) while common conditions are probed;
# in an order by duration, the runs that have one in the order of runs_by_duration (migration V8).
cols="id, experiment, run_configuration, target, target_type, script, arguments, environment, user_name, host, git_commit, git_dirty, snapshot_id, created_ms, started_ms, ended_ms, status, exit_code, status_detail, sweep_id, attempt, attributes"
filters=(
  'metrics.accuracy > 0.9 and params.reg in (100, 1000) order by metrics.accuracy desc'
  'tags.team ~ "vision*" and duration < 10m'
  'not (params.reg >= 1) or min(metrics.loss) < 0.01'
  'params.optimizer = "adam" and metrics.f1 between 0.4 and 0.5 order by params.lr desc'
  'params.optimizer = "adam" order by duration desc'
)
sqls=(
  "SELECT $cols, o0.value AS k0 FROM runs JOIN metric_last o0 ON o0.run_id = runs.id AND o0.name = 'accuracy' WHERE o0.value IS NOT NULL AND (EXISTS (SELECT 1 FROM metric_last x WHERE x.run_id = runs.id AND x.name = 'accuracy' AND +x.value > 0.9) AND EXISTS (SELECT 1 FROM params x WHERE x.run_id = runs.id AND x.name = 'reg' AND +x.num IN (100.0, 1000.0))) ORDER BY o0.value DESC, o0.run_id DESC LIMIT 51"
  "SELECT $cols, created_ms AS k0 FROM runs WHERE (EXISTS (SELECT 1 FROM tags x WHERE x.run_id = runs.id AND x.name = 'team' AND (+x.value IS NOT NULL AND +x.value GLOB 'vision*')) AND ((ended_ms - started_ms) IS NOT NULL AND (ended_ms - started_ms) < 600000)) ORDER BY created_ms DESC, runs.id DESC LIMIT 51"
  "SELECT $cols, created_ms AS k0 FROM runs WHERE (NOT (EXISTS (SELECT 1 FROM params x WHERE x.run_id = runs.id AND x.name = 'reg' AND +x.num >= 1.0)) OR EXISTS (SELECT 1 FROM metric_last x WHERE x.run_id = runs.id AND x.name = 'loss' AND +x.lo < 0.01)) ORDER BY created_ms DESC, runs.id DESC LIMIT 51"
  "SELECT $cols, o0.num AS k0, o0.value AS k1 FROM runs JOIN params o0 ON o0.run_id = runs.id AND o0.name = 'lr' WHERE o0.num IS NOT NULL AND (EXISTS (SELECT 1 FROM params x WHERE x.run_id = runs.id AND x.name = 'optimizer' AND +x.value = 'adam') AND EXISTS (SELECT 1 FROM metric_last x WHERE x.run_id = runs.id AND x.name = 'f1' AND +x.value BETWEEN 0.4 AND 0.5)) ORDER BY o0.num DESC, o0.value DESC NULLS LAST, o0.run_id DESC LIMIT 51"
  "SELECT $cols, (ended_ms - started_ms) AS k0 FROM runs WHERE (ended_ms - started_ms) IS NOT NULL AND EXISTS (SELECT 1 FROM params x WHERE x.run_id = runs.id AND x.name = 'optimizer' AND +x.value = 'adam') ORDER BY (ended_ms - started_ms) DESC, runs.id DESC LIMIT 51"
)

port=$(( 20000 + RANDOM % 20000 ))
token=$("$labrun" server token create --name "bench-$$" --role read)
"$labrun" server --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done

pct() { sort -g | awk -v p="$1" '{a[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; printf "%.1f", a[i]}'; }
printf '\n%-90s %8s | %14s | %14s | %14s\n' "filter" "matches" "cli ms (p50)" "rest ms p50/p95" "sql ms p50/p95"
for i in "${!filters[@]}"; do
  f="${filters[$i]}"; q="${sqls[$i]}"
  n=$("$labrun" history list --all-projects --filter "$f" -n 10000 -o json --query 'length(@)')
  cli=$(for _ in 1 2 3 4 5; do s=$(date +%s%N); "$labrun" history list --all-projects --filter "$f" -n 50 -o json >/dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )); done | pct 50)
  url="http://127.0.0.1:$port/api/v1/runs?limit=50&filter=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$f")"
  for _ in $(seq 10); do curl -s -o /dev/null -H "Authorization: Bearer $token" "$url"; done
  rest=$(for _ in $(seq "$reps"); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url"; done | awk '{print $1 * 1000}')
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
  [[ $status == 200 ]] || { echo "the API answered $status for: $f" >&2; exit 1; }
  sql=$( { echo ".timer on"; for _ in $(seq "$reps"); do echo "$q;"; done; } | sqlite3 "$db" | awk '/^Run Time/ {print $4 * 1000}')
  printf '%-90s %8s | %14s | %6s / %6s | %6s / %6s\n' "$f" "$n" "$cli" "$(pct 50 <<<"$rest")" "$(pct 95 <<<"$rest")" "$(pct 50 <<<"$sql")" "$(pct 95 <<<"$sql")"
done
