"""A packet's fate as a Markov chain on (a_k, sigma_k): one group's transition kernel, measured by
simulation, iterated to predict survival after any number of groups (issue 12, part 3).

Group k maps the packet it receives, (a_{k-1}, sigma_{k-1}), to the one it emits, (a_k, sigma_k),
with noise from the background. The map is measured on a grid of input packets by simulating a
*single* group of ``group_size`` neurons (``n_groups = 1``), many trials per cell, and measuring
the emitted packet with the chain's own estimator (simcore.packets). A group of the chain is driven
by more than the packet: from group 1 on, every spontaneous spike of its predecessor reaches all of
its neurons through the chain synapses, and its estimator expects the later groups' background.
Hence three kernels, by the position of the group in the chain (docs/model.md, section 15):

* ``first`` (group 0): the Gaussian packet alone; the estimator expects ``packet_background_rate_first``.
* ``second`` (group 1): the packet plus the spontaneous spikes of group 0, a Poisson train of
  ``group_size * packet_background_rate_first`` spikes per second from the start of the trial;
  the estimator expects ``packet_background_rate``.
* ``later`` (groups 2, 3, ...): the same with the predecessor at ``packet_background_rate``.

The single group's trial lasts from 0 to t_stop = t0 + window_max_half_width + window_latency +
delay, with the packet centred at t0 = max(model t0, 3 * the largest sigma of the grid): as in
the chain, where group 1 has received group 0's background for about t0 when its packet arrives.

Prediction: particles start at the input packet (a, sigma), take one step of the kernel of group
0, then of group 1, ... (the last kernel of the set serves every later group). A particle between
grid cells draws its successor from the bilinear mixture of the four surrounding cells' measured
outputs (the a cell is the upper one with probability equal to its interpolation weight, likewise
sigma, then one trial of that cell uniformly): the kernel is the linear interpolation of the
measured transition distributions. Outside the grid the nearest edge cell is used. A packet with
a_k = 0 (fewer than min_packet_spikes) is dead and stays dead. Survival after k groups is the
chain's rule: a_{k-1} >= min_fraction * group_size.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

KINDS = ("first", "second", "later")
# Kernel sets compared in the check (which kernel drives group 0, 1, 2, ...; the last one repeats).
KERNEL_SETS = {
    "full": ("first", "second", "later"),
    "one_rate": ("first", "later"),  # the predecessor at the later groups' rate from group 1 on
    "no_predecessor": ("first",),  # every group like group 0: a clean packet, no predecessor
}
# Random-stream purposes (simcore.rng uses 0 for the chain, 1 for the background statistics).
PURPOSE = 12  # a kernel trial: packet times, initial state, noise (simcore.rng.trial_streams)
PREDECESSOR = 13  # its predecessor's spontaneous spikes
PARTICLES = 14  # the iteration
FORMAT = "synfire-kernel/1"


def kernel_setup(model, kind: str, sigma_max: float):
    """(Params of the single group, predecessor rate in Hz) of a kernel `kind` of `model`'s chain."""
    if kind not in KINDS:
        raise ValueError(f"kernel kind must be one of {', '.join(KINDS)}, got {kind!r}")
    dt = model.dt
    t0 = max(model.t0, math.ceil(3 * sigma_max / dt - 1e-9) * dt)
    t_stop = t0 + model.window_max_half_width + model.window_latency + model.delay
    t_stop = math.ceil(t_stop / dt - 1e-9) * dt
    params = model.replace(n_groups=1, t0=round(t0, 10), t_stop=round(t_stop, 10))
    if kind == "first":
        return params, 0.0
    params = params.replace(packet_background_rate_first=model.packet_background_rate)
    rate = model.packet_background_rate_first if kind == "second" else model.packet_background_rate
    return params, float(rate)


def predecessor_steps(generator, params, rate_hz: float) -> np.ndarray:
    """Steps 1..n_steps of the spontaneous spikes of a predecessor group: Poisson, group_size *
    rate_hz spikes per second in all (several in one step possible), ascending."""
    n_steps = params.steps(params.t_stop)
    counts = generator.poisson(params.group_size * rate_hz * 1e-3 * params.dt, n_steps)
    return np.repeat(np.arange(1, n_steps + 1, dtype=np.int64), counts)


