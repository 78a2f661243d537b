#!/usr/bin/env bash
# labrun's own SHA-256 (labrun-objects-s3 Sha256, whose state a streamed upload saves in the bucket)
# against the JDK's (which uses the CPU's SHA instructions where it can): MiB/s over 8 MiB buffers,
# 512 MiB a round, with the JIT the server runs with (C2). Results: docs/benchmarks.md.
#   bench/sha256-rate.sh [ROUNDS]     # default 5; the first round includes the JIT's warm-up
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
classes=labrun-objects-s3/target/classes:labrun-objects-s3/target/test-classes:labrun-core/target/classes
[[ -f labrun-objects-s3/target/test-classes/io/labrun/objects/s3/Sha256Rate.class ]] \
  || ./mvnw -q -B -ntp -pl labrun-objects-s3 -am test-compile
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
java -XX:+UseSerialGC -cp "$classes" io.labrun.objects.s3.Sha256Rate "${1:-5}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
