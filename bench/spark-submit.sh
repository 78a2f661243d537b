#!/usr/bin/env bash
# labrun's overhead on a `cluster` target: `labrun experiment submit -c spark JOB` against a bare
# `$SPARK_HOME/bin/spark-submit` of the same job, side by side in one hyperfine run per job (the
# median is the figure to compare). Two jobs on the test environment's standalone cluster:
#   - hello.py, a Python driver that starts no application: spark-submit's own fixed cost, so
#     labrun's overhead shows most clearly;
#   - the word-count jar over a small file: a real application on the worker (its executor start
#     dominates and varies by seconds, so the difference there is within the noise).
#   bench/spark-submit.sh [RUNS] [JAR_RUNS]   # as root; needs a built jar (./mvnw -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
eval "$("$root/scripts/test-env/spark.sh")"
runs="${1:-10}"
jar_runs="${2:-3}"   # 0: the Python driver only
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
export SPARK_MASTER_WEBUI_PORT="${LABRUN_TEST_SPARK_UI##*:}"
labrun="$root/bin/labrun"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
"$labrun" computetarget attach --name spark --type cluster --spark-master "$LABRUN_TEST_SPARK_MASTER" >/dev/null
printf 'configuration: {}\n' > aml_config/spark_dependencies.yml
printf 'print("hello")\n' > hello.py
cp "$LABRUN_TEST_SPARK_WORDCOUNT_JAR" wordcount.jar
printf 'the cat and the hat\nthe end\n' > words.txt
printf 'ArgumentVector: ["--class", "io.labrun.testenv.WordCount", "$file", "words.txt", "2"]\nTarget: spark\nFramework: PySpark\n' \
  > aml_config/wordcount.runconfig
"$labrun" experiment submit -c spark hello.py >/dev/null 2>&1   # CDS archive, stat cache, data folder
submit="$SPARK_HOME/bin/spark-submit --master $LABRUN_TEST_SPARK_MASTER"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
hyperfine -N -w 1 -r "$runs" --export-json "$work/python.json" \
  "$submit hello.py" \
  "$labrun experiment submit -c spark hello.py" >&2
if (( jar_runs > 0 )); then
  hyperfine -N -r "$jar_runs" --export-json "$work/jar.json" \
    "$submit --class io.labrun.testenv.WordCount wordcount.jar words.txt 2" \
    "$labrun experiment submit -c wordcount wordcount.jar" >&2
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# One table: median, mean ± sd, min, and labrun's median minus spark-submit's.
python3 "$root/bench/overhead-table.py" "$work/python.json" $( (( jar_runs > 0 )) && echo "$work/jar.json")
