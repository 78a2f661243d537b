#!/usr/bin/env bash
# Starts S3Proxy (an S3-compatible server) on loopback for labrun's object-store tests.
#
#   scripts/test-env/s3.sh         fetch S3Proxy once, start it if not running, verify it,
#                                  print `export VAR=...` lines
#   scripts/test-env/s3.sh stop    stop it (the bucket's contents stay)
#
# S3Proxy (org.gaul:s3proxy, from Maven Central through scripts/test-env/s3/pom.xml) serves the
# S3 API over its local file-system backend: bucket BUCKET is the folder
# /run/labrun-test/s3/data/BUCKET. Signature V2 and V4 with one fixed, throwaway key pair: the
# server listens on 127.0.0.1 only and holds nothing but test data. Path-style addressing
# (http://127.0.0.1:PORT/BUCKET/KEY). State and log: /run/labrun-test/s3/.
#
# Checks after each run: a signed PUT, GET and DELETE of an object in the test bucket (curl
# --aws-sigv4), and an unsigned request refused.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT_SERVICE=s3
# shellcheck source=common-infra.sh
source "$HERE/common-infra.sh"

SRC=$HERE/s3
S3PROXY_VERSION=$(sed -n 's:.*<s3proxy.version>\(.*\)</s3proxy.version>.*:\1:p' "$SRC/pom.xml" | head -n1)
[[ -n $S3PROXY_VERSION ]] || die "no <s3proxy.version> in $SRC/pom.xml"
JARS=$LABRUN_TEST_CACHE/s3proxy-$S3PROXY_VERSION
STATE=$LABRUN_TEST_RUN/s3
DATA=$STATE/data
PIDFILE=$STATE/s3proxy.pid
LOGFILE=$STATE/s3proxy.log
# Throwaway test credentials (loopback only, test data only); fixed so that every shell agrees.
ACCESS_KEY=labrun-test-access
SECRET_KEY=labrun-test-secret-do-not-use
REGION=us-east-1
BUCKET=labrun-test

running() { pid_alive "$PIDFILE" && tr '\0' ' ' <"/proc/$(head -n1 "$PIDFILE")/cmdline" 2>/dev/null | grep -qF org.gaul.s3proxy.Main; }

if [[ ${1:-} == stop ]]; then
  with_lock s3
  stop_pidfile "$PIDFILE" s3proxy
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: $0 [stop]"
command -v java >/dev/null || die "java is not on PATH (S3Proxy needs Java 17+)"
command -v curl >/dev/null || apt_ensure curl

with_lock s3
mkdir -p "$STATE" "$DATA"

# ---- jars (once per version) -----------------------------------------------------
if [[ ! -f $JARS/.labrun-complete ]]; then
  t0=$(now_ms)
  log "fetching S3Proxy $S3PROXY_VERSION and its jars from Maven Central into $JARS"
  rm -rf "$JARS.partial"
  mvn_cmd -q -B -ntp -f "$SRC/pom.xml" package -Ds3proxy.jars.dir="$JARS.partial" \
    -Dlabrun.build.dir="$LABRUN_TEST_CACHE/s3proxy-$S3PROXY_VERSION-build" >"$STATE/mvn.log" 2>&1 \
    || die_with_log "$STATE/mvn.log" "mvn could not gather the S3Proxy jars"
  [[ -f $JARS.partial/s3proxy-$S3PROXY_VERSION.jar ]] || die_with_log "$STATE/mvn.log" "s3proxy jar missing after mvn"
  touch "$JARS.partial/.labrun-complete"
  rm -rf "$JARS"
  mv "$JARS.partial" "$JARS"
  log "jars ready in $(( ($(now_ms) - t0) / 1000 ))s: $(ls "$JARS" | wc -l) files"
fi

# ---- start -----------------------------------------------------------------------
if running; then
  PORT=$(cat "$STATE/port")
  log "already running (pid $(cat "$PIDFILE"), port $PORT)"
else
  t0=$(now_ms)
  prev=$(cat "$STATE/port" 2>/dev/null || true)
  PORT=$(pick_port ${prev:+"$prev"} 19000 19001 19002 19003)
  echo "$PORT" >"$STATE/port"
  cat >"$STATE/s3proxy.conf" <<EOF
# written by scripts/test-env/s3.sh on each start
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$DATA
EOF
  log "starting S3Proxy $S3PROXY_VERSION on 127.0.0.1:$PORT (data in $DATA)"
  # setsid: the server outlives the caller's process group; 9>&-: not our lock.
  setsid java -Xmx512m -Dlogback.configurationFile="$SRC/logback.xml" -cp "$JARS/*" org.gaul.s3proxy.Main \
    --properties "$STATE/s3proxy.conf" >"$LOGFILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
  for ((i = 0; i < 600; i++)); do
    pid_alive "$PIDFILE" || die_with_log "$LOGFILE" "S3Proxy exited"
    tcp_open "$PORT" && break
    sleep 0.1
  done
  tcp_open "$PORT" || die_with_log "$LOGFILE" "S3Proxy does not listen on 127.0.0.1:$PORT after 60s"
  log "S3Proxy up in $(( $(now_ms) - t0 )) ms"
fi

# ---- bucket and verification ------------------------------------------------------
URL=http://127.0.0.1:$PORT
# curl 7.88 does not send x-amz-content-sha256 by itself, which S3Proxy requires (HTTP 500 without).
s3curl() { curl -sS --fail-with-body --max-time 30 -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" "$@"; }
# The file-system backend keeps a bucket as a folder, private (a world-readable one would be public-read).
if [[ ! -d $DATA/$BUCKET ]]; then
  s3curl -X PUT "$URL/$BUCKET" >"$STATE/verify.log" 2>&1 || die_with_log "$STATE/verify.log" "could not create bucket $BUCKET"
fi
chmod 700 "$DATA/$BUCKET"
probe="labrun-probe-$$"
printf 'labrun s3 probe\n' >"$STATE/probe"
s3curl -T "$STATE/probe" "$URL/$BUCKET/$probe" >"$STATE/verify.log" 2>&1 || die_with_log "$STATE/verify.log" "a signed PUT into $BUCKET failed"
[[ $(s3curl "$URL/$BUCKET/$probe" 2>>"$STATE/verify.log") == "labrun s3 probe" ]] || die_with_log "$STATE/verify.log" "a signed GET did not return what was PUT"
s3curl -X DELETE "$URL/$BUCKET/$probe" >>"$STATE/verify.log" 2>&1 || die_with_log "$STATE/verify.log" "a signed DELETE failed"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/$BUCKET/") || true
[[ $code == 403 ]] || die "an unsigned request got HTTP $code, not 403: S3Proxy does not check credentials"
log "verified: signed PUT/GET/DELETE in bucket $BUCKET at $URL, unsigned request refused"

cat <<EOF
export AWS_ENDPOINT_URL=$URL
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_REGION=$REGION
export LABRUN_TEST_S3_BUCKET=$BUCKET
export LABRUN_TEST_S3_DATA=$DATA
EOF
