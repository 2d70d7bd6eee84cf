"""Files that standard tools accept and readers that trust no file (issue 13): NetCDF that `cfchecks`
passes as CF-1.8, spikes split by trial without hand-written sums, every simulation file checked
against its name, its variant and the simulator that wrote it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from diesmann1999.analysis import window_thresholds
from diesmann1999.files import aggregate, open_simulation
from diesmann1999.variants import sim_path
from simcore.dataset import (
    REFERENCES,
    CorruptFileError,
    open_point,
    run_point,
    spikes_frame,
    trial_spikes,
    write_netcdf,
    write_point,
)
from simcore.params import Params
from simcore.sources import simulator_digest

ROOT = Path(__file__).resolve().parent.parent
# cfchecks downloads the CF standard name, area type and region tables unless given files; synfire's
# files use none of their entries, so empty tables (tests/data/cf) let it run offline.
TABLES = ROOT / "tests" / "data" / "cf"
PARAMS = Params(n_groups=3, t_stop=40.0)
A_VALUES, SIGMAS, TRIALS, PER_JOB = (60, 100), (0.5,), 4, 2


def cfchecks(path) -> str:
    program = shutil.which("cfchecks") or str(Path(sys.executable).parent / "cfchecks")
    if not Path(program).exists():
        if os.environ.get("CI"):
            pytest.fail("cfchecks is not installed (requirements.lock has cfchecker; it needs libudunits2)")
        pytest.skip("cfchecks is not installed (make setup installs it)")
    tables = ["-s", TABLES / "standard-name-table.xml", "-a", TABLES / "area-type-table.xml"]
    tables += ["-r", TABLES / "region-list.xml"]
    result = subprocess.run(
        [program, *map(str, tables), str(path)], capture_output=True, text=True, timeout=300, cwd=path.parent
    )
    return result.stdout + result.stderr


def counts(report: str) -> tuple[int, int]:
    errors = re.search(r"ERRORS detected: (\d+)", report)
    warnings = re.search(r"WARNINGS given: (\d+)", report)
    assert errors and warnings, report
    return int(errors[1]), int(warnings[1])


@pytest.fixture(scope="module")
def sims(tmp_path_factory):
    """The simulation files of a tiny variant, as the workflow names them."""
    root = tmp_path_factory.mktemp("results")
    paths = []
    for a in A_VALUES:
        for sigma in SIGMAS:
            for chunk in range(TRIALS // PER_JOB):
                trials = range(chunk * PER_JOB, (chunk + 1) * PER_JOB)
                path = Path(sim_path(root, "main", a, sigma, chunk))
                paths.append(write_point(run_point(PARAMS, a, sigma, trials, seed=2), path))
    return paths


def spec():
    return dict(
        name="main",
        a_values=list(A_VALUES),
        sigma_values=list(SIGMAS),
        trials=TRIALS,
        trials_per_job=PER_JOB,
        params_json=PARAMS.to_json(),
    )


def test_point_file_is_cf_1_8(sims):
    """The ragged spike arrays carry featureType, the count is int32, coordinates have long_name and units."""
    report = cfchecks(sims[0])
    assert "Checking against CF Version CF-1.8" in report
    assert counts(report) == (0, 0), report
    ds = open_point(sims[0])
    assert ds.attrs["references"] == REFERENCES and "10.1038/990101" in REFERENCES
    assert ds.attrs["featureType"] == "timeSeries" and ds.spike_count.dtype == np.int32
    for name in ds.coords:
        assert {"long_name", "units"} <= set(ds[name].attrs), name


def test_sweep_file_is_cf_1_8(sims, tmp_path):
    path = write_netcdf(aggregate(sims, **spec(), simulator=simulator_digest()), tmp_path / "packets.nc")
    report = cfchecks(path)
    assert counts(report) == (0, 0), report
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds.attrs["references"] == REFERENCES and ds.attrs["simulator_digest"] == simulator_digest()
        for name in ds.coords:
            assert {"long_name", "units"} <= set(ds[name].attrs), name
        assert np.isnan(ds.sigma_out.encoding["_FillValue"]) and "_FillValue" not in ds.a_out.encoding


def test_spikes_split_by_trial_without_cumulative_sums(sims):
    ds = open_point(sims[1])
    frame = spikes_frame(ds)
    for trial in ds.trial.values:
        time, group, neuron = trial_spikes(ds, trial)
        rows = frame[frame.trial == trial]
        np.testing.assert_array_equal(time, rows.time.values)
        np.testing.assert_array_equal(group, rows.group.values)
        np.testing.assert_array_equal(neuron, rows.neuron.values)
    with pytest.raises(KeyError, match="trial 99"):
        trial_spikes(ds, 99)


def _swap(sims, tmp_path, source, target):
    """A copy of the simulation files in which file `source` was copied over file `target`."""
    copies = []
    for path in sims:
        copy = tmp_path / path.relative_to(sims[0].parents[2])
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, copy)
        copies.append(copy)
    shutil.copy(sims[source], copies[target])
    return copies


@pytest.mark.parametrize(
    "source, target, says",
    [(2, 0, "holds a=100, sigma=0.5, not the a=60"), (0, 1, "holds trials 0..1, not 2..3")],
    ids=["other-point", "other-chunk"],
)
def test_every_reader_refuses_a_swapped_file(sims, tmp_path, source, target, says):
    """(issue 13) a valid file of another point or chunk copied over a simulation file: aggregation,
    the window-sensitivity re-measurement and the rasters name the file and the fix."""
    copies = _swap(sims, tmp_path, source, target)
    bad = re.escape(str(copies[target]))
    with pytest.raises(CorruptFileError, match=f"{bad}: {says}.*delete it and rerun"):
        aggregate(copies, **spec(), simulator=simulator_digest())
    checks = dict(trials=TRIALS, trials_per_job=PER_JOB, simulator=simulator_digest())
    with pytest.raises(CorruptFileError, match=f"{bad}: {says}"):
        window_thresholds(copies, PARAMS, {"default": {}}, 0.5, 0.95, **checks)
    with pytest.raises(CorruptFileError, match=f"{bad}: {says}"):
        open_simulation(copies[target], params_json=PARAMS.to_json(), trials=range(2, 4) if target else range(2))


def test_files_of_another_simulator_are_refused(sims):
    """A file written by other simulator code than the workflow's (its digest) is not used."""
    with pytest.raises(CorruptFileError, match="written by another simulator.*delete it and rerun"):
        aggregate(sims, **spec(), simulator="0123456789abcdef")
    assert open_point(sims[0]).attrs["simulator_digest"] == simulator_digest()
    ds = aggregate(sims, **spec(), simulator=simulator_digest())
    assert ds.sizes == {"a_in": 2, "sigma_in": 1, "trial": 4, "group": 3}


