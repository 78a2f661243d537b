#!/usr/bin/env bash
# Cost of logging metrics from a training loop: the same 1,000,000-step loop with and without a
# labrun.log_metric call per step, run directly (so only the logging differs), then one real
# submit that checks all 1,000,000 points reach the history.
#   bench/metrics-loop.sh [STEPS] [WORK]     # WORK: the inner loop's size (a step's own work)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
steps="${1:-1000000}"
work_size="${2:-16}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
"$root/bin/labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
cat > loop.py <<'PY'
import sys
steps, size, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
if log:
    import labrun
row = [0.5] * size
w = [0.25] * size
loss = 0.0
for i in range(steps):
    # a step's own work: a dot product of SIZE numbers (a stand-in for a real training step)
    s = 0.0
    for x, y in zip(row, w):
        s += x * y
    loss = 0.9 * loss + 0.1 * s
    if log:
        labrun.log_metric("loss", loss, step=i)
print("final loss", loss)
PY
pydir=$("$root/bin/labrun" internal warmup >/dev/null 2>&1; ls -d "$LABRUN_HOME"/data/lib/python-* 2>/dev/null | head -1 || true)
if [[ -z "$pydir" ]]; then
  "$root/bin/labrun" experiment submit -c local loop.py 10 1 1 >/dev/null 2>&1
  pydir=$(ls -d "$LABRUN_HOME"/data/lib/python-* | head -1)
fi
mkdir -p "$work/metrics"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
PYTHONPATH="$pydir" LABRUN_METRICS_DIR="$work/metrics" hyperfine -N -w 1 -r 5 --export-markdown "$work/result.md" \
  --prepare "rm -rf $work/metrics/*" \
  "python3 loop.py $steps $work_size 0" \
  "python3 loop.py $steps $work_size 1" >&2
cat "$work/result.md"
start=$(date +%s.%N)
"$root/bin/labrun" experiment submit -c local loop.py "$steps" "$work_size" 1 >/dev/null 2>"$work/submit.err"
end=$(date +%s.%N)
run=$(grep -o 'RunId: .*' "$work/submit.err" | cut -d' ' -f2)
count=$("$root/bin/labrun" history info -r "$run" -o json --query 'metrics.loss.count')
echo
echo "submit with logging, including recording every point: $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}') s; points in the history: $count"
