#!/usr/bin/env bash
# Start a real, private, one-node SLURM cluster on localhost (Debian packages).
#
#   munged (as user munge) -> private MariaDB -> slurmdbd -> slurmctld -> slurmd
#
# Everything (config, keys, sockets, databases, spool, logs, PID files) lives
# in $SLURM_STATE_DIR (default /tmp/synfire-slurm); nothing in /etc is used,
# so it never clashes with a system munge/MariaDB/SLURM. All daemons listen on
# 127.0.0.1 only. Afterwards:   . "$SLURM_STATE_DIR/env.sh"   (exports SLURM_CONF)
#
# Safe to run twice: if the cluster is already up it says so and exits 0;
# stale PID files (daemons gone) are cleaned up and the cluster restarted.
# Every (re)start begins from fresh state: new munge key, empty accounting DB,
# no jobs (job IDs start at 1 again).
# Stop with ci/slurm/stop.sh. Needs root (apt-get, munge user switch).
#
# Tunables (env): SLURM_STATE_DIR; SYNFIRE_SLURM_CLUSTER (synfire),
# SYNFIRE_SLURM_ACCOUNT (synfire), SYNFIRE_SLURM_PARTITION (debug),
# SYNFIRE_SLURM_USER (user given an association; default $SUDO_USER or the
# current user), SYNFIRE_SLURM_CTLD_PORT (16817), SYNFIRE_SLURMD_PORT (16818),
# SYNFIRE_SLURMDBD_PORT (16819), SYNFIRE_SLURM_MYSQL_PORT (13306),
# SYNFIRE_SLURM_START_TIMEOUT (seconds per wait step, 90),
# SYNFIRE_SLURM_SKIP_INSTALL=1, SYNFIRE_SLURM_KEEP_ON_FAIL=1 (leave daemons of a
# failed start running for debugging). (Not SLURM_ACCOUNT etc.: srun/sbatch read those.)
set -euo pipefail

T_START=$EPOCHREALTIME
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

S=$(realpath -m -- "${SLURM_STATE_DIR:-/tmp/synfire-slurm}")
CLUSTER=${SYNFIRE_SLURM_CLUSTER:-synfire}
ACCOUNT=${SYNFIRE_SLURM_ACCOUNT:-synfire}
PARTITION=${SYNFIRE_SLURM_PARTITION:-debug}
JOBUSER=${SYNFIRE_SLURM_USER:-${SUDO_USER:-$(id -un)}}
CTLD_PORT=${SYNFIRE_SLURM_CTLD_PORT:-16817}
SLURMD_PORT=${SYNFIRE_SLURMD_PORT:-16818}
DBD_PORT=${SYNFIRE_SLURMDBD_PORT:-16819}
MYSQL_PORT=${SYNFIRE_SLURM_MYSQL_PORT:-13306}
TIMEOUT=${SYNFIRE_SLURM_START_TIMEOUT:-90}
DAEMONS=(munged mariadbd slurmdbd slurmctld slurmd)

