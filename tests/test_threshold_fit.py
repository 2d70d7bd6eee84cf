"""The threshold packet from a fitted probit curve (issue 12, part 2): diesmann1999.psychometric and
its use in threshold_table and the survival figure. The coverage of the intervals is measured by
bench/threshold_coverage.py (too slow for a test that would be a true statement in standard errors)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize, minimize_scalar
from scipy.stats import chi2, norm

from diesmann1999.analysis import FIT_COLUMNS, survival_rows, threshold_table
from diesmann1999.columns import metadata
from diesmann1999.psychometric import SQRT_2PI, curve, fit_threshold

GRID = np.array([20, 30, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100], dtype=float)
# Survival counts of 40 trials at sigma = 1 ms, default config, seed 1 (bench/survival/after.csv)
MEASURED = np.array([0, 0, 0, 1, 5, 30, 40, 40, 40, 40, 40, 40])


def nll(a50, s, a, k, n):
    """An independent negative log-likelihood of P = Phi((a - a50) / s) (scipy.stats.norm)."""
    eta = (a - a50) / s
    return -np.sum(k * norm.logcdf(eta) + (n - k) * norm.logcdf(-eta))


def independent_fit(a, k, n):
    """Maximum likelihood by Nelder-Mead in (a50, log s): no derivatives, no canonical form."""
    result = minimize(
        lambda t: nll(t[0], math.exp(t[1]), a, k, n),
        [np.interp(0.5, k / n, a), math.log(3.0)],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
    )
    return result.x[0], math.exp(result.x[1]), result.fun


def test_fit_recovers_a_known_curve_from_its_expected_counts():
    """Counts equal to their expectation under a probit curve (1e9 trials) give back its a50 and slope
    to 1e-6. Catches a wrong conversion from the fitted (intercept, slope) on the standardised a back to
    a50, a wrong factor between s and the reported slope dP/da = 1 / (s sqrt(2 pi)), a logit fitted
    where a probit is documented, and a Newton iteration stopped before convergence."""
    a50, s, n = 52.3, 3.7, 1e9
    k = n * norm.cdf((GRID - a50) / s)
    fit = fit_threshold(GRID, k, np.full_like(GRID, n))
    assert fit.a50 == pytest.approx(a50, abs=1e-6)
    assert fit.slope == pytest.approx(1 / (s * SQRT_2PI), rel=1e-6)
    assert curve(a50, fit.a50, fit.slope) == pytest.approx(0.5)
    assert fit.a50_low < a50 < fit.a50_high and fit.a50_high - fit.a50_low < 1e-3


def test_fit_agrees_with_an_independent_maximum_likelihood():
    """On measured counts, the fit is the maximum of an independently written likelihood found by a
    derivative-free search. Catches an error in the analytic derivatives of the Newton iteration (it
    would stop where the wrong gradient vanishes) or in the likelihood itself."""
    n = np.full_like(GRID, 40)
    a50, s, _ = independent_fit(GRID, MEASURED, n)
    fit = fit_threshold(GRID, MEASURED, n)
    assert fit.a50 == pytest.approx(a50, abs=1e-5)
    assert fit.slope == pytest.approx(1 / (s * SQRT_2PI), rel=1e-5)


def test_intervals_are_likelihood_ratio_intervals():
    """At each end of the a50 and slope intervals, the profile deviance, computed independently (the
    other parameter maximised by a bounded scalar search), equals the chi-square(1) quantile of the
    confidence level, and the ends lie on both sides of the estimate. Catches a wrong critical value
    (1.96 instead of 1.96^2, two degrees of freedom, the level of a one-sided interval), a profile
    that fixes the other parameter at its estimate instead of maximising it (a too-narrow interval),
    and ends clipped or mixed up."""
    n = np.full_like(GRID, 40)
    a50, s, best = independent_fit(GRID, MEASURED, n)
    fit = fit_threshold(GRID, MEASURED, n, confidence=0.9)
    critical = chi2.ppf(0.9, 1)

    def deviance_a50(t):
        inner = minimize_scalar(lambda u: nll(t, math.exp(u), GRID, MEASURED, n), bounds=(-5, 5), method="bounded")
        return 2 * (inner.fun - best)

    def deviance_slope(slope):
        scale = 1 / (slope * SQRT_2PI)
        inner = minimize_scalar(lambda t: nll(t, scale, GRID, MEASURED, n), bounds=(30, 80), method="bounded")
        return 2 * (inner.fun - best)

    assert fit.a50_low < a50 < fit.a50_high
    assert fit.slope_low < 1 / (s * SQRT_2PI) < fit.slope_high
    for value in (fit.a50_low, fit.a50_high):
        assert deviance_a50(value) == pytest.approx(critical, abs=1e-4)
    for value in (fit.slope_low, fit.slope_high):
        assert deviance_slope(value) == pytest.approx(critical, abs=1e-4)


@pytest.mark.parametrize(
    ("k", "reason"),
    [
        ([0, 0, 0, 0, 0], "no trial survived"),
        ([10, 10, 10, 10, 10], "every trial survived"),
        ([0, 0, 10, 10, 10], "separated"),  # a jump from 0 to 1 between grid points
        ([0, 0, 4, 10, 10], "separated"),  # one mixed point: the likelihood grows as s -> 0
        ([10, 8, 5, 2, 0], "falls with a"),
        ([10, 10, 0, 0, 0], "falls with a"),
    ],
)
def test_rows_without_a_fit_are_empty_with_a_reason(k, reason, capsys):
    """Counts whose maximum-likelihood fit does not exist give empty fit columns and a reason in the
    log, not an error and not the number where an optimiser stopped (s -> 0 for separated counts).
    Catches a missing check for separation, which would report an a50 and an interval of width ~0."""
    a = np.array([40.0, 50, 60, 70, 80])
    fit = fit_threshold(a, k, np.full(5, 10))
    assert reason in fit.reason
    assert all(math.isnan(getattr(fit, name)) for name in ("a50", "a50_low", "a50_high", "slope"))
    table = threshold_table(survival_rows(a, np.full(5, 1.5), k, np.full(5, 10), 0.95), 0.95, where="test: ")
    assert table[list(FIT_COLUMNS)].isna().all(axis=None)
    assert f"test: sigma = 1.5 ms: no fitted threshold (a50_fit empty): {fit.reason}" in capsys.readouterr().out


def test_an_interval_not_bounded_on_the_grid_has_an_empty_end():
    """Few trials and a shallow curve: the a50 interval reaches past the smallest simulated a; its
    lower end is then empty (unbounded there), not the grid's edge. Catches an end clipped to the
    grid, which would claim a bound the data do not give."""
    a = np.array([40.0, 50, 60, 70])
    fit = fit_threshold(a, [2, 3, 5, 6], np.full(4, 8))
    assert 40 <= fit.a50 <= 70
    assert math.isnan(fit.a50_low)


def test_threshold_table_has_documented_fit_columns():
    """threshold.csv gains the fit columns beside the interpolated ones, all in the data dictionary,
    and the fitted and interpolated a50 agree on measured counts to within the grid step. Catches a
    column left out of columns.py (the job would stop) and fit columns attached to the wrong sigma."""
    survival = pd.concat(
        [
            survival_rows(GRID, np.full(12, 1.0), MEASURED, np.full(12, 40), 0.95),
            survival_rows(GRID, np.full(12, 3.0), np.zeros(12, dtype=int), np.full(12, 40), 0.95),
        ]
    )
    table = threshold_table(survival, 0.95)
    assert list(table.columns) == ["sigma", "a50", "a50_low", "a50_high", *FIT_COLUMNS]
    metadata(table, "threshold.csv")  # raises for an undocumented column
    measured, empty = table.iloc[0], table.iloc[1]
    assert abs(measured.a50_fit - measured.a50) < 5 and measured.a50_fit_low < measured.a50_fit < measured.a50_fit_high
    assert empty[list(FIT_COLUMNS)].isna().all()


def test_survival_figure_draws_the_fitted_curves(tmp_path, monkeypatch):
    """The survival figure renders, with one fitted curve per sigma that has a fit, following the
    fitted probit. Catches a figure that ignores the fit columns or draws the curve with the wrong
    link or slope."""
    from diesmann1999 import figures

    survival = pd.concat(
        [
            survival_rows(GRID, np.full(12, 1.0), MEASURED, np.full(12, 40), 0.95),
            survival_rows(GRID, np.full(12, 3.0), np.zeros(12, dtype=int), np.full(12, 40), 0.95),
        ]
    )
    threshold = threshold_table(survival, 0.95)
    saved = []
    real_save = figures.save
    monkeypatch.setattr(figures, "save", lambda fig, path: (saved.append(fig), real_save(fig, path)))
    figures.survival(survival, threshold, tmp_path / "curves.png", tmp_path / "heatmap.png")
    assert (tmp_path / "curves.png").stat().st_size > 5000 and (tmp_path / "heatmap.png").exists()
    lines = [line for line in saved[0].axes[0].get_lines() if len(line.get_xdata()) == 400]
    assert len(lines) == 1
    x, y = lines[0].get_data()
    fit = threshold.iloc[0]
    assert np.allclose(y, norm.cdf((x - fit.a50_fit) * fit.slope_fit * SQRT_2PI))
