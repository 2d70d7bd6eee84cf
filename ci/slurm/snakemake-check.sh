#!/usr/bin/env bash
# End-to-end check: run a tiny two-rule Snakemake workflow on the private
# SLURM cluster (ci/slurm/start.sh must have run) with --executor slurm,
# once job by job and once with the rules grouped (group: + --group-components).
#   SNAKEMAKE=path/to/snakemake (default: <repo>/.venv/bin/snakemake)
#   SMK_TIMEOUT=seconds per snakemake run (default 300)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
S=$(realpath -m -- "${SLURM_STATE_DIR:-/tmp/synfire-slurm}")
[ -f "$S/env.sh" ] || { echo "[smk-check] no $S/env.sh: run ci/slurm/start.sh first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$S/env.sh"   # SLURM_CONF, PATH (srun wrapper for the jobstep plugin), account/partition
SNAKEMAKE=${SNAKEMAKE:-$HERE/../../.venv/bin/snakemake}
SMK_TIMEOUT=${SMK_TIMEOUT:-300}

work=$(mktemp -d /tmp/synfire-smk-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

write_snakefile() {  # write_snakefile DIR [GROUP_LINE_WITH_NEWLINE]
    mkdir -p "$1"
    cat >"$1/Snakefile" <<EOF
rule all:
    input: expand("b/{i}.txt", i=range(3))

rule make_a:
${2}    output: "a/{i}.txt"
    threads: 1
    resources: mem_mb=300, runtime=5
    shell: "hostname > {output}; echo job=\$SLURM_JOB_ID >> {output}; sleep 1"

rule make_b:
${2}    input: "a/{i}.txt"
    output: "b/{i}.txt"
    threads: 1
    resources: mem_mb=300, runtime=5
    shell: "cat {input} > {output}; echo done >> {output}"
EOF
}

run_smk() {  # run_smk NAME DIR EXTRA_ARGS...
    local name=$1 dir=$2 t0=$EPOCHREALTIME rc=0; shift 2
    echo "[smk-check] $name: snakemake --executor slurm $*"
    # snakemake ignores SIGTERM while it waits for jobs: always `timeout -k`.
    ( cd "$dir" && timeout -k 10 "$SMK_TIMEOUT" "$SNAKEMAKE" --executor slurm --jobs 4 \
        --default-resources mem_mb=300 runtime=5 \
            slurm_account="$SYNFIRE_SLURM_ACCOUNT" slurm_partition="$SYNFIRE_SLURM_PARTITION" \
        --slurm-init-seconds-before-status-checks 2 --latency-wait 5 "$@" ) \
        >"$dir/snakemake.log" 2>&1 || rc=$?
    local secs
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    if [ "$rc" != 0 ]; then
        echo "[smk-check] $name: FAILED (rc=$rc) after ${secs}s; log tail:" >&2
        tail -n 40 "$dir/snakemake.log" >&2
        find "$dir/.snakemake/slurm_logs" -name '*.log' -exec tail -n 20 {} + >&2 2>/dev/null || true
        return 1
    fi
    for i in 0 1 2; do
        grep -q '^done$' "$dir/b/$i.txt" || { echo "[smk-check] $name: b/$i.txt incomplete" >&2; return 1; }
    done
    local ids
    ids=$(sed -n 's/^job=//p' "$dir"/b/*.txt | sort -un | tr '\n' ' ')
    echo "[smk-check] $name: OK in ${secs}s; SLURM jobs used by make_a: $ids"
    sacct -X -n -j "$(echo $ids | tr ' ' ',')" -o JobID,AllocCPUS,ReqMem,State,Elapsed
}

write_snakefile "$work/plain" ""
run_smk plain "$work/plain"

# Grouped: the 3 connected make_a->make_b pairs form 3 group components;
# --group-components grp=3 puts all of them in one SLURM job. The group job
# asks for the *sum* of its parallel members (3 CPUs, 900 MB) unless --cores
# caps it: without --cores 2 it would stay PENDING (PartitionConfig) forever
# on this 2-CPU node.
write_snakefile "$work/grouped" '    group: "grp"
'
run_smk grouped "$work/grouped" --group-components grp=3 --cores "$(nproc)"

echo "[smk-check] all OK"
