#!/usr/bin/env bash
# Starts a private OpenSSH server for labrun's SSH-target tests.
#
#   scripts/test-env/sshd.sh          install if needed, start if not running,
#                                     verify, print `export VAR=...` lines
#   scripts/test-env/sshd.sh stop     stop the server (users and keys stay)
#
# A separate sshd (not the system one) on 127.0.0.1:<free port, 2222 first>,
# with its own ed25519 host key and sshd_config in /run/labrun-test/sshd/.
# Test users: labrunkey (public-key login), labrunpw (password login) and
# labrunslow (public-key login, the same key as labrunkey), whose ~/.bashrc
# sleeps 200 ms before Debian's "not interactive: return" guard, as pyenv or
# conda init lines do, and counts its starts, one line each, in
# ~/.labrun-test-shell-starts (bash reads ~/.bashrc for every command sshd
# runs for it, and for an SFTP subsystem that is not internal-sftp; also for
# a `bash -c` a run's own programs start, e.g. Hadoop's, whose parent is not sshd).
# All are in the groups `labrun-docker` and `docker`, and in the group owning
# /run/labrun-test/docker.sock if that socket exists, so that both can use the
# Docker engine of scripts/test-env/docker.sh (see README-infra.md for the
# order). Sessions get DOCKER_HOST=unix:///run/labrun-test/docker.sock.
#
# Beside it, a second sshd (127.0.0.1:<free port, 2232 first>, the same host
# key, sshd_config-external-sftp made from the first's) for one user,
# labrunslowsftp, set up as labrunslow is (its own start count,
# ~/.labrun-test-shell-starts), whose SFTP subsystem is the separate program
# Debian's own sshd_config names (Subsystem sftp /usr/lib/openssh/sftp-server):
# sshd starts it through the user's shell, so every SFTP channel reads
# ~/.bashrc there too. The first server's users and configuration are as above.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT_SERVICE=sshd
# shellcheck source=common-infra.sh
source "$HERE/common-infra.sh"

STATE=$LABRUN_TEST_RUN/sshd
CONF=$STATE/sshd_config
PIDFILE=$STATE/sshd.pid
LOGFILE=$STATE/sshd.log
HOSTKEY=$STATE/ssh_host_ed25519_key
CLIENTKEY=$STATE/client_ed25519
PWFILE=$STATE/labrunpw.password
KNOWN_HOSTS=$STATE/known_hosts
DOCKER_SOCK=$LABRUN_TEST_RUN/docker.sock
KEY_USER=labrunkey
PW_USER=labrunpw
SLOW_USER=labrunslow
DOCKER_GROUP=labrun-docker
EXT_USER=labrunslowsftp
EXT_CONF=$STATE/sshd_config-external-sftp
EXT_PIDFILE=$STATE/sshd-external-sftp.pid
EXT_LOGFILE=$STATE/sshd-external-sftp.log
EXT_KNOWN_HOSTS=$STATE/known_hosts-external-sftp
SFTP_SERVER=/usr/lib/openssh/sftp-server

sshd_running() {
  pid_alive "$PIDFILE" && tr '\0' ' ' <"/proc/$(head -n1 "$PIDFILE")/cmdline" 2>/dev/null | grep -qF -- "$CONF"
}

ext_running() {
  pid_alive "$EXT_PIDFILE" && tr '\0' ' ' <"/proc/$(head -n1 "$EXT_PIDFILE")/cmdline" 2>/dev/null | grep -qF -- "$EXT_CONF"
}

if [[ ${1:-} == stop ]]; then
  with_lock sshd
  stop_pidfile "$PIDFILE" sshd
  stop_pidfile "$EXT_PIDFILE" "sshd (external sftp-server)"
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: $0 [stop]"
[[ $EUID -eq 0 ]] || die "must run as root"

with_lock sshd
mkdir -p "$STATE"
chmod 755 "$STATE"

