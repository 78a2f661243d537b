#!/usr/bin/env bash
# Times the Docker target with hyperfine, side by side with the engine alone:
#   1. `labrun experiment submit -c docker noop.py` (environment cached) against
#      `docker run --rm --network none IMAGE python3 noop.py` on the same image;
#   2. `labrun experiment prepare -c docker` on an unchanged spec (a cache hit, no build);
#   3. the same spec with its lines reordered and commented: still a hit.
# Needs root on Debian (installs hyperfine, starts the test engine). Results: docs/benchmarks.md.
#   bench/docker-submit.sh [RUNS]      # default 20 runs each
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/test-env/lib.sh
need_pkgs hyperfine
runs="${1:-20}"
env_line=$(scripts/test-env/base-image.sh) || die "could not start the test Docker engine"
eval "$env_line"
export DOCKER_HOST LABRUN_DOCKER_NETWORK=none
[[ -f labrun-cli/target/labrun.jar ]] || ./mvnw -q -B -DskipTests package
labrun="$root/bin/labrun"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LABRUN_HOME="$work/home"
cd "$work"
"$labrun" project init bench >/dev/null
cd bench
printf 'type: docker\nbaseDockerImage: labrun-test/python:bookworm\n' >aml_config/docker.compute
printf 'name: bench\ndependencies:\n  - python=3.11\n  - pip: []\n' >aml_config/conda_dependencies.yml
echo 'pass' >noop.py
"$labrun" experiment prepare -c docker >"$work/prepare.txt"
cat "$work/prepare.txt"
id=$(sed -n 's/^Environment \([0-9a-f]\{16\}\).*/\1/p' "$work/prepare.txt")
image="labrun-env:$id"
# bin/labrun records its class-data-sharing archive on its first run after a build: make that a
# Docker submit, so the archive holds the Docker client's classes too
rm -f "$root/labrun-cli/target/labrun.jsa"
"$labrun" experiment submit -c docker noop.py >/dev/null 2>&1

log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
log "1. submit vs docker run ($runs runs each)"
hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$work/submit.md" --export-json "$work/submit.json" \
	-n "labrun experiment submit -c docker noop.py" "$labrun experiment submit -c docker noop.py" \
	-n "docker run --rm --network none $image python3 noop.py" "docker run --rm --network none -v $PWD:/w -w /w $image python3 noop.py"
log "2. prepare, cache hit"
hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$work/prepare.md" --export-json "$work/prepare.json" \
	-n "labrun experiment prepare -c docker (cached)" "$labrun experiment prepare -c docker"
log "3. the spec reordered and commented"
printf '# reordered\nname: other\ndependencies:\n  - pip: []   # none\n  - python = 3.11\n' >aml_config/conda_dependencies.yml
"$labrun" experiment prepare -c docker
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work/submit.md" "$work/prepare.md"
python3 - "$work/submit.json" "$work/prepare.json" <<'PY'
import json, sys
rows = [r for f in sys.argv[1:] for r in json.load(open(f))["results"]]
for r in rows:
    print("median %7.0f ms  %s" % (r["median"] * 1000, r["command"]))
print("submit / docker run, medians: %.2fx" % (rows[0]["median"] / rows[1]["median"]))
PY
