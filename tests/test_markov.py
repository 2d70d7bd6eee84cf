"""The Markov prediction of survival from one group's transitions (issue 12, part 3;
workflow/scripts/diesmann1999/markov.py): the iteration against closed forms, the kernels'
simulation, the tables and the workflow's outputs. Each test names the bug it catches."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from workflow_dag import finished_run

from diesmann1999 import markov
from diesmann1999.columns import metadata
from simcore.dataset import CorruptFileError
from simcore.params import Params

A_GRID = np.arange(10.0, 101.0, 10.0)
SIGMA_GRID = np.array([0.5, 1.0])


def kernel_of(outputs) -> markov.Kernel:
    """A kernel on A_GRID x SIGMA_GRID whose cell (a, sigma) emits the packets outputs(a) (a list of
    a' per trial, 0 = dead), every sigma' 0.5 ms."""
    a_out = np.array([[outputs(a) for _ in SIGMA_GRID] for a in A_GRID], dtype=float)
    return markov.Kernel(A_GRID, SIGMA_GRID, a_out, np.where(a_out > 0, 0.5, np.nan))


def test_two_state_chain_survives_geometrically():
    """A live packet stays alive with probability q = 3/4 per group and a dead one stays dead:
    P(alive after k) = q^k. Catches a dead packet that is stepped again (the small cells here emit
    live packets), a wrong trial axis, or survival counted after the wrong number of groups."""
    kernel = kernel_of(lambda a: [100, 100, 100, 0])
    particles = 40000
    p = markov.survival_curve([kernel], [100.0], [0.5], 8, 50.0, particles, seed=3)[0]
    expected = 0.75 ** np.arange(1, 9)
    assert np.all(np.abs(p - expected) <= 4 * np.sqrt(expected * (1 - expected) / particles) + 1e-12)


def test_deterministic_map_and_kernel_order():
    """Group 0 passes the packet on unchanged, every later group loses 10 spikes: from a = 80 the
    packet has 80, 70, 60, 50, 40 ... spikes after 1, 2, 3, 4, 5 groups, so it is alive (>= 50)
    after k <= 4 groups only. Catches an off-by-one in k, the first kernel used for later groups
    (or the later one for group 0), and the last kernel not repeating."""
    first = kernel_of(lambda a: [a])
    later = kernel_of(lambda a: [a - 10 if a - 10 >= 10 else 0])
    p = markov.survival_curve([first, later], [80.0], [1.0], 7, 50.0, particles=50, seed=1)[0]
    assert p.tolist() == [1, 1, 1, 1, 0, 0, 0]


def test_between_cells_the_kernel_mixes_its_neighbours_linearly():
    """a = 53 lies 30 % of the way from the cell a = 50 (every packet dies) to a = 60 (every packet
    survives): it survives one group with probability 0.3. Catches interpolation weights given to
    the wrong neighbour (0.7) or the nearest cell taken (0)."""
    kernel = kernel_of(lambda a: [100] if a >= 60 else [0])
    p = markov.survival_curve([kernel], [53.0], [0.75], 1, 50.0, particles=40000, seed=2)[0, 0]
    assert abs(p - 0.3) < 4 * math.sqrt(0.21 / 40000)


def test_iteration_is_deterministic_given_the_seed():
    """Catches an unseeded generator (a prediction that changes from run to run)."""
    kernel = kernel_of(lambda a: [a, 0, min(a + 10, 100)])
    runs = [markov.survival_curve([kernel], [50.0, 70.0], [0.5, 1.0], 5, 50.0, 100, seed=9) for _ in range(2)]
    assert np.array_equal(*runs)


@pytest.fixture(scope="module")
def simulated_kernels():
    """The three kernels of the default model on a tiny grid (about a second)."""
    model = Params()
    return {
        kind: markov.simulate_kernel(model, kind, [40, 70], [0.5, 2.0], trials=12, seed=4, threads=1)
        for kind in markov.KINDS
    }


def test_one_group_prediction_is_the_kernels_own_survival(simulated_kernels):
    """Started on a cell, P(alive after 1 group) is that cell's fraction of emitted packets with
    >= min_fraction * group_size spikes (within the particles' noise). Catches survival judged
    with another rule than the chain's (a > 0, or a > min size) or after the wrong group."""
    kernel = markov.Kernel.of(simulated_kernels["first"])
    a, s = np.meshgrid(kernel.a_values, kernel.sigma_values, indexing="ij")
    particles = 20000
    p = markov.survival_curve([kernel], a, s, 1, 50.0, particles, seed=5)[:, 0].reshape(a.shape)
    own = kernel.surviving(50.0)
    assert np.all(np.abs(p - own) <= 4 * np.sqrt(own * (1 - own) / particles) + 1e-12)
    assert 0 < own.mean() < 1  # some cells survive, some die: the comparison means something


def test_kernels_model_the_groups_position_in_the_chain(simulated_kernels):
    """group 0: no predecessor, its estimator expects group 0's background; group 1: group 0's
    spontaneous rate comes in, the estimator expects the later groups' rate; later groups: the later
    rate both ways. Catches the two rates swapped and a packet centred too early for the largest sigma."""
    model = Params()
    expected = {
        "first": (0.0, model.packet_background_rate_first),
        "second": (model.packet_background_rate_first, model.packet_background_rate),
        "later": (model.packet_background_rate, model.packet_background_rate),
    }
    for kind, ds in simulated_kernels.items():
        params = Params.from_json(ds.attrs["params"])
        assert (ds.attrs["predecessor_rate_hz"], params.packet_background_rate_first) == expected[kind], kind
        assert params.n_groups == 1 and params.t0 >= 3 * 2.0
    params, _ = markov.kernel_setup(model, "later", 10.0)
    assert params.t0 == 30.0 and params.t_stop > params.t0 + model.window_max_half_width + model.window_latency


def test_predecessor_spikes_have_the_rate_asked_for():
    """group_size * rate spikes per second over the trial. Catches a unit slip (Hz taken per ms, or
    the rate of one neuron instead of the group's)."""
    params = Params(n_groups=1, t_stop=1000.0)
    generator = np.random.Generator(np.random.SFC64(1))
    counts = [markov.predecessor_steps(generator, params, 3.1).size for _ in range(50)]
    expected = params.group_size * 3.1  # spikes in 1 s
    assert abs(np.mean(counts) - expected) < 4 * math.sqrt(expected / 50)


def test_simulated_kernel_is_deterministic_and_thread_independent():
    """Catches trials drawing from a shared stream (results that depend on the threads or repeat)."""
    params, rate = markov.kernel_setup(Params(), "second", 2.0)
    one = markov.simulate_cell(params, 50, 1.0, 6, 2, rate, threads=1)
    two = markov.simulate_cell(params, 50, 1.0, 6, 2, rate, threads=2)
    assert all(np.array_equal(x, y, equal_nan=True) for x, y in zip(one, two))
    assert len(set(one[0])) > 1  # the trials differ from each other


def test_kernel_files_are_checked(simulated_kernels, tmp_path):
    """A kernel of another kind copied over a file, or one of another simulator, is refused.
    Catches a reader that trusts the file name."""
    path = markov.write_kernel(simulated_kernels["second"], tmp_path / "kernel_later.nc")
    with pytest.raises(CorruptFileError, match="another kind"):
        markov.open_kernel(path, kind="later")
    with pytest.raises(CorruptFileError, match="another simulator"):
        markov.open_kernel(path, kind="second", simulator="0" * 16)
    assert markov.open_kernel(path, kind="second").sizes == {"a_in": 2, "sigma_in": 2, "trial": 12}


def test_kernel_file_is_cf_1_8(simulated_kernels, tmp_path):
    """The kernel file passes cfchecks as CF-1.8 with NaN as the fill value of a dead packet's
    sigma and latency only. Catches a variable without units or a fill value on the counts."""
    from test_data_standards import cfchecks, counts

    path = markov.write_kernel(simulated_kernels["later"], tmp_path / "kernel_later.nc")
    assert counts(cfchecks(path)) == (0, 0)
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert np.isnan(ds.sigma_out.encoding["_FillValue"]) and "_FillValue" not in ds.a_out.encoding
        assert ds.attrs["cpu_seconds"] > 0


def sweep(a_values, sigma_values, trials, n_groups, alive):
    """A synthetic stacked sweep: the packet of trial t keeps 100 spikes in every group if
    alive(a, t), else it dies in group 0."""
    shape = (len(a_values), len(sigma_values), trials, n_groups)
    a_out = np.zeros(shape)
    for i, a in enumerate(a_values):
        for trial in range(trials):
            if alive(a, trial):
                a_out[i, :, trial] = 100.0
    return xr.Dataset(
        {
            "a_out": (("a_in", "sigma_in", "trial", "group"), a_out),
            "sigma_out": (("a_in", "sigma_in", "trial", "group"), np.where(a_out > 0, 0.3, np.nan)),
        },
        coords={"a_in": np.array(a_values), "sigma_in": np.array(sigma_values, dtype=float)},
        attrs={"params": json.dumps({"group_size": 100})},
    )


def test_exact_kernels_reproduce_the_sweep_and_every_column_is_documented(tmp_path):
    """Kernels whose packets survive exactly when a >= 50 predict a sweep of the same rule without
    error: mean |dp| = 0 at every chain length and kernel set, a50 in the simulated interval. Also
    every table's columns are in the data dictionary and p_simulated is empty where not simulated.
    Catches predictions compared with the wrong point or chain length of the sweep."""
    kernel = kernel_of(lambda a: [100] * 4 if a >= 50 else [0] * 4)
    kernels = dict.fromkeys(markov.KINDS, kernel)
    ds = sweep([30, 40, 50, 60, 80], [0.5, 1.0], trials=10, n_groups=4, alive=lambda a, t: a >= 50)
    survival, threshold, check = markov.predict(
        kernels, ds, chain_lengths=[6, 20], particles=200, seed=1, min_fraction=0.5, confidence=0.95
    )
    assert list(survival.columns) == ["chain_length", "a", "sigma", "p_predicted", "p_simulated"]
    assert sorted(survival.chain_length.unique()) == [4, 6, 20]
    simulated = survival.dropna(subset=["p_simulated"])
    assert set(simulated.chain_length) == {4} and len(simulated) == 10  # the sweep's points only
    assert (simulated.p_predicted == simulated.p_simulated).all()
    assert survival[survival.chain_length != 4].p_simulated.isna().all()
    assert (check.mean_abs_dp == 0).all() and check.a50_within.dropna().eq(2).all()
    assert threshold[threshold.chain_length == 4].within.all()
    steps = markov.step_table(kernels, ds, min_fraction=0.5, seed=1)
    for name, frame in {"predicted_survival": survival, "predicted_threshold": threshold, "prediction_check": check,
                        "prediction_steps": steps}.items():  # fmt: skip
        metadata(frame, tmp_path / f"{name}.csv")  # raises for an undocumented column


def test_the_workflow_makes_the_tables_and_the_figure(tmp_path_factory):
    """The test config's run (shared with the rerun contract) makes every prediction output, with
    the simulated chain length checked. Catches a rule left out of `all` or a table left empty."""
    results = finished_run(tmp_path_factory) / "results"
    survival = pd.read_csv(results / "tables" / "predicted_survival.csv")
    assert list(survival.columns) == ["chain_length", "a", "sigma", "p_predicted", "p_simulated"]
    assert survival.p_simulated.notna().sum() == 6  # the 3 x 2 points of the test grid at n_groups = 5
    assert set(survival.chain_length) == {5, 8}
    cost = pd.read_csv(results / "tables" / "prediction_cost.csv")
    assert (cost.cpu_s > 0).all()
    for name in ("predicted_threshold", "prediction_check", "prediction_steps"):
        assert len(pd.read_csv(results / "tables" / f"{name}.csv")) > 0, name
    for kind in markov.KINDS:
        assert (results / "prediction" / f"kernel_{kind}.nc").exists()
    assert (results / "figures" / "prediction.png").stat().st_size > 10000


def test_the_prediction_is_judged_against_both_intervals_of_the_simulated_a50():
    """Trial t of 10 survives when a >= 40 + 2 t, in the kernels and in the sweep alike, so the
    survival rises over two grid values and the sweep's probit fit exists. The predicted a50 must lie
    in both simulated intervals, and the table must carry the sweep's own fitted a50 and interval
    (analysis.threshold_table). Catches the fitted interval's ends swapped or taken from another
    column, which would judge a correct prediction outside it."""
    from diesmann1999.analysis import survival_table, threshold_table

    kernel = kernel_of(lambda a: [100 if a >= 40 + 2 * t else 0 for t in range(10)])
    kernels = dict.fromkeys(markov.KINDS, kernel)
    ds = sweep([30, 40, 50, 60, 70], [0.5, 1.0], trials=10, n_groups=4, alive=lambda a, t: a >= 40 + 2 * t)
    _, threshold, _ = markov.predict(
        kernels, ds, chain_lengths=[4], particles=400, seed=1, min_fraction=0.5, confidence=0.95
    )
    simulated = threshold_table(survival_table(ds, 0.5, 0.95), 0.95)
    assert np.isfinite(simulated.a50_fit).all()
    np.testing.assert_allclose(
        threshold[["a50_fit", "a50_fit_low", "a50_fit_high"]], simulated[["a50_fit", "a50_fit_low", "a50_fit_high"]]
    )
    assert threshold.within.all() and threshold.within_fit.all()