# ---- packages --------------------------------------------------------------
# sshpass is optional for tests (password login from the shell); it is in
# Debian, so install it with the rest.
without_service_autostart apt_ensure openssh-server openssh-client sshpass
command -v /usr/sbin/sshd >/dev/null || die "/usr/sbin/sshd missing after install"
# sshd's privilege-separation directory (normally made by the init system).
mkdir -p /run/sshd && chmod 755 /run/sshd

# ---- users and groups ------------------------------------------------------
getent group "$DOCKER_GROUP" >/dev/null || groupadd --system "$DOCKER_GROUP"
# dockerd gives its socket to group `docker` by default when that group
# exists, so make sure it does and that the test users are in it.
getent group docker >/dev/null || groupadd --system docker

ensure_user() {
  local u=$1
  if ! id -u "$u" >/dev/null 2>&1; then
    log "creating user $u"
    useradd --create-home --shell /bin/bash "$u"
  fi
  usermod -aG "$DOCKER_GROUP,docker" "$u"
  # useradd leaves the account locked ("!"), and without PAM sshd refuses a
  # locked account even for key logins: "*" means no password, not locked.
  if [[ $(getent shadow "$u" | cut -d: -f2) == '!'* ]]; then usermod -p '*' "$u"; fi
}
ensure_user "$KEY_USER"
ensure_user "$PW_USER"
ensure_user "$SLOW_USER"
ensure_user "$EXT_USER"

if [[ -S $DOCKER_SOCK ]]; then
  sock_group=$(stat -c %G "$DOCKER_SOCK")
  if [[ $sock_group == root ]]; then
    log "giving $DOCKER_SOCK to group $DOCKER_GROUP"
    chgrp "$DOCKER_GROUP" "$DOCKER_SOCK"
    chmod g+rw "$DOCKER_SOCK"
  else
    for u in "$KEY_USER" "$PW_USER" "$SLOW_USER" "$EXT_USER"; do
      if ! id -nG "$u" | tr ' ' '\n' | grep -qxF "$sock_group"; then
        log "adding test user $u to group $sock_group (owner of $DOCKER_SOCK)"
        usermod -aG "$sock_group" "$u"
      fi
    done
  fi
fi

# ---- keys and password -----------------------------------------------------
[[ -s $HOSTKEY ]] || ssh-keygen -q -t ed25519 -N '' -C labrun-test-sshd-host -f "$HOSTKEY"
[[ -s $CLIENTKEY ]] || ssh-keygen -q -t ed25519 -N '' -C labrun-test-client -f "$CLIENTKEY"
chmod 600 "$HOSTKEY" "$CLIENTKEY"

key_home=$(getent passwd "$KEY_USER" | cut -d: -f6)
install -d -m 700 -o "$KEY_USER" -g "$KEY_USER" "$key_home/.ssh"
touch "$key_home/.ssh/authorized_keys"
grep -qxF "$(cat "$CLIENTKEY.pub")" "$key_home/.ssh/authorized_keys" \
  || cat "$CLIENTKEY.pub" >>"$key_home/.ssh/authorized_keys"
chown "$KEY_USER:$KEY_USER" "$key_home/.ssh/authorized_keys"
chmod 600 "$key_home/.ssh/authorized_keys"

# slow_login USER: the key user's key, a ~/.bashrc that sleeps 200 ms and counts its starts
slow_login() {
local u=$1 home
home=$(getent passwd "$u" | cut -d: -f6)
install -d -m 700 -o "$u" -g "$u" "$home/.ssh"
install -m 600 -o "$u" -g "$u" "$key_home/.ssh/authorized_keys" "$home/.ssh/authorized_keys"
{
  cat <<'BASHRC'
# labrun test user (scripts/test-env/sshd.sh): a login that costs 200 ms, before the interactive
# guard, as the lines pyenv and conda add to ~/.bashrc are; each start is counted, with what it ran
# (pid, parent pid, parent's name: sshd for a shell sshd started for a command, what it ran)
started=${BASH_EXECUTION_STRING:0:200}
read -r parent </proc/$PPID/comm
printf '%s %s %s %s\n' "$$" "$PPID" "$parent" "${started//$'\n'/ }" >>"$HOME/.labrun-test-shell-starts"
unset started parent
sleep 0.2
BASHRC
  cat /etc/skel/.bashrc
} >"$home/.bashrc"
chown "$u:$u" "$home/.bashrc"
touch "$home/.labrun-test-shell-starts"
chown "$u:$u" "$home/.labrun-test-shell-starts"
}
slow_login "$SLOW_USER"
slow_login "$EXT_USER"
slow_home=$(getent passwd "$SLOW_USER" | cut -d: -f6)
ext_home=$(getent passwd "$EXT_USER" | cut -d: -f6)

