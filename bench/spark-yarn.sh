#!/usr/bin/env bash
# labrun's overhead on a `cluster` target whose master is YARN: `labrun experiment submit -c T noop.py`
# against a bare `$SPARK_HOME/bin/spark-submit --master yarn --deploy-mode M` of the same driver, side
# by side in one hyperfine run per deploy mode (the median is the figure to compare). noop.py starts a
# SparkSession (YARN requires one of a driver in cluster mode) and stops it: what it costs is YARN's
# and Spark's own (an ApplicationMaster container, one executor), the same on both sides.
#   bench/spark-yarn.sh [RUNS]   # as root; needs a built jar (./mvnw -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
eval "$("$root/scripts/test-env/spark.sh")"
eval "$("$root/scripts/test-env/yarn.sh")"
runs="${1:-5}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
labrun="$root/bin/labrun"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
for mode in client cluster; do
  printf 'type: cluster\nsparkMaster: yarn\nyarnDeployMode: %s\n' "$mode" > "aml_config/yarn-$mode.compute"
  printf 'ArgumentVector: ["$file"]\nTarget: yarn-%s\nFramework: PySpark\n' "$mode" > "aml_config/yarn-$mode.runconfig"
done
printf 'configuration:\n  "spark.yarn.maxAppAttempts": 1\n  "spark.executor.instances": 1\n' > aml_config/spark_dependencies.yml
cp "$SPARK_HOME/labrun/python/py4j_driver.py" sparkgw.py
cat > noop.py <<'PY'
import os
from sparkgw import Gateway
gw = Gateway(os.environ["PYSPARK_GATEWAY_PORT"], os.environ["PYSPARK_GATEWAY_SECRET"])
gw.static("org.apache.spark.sql.SparkSession", "builder").config(gw.new("org.apache.spark.SparkConf", True)).getOrCreate().stop()
print("noop done")
PY
"$labrun" experiment submit -c yarn-client noop.py >/dev/null 2>&1   # CDS archive, stat cache, data folder
submit="$SPARK_HOME/bin/spark-submit --master yarn --conf spark.yarn.maxAppAttempts=1 --conf spark.executor.instances=1 --py-files sparkgw.py"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for mode in client cluster; do
  hyperfine -N -r "$runs" --export-json "$work/$mode.json" \
    "$submit --deploy-mode $mode noop.py" \
    "$labrun experiment submit -c yarn-$mode noop.py" >&2
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 "$root/bench/overhead-table.py" "$work/client.json" "$work/cluster.json"
