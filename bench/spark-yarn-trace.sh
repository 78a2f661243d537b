#!/usr/bin/env bash
# Where labrun's time goes on YARN: one bare `spark-submit --master yarn --deploy-mode MODE noop.py`
# and one `labrun experiment submit` of the same driver (LABRUN_TRACE=1; LABRUN_DAEMON as the caller
# has it, default 0 here; with LABRUN_DAEMON=1 one submit warms the daemon up first, as
# bench/spark-yarn.sh does), every output line stamped with the wall clock as it arrives; the driver
# prints time.time() when it starts. In cluster mode the driver prints in YARN's container: its
# stdout is appended to bare.log (fetched from the NodeManager). Also writes each application's
# report from the ResourceManager (bare.app.json, labrun.app.json: started, launched, finished), and
# the wall clock at each command's start (bare.start, labrun.start). labrun's SparkDriver prints its
# phases with LABRUN_TRACE=1 (`[trace] SparkDriver EPOCH-MS PHASE`).
# Prints the folder with the files.
#   bench/spark-yarn-trace.sh [MODE]   # client (default) or cluster; as root; needs a built jar
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$root/scripts/test-env/spark.sh")"
eval "$("$root/scripts/test-env/yarn.sh")"
work=$(mktemp -d)
mode="${1:-client}"
export LABRUN_HOME="$work/home" LABRUN_DAEMON="${LABRUN_DAEMON:-0}"
labrun="$root/bin/labrun"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
printf 'type: cluster\nsparkMaster: yarn\nyarnDeployMode: %s\n' "$mode" > aml_config/yarn.compute
printf 'ArgumentVector: ["$file"]\nTarget: yarn\nFramework: PySpark\n' > aml_config/yarn.runconfig
printf 'configuration:\n  "spark.yarn.maxAppAttempts": 1\n  "spark.executor.instances": 1\n' > aml_config/spark_dependencies.yml
cp "$SPARK_HOME/labrun/python/py4j_driver.py" sparkgw.py
cat > noop.py <<'PY'
import os, time
print("py start", time.time(), flush=True)
from sparkgw import Gateway
gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
s = gw.static("org.apache.spark.sql.SparkSession", "builder").config(gw.new("org.apache.spark.SparkConf", True)).getOrCreate()
print("session up", time.time(), flush=True)
s.stop()
print("noop done", time.time(), flush=True)
PY
stamp() { # each line with the wall clock when it arrived (a process per line would lag behind bursts)
  python3 -u -c 'import sys, time
for l in sys.stdin.buffer: sys.stdout.buffer.write(b"%.3f " % time.time() + l)'
}
if [[ $LABRUN_DAEMON == 1 ]]; then
  # as bench/spark-yarn.sh: one submit first (the daemon, the CDS archive, the home's data folder)
  "$labrun" experiment submit -c yarn noop.py >/dev/null 2>&1
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
date +'%s.%N [command start]' | cut -c1-14,21- > "$work/bare.start"
"$SPARK_HOME/bin/spark-submit" --master yarn --conf spark.yarn.maxAppAttempts=1 --conf spark.executor.instances=1 \
  --py-files sparkgw.py --deploy-mode "$mode" noop.py 2>&1 | stamp > "$work/bare.log"
report() { # LOG NAME: the ResourceManager's report of the log's application
  local app; app=$(grep -o 'application_[0-9]*_[0-9]*' "$1" | head -n1)
  curl -sS -H 'Accept: application/json' "$LABRUN_TEST_YARN_RM/ws/v1/cluster/apps/$app" > "$work/$2.app.json"
}
report "$work/bare.log" bare
if [[ $mode == cluster ]]; then
  logs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["app"]["amContainerLogs"])' "$work/bare.app.json")
  nm=${logs#http://}; nm=${nm%%/*}; container=${logs%/*}; container=${container##*/}
  curl -sS "http://$nm/ws/v1/node/containerlogs/$container/stdout" | stamp >> "$work/bare.log"
fi
date +'%s.%N [command start]' | cut -c1-14,21- > "$work/labrun.start"
LABRUN_TRACE=1 "$labrun" experiment submit -c yarn noop.py 2>&1 | stamp > "$work/labrun.log"
report "$work/labrun.log" labrun
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[[ $LABRUN_DAEMON == 1 ]] && { "$labrun" daemon stop >/dev/null 2>&1 || true; }
echo "$work"
