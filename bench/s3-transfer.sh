#!/usr/bin/env bash
# A large artifact through `labrun server --objects s3://...` against the same S3 server reached
# directly, side by side, with the server's RSS sampled every 200 ms:
#   up:   a SIZE_MiB file uploaded as the CLI uploads a missing file (PUT /api/v1/objects/SHA: the
#         server hashes it as it arrives and sends it on to S3 in parallel parts), against the AWS
#         SDK's own S3TransferManager (bench/transfer-manager: the Java multipart S3AsyncClient,
#         16 MiB parts; seconds inside its JVM, its start not counted) and one streamed
#         `curl --aws-sigv4 -T` PUT of the same file straight to S3;
#   down: `history download` of a SIZE_MiB artifact through the server (a CLI JVM, its start
#         counted), against S3TransferManager.downloadFile and `curl` GET of its object straight
#         from S3.
# Needs the test S3 server (scripts/test-env/s3.sh). Results: docs/benchmarks.md.
#   bench/s3-transfer.sh [SIZE_MiB]     # default 1024
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/test-env/lib.sh
size_mib="${1:-1024}"
env_line=$(scripts/test-env/s3.sh) || die "could not start the test S3 server"
eval "$env_line"
[[ -f labrun-cli/target/labrun.jar ]] || ./mvnw -q -B -DskipTests package
tm_dir=bench/transfer-manager
[[ -f $tm_dir/target/cp.txt ]] || ./mvnw -q -B -f $tm_dir/pom.xml package dependency:build-classpath -Dmdep.outputFile=target/cp.txt
tm() { java -cp "$tm_dir/target/classes:$(cat $tm_dir/target/cp.txt)" TransferManagerBench "$@" 2>"$work/tm.err" || die "S3TransferManager $1 failed: $(grep -v SLF4J "$work/tm.err" | head -3)"; }
labrun="$root/bin/labrun"

work=$(mktemp -d)
server_pid=
sampler_pid=
cleanup() {
  [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT
export LABRUN_DAEMON=0
prefix="bench-$(date +%s)"
objects="s3://$LABRUN_TEST_S3_BUCKET/$prefix"
s3url="$AWS_ENDPOINT_URL/$LABRUN_TEST_S3_BUCKET"
s3curl() { curl -sS --fail --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
rate() { awk -v m="$size_mib" -v s="$1" 'BEGIN { printf "%.0f", m / s }'; }

# The server, on its own data folder, objects in the bucket.
token=$(LABRUN_HOME="$work/server" "$labrun" server token create --name bench --role admin)
LABRUN_HOME="$work/server" "$labrun" server --port 0 --objects "$objects" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do grep -q 'listening on' "$work/server.log" && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/ .*/\1/p' "$work/server.log")
[[ -n $url ]] || die "labrun server did not start: $(cat "$work/server.log")"
jpid=$(pgrep -P "$server_pid" java || echo "$server_pid")
(while kill -0 "$jpid" 2>/dev/null; do awk '/^VmRSS:/{print $2}' "/proc/$jpid/status"; sleep 0.2; done) >"$work/rss.kb" 2>/dev/null &
sampler_pid=$!

export LABRUN_HOME="$work/client" LABRUN_SERVER="$url" LABRUN_TOKEN="$token"
mkdir -p "$work/client"
(cd "$work" && "$labrun" project init big >/dev/null)
head -c "$((size_mib << 20))" /dev/urandom >"$work/big/data.bin"
cat >"$work/big/train.py" <<EOF
import os, sys
os.makedirs("outputs", exist_ok=True)
if sys.argv[1] == "write":
    with open("data.bin", "rb") as src, open("outputs/model.bin", "wb") as out:
        while True:
            b = src.read(1 << 20)
            if not b:
                break
            out.write(b)
EOF
log "load average: $(cut -d' ' -f1-3 /proc/loadavg); ${size_mib} MiB"

sha=$(sha256sum "$work/big/data.bin" | cut -d' ' -f1)
t0=$(date +%s%N)
code=$(curl -sS -o "$work/put.out" -w '%{http_code}' -T "$work/big/data.bin" -H "Authorization: Bearer $token" "$url/api/v1/objects/$sha")
t1=$(date +%s%N)
[[ $code == 201 ]] || die "upload through the server answered $code: $(cat "$work/put.out")"
up_labrun=$(secs "$t0" "$t1")
# The run that makes the artifact (not timed): its data.bin is on the server already, so nothing is uploaded.
(cd "$work/big" && "$labrun" experiment submit -c local train.py write >"$work/submit.out" 2>"$work/submit.err") \
  || die "the run that makes the artifact failed: $(tail -3 "$work/submit.err")"
run=$(sed -n 's/^RunId: \([^ ]*\).*/\1/p' "$work/submit.err")
[[ -n $run ]] || die "submit failed: $(cat "$work/submit.err")"

t0=$(date +%s%N)
s3curl -T "$work/big/data.bin" "$s3url/$prefix/direct.bin" >/dev/null
t1=$(date +%s%N)
up_direct=$(secs "$t0" "$t1")

up_tm=$(tm up "$LABRUN_TEST_S3_BUCKET" "$prefix/tm.bin" "$work/big/data.bin")

t0=$(date +%s%N)
"$labrun" history download -r "$run" -d "$work/dl" >/dev/null
t1=$(date +%s%N)
down_labrun=$(secs "$t0" "$t1")
cmp -s "$work/dl/outputs/model.bin" "$work/big/data.bin" || die "the downloaded artifact differs"
rm -rf "$work/dl"

t0=$(date +%s%N)
s3curl -o "$work/direct.bin" "$s3url/$prefix/direct.bin"
t1=$(date +%s%N)
down_direct=$(secs "$t0" "$t1")
rm -f "$work/direct.bin"
down_tm=$(tm down "$LABRUN_TEST_S3_BUCKET" "$prefix/tm.bin" "$work/tm.bin")
cmp -s "$work/tm.bin" "$work/big/data.bin" || die "the transfer manager's download differs"
rm -f "$work/tm.bin"

kill "$sampler_pid" 2>/dev/null || true
sampler_pid=
max_rss=$(sort -n "$work/rss.kb" | tail -1)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "up   (PUT /api/v1/objects): labrun server ${up_labrun} s ($(rate "$up_labrun") MiB/s) | S3TransferManager direct ${up_tm} s ($(rate "$up_tm") MiB/s) | curl PUT direct ${up_direct} s ($(rate "$up_direct") MiB/s) | labrun/TM $(ratio "$up_tm" "$up_labrun")x"
echo "down (history download):    labrun server ${down_labrun} s ($(rate "$down_labrun") MiB/s) | S3TransferManager direct ${down_tm} s ($(rate "$down_tm") MiB/s) | curl GET direct ${down_direct} s ($(rate "$down_direct") MiB/s) | labrun/TM $(ratio "$down_tm" "$down_labrun")x"
echo "server RSS: max $((max_rss / 1024)) MiB over $(wc -l <"$work/rss.kb") samples; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
