#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine as root (or with what is already installed):
# installs and starts what the tests need, then runs every unit and integration test.
#   scripts/test.sh                          # everything
#   scripts/test.sh -pl labrun-format -am    # extra Maven arguments are passed on
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/test-env/lib.sh
need_pkgs openssh-client git
command -v python3 >/dev/null || need_pkgs python3
# The Docker tests need the private test engine and its base image (labrun-test/python:bookworm);
# base-image.sh starts dockerd if needed and prints the DOCKER_HOST export line.
env_line=$(scripts/test-env/base-image.sh) || die "could not start the test Docker engine or build its base image"
eval "$env_line"
export DOCKER_HOST
log "running the test suite (DOCKER_HOST=$DOCKER_HOST)"
exec ./mvnw -B -ntp verify "$@"
