"""The packet window rule on synthetic spike trains with known answers."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simcore.packets import packet_sequence
from simcore.params import Params

P = Params()


def _background(rng, rate_per_ms, t_stop=100.0):
    return rng.uniform(0, t_stop, rng.poisson(rate_per_ms * t_stop))


@settings(max_examples=40, deadline=None)
@given(size=st.integers(10, 150), sd=st.floats(0.05, 2.0), seed=st.integers(0, 2**31))
def test_clean_packets_are_measured_exactly(size, sd, seed):
    rng = np.random.default_rng(seed)
    groups = [30.0 + 5.6 * k + sd * rng.standard_normal(size) for k in range(3)]
    inputs = 30.0 - 0.6 + sd * rng.standard_normal(size)
    a, sigma, t = packet_sequence(groups, inputs, P.replace(clip_n_sd=0.0, window_max_half_width=50.0, window_n_sd=6))
    for k in range(3):
        assert a[k] == size
        assert np.isclose(t[k], groups[k].mean()) and np.isclose(sigma[k], groups[k].std(ddof=1))


def test_background_is_clipped_from_a_tight_packet():
    rng = np.random.default_rng(1)
    packet = 40.0 + 0.3 * rng.standard_normal(100)
    spikes = np.concatenate([packet, _background(rng, 0.25)])
    a, sigma, t = packet_sequence([spikes], np.array([39.5, 40.0, 40.5]), P)
    assert 97 <= a[0] <= 102
    assert abs(sigma[0] - packet.std(ddof=1)) < 0.03
    assert abs(t[0] - packet.mean()) < 0.05


def test_background_alone_is_not_a_packet():
    rng = np.random.default_rng(2)
    groups = [_background(rng, 0.22) for _ in range(10)]
    a, sigma, t = packet_sequence(groups, 20 + rng.standard_normal(50), P)
    assert (a == 0).all() and np.isnan(sigma).all() and np.isnan(t).all()


def test_death_is_final_and_empty_input_gives_nothing():
    rng = np.random.default_rng(3)
    alive = 20 + 0.3 * rng.standard_normal(80)
    groups = [alive, np.array([]), 31.2 + 0.3 * rng.standard_normal(80)]
    a, _, _ = packet_sequence(groups, np.array([19.5, 20.5]), P)
    assert a[0] >= 78 and a[1:].tolist() == [0, 0]
    a, _, _ = packet_sequence(groups, np.array([]), P)
    assert a.tolist() == [0, 0, 0]