log() { printf '[slurm-start %6.1fs] %s\n' "$(elapsed)" "$*"; }
elapsed() { awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
die() { echo "[slurm-start] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (installs packages, runs munged as user munge)"

# --- is it already running? ------------------------------------------------
pid_alive() {  # pid_alive NAME -> 0 if $S/pids/NAME.pid names a live NAME process
    local f="$S/pids/$1.pid" pid
    [ -s "$f" ] || return 1
    pid=$(cat "$f")
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || return 1
    # a killed daemon may linger as a zombie until PID 1 reaps it
    case "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" in Z|X|'') return 1 ;; esac
}
if compgen -G "$S/pids/*.pid" >/dev/null; then
    alive=0
    for d in "${DAEMONS[@]}"; do pid_alive "$d" && alive=$((alive + 1)); done
    if [ "$alive" = "${#DAEMONS[@]}" ]; then
        echo "[slurm-start] SLURM cluster already running (state dir $S)."
        echo "[slurm-start] env file: $S/env.sh"
        exit 0
    fi
    if [ "$alive" -gt 0 ]; then
        log "partially running ($alive/${#DAEMONS[@]} daemons): stopping the rest first"
    else
        log "stale PID files found: cleaning up"
    fi
    SLURM_STATE_DIR=$S "$HERE/stop.sh"
fi

# --- install ------------------------------------------------------------------
PKGS=(slurmctld slurmd slurm-client munge slurmdbd mariadb-server)
need_install=0
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_install=1
done
if [ "$need_install" = 1 ] && [ "${SYNFIRE_SLURM_SKIP_INSTALL:-0}" != 1 ]; then
    log "installing ${PKGS[*]}"
    # Keep the packages' maintainer scripts from starting the *system* munge,
    # MariaDB and SLURM services: we run private instances instead.
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get install -y --no-install-recommends "${PKGS[@]}" >"${APT_LOG:-/tmp/synfire-slurm-apt.log}" 2>&1; }
    rc=0
    apt_install || { log "apt-get install failed; running apt-get update and retrying";
                     apt-get update >/dev/null 2>&1 || true; apt_install || rc=$?; }
    [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ "$rc" = 0 ] || { tail -20 "${APT_LOG:-/tmp/synfire-slurm-apt.log}" >&2; die "apt-get install failed"; }
    log "installed"
fi
for b in munged mariadbd mariadb-install-db mariadb slurmdbd slurmctld slurmd sbatch sacct sacctmgr sinfo setpriv setsid; do
    command -v "$b" >/dev/null || die "missing executable: $b"
done

# --- state directory and config -------------------------------------------------
umask 022
# Always start from a clean slate (job state, spool, accounting DB, munge key):
# state left by a crashed run only confuses slurmctld, and a fresh MariaDB
# datadir costs ~1 s. Only our own subdirectories are removed.
case "$S" in /|/tmp|/var|/var/tmp|/root|/home|/usr|/etc) die "refusing SLURM_STATE_DIR=$S" ;; esac
if [ -d "$S" ] && [ ! -e "$S/.synfire-slurm" ] && [ -n "$(ls -A "$S")" ]; then
    die "$S exists, is not empty and was not made by this script (no .synfire-slurm marker)"
fi
mkdir -p "$S"
touch "$S/.synfire-slurm"
rm -rf "${S:?}"/{etc,pids,run,log,munge,mysql,ctld,slurmd,bin} "$S/env.sh"
mkdir -p "$S"/{etc,pids,run,log,munge,mysql,ctld,slurmd}
chmod 755 "$S" "$S"/{etc,pids,run,log}
ETC=$S/etc
HOST=$(hostname -s)
NCPU=$(nproc)
# RealMemory from the machine (what slurmd itself detects), keep 2% slack so the
# node never registers with "Low RealMemory".
MEM=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
[ -n "$MEM" ] || MEM=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)
MEM=$((MEM * 98 / 100))
DEFMEM=512
MUNGE_SOCK=$S/munge/munge.socket.2
MYSQL_SOCK=$S/mysql/mysqld.sock
DB_PASS=synfire-slurmdbd

# munge: own key, socket, log, seed; directory owned by munge.
chown munge:munge "$S/munge"
chmod 755 "$S/munge"   # munged requires o+x on the socket dir
dd if=/dev/urandom of="$S/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$S/munge/munge.key"
chmod 400 "$S/munge/munge.key"

# MariaDB: private datadir/socket/port, never reads /etc/mysql.
cat >"$S/mysql/my.cnf" <<EOF
[client]
socket=$MYSQL_SOCK
port=$MYSQL_PORT

[mysqld]
user=mysql
datadir=$S/mysql/data
socket=$MYSQL_SOCK
port=$MYSQL_PORT
bind-address=127.0.0.1
pid-file=$S/mysql/mariadbd.pid
log-error=$S/log/mariadb.log
skip-name-resolve
skip-log-bin
innodb_buffer_pool_size=64M
innodb_log_file_size=16M
innodb_flush_log_at_trx_commit=0
# throwaway CI database: never fsync
innodb_flush_method=nosync
sync_binlog=0
innodb_doublewrite=0
innodb_lock_wait_timeout=900
max_connections=50
EOF
chmod 644 "$S/mysql/my.cnf"
chown mysql:mysql "$S/mysql"

