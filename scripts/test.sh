#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine as root (or with what is already installed):
# installs and starts the real components the tests need, then runs every unit and integration
# test. It fails if a component cannot be started: no test skips for want of one.
#   scripts/test.sh                          # everything
#   scripts/test.sh -pl labrun-format -am    # extra Maven arguments are passed on
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/test-env/lib.sh
# File names with non-ASCII characters need a UTF-8 locale in the JVM and in Python.
if [[ -z "${LC_ALL:-}" && "${LANG:-}" != *UTF-8* && "${LANG:-}" != *utf8* ]]; then export LANG=C.UTF-8; fi
need_pkgs openssh-client git util-linux
command -v python3 >/dev/null || need_pkgs python3
# The original's sample projects run on `local` with Debian's Python and its libraries (/usr/bin/python3;
# the data-prep tests and the iris/lr sample runs need pandas, scikit-learn and matplotlib there).
need_pkgs python3 python3-pandas python3-sklearn python3-matplotlib

# start NAME SCRIPT: run a test-env script and take its `export` lines, failing loudly.
start() {
  local out
  log "starting $1"
  out=$("$2") || die "$1 could not be started (see the lines above); the tests need it"
  eval "$out"
}
# The Docker tests need the private test engine and its base image (labrun-test/python:bookworm);
# base-image.sh starts dockerd if needed.
start "the Docker engine and its base image" scripts/test-env/base-image.sh
export DOCKER_HOST
start PostgreSQL scripts/test-env/postgres.sh
start Spark scripts/test-env/spark.sh
# Docker + PySpark tests: the base image plus a Java runtime and the Spark above.
start "the PySpark image" scripts/test-env/pyspark-image.sh
start Chromium scripts/test-env/chromium.sh
start sshd scripts/test-env/sshd.sh
# The S3 object-store tests: S3Proxy on loopback, AWS_ENDPOINT_URL and a test bucket.
start "S3Proxy (S3-compatible storage)" scripts/test-env/s3.sh
# The slurm target's tests: a one-node Slurm (slurmctld, slurmd, munged) on this machine.
start Slurm scripts/test-env/slurm.sh
# Spark on YARN: a ResourceManager and a NodeManager on loopback (MiniYARNCluster), HADOOP_CONF_DIR.
start YARN scripts/test-env/yarn.sh

log "running the test suite (DOCKER_HOST=$DOCKER_HOST)"
exec ./mvnw -B -ntp verify "$@"
