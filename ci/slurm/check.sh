#!/usr/bin/env bash
# Smoke test for the private SLURM cluster (ci/slurm/start.sh must have run):
# submit `hostname; sleep 1`, wait for it to finish, require sacct to say
# COMPLETED with exit code 0:0.
set -euo pipefail

S=$(realpath -m -- "${SLURM_STATE_DIR:-/tmp/synfire-slurm}")
[ -f "$S/env.sh" ] || { echo "[slurm-check] no $S/env.sh: run ci/slurm/start.sh first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$S/env.sh"
TIMEOUT=${SYNFIRE_SLURM_CHECK_TIMEOUT:-60}
t0=$EPOCHREALTIME

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
chmod 777 "$out"   # the job may run as a non-root user
jobid=$(sbatch --parsable -J synfire-smoke -A "$SYNFIRE_SLURM_ACCOUNT" -p "$SYNFIRE_SLURM_PARTITION" \
        -c 1 --mem=100 -t 2 -o "$out/%j.out" --wrap 'hostname; sleep 1')
jobid=${jobid%%;*}
echo "[slurm-check] submitted job $jobid"

deadline=$(( $(date +%s) + TIMEOUT ))
state=
while :; do
    state=$(sacct -n -X -P -j "$jobid" -o State 2>/dev/null | head -n1 || true)
    case "$state" in
        COMPLETED|FAILED|CANCELLED*|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|BOOT_FAIL|DEADLINE|PREEMPTED) break ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "[slurm-check] timeout after ${TIMEOUT}s; sacct state '$state'" >&2
        squeue -j "$jobid" >&2 || true
        exit 1
    fi
    sleep 0.5
done

sacct -j "$jobid" -o JobID,JobName,Account,Partition,AllocCPUS,ReqMem,State,ExitCode
exitcode=$(sacct -n -X -P -j "$jobid" -o ExitCode | head -n1)
echo "[slurm-check] job output: $(cat "$out/$jobid.out" 2>/dev/null)"
if [ "$state" = COMPLETED ] && [ "$exitcode" = 0:0 ]; then
    printf '[slurm-check] OK: job %s COMPLETED in %.1fs\n' "$jobid" \
        "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
else
    echo "[slurm-check] FAIL: job $jobid state=$state exit=$exitcode" >&2
    exit 1
fi
