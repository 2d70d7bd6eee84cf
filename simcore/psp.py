"""Noise-free responses to one input spike: the synaptic input x(t) and the PSP U(t).

Two views of the same response:
* on the grid, by iterating the integrator's own step map (what a simulation sees; Euler's PSP
  peak differs from the exact one: 0.1401 vs 0.1369 mV at dt = 0.1 ms);
* in continuous time, from the exact solution z(t) = expm(A t) z(0) (peak located numerically,
  area from int_0^inf expm(A t) dt = -A^{-1}).
"""

from __future__ import annotations

import numpy as np

from .params import Params
from .propagator import drift_matrix, expm, step_map

X, U = 1, 2  # rows of the state (y, x, U)


def _response(params: Params, row: int, t: float) -> float:
    """Row `row` of the exact noise-free response at time t to one spike at t = 0."""
    drift = drift_matrix(params.tau_s, params.tau_m)
    return params.chain_jump * expm(drift * t)[row, 0]


def _maximise(f, lo: float, hi: float) -> tuple[float, float]:
    from scipy.optimize import minimize_scalar

    best = minimize_scalar(lambda t: -f(t), bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    return float(best.x), float(f(best.x))


def grid_trace(params: Params, duration_ms: float = 50.0) -> np.ndarray:
    """U on the grid t = dt, 2 dt, ... after one input spike at t = 0 (integrator's map, no noise)."""
    mapping = step_map(params.tau_s, params.tau_m, 0.0, 0.0, params.dt, params.integrator)
    state = np.array([params.chain_jump, 0.0, 0.0])
    trace = np.empty(params.steps(duration_ms))
    for n in range(trace.size):
        state = mapping.propagator @ state
        trace[n] = state[U]
    return trace


def continuous_peak(params: Params, trace: np.ndarray | None = None) -> tuple[float, float]:
    """(time, value) of the exact PSP's peak: where dU/dt = (x - U) / tau_m changes sign, found by
    bisection to the last bit between the grid peak -+ 2 dt (NumPy only: the Snakefile calls this
    through weight_for_psp_peak, and every job parses the Snakefile)."""
    if trace is None:
        trace = grid_trace(params, duration_ms=max(50.0, 10 * params.tau_m))
    t_grid = (int(np.argmax(trace)) + 1) * params.dt
    low, high = max(1e-9, t_grid - 2 * params.dt), t_grid + 2 * params.dt
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            return float(low), float(_response(params, U, low))
        if _response(params, X, middle) > _response(params, U, middle):  # still rising
            low = middle
        else:
            high = middle


def psp(params: Params) -> dict:
    """Peak and time to peak of the PSP (grid and continuous), its half-width, the synaptic input's peak and area."""
    from scipy.optimize import brentq

    trace = grid_trace(params, duration_ms=max(50.0, 10 * params.tau_m))
    i = int(np.argmax(trace))
    t_grid = (i + 1) * params.dt
    f = lambda t: _response(params, U, t)  # noqa: E731
    t_peak, peak = continuous_peak(params, trace)
    half = lambda t: f(t) - peak / 2  # noqa: E731
    rise = brentq(half, 1e-12, t_peak, xtol=1e-12)
    fall_hi = t_peak
    while half(fall_hi) > 0:
        fall_hi *= 2
    fall = brentq(half, t_peak, fall_hi, xtol=1e-12)
    synaptic_t_peak, synaptic_peak = _maximise(lambda t: _response(params, X, t), 0.0, 10 * params.tau_s)
    inverse = np.linalg.inv(drift_matrix(params.tau_s, params.tau_m))
    return {
        "integrator": params.integrator,
        "normalization": params.normalization,
        "w": params.w,
        "peak_mv": float(trace[i]),
        "t_peak_ms": float(t_grid),
        "continuous_peak_mv": peak,
        "continuous_t_peak_ms": t_peak,
        "half_width_ms": float(fall - rise),
        "synaptic_peak_mv": synaptic_peak,
        "synaptic_t_peak_ms": synaptic_t_peak,
        "synaptic_area_mv_ms": float(-params.chain_jump * inverse[X, 0]),
    }


def weight_for_psp_peak(params: Params, peak_mv: float, on_grid: bool = False) -> float:
    """The weight w that gives a PSP peak of `peak_mv` under params' normalization (and integrator if on_grid).

    The noise-free PSP is linear in w, so w = peak_mv / (peak at unit weight).
    """
    unit = params.replace(w=1.0)
    if on_grid:
        return peak_mv / float(grid_trace(unit, duration_ms=max(50.0, 10 * unit.tau_m)).max())
    return peak_mv / continuous_peak(unit)[1]
