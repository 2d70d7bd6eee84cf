"""The synfire chain: n_groups x group_size LIF neurons with alpha-shaped synaptic currents.

Public functions validate and allocate; the private ``@jit`` kernel ``_run`` loops over plain arrays.
One call of the kernel simulates one trial on its own random stream; trials run concurrently in a
thread pool (the kernel releases the GIL), so results do not depend on the number of threads.

Time grid and event order (as NEST's iaf_psc_alpha): the state at step n is z_n = (y, x, U) at
t_n = n dt. Step n -> n+1: every neuron's (y, x, U) advances by the integrator's map
(simcore.propagator); spikes that arrive at t_{n+1} add their jump to y; a neuron that is
refractory counts down and, if ``clamp_refractory``, keeps U = u_reset; otherwise U >= u_threshold
emits a spike at t_{n+1}, resets U and starts t_ref / dt refractory steps. A spike of group k at
t_{n+1} reaches every neuron of group k+1 at t_{n+1} + delay. Input packet spikes, rounded to the
grid, reach every neuron of group 0 without delay.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import rng as streams
from ._jit import jit
from .params import Params
from .propagator import StepMap, cholesky_lower, stationary_covariance, step_map

NO_STATS = np.iinfo(np.int64).max


@jit
def _run(
    rng, y, x, u, refractory,
    propagator, fixed_point, noise_factor, n_normals,
    lam_exc, lam_inh, w_bg,
    u_threshold, u_reset, ref_steps, clamp_refractory,
    n_groups, group_size, n_steps, delay_steps, chain_jump, input_counts,
    stats_from_step, stats, spike_step, spike_neuron,
):  # fmt: skip
    p00 = propagator[0, 0]
    p10 = propagator[1, 0]
    p11 = propagator[1, 1]
    p20 = propagator[2, 0]
    p21 = propagator[2, 1]
    p22 = propagator[2, 2]
    l00 = noise_factor[0, 0]
    l10 = noise_factor[1, 0]
    l11 = noise_factor[1, 1]
    l20 = noise_factor[2, 0]
    l21 = noise_factor[2, 1]
    l22 = noise_factor[2, 2]
    y_star = fixed_point[0]
    x_star = fixed_point[1]
    u_star = fixed_point[2]
    poisson = lam_exc > 0.0 or lam_inh > 0.0
    ring_size = delay_steps + 1
    ring = np.zeros((n_groups, ring_size), dtype=np.int64)  # spikes emitted, by target step
    n_spikes = 0
    capacity = spike_step.shape[0]
    for step in range(1, n_steps + 1):
        slot = step % ring_size
        for group in range(n_groups):
            if group == 0:
                arriving = input_counts[step]
            else:
                arriving = ring[group - 1, slot]
            jump = chain_jump * arriving
            emitted = 0
            record = step >= stats_from_step
            sum_u = 0.0
            sum_u2 = 0.0
            first = group * group_size
            for neuron in range(first, first + group_size):
                dy = y[neuron] - y_star
                dx = x[neuron] - x_star
                du = u[neuron] - u_star
                y_new = y_star + p00 * dy
                x_new = x_star + p10 * dy + p11 * dx
                u_new = u_star + p20 * dy + p21 * dx + p22 * du
                if n_normals == 1:
                    y_new += l00 * rng.standard_normal()
                elif n_normals == 3:
                    e0 = rng.standard_normal()
                    e1 = rng.standard_normal()
                    e2 = rng.standard_normal()
                    y_new += l00 * e0
                    x_new += l10 * e0 + l11 * e1
                    u_new += l20 * e0 + l21 * e1 + l22 * e2
                if poisson:
                    y_new += w_bg * (rng.poisson(lam_exc) - rng.poisson(lam_inh))
                y_new += jump
                if refractory[neuron] > 0:
                    refractory[neuron] -= 1
                    if clamp_refractory:
                        u_new = u_reset
                elif u_new >= u_threshold:
                    u_new = u_reset
                    refractory[neuron] = ref_steps
                    if n_spikes < capacity:
                        spike_step[n_spikes] = step
                        spike_neuron[n_spikes] = neuron
                    n_spikes += 1
                    emitted += 1
                y[neuron] = y_new
                x[neuron] = x_new
                u[neuron] = u_new
                if record:
                    sum_u += u_new
                    sum_u2 += u_new * u_new
            if record:
                stats[group, 0] += sum_u
                stats[group, 1] += sum_u2
            if group > 0:
                ring[group - 1, slot] = 0
            if group + 1 < n_groups and emitted > 0:
                ring[group, (step + delay_steps) % ring_size] += emitted
    return n_spikes


@dataclass(frozen=True)
class Drive:
    """What the integrator and the background do each step, ready for the kernel."""

    step: StepMap
    lam_exc: float  # Poisson input spikes per step (excitatory, inhibitory)
    lam_inh: float
    w_bg: float
    mean: np.ndarray  # stationary mean of the free (y, x, U)
    cov_factor: np.ndarray  # lower factor of its stationary covariance

    @classmethod
    def of(cls, params: Params) -> "Drive":
        mu, s, lam_exc, lam_inh = 0.0, 0.0, 0.0, 0.0
        if params.background == "diffusion":
            mu, s = params.mu, params.s
        elif params.background == "poisson":
            lam_exc = params.n_exc * params.rate_exc * params.dt * 1e-3
            lam_inh = params.n_inh * params.rate_inh * params.dt * 1e-3
        step = step_map(params.tau_s, params.tau_m, mu, s, params.dt, params.integrator)
        # Stationary law of the free membrane; Poisson jumps enter through their mean and variance.
        step_cov = step.noise_factor @ step.noise_factor.T
        step_mean_jump = params.w_bg * (lam_exc - lam_inh)
        step_cov[0, 0] += params.w_bg**2 * (lam_exc + lam_inh)
        unit = np.array([1.0, 0.0, 0.0])
        mean = step.fixed_point + np.linalg.solve(np.eye(3) - step.propagator, step_mean_jump * unit)
        cov = stationary_covariance(step.propagator, step_cov)
        return cls(step, lam_exc, lam_inh, params.w_bg, mean, cholesky_lower(cov))


@dataclass(frozen=True)
class TrialSpikes:
    """Spikes of one trial: grid step and global neuron index (group * group_size + i)."""

    steps: np.ndarray  # int32, ascending
    neurons: np.ndarray  # int32
    input_steps: np.ndarray  # int32, ascending: the input packet as delivered to group 0
    membrane: np.ndarray  # (n_groups, 2): sum of U and of U^2 over the recorded neuron-steps


def draw_packet_steps(generator, params: Params, a: int, sigma: float) -> np.ndarray:
    """a spike times ~ N(t0, sigma^2), rounded to the grid; draws outside (0, t_stop] are redrawn."""
    n_steps = params.steps(params.t_stop)
    steps = np.empty(0, dtype=np.int64)
    while steps.size < a:
        times = params.t0 + sigma * generator.standard_normal(a - steps.size)
        drawn = np.rint(times / params.dt).astype(np.int64)
        steps = np.concatenate([steps, drawn[(drawn >= 1) & (drawn <= n_steps)]])
    return np.sort(steps).astype(np.int32)


def draw_initial_state(generator, params: Params, drive: Drive, n_neurons: int):
    """(y, x, U) per neuron: at rest, or from the free stationary law conditioned on U < threshold."""
    if params.initial_state == "rest" or not np.any(drive.cov_factor):
        state = np.tile(drive.mean if params.initial_state == "stationary" else np.zeros(3), (n_neurons, 1))
    else:
        state = drive.mean + generator.standard_normal((n_neurons, 3)) @ drive.cov_factor.T
        for _ in range(100):
            above = np.flatnonzero(state[:, 2] >= params.u_threshold)
            if above.size == 0:
                break
            state[above] = drive.mean + generator.standard_normal((above.size, 3)) @ drive.cov_factor.T
        state[state[:, 2] >= params.u_threshold, 2] = params.u_reset
    return (
        np.ascontiguousarray(state[:, 0]),
        np.ascontiguousarray(state[:, 1]),
        np.ascontiguousarray(state[:, 2]),
    )


def simulate_trial(
    params: Params,
    generator: np.random.Generator,
    input_steps: np.ndarray,
    *,
    drive: Drive | None = None,
    stats_from_ms: float | None = None,
    u_threshold: float | None = None,
) -> TrialSpikes:
    """Simulate one trial of the chain on `generator` (initial state first, then the dynamics)."""
    drive = drive or Drive.of(params)
    n_neurons = params.n_groups * params.group_size
    n_steps = params.steps(params.t_stop)
    y, x, u = draw_initial_state(generator, params, drive, n_neurons)
    input_counts = np.bincount(input_steps, minlength=n_steps + 1).astype(np.int64)
    stats_from = NO_STATS if stats_from_ms is None else params.steps(stats_from_ms) + 1
    threshold = params.u_threshold if u_threshold is None else u_threshold
    # Expected spikes: the packet through every group plus background at up to 50 Hz; rerun on overflow.
    capacity = n_neurons * 2 + int(n_neurons * params.t_stop * 0.05)
    state = generator.bit_generator.state
    while True:
        stats = np.zeros((params.n_groups, 2))
        spike_step = np.empty(capacity, dtype=np.int32)
        spike_neuron = np.empty(capacity, dtype=np.int32)
        refractory = np.zeros(n_neurons, dtype=np.int64)
        y0, x0, u0 = y.copy(), x.copy(), u.copy()
        n_spikes = _run(
            generator, y0, x0, u0, refractory,
            drive.step.propagator, drive.step.fixed_point, drive.step.noise_factor, drive.step.n_normals,
            drive.lam_exc, drive.lam_inh, drive.w_bg,
            threshold, params.u_reset, params.steps(params.t_ref), params.clamp_refractory,
            params.n_groups, params.group_size, n_steps, params.steps(params.delay), params.chain_jump,
            input_counts, stats_from, stats, spike_step, spike_neuron,
        )  # fmt: skip
        if n_spikes <= capacity:
            break
        capacity = n_spikes
        generator.bit_generator.state = state  # replay the identical stream with room for all spikes
    return TrialSpikes(spike_step[:n_spikes], spike_neuron[:n_spikes], input_steps.astype(np.int32), stats)


def default_threads() -> int:
    """Threads for trial-level parallelism: SYNFIRE_THREADS, else the CPUs this process may use."""
    value = os.environ.get("SYNFIRE_THREADS")
    if value:
        return max(1, int(value))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def map_trials(function, items, threads: int | None = None) -> list:
    """function(item) for every item, on a thread pool; results in the order of `items`."""
    items = list(items)
    threads = min(threads or default_threads(), max(1, len(items)))
    if threads == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(function, items))


def check_packet(a: int, sigma: float, params: Params) -> None:
    """Reject packets the chain cannot be given, before any work is done."""
    from .params import ParameterError

    if isinstance(a, bool) or int(a) != a or a < 0:
        raise ParameterError(f"a (spikes in the input packet) must be a whole number >= 0, got {a}")
    if not math.isfinite(sigma) or sigma < 0:
        raise ParameterError(f"sigma (packet jitter) must be >= 0 ms, got {sigma}")
    if sigma > 0 and params.t0 < 3 * sigma:
        raise ParameterError(
            f"t0 = {params.t0} ms is too early for sigma = {sigma} ms: spikes would fall before t = 0;"
            f" set t0 >= 3 * sigma (e.g. --set t0={math.ceil(3 * sigma / params.dt) * params.dt:g})"
        )


def simulate_chain(
    params: Params, a: int, sigma: float, trials, seed: int, threads: int | None = None
) -> list[TrialSpikes]:
    """Trials (an int n for trials 0..n-1, or explicit trial indices) of the chain for packet (a, sigma)."""
    check_packet(a, sigma, params)
    trial_ids = range(trials) if isinstance(trials, int) else [int(t) for t in trials]
    drive = Drive.of(params)

    def one(trial: int) -> TrialSpikes:
        generator = streams.trial_generator(seed, streams.CHAIN, a, sigma, trial)
        input_steps = draw_packet_steps(generator, params, int(a), float(sigma))
        return simulate_trial(params, generator, input_steps, drive=drive)

    return map_trials(one, trial_ids, threads)
