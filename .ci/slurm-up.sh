#!/usr/bin/env bash
# Brings up a single-node Slurm (Debian packages) on this machine; idempotent. Needs root.
# Prints the pids of the daemons it started to $SLURM_UP_PIDS (a file) if set, so a caller can stop exactly those.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "slurm-up: needs root" >&2; exit 3; }
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || { echo "slurm-up: apt-get not available" >&2; exit 3; }
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null 2>&1 \
    || { timeout 300 apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null 2>&1; } \
    || { echo "slurm-up: apt-get install failed" >&2; exit 3; }
fi
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
started=()
mkdir -p /run/munge && chown munge:munge /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  started+=("$(cat /run/munge/munged.pid 2>/dev/null || true)")
fi
host=$(hostname -s)
conf=/etc/slurm/slurm.conf
if [ -f "$conf" ] && ! grep -q "^ClusterName=ntkproofs" "$conf"; then
  echo "slurm-up: $conf exists and is not ours (ClusterName=ntkproofs): not touching a real cluster" >&2; exit 3
fi
if [ ! -f "$conf" ]; then
  cpu=$(slurmd -C | head -1 | sed -E 's/^NodeName=[^ ]+ //; s/ RealMemory=([0-9]+)/ RealMemory=\1/')
  mem=$(slurmd -C | head -1 | sed -E 's/.*RealMemory=([0-9]+).*/\1/')
  cpu=$(echo "$cpu" | sed -E "s/RealMemory=[0-9]+/RealMemory=$((mem * 95 / 100))/")
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd
  rm -rf /var/spool/slurmctld/*
  chown slurm:slurm /var/spool/slurmctld
  cat > "$conf" <<CONF
ClusterName=ntkproofs
SlurmctldHost=$host(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 $cpu
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
fi
if ! alive /run/slurmctld.pid; then slurmctld; for _ in $(seq 50); do alive /run/slurmctld.pid && break; sleep 0.1; done; started+=("$(cat /run/slurmctld.pid)"); fi
if ! alive /run/slurmd.pid; then slurmd; for _ in $(seq 50); do alive /run/slurmd.pid && break; sleep 0.1; done; started+=("$(cat /run/slurmd.pid)"); fi
for _ in $(seq 100); do
  state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
  [ "$state" = idle ] || [ "$state" = mixed ] || [ "$state" = allocated ] && break
  case "$state" in drain*|down*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true;; esac
  sleep 0.2
done
[ -n "${SLURM_UP_PIDS:-}" ] && printf '%s\n' "${started[@]}" | grep -E '^[0-9]+$' > "$SLURM_UP_PIDS" || true
echo "slurm-up: node $host $(sinfo -h -o %T | head -1)"
