#!/usr/bin/env bash
# Where labrun's time goes on YARN in client mode: one bare `spark-submit --master yarn --deploy-mode
# client noop.py` and one `labrun experiment submit` of the same driver (LABRUN_DAEMON=0
# LABRUN_TRACE=1), every output line stamped with the wall clock as it arrives; the driver prints
# time.time() when it starts. Prints the folder with bare.log and labrun.log.
#   bench/spark-yarn-trace.sh    # as root; needs a built jar (./mvnw -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$root/scripts/test-env/spark.sh")"
eval "$("$root/scripts/test-env/yarn.sh")"
work=$(mktemp -d)
export LABRUN_HOME="$work/home" LABRUN_DAEMON=0
labrun="$root/bin/labrun"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
printf 'type: cluster\nsparkMaster: yarn\nyarnDeployMode: client\n' > aml_config/yarn-client.compute
printf 'ArgumentVector: ["$file"]\nTarget: yarn-client\nFramework: PySpark\n' > aml_config/yarn-client.runconfig
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
stamp() { while IFS= read -r l; do printf '%s %s\n' "$(date +%s.%N | cut -c1-14)" "$l"; done; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$SPARK_HOME/bin/spark-submit" --master yarn --conf spark.yarn.maxAppAttempts=1 --conf spark.executor.instances=1 \
  --py-files sparkgw.py --deploy-mode client noop.py 2>&1 | stamp > "$work/bare.log"
LABRUN_TRACE=1 "$labrun" experiment submit -c yarn-client noop.py 2>&1 | stamp > "$work/labrun.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "$work"
