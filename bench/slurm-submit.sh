#!/usr/bin/env bash
# labrun's overhead on a `slurm` target: `labrun experiment submit -c hpc noop.py` against a bare
# `sbatch` of a job script that runs `python3 noop.py` in the same folder, waited for by `squeue`
# every 0.05 s (bare-wait.sh), side by side in one hyperfine run (the median is the figure to
# compare; issue 16's goal: at most 1.2x). `sbatch --wait` is shown too, but it first looks at the
# job after 2 s (then 10, 42... s), so a job of a second "takes" it 2.0 s: no baseline. All on
# the one-node test cluster of scripts/test-env/slurm.sh, Slurm's commands on this machine (the
# target without an address).
#   bench/slurm-submit.sh [RUNS]   # as root; needs a built jar (./mvnw -q -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
eval "$("$root/scripts/test-env/slurm.sh")"
runs="${1:-15}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
labrun="$root/bin/labrun"
"$labrun" project init "$work/proj" >/dev/null
cd "$work/proj"
"$labrun" computetarget attach --name hpc --type slurm >/dev/null
printf 'partition: %s\n' "$LABRUN_TEST_SLURM_PARTITION" >> aml_config/hpc.compute
printf 'pass\n' > noop.py
printf '#!/bin/sh\n#SBATCH --partition=%s\nexec python3 noop.py\n' "$LABRUN_TEST_SLURM_PARTITION" > bare.sh
cat > bare-wait.sh <<'SH'
id=$(sbatch --parsable --output=/dev/null bare.sh) && [ -n "$id" ] || exit 1
while [ -n "$(squeue --noheader --jobs="$id" --format=%T 2>/dev/null)" ]; do sleep 0.05; done
SH
"$labrun" experiment submit -c hpc noop.py >/dev/null 2>&1   # CDS archive, daemon, stat cache, data folder
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
hyperfine -N -w 1 -r "$runs" --export-json "$work/slurm.json" \
  "sh bare-wait.sh" \
  "sbatch --wait --quiet --output=/dev/null bare.sh" \
  "$labrun experiment submit -c hpc noop.py" >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$work/slurm.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("| command | runs | median [s] | mean ± sd [s] | min [s] |")
print("|:---|---:|---:|---:|---:|")
for x in r:
    print("| `%s` | %d | %.3f | %.3f ± %.3f | %.3f |" % (x["command"], len(x["times"]), x["median"], x["mean"], x["stddev"], x["min"]))
print("| labrun / bare sbatch waited for by squeue | | %.2fx | %.2fx | %.2fx |" % (
    r[2]["median"] / r[0]["median"], r[2]["mean"] / r[0]["mean"], r[2]["min"] / r[0]["min"]))
PY