def simulate_cell(params, a: int, sigma: float, trials, seed: int, predecessor_hz: float, threads=None):
    """Arrays (a_out, sigma_out, latency) over `trials` (int or indices) of the single group
    receiving the packet (a, sigma) and, if predecessor_hz > 0, a predecessor's spontaneous spikes.

    a_out, sigma_out: the emitted packet (simcore.packets.packet_sequence on the packet alone as
    input, as the chain's group 0 would be measured; a_out = 0: dead); latency: its mean time after
    the input packet's mean. Each trial has its own random streams (deterministic given the seed)."""
    from simcore import rng as streams
    from simcore.network import Drive, check_packet, draw_packet_steps, map_trials, simulate_trial
    from simcore.packets import packet_sequence

    if params.n_groups != 1:
        raise ValueError("the transition kernel simulates one group (n_groups = 1)")
    check_packet(a, sigma, params)
    trial_ids = range(trials) if isinstance(trials, int) else [int(t) for t in trials]
    drive = Drive.of(params)

    def one(trial: int):
        trial_streams = streams.trial_streams(seed, PURPOSE, a, sigma, trial)
        packet = draw_packet_steps(trial_streams.generator, params, int(a), float(sigma))
        inputs = packet.astype(np.int64)
        if predecessor_hz > 0:
            key = (PREDECESSOR, int(a), streams.sigma_key(sigma), int(trial))
            generator = np.random.Generator(np.random.SFC64(np.random.SeedSequence(int(seed), spawn_key=key)))
            inputs = np.sort(np.concatenate([inputs, predecessor_steps(generator, params, predecessor_hz)]))
        spikes = simulate_trial(params, trial_streams, inputs, drive=drive)
        packet_times = packet * params.dt
        a_out, sigma_out, t_out = packet_sequence([spikes.steps * params.dt], packet_times, params)
        latency = t_out[0] - packet_times.mean() if packet.size else math.nan
        return a_out[0], sigma_out[0], latency

    results = map_trials(one, trial_ids, threads)
    if not results:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    return tuple(np.array(column, dtype=float) for column in zip(*results))


def simulate_kernel(model, kind: str, a_values, sigma_values, trials: int, seed: int, threads=None):
    """The kernel `kind` of `model`'s chain on the grid a_values x sigma_values: a Dataset
    (a_in, sigma_in, trial) of a_out, sigma_out, latency, with the CPU time it took."""
    import xarray as xr

    from simcore import __version__
    from simcore.dataset import REFERENCES, git_commit
    from simcore.sources import simulator_digest

    a_values = [int(a) for a in a_values]
    sigma_values = [float(s) + 0.0 for s in sigma_values]
    params, rate = kernel_setup(model, kind, max(sigma_values))
    shape = (len(a_values), len(sigma_values), trials)
    a_out, sigma_out, latency = np.zeros(shape), np.full(shape, np.nan), np.full(shape, np.nan)
    simulate_cell(params, a_values[0], sigma_values[0], [0], seed, rate, threads)  # compile and warm up
    started = time.process_time()
    for i, a in enumerate(a_values):
        for j, sigma in enumerate(sigma_values):
            a_out[i, j], sigma_out[i, j], latency[i, j] = simulate_cell(params, a, sigma, trials, seed, rate, threads)
    cpu = time.process_time() - started
    dims = ("a_in", "sigma_in", "trial")
    return xr.Dataset(
        {
            "a_out": (
                dims,
                a_out,
                {"long_name": "spikes in the emitted packet (simcore.packets; 0: dead)", "units": "1"},
            ),
            "sigma_out": (dims, sigma_out, {"long_name": "temporal spread (sd) of the emitted packet", "units": "ms"}),
            "latency": (
                dims,
                latency,
                {"long_name": "mean time of the emitted packet after the input packet's mean", "units": "ms"},
            ),
        },
        coords={
            "a_in": ("a_in", np.array(a_values, np.int32), {"long_name": "spikes in the input packet", "units": "1"}),
            "sigma_in": (
                "sigma_in",
                np.array(sigma_values),
                {"long_name": "temporal spread (sd) of the input packet", "units": "ms"},
            ),
            "trial": ("trial", np.arange(trials, dtype=np.int32), {"long_name": "trial index", "units": "1"}),
        },
        attrs={
            "title": f"synfire chain: transition kernel of one group ({kind})",
            "Conventions": "CF-1.8",
            "references": REFERENCES,
            "source": f"simcore {__version__}",
            "format": FORMAT,
            "kind": kind,
            "predecessor_rate_hz": rate,
            "params": params.to_json(),  # the single group's (n_groups = 1, its t0 and t_stop)
            "model": model.to_json(),  # the chain's
            "seed": int(seed),
            "cpu_seconds": float(cpu),
            "simulator_digest": simulator_digest(),
            "simcore_version": __version__,
            "git_commit": git_commit(),
        },
    )


