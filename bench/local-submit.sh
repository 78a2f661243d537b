#!/usr/bin/env bash
# Submit overhead on the local target: `labrun experiment submit -c local noop.py` against a bare
# `python3 noop.py`, side by side in one hyperfine run (median is the figure to compare).
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
"$root/bin/labrun" experiment submit -c local noop.py >/dev/null 2>&1   # CDS archive, stat cache, data folder
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
hyperfine -N -w 5 -r "$runs" --export-markdown "$work/result.md" \
  'python3 noop.py' \
  "$root/bin/labrun experiment submit -c local noop.py" >&2
cat "$work/result.md"
