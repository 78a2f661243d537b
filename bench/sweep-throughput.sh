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
work="$(mktemp -d ${BENCH_TMP:+-p $BENCH_TMP})"
trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
labrun="$here/bin/labrun"

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
# Runs a command and prints to fd 3 the CPU seconds the whole machine used meanwhile (user, nice,
# system, irq, softirq, steal from /proc/stat): with the labrun daemon the sweep runs in a process
# that is not our child, and its supervisors are the daemon's, so only the machine's count sees
# everything. Measure on an otherwise idle machine.
cpu() {
  "$py" -c '
import os, subprocess, sys
def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")
b0 = busy()
code = subprocess.call(sys.argv[1:])
os.write(3, ("%.3f\n" % (busy() - b0)).encode())
sys.exit(code)' "$@"
}

# The real interpreter, not a wrapper such as a pyenv shim (which would cost the bare loop a bash
# and a pyenv per run): both sides run this very binary.
py="$(python3 -c 'import sys; print(sys.executable)')"
export LABRUN_SUPERVISOR_PYTHON="$py"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
sed -i "s|^pythonLocation:.*|pythonLocation: $py|" aml_config/local.compute
echo "pass" > noop.py
"$labrun" experiment submit -c local noop.py >/dev/null 2>&1   # warm-up: CDS archive, Python files unpacked
# Steady state of the labrun daemon (the JIT compiles the sweep's paths during its first sweeps,
# and on 2 CPUs its compiler threads take CPU from the runs): WARMUP untimed sweeps of the same
# size first (default 1). WARMUP=0 measures from a daemon that has served one submit only.
for ((w = 0; w < ${WARMUP:-1}; w++)); do
  "$labrun" experiment sweep -c local noop.py --grid "i=1..$runs" --parallel 2 -o json --query 'length(@)' >/dev/null 2>&1
done

loop() { for ((i = 0; i < half; i++)); do "$py" noop.py --i "$i"; done; }
loops() { loop & loop & wait; }
export -f loop loops
export half py
echo "machine: $(nproc) CPUs, $py ($("$py" --version 2>&1)), $(java -version 2>&1 | head -1)"
echo "command: labrun experiment sweep -c local noop.py --grid i=1..$runs --parallel 2"
ratios=()
cpus=()
for ((r = 1; r <= rounds; r++)); do
  l0=$(load); t0=$(now); bare_cpu=$(cpu bash -c loops 3>&1 >/dev/null); t1=$(now)
  bare=$("$py" -c "print($runs / ($t1 - $t0))")
  l1=$(load); t0=$(now)
  sweep_cpu=$(cpu "$labrun" experiment sweep -c local noop.py --grid "i=1..$runs" --parallel 2 -o json --query 'length(@)' 3>&1 >/dev/null 2>"$work/sweep.err")
  t1=$(now)
  sweep=$("$py" -c "print($runs / ($t1 - $t0))")
  tail -1 "$work/sweep.err" | grep -q "$runs runs, $runs Completed" || { echo "sweep did not complete:"; tail -3 "$work/sweep.err"; exit 1; }
  ratio=$("$py" -c "print(100 * $sweep / $bare)")
  ratios+=("$ratio")
  cpus+=("$("$py" -c "print(100 * $bare_cpu / $sweep_cpu)")")
  printf 'round %d: bare loops %5.1f runs/s, %5.1f ms CPU/run (load %s) | labrun sweep %5.1f runs/s, %5.1f ms CPU/run (load %s) | ratio %3.0f%%\n' \
    "$r" "$bare" "$("$py" -c "print(1000 * $bare_cpu / $runs)")" "$l0" "$sweep" "$("$py" -c "print(1000 * $sweep_cpu / $runs)")" "$l1" "$ratio"
done
"$py" -c "import statistics, sys; print('median ratio: %.0f%% of the bare rate' % statistics.median(map(float, sys.argv[1:])))" "${ratios[@]}"
"$py" -c "import statistics, sys; print('median CPU ratio (bare CPU / labrun CPU per run, the whole machine CPU while each ran): %.0f%%' % statistics.median(map(float, sys.argv[1:])))" "${cpus[@]}"