def write_kernel(ds, path):
    """Write a kernel Dataset atomically (NaN marks a dead packet's sigma_out and latency)."""
    from simcore.dataset import write_bytes

    encoding = {name: {"zlib": True, "complevel": 4, "_FillValue": np.nan} for name in ("sigma_out", "latency")}
    encoding["a_out"] = {"zlib": True, "complevel": 4, "_FillValue": None}
    encoding.update({name: {"_FillValue": None} for name in ds.coords})
    return write_bytes(ds.to_netcdf(engine="h5netcdf", encoding=encoding), path)


def open_kernel(path, *, kind: str | None = None, model_json: str | None = None, simulator: str | None = None):
    """A kernel file, loaded and checked (format, kind, chain model, simulator); CorruptFileError
    names the file, what it holds and the fix."""
    from simcore.dataset import CorruptFileError

    from .files import load_netcdf

    fix = "delete it and rerun the workflow"
    ds = load_netcdf(path, fix)
    checks = [
        ("format", FORMAT, "not a transition-kernel file"),
        ("kind", kind, "a kernel of another kind"),
        ("model", model_json, "a kernel of another model"),
        ("simulator_digest", simulator, "written by another simulator"),
    ]
    for attribute, expected, says in checks:
        if expected is not None and ds.attrs.get(attribute) != expected:
            raise CorruptFileError(f"{path}: {says} ({attribute} {ds.attrs.get(attribute)!r}); {fix}")
    return ds


@dataclass(frozen=True)
class Kernel:
    """Measured transitions: a_out, sigma_out (n_a, n_sigma, trials) of each input cell."""

    a_values: np.ndarray
    sigma_values: np.ndarray
    a_out: np.ndarray
    sigma_out: np.ndarray

    def __post_init__(self):
        shape = (len(self.a_values), len(self.sigma_values))
        if self.a_out.ndim != 3 or self.a_out.shape[:2] != shape or self.sigma_out.shape != self.a_out.shape:
            raise ValueError(f"kernel outputs must have shape {shape} + (trials,)")
        if self.a_out.shape[2] < 1:
            raise ValueError("kernel has no trials")
        if np.any(np.diff(self.a_values) <= 0) or np.any(np.diff(self.sigma_values) <= 0):
            raise ValueError("kernel grid values must be increasing")

    @classmethod
    def of(cls, ds) -> Kernel:
        return cls(
            np.asarray(ds.a_in.values, dtype=float),
            np.asarray(ds.sigma_in.values, dtype=float),
            np.asarray(ds.a_out.values, dtype=float),
            np.asarray(ds.sigma_out.values, dtype=float),
        )

    def surviving(self, min_size: float) -> np.ndarray:
        """P(a_out >= min_size) per cell (n_a, n_sigma): the single-step survival."""
        return (self.a_out >= min_size).mean(axis=-1)


def _bracket(values: np.ndarray, x: np.ndarray):
    """Lower index and weight of the upper neighbour for linear interpolation, clamped to the grid."""
    x = np.clip(x, values[0], values[-1])
    if values.size == 1:
        return np.zeros(x.shape, dtype=np.int64), np.zeros(x.shape)
    i = np.clip(np.searchsorted(values, x, side="right") - 1, 0, values.size - 2)
    return i, (x - values[i]) / (values[i + 1] - values[i])


def step(kernel: Kernel, a: np.ndarray, sigma: np.ndarray, generator) -> tuple[np.ndarray, np.ndarray]:
    """One group for every particle (a, sigma); a dead particle (a == 0) stays dead.

    The successor is drawn from the bilinear mixture of the surrounding cells' outputs (module
    docstring): per particle two uniforms and one integer, in this order."""
    a = np.asarray(a, dtype=float)
    alive = a > 0
    ia, wa = _bracket(kernel.a_values, a)
    js, ws = _bracket(kernel.sigma_values, np.where(np.isfinite(sigma), sigma, kernel.sigma_values[-1]))
    n = a.size
    i = np.minimum(ia + (generator.random(n) < wa), kernel.a_values.size - 1)
    j = np.minimum(js + (generator.random(n) < ws), kernel.sigma_values.size - 1)
    trial = generator.integers(0, kernel.a_out.shape[-1], n)
    a_next = np.where(alive, kernel.a_out[i, j, trial], 0.0)
    s_next = np.where(a_next > 0, kernel.sigma_out[i, j, trial], np.nan)
    return a_next, s_next