if [[ ! -s $PWFILE ]]; then
  log "setting a new random password for $PW_USER"
  pw=$(random_secret)
  printf '%s:%s\n' "$PW_USER" "$pw" | chpasswd
  write_secret "$PWFILE" "$pw"
fi
chmod 600 "$PWFILE"

# ---- start -----------------------------------------------------------------
write_config() {
  cat >"$CONF" <<EOF
# labrun test sshd (scripts/test-env/sshd.sh) -- regenerated on each start
Port $1
ListenAddress 127.0.0.1
HostKey $HOSTKEY
PidFile $PIDFILE
UsePAM no
PermitRootLogin no
AllowUsers $KEY_USER $PW_USER $SLOW_USER
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
StrictModes no
Subsystem sftp internal-sftp
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
X11Forwarding no
PrintMotd no
MaxSessions 50
MaxStartups 100
MaxAuthTries 10
LoginGraceTime 60
ClientAliveInterval 30
AcceptEnv LANG LC_*
SetEnv DOCKER_HOST=unix://$DOCKER_SOCK
LogLevel VERBOSE
EOF
}

started=0
if sshd_running; then
  PORT=$(cat "$STATE/port")
  log "already running (pid $(cat "$PIDFILE"), port $PORT)"
  if ! grep -qx "AllowUsers $KEY_USER $PW_USER $SLOW_USER" "$CONF"; then
    # started by an older version of this script: let the new test user in (SIGHUP: sshd
    # reads its configuration again; open sessions go on)
    write_config "$PORT"
    /usr/sbin/sshd -t -f "$CONF" 2>>"$LOGFILE" || die_with_log "$LOGFILE" "sshd -t rejected $CONF"
    kill -HUP "$(head -n1 "$PIDFILE")"
    for ((i = 0; i < 100; i++)); do
      sshd_running && tcp_open "$PORT" && break
      sleep 0.1
    done
    log "configuration reloaded for $SLOW_USER"
  fi
else
  t0=$(now_ms)
  prev=$(cat "$STATE/port" 2>/dev/null || true)
  PORT=$(pick_port ${prev:+"$prev"} 2222 2223 2224 2225 2226 2227 2228 2229)
  write_config "$PORT"
  /usr/sbin/sshd -t -f "$CONF" 2>>"$LOGFILE" || die_with_log "$LOGFILE" "sshd -t rejected $CONF"
  echo "$PORT" >"$STATE/port"
  log "starting sshd on 127.0.0.1:$PORT"
  /usr/sbin/sshd -f "$CONF" -E "$LOGFILE" 9>&- || die_with_log "$LOGFILE" "sshd failed to start"
  for ((i = 0; i < 100; i++)); do
    sshd_running && tcp_open "$PORT" && break
    sleep 0.1
  done
  if ! { sshd_running && tcp_open "$PORT"; }; then
    die_with_log "$LOGFILE" "sshd did not come up on 127.0.0.1:$PORT"
  fi
  started=1
  log "sshd up in $(( $(now_ms) - t0 )) ms"
fi

# Throwaway known_hosts holding exactly this server's host key.
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$HOSTKEY.pub")" >"$KNOWN_HOSTS"

# ---- verify ------------------------------------------------------------------
SSH_OPTS=(-p "$PORT" -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null
  -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -o LogLevel=ERROR)
