"""`simcore run` with several packets in one process (the workflow's simulation jobs): the same
files as one process per packet, and --reuse keeps exactly the files that hold this simulation."""

import subprocess
import sys

import numpy as np
import pytest

from simcore.dataset import open_point

MODEL = ["--set", "n_groups=3", "--set", "t_stop=40", "--seed", "4", "--sigma", "0.5", "--quiet"]
VARIABLES = ("a_out", "sigma_out", "t_out", "spike_time", "spike_group", "spike_neuron", "spike_count", "input_time")


def simcore(*args, cwd):
    result = subprocess.run(
        [sys.executable, "-m", "simcore", "run", *MODEL, *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result


def test_several_points_in_one_process_equal_one_process_each(tmp_path):
    simcore("--a", "30", "70", "--trials", "1:4", "-o", "batch/a{a}.nc", cwd=tmp_path)
    for a in (30, 70):
        simcore("--a", str(a), "--trials", "1:4", "-o", f"single/a{a}.nc", cwd=tmp_path)
        batch, single = open_point(tmp_path / f"batch/a{a}.nc"), open_point(tmp_path / f"single/a{a}.nc")
        assert batch.attrs["a"] == a
        for name in VARIABLES:
            np.testing.assert_array_equal(batch[name].values, single[name].values, err_msg=name)


@pytest.mark.parametrize(
    "change",
    [["--seed", "5"], ["--trials", "1:3"], ["--set", "w=5.0"], ["--sigma", "0.6"]],
    ids=["seed", "trials", "parameter", "sigma"],
)
def test_reuse_keeps_only_files_of_exactly_this_simulation(tmp_path, change):
    simcore("--a", "30", "70", "--trials", "1:4", "-o", "a{a}.nc", cwd=tmp_path)
    inodes = {a: (tmp_path / f"a{a}.nc").stat().st_ino for a in (30, 70)}
    (tmp_path / "a70.nc").write_bytes(b"truncated")  # a damaged file is simulated again
    simcore("--a", "30", "70", "--trials", "1:4", "-o", "a{a}.nc", "--reuse", cwd=tmp_path)
    assert (tmp_path / "a30.nc").stat().st_ino == inodes[30], "a valid file was simulated again"
    assert open_point(tmp_path / "a70.nc").sizes["trial"] == 3
    # the same command with one thing changed: every file is simulated again (argparse: last wins)
    simcore("--a", "30", "70", "--trials", "1:4", "-o", "a{a}.nc", "--reuse", *change, cwd=tmp_path)
    assert (tmp_path / "a30.nc").stat().st_ino != inodes[30], f"a file of another simulation was kept ({change})"
