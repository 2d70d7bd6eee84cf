"""Isolated neurons under background input (no chain): firing rate and membrane statistics."""

from __future__ import annotations

import math

import numpy as np

from . import rng as streams
from .network import Drive, map_trials, simulate_trial
from .params import Params

CHUNK = 100  # neurons per independent stream; fixed, so results do not depend on threads


def background_stats(
    params: Params,
    n_neurons: int,
    duration_ms: float,
    seed: int,
    burn_in_ms: float = 100.0,
    threads: int | None = None,
) -> dict:
    """Rate and V statistics with threshold, and V statistics of the free membrane (threshold off).

    Neurons are simulated in independent chunks of 100 (one random stream each), from the
    stationary free-membrane law, for burn_in_ms + duration_ms; statistics use the last duration_ms.
    V statistics are over every neuron and step, refractory (clamped) steps included.
    """
    if n_neurons < 1:
        raise ValueError(f"--neurons must be >= 1, got {n_neurons}")
    if duration_ms <= 0:
        raise ValueError(f"--duration must be > 0 ms, got {duration_ms}")
    sizes = [CHUNK] * (n_neurons // CHUNK) + ([n_neurons % CHUNK] if n_neurons % CHUNK else [])
    t_stop = params.steps(burn_in_ms + duration_ms) * params.dt
    base = params.replace(n_groups=1, t_stop=t_stop, t0=0.0)
    burn_in_steps = params.steps(burn_in_ms)
    recorded_steps = params.steps(t_stop) - burn_in_steps
    no_input = np.empty(0, dtype=np.int64)
    drive = Drive.of(base)  # independent of the number of neurons

    def one(job):
        (chunk, size), free = job
        chunk_params = base.replace(group_size=size)
        trial = simulate_trial(
            chunk_params,
            streams.trial_streams(seed, streams.BACKGROUND, 0, 0.0, chunk),
            no_input,
            drive=drive,
            stats_from_ms=burn_in_ms,
            u_threshold=math.inf if free else None,
        )
        return int((trial.steps > burn_in_steps).sum()), trial.membrane[0]

    jobs = [(job, free) for free in (False, True) for job in enumerate(sizes)]
    results = map_trials(one, jobs, threads)
    out = {"n_neurons": n_neurons, "duration_ms": float(duration_ms), "burn_in_ms": float(burn_in_ms)}
    samples = n_neurons * recorded_steps
    for free in (False, True):
        part = [r for (job, f), r in zip(jobs, results) if f == free]
        sums = np.sum([m for _, m in part], axis=0)
        mean_u = sums[0] / samples
        sd = math.sqrt(max(0.0, sums[1] / samples - mean_u**2))
        prefix = "free_" if free else ""
        out[f"{prefix}v_mean_mv"] = float(params.v_rest + mean_u)
        out[f"{prefix}v_sd_mv"] = float(sd)
        if not free:
            spikes = sum(n for n, _ in part)
            out["rate_hz"] = spikes / (n_neurons * duration_ms * 1e-3)
            out["spikes"] = spikes
    return out


def chain_background_rates(params: Params, trials: int, seed: int, threads: int | None = None) -> dict:
    """Spontaneous rate of every group of the chain when no packet is sent (a = 0).

    This is the background that the packet estimator (simcore.packets, estimator ``mixture``) expects
    in a group's window: group 0 receives the background input only, so it fires at the isolated
    neurons' rate; every later group also receives the spontaneous spikes of the group before it
    and fires faster. Spikes at t0 < t <= t_stop (the span in which packets are measured; it skips
    the start-up transient of the initial state) of `trials` trials of ``simcore run --a 0`` (same
    seed, same random streams) are counted per group.
    """
    if trials < 1:
        raise ValueError(f"--trials must be >= 1, got {trials}")
    from .network import simulate_chain

    spikes = simulate_chain(params, 0, 0.0, list(range(trials)), seed, threads)
    first_step, last_step = params.steps(params.t0), params.steps(params.t_stop)
    if last_step <= first_step:
        raise ValueError(f"t_stop ({params.t_stop} ms) must be later than t0 ({params.t0} ms)")
    counts = np.zeros(params.n_groups, dtype=np.int64)
    for trial in spikes:
        counted = trial.steps > first_step
        counts += np.bincount(trial.neurons[counted] // params.group_size, minlength=params.n_groups)
    seconds = trials * params.group_size * (last_step - first_step) * params.dt * 1e-3
    rates = counts / seconds
    return {
        "trials": trials,
        "from_ms": params.steps(params.t0) * params.dt,
        "to_ms": params.steps(params.t_stop) * params.dt,
        "first_group_hz": float(rates[0]),
        "later_groups_hz": float(rates[1:].mean()) if params.n_groups > 1 else float("nan"),
        "rate_hz_by_group": [round(float(r), 4) for r in rates],
        "spikes_by_group": counts.tolist(),
    }
