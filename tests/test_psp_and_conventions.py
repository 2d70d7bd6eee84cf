"""PSP numbers of docs/model.md (section 13) and the kernel conventions of docs/kernels.md."""

import math

import pytest

from simcore.conventions import CONVENTIONS, convention
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


# Peak and area of each convention's kernel K(t) for unit weight, written out from its formula
# (independent of jump_factor): (e/tau) t e^(-t/tau), (t/tau) e^(-t/tau), t e^(-t/tau), (t/tau^2) e^(-t/tau).
TAU = 0.325
ANALYTIC = {
    "peak_normalized": (1.0, math.e * TAU),
    "one_over_e_peak": (1 / math.e, TAU),
    "unnormalized_ode": (TAU / math.e, TAU**2),
    "unit_area": (1 / (math.e * TAU), 1.0),
}


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_synaptic_input_of_each_convention_has_its_kernels_peak_and_area(name):
    """The simulated synaptic input x(t) after one spike of unit weight (through jump_factor and the
    model's ODE) has the peak, time of peak and area of the convention's kernel formula. Catches a
    wrong jump factor, which a comparison of calibrated weights cannot (calibration cancels it)."""
    params = Params(normalization=name, w=1.0, tau_s=TAU)
    result = psp(params)
    peak, area = ANALYTIC[name]
    assert result["synaptic_peak_mv"] == pytest.approx(peak, rel=1e-9)
    assert result["synaptic_t_peak_ms"] == pytest.approx(TAU, abs=1e-6)
    assert result["synaptic_area_mv_ms"] == pytest.approx(area, rel=1e-9)
    assert convention(name).peak(TAU) == pytest.approx(peak, rel=1e-12)
    assert convention(name).area(TAU) == pytest.approx(area, rel=1e-12)


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_calibrated_weights_give_identical_psps(name):
    w = weight_for_psp_peak(Params(normalization=name), 0.14)
    assert psp(Params(normalization=name, w=w))["continuous_peak_mv"] == pytest.approx(0.14, abs=1e-9)


def test_table_of_section_4():
    tau = 0.325
    assert convention("peak_normalized").peak(tau) == pytest.approx(1.0)
    assert convention("peak_normalized").area(tau) == pytest.approx(math.e * tau)
    assert convention("one_over_e_peak").peak(tau) == pytest.approx(1 / math.e)
    assert convention("unnormalized_ode").peak(tau) == pytest.approx(tau / math.e)
    assert convention("unnormalized_ode").area(tau) == pytest.approx(tau**2)
    assert convention("unit_area").area(tau) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown normalization"):
        convention("nope")


@pytest.mark.parametrize("overrides", [{}, {"normalization": "unit_area"}, {"tau_s": 2.0, "tau_m": 20.0}])
def test_continuous_peak_equals_scipys_maximum(overrides):
    """The NumPy-only bisection on dU/dt against SciPy's bounded maximisation of U(t)."""
    from scipy.optimize import minimize_scalar

    from simcore.psp import U, _response, continuous_peak

    params = Params(**overrides)
    t_peak, peak = continuous_peak(params)
    best = minimize_scalar(
        lambda t: -_response(params, U, t), bounds=(0.01, 50.0), method="bounded", options={"xatol": 1e-12}
    )
    assert t_peak == pytest.approx(best.x, abs=1e-6)  # the maximum is flat: time to 1e-6 ms
    assert peak == pytest.approx(-best.fun, rel=1e-13)


def test_parsing_the_workflow_config_does_not_import_scipy():
    """Every job parses the Snakefile; SciPy's import alone costs ~0.3 s of it."""
    import subprocess
    import sys

    code = (
        "import sys, yaml; sys.path.insert(0, 'workflow/scripts'); "
        "from diesmann1999.config import validate_config; from diesmann1999.variants import variants; "
        "c = validate_config(yaml.safe_load(open('config/config.yaml'))); "
        "variants(**{k: c[k] for k in ('model', 'grid', 'trials', 'trials_per_job', 'seed', 'bifurcation', "
        "'normalization')}); "
        "print(sorted(m for m in sys.modules if m.startswith('scipy')))"
    )
    root = __import__("pathlib").Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "[]"