def test_csv_tables_carry_their_data_dictionary(tmp_path):
    import json

    from diesmann1999.analysis import survival_rows
    from diesmann1999.columns import UndocumentedColumnError
    from diesmann1999.files import write_csv

    table = survival_rows([20, 60], [0.5, 0.5], [0, 3], [4, 4], 0.95)
    write_csv(table, tmp_path / "survival.csv")
    meta = json.loads((tmp_path / "survival.csv-metadata.json").read_text())
    assert meta["url"] == "survival.csv" and "csvw" in meta["@context"][0]
    columns = {c["name"]: c for c in meta["tableSchema"]["columns"]}
    assert list(columns) == list(table.columns)
    assert columns["sigma"]["schema:unitText"] == "ms" and columns["a"]["datatype"] == "integer"
    assert columns["p"]["schema:unitText"] == "1" and columns["p"]["datatype"] == "double"
    with pytest.raises(UndocumentedColumnError, match="'mystery' of .*odd.csv is not in the data dictionary"):
        write_csv(table.assign(mystery=1), tmp_path / "odd.csv")
    assert not (tmp_path / "odd.csv").exists()


def test_sweep_readers_refuse_a_swapped_sweep(sims, tmp_path):
    """A stacked sweep of another variant copied over results/variants/<name>/packets.nc is refused."""
    from diesmann1999.files import open_sweep

    path = write_netcdf(aggregate(sims, **spec()), tmp_path / "results" / "variants" / "size80" / "packets.nc")
    with pytest.raises(CorruptFileError, match="holds variant 'main', not 'size80'; delete it and rerun"):
        open_sweep(path)
    main = write_netcdf(aggregate(sims, **spec()), tmp_path / "results" / "packets.nc")
    assert open_sweep(main).attrs["variant"] == "main"
    main.write_bytes(b"not netcdf")
    with pytest.raises(CorruptFileError, match="not a readable NetCDF file"):
        open_sweep(main)