cat >"$ETC/slurm.conf" <<EOF
# Generated by ci/slurm/start.sh -- private one-node cluster on 127.0.0.1
ClusterName=$CLUSTER
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCK
CredType=cred/munge
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
StateSaveLocation=$S/ctld
SlurmdSpoolDir=$S/slurmd
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$DEFMEM
MinJobAge=300
ReturnToService=2
SlurmctldTimeout=60
SlurmdTimeout=300
InactiveLimit=0
KillWait=10
Waittime=0
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
# Connections to slurmdbd take their munge socket from here, not AuthInfo.
AccountingStoragePass=$MUNGE_SOCK
JobCompType=jobcomp/none
NodeName=$HOST NodeAddr=127.0.0.1 NodeHostname=$HOST CPUs=$NCPU RealMemory=$MEM State=UNKNOWN
PartitionName=$PARTITION Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
chmod 644 "$ETC/slurm.conf"

cat >"$ETC/slurmdbd.conf" <<EOF
# Generated by ci/slurm/start.sh
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCK
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
CommunicationParameters=NoInAddrAny
SlurmUser=root
PidFile=$S/run/slurmdbd.pid
LogFile=$S/log/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$MYSQL_PORT
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
chmod 600 "$ETC/slurmdbd.conf"

# Client wrappers: snakemake-executor-plugin-slurm-jobstep strips every
# SLURM_* variable except a few job ids (SLURM_CONF included) before it runs
# `srun` inside the job, and srun then finds no config ("Could not establish a
# configuration source"). These wrappers (first in PATH via env.sh; sbatch
# --export=ALL carries PATH into jobs) restore SLURM_CONF when it is missing.
mkdir -p "$S/bin"
for c in srun sbatch salloc sacct sacctmgr squeue scancel sinfo scontrol sstat sshare sprio sreport sattach sbcast sdiag; do
    real=$(PATH=/usr/bin:/bin:/usr/sbin:/sbin command -v "$c" || true)
    [ -n "$real" ] || continue
    printf '#!/bin/sh\n: "${SLURM_CONF:=%s}"\nexport SLURM_CONF\nexec %s "$@"\n' "$ETC/slurm.conf" "$real" >"$S/bin/$c"
    chmod 755 "$S/bin/$c"
done

cat >"$S/env.sh" <<EOF
# Source me: private SLURM cluster started by ci/slurm/start.sh
export SLURM_CONF=$ETC/slurm.conf
case ":\$PATH:" in *":$S/bin:"*) ;; *) export PATH="$S/bin:\$PATH" ;; esac
export SLURM_STATE_DIR=$S
export SYNFIRE_SLURM_ACCOUNT=$ACCOUNT
export SYNFIRE_SLURM_PARTITION=$PARTITION
EOF
export SLURM_CONF=$ETC/slurm.conf