def survival_curve(kernels, a0, sigma0, n_steps: int, min_size: float, particles: int, seed: int) -> np.ndarray:
    """P(alive after k groups), k = 1..n_steps, for each start (a0[i], sigma0[i]): (len(a0), n_steps).

    `kernels`: the kernels of group 0, 1, ...; the last one serves every later group. `particles`
    per start; alive after k groups: a_{k-1} >= min_size. Deterministic given the seed."""
    a0, sigma0 = (
        np.ravel(v) for v in np.broadcast_arrays(np.asarray(a0, dtype=float), np.asarray(sigma0, dtype=float))
    )
    generator = np.random.Generator(np.random.SFC64(np.random.SeedSequence(int(seed), spawn_key=(PARTICLES,))))
    a = np.repeat(a0, particles)
    s = np.repeat(sigma0, particles)
    out = np.empty((a0.size, n_steps))
    for k in range(n_steps):
        a, s = step(kernels[min(k, len(kernels) - 1)], a, s, generator)
        out[:, k] = (a >= min_size).reshape(a0.size, particles).mean(axis=1)
    return out


# ---- the prediction's tables ---------------------------------------------------------------------


def chain_survival_by_length(ds, min_size: float) -> np.ndarray:
    """Simulated P(alive after k groups), k = 1..n_groups, per start: (a_in, sigma_in, n_groups)."""
    return (ds.a_out.values >= min_size).mean(axis=2)


def predict(kernels: dict, ds, *, chain_lengths, particles: int, seed: int, min_fraction: float, confidence: float):
    """The prediction's tables from the kernels (kind -> Kernel) and the simulated sweep `ds`.

    Starts: every integer a from the sweep's smallest to its largest, at each of its sigma.

    * survival: chain_length, a, sigma, p_predicted, p_simulated (NaN where not simulated: off the
      sweep's grid or at another chain length than the simulated one), for every chain length asked
      for and the simulated one;
    * threshold: chain_length, sigma, a50_predicted (where the 1-spike curve crosses 0.5) and, at
      the simulated chain length, the simulated a50 with its interval and whether the prediction lies in it;
    * check: per kernel set (KERNEL_SETS) and chain length 1..n_groups, over the sweep's grid: mean
      |p_predicted - p_simulated|, mean signed dp, the mean |dp| exact predictions would show from the
      simulated trials' binomial noise alone; at the simulated length also at how many sigma the
      predicted a50 lies in the simulated interval and the mean a50 shift (predicted - simulated).
    """
    import pandas as pd

    from .analysis import _crossing, group_size_of, survival_table, threshold_table

    n_groups = ds.sizes["group"]
    group_size = group_size_of(ds)
    min_size = min_fraction * group_size
    lengths = sorted({*(int(k) for k in chain_lengths), n_groups})
    a_grid = ds.a_in.values.astype(int)
    sigma_grid = ds.sigma_in.values.astype(float)
    simulated = chain_survival_by_length(ds, min_size)  # (a, sigma, k)
    sim_threshold = threshold_table(survival_table(ds, min_fraction, confidence), confidence, where="simulated chain: ")
    sim_threshold = sim_threshold.set_index("sigma").reindex(sigma_grid)
    a_fine = np.arange(a_grid.min(), a_grid.max() + 1)
    starts_a, starts_s = np.meshgrid(a_fine, sigma_grid, indexing="ij")
    on_grid = np.searchsorted(a_fine, a_grid)

    def curves(kinds, n_steps, stream):
        out = survival_curve(
            [kernels[kind] for kind in kinds], starts_a, starts_s, n_steps, min_size, particles, stream
        )
        return out.reshape(a_fine.size, sigma_grid.size, n_steps)  # (a_fine, sigma, k)

    def a50s(curve, k):
        return np.array([_crossing(a_fine, curve[:, j, k - 1]) for j in range(sigma_grid.size)])

    def inside(a50, low="a50_low", high="a50_high"):
        return (sim_threshold[low].values <= a50) & (a50 <= sim_threshold[high].values)

    fine = curves(KERNEL_SETS["full"], lengths[-1], seed)
    row_of = {int(a): i for i, a in enumerate(a_grid)}  # the sweep's grid need not be sorted
    rows = []
    for k in lengths:
        for i, a in enumerate(a_fine):
            for j, sigma in enumerate(sigma_grid):
                here = k == n_groups and int(a) in row_of
                observed = simulated[row_of[int(a)], j, k - 1] if here else math.nan
                rows.append(
                    {
                        "chain_length": k,
                        "a": int(a),
                        "sigma": float(sigma),
                        "p_predicted": float(fine[i, j, k - 1]),
                        "p_simulated": float(observed),
                    }
                )
    survival = pd.DataFrame(rows)

    frames = []
    for k in lengths:
        frame = pd.DataFrame({"chain_length": k, "sigma": sigma_grid, "a50_predicted": a50s(fine, k)})
        for column in ("a50_simulated", "a50_low", "a50_high", "a50_fit", "a50_fit_low", "a50_fit_high"):
            frame[column] = sim_threshold[column.replace("_simulated", "")].values if k == n_groups else math.nan
        for column, ends in (("within", ("a50_low", "a50_high")), ("within_fit", ("a50_fit_low", "a50_fit_high"))):
            frame[column] = pd.array(
                inside(frame.a50_predicted.values, *ends) if k == n_groups else [pd.NA] * len(frame), "boolean"
            )
        frames.append(frame)
    threshold = pd.concat(frames, ignore_index=True)
    threshold_of_full = threshold[threshold.chain_length == n_groups].a50_predicted.values

    rows = []
    for offset, (name, kinds) in enumerate(KERNEL_SETS.items()):
        curve = fine if name == "full" else curves(kinds, n_groups, seed + 1 + offset)
        for k in range(1, n_groups + 1):
            predicted, observed = curve[on_grid, :, k - 1], simulated[..., k - 1]
            row = {
                "kernels": name,
                "chain_length": k,
                "mean_abs_dp": float(np.abs(predicted - observed).mean()),
                "mean_dp": float((predicted - observed).mean()),
                "noise_abs_dp": float(binomial_mean_abs_deviation(predicted, ds.sizes["trial"]).mean()),
                "a50_within": pd.NA,
                "a50_shift": math.nan,
            }
            if k == n_groups:
                a50 = threshold_of_full if name == "full" else a50s(curve, k)
                row["a50_within"] = int(inside(a50).sum())
                row["a50_shift"] = float(np.nanmean(a50 - sim_threshold.a50.values))
            rows.append(row)
    check = pd.DataFrame(rows)
    check["a50_within"] = check["a50_within"].astype("Int64")
    return survival, threshold, check


