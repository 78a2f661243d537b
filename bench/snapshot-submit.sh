#!/usr/bin/env bash
# The snapshot of an unchanged large project as a submit pays it: `labrun experiment submit -c local
# noop.py` in a project of FILES files (MIB MiB of random content in 100 folders) against the same
# submit in a one-file project, through the labrun daemon, and the large one in a JVM of its own
# (LABRUN_DAEMON=0). The difference of the medians is the snapshot (and nothing else: no file is
# read again, the stat cache says they are unchanged).
#   bench/snapshot-submit.sh [RUNS] [FILES] [MIB]     # default 20 10000 1024; needs a built jar, hyperfine
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/test-env/lib.sh"
need_pkgs hyperfine
runs="${1:-20}" files="${2:-10000}" mib="${3:-1024}"
labrun="$root/bin/labrun"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
for p in small big; do
  "$labrun" project init "$work/$p" >/dev/null
  echo "pass" > "$work/$p/noop.py"
done
python3 - "$work/big" "$files" "$mib" <<'PY'
import os, sys
root, files, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = mib * 1024 * 1024 // files
for i in range(files):
    d = os.path.join(root, "data", "d%03d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(size))
PY
t0=$(date +%s%N); (cd "$work/big" && "$labrun" experiment submit -c local noop.py >/dev/null 2>&1); t1=$(date +%s%N)
echo "first submit of the large project (every file hashed and stored): $(( (t1 - t0) / 1000000 )) ms" >&2
sleep 3   # files changed less than 2 s before a snapshot are read again by the next one
(cd "$work/big" && "$labrun" experiment submit -c local noop.py >/dev/null 2>&1)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
hyperfine -N -w 3 -r "$runs" --export-markdown "$work/result.md" \
  "$labrun experiment submit -p $work/small -c local noop.py" \
  "$labrun experiment submit -p $work/big -c local noop.py" \
  "env LABRUN_DAEMON=0 $labrun experiment submit -p $work/big -c local noop.py" >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cat "$work/result.md"
