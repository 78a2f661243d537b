#!/usr/bin/env bash
# labrun's overhead on a `cluster` target whose master is YARN: `labrun experiment submit -c T noop.py`
# against a bare `$SPARK_HOME/bin/spark-submit --master yarn --deploy-mode M` of the same driver.
# noop.py starts a SparkSession (YARN requires one of a driver in cluster mode), prints a line and
# stops it: what it costs is YARN's and Spark's own (an ApplicationMaster container, one executor),
# the same on both sides.
#
# Both sides measure the same thing: from the command's start until the application is FINISHED on
# the ResourceManager and the driver's output is back here. In client mode the driver prints here on
# both sides. In cluster mode the bare `spark-submit` waits for the application's end
# (spark.yarn.submit.waitAppCompletion, the default), then its driver's stdout is fetched from the
# NodeManager (two HTTP requests, as `yarn logs` would), which labrun does on its own; the time of
# that fetch counts on the bare side.
#
# The runs are interleaved (bare, labrun, bare, labrun... with the order swapped every round), so a
# change of the machine's load lands on both sides; each pair's difference is the figure, and its
# median the result. Every run is checked: exit 0, the driver's line in the output, its application
# FINISHED/SUCCEEDED on the ResourceManager; and every run says how many other applications ran on
# the (shared) ResourceManager at the same time, which make container starts slower.
#   bench/spark-yarn.sh [ROUNDS] [MODES]   # as root; needs a built jar (./mvnw -q -DskipTests package)
#   e.g. bench/spark-yarn.sh 5 "client cluster"; LABRUN_DAEMON=0 for a JVM per labrun command
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$root/scripts/test-env/spark.sh")"
eval "$("$root/scripts/test-env/yarn.sh")"
rounds="${1:-5}"
modes="${2:-client cluster}"
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
s = gw.static("org.apache.spark.sql.SparkSession", "builder").config(gw.new("org.apache.spark.SparkConf", True)).getOrCreate()
print("noop done", flush=True)
s.stop()
PY
"$labrun" experiment submit -c yarn-client noop.py >/dev/null 2>&1   # CDS archive, daemon, stat cache, data folder
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%T)" >&2
python3 - "$rounds" "$modes" "$labrun" "$LABRUN_TEST_YARN_RM" <<'PY'
import json, re, statistics, subprocess, sys, time, urllib.request

rounds, modes, labrun, rm = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3], sys.argv[4]
import os
spark_submit = [os.environ["SPARK_HOME"] + "/bin/spark-submit", "--master", "yarn",
                "--conf", "spark.yarn.maxAppAttempts=1", "--conf", "spark.executor.instances=1",
                "--py-files", "sparkgw.py"]

def get(url, accept="application/json"):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as r:
        return r.read()

def app(app_id):
    return json.loads(get(rm + "/ws/v1/cluster/apps/" + app_id))["app"]

def am_stdout(a):
    # the NodeManager's answer wraps the file in LogType/LogLength/LogContents lines
    logs = a["amContainerLogs"]
    nm = logs.split("/")[2]
    container = logs.rstrip("/").split("/")[-2]
    return get("http://%s/ws/v1/node/containerlogs/%s/stdout" % (nm, container), "*/*").decode()

def others(app_id, t0, t1):
    """Other applications that ran on the ResourceManager while this one did."""
    apps = (json.loads(get(rm + "/ws/v1/cluster/apps?startedTimeBegin=%d" % int((t0 - 3600) * 1000)))["apps"] or {}).get("app", [])
    n = 0
    for a in apps:
        end = a["finishedTime"] / 1000 if a["finishedTime"] else time.time()
        if a["id"] != app_id and a["startedTime"] / 1000 < t1 and end > t0:
            n += 1
    return n

def run(side, mode):
    if side == "bare":
        cmd = spark_submit + ["--deploy-mode", mode, "noop.py"]
    else:
        cmd = [labrun, "experiment", "submit", "-c", "yarn-" + mode, "noop.py"]
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout
    ids = re.findall(r"application_\d+_\d+", out)
    if p.returncode != 0 or not ids:
        sys.exit("%s %s failed (exit %d):\n%s" % (side, mode, p.returncode, out[-3000:]))
    a = app(ids[0])
    if side == "bare" and mode == "cluster":
        out = am_stdout(a)  # the driver's output, back here as labrun brings it
    t1 = time.time()
    if "noop done" not in out:
        sys.exit("%s %s: no driver output:\n%s" % (side, mode, out[-3000:]))
    if a["state"] != "FINISHED" or a["finalStatus"] != "SUCCEEDED":
        sys.exit("%s %s: %s is %s/%s" % (side, mode, a["id"], a["state"], a["finalStatus"]))
    # the application's own life on the ResourceManager: submitted to finished
    return t1 - t0, (a["finishedTime"] - a["startedTime"]) / 1000, a["id"], others(a["id"], t0, t1)

results = {m: {"bare": [], "labrun": [], "diff": []} for m in modes}
for r in range(rounds):
    for mode in modes:
        order = ["bare", "labrun"] if r % 2 == 0 else ["labrun", "bare"]
        got = {}
        for side in order:
            wall, yarn, app_id, busy = run(side, mode)
            got[side] = wall
            results[mode][side].append(wall)
            print("round %d %-7s %-6s %6.2f s  (on YARN %5.2f s, %s, %d other apps at the time, load %s)"
                  % (r + 1, mode, side, wall, yarn, app_id, busy, open("/proc/loadavg").read().split()[0]),
                  file=sys.stderr, flush=True)
        results[mode]["diff"].append(got["labrun"] - got["bare"])

print("| deploy mode | pairs | bare `spark-submit` median [s] | labrun median [s] | labrun minus bare, median of pairs [s] | pairs' differences [s] |")
print("|:---|---:|---:|---:|---:|:---|")
for mode in modes:
    x = results[mode]
    print("| %s | %d | %.2f | %.2f | **%+.2f** | %s |" % (
        mode, len(x["diff"]), statistics.median(x["bare"]), statistics.median(x["labrun"]),
        statistics.median(x["diff"]), " ".join("%+.2f" % d for d in x["diff"])))
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%T)" >&2
"$labrun" daemon stop >/dev/null 2>&1 || true
