#!/usr/bin/env bash
# Installs and checks Debian's headless Chromium for labrun's web-UI tests.
#
#   scripts/test-env/chromium.sh          install if needed, verify (once per
#                                         Chromium/playwright version), print
#                                         `export VAR=...` lines
#   scripts/test-env/chromium.sh verify   verify again even if done before
#   scripts/test-env/chromium.sh stop     nothing runs for long; removes a
#                                         leftover page server, if any
#
# Verification: (1) chromium --headless --screenshot of a page served by
# `python3 -m http.server` on 127.0.0.1; (2) `npm ci` in browser/ (once) and
# browser/smoke.mjs: playwright-core launches /usr/bin/chromium, clicks a
# button, checks the text and takes a screenshot. Screenshots land in
# /run/labrun-test/chromium/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT_SERVICE=chromium
# shellcheck source=common-infra.sh
source "$HERE/common-infra.sh"

STATE=$LABRUN_TEST_RUN/chromium
BROWSER_DIR=$HERE/browser
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
HTTP_PIDFILE=$STATE/http.pid
HTTP_LOG=$STATE/http.log
STAMP=$STATE/verified
# The flags every labrun browser test should pass (root, no GPU, closed network).
FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync)

print_env() {
  cat <<EOF
export LABRUN_TEST_CHROMIUM=$CHROMIUM
export LABRUN_TEST_CHROMEDRIVER=$CHROMEDRIVER
export LABRUN_TEST_CHROMIUM_FLAGS="${FLAGS[*]}"
export LABRUN_TEST_PLAYWRIGHT_DIR=$BROWSER_DIR
EOF
}

mode=${1:-}
case $mode in
  stop)
    stop_pidfile "$HTTP_PIDFILE" "page server"
    exit 0 ;;
  ''|verify) ;;
  *) die "usage: $0 [verify|stop]" ;;
esac
[[ $EUID -eq 0 ]] || die "must run as root"

with_lock chromium
mkdir -p "$STATE"

# fonts-liberation: so that text in screenshots renders (a Recommends of
# chromium, which --no-install-recommends would skip).
apt_ensure chromium chromium-driver fonts-liberation
[[ -x $CHROMIUM ]] || die "$CHROMIUM missing after install"
version=$("$CHROMIUM" --version 2>/dev/null) || die "$CHROMIUM --version failed"

# node_modules is rebuilt when missing or older than package-lock.json.
npm_ready() {
  [[ -f $BROWSER_DIR/node_modules/.package-lock.json && -d $BROWSER_DIR/node_modules/playwright-core ]] \
    && [[ ! $BROWSER_DIR/package-lock.json -nt $BROWSER_DIR/node_modules/.package-lock.json ]]
}
if ! npm_ready; then
  command -v npm >/dev/null || die "npm not found"
  t0=$(now_ms)
  log "npm ci in $BROWSER_DIR"
  (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed in $BROWSER_DIR"
  log "npm ci done in $(( $(now_ms) - t0 )) ms"
fi

stamp_value="$version | $(sha256sum "$BROWSER_DIR/package-lock.json" "$BROWSER_DIR/smoke.mjs" | cut -c1-16 | tr '\n' ' ')"
if [[ $mode != verify && -f $STAMP && $(cat "$STAMP") == "$stamp_value" ]]; then
  log "$version already verified"
  print_env
  exit 0
fi

# ---- 1. plain headless screenshot of a page on loopback --------------------------
stop_pidfile "$HTTP_PIDFILE" "old page server" 2>/dev/null
WWW=$STATE/www
mkdir -p "$WWW"
cat >"$WWW/index.html" <<'EOF'
<!doctype html>
<html><head><meta charset="utf-8"><title>labrun smoke</title></head>
<body style="font-family: sans-serif; padding: 2em">
  <h1>labrun browser smoke test</h1>
  <p id="status">waiting</p>
  <button id="go" onclick="document.getElementById('status').textContent = 'clicked'">Click me</button>
</body></html>
EOF
PORT=$(pick_port 18080 18081 18082)
(cd / && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$WWW" "$PORT") >"$HTTP_LOG" 2>&1 9>&- </dev/null &
echo $! >"$HTTP_PIDFILE"
trap 'stop_pidfile "$HTTP_PIDFILE" "page server" 2>/dev/null || true' EXIT
for ((i = 0; i < 100; i++)); do tcp_open "$PORT" && break; sleep 0.1; done
tcp_open "$PORT" || die_with_log "$HTTP_LOG" "page server did not start on 127.0.0.1:$PORT"

shot=$STATE/screenshot.png
chrome_log=$STATE/chromium-screenshot.log
profile=$(mktemp -d)
rm -f "$shot"
t0=$(now_ms)
timeout 120 "$CHROMIUM" "${FLAGS[@]}" --user-data-dir="$profile" --window-size=800,400 \
  --screenshot="$shot" "http://127.0.0.1:$PORT/" >"$chrome_log" 2>&1 </dev/null 9>&- || true
rm -rf "$profile"
[[ -s $shot && $(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] \
  || die_with_log "$chrome_log" "chromium --headless --screenshot produced no PNG"
grep -q '"GET / HTTP' "$HTTP_LOG" || die_with_log "$HTTP_LOG" "chromium never fetched the page"
log "headless screenshot ok in $(( $(now_ms) - t0 )) ms: $shot"

# ---- 2. playwright-core drives the same Chromium ------------------------------------
pw_shot=$STATE/playwright.png
pw_log=$STATE/playwright.log
rm -f "$pw_shot"
t0=$(now_ms)
LABRUN_TEST_CHROMIUM=$CHROMIUM timeout 180 node "$BROWSER_DIR/smoke.mjs" "$pw_shot" "http://127.0.0.1:$PORT/" \
  >"$pw_log" 2>&1 </dev/null 9>&- || die_with_log "$pw_log" "playwright smoke test failed"
[[ -s $pw_shot ]] || die_with_log "$pw_log" "playwright smoke test wrote no screenshot"
log "playwright smoke ok in $(( $(now_ms) - t0 )) ms: $pw_shot"

echo "$stamp_value" >"$STAMP"
log "verified $version"
print_env
