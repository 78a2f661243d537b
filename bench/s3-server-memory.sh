#!/usr/bin/env bash
# Where a labrun server's memory goes while a large file passes through S3: the server with the JVM
# options bin/labrun gives it (-XX:+UseSerialGC -Xss1m -Xms32m -Xmx256m) plus Native Memory Tracking
# and EXTRA (more JVM options, e.g. EXTRA=-Xlog:gc*:file=gc.log); a SIZE_MiB upload (curl PUT, as
# the CLI sends a missing file), the run that copies it into an artifact, and `history download`.
# RSS every 200 ms, `jcmd VM.native_memory summary` every 3 s (kept in the work folder, printed:
# the one at the highest RSS), the heap and the live-object histogram at the end.
#   bench/s3-server-memory.sh [SIZE_MiB]     # default 512; needs scripts/test-env/s3.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/test-env/lib.sh
eval "$(scripts/test-env/s3.sh)" || die "could not start the test S3 server"
size_mib=${1:-512}; extra=${EXTRA:-}
work=$(mktemp -d); echo "work folder: $work"
jar=$root/labrun-cli/target/labrun.jar
java=java
opts=(-XX:+UseSerialGC -Xss1m -Xms32m -Xmx256m -XX:NativeMemoryTracking=summary $extra)
export LABRUN_DAEMON=0 LABRUN_LAUNCHER=$root/bin/labrun
prefix="nmt-$(date +%s)"; objects="s3://$LABRUN_TEST_S3_BUCKET/$prefix"
token=$(LABRUN_HOME="$work/server" $root/bin/labrun server token create --name bench --role admin)
LABRUN_HOME="$work/server" $java "${opts[@]}" -jar $jar server --port 0 --objects "$objects" >"$work/server.log" 2>&1 &
jpid=$!
for _ in $(seq 1 300); do grep -q 'listening on' "$work/server.log" && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/ .*/\1/p' "$work/server.log")
(while kill -0 "$jpid" 2>/dev/null; do echo "$(date +%s.%N) $(awk '/^VmRSS:/{print $2}' /proc/$jpid/status)"; sleep 0.2; done) >"$work/rss.kb" 2>/dev/null &
sampler=$!
(i=0; while kill -0 "$jpid" 2>/dev/null; do jcmd $jpid VM.native_memory summary > "$work/nmt.$(printf %04d $i).txt" 2>/dev/null; echo "$(date +%s.%N) $(awk '/^VmRSS:/{print $2}' /proc/$jpid/status)" >> "$work/nmt.$(printf %04d $i).txt"; i=$((i+1)); sleep 3; done) &
nmt=$!
export LABRUN_HOME="$work/client" LABRUN_SERVER="$url" LABRUN_TOKEN="$token"
mkdir -p "$work/client"; (cd "$work" && $root/bin/labrun project init big >/dev/null)
head -c "$((size_mib << 20))" /dev/urandom >"$work/big/data.bin"
cat >"$work/big/train.py" <<PY
import os, sys
os.makedirs("outputs", exist_ok=True)
with open("data.bin", "rb") as src, open("outputs/model.bin", "wb") as out:
    while True:
        b = src.read(1 << 20)
        if not b:
            break
        out.write(b)
PY
sha=$(sha256sum "$work/big/data.bin" | cut -d' ' -f1)
echo "up $(date +%T)"; curl -sS -o /dev/null -w '%{http_code}\n' -T "$work/big/data.bin" -H "Authorization: Bearer $token" "$url/api/v1/objects/$sha"
echo "run $(date +%T)"; (cd "$work/big" && $root/bin/labrun experiment submit -c local train.py write >"$work/submit.out" 2>"$work/submit.err")
run=$(sed -n 's/^RunId: \([^ ]*\).*/\1/p' "$work/submit.err")
echo "down $(date +%T)"; $root/bin/labrun history download -r "$run" -d "$work/dl" >/dev/null
cmp "$work/dl/outputs/model.bin" "$work/big/data.bin" && echo same
rm -rf "$work/dl" "$work/big/data.bin"
jcmd $jpid VM.native_memory summary > "$work/nmt.final.txt"
jcmd $jpid GC.heap_info > "$work/heap.final.txt"; jcmd $jpid GC.class_histogram | head -25 > "$work/histo.final.txt"
kill $nmt $sampler 2>/dev/null || true
kill $jpid; wait $jpid 2>/dev/null || true
echo "max RSS KiB: $(awk '{print $2}' $work/rss.kb | sort -n | tail -1)"
best=$(for f in $work/nmt.0*.txt; do echo "$(tail -1 $f | awk '{print $2}') $f"; done | sort -n | tail -1 | cut -d' ' -f2)
echo "NMT at the highest RSS ($best):"
grep -E "Total|committed=" "$best" | grep -v "^ *(" | head -24
echo "live objects at the end:"; head -12 "$work/histo.final.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
