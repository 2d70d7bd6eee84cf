"""The workflow on a REAL SLURM cluster (one node on localhost), bit-identical to a local run.

`.ci/run` starts the cluster with ci/slurm/start.sh (root, Debian) and stops it afterwards; on a
laptop without one the test is skipped, with the reason.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

ROOT = Path(__file__).resolve().parent.parent
SMALL = {
    "seed": 3,
    "trials": 6,
    "trials_per_job": 3,
    "grid": {"a": [20, 60, 100], "sigma": [0.5, 2.0]},
    "model": {"n_groups": 5, "t_stop": 60.0},
}


def _cluster_problem():
    if os.geteuid() != 0 or not Path("/etc/debian_version").exists():
        return "needs root on Debian to start a SLURM cluster (ci/slurm/start.sh); .ci/run does this in CI"
    if not os.environ.get("SLURM_CONF"):
        return "no SLURM cluster running: run `bash ci/slurm/start.sh && . /tmp/synfire-slurm/env.sh` first"
    if shutil.which("sinfo") is None:
        return "SLURM client commands not on PATH"
    state = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=30)
    if state.returncode != 0 or not {"idle", "mixed"} & set(state.stdout.split()):
        return f"SLURM cluster not usable: sinfo says {state.stdout.strip() or state.stderr.strip()!r}"
    return None


@pytest.mark.skipif(_cluster_problem() is not None, reason=str(_cluster_problem()))
def test_slurm_run_matches_local_run(tmp_path):
    config = tmp_path / "small.yaml"
    config.write_text(yaml.safe_dump(SMALL))
    base = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--configfile", str(config)]
    local = subprocess.run(
        [*base, "-d", str(tmp_path / "local"), "--cores", "2"], capture_output=True, text=True, timeout=600
    )
    assert local.returncode == 0, local.stderr[-3000:]
    account = os.environ.get("SYNFIRE_SLURM_ACCOUNT", "synfire")
    partition = os.environ.get("SYNFIRE_SLURM_PARTITION", "debug")
    cluster = subprocess.run(
        [
            "timeout",
            "-k",
            "10",
            "900",
            *base,
            "-d",
            str(tmp_path / "slurm"),
            "--workflow-profile",
            str(ROOT / "profiles" / "slurm"),
            "--default-resources",
            f"slurm_account={account}",
            f"slurm_partition={partition}",
            "mem_mb=400",
            "runtime=10",
            "--group-components",
            "simulate=4",
            "--cores",
            "2",
            "--slurm-init-seconds-before-status-checks",
            "2",
            "--latency-wait",
            "5",
        ],
        capture_output=True,
        text=True,
    )
    assert cluster.returncode == 0, (cluster.stdout + cluster.stderr)[-4000:]
    assert "sbatch" in cluster.stdout + cluster.stderr or "SLURM" in cluster.stdout + cluster.stderr
    with (
        xr.open_dataset(tmp_path / "local" / "results" / "packets.nc", engine="h5netcdf") as a,
        xr.open_dataset(tmp_path / "slurm" / "results" / "packets.nc", engine="h5netcdf") as b,
    ):
        for name in ("a_out", "sigma_out", "t_out"):
            np.testing.assert_array_equal(a[name].values, b[name].values)
    for table in ("survival", "threshold"):
        assert (tmp_path / "local" / "results" / "tables" / f"{table}.csv").read_text() == (
            tmp_path / "slurm" / "results" / "tables" / f"{table}.csv"
        ).read_text()
