#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for labrun's `slurm` target tests.
#
#   scripts/test-env/slurm.sh          install if needed, start what is not running, wait
#                                      until the node is idle, print `export VAR=...` lines
#   scripts/test-env/slurm.sh stop     stop slurmd, slurmctld and munged (configuration stays)
#
# Debian's slurm-wlm and munge. The configuration is the system's (/etc/slurm/slurm.conf), as on
# a real cluster, so that sbatch/squeue/scancel work for every local user without any variable,
# including the test users of sshd.sh logging in over SSH (munge authenticates any local user).
# An existing slurm.conf this script did not write is never overwritten (it dies instead).
# One node, `localhost`, with this machine's CPUs and memory; no cgroups (proctrack/linuxproc,
# task/none), so it runs inside a container. Two partitions: `debug` (the default) and
# `scavenger`, whose jobs are preempted (cancelled, state PREEMPTED) by any job of `debug` that
# needs their CPUs: how the tests get a real preemption. The controller's state and the logs are
# in /run/labrun-test/slurm/. The compute node and the submitting machine are one, so every
# folder is "shared" between them.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT_SERVICE=slurm
# shellcheck source=common-infra.sh
source "$HERE/common-infra.sh"

STATE=$LABRUN_TEST_RUN/slurm
CONF=/etc/slurm/slurm.conf
MARKER='# written by labrun scripts/test-env/slurm.sh'
MUNGE_KEY=/etc/munge/munge.key
MUNGE_SOCKET_DIR=/run/munge
MUNGE_PIDFILE=$STATE/munged.pid
CTLD_PIDFILE=$STATE/slurmctld.pid
SLURMD_PIDFILE=$STATE/slurmd.pid

named_alive() { pid_alive "$1" && tr '\0' ' ' <"/proc/$(head -n1 "$1")/cmdline" 2>/dev/null | grep -qF -- "$2"; }

if [[ ${1:-} == stop ]]; then
  with_lock slurm
  stop_pidfile "$SLURMD_PIDFILE" slurmd
  stop_pidfile "$CTLD_PIDFILE" slurmctld
  stop_pidfile "$MUNGE_PIDFILE" munged
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: $0 [stop]"
[[ $EUID -eq 0 ]] || die "must run as root"

with_lock slurm
mkdir -p "$STATE"
chmod 755 "$STATE"

# ---- packages --------------------------------------------------------------
without_service_autostart apt_ensure munge slurm-wlm slurm-client
for c in munged mungekey slurmctld slurmd sbatch squeue scancel scontrol sinfo; do
  command -v "$c" >/dev/null || die "$c missing after installing slurm-wlm and munge"
done

# ---- munge -----------------------------------------------------------------
getent passwd munge >/dev/null || die "user munge missing after installing munge"
getent passwd slurm >/dev/null || die "user slurm missing after installing slurm-wlm"
if [[ ! -s $MUNGE_KEY ]]; then
  log "writing a munge key"
  install -d -m 700 -o munge -g munge /etc/munge
  mungekey --create --keyfile="$MUNGE_KEY" || die "mungekey could not write $MUNGE_KEY"
fi
chown munge:munge "$MUNGE_KEY"
chmod 600 "$MUNGE_KEY"
install -d -m 755 -o munge -g munge "$MUNGE_SOCKET_DIR"
install -d -m 700 -o munge -g munge /var/lib/munge /var/log/munge
if named_alive "$MUNGE_PIDFILE" munged; then
  log "munged already running (pid $(cat "$MUNGE_PIDFILE"))"
else
  log "starting munged"
  rm -f "$MUNGE_PIDFILE"
  runuser -u munge -- munged --pid-file=/run/munge/munged.pid --log-file=/var/log/munge/munged.log 9>&- \
    || die_with_log /var/log/munge/munged.log "munged failed to start"
  for ((i = 0; i < 50; i++)); do [[ -s /run/munge/munged.pid ]] && break; sleep 0.1; done
  cp /run/munge/munged.pid "$MUNGE_PIDFILE" 2>/dev/null || die_with_log /var/log/munge/munged.log "munged wrote no pid file"
fi
munge -n </dev/null | unmunge >/dev/null 2>"$STATE/munge-check.log" \
  || die_with_log "$STATE/munge-check.log" "munge cannot encode and decode a credential"

# ---- configuration -----------------------------------------------------------
if [[ -e $CONF ]] && ! head -n1 "$CONF" | grep -qF "$MARKER"; then
  die "$CONF exists and was not written by this script; refusing to replace it"
