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


def test_inversion_sampler_has_the_right_law():
    drive = Drive.of(Params(background="poisson"))
    rng = np.random.default_rng(5)
    draws = drive.kick_values[np.searchsorted(drive.kick_cdf, rng.random(400_000), side="right")] / 4.86
    values = np.rint(drive.kick_values / 4.86).astype(int)
    expected = skellam.pmf(values, 3.52, 3.0)
    inside = expected * 400_000 > 20
    observed = np.array([(np.rint(draws) == v).sum() for v in values[inside]])
    result = chisquare(observed, expected[inside] / expected[inside].sum() * observed.sum())
    assert result.pvalue > 1e-3
