"""The synfire chain: n_groups x group_size LIF neurons with alpha-shaped synaptic currents.

Public functions validate and allocate; the jitted kernel ``simcore.backend.chain._run`` loops over
plain arrays. One call of it simulates one trial on its own random streams (simcore.rng; the noise
is drawn in blocks by simcore.backend.draws); trials run concurrently in a thread pool (the kernel
releases the GIL), so results do not depend on the number of threads.

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
from .backend import chain, draws
from .linalg import matmul, solve
from .params import ParameterError, Params
from .propagator import StepMap, cholesky_lower, stationary_covariance, step_map

NO_STATS = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Drive:
    """What the integrator and the background do each step, ready for the kernel."""

    step: StepMap
    kick_values: np.ndarray  # Poisson background: possible y jumps per step, w_bg (n_exc - n_inh) ...
    kick_cdf: np.ndarray  # ... and their cumulative probabilities (one entry: no Poisson background)
    kick_guide: np.ndarray  # guide table of kick_cdf for inversion (simcore.backend.draws._invert)
    mean: np.ndarray  # stationary mean of the free (y, x, U)
    cov_factor: np.ndarray  # lower factor of its stationary covariance

    @classmethod
    def of(cls, params: Params) -> Drive:
        mu, s, lam_exc, lam_inh = 0.0, 0.0, 0.0, 0.0  # lam: input spikes per step
        if params.background == "diffusion":
            mu, s = params.mu, params.s
        elif params.background == "poisson":
            lam_exc = params.n_exc * params.rate_exc * params.dt * 1e-3
            lam_inh = params.n_inh * params.rate_inh * params.dt * 1e-3
        step = step_map(params.tau_s, params.tau_m, mu, s, params.dt, params.integrator)
        counts, probabilities = skellam_pmf(lam_exc, lam_inh)
        cdf = np.cumsum(probabilities)
        cdf /= cdf[-1]
        # Stationary law of the free membrane; Poisson jumps enter through their mean and variance.
        step_cov = matmul(step.noise_factor, step.noise_factor.T)
        step_mean_jump = params.w_bg * (lam_exc - lam_inh)
        step_cov[0, 0] += params.w_bg**2 * (lam_exc + lam_inh)
        unit = np.array([1.0, 0.0, 0.0])
        mean = step.fixed_point + solve(np.eye(3) - step.propagator, step_mean_jump * unit)
        cov = stationary_covariance(step.propagator, step_cov)
        guide = draws.guide_table(cdf, max(1024, 1 << (16 * cdf.size - 1).bit_length()))
        return cls(step, params.w_bg * counts.astype(float), cdf, guide, mean, cholesky_lower(cov))


def skellam_pmf(lam_exc: float, lam_inh: float, tail: float = 1e-17):
    """Distribution of n_exc - n_inh, n ~ Poisson(lam): (values, probabilities), tails below `tail` cut.

    The difference of the excitatory and inhibitory input counts in one step (Skellam law), computed
    by convolving the two Poisson distributions; drawing it by inversion needs one uniform number
    per neuron and step instead of two Poisson draws.
    """

    def poisson_pmf(lam):
        if lam <= 0:
            return np.ones(1)
        n_max = int(lam + 12 * math.sqrt(lam) + 40)
        n = np.arange(n_max + 1)
        log_pmf = n * math.log(lam) - lam - np.array([math.lgamma(k + 1) for k in n])
        return np.array([math.exp(v) for v in log_pmf])  # the C library's exp: NumPy's has an AVX-512 loop

    exc, inh = poisson_pmf(lam_exc), poisson_pmf(lam_inh)
    # the convolution, summed in the order of exc (np.convolve hands it to BLAS: simcore.linalg)
    probabilities = np.zeros(exc.size + inh.size - 1)
    for j, p_exc in enumerate(exc):
        probabilities[j : j + inh.size] += p_exc * inh[::-1]
    values = np.arange(-(inh.size - 1), exc.size)
    keep = probabilities > tail
    if not keep.any():
        return np.zeros(1, dtype=np.int64), np.ones(1)
    lo, hi = np.flatnonzero(keep)[[0, -1]]
    return values[lo : hi + 1], probabilities[lo : hi + 1]


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


def _stationary_draw(generator, drive: Drive, n: int) -> np.ndarray:
    """n draws of (y, x, U) from the free stationary law, as rows (3, n): mean + F e, e ~ N(0, I), F lower
    triangular, e drawn neuron by neuron (e_0, e_1, e_2 of neuron 0 first).

    Summed term by term with NumPy's element-wise operations (each rounded once, in this order), not
    by ``@``, which hands the product to BLAS, whose kernel (and with it the rounding, FMA or not)
    depends on the CPU: the same seed gives the same bits on every machine.
    """
    e = generator.standard_normal((n, 3)).T
    factor = drive.cov_factor
    state = np.empty((3, n))
    for j in range(3):
        row = state[j]
        np.multiply(e[0], factor[j, 0], out=row)
        for k in range(1, j + 1):
            row += e[k] * factor[j, k]
        row += drive.mean[j]  # = mean_j + (...): addition commutes bit for bit
    return state


def draw_initial_state(generator, params: Params, drive: Drive, n_neurons: int):
    """(y, x, U) per neuron: at rest, or from the free stationary law conditioned on U < threshold."""
    if params.initial_state == "rest" or not drive.cov_factor.any():
        start = drive.mean if params.initial_state == "stationary" else np.zeros(3)
        return tuple(np.full(n_neurons, value) for value in start)
    state = _stationary_draw(generator, drive, n_neurons)
    u = state[2]
    for _ in range(100):
        above = np.flatnonzero(u >= params.u_threshold)
        if above.size == 0:
            break
        state[:, above] = _stationary_draw(generator, drive, above.size)
    u[u >= params.u_threshold] = params.u_reset
    return state[0], state[1], u


def run_arguments(
    params: Params,
    drive: Drive,
    draw_state: np.ndarray,
    state: tuple[np.ndarray, np.ndarray, np.ndarray],
    input_steps: np.ndarray,
    *,
    capacity: int,
    stats_from_step: int = NO_STATS,
    u_threshold: float | None = None,
    n_steps: int | None = None,
) -> dict:
    """The keyword arguments of one call of the kernel ``chain._run`` (n_steps steps, default the
    whole trial): copies of the state and the draw state (the call advances them), the drive's
    matrices, and fresh output buffers for `capacity` spikes (``spike_step``, ``spike_neuron``)
    and the membrane sums (``stats``)."""
    n_steps = params.steps(params.t_stop) if n_steps is None else n_steps
    y, x, u = state
    return dict(
        draw_state=draw_state.copy(), y=y.copy(), x=x.copy(), u=u.copy(),
        refractory=np.zeros(y.size, dtype=np.int64),
        propagator=drive.step.propagator, fixed_point=drive.step.fixed_point,
        noise_factor=drive.step.noise_factor, n_normals=drive.step.n_normals,
        kick_values=drive.kick_values, kick_cdf=drive.kick_cdf, kick_guide=drive.kick_guide,
        u_threshold=params.u_threshold if u_threshold is None else u_threshold,
        u_reset=params.u_reset, ref_steps=params.steps(params.t_ref), clamp_refractory=params.clamp_refractory,
        n_groups=params.n_groups, group_size=params.group_size, n_steps=n_steps,
        delay_steps=params.steps(params.delay), chain_jump=params.chain_jump,
        input_counts=np.bincount(input_steps, minlength=n_steps + 1).astype(np.int64),
        stats_from_step=stats_from_step, stats=np.zeros((params.n_groups, 2)),
        spike_step=np.empty(capacity, dtype=np.int32), spike_neuron=np.empty(capacity, dtype=np.int32),
    )  # fmt: skip


def simulate_trial(
    params: Params,
    trial: streams.TrialStreams,
    input_steps: np.ndarray,
    *,
    drive: Drive | None = None,
    stats_from_ms: float | None = None,
    u_threshold: float | None = None,
) -> TrialSpikes:
    """Simulate one trial of the chain on its streams (initial state first, then the dynamics)."""
    drive = drive or Drive.of(params)
    n_neurons = params.n_groups * params.group_size
    state = draw_initial_state(trial.generator, params, drive, n_neurons)
    stats_from = NO_STATS if stats_from_ms is None else params.steps(stats_from_ms) + 1
    # Expected spikes: the packet through every group plus background at up to 50 Hz; rerun on overflow
    # (the arguments copy the initial state and the draw state, so a rerun replays identical numbers).
    capacity = n_neurons * 2 + int(n_neurons * params.t_stop * 0.05)
    while True:
        arguments = run_arguments(
            params,
            drive,
            trial.draw_state,
            state,
            input_steps,
            capacity=capacity,
            stats_from_step=stats_from,
            u_threshold=u_threshold,
        )
        n_spikes = chain._run(**arguments)
        if n_spikes <= capacity:
            break
        capacity = n_spikes
    return TrialSpikes(
        arguments["spike_step"][:n_spikes],
        arguments["spike_neuron"][:n_spikes],
        input_steps.astype(np.int32),
        arguments["stats"],
    )


def default_threads() -> int:
    """Threads for trial-level parallelism: SYNFIRE_THREADS, else the CPUs this process may use."""
    value = os.environ.get("SYNFIRE_THREADS")
    if value:
        return max(1, int(value))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def map_trials(function, items, threads: int | None = None, progress=None) -> list:
    """function(item) for every item, on a thread pool; results in the order of `items`;
    `progress()`, if given, is called (from the worker threads) as each item finishes."""
    items = list(items)
    if progress is not None:
        inner = function

        def function(item):
            result = inner(item)
            progress()
            return result

    threads = min(threads or default_threads(), max(1, len(items)))
    if threads == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(function, items))


def check_packet(a: int, sigma: float, params: Params) -> None:
    """Reject packets the chain cannot be given, before any work is done."""
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
    params: Params, a: int, sigma: float, trials, seed: int, threads: int | None = None, *, progress=None
) -> list[TrialSpikes]:
    """Trials (an int n for trials 0..n-1, or explicit trial indices) of the chain for packet (a, sigma);
    `progress()`, if given, is called as each trial finishes (from the worker threads)."""
    check_packet(a, sigma, params)
    trial_ids = range(trials) if isinstance(trials, int) else [int(t) for t in trials]
    drive = Drive.of(params)

    def one(trial: int) -> TrialSpikes:
        streams_of_trial = streams.trial_streams(seed, streams.CHAIN, a, sigma, trial)
        input_steps = draw_packet_steps(streams_of_trial.generator, params, int(a), float(sigma))
        return simulate_trial(params, streams_of_trial, input_steps, drive=drive)

    return map_trials(one, trial_ids, threads, progress)