key_ssh() { ssh "${SSH_OPTS[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none -i "$CLIENTKEY" "$KEY_USER@127.0.0.1" "$@"; }
pw_ssh() {
  sshpass -f "$PWFILE" ssh "${SSH_OPTS[@]}" -o PreferredAuthentications=password \
    -o PubkeyAuthentication=no "$PW_USER@127.0.0.1" "$@"
}
fail_verify() { die_with_log "$LOGFILE" "$*"; }

key_ssh true </dev/null || fail_verify "key login as $KEY_USER failed"
slow_ssh() { ssh "${SSH_OPTS[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none -i "$CLIENTKEY" "$SLOW_USER@127.0.0.1" "$@"; }
starts=$(wc -l <"$slow_home/.labrun-test-shell-starts")
t0=$(now_ms)
slow_ssh true </dev/null || fail_verify "key login as $SLOW_USER failed"
took=$(( $(now_ms) - t0 ))
(( $(wc -l <"$slow_home/.labrun-test-shell-starts") == starts + 1 )) || fail_verify "$SLOW_USER's ~/.bashrc was not read for an ssh command"
(( took >= 200 )) || fail_verify "$SLOW_USER's login took $took ms, not the 200 ms its ~/.bashrc sleeps"
out=$(key_ssh "python3 -c 'print(1)'" </dev/null) || fail_verify "python3 over ssh as $KEY_USER failed"
[[ $out == 1 ]] || fail_verify "python3 over ssh as $KEY_USER printed '$out'"
if command -v sshpass >/dev/null; then
  pw_ssh true </dev/null || fail_verify "password login as $PW_USER failed"
  out=$(pw_ssh "python3 -c 'print(1)'" </dev/null) || fail_verify "python3 over ssh as $PW_USER failed"
  [[ $out == 1 ]] || fail_verify "python3 over ssh as $PW_USER printed '$out'"
else
  log "sshpass missing: password login not checked here"
fi
# Docker access (only if docker.sh has started the engine): the socket must be
# reachable from an ssh session of each test user.
if [[ -S $DOCKER_SOCK ]]; then
  probe="python3 -c 'import socket; s=socket.socket(socket.AF_UNIX); s.connect(\"$DOCKER_SOCK\"); s.sendall(b\"GET /_ping HTTP/1.0\\r\\n\\r\\n\"); print(s.recv(200).split()[1].decode())'"
  out=$(key_ssh "$probe" </dev/null 2>&1) || true
  [[ $out == 200 ]] || fail_verify "$KEY_USER cannot use $DOCKER_SOCK over ssh: $out"
  if command -v sshpass >/dev/null; then
    out=$(pw_ssh "$probe" </dev/null 2>&1) || true
    [[ $out == 200 ]] || fail_verify "$PW_USER cannot use $DOCKER_SOCK over ssh: $out"
  fi
  out=$(slow_ssh "$probe" </dev/null 2>&1) || true
  [[ $out == 200 ]] || fail_verify "$SLOW_USER cannot use $DOCKER_SOCK over ssh: $out"
  log "the test users reach $DOCKER_SOCK over ssh"
else
  log "no $DOCKER_SOCK yet: docker access not checked (run docker.sh, then this script again)"
fi
((started)) && log "sshd pid $(cat "$PIDFILE"): RSS $(rss_kb "$(cat "$PIDFILE")") KiB"
log "verified key and password logins on 127.0.0.1:$PORT"

# ---- the second server: an external sftp-server ------------------------------
[[ -x $SFTP_SERVER ]] || die "$SFTP_SERVER missing (Debian's openssh-sftp-server, which openssh-server depends on)"
if ext_running; then
  EXT_PORT=$(cat "$STATE/port-external-sftp")
  log "external-sftp sshd already running (pid $(cat "$EXT_PIDFILE"), port $EXT_PORT)"
else
  prev=$(cat "$STATE/port-external-sftp" 2>/dev/null || true)
  EXT_PORT=$(pick_port ${prev:+"$prev"} 2232 2233 2234 2235 2236 2237 2238 2239)
  sed -e "s|^Port .*|Port $EXT_PORT|" -e "s|^PidFile .*|PidFile $EXT_PIDFILE|" \
    -e "s|^AllowUsers .*|AllowUsers $EXT_USER|" -e "s|^Subsystem sftp .*|Subsystem sftp $SFTP_SERVER|" \
    -e "s|^# labrun test sshd .*|# labrun test sshd with an external sftp-server (scripts/test-env/sshd.sh) -- regenerated on each start|" \
    "$CONF" >"$EXT_CONF"
  grep -qx "Subsystem sftp $SFTP_SERVER" "$EXT_CONF" || die "could not make $EXT_CONF from $CONF"
  /usr/sbin/sshd -t -f "$EXT_CONF" 2>>"$EXT_LOGFILE" || die_with_log "$EXT_LOGFILE" "sshd -t rejected $EXT_CONF"
  echo "$EXT_PORT" >"$STATE/port-external-sftp"
  log "starting sshd with an external sftp-server on 127.0.0.1:$EXT_PORT"
  /usr/sbin/sshd -f "$EXT_CONF" -E "$EXT_LOGFILE" 9>&- || die_with_log "$EXT_LOGFILE" "sshd (external sftp-server) failed to start"
  for ((i = 0; i < 100; i++)); do
    ext_running && tcp_open "$EXT_PORT" && break
    sleep 0.1
  done
  { ext_running && tcp_open "$EXT_PORT"; } || die_with_log "$EXT_LOGFILE" "sshd did not come up on 127.0.0.1:$EXT_PORT"
fi
printf '[127.0.0.1]:%s %s\n' "$EXT_PORT" "$(cut -d' ' -f1,2 "$HOSTKEY.pub")" >"$EXT_KNOWN_HOSTS"
EXT_OPTS=(-o UserKnownHostsFile="$EXT_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes
  -o ConnectTimeout=10 -o LogLevel=ERROR -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none -i "$CLIENTKEY")
ext_ssh() { ssh -p "$EXT_PORT" "${EXT_OPTS[@]}" "$EXT_USER@127.0.0.1" "$@"; }
ext_starts() { wc -l <"$ext_home/.labrun-test-shell-starts"; }
starts=$(ext_starts)
ext_ssh true </dev/null || die_with_log "$EXT_LOGFILE" "key login as $EXT_USER on port $EXT_PORT failed"
(( $(ext_starts) == starts + 1 )) || die_with_log "$EXT_LOGFILE" "$EXT_USER's ~/.bashrc was not read for an ssh command"
starts=$(ext_starts)
echo pwd | sftp -q -b - -P "$EXT_PORT" "${EXT_OPTS[@]}" "$EXT_USER@127.0.0.1" >/dev/null || die_with_log "$EXT_LOGFILE" "sftp as $EXT_USER on port $EXT_PORT failed"
(( $(ext_starts) == starts + 1 )) || die_with_log "$EXT_LOGFILE" "an SFTP session of $EXT_USER did not start its shell: not an external sftp-server"
log "verified $EXT_USER on 127.0.0.1:$EXT_PORT: its shell starts for a command and for an SFTP session"

cat <<EOF
export LABRUN_TEST_SSH_HOST=127.0.0.1
export LABRUN_TEST_SSH_PORT=$PORT
export LABRUN_TEST_SSH_KEY_USER=$KEY_USER
export LABRUN_TEST_SSH_KEY=$CLIENTKEY
export LABRUN_TEST_SSH_PW_USER=$PW_USER
export LABRUN_TEST_SSH_SLOW_USER=$SLOW_USER
export LABRUN_TEST_SSH_SLOW_STARTS=$slow_home/.labrun-test-shell-starts
export LABRUN_TEST_SSH_PW_FILE=$PWFILE
export LABRUN_TEST_SSH_HOST_KEY_PUB=$HOSTKEY.pub
export LABRUN_TEST_SSH_KNOWN_HOSTS=$KNOWN_HOSTS
export LABRUN_TEST_SSH_EXTSFTP_PORT=$EXT_PORT
export LABRUN_TEST_SSH_EXTSFTP_USER=$EXT_USER
export LABRUN_TEST_SSH_EXTSFTP_STARTS=$ext_home/.labrun-test-shell-starts
export LABRUN_TEST_SSH_EXTSFTP_KNOWN_HOSTS=$EXT_KNOWN_HOSTS
EOF
