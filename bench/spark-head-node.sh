#!/usr/bin/env bash
# labrun's overhead on a `cluster` target with an address (spark-submit on the head node over SSH):
# `labrun experiment submit -c head hello.py` against a bare `ssh HEAD spark-submit hello.py` of the
# same driver (hello.py already on the head node for the bare side), side by side in one hyperfine
# run. The head node is the test environment's OpenSSH server, its user runs the test SPARK_HOME
# against the standalone master. hello.py starts no application: spark-submit's fixed cost.
# For the clean test user, then (issue 19) for the slow-login one (LABRUN_TEST_SSH_SLOW_USER, whose
# ~/.bashrc sleeps 200 ms: every exec request pays it, bare ssh once) and the same on the second
# test server, whose SFTP is Debian's separate sftp-server (LABRUN_TEST_SSH_EXTSFTP_*).
#   bench/spark-head-node.sh [RUNS] [USERS]   # as root; needs a built jar (./mvnw -q -DskipTests package)
#   USERS: which of "clean slow extsftp" (default all three)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
eval "$("$root/scripts/test-env/spark.sh")"
eval "$("$root/scripts/test-env/sshd.sh")"
runs="${1:-10}"; users="${2:-clean slow extsftp}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
export SPARK_MASTER_WEBUI_PORT="${LABRUN_TEST_SPARK_UI##*:}"
labrun="$root/bin/labrun"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
printf 'configuration: {}\n' > aml_config/spark_dependencies.yml
printf 'print("hello")\n' > hello.py

bench() {  # bench NAME USER PORT KNOWN_HOSTS: labrun against bare ssh on a head node reached as USER
  local name=$1 user=$2 port=$3 known=$4
  local ssh=(ssh -i "$LABRUN_TEST_SSH_KEY" -p "$port" -o UserKnownHostsFile="$known" -o BatchMode=yes "$user@$LABRUN_TEST_SSH_HOST")
  "$labrun" computetarget attach --name "$name" --type cluster --address "$LABRUN_TEST_SSH_HOST:$port" \
    --username "$user" --ssh-key "$LABRUN_TEST_SSH_KEY" --accept-new-host-key \
    --spark-submit-location "$SPARK_HOME/bin/spark-submit" --spark-master "$LABRUN_TEST_SPARK_MASTER" >/dev/null
  "${ssh[@]}" 'mkdir -p labrun-bench && printf "print(\"hello\")\n" > labrun-bench/hello.py'
  "$labrun" experiment submit -c "$name" hello.py >/dev/null 2>&1   # CDS archive, host cache, labrun's files on the head node
  echo "== $user on port $port: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  hyperfine -N -w 1 -r "$runs" --export-json "$work/$name.json" \
    "${ssh[*]} cd labrun-bench && $SPARK_HOME/bin/spark-submit --master $LABRUN_TEST_SPARK_MASTER hello.py" \
    "$labrun experiment submit -c $name hello.py" >&2
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  python3 - "$work/$name.json" "$user" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("%s:" % sys.argv[2])
print("| command | runs | median [s] | mean ± sd [s] | min [s] |")
print("|:---|---:|---:|---:|---:|")
for x in r:
    print("| `%s` | %d | %.3f | %.3f ± %.3f | %.3f |" % (x["command"], len(x["times"]), x["median"], x["mean"], x["stddev"], x["min"]))
print("| labrun's overhead | | %+.3f | %+.3f | %+.3f |" % (r[1]["median"] - r[0]["median"], r[1]["mean"] - r[0]["mean"], r[1]["min"] - r[0]["min"]))
print("| ratio | | %.2fx | %.2fx | %.2fx |" % (r[1]["median"] / r[0]["median"], r[1]["mean"] / r[0]["mean"], r[1]["min"] / r[0]["min"]))
PY
}
for u in $users; do
  case $u in
    clean) bench head "$LABRUN_TEST_SSH_KEY_USER" "$LABRUN_TEST_SSH_PORT" "$LABRUN_TEST_SSH_KNOWN_HOSTS" ;;
    slow) bench head-slow "$LABRUN_TEST_SSH_SLOW_USER" "$LABRUN_TEST_SSH_PORT" "$LABRUN_TEST_SSH_KNOWN_HOSTS" ;;
    extsftp) bench head-extsftp "$LABRUN_TEST_SSH_EXTSFTP_USER" "$LABRUN_TEST_SSH_EXTSFTP_PORT" "$LABRUN_TEST_SSH_EXTSFTP_KNOWN_HOSTS" ;;
    *) die "unknown user kind '$u' (clean, slow, extsftp)" ;;
  esac
done
