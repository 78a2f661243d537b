#!/usr/bin/env bash
# Submit overhead on the local target: `labrun experiment submit -c local noop.py` against a bare
# `python3 noop.py`, side by side in one hyperfine run (median is the figure to compare): through
# the labrun daemon (the default) and in a JVM of its own (LABRUN_DAEMON=0). Also prints the first
# call's time, which starts the daemon.
#   bench/local-submit.sh [RUNS]        # needs: a built jar (./mvnw -q -DskipTests package), hyperfine
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
runs="${1:-30}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
"$root/bin/labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
echo "pass" > noop.py
LABRUN_DAEMON=0 "$root/bin/labrun" experiment submit -c local noop.py >/dev/null 2>&1   # CDS archive, stat cache, data folder
"$root/bin/labrun" daemon stop >/dev/null 2>&1 || true
sleep 1
t0=$(date +%s%N); "$root/bin/labrun" experiment submit -c local noop.py >/dev/null 2>&1; t1=$(date +%s%N)
echo "first call, starting the daemon: $(( (t1 - t0) / 1000000 )) ms" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
hyperfine -N -w 5 -r "$runs" --export-markdown "$work/result.md" --export-json "$work/result.json" \
  'python3 noop.py' \
  "$root/bin/labrun experiment submit -c local noop.py" \
  "env LABRUN_DAEMON=0 $root/bin/labrun experiment submit -c local noop.py" >&2
cat "$work/result.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$work/result.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("median %7.1f ms  %s" % (r["median"] * 1000, r["command"]))
PY
