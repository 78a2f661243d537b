#!/usr/bin/env bash
# A 100-point no-op sweep on a `slurm` target against a bare 100-element job array with the same
# throttle (issue 16's goal: the sweep at least 80% of the array's rate). A sweep on a slurm target
# is one job array too (--array=0-N%K, each element one run of the sweep).
#   labrun experiment sweep -c hpc noop.py --grid i=1..N --parallel K
#   sbatch --array=0-(N-1)%K bare.sh, waited for by squeue every 0.1 s   (bare.sh runs python3 noop.py)
# Not `sbatch --wait`: it looks at the job after 2, 10, 42, 74, 106... s (its sleep grows 2, 8, 32,
# then stays at 32 s), so its wall time is one of those (a 100-element array "took" 74.0 s).
# Both on the one-node test cluster of scripts/test-env/slurm.sh, Slurm's commands on this machine.
#   bench/slurm-sweep.sh [POINTS] [PARALLEL]   # as root; needs a built jar (./mvnw -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$root/scripts/test-env/slurm.sh")"
points="${1:-100}"
parallel="${2:-2}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
labrun="$root/bin/labrun"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
"$labrun" computetarget attach --name hpc --type slurm >/dev/null
printf 'partition: %s\n' "$LABRUN_TEST_SLURM_PARTITION" >> aml_config/hpc.compute
printf 'pass\n' > noop.py
printf '#!/bin/sh\n#SBATCH --partition=%s\nexec python3 noop.py\n' "$LABRUN_TEST_SLURM_PARTITION" > bare.sh
"$labrun" experiment submit -c hpc noop.py >/dev/null 2>&1   # CDS archive, daemon, stat cache, data folder
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# the bare array, until squeue shows none of its elements (pending, running or completing)
bare_array() {
  local id
  id=$(sbatch --parsable --output=/dev/null --array="0-$((points - 1))%$parallel" bare.sh)
  while [[ -n $(squeue --noheader --array --jobs="$id" --format=%T 2>/dev/null) ]]; do
    sleep 0.1
  done
}
bare=$(seconds bare_array)
echo "load average between: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
sweep=$(seconds "$labrun" experiment sweep -c hpc noop.py --grid "i=1..$points" --parallel "$parallel")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
completed=$("$labrun" history list -n 1000 -o json --query "length([?status=='Completed'])")
echo "| command | points | completed | wall [s] | points/s |"
echo "|:---|---:|---:|---:|---:|"
printf '| `sbatch --array=0-%d%%%d bare.sh` (until squeue shows it ended) | %d | | %.1f | %.2f |\n' $((points - 1)) "$parallel" "$points" "$bare" "$(echo "$points / $bare" | bc -l)"
printf '| `labrun experiment sweep -c hpc noop.py --grid i=1..%d --parallel %d` | %d | %d | %.1f | %.2f |\n' "$points" "$parallel" "$points" $((completed - 1)) "$sweep" "$(echo "$points / $sweep" | bc -l)"
printf '| sweep rate / array rate | | | | **%.0f%%** |\n' "$(echo "100 * $bare / $sweep" | bc -l)"
