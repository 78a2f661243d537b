#!/usr/bin/env bash
# Submit overhead on the remote target over SSH, against the test OpenSSH server of
# scripts/test-env/sshd.sh (127.0.0.1, so the network costs nothing and what is left is labrun):
#  1. warm `labrun experiment submit -c remote1 noop.py` against `ssh HOST python3 noop.py`, and
#     (when the test Docker engine is up) `-c rdocker` against `ssh HOST docker run --rm IMAGE python3 noop.py`;
#     and the same submits made one after the other in ONE JVM (bench/InJvmSubmits.java, the CLI daemon's
#     and the server's case: later submits reuse the kept SSH connection); for the clean test user, then
#     for the slow-login one (LABRUN_TEST_SSH_SLOW_USER, whose ~/.bashrc sleeps 200 ms), and that login on
#     the second test server, whose SFTP is a separate sftp-server (LABRUN_TEST_SSH_EXTSFTP_*);
#  2. a 10,000-file, 1 GiB project: the bytes of file content the first and an unchanged second
#     submit send, and the unchanged submit's time against the small project's.
#   bench/ssh-submit.sh [RUNS] [FILES] [MIB]   # FILES=0: part 1 only; needs: a built jar (./mvnw -q -DskipTests package), root
#   USERS=clean bench/ssh-submit.sh 10 0       # the clean user's warm submits only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
runs="${1:-20}"; files="${2:-10000}"; mib="${3:-1024}"
[[ -n ${LABRUN_TEST_SSH_EXTSFTP_PORT:-} ]] || eval "$("$root/scripts/test-env/sshd.sh")"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
labrun="$root/bin/labrun"
host="$LABRUN_TEST_SSH_KEY_USER@$LABRUN_TEST_SSH_HOST"
ssh_cmd="ssh -i $LABRUN_TEST_SSH_KEY -p $LABRUN_TEST_SSH_PORT -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile=$LABRUN_TEST_SSH_KNOWN_HOSTS $host"

attach() {  # attach DIR: a project with target remote1
  "$labrun" project init "$1" >/dev/null
  (cd "$1" && "$labrun" computetarget attach --name remote1 --type remote --address "$LABRUN_TEST_SSH_HOST:$LABRUN_TEST_SSH_PORT" \
    --username "$LABRUN_TEST_SSH_KEY_USER" --ssh-key "$LABRUN_TEST_SSH_KEY" --accept-new-host-key >/dev/null)
  echo "pass" > "$1/noop.py"
}
sent() {  # sent RUN_ID: the sync_bytes_sent recorded with a run
  python3 - "$LABRUN_HOME/data/labrun.db" "$1" <<'PY'
import json, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("select attributes from runs where id = ?", (sys.argv[2],)).fetchone()
a = json.loads(row[0]); print(a.get("sync_objects_sent"), "objects,", a.get("sync_bytes_sent"), "bytes of file content")
PY
}
run_id() { grep -o 'RunId: [^ ]*' | cut -d' ' -f2; }
medians() {  # medians JSON: one line per command, median and mean in ms
  python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("median %7.1f ms  mean %7.1f ms  %s" % (r["median"] * 1000, r["mean"] * 1000, r["command"]))
PY
}

