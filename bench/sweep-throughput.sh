#!/usr/bin/env bash
# Sweep throughput: N queued runs (default 200) of a no-op script on the local target with
# --parallel 2, against two bare `python3 noop.py` loops in parallel on the same machine (N/2
# runs each). Rounds alternate the two so that a change in the machine's load hits both; the
# ratio of each round and their median are printed. A measurement, not a test.
# Build first: ./mvnw -q -B -DskipTests package
# Usage: bench/sweep-throughput.sh [RUNS] [ROUNDS]      (defaults: 200 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-200}"
rounds="${2:-3}"
half=$((runs / 2))
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
labrun="$here/bin/labrun"

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }

# The real interpreter, not a wrapper such as a pyenv shim (which would cost the bare loop a bash
# and a pyenv per run): both sides run this very binary.
py="$(python3 -c 'import sys; print(sys.executable)')"
export LABRUN_SUPERVISOR_PYTHON="$py"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
sed -i "s|^pythonLocation:.*|pythonLocation: $py|" aml_config/local.compute
echo "pass" > noop.py
"$labrun" experiment submit -c local noop.py >/dev/null 2>&1   # warm-up: CDS archive, Python files unpacked

loop() { for ((i = 0; i < half; i++)); do "$py" noop.py --i "$i"; done; }
echo "machine: $(nproc) CPUs, $py ($("$py" --version 2>&1)), $(java -version 2>&1 | head -1)"
echo "command: labrun experiment sweep -c local noop.py --grid i=1..$runs --parallel 2"
ratios=()
for ((r = 1; r <= rounds; r++)); do
  l0=$(load); t0=$(now); loop & loop & wait; t1=$(now)
  bare=$(python3 -c "print($runs / ($t1 - $t0))")
  l1=$(load); t0=$(now)
  "$labrun" experiment sweep -c local noop.py --grid "i=1..$runs" --parallel 2 -o json --query 'length(@)' >/dev/null 2>"$work/sweep.err"
  t1=$(now)
  sweep=$(python3 -c "print($runs / ($t1 - $t0))")
  tail -1 "$work/sweep.err" | grep -q "$runs runs, $runs Completed" || { echo "sweep did not complete:"; tail -3 "$work/sweep.err"; exit 1; }
  ratio=$(python3 -c "print(100 * $sweep / $bare)")
  ratios+=("$ratio")
  printf 'round %d: bare loops %5.1f runs/s (load %s) | labrun sweep %5.1f runs/s (load %s) | ratio %3.0f%%\n' "$r" "$bare" "$l0" "$sweep" "$l1" "$ratio"
done
python3 -c "import statistics, sys; print('median ratio: %.0f%% of the bare rate' % statistics.median(map(float, sys.argv[1:])))" "${ratios[@]}"
