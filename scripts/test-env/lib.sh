# shellcheck shell=bash
# Shared helpers for scripts/test-env/*.sh. Source it; do not execute it.
#
#   log MSG...            timestamped line on stderr
#   die MSG...            log "ERROR: MSG" and exit 1
#   need_cmd CMD...       die unless every CMD is on PATH
#   need_pkgs PKG...      apt-get install only the packages not yet installed
#                         (at most one `apt-get update` per run)
#   wait_for CMD TIMEOUT  run CMD (a string, eval'ed) until it succeeds or
#                         TIMEOUT seconds pass; returns 1 on timeout
#   elapsed_since T0      seconds (1 decimal) since T0=$(now_ns)

set -euo pipefail

# Everything lives under these; other scripts may override before sourcing.
: "${LABRUN_TEST_RUN:=/run/labrun-test}"
: "${LABRUN_TEST_CACHE:=/var/cache/labrun-test}"

_labrun_script_name="$(basename -- "${0:-test-env}")"

log() {
	printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "$_labrun_script_name" "$*" >&2
}

die() {
	log "ERROR: $*"
	exit 1
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || die "required command '$c' not found on PATH"
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (needs apt-get, dockerd, debootstrap)"
}

now_ns() { date +%s%N; }

elapsed_since() {
	local t0=$1 t1
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

_labrun_apt_updated=0

# need_pkgs PKG... : installs only the missing ones, non-interactively.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	need_root
	export DEBIAN_FRONTEND=noninteractive
	local out
	out=$(mktemp)
	if [ "$_labrun_apt_updated" -eq 0 ]; then
		log "apt-get update"
		if ! apt-get update -q >"$out" 2>&1; then
			tail -n 15 "$out" >&2
			rm -f "$out"
			die "apt-get update failed"
		fi
		_labrun_apt_updated=1
	fi
	log "apt-get install ${missing[*]}"
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$out" 2>&1; then
		tail -n 15 "$out" >&2
		rm -f "$out"
		die "apt-get install ${missing[*]} failed"
	fi
	rm -f "$out"
}

# wait_for 'CMD' TIMEOUT_SECONDS
wait_for() {
	local cmd=$1 timeout=$2 deadline
	deadline=$(($(date +%s) + timeout))
	while :; do
		if eval "$cmd" >/dev/null 2>&1; then
			return 0
		fi
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.2
	done
}
