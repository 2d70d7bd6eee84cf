"""Noise-free responses to one input spike: the synaptic input x(t) and the PSP U(t).

Two views of the same response:
* on the grid, by iterating the integrator's own step map (what a simulation sees; Euler's PSP
  peak differs from the exact one: 0.1401 vs 0.1369 mV at dt = 0.1 ms);
* in continuous time, from the exact solution z(t) = expm(A t) z(0) (peak located numerically,
  area from int_0^inf expm(A t) dt = -A^{-1}).
"""

from __future__ import annotations

import numpy as np

from .linalg import inv, matmul
from .params import Params
from .propagator import drift_matrix, expm, step_map

Y, X, U = 0, 1, 2  # rows of the state (y, x, U)


def _response(params: Params, row: int, t: float) -> float:
    """Row `row` of the exact noise-free response at time t to one spike at t = 0."""
    drift = drift_matrix(params.tau_s, params.tau_m)
    return params.chain_jump * expm(drift * t)[row, 0]


def _bisect(predicate, low: float, high: float) -> float:
    """The point where predicate(t) turns from True (at low) to False (at high), to the last bit."""
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            return low
        if predicate(middle):
            low = middle
        else:
            high = middle


def grid_trace(params: Params, duration_ms: float = 50.0) -> np.ndarray:
    """U on the grid t = dt, 2 dt, ... after one input spike at t = 0 (integrator's map, no noise)."""
    mapping = step_map(params.tau_s, params.tau_m, 0.0, 0.0, params.dt, params.integrator)
    state = np.array([params.chain_jump, 0.0, 0.0])
    trace = np.empty(params.steps(duration_ms))
    for n in range(trace.size):
        state = matmul(mapping.propagator, state)
        trace[n] = state[U]
    return trace


def continuous_peak(params: Params, trace: np.ndarray | None = None) -> tuple[float, float]:
    """(time, value) of the exact PSP's peak: where dU/dt = (x - U) / tau_m changes sign, found by
    bisection to the last bit between the grid peak -+ 2 dt. For a negative weight it is the trough."""
    unit = params.replace(w=1.0, normalization="one_over_e_peak")  # the shape; the amplitude scales
    if trace is None:
        trace = grid_trace(unit, duration_ms=max(50.0, 10 * params.tau_m))
    t_grid = (int(np.argmax(np.abs(trace))) + 1) * params.dt
    low, high = max(1e-9, t_grid - 2 * params.dt), t_grid + 2 * params.dt
    t_peak = _bisect(lambda t: _response(unit, X, t) > _response(unit, U, t), low, high)
    return float(t_peak), float(_response(params, U, t_peak))


def psp(params: Params) -> dict:
    """Peak and time to peak of the PSP (grid and continuous), its half-width, the synaptic input's
    peak and area. Amplitudes scale with the y jump w * jump_factor (negative for a negative w);
    times and the half-width are those of the response's shape. NumPy only (no SciPy)."""
    unit = params.replace(w=1.0, normalization="one_over_e_peak")  # y jump 1: the shape
    scale = params.chain_jump
    trace = grid_trace(params, duration_ms=max(50.0, 10 * params.tau_m))
    i = int(np.argmax(np.abs(trace)))
    t_peak, unit_peak = continuous_peak(unit)
    half = unit_peak / 2
    rise = _bisect(lambda t: _response(unit, U, t) < half, 0.0, t_peak)
    fall_high = 2 * t_peak
    while _response(unit, U, fall_high) > half:
        fall_high *= 2
    fall = _bisect(lambda t: _response(unit, U, t) > half, t_peak, fall_high)
    synaptic_t_peak = _bisect(lambda t: _response(unit, Y, t) > _response(unit, X, t), 0.0, 10 * params.tau_s)
    inverse = inv(drift_matrix(params.tau_s, params.tau_m))
    return {
        "integrator": params.integrator,
        "normalization": params.normalization,
        "w": params.w,
        "peak_mv": float(trace[i]),
        "t_peak_ms": float((i + 1) * params.dt),
        "continuous_peak_mv": float(scale * unit_peak),
        "continuous_t_peak_ms": t_peak,
        "half_width_ms": float(fall - rise),
        "synaptic_peak_mv": float(scale * _response(unit, X, synaptic_t_peak)),
        "synaptic_t_peak_ms": float(synaptic_t_peak),
        "synaptic_area_mv_ms": float(-scale * inverse[X, 0]),
    }


def weight_for_psp_peak(params: Params, peak_mv: float, on_grid: bool = False) -> float:
    """The weight w that gives a PSP peak of `peak_mv` under params' normalization (and integrator if on_grid).

    The noise-free PSP is linear in w, so w = peak_mv / (peak at unit weight).
    """
    unit = params.replace(w=1.0)
    if peak_mv == 0 or not np.isfinite(peak_mv):
        raise ValueError(f"the PSP peak must be a finite, non-zero number of mV, got {peak_mv}")
    if on_grid:
        return peak_mv / float(grid_trace(unit, duration_ms=max(50.0, 10 * unit.tau_m)).max())
    return peak_mv / continuous_peak(unit)[1]