# --- helpers -----------------------------------------------------------------
# launch NAME CMD...: run CMD in its own session (setsid execs in place since a
# background child of a script is no process-group leader, so $! is the
# daemon itself), stdin closed, output to $S/log/NAME.out, PID to $S/pids/NAME.pid.
launch() {
    local name=$1; shift
    setsid "$@" </dev/null >>"$S/log/$name.out" 2>&1 &
    echo $! >"$S/pids/$name.pid"
}
on_fail() {
    echo "[slurm-start] FAILED after $(elapsed)s; log tails:" >&2
    for f in "$S"/log/*; do echo "== $f" >&2; tail -n 15 "$f" >&2; done
    if [ "${SYNFIRE_SLURM_KEEP_ON_FAIL:-0}" != 1 ]; then
        SLURM_STATE_DIR=$S "$HERE/stop.sh" >&2 || true
    fi
}
trap on_fail ERR
wait_for() {  # wait_for DESCRIPTION DAEMON CMD... (polls CMD every 0.2 s)
    local what=$1 daemon=$2 deadline=$(( $(date +%s) + TIMEOUT )); shift 2
    until "$@" >/dev/null 2>&1; do
        if [ -n "$daemon" ] && ! pid_alive "$daemon"; then
            echo "[slurm-start] $daemon died while waiting for: $what" >&2; return 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "[slurm-start] timeout (${TIMEOUT}s) waiting for: $what" >&2; return 1
        fi
        sleep 0.2
    done
    log "ready: $what"
}

# Daemons (and job step daemons) inherit the cwd: keep them out of the caller's tree.
cd "$S"

# --- munged ------------------------------------------------------------------
launch munged setpriv --reuid=munge --regid=munge --init-groups \
    munged --foreground --socket="$MUNGE_SOCK" --key-file="$S/munge/munge.key" \
    --pid-file="$S/munge/munged.pid" --log-file="$S/munge/munged.log" \
    --seed-file="$S/munge/munged.seed" --num-threads=2
munge_ok() { munge -n -S "$MUNGE_SOCK" | unmunge -S "$MUNGE_SOCK"; }
wait_for munged munged munge_ok

# --- MariaDB -----------------------------------------------------------------
mariadb-install-db --defaults-file="$S/mysql/my.cnf" --user=mysql \
    --auth-root-authentication-method=socket --skip-test-db \
    >"$S/log/mariadb-install-db.log" 2>&1
log "MariaDB datadir initialised"
launch mariadbd mariadbd --defaults-file="$S/mysql/my.cnf"
sql() { mariadb --defaults-file="$S/mysql/my.cnf" -uroot -N -e "$1"; }
wait_for "mariadb on 127.0.0.1:$MYSQL_PORT" mariadbd sql 'SELECT 1'
sql "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
     GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1'; FLUSH PRIVILEGES;"

# --- slurmdbd ------------------------------------------------------------------
launch slurmdbd slurmdbd -D
wait_for "slurmdbd on 127.0.0.1:$DBD_PORT" slurmdbd sacctmgr -n show cluster

# Accounting objects (idempotent: "already exists"/"nothing modified" ignored).
sacctmgr -i add cluster "$CLUSTER" >/dev/null 2>&1 || true
sacctmgr -i add account "$ACCOUNT" Cluster="$CLUSTER" \
    Description="synfire CI" Organization=synfire >/dev/null 2>&1 || true
sacctmgr -i add user "$JOBUSER" Account="$ACCOUNT" DefaultAccount="$ACCOUNT" \
    Cluster="$CLUSTER" >/dev/null 2>&1 || true
sacctmgr -i modify user where name="$JOBUSER" set DefaultAccount="$ACCOUNT" >/dev/null 2>&1 || true
sacctmgr -n -P show assoc where user="$JOBUSER" account="$ACCOUNT" cluster="$CLUSTER" format=user \
    | grep -qx "$JOBUSER" || { echo "[slurm-start] association for $JOBUSER missing" >&2; false; }
log "accounting: cluster=$CLUSTER account=$ACCOUNT user=$JOBUSER"

# --- slurmctld, slurmd ---------------------------------------------------------
launch slurmctld slurmctld -D -f "$ETC/slurm.conf"
wait_for "slurmctld on 127.0.0.1:$CTLD_PORT" slurmctld scontrol ping
launch slurmd slurmd -D -f "$ETC/slurm.conf" -N "$HOST"
node_idle() { [ "$(sinfo -h -N -n "$HOST" -o '%t')" = idle ]; }
wait_for "node $HOST idle in sinfo" slurmd node_idle
wait_for "sacct answers" slurmdbd sacct -n -X -a -S now-1minute

trap - ERR
log "SLURM cluster up: cluster=$CLUSTER partition=$PARTITION account=$ACCOUNT node=$HOST CPUs=$NCPU RealMemory=${MEM}M"
echo "[slurm-start] started in $(elapsed)s"
echo "[slurm-start] env file: $S/env.sh"
