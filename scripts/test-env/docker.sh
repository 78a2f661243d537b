#!/usr/bin/env bash
# Private Docker engine for labrun's tests, on its own socket.
#
#   docker.sh [start]   install docker.io if needed, start dockerd if not running,
#                       print `export DOCKER_HOST=...` on stdout (eval it)
#   docker.sh env       print the export line only (no checks)
#   docker.sh status    exit 0 if the engine answers, 1 otherwise
#   docker.sh stop      stop dockerd (and its containerd); keeps images
#   docker.sh purge     stop, then delete the engine's data-root (images, containers)
#
# Environment overrides:
#   LABRUN_DOCKER_STORAGE_DRIVER  force a storage driver (overlay2|fuse-overlayfs|vfs)
#   LABRUN_DOCKER_START_TIMEOUT   seconds to wait for the API (default 60)
set -euo pipefail
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

RUN_DIR="$LABRUN_TEST_RUN"
SOCK="$RUN_DIR/docker.sock"
DOCKER_HOST_URL="unix://$SOCK"
DATA_ROOT=/var/lib/labrun-test-docker
EXEC_ROOT="$RUN_DIR/exec"
PIDFILE="$RUN_DIR/dockerd.pid"
LOGFILE="$RUN_DIR/dockerd.log"
CONFIG="$RUN_DIR/daemon.json"
LOCK="$RUN_DIR/docker.lock"
START_TIMEOUT="${LABRUN_DOCKER_START_TIMEOUT:-60}"

export DOCKER_HOST="$DOCKER_HOST_URL"

dockerd_pid() {
	local pid
	[ -s "$PIDFILE" ] || return 1
	pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	# the pid must really be a dockerd (pids get reused after a reboot)
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
	echo "$pid"
}

api_ok() { docker -H "$DOCKER_HOST_URL" info >/dev/null 2>&1; }

print_env() { echo "export DOCKER_HOST=$DOCKER_HOST_URL"; }