def step_table(kernels: dict, ds, *, min_fraction: float, seed: int, draws: int = 20, band=(0.3, 0.8)):
    """The chain's own group-to-group steps against each kernel's one-step map, per group.

    For every step of every trial into group g (from the input packet for g = 0) that starts from a
    live packet of band[0] to band[1] times group_size spikes (near the threshold, where a packet's
    fate is decided), each kernel draws `draws` successors of the same input (a, sigma). Rows
    (group, kernel): steps, mean a of the packet group g emitted (simulated) and the kernel's mean,
    and the fraction of emitted packets with >= min_fraction * group_size spikes (both)."""
    import pandas as pd

    from .analysis import group_size_of, packet_path

    group_size = group_size_of(ds)
    min_size = min_fraction * group_size
    a_all, s_all = packet_path(ds)
    generator = np.random.Generator(np.random.SFC64(np.random.SeedSequence(int(seed), spawn_key=(PARTICLES, 1))))
    rows = []
    for g in range(a_all.shape[-1] - 1):
        start_a, start_s = a_all[..., g].ravel(), s_all[..., g].ravel()
        keep = (start_a >= band[0] * group_size) & (start_a <= band[1] * group_size) & np.isfinite(start_s)
        next_a = a_all[..., g + 1].ravel()[keep]
        if keep.any():
            simulated = {"a_simulated": float(next_a.mean()), "alive_simulated": float((next_a >= min_size).mean())}
            starts = np.repeat(start_a[keep], draws), np.repeat(start_s[keep], draws)
        for kind in KINDS:
            row = {"group": g, "kernel": kind, "steps": int(keep.sum())}
            row.update(dict.fromkeys(["a_simulated", "a_predicted", "alive_simulated", "alive_predicted"], math.nan))
            if keep.any():
                predicted, _ = step(kernels[kind], *starts, generator)
                row.update(simulated, a_predicted=float(predicted.mean()))
                row["alive_predicted"] = float((predicted >= min_size).mean())
            rows.append(row)
    return pd.DataFrame(rows)