attach "$work/small"
cd "$work/small"
"$labrun" experiment submit -c remote1 noop.py >/dev/null 2>&1   # CDS archive, host key, ~/.labrun/lib on the host
in_jvm() {  # in_jvm TARGET BASELINE...: RUNS+1 submits in one JVM, each after one BASELINE run
  echo "load average before the in-JVM submits: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  LABRUN_LAUNCHER="$labrun" java -XX:+UseSerialGC -cp "${LABRUN_JAR:-$root/labrun-cli/target/labrun.jar}" "$root/bench/InJvmSubmits.java" \
    "$((runs + 1))" "$work/small" "$@"
}
warm() {  # warm USER SUFFIX [PORT KNOWN_HOSTS]: warm submits on remote and remotedocker targets logging in as USER, against bare ssh
  local user=$1 r="remote$2" d="rdocker$2" port=${3:-$LABRUN_TEST_SSH_PORT} known=${4:-$LABRUN_TEST_SSH_KNOWN_HOSTS}
  local user_ssh="ssh -i $LABRUN_TEST_SSH_KEY -p $port -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile=$known $user@$LABRUN_TEST_SSH_HOST"
  (cd "$work/small" && "$labrun" computetarget attach --name "$r" --force --type remote --address "$LABRUN_TEST_SSH_HOST:$port" \
    --username "$user" --ssh-key "$LABRUN_TEST_SSH_KEY" --accept-new-host-key >/dev/null)
  echo pass | $user_ssh 'cat > noop.py'
  "$labrun" experiment submit -c "$r" noop.py >/dev/null 2>&1   # ~/.labrun/lib on the host
  echo "== $user: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  hyperfine -N -w 3 -r "$runs" --export-json "$work/warm-$user.json" \
    "$user_ssh python3 noop.py" \
    "$labrun experiment submit -c $r noop.py" >&2
  medians "$work/warm-$user.json"
  in_jvm "$r" noop.py $user_ssh python3 noop.py
  [[ -S /run/labrun-test/docker.sock ]] || return 0
  local image=labrun-test/python:bookworm
  (cd "$work/small" && "$labrun" computetarget attach --name "$d" --force --type remotedocker --address "$LABRUN_TEST_SSH_HOST:$port" \
    --username "$user" --ssh-key "$LABRUN_TEST_SSH_KEY" --base-docker-image "$image" >/dev/null)
  printf 'ArgumentVector: ["$file"]\nTarget: %s\nPrepareEnvironment: true\n' "$d" > "$work/small/aml_config/$d.runconfig"
  local env_image
  env_image=$("$labrun" experiment prepare -p "$work/small" -c "$d" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["reference"])')
  "$labrun" experiment submit -c "$d" noop.py >/dev/null 2>&1
  echo "== $user: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  hyperfine -N -w 3 -r "$runs" --export-json "$work/docker-$user.json" \
    "$user_ssh docker run --rm --network none -v /home/$user/noop.py:/noop.py $env_image python3 /noop.py" \
    "$labrun experiment submit -c $d noop.py" >&2
  medians "$work/docker-$user.json"
  in_jvm "$d" noop.py $user_ssh docker run --rm --network none -v "/home/$user/noop.py:/noop.py" "$env_image" python3 /noop.py
}
export LABRUN_DOCKER_NETWORK=none
# USERS (default "clean slow extsftp"): the clean test user; the slow-login one
# (LABRUN_TEST_SSH_SLOW_USER, whose ~/.bashrc sleeps 200 ms before its interactive guard, as pyenv
# and conda init lines do: every exec request pays it, bare ssh once); the same login on the second
# test server, whose SFTP is Debian's separate sftp-server, started through that ~/.bashrc too.
for u in ${USERS:-clean slow extsftp}; do
  case $u in
    clean) warm "$LABRUN_TEST_SSH_KEY_USER" 1 ;;
    slow) warm "$LABRUN_TEST_SSH_SLOW_USER" "-slow" ;;
    extsftp) warm "$LABRUN_TEST_SSH_EXTSFTP_USER" "-extsftp" "$LABRUN_TEST_SSH_EXTSFTP_PORT" "$LABRUN_TEST_SSH_EXTSFTP_KNOWN_HOSTS" ;;
    *) die "unknown USERS entry '$u' (clean, slow, extsftp)" ;;
  esac
done
[[ $files -gt 0 ]] || exit 0   # FILES=0: the warm submits only
attach "$work/big"
log "writing $files files, $mib MiB in all"
python3 - "$work/big/data" "$files" "$mib" <<'PY'
import os, random, sys
root, n, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20
rnd = random.Random(7)
sizes = [rnd.lognormvariate(0, 2) for _ in range(n)]
scale = total / sum(sizes)
for i, s in enumerate(sizes):
    d = os.path.join(root, "d%03d" % (i % 1000))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(max(1, int(s * scale))))
PY
cd "$work/big"
t0=$(date +%s%N); first=$("$labrun" experiment submit -c remote1 noop.py 2>&1 | run_id); t1=$(date +%s%N)
echo "first submit of the big project: $(( (t1 - t0) / 1000000 )) ms, sent $(sent "$first")"
t0=$(date +%s%N); second=$("$labrun" experiment submit -c remote1 noop.py 2>&1 | run_id); t1=$(date +%s%N)
echo "unchanged resubmit: $(( (t1 - t0) / 1000000 )) ms, sent $(sent "$second")"
hyperfine -N -w 1 -r 5 --export-json "$work/big.json" \
  "$labrun experiment submit -p $work/small -c remote1 noop.py" \
  "$labrun experiment submit -p $work/big -c remote1 noop.py" >&2
medians "$work/big.json"