install_engine() {
	if command -v dockerd >/dev/null 2>&1 && command -v containerd >/dev/null 2>&1 \
		&& command -v runc >/dev/null 2>&1; then
		return 0
	fi
	# The package's postinst would start a system dockerd on /var/run/docker.sock
	# via invoke-rc.d; a policy-rc.d that says 101 stops that. Add one only for
	# the duration of the install if the machine has none.
	local added_policy=0 t0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		added_policy=1
	fi
	t0=$(now_ns)
	# iptables is a hard Depends of docker.io even though we run with --iptables=false
	need_pkgs docker.io
	[ "$added_policy" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
	log "docker.io installed in $(elapsed_since "$t0")s"
	command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd is not on PATH"
}

check_cgroups() {
	# dockerd (cgroupfs driver) needs either a cgroup v2 hierarchy or the v1
	# controllers mounted under /sys/fs/cgroup.
	if [ -f /sys/fs/cgroup/cgroup.controllers ] || [ -d /sys/fs/cgroup/devices ] \
		|| [ -d /sys/fs/cgroup/memory ]; then
		return 0
	fi
	die "no cgroup hierarchy under /sys/fs/cgroup (mount cgroup2 there, or install cgroupfs-mount and run it)"
}

# Pick the storage driver: overlay2 if the data-root's filesystem takes an
# overlay mount, else fuse-overlayfs if /dev/fuse exists, else vfs (slow, no CoW).
pick_storage_driver() {
	if [ -n "${LABRUN_DOCKER_STORAGE_DRIVER:-}" ]; then
		echo "$LABRUN_DOCKER_STORAGE_DRIVER"
		return
	fi
	# Once the data-root was set up with one driver, keep it: switching would
	# hide all images made with the other one.
	local d
	for d in overlay2 fuse-overlayfs vfs; do
		if [ -d "$DATA_ROOT/$d" ] && [ -n "$(ls -A "$DATA_ROOT/$d" 2>/dev/null)" ]; then
			echo "$d"
			return
		fi
	done
	local probe
	probe=$(mktemp -d "$DATA_ROOT/.overlay-probe.XXXXXX")
	mkdir -p "$probe"/{lower,upper,work,merged}
	if mount -t overlay overlay \
		-o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" \
		"$probe/merged" 2>/dev/null; then
		umount "$probe/merged"
		rm -rf "$probe"
		echo overlay2
		return
	fi
	rm -rf "$probe"
	if [ -c /dev/fuse ]; then
		echo fuse-overlayfs
		return
	fi
	echo vfs
}

# the log's last lines without containerd's gRPC connection chatter
log_tail() { grep -v 'module=grpc' "$LOGFILE" | tail -n 20; }

start_engine() {
	check_cgroups
	mkdir -p "$RUN_DIR" "$DATA_ROOT"
	chmod 711 "$DATA_ROOT"
	# An empty config file so a host /etc/docker/daemon.json can't change our
	# engine (and can't clash with the flags below).
	echo '{}' >"$CONFIG"
	rm -f "$PIDFILE" "$SOCK"

	local driver t0 pid
	driver=$(pick_storage_driver)
	# dockerd's fuse-overlayfs driver needs the helper binary
	if [ "$driver" = fuse-overlayfs ]; then need_pkgs fuse-overlayfs; fi
	log "starting dockerd (storage driver $driver), log: $LOGFILE"
	t0=$(now_ns)
	# HTTP(S)_PROXY to a closed loopback port: any registry pull (e.g. a stray
	# `FROM python:3.11`) fails at once on 127.0.0.1 instead of sending DNS and
	# TCP traffic off the machine. Tests must only use locally built images.
	# keep the log bounded across many starts
	if [ -f "$LOGFILE" ] && [ "$(stat -c %s "$LOGFILE")" -gt 5000000 ]; then
		mv -f "$LOGFILE" "$LOGFILE.old"
	fi
	echo "---- $(date -u +%FT%TZ) start" >>"$LOGFILE"
	# From /: the daemon must not hold on to (or depend on) the caller's folder.
	cd /
	env HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.1,::1 \
		http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy=localhost,127.0.0.1,::1 \
		setsid dockerd \
		--config-file "$CONFIG" \
		--host "$DOCKER_HOST_URL" \
		--data-root "$DATA_ROOT" \
		--exec-root "$EXEC_ROOT" \
		--pidfile "$PIDFILE" \
		--storage-driver "$driver" \
		--bridge=none \
		--iptables=false \
		--ip-masq=false \
		--ip-forward=false \
		</dev/null >>"$LOGFILE" 2>&1 8>&- 9>&- &
	pid=$!
	disown "$pid" 2>/dev/null || true

	local deadline=$(($(date +%s) + START_TIMEOUT))
	until api_ok; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "dockerd exited during start-up; last lines of $LOGFILE:"
			log_tail >&2
			die "dockerd failed to start: $(grep -v 'module=grpc' "$LOGFILE" | grep . | tail -n 1)"
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			log "dockerd did not answer within ${START_TIMEOUT}s; last lines of $LOGFILE:"
			log_tail >&2
			kill "$pid" 2>/dev/null || true
			die "dockerd did not come up on $SOCK"
		fi
		sleep 0.1
	done
	log "dockerd pid $pid answers on $SOCK after $(elapsed_since "$t0")s"
}

report_versions() {
	# Whichever `docker` is first on PATH (a newer client in /usr/local/bin or
	# Debian's /usr/bin/docker) negotiates the API version down to the engine's.
	local v
	v=$(docker -H "$DOCKER_HOST_URL" version \
		--format 'client {{.Client.Version}} (API {{.Client.APIVersion}}), server {{.Server.Version}} (API {{.Server.APIVersion}})' 2>&1) \
		|| die "'$(command -v docker)' can't talk to the engine: $v"
	log "$(command -v docker): $v"
}

cmd_start() {
	need_root
	mkdir -p "$RUN_DIR"
	# fd 9 holds the lock; start_engine closes it for dockerd, which would
	# otherwise inherit it and hold the lock forever.
	exec 9>"$LOCK"
	flock -w 120 9 || die "another docker.sh holds $LOCK"
	if dockerd_pid >/dev/null && api_ok; then
		print_env
		return 0
	fi
	if pid=$(dockerd_pid); then
		# running but not (yet) answering: maybe starting; give it a moment
		if wait_for api_ok 20; then
			print_env
			return 0
		fi
		die "dockerd pid $pid runs but $SOCK does not answer (try: $0 stop)"
	fi
	install_engine
	need_cmd docker
	start_engine
	report_versions
	print_env
}

cmd_stop() {
	need_root
	local pid
	if ! pid=$(dockerd_pid); then
		log "dockerd not running"
		rm -f "$PIDFILE"
		return 0
	fi
	log "stopping dockerd pid $pid"
	kill -TERM "$pid"
	# dockerd stops running containers (up to 15s) and its containerd
	local _
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "dockerd still running after 30s; sending KILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	# a containerd left behind by a KILLed dockerd
	local cpid
	if [ -s "$EXEC_ROOT/containerd/containerd.pid" ]; then
		cpid=$(cat "$EXEC_ROOT/containerd/containerd.pid")
		if [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" = containerd ]; then
			kill -TERM "$cpid" 2>/dev/null || true
		fi
	fi
	rm -f "$PIDFILE" "$SOCK"
	log "stopped"
}

cmd_purge() {
	cmd_stop
	# unmount anything dockerd left mounted under its roots before deleting
	local m
	awk -v a="$DATA_ROOT" -v b="$EXEC_ROOT" 'index($2, a) == 1 || index($2, b) == 1 {print $2}' /proc/mounts \
		| sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	log "deleting $DATA_ROOT"
	rm -rf "$DATA_ROOT" "$EXEC_ROOT"
}

case "${1:-start}" in
start) cmd_start ;;
env) print_env ;;
status)
	if dockerd_pid >/dev/null && api_ok; then
		log "running: pid $(dockerd_pid), $SOCK"
		exit 0
	fi
	log "not running"
	exit 1
	;;
stop) cmd_stop ;;
purge) cmd_purge ;;
*) die "usage: $0 [start|env|status|stop|purge]" ;;
esac
