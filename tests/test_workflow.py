"""The whole Snakemake workflow on the test config (.test/config), in temporary directories, as a user runs it."""

import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from workflow_dag import snakemake_command

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".test" / "config" / "config.yaml"


def snakemake(workdir, *args, timeout=600, config=CONFIG, **kwargs):
    command = snakemake_command(workdir, config, *args)
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


@pytest.fixture(scope="module")
def main_only(tmp_path_factory):
    """The test config without the bifurcation and normalization studies: the main sweep only."""
    import yaml

    config = yaml.safe_load(CONFIG.read_text())
    config["bifurcation"] = {"enabled": False}
    config["normalization"] = {"enabled": False}
    path = tmp_path_factory.mktemp("config") / "main_only.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("run2")
    result = snakemake(workdir, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


def test_outputs_have_the_documented_structure(finished):
    with xr.open_dataset(finished / "results" / "packets.nc", engine="h5netcdf") as ds:
        assert ds.a_out.dims == ("a_in", "sigma_in", "trial", "group")
        assert set(ds.data_vars) == {"a_out", "sigma_out", "t_out"}
        assert ds.sizes == {"a_in": 3, "sigma_in": 2, "trial": 6, "group": 5}
        for key in ("params", "seed", "simcore_version", "git_commit"):
            assert key in ds.attrs
    for name in ("survival", "threshold", "transmission", "flow", "fixed_points", "window_sensitivity", "bifurcation"):
        assert len(pd.read_csv(finished / "results" / "tables" / f"{name}.csv")) > 0, name
    bifurcation = pd.read_csv(finished / "results" / "tables" / "bifurcation.csv")
    assert bifurcation.group_size.is_unique, "only the group-size variants belong in the bifurcation table"
    for name in (
        "rasters",
        "transmission",
        "state_space",
        "survival_curves",
        "survival_heatmap",
        "window_sensitivity",
        "bifurcation",
    ):
        for suffix in (".png", ".pdf"):
            assert (finished / "results" / "figures" / f"{name}{suffix}").stat().st_size > 5000


def test_every_table_has_its_data_dictionary(finished):
    """(issue 13) CSV tables are self-describing: beside each, CSVW metadata gives every column's
    datatype, unit and meaning."""
    import json

    tables = sorted((finished / "results").rglob("*.csv"))
    assert len(tables) >= 11  # 12 with the NEST cross-check
    for table in tables:
        columns = json.loads(Path(f"{table}-metadata.json").read_text())["tableSchema"]["columns"]
        assert [c["name"] for c in columns] == list(pd.read_csv(table, nrows=0).columns), table.name
        for column in columns:
            assert column["dc:description"] and column["datatype"], (table.name, column)
            assert column.get("schema:unitText") or column["datatype"] == "string", (table.name, column)


def test_normalization_study_outputs(finished):
    study = finished / "results" / "normalization"
    issue = pd.read_csv(study / "issue577.csv").set_index("convention")
    assert issue.loc["unnormalized_ode", "ratio_to_convolution"] == pytest.approx(8.6, abs=1e-6)
    assert len(pd.read_csv(study / "conventions.csv")) == 4
    thresholds = pd.read_csv(study / "thresholds.csv")
    assert {"norm_euler", "norm_paper", "norm_peak_normalized", "norm_peak_normalized_cal"} <= set(thresholds.variant)
    psp = thresholds.drop_duplicates("variant").set_index("variant").psp_mv
    # Seeds' weight under NEST's convention: e times the seeds' PSP; BrainPy <= 2.4.6: tau_s times it.
    assert psp["norm_peak_normalized"] == pytest.approx(
        np.e * psp["norm_one_over_e_peak"], rel=1e-5
    )  # the CSV keeps 6 significant digits
    assert psp["norm_unnormalized_ode"] == pytest.approx(
        0.325 * psp["norm_one_over_e_peak"], rel=1e-5
    )  # the CSV keeps 6 significant digits
    for name in ("survival.png", "threshold_vs_psp.png", "issue577.png"):
        assert (study / name).stat().st_size > 5000, name


def test_basic_science(finished):
    survival = pd.read_csv(finished / "results" / "tables" / "survival.csv")
    p = survival.pivot(index="a", columns="sigma", values="p")
    assert (p.loc[100] >= p.loc[20]).all() and p.loc[100].min() >= 0.8 and p.loc[20].max() <= 0.2
    assert p[0.5].sum() >= p[2.0].sum()  # survival falls with sigma
    fixed = pd.read_csv(finished / "results" / "tables" / "fixed_points.csv").set_index("kind")
    assert 85 <= fixed.loc["attractor", "a"] <= 105 and fixed.loc["attractor", "sigma"] < 1.0


def test_single_core_gives_identical_data(finished, tmp_path, main_only):
    result = snakemake(tmp_path, "--cores", "1", config=main_only)
    assert result.returncode == 0, result.stderr[-3000:]
    with (
        xr.open_dataset(finished / "results" / "packets.nc", engine="h5netcdf") as two,
        xr.open_dataset(tmp_path / "results" / "packets.nc", engine="h5netcdf") as one,
    ):
        for name in ("a_out", "sigma_out", "t_out"):
            np.testing.assert_array_equal(one[name].values, two[name].values)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_run_resumes_without_redoing_work(tmp_path, how, main_only):
    # at most one job started every 3 s: the sweep's 4 simulation jobs (12 files) take at least 9 s
    # however fast the machine, so the interrupt below lands mid-sweep
    command = snakemake_command(tmp_path, main_only, "--cores", "1", "--max-jobs-per-timespan", "1/3s")
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        # as in a terminal: a test run started in the background (`cmd &`) ignores SIGINT, and a
        # child would inherit that and sleep through the Ctrl-C below
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    sims = tmp_path / "results" / "sims" / "main"
    deadline = time.time() + 300
    while time.time() < deadline and len(list(sims.glob("*.nc"))) < 3:
        time.sleep(0.2)
    done = {p: p.stat().st_ino for p in sims.glob("*.nc")}  # finished (and, 1 s later, registered)
    time.sleep(1.0)
    if how == signal.SIGINT:
        os.kill(process.pid, signal.SIGINT)  # Ctrl-C: snakemake stops its jobs and unlocks
    else:
        os.killpg(process.pid, signal.SIGKILL)  # no chance to clean up: the lock stays
    process.wait(timeout=120)
    assert 3 <= len(done) < 12, "the run was not interrupted mid-sweep"
    assert not (tmp_path / "results" / "packets.nc").exists()
    if how == signal.SIGKILL:
        assert snakemake(tmp_path, "--unlock", config=main_only).returncode == 0
    result = snakemake(tmp_path, "--cores", "2", config=main_only)
    assert result.returncode == 0, result.stderr[-3000:]
    for path, inode in done.items():  # a re-simulation would rename a new file into place
        assert path.stat().st_ino == inode, f"{path.name} was simulated again"
    assert not list(tmp_path.rglob("*.part")), "a temporary file was left behind"
    with xr.open_dataset(tmp_path / "results" / "packets.nc", engine="h5netcdf") as ds:
        assert ds.sizes["trial"] == 6
