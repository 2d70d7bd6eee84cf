"""The packet window rule on synthetic spike trains with known answers."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simcore.packets import fit_mixture, packet_sequence
from simcore.params import Params

P = Params()
OLD = P.replace(packet_estimator="window_count")
NO_BACKGROUND = P.replace(packet_background_rate=0.0, packet_background_rate_first=0.0)
ESTIMATORS = {"mixture": P, "window_count": OLD}


def _bench():
    path = Path(__file__).resolve().parent.parent / "bench" / "estimator.py"
    spec = importlib.util.spec_from_file_location("bench_estimator", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _background(rng, rate_per_ms, t_stop=100.0):
    return rng.uniform(0, t_stop, rng.poisson(rate_per_ms * t_stop))


@pytest.mark.parametrize(
    "params",
    [OLD.replace(clip_n_sd=0.0), NO_BACKGROUND, NO_BACKGROUND.replace(clip_n_sd=0.0)],
    ids=["window_count", "mixture", "mixture_no_clip"],
)
@settings(max_examples=25, deadline=None)
@given(size=st.integers(10, 150), sd=st.floats(0.05, 2.0), seed=st.integers(0, 2**31))
def test_clean_packets_are_measured_exactly(params, size, sd, seed):
    """Without background (and without clipping) a_k, t_k, sigma_k are the count, mean and sd."""
    rng = np.random.default_rng(seed)
    groups = [30.0 + 5.6 * k + sd * rng.standard_normal(size) for k in range(3)]
    inputs = 30.0 - 0.6 + sd * rng.standard_normal(size)
    a, sigma, t = packet_sequence(groups, inputs, params.replace(window_max_half_width=50.0, window_n_sd=6))
    for k in range(3):
        assert a[k] == size
        assert np.isclose(t[k], groups[k].mean()) and np.isclose(sigma[k], groups[k].std(ddof=1))


@pytest.mark.parametrize("name", ESTIMATORS)
def test_background_is_separated_from_a_tight_packet(name):
    rng = np.random.default_rng(1)
    packet = 40.0 + 0.3 * rng.standard_normal(100)
    spikes = np.concatenate([packet, _background(rng, 0.25)])
    a, sigma, t = packet_sequence([spikes], np.array([39.5, 40.0, 40.5]), ESTIMATORS[name])
    assert 97 <= a[0] <= 102
    assert abs(sigma[0] - packet.std(ddof=1)) < 0.03
    assert abs(t[0] - packet.mean()) < 0.05


@pytest.mark.parametrize("name", ESTIMATORS)
def test_background_alone_is_not_a_packet(name):
    rng = np.random.default_rng(2)
    for _ in range(20):
        groups = [_background(rng, 0.31) for _ in range(10)]
        a, sigma, t = packet_sequence(groups, 20 + rng.standard_normal(50), ESTIMATORS[name])
        assert (a == 0).all() and np.isnan(sigma).all() and np.isnan(t).all()


@pytest.mark.parametrize("name", ESTIMATORS)
def test_death_is_final_and_empty_input_gives_nothing(name):
    rng = np.random.default_rng(3)
    alive = 20 + 0.3 * rng.standard_normal(80)
    groups = [alive, np.array([]), 31.2 + 0.3 * rng.standard_normal(80)]
    a, _, _ = packet_sequence(groups, np.array([19.5, 20.5]), ESTIMATORS[name])
    assert a.dtype == np.float64
    assert a[0] >= 78 and a[1:].tolist() == [0, 0]
    a, _, _ = packet_sequence(groups, np.array([]), ESTIMATORS[name])
    assert a.tolist() == [0, 0, 0]


def test_mixture_knows_each_group_s_background_rate():
    """Group 0 is corrected with packet_background_rate_first, later groups with packet_background_rate."""
    rng = np.random.default_rng(4)
    z = rng.standard_normal(30)
    clean = 35.0 + 2.0 * (z - z.mean()) / z.std(ddof=1)  # group 0: mean 35 ms, sd 2 ms exactly
    noisy = np.concatenate([40.0 + 2.0 * rng.standard_normal(30), _background(rng, 0.3)])  # group 1
    inputs = np.array([35.0 - np.sqrt(2.0), 35.0 + np.sqrt(2.0)])  # mean 35 ms, sd 2 ms
    for first, later in [(0.0, 0.0), (3.0, 0.0), (0.0, 3.0), (3.0, 3.0)]:
        params = P.replace(packet_background_rate_first=first, packet_background_rate=later)
        a, sigma, t = packet_sequence([clean, noisy], inputs, params)
        assert (a[0] == 30) == (first == 0) and a[0] > 25
        h = 3 * sigma[0]
        in_window = ((noisy >= t[0] + 5 - h) & (noisy <= t[0] + 5 + h + 3)).sum()
        assert (a[1] == in_window) == (later == 0) and a[1] > in_window - 8


def test_death_is_decided_on_the_packet_s_own_spikes():
    """7 packet spikes + 7 background spikes in the window: the mixture finds a dead packet (a < 10),
    the window count a live one of 14 spikes."""
    packet = 40.0 + np.array([-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3])
    background = np.arange(38.05, 45.0, 1.0)  # 1 spike per ms: 10 Hz x 100 neurons
    spikes = np.sort(np.concatenate([packet, background]))
    inputs = np.array([39.5, 40.5])
    a, sigma, t = packet_sequence([spikes], inputs, P.replace(packet_background_rate_first=10.0))
    assert a[0] == 0 and np.isnan(sigma[0]) and np.isnan(t[0])
    assert packet_sequence([spikes], inputs, OLD)[0][0] == 14


def test_mixture_on_a_single_grid_step():
    """All packet spikes on one time step: the grid's resolution keeps the fit finite (sigma 0)."""
    times = np.concatenate([np.full(40, 25.0), [19.3, 27.8]])
    a, t, sigma, iterations = fit_mixture(times, 18.0, 30.0, 0.3, times, 0.1)
    assert 39.5 < a < 40.5 and t == pytest.approx(25.0, abs=1e-3) and sigma < 0.05 and iterations < 50


