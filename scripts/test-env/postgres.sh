#!/usr/bin/env bash
# Starts a private PostgreSQL cluster for labrun's store / REST tests.
#
#   scripts/test-env/postgres.sh         install if needed, start if not
#                                        running, verify, print `export VAR=...`
#   scripts/test-env/postgres.sh stop    stop the cluster (data stays)
#
# Debian's postgresql (15 on bookworm), but not its `main` cluster and not
# pg_ctlcluster/systemd: a cluster of our own, initdb'd as user postgres into
# /run/labrun-test/postgres/data, listening on 127.0.0.1:<free port, 55432
# first> and on a unix socket in /run/labrun-test/postgres/socket. Tuned for
# tests (fsync off): never put data you want to keep in it.
# Role `labrun` (random password, LOGIN CREATEDB) owns database labrun_test;
# tests may create one database per test class.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT_SERVICE=postgres
# shellcheck source=common-infra.sh
source "$HERE/common-infra.sh"

STATE=$LABRUN_TEST_RUN/postgres
DATA=$STATE/data
SOCKDIR=$STATE/socket
LOGFILE=$STATE/postgres.log
PWFILE=$STATE/labrun.password
ROLE=labrun
DB=labrun_test

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -x $d/pg_ctl ]] || return 1
  echo "$d"
}
as_pg() { runuser -u postgres -- "$@"; }
pg_running() { [[ -f $DATA/PG_VERSION ]] && as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

if [[ ${1:-} == stop ]]; then
  with_lock postgres
  if BIN=$(pg_bindir) && pg_running; then
    log "stopping cluster in $DATA"
    as_pg "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >&2
  else
    log "not running"
  fi
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: $0 [stop]"
[[ $EUID -eq 0 ]] || die "must run as root"

with_lock postgres

# Installing Debian's postgresql would start its `main` cluster on
# 0.0.0.0:5432 through invoke-rc.d; the policy stops that.
without_service_autostart apt_ensure postgresql
BIN=$(pg_bindir) || die "no /usr/lib/postgresql/*/bin/pg_ctl after installing postgresql"
id -u postgres >/dev/null 2>&1 || die "user postgres missing after installing postgresql"

mkdir -p "$STATE"
chown postgres:postgres "$STATE"
chmod 755 "$STATE"
install -d -o postgres -g postgres -m 775 "$SOCKDIR"
touch "$LOGFILE" && chown postgres:postgres "$LOGFILE"

# ---- initdb (once) ---------------------------------------------------------
if [[ ! -f $DATA/PG_VERSION ]]; then
  t0=$(now_ms)
  rm -rf "$DATA"
  log "initdb into $DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 --no-sync >>"$LOGFILE" 2>&1 \
    || die_with_log "$LOGFILE" "initdb failed"
  # Only loopback TCP with passwords; local socket by peer (postgres only).
  cat >"$DATA/pg_hba.conf" <<'EOF'
# labrun test cluster (scripts/test-env/postgres.sh)
local   all   postgres                  peer
local   all   all                       scram-sha-256
host    all   all       127.0.0.1/32    scram-sha-256
EOF
  echo "include_if_exists = 'labrun-test.conf'" >>"$DATA/postgresql.conf"
  chown postgres:postgres "$DATA/pg_hba.conf"
  log "initdb done in $(( $(now_ms) - t0 )) ms"
fi

# ---- start -----------------------------------------------------------------
if pg_running; then
  PORT=$(cat "$STATE/port")
  log "already running (port $PORT)"
else
  t0=$(now_ms)
  prev=$(cat "$STATE/port" 2>/dev/null || true)
  PORT=$(pick_port ${prev:+"$prev"} 55432 55433 55434 55435 55436)
  cat >"$DATA/labrun-test.conf" <<EOF
# written by scripts/test-env/postgres.sh on each start
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKDIR'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_connections = off
EOF
  chown postgres:postgres "$DATA/labrun-test.conf"
  echo "$PORT" >"$STATE/port"
  log "starting PostgreSQL $("$BIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PORT"
  # A stale postmaster.pid from a killed server is handled by postgres itself.
  # 9>&-: the server must not inherit the lock of with_lock.
  as_pg "$BIN/pg_ctl" start -D "$DATA" -l "$LOGFILE" -w -t 90 >&2 9>&- \
    || die_with_log "$LOGFILE" "pg_ctl start failed"
  pg_running || die_with_log "$LOGFILE" "server not running after pg_ctl start"
  log "PostgreSQL up in $(( $(now_ms) - t0 )) ms"
fi

"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 30 || die_with_log "$LOGFILE" "pg_isready fails on 127.0.0.1:$PORT"

# ---- role and database -------------------------------------------------------
if [[ ! -s $PWFILE ]]; then
  write_secret "$PWFILE" "$(random_secret)"
fi
PASSWORD=$(cat "$PWFILE")
[[ $PASSWORD =~ ^[A-Za-z0-9]+$ ]] || die "unexpected characters in $PWFILE"
psql_admin() { as_pg "$BIN/psql" -h "$SOCKDIR" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_admin -d postgres >&2 <<EOF || die_with_log "$LOGFILE" "could not create role $ROLE"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
EOF
if [[ $(psql_admin -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") != 1 ]]; then
  log "creating database $DB"
  psql_admin -d postgres -c "CREATE DATABASE $DB OWNER $ROLE" >&2 || die_with_log "$LOGFILE" "could not create database $DB"
fi

# ---- verify as the test role over TCP ------------------------------------------
export PGPASSWORD=$PASSWORD
psql_labrun() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$ROLE" -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
out=$(psql_labrun -d "$DB" -c 'SELECT 40 + 2') || die_with_log "$LOGFILE" "psql as $ROLE to $DB failed"
[[ $out == 42 ]] || die "psql printed '$out'"
probe_db=labrun_probe_$$
psql_labrun -d "$DB" -c "CREATE DATABASE $probe_db" >/dev/null || die_with_log "$LOGFILE" "$ROLE cannot create databases"
psql_labrun -d "$DB" -c "DROP DATABASE $probe_db" >/dev/null || die_with_log "$LOGFILE" "$ROLE cannot drop its databases"
unset PGPASSWORD
log "verified: $ROLE logs in to $DB on 127.0.0.1:$PORT and can create databases"

cat <<EOF
export LABRUN_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$PORT/$DB
export LABRUN_TEST_PG_USER=$ROLE
export LABRUN_TEST_PG_PASSWORD=$PASSWORD
export LABRUN_TEST_PG_HOST=127.0.0.1
export LABRUN_TEST_PG_PORT=$PORT
EOF
