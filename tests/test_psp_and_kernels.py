"""PSP numbers of REFERENCE.md section 2 and the kernel conventions of section 4."""

import math

import pytest

from simcore.kernels import CONVENTIONS, convention
from simcore.params import Params
from simcore.psp import psp, weight_for_psp_peak


def test_exact_psp_peak_and_time():
    result = psp(Params())
    assert result["peak_mv"] == pytest.approx(0.136889, abs=1e-6)
    assert result["continuous_peak_mv"] == pytest.approx(0.136889, abs=1e-6)
    assert result["t_peak_ms"] == pytest.approx(1.697, abs=0.1)
    assert result["continuous_t_peak_ms"] == pytest.approx(1.697, abs=0.001)
    assert result["half_width_ms"] == pytest.approx(8.5, abs=0.05)  # paper: 8.5 ms


def test_euler_psp_peak():
    assert psp(Params(integrator="euler"))["peak_mv"] == pytest.approx(0.1401, abs=5e-5)


def test_weight_for_paper_psp():
    w = weight_for_psp_peak(Params(), 0.14)
    assert w == pytest.approx(4.9704, abs=1e-3)
    assert psp(Params(w=w))["continuous_peak_mv"] == pytest.approx(0.14, abs=1e-12)
    # 45.71 pA peak current at C = 250 pF: w = (tau_m / C) e J
    assert w * 250 / (math.e * 10) == pytest.approx(45.71, abs=0.01)


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_single_spike_response_equals_closed_form(name):
    params = Params(kernel=name, w=1.0)
    result = psp(params)
    conv = convention(name)
    tau = params.tau_s
    assert result["kernel_peak_mv"] == pytest.approx(conv.peak(tau), abs=1e-9)
    assert result["kernel_t_peak_ms"] == pytest.approx(conv.time_of_peak(tau), abs=1e-6)
    assert result["kernel_area_mv_ms"] == pytest.approx(conv.area(tau), abs=1e-9)


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_calibrated_weights_give_identical_psps(name):
    w = weight_for_psp_peak(Params(kernel=name), 0.14)
    assert psp(Params(kernel=name, w=w))["continuous_peak_mv"] == pytest.approx(0.14, abs=1e-9)


def test_table_of_section_4():
    tau = 0.325
    assert convention("peak_normalized").peak(tau) == pytest.approx(1.0)
    assert convention("peak_normalized").area(tau) == pytest.approx(math.e * tau)
    assert convention("one_over_e_peak").peak(tau) == pytest.approx(1 / math.e)
    assert convention("unnormalized_ode").peak(tau) == pytest.approx(tau / math.e)
    assert convention("unnormalized_ode").area(tau) == pytest.approx(tau**2)
    assert convention("unit_area").area(tau) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown kernel"):
        convention("nope")


@pytest.mark.parametrize("overrides", [{}, {"kernel": "unit_area"}, {"tau_s": 2.0, "tau_m": 20.0}])
def test_continuous_peak_equals_scipys_maximum(overrides):
    """The NumPy-only bisection on dU/dt against SciPy's bounded maximisation of U(t)."""
    from scipy.optimize import minimize_scalar

    from simcore.psp import U, _response, continuous_peak

    params = Params(**overrides)
    t_peak, peak = continuous_peak(params)
    best = minimize_scalar(lambda t: -_response(params, U, t), bounds=(0.01, 50.0), method="bounded",
                           options={"xatol": 1e-12})
    assert t_peak == pytest.approx(best.x, abs=1e-6)  # the maximum is flat: time to 1e-6 ms
    assert peak == pytest.approx(-best.fun, rel=1e-13)


def test_parsing_the_workflow_config_does_not_import_scipy():
    """Every job parses the Snakefile; SciPy's import alone costs ~0.3 s of it."""
    import subprocess
    import sys

    code = ("import sys, yaml; from simcore.sweep import validate_config, variants; "
            "variants(validate_config(yaml.safe_load(open('config/config.yaml')))); "
            "print(sorted(m for m in sys.modules if m.startswith('scipy')))")
    root = __import__("pathlib").Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "[]"