# Cells where the window count of spikes was badly biased (issue 12): (n, sigma [ms]).
CELLS = [(20, 3.0), (50, 2.0), (100, 1.0)]
REPETITIONS = 300
# The mixture's own bias, measured with 4000 repetitions (bench/estimator.py --repetitions 4000
# --seed 2): at most +0.11 spikes and -3 % in sigma for n >= 20; allowed on top of 3 standard errors.
BIAS_ALLOWANCE, RATIO_ALLOWANCE, N_SE = 0.25, 0.035, 3.0


def _unbiased(row) -> list[str]:
    """Reasons why a bench cell is not unbiased within N_SE standard errors (+ allowance)."""
    reasons = []
    if abs(row["bias_a"]) > BIAS_ALLOWANCE + N_SE * row["se_a"]:
        reasons.append(f"bias_a {row['bias_a']:+.2f} (se {row['se_a']:.2f})")
    # se of the mean ratio: the sd of a sample sd is about sigma / sqrt(2 (n - 1))
    se_ratio = 1 / np.sqrt(2 * (row["n"] - 1)) / np.sqrt(row["repetitions"])
    if abs(row["sigma_ratio"] - 1) > RATIO_ALLOWANCE + N_SE * se_ratio:
        reasons.append(f"sigma_ratio {row['sigma_ratio']:.3f} (se {se_ratio:.3f})")
    return reasons


@pytest.fixture(scope="module")
def bench():
    return _bench()


def test_mixture_is_unbiased_under_in_chain_background(bench):
    """Synthetic packets + the in-chain background (as bench/estimator.py): a and sigma unbiased."""
    params = P.replace(packet_background_rate_first=P.packet_background_rate)
    for n, sigma in CELLS:
        row = bench.measure_cell(n, sigma, params, P.packet_background_rate, 1.0, REPETITIONS, seed=7)
        assert row["found"] == 1.0
        assert not _unbiased(row), (n, sigma, _unbiased(row))


def test_the_check_catches_the_window_count_bias(bench):
    """The same check fails for the rule before issue 12 (background counted as packet)."""
    params = OLD.replace(packet_background_rate_first=P.packet_background_rate)
    for n, sigma in CELLS:
        row = bench.measure_cell(n, sigma, params, P.packet_background_rate, 1.0, REPETITIONS, seed=7)
        assert row["bias_a"] > 1.0 and _unbiased(row), (n, sigma, row)
