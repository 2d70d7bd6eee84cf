"""Packet extraction: (a_k, sigma_k, t_k) of the pulse packet in every group of a trial.

How the paper estimated a and sigma from spikes is not published; this is the rule used here
(all of its numbers are parameters, see simcore.params, section "packets"; docs/model.md, section 9,
gives the equations and the measured bias):

1. The packet is followed group by group. Group k's *expected arrival* r_k is the mean time of the
   packet it receives: the input packet's mean for group 0 (no delay), t_{k-1} + delay after that.
2. The *search window* of group k is W = [r_k - h, r_k + h + window_latency] with
   h = max(window_half_width, window_n_sd * sigma_{k-1}) capped at window_max_half_width
   (sigma_{-1}: sd of the input packet); the cap keeps a dying, spreading packet's window from
   growing until background alone fills it.
3. The spikes of W are a Gaussian packet plus background. Two estimators (``packet_estimator``):

   * ``mixture`` (default): the background is a uniform Poisson process of known intensity
     lambda_k = group_size * rate_k (rate_k: packet_background_rate_first for group 0,
     packet_background_rate after it, the groups' spontaneous rates without a packet) and the packet
     adds n * N(t; mu, s^2). Expectation-maximisation for this Poisson mixture, started from the
     clipped spikes of the window_count rule: each spike t_i in W gets the probability
     p_i = n g_i / (n g_i + lambda_k) of being the packet's (g_i: Gaussian density at t_i, its
     variance at least dt^2/12, the resolution of the time grid); then
     mu = sum p_i t_i / A, s^2 = sum p_i (t_i - mu)^2 / A with A = sum p_i, and n = A / P_W(mu, s)
     (P_W: the Gaussian's mass inside W), until mu, s and n change by less than 1e-5.
     Result: a_k = A (the expected number of packet spikes in W given the spikes: not an integer),
     t_k = mu, sigma_k = s * sqrt(A / (A - 1)) (reduces to the sample sd when there is no
     background). With zero rate every spike of W is the packet's (no clipping).
   * ``window_count`` (the rule before issue 12): spikes farther than clip_n_sd standard deviations
     from the window's mean are dropped until none is (clip_n_sd = 0 turns this off); a_k = number of
     spikes left, t_k = their mean, sigma_k = their sample sd (ddof = 1). Background inside the
     clipped window is counted as packet: a_k and sigma_k are biased upwards (bench/estimator.py).

4. If a_k < min_packet_spikes, the packet is *dead* in group k and in every later group:
   a_k = 0, sigma_k = t_k = NaN. A dead packet's background is never counted as a packet.
"""

from __future__ import annotations

import math

import numpy as np

from .backend import mixture
from .params import Params

MAX_ITERATIONS = 200  # of the mixture fit; on simulated trials 9-19 on average, rarely the cap
TOLERANCE = 1e-5  # ms for mu and s, spikes for n


def _clip(times: np.ndarray, n_sd: float) -> np.ndarray:
    if n_sd <= 0:
        return times
    while times.size > 2:
        centre, spread = times.mean(), times.std()
        keep = np.abs(times - centre) <= n_sd * spread
        if keep.all():
            break
        times = times[keep]
    return times


def fit_mixture(
    times: np.ndarray, low: float, high: float, background: float, start: np.ndarray, dt: float
) -> tuple[float, float, float, int]:
    """(a, t, sigma, iterations) of a Gaussian packet among uniform background of `background`
    spikes per ms, from the spikes `times` of the window [low, high]; `start`: spikes to start from.

    Maximum likelihood (EM, simcore.backend.mixture) for the Poisson process of intensity
    background + n N(t; mu, s^2) on the window, background known. a = sum of the spikes' packet
    probabilities, t = mu, sigma = s sqrt(a / (a - 1)). a <= 1 gives sigma = t = NaN.
    """
    if start.size < 2:
        start = times
    if times.size < 2:
        return float(times.size), float(times.mean()) if times.size else math.nan, math.nan, 0
    if background <= 0:
        return float(times.size), float(times.mean()), float(times.std(ddof=1)), 0
    a, mu, var, iterations = mixture.fit(
        np.ascontiguousarray(times, dtype=np.float64),
        float(low),
        float(high),
        float(background),
        float(start.mean()),
        float(start.var()),
        float(start.size),
        dt * dt / 12.0,
        MAX_ITERATIONS,
        TOLERANCE,
    )
    if not a > 1.0:
        return float(a), math.nan, math.nan, int(iterations)
    return float(a), float(mu), math.sqrt(var * a / (a - 1.0)), int(iterations)


def background_per_ms(params: Params, group: int) -> float:
    """Expected background spikes per ms in group `group` (the mixture estimator's lambda_k)."""
    rate = params.packet_background_rate_first if group == 0 else params.packet_background_rate
    return rate * 1e-3 * params.group_size


def packet_sequence(
    group_times: list[np.ndarray], input_times: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a_k, sigma_k, t_k) for k = 0..n_groups-1 from each group's spike times (ms) and the input's.

    a_k is float64: an estimate (``mixture``) or a count (``window_count``); 0 where the packet is dead.
    """
    n = len(group_times)
    a_out = np.zeros(n)
    sigma_out = np.full(n, np.nan)
    t_out = np.full(n, np.nan)
    if input_times.size == 0:
        return a_out, sigma_out, t_out
    previous_t = float(input_times.mean())
    previous_sd = float(input_times.std(ddof=1)) if input_times.size > 1 else 0.0
    for k, times in enumerate(group_times):
        expected = previous_t + (params.delay if k > 0 else 0.0)
        half = min(max(params.window_half_width, params.window_n_sd * previous_sd), params.window_max_half_width)
        low, high = expected - half, expected + half + params.window_latency
        inside = times[(times >= low) & (times <= high)]
        clipped = _clip(inside, params.clip_n_sd)
        if params.packet_estimator == "window_count":
            if clipped.size < params.min_packet_spikes:
                break
            a, t, sd = float(clipped.size), float(clipped.mean()), float(clipped.std(ddof=1))
        else:
            a, t, sd, _ = fit_mixture(inside, low, high, background_per_ms(params, k), clipped, params.dt)
            if not a >= params.min_packet_spikes:
                break
        a_out[k] = a
        t_out[k] = previous_t = t
        sigma_out[k] = previous_sd = sd
    return a_out, sigma_out, t_out


def extract_packets(trials, params: Params):
    """Arrays (trial, group) of a_out (float64), sigma_out, t_out for a list of network.TrialSpikes."""
    shape = (len(trials), params.n_groups)
    a_out = np.zeros(shape)
    sigma_out = np.full(shape, np.nan)
    t_out = np.full(shape, np.nan)
    for i, trial in enumerate(trials):
        times = trial.steps * params.dt
        groups = trial.neurons // params.group_size
        per_group = [times[groups == k] for k in range(params.n_groups)]
        a_out[i], sigma_out[i], t_out[i] = packet_sequence(per_group, trial.input_steps * params.dt, params)
    return a_out, sigma_out, t_out