fi
CPUS=$(nproc)
# Slurm refuses a node with less memory than configured: announce a little less than there is.
MEM_MB=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
install -d -m 755 -o slurm -g slurm "$STATE/ctld" "$STATE/spool" /var/log/slurm
cat >"$CONF.new" <<EOF
$MARKER (regenerated on each start)
ClusterName=labrun-test
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Schedule a job as soon as it is submitted or a job ends (the default delays batch jobs up to 3 s
# after another ended: most of a short test job's wait)
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$CTLD_PIDFILE
SlurmdPidFile=$SLURMD_PIDFILE
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MinJobAge=300
InactiveLimit=0
Waittime=0
NodeName=localhost CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP PriorityTier=10 PreemptMode=OFF
PartitionName=scavenger Nodes=localhost MaxTime=INFINITE State=UP PriorityTier=1 PreemptMode=CANCEL
EOF
changed=0
if ! cmp -s "$CONF.new" "$CONF" 2>/dev/null; then changed=1; fi
mv -f "$CONF.new" "$CONF"
chmod 644 "$CONF"
# The node's free memory moves: a changed RealMemory alone is no reason to restart.
if ((changed)) && [[ -s $STATE/conf.sha ]] && [[ $(grep -v '^NodeName=' "$CONF" | sha256sum) == $(cat "$STATE/conf.sha") ]]; then changed=0; fi
grep -v '^NodeName=' "$CONF" | sha256sum >"$STATE/conf.sha"

# ---- slurmctld and slurmd ------------------------------------------------------
if ((changed)) && { named_alive "$CTLD_PIDFILE" slurmctld || named_alive "$SLURMD_PIDFILE" slurmd; }; then
  log "configuration changed: restarting slurmctld and slurmd"
  stop_pidfile "$SLURMD_PIDFILE" slurmd
  stop_pidfile "$CTLD_PIDFILE" slurmctld
fi
if named_alive "$CTLD_PIDFILE" slurmctld; then
  log "slurmctld already running (pid $(cat "$CTLD_PIDFILE"))"
else
  log "starting slurmctld"
  slurmctld 9>&- || die_with_log "$STATE/slurmctld.log" "slurmctld failed to start"
fi
if named_alive "$SLURMD_PIDFILE" slurmd; then
  log "slurmd already running (pid $(cat "$SLURMD_PIDFILE"))"
else
  log "starting slurmd"
  slurmd 9>&- || die_with_log "$STATE/slurmd.log" "slurmd failed to start"
fi

# ---- verify ------------------------------------------------------------------
t0=$(now_ms)
node_state() { sinfo --noheader --nodes=localhost --partition=debug --format=%T 2>/dev/null | head -n1; }
for ((i = 0; i < 300; i++)); do
  state=$(node_state)
  [[ $state == idle || $state == mixed || $state == allocated ]] && break
  if [[ $state == down* || $state == drain* ]]; then
    # A node left down by an earlier run of the cluster (ReturnToService covers only some cases).
    scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true
  fi
  sleep 0.2
done
state=$(node_state)
[[ $state == idle || $state == mixed || $state == allocated ]] \
  || die_with_log "$STATE/slurmd.log" "node localhost is '$state', not idle, after 60s (slurmctld log: $STATE/slurmctld.log)"
log "node localhost $state after $(( $(now_ms) - t0 )) ms"
probe_out=$(mktemp "$STATE/probe.XXXXXX")
chmod 666 "$probe_out"
job_check() {
  timeout 120 sbatch --wait --quiet --output="$probe_out" --wrap 'echo labrun-slurm-probe' >"$STATE/verify.log" 2>&1 \
    || die_with_log "$STATE/verify.log" "a probe batch job failed"
  grep -qxF labrun-slurm-probe "$probe_out" || die_with_log "$STATE/slurmd.log" "the probe batch job wrote no output"
}
t0=$(now_ms)
job_check
rm -f "$probe_out"
log "a probe batch job ran in $(( $(now_ms) - t0 )) ms"
# Any local user submits (the SSH form logs in as a test user): munge vouches for them.
runuser -u nobody -- timeout 60 sbatch --quiet --chdir=/tmp --output=/dev/null --wrap true >"$STATE/verify.log" 2>&1 \
  || die_with_log "$STATE/verify.log" "user nobody cannot submit a batch job"
log "user nobody can submit too"

cat <<EOF
export LABRUN_TEST_SLURM_PARTITION=debug
export LABRUN_TEST_SLURM_PREEMPTIBLE_PARTITION=scavenger
export LABRUN_TEST_SLURM_CPUS=$CPUS
export LABRUN_TEST_SLURM_CONF=$CONF
EOF