def binomial_mean_abs_deviation(p, n: int) -> np.ndarray:
    """E|X/n - p| for X ~ Binomial(n, p), elementwise: the mean |dp| of an exact prediction against
    n simulated trials."""
    from scipy.stats import binom

    p = np.asarray(p, dtype=float)
    x = np.arange(n + 1)
    pmf = binom.pmf(x[None, :], n, p.ravel()[:, None])
    return (pmf * np.abs(x[None, :] / n - p.ravel()[:, None])).sum(axis=1).reshape(p.shape)


def chain_trial_seconds(model, n_groups: int, trials: int, seed: int, starts) -> float:
    """CPU seconds per trial of a chain of n_groups (simulation and packet extraction, one thread),
    mean over `trials` trials at each start packet (a, sigma) of `starts`; its t_stop lengthened (or
    shortened) by one delay per group more (or fewer) than model.n_groups."""
    from simcore.network import simulate_chain
    from simcore.packets import extract_packets

    t_stop = max(model.t0 + model.delay, model.t_stop + (n_groups - model.n_groups) * model.delay)
    params = model.replace(n_groups=int(n_groups), t_stop=t_stop)
    a, sigma = starts[0]
    extract_packets(simulate_chain(params, a, sigma, 1, seed, threads=1), params)  # compile and warm up
    started = time.process_time()
    for a, sigma in starts:
        extract_packets(simulate_chain(params, a, sigma, trials, seed, threads=1), params)
    return (time.process_time() - started) / (trials * len(starts))


def kernel_trial_seconds(model, kind: str, sigma_max: float, trials: int, seed: int, starts) -> float:
    """CPU seconds per single-group trial of the kernel `kind` (as simulate_kernel runs it), mean
    over `trials` trials at each input packet (a, sigma) of `starts`."""
    params, rate = kernel_setup(model, kind, sigma_max)
    a, sigma = starts[0]
    simulate_cell(params, a, sigma, 1, seed, rate, threads=1)  # compile and warm up
    started = time.process_time()
    for a, sigma in starts:
        simulate_cell(params, a, sigma, trials, seed, rate, threads=1)
    return (time.process_time() - started) / (trials * len(starts))


def cost_table(
    kernel_files: dict, model, *, points: int, trials: int, chain_lengths, timing_trials: int, seed: int, sweep_starts
):
    """CPU cost of each kernel and, per chain length, of the full sweep of `points` x `trials`.

    Both are timed here, in one process, one thread, under the same load: CPU seconds per trial on
    `timing_trials` trials at two corners of each grid (the largest a at the smallest sigma, the
    smallest a at the largest sigma; `sweep_starts` for the sweep), times the trials.
    ``job_cpu_s``: what each kernel's own job measured (other jobs may have run beside it)."""
    import pandas as pd

    rows = []
    for kind, ds in kernel_files.items():
        a_values, sigma_values = ds.a_in.values, ds.sigma_in.values
        corners = [(int(a_values[-1]), float(sigma_values[0])), (int(a_values[0]), float(sigma_values[-1]))]
        per_trial = kernel_trial_seconds(model, kind, float(sigma_values.max()), timing_trials, seed, corners)
        n = int(ds.sizes["a_in"] * ds.sizes["sigma_in"] * ds.sizes["trial"])
        rows.append(
            {
                "what": f"kernel {kind}",
                "chain_length": math.nan,
                "trials": n,
                "cpu_s": per_trial * n,
                "job_cpu_s": float(ds.attrs["cpu_seconds"]),
            }
        )
    kernels = pd.DataFrame(rows)
    rows.append(
        {
            "what": "prediction (all kernels)",
            "chain_length": math.nan,
            "trials": int(kernels.trials.sum()),
            "cpu_s": float(kernels.cpu_s.sum()),
            "job_cpu_s": float(kernels.job_cpu_s.sum()),
        }
    )
    for k in sorted({int(k) for k in chain_lengths} | {model.n_groups}):
        per_trial = chain_trial_seconds(model, k, timing_trials, seed, sweep_starts)
        rows.append(
            {
                "what": "full sweep",
                "chain_length": k,
                "trials": points * trials,
                "cpu_s": per_trial * points * trials,
                "job_cpu_s": math.nan,
            }
        )
    frame = pd.DataFrame(rows)
    frame["ratio_to_prediction"] = frame.cpu_s / float(kernels.cpu_s.sum())
    frame["chain_length"] = frame["chain_length"].astype("Int64")
    return frame
