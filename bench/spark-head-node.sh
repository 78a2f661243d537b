#!/usr/bin/env bash
# labrun's overhead on a `cluster` target with an address (spark-submit on the head node over SSH):
# `labrun experiment submit -c head hello.py` against a bare `ssh HEAD spark-submit hello.py` of the
# same driver (hello.py already on the head node for the bare side), side by side in one hyperfine
# run. The head node is the test environment's OpenSSH server, its user runs the test SPARK_HOME
# against the standalone master. hello.py starts no application: spark-submit's fixed cost.
#   bench/spark-head-node.sh [RUNS]   # as root; needs a built jar (./mvnw -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
eval "$("$root/scripts/test-env/spark.sh")"
eval "$("$root/scripts/test-env/sshd.sh")"
runs="${1:-10}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
export SPARK_MASTER_WEBUI_PORT="${LABRUN_TEST_SPARK_UI##*:}"
labrun="$root/bin/labrun"
head="$LABRUN_TEST_SSH_KEY_USER@$LABRUN_TEST_SSH_HOST"
ssh=(ssh -i "$LABRUN_TEST_SSH_KEY" -p "$LABRUN_TEST_SSH_PORT" -o UserKnownHostsFile="$LABRUN_TEST_SSH_KNOWN_HOSTS" -o BatchMode=yes "$head")
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
"$labrun" computetarget attach --name head --type cluster --address "$LABRUN_TEST_SSH_HOST:$LABRUN_TEST_SSH_PORT" \
  --username "$LABRUN_TEST_SSH_KEY_USER" --ssh-key "$LABRUN_TEST_SSH_KEY" --accept-new-host-key \
  --spark-submit-location "$SPARK_HOME/bin/spark-submit" --spark-master "$LABRUN_TEST_SPARK_MASTER" >/dev/null
printf 'configuration: {}\n' > aml_config/spark_dependencies.yml
printf 'print("hello")\n' > hello.py
"${ssh[@]}" 'mkdir -p labrun-bench && printf "print(\"hello\")\n" > labrun-bench/hello.py'
"$labrun" experiment submit -c head hello.py >/dev/null 2>&1   # CDS archive, host cache, labrun's files on the head node
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
hyperfine -N -w 1 -r "$runs" --export-json "$work/head.json" \
  "${ssh[*]} cd labrun-bench && $SPARK_HOME/bin/spark-submit --master $LABRUN_TEST_SPARK_MASTER hello.py" \
  "$labrun experiment submit -c head hello.py" >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$work/head.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("| command | runs | median [s] | mean ± sd [s] | min [s] |")
print("|:---|---:|---:|---:|---:|")
for x in r:
    print("| `%s` | %d | %.3f | %.3f ± %.3f | %.3f |" % (x["command"], len(x["times"]), x["median"], x["mean"], x["stddev"], x["min"]))
print("| labrun's overhead | | %+.3f | %+.3f | %+.3f |" % (r[1]["median"] - r[0]["median"], r[1]["mean"] - r[0]["mean"], r[1]["min"] - r[0]["min"]))
PY
