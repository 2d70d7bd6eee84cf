"""The Poisson background's per-step jump law (difference of two Poisson counts) and its sampler."""

import numpy as np
import pytest
from scipy.stats import chisquare, poisson, skellam

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
    """The kernel's own sampler: uniforms of draws._fill_uniforms (draws.uniform draws a block as the
    kernel does) inverted by chain._invert with the drive's guide table. Each index equals the exact
    inversion (np.searchsorted), and the counts follow the Skellam law (chi-square, the tails pooled
    so that every bin expects >= 20; a false alarm has probability 1e-3). Catches an off-by-one in
    the guide table or the comparison, and a wrong uniform conversion."""
    from simcore.backend import chain, draws

    drive = Drive.of(Params(background="poisson"))
    n = 400_000
    uniforms = draws.uniform(draws.new_state(np.random.SeedSequence(5)), n)
    indices = np.array([chain._invert(drive.kick_cdf, drive.kick_guide, u) for u in uniforms])
    np.testing.assert_array_equal(indices, np.searchsorted(drive.kick_cdf, uniforms, side="right"))
    values = np.rint(drive.kick_values / 4.86).astype(int)
    expected = skellam.pmf(values, 3.52, 3.0) * n
    counts = np.bincount(indices, minlength=values.size).astype(float)
    inside = expected > 20
    low, high = values < values[inside].min(), values > values[inside].max()
    observed = np.concatenate([counts[inside], [counts[low].sum(), counts[high].sum()]])
    wanted = np.concatenate([expected[inside], [expected[low].sum(), expected[high].sum()]])
    assert chisquare(observed, wanted / wanted.sum() * n).pvalue > 1e-3
