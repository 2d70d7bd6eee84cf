#!/usr/bin/env bash
# Stop the private SLURM cluster started by ci/slurm/start.sh.
#
# Only processes named in $SLURM_STATE_DIR/pids/*.pid (and processes in the
# sessions those daemons lead, e.g. slurmstepd of jobs still running) are
# signalled: never anything found by name. Safe to run when nothing runs.
# SYNFIRE_SLURM_STOP_PURGE=1 also deletes the state directory.
set -uo pipefail

S=$(realpath -m -- "${SLURM_STATE_DIR:-/tmp/synfire-slurm}")
WAIT=${SYNFIRE_SLURM_STOP_TIMEOUT:-30}
ORDER=(slurmd slurmctld slurmdbd mariadbd munged)

T0=$EPOCHREALTIME
say() { printf "[slurm-stop %5.1fs] %s\n" "$(awk -v a="$T0" -v b="$EPOCHREALTIME" "BEGIN { print b - a }")" "$*"; }

pid_of() {  # pid_of NAME -> prints the PID if $S/pids/NAME.pid names a live NAME
    local f="$S/pids/$1.pid" pid
    [ -s "$f" ] || return 1
    pid=$(cat "$f")
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && running "$pid" || return 1
    echo "$pid"
}
session_members() {  # PIDs whose session id is $1 (the daemon was started by setsid)
    ps -eo pid=,sid= | awk -v s="$1" '$2 == s && $1 != s { print $1 }'
}
running() {  # running PID -> 0 if PID exists and is not a zombie
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
wait_gone() {  # wait_gone SECONDS PID... -> 0 when all are gone
    local deadline=$(( $(date +%s) + $1 )) p left; shift
    while :; do
        left=0
        for p in "$@"; do running "$p" && left=1; done
        [ "$left" = 0 ] && return 0
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

if [ ! -d "$S/pids" ]; then
    say "nothing to stop (no $S/pids)"
    exit 0
fi

# Cancel remaining jobs while slurmctld still runs so slurmd/slurmstepd can
# clean up their job processes.
if pid_of slurmctld >/dev/null && [ -f "$S/etc/slurm.conf" ]; then
    export SLURM_CONF=$S/etc/slurm.conf
    jobs=$(timeout 10 squeue -h -o %A 2>/dev/null | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
        say "cancelling jobs: $jobs"
        # shellcheck disable=SC2086
        timeout 10 scancel $jobs 2>/dev/null || true
        for _ in $(seq 50); do
            [ -z "$(timeout 10 squeue -h -o %A 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
fi

stopped=0
for name in "${ORDER[@]}"; do
    pid=$(pid_of "$name") || { rm -f "$S/pids/$name.pid"; continue; }
    members=$(session_members "$pid")
    kill -TERM "$pid" 2>/dev/null
    if ! wait_gone "$WAIT" "$pid"; then
        say "$name ($pid) ignored SIGTERM for ${WAIT}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null
        wait_gone 5 "$pid"
    fi
    # Leftovers of the daemon's session (e.g. slurmstepd of cancelled jobs).
    members="$members $(session_members "$pid")"
    live=()
    for m in $members; do running "$m" && live+=("$m"); done
    if [ "${#live[@]}" -gt 0 ]; then
        say "terminating ${#live[@]} leftover process(es) of $name's session: ${live[*]}"
        kill -TERM "${live[@]}" 2>/dev/null
        wait_gone 10 "${live[@]}" || kill -KILL "${live[@]}" 2>/dev/null
    fi
    rm -f "$S/pids/$name.pid"
    say "stopped $name ($pid)"
    stopped=$((stopped + 1))
done
# Job step daemons outlive slurmd (they setsid themselves). Those of *this*
# cluster keep $S/log/slurmd.log open: end their sessions (step + job tasks).
step_sids() {
    local d p
    for d in /proc/[0-9]*; do
        [ "$(cat "$d/comm" 2>/dev/null)" = slurmstepd ] || continue
        for p in "$d"/fd/*; do
            if [ "$(readlink "$p" 2>/dev/null)" = "$S/log/slurmd.log" ]; then
                sed 's/.*) //' "$d/stat" | cut -d' ' -f4   # session id
                break
            fi
        done
    done | sort -u
}
sids=$(step_sids)
if [ -n "$sids" ]; then
    left=$(ps -eo pid=,sid=,stat= | awk -v s=" $(echo $sids) " 'index(s, " " $2 " ") && $3 !~ /^Z/ { print $1 }')
    if [ -n "$left" ]; then
        say "terminating leftover job step processes: $(echo $left)"
        # shellcheck disable=SC2086
        kill -TERM $left 2>/dev/null
        # shellcheck disable=SC2086
        wait_gone 3 $left || kill -KILL $left 2>/dev/null   # slurmstepd ignores SIGTERM
    fi
fi

rm -f "$S/munge/munge.socket.2" "$S/munge/munge.socket.2.lock" "$S/mysql/mysqld.sock"

[ "$stopped" = 0 ] && say "nothing was running"
if [ "${SYNFIRE_SLURM_STOP_PURGE:-0}" = 1 ] && [ -e "$S/.synfire-slurm" ]; then
    rm -rf "${S:?}"
    say "removed $S"
fi
exit 0
