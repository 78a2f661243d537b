# shellcheck shell=bash
# Shared helpers for scripts/test-env/{sshd,postgres,chromium,spark}.sh.
# Sourced, never executed. Everything logs to stderr; stdout is reserved for
# the `export VAR=...` lines that the calling script prints.

LABRUN_TEST_RUN=${LABRUN_TEST_RUN:-/run/labrun-test}
LABRUN_TEST_CACHE=${LABRUN_TEST_CACHE:-/var/cache/labrun-test}

log() { printf '[%s %s] %s\n' "${LT_SERVICE:-test-env}" "$(date +%H:%M:%S)" "$*" >&2; }

die() { log "ERROR: $*"; exit 1; }

# die_with_log FILE MESSAGE: fail, showing the last lines of a service log.
die_with_log() {
  local file=$1; shift
  log "ERROR: $*"
  if [[ -f $file ]]; then
    log "---- last 40 lines of $file ----"
    tail -n 40 "$file" >&2 || true
    log "---- end of $file ----"
  else
    log "(no log file at $file)"
  fi
  exit 1
}

# mvn_cmd ARGS...: Maven, the system's or else the project's ./mvnw (to fetch jars from Maven Central).
mvn_cmd() {
  local wrapper
  wrapper="$(dirname "${BASH_SOURCE[0]}")/../../mvnw"
  if command -v mvn >/dev/null; then mvn "$@"
  elif [[ -x $wrapper ]]; then "$wrapper" "$@"
  else die "neither mvn nor ./mvnw found"; fi
}

# now_ms: wall clock in milliseconds (for measurements).
now_ms() { date +%s%3N; }

# pkg_installed PKG: true if the Debian package is installed.
pkg_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

# apt_ensure PKG...: install the missing Debian packages (and only them).
# Waits for the dpkg lock (other scripts may install at the same time).
apt_ensure() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  local t0; t0=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  local aptopts=(-o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # Update the lists if they are missing or older than a day.
  if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1) ]]; then
    log "apt-get update"
    apt-get "${aptopts[@]}" update -qq >&2 || die "apt-get update failed"
  fi
  log "installing Debian packages: ${missing[*]}"
  if ! apt-get "${aptopts[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2; then
    log "install failed; refreshing package lists and retrying once"
    apt-get "${aptopts[@]}" update -qq >&2 || true
    apt-get "${aptopts[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2 \
      || die "apt-get install ${missing[*]} failed"
  fi
  log "installed ${missing[*]} in $(( ($(now_ms) - t0) / 1000 ))s"
}

# port_free PORT: true if nothing listens on 127.0.0.1:PORT (bind test, with
# SO_REUSEADDR like the servers themselves, so TIME_WAIT leftovers of a
# stopped server do not count as busy).
port_free() {
  /usr/bin/python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

# pick_port PREFERRED...: print the first free port among the preferred ones,
# else one the kernel hands out.
pick_port() {
  local p
  for p in "$@"; do
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# tcp_open PORT: true if something accepts connections on 127.0.0.1:PORT.
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE: true if the pid file names a live process.
pid_alive() {
  local f=$1 pid
  [[ -s $f ]] || return 1
  pid=$(head -n1 "$f" 2>/dev/null | tr -dc '0-9')
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# stop_pidfile PIDFILE [NAME]: TERM the process, wait up to 20s, then KILL.
stop_pidfile() {
  local f=$1 name=${2:-process} pid i
  if ! pid_alive "$f"; then rm -f "$f"; log "$name not running"; return 0; fi
  pid=$(head -n1 "$f" | tr -dc '0-9')
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop after 20s; killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# rss_kb PID: resident set size of one process, in KiB (0 if gone).
rss_kb() { awk '/^VmRSS:/{print $2; f=1} END{if(!f) print 0}' "/proc/$1/status" 2>/dev/null || echo 0; }

# random_secret: print 24 random alphanumeric characters (no newline).
random_secret() {
  /usr/bin/python3 -c 'import secrets, string, sys; a = string.ascii_letters + string.digits; sys.stdout.write("".join(secrets.choice(a) for _ in range(24)))'
}

# write_secret FILE VALUE: write VALUE (no newline) to FILE, mode 0600, atomically.
write_secret() {
  local tmp; tmp=$(mktemp "$1.XXXXXX")
  chmod 600 "$tmp"
  printf '%s' "$2" >"$tmp"
  mv -f "$tmp" "$1"
}

# with_lock NAME: take an exclusive lock on /run/labrun-test/infra-<NAME>.lock
# for the rest of the calling script (serialises concurrent starts of one
# service). Uses file descriptor 9: start every daemon with `9>&-`, or it
# holds the lock for its whole life.
with_lock() {
  mkdir -p "$LABRUN_TEST_RUN"
  exec 9>"$LABRUN_TEST_RUN/infra-$1.lock"
  flock -w 900 9 || die "could not lock $LABRUN_TEST_RUN/infra-$1.lock"
}

# without_service_autostart CMD...: run CMD (an apt install) with a
# policy-rc.d that forbids maintainer scripts to start daemons, so that
# installing openssh-server or postgresql never starts a system sshd on
# 0.0.0.0:22 or the default cluster on 5432. Leaves an existing policy alone.
without_service_autostart() {
  local policy=/usr/sbin/policy-rc.d created=0 rc=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# written by labrun scripts/test-env (temporary)\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created=1
  fi
  ( "$@" ) || rc=$?  # subshell: a die inside still removes the policy
  if ((created)); then rm -f "$policy"; fi
  return "$rc"
}
