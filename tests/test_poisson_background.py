"""The Poisson background's per-step jump law (difference of two Poisson counts) and its sampler."""

import numpy as np
import pytest
from scipy.stats import chisquare, poisson, skellam

from simcore.backend import draws
from simcore.network import Drive, skellam_pmf
from simcore.params import Params


@pytest.mark.parametrize("lam_exc, lam_inh", [(3.52, 3.0), (0.2, 0.0), (0.0, 1.5), (40.0, 35.0)])
def test_skellam_pmf_matches_scipy(lam_exc, lam_inh):
    values, probabilities = skellam_pmf(lam_exc, lam_inh)
    if lam_inh == 0:  # scipy's skellam needs both rates > 0
        expected = poisson.pmf(values, lam_exc)
    elif lam_exc == 0:
        expected = poisson.pmf(-values, lam_inh)
    else:
        expected = skellam.pmf(values, lam_exc, lam_inh)
    np.testing.assert_allclose(probabilities, expected, rtol=1e-9, atol=1e-300)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-14)


def test_paper_background_drive():
    drive = Drive.of(Params(background="poisson"))
    values = drive.kick_values / 4.86
    probabilities = np.diff(np.concatenate([[0.0], drive.kick_cdf]))
    # 17,600 x 2 Hz and 2,400 x 12.5 Hz over 0.1 ms: mean 0.52 spikes, variance 6.52
    assert (values * probabilities).sum() == pytest.approx(0.52, abs=1e-12)
    assert ((values - 0.52) ** 2 * probabilities).sum() == pytest.approx(6.52, abs=1e-10)


def test_the_kernels_sampler_has_the_right_law():
    """The jumps as the kernel draws them: a block of uniforms from `_fill_uniforms`, each inverted by
    `_invert` through the guide table. Each index equals NumPy's searchsorted of the same uniform
    (exactly), and 400,000 of them follow the Skellam law: chi-square over the values with at least
    20 expected, plus one bin for each tail beyond them (p > 1e-3: a false alarm once in 1000 runs)."""
    drive = Drive.of(Params(background="poisson"))
    state = draws.new_state(np.random.SeedSequence(5))
    uniforms = draws.uniform(state.copy(), 400_000)  # the block the kernel's sampler will draw next
    index = draws.discrete(state, drive.kick_cdf, drive.kick_guide, 400_000)
    np.testing.assert_array_equal(index, np.searchsorted(drive.kick_cdf, uniforms, side="right"))
    values = np.rint(drive.kick_values / 4.86).astype(int)
    jumps = values[index]
    expected = skellam.pmf(values, 3.52, 3.0) * index.size
    inside = np.flatnonzero(expected > 20)
    lo, hi = inside[0], inside[-1]
    observed = (
        [np.sum(jumps < values[lo])] + [np.sum(jumps == values[k]) for k in inside] + [np.sum(jumps > values[hi])]
    )
    expected_bins = [expected[:lo].sum(), *expected[inside], expected[hi + 1 :].sum()]
    assert min(expected_bins) > 5
    result = chisquare(observed, np.array(expected_bins) / np.sum(expected_bins) * np.sum(observed))
    assert result.pvalue > 1e-3
