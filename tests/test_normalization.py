"""BrainPy issue #577 and the normalization conventions: ODE forms against closed forms and numpy.convolve."""

import math

import numpy as np
import pytest

from diesmann1999.normalization import ODE_FORMS, conventions_table, convolved, issue_577, lif_spike_train, ode_response
from simcore.conventions import CONVENTIONS, convention


@pytest.mark.parametrize("tau", [8.6, 0.325])
def test_issue_577_ratios(tau):
    table, _ = issue_577(tau=tau)
    ratios = dict(zip(table.convention, table.ratio_to_convolution))
    assert ratios["unnormalized_ode"] == pytest.approx(tau, abs=1e-6)  # the issue's factor tau
    assert ratios["one_over_e_peak"] == pytest.approx(1.0, abs=1e-9)  # the 2.5.0 fix
    assert ratios["peak_normalized"] == pytest.approx(math.e, abs=1e-9)
    assert ratios["unit_area"] == pytest.approx(1 / tau, abs=1e-9)
    assert (table.ratio_spread < 1e-9).all()  # a constant factor, sample by sample


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_ode_single_spike_equals_closed_form(name):
    tau, dt = 0.325, 0.325 / 20  # the peak t = tau falls on the grid
    n = 4000
    g = ode_response(name, np.array([0]), n, dt, tau)
    conv = convention(name)
    np.testing.assert_allclose(g, conv.evaluate(np.arange(n + 1) * dt, tau), rtol=1e-11, atol=1e-14)
    assert g.max() == pytest.approx(conv.peak(tau), abs=1e-9)
    assert np.argmax(g) * dt == pytest.approx(conv.time_of_peak(tau), abs=1e-12)
    # area: trapezoid of the exact samples plus its known Euler-Maclaurin correction is not needed:
    # integrate the ODE's g exactly instead, via the extended system's matrix (-A^-1)
    drift, jump = ODE_FORMS[name].matrices(tau)
    area = (-np.linalg.inv(drift) @ np.array([jump, 0.0]))[1]
    assert area == pytest.approx(conv.area(tau), abs=1e-9)


def test_convolution_uses_numpy_convolve_semantics():
    spikes = lif_spike_train(100.0)
    assert 5 <= spikes.size <= 10
    direct = convolved(spikes, 1000, 0.1, 8.6)
    manual = np.zeros(1001)
    for s in spikes:
        manual[s:] += convention("one_over_e_peak").evaluate(np.arange(1001 - s) * 0.1, 8.6)
    np.testing.assert_allclose(direct, manual, rtol=1e-12, atol=1e-15)


def test_conventions_table_values():
    table = conventions_table().set_index("convention")
    assert table.loc["one_over_e_peak", "weight_for_psp_mv"] == pytest.approx(4.9704, abs=1e-3)
    assert table.loc["one_over_e_peak", "psp_mv_with_seed_weight"] == pytest.approx(0.136889, abs=1e-6)
    assert table.loc["unnormalized_ode", "psp_mv_with_seed_weight"] == pytest.approx(0.136889 * 0.325, abs=1e-6)
    assert table.loc["peak_normalized", "psp_mv_with_seed_weight"] == pytest.approx(0.136889 * math.e, abs=1e-6)
    assert table.loc["unit_area", "area_ms"] == pytest.approx(1.0)
    # w (y += w form) = e * J (peak form)
    assert table.loc["one_over_e_peak", "weight_for_psp_mv"] == pytest.approx(
        math.e * table.loc["peak_normalized", "weight_for_psp_mv"], rel=1e-9
    )
