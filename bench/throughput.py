"""Throughput benchmark of the synfire chain kernel: `make bench` (= `.venv/bin/python bench/throughput.py`).

One run (1-2 minutes on 2 cores) prints a Markdown report:

1. ms per trial of the default chain (10 x 100 neurons, 100 ms at dt 0.1 ms, a=100, sigma=0.5) through the
   public `simcore.network.simulate_chain`, warm, on 1 thread and on all threads, for the exact integrator
   with diffusion background, for `integrator=euler` and for `background=poisson`;
2. the same as ns per neuron-step;
3. the roofline: ns per neuron-step of only the random draws the kernel makes (same Generator type, same
   methods, in an @njit(nogil=True, cache=True) loop that sums them), kernel / roofline, and ms per trial
   per core against the target of <= 5 ms;
4. whole-process costs: interpreter, imports, `python -m simcore run --trials 1` and `--trials 20`, and the
   phases of a fresh process;
5. where the time goes in the kernel, from bench-only copies of `simcore.network._run` (draws replaced by
   table look-ups, no spike handling, no noise), and three bench-only prototypes of a faster kernel:
   P1 draws the identical stream with an inlined SFC64 (no call through the bit generator's function
   pointer), P2 also splits each group's update into draw / branch-free dynamics / spike passes (both
   checked spike for spike and bit for bit against simcore before they are timed), P3 replaces the two
   Poisson draws of the poisson background by one alias-method draw of their difference (same
   distribution, checked by a chi-square test; a different random stream).

Timing: every measurement is repeated in rounds (all candidates once per round, so a change in the
machine's load hits them alike); the median is reported, the minimum in parentheses. The machine may be
shared: each section prints the load average and how many cores other processes kept busy meanwhile.

Nothing here changes simcore; the kernels below are measurement copies and prototypes.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import simcore.network as net  # first: sets numba's cache directory (simcore._jit)
import numba
import numpy as np
from numba.np.random._constants import fi_double, ki_double, wi_double, ziggurat_nor_inv_r, ziggurat_nor_r
from simcore import rng as streams
from simcore.params import Params

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
A, SIGMA, SEED = 100, 0.5, 1
BATCH = 20  # trials per timed simulate_chain call
REPEATS = 5  # timed rounds per measurement (median reported, min in parentheses)
ROOF_TRIALS = 3  # roofline: trial-equivalents of draws per thread and round
PROFILE_TRIALS = range(4)  # section 5: trials per round
PROFILE_REPEATS = 7  # section 5: rounds
TARGET_MS_PER_CORE = 5.0
TARGET_ROOFLINE_RATIO = 1.5
NCPU = os.cpu_count() or 1

MODES = {
    "exact + diffusion": Params(),
    "euler + diffusion": Params().replace(integrator="euler"),
    "exact + poisson": Params().replace(background="poisson"),
}


# ------------------------------------------------------------------------------------------------------
# machine load: load average, and CPU time used by other processes during a section
# ------------------------------------------------------------------------------------------------------
def _busy_jiffies() -> int:
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def _own_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Load:
    """Average number of cores busy with other processes between start and stop (from /proc/stat)."""

    def __init__(self):
        self.hz = os.sysconf("SC_CLK_TCK")
        self.t0, self.j0, self.c0 = time.monotonic(), _busy_jiffies(), _own_cpu_seconds()
        self.loadavg0 = os.getloadavg()

    def stop(self) -> str:
        wall = time.monotonic() - self.t0
        busy = (_busy_jiffies() - self.j0) / self.hz
        own = _own_cpu_seconds() - self.c0
        other = max(0.0, busy - own) / wall if wall > 0 else 0.0
        la0, la1 = self.loadavg0, os.getloadavg()
        return (f"section took {wall:.1f} s; other processes kept {other:.2f} of {NCPU} cores busy; "
                f"loadavg {la0[0]:.2f}/{la0[1]:.2f}/{la0[2]:.2f} -> {la1[0]:.2f}/{la1[1]:.2f}/{la1[2]:.2f}")


class Timing:
    """Wall and process-CPU seconds of repeated calls; median (reported) and min (least disturbed)."""

    def __init__(self):
        self.walls, self.cpus = [], []

    def measure(self, function):
        c, t = time.process_time(), time.perf_counter()
        function()
        self.walls.append(time.perf_counter() - t)
        self.cpus.append(time.process_time() - c)

    @property
    def wall(self):
        return statistics.median(self.walls)

    @property
    def cpu(self):
        return statistics.median(self.cpus)

    @property
    def best(self):
        return min(self.walls)


def interleaved(functions: dict, repeats=REPEATS) -> dict:
    """Time every function once per round, round after round (so a change of the machine's load hits
    all of them alike); first one untimed call each (compile, cache load, warm-up)."""
    for function in functions.values():
        function()
    timings = {name: Timing() for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            timings[name].measure(function)
    return timings


def neuron_steps(params: Params) -> int:
    return params.n_groups * params.group_size * params.steps(params.t_stop)


# ------------------------------------------------------------------------------------------------------
# roofline: only the draws of one neuron-step, from the same Generator (numba's Generator methods)
# ------------------------------------------------------------------------------------------------------
@numba.njit(nogil=True, cache=True)
def roofline_draws(rng, n, n_normals, lam_exc, lam_inh):
    """Draw what n neuron-steps of the kernel draw; sum them so that nothing is optimized away."""
    total = 0.0
    poisson = lam_exc > 0.0 or lam_inh > 0.0
    for _ in range(n):
        if n_normals == 1:
            total += rng.standard_normal()
        elif n_normals == 3:
            e0 = rng.standard_normal()
            e1 = rng.standard_normal()
            e2 = rng.standard_normal()
            total += e0 + e1 + e2
        if poisson:
            total += rng.poisson(lam_exc) - rng.poisson(lam_inh)
    return total


# ------------------------------------------------------------------------------------------------------
# bench-only inlined SFC64: the same 64-bit stream as numpy.random.SFC64, the same ziggurat normal and
# Poisson (multiplication method) algorithms as numba / NumPy, but without the call through the
# bit generator's function pointer, with the state in registers and exp(-lam) computed once.
# ------------------------------------------------------------------------------------------------------
_U1, _U3, _U8, _U11, _U24, _U40 = (np.uint64(k) for k in (1, 3, 8, 11, 24, 40))
_UFF = np.uint64(0xFF)
_MANTISSA = np.uint64(0x000FFFFFFFFFFFFF)
_TO_DOUBLE = 1.0 / 9007199254740992.0


@numba.njit(inline="always")
def _sfc64(s0, s1, s2, s3):
    """numpy's sfc64_next: returns the next 64-bit output and the new state."""
    tmp = s0 + s1 + s3
    s3 = s3 + _U1
    s0 = s1 ^ (s1 >> _U11)
    s1 = s2 + (s2 << _U3)
    s2 = ((s2 << _U24) | (s2 >> _U40)) + tmp
    return tmp, s0, s1, s2, s3


@numba.njit(inline="always")
def _double(s0, s1, s2, s3):
    r, s0, s1, s2, s3 = _sfc64(s0, s1, s2, s3)
    return (r >> _U11) * _TO_DOUBLE, s0, s1, s2, s3


@numba.njit(nogil=True, cache=True)
def _normal_slow(idx, rabs, x, s0, s1, s2, s3):
    """The rare branches of the ziggurat (about 1 % of draws), after the fast test failed for (idx, rabs, x)."""
    while True:
        if idx == 0:
            while True:
                d1, s0, s1, s2, s3 = _double(s0, s1, s2, s3)
                xx = -ziggurat_nor_inv_r * np.log1p(-d1)
                d2, s0, s1, s2, s3 = _double(s0, s1, s2, s3)
                yy = -np.log1p(-d2)
                if yy + yy > xx * xx:
                    if ((rabs >> _U8) & _U1) != 0:
                        return -(ziggurat_nor_r + xx), s0, s1, s2, s3
                    return ziggurat_nor_r + xx, s0, s1, s2, s3
        else:
            d, s0, s1, s2, s3 = _double(s0, s1, s2, s3)
            if (fi_double[idx - 1] - fi_double[idx]) * d + fi_double[idx] < np.exp(-0.5 * x * x):
                return x, s0, s1, s2, s3
        r, s0, s1, s2, s3 = _sfc64(s0, s1, s2, s3)  # rejected: start over, as random_standard_normal
        idx = np.int64(r & _UFF)
        r = r >> _U8
        rabs = (r >> _U1) & _MANTISSA
        x = rabs * wi_double[idx]
        if (r & _U1) != 0:
            x = -x
        if rabs < ki_double[idx]:
            return x, s0, s1, s2, s3


@numba.njit(inline="always")
def _normal(s0, s1, s2, s3):
    """numpy's random_standard_normal (ziggurat): fast path inlined, rare path in _normal_slow."""
    r, s0, s1, s2, s3 = _sfc64(s0, s1, s2, s3)
    idx = np.int64(r & _UFF)
    r = r >> _U8
    rabs = (r >> _U1) & _MANTISSA
    x = rabs * wi_double[idx]
    if (r & _U1) != 0:
        x = -x
    if rabs < ki_double[idx]:
        return x, s0, s1, s2, s3
    return _normal_slow(idx, rabs, x, s0, s1, s2, s3)


@numba.njit(inline="always")
def _poisson_small(enlam, s0, s1, s2, s3):
    """Poisson variate for lam < 10 given enlam = exp(-lam): NumPy's random_poisson_mult."""
    k = 0
    prod = 1.0
    while True:
        u, s0, s1, s2, s3 = _double(s0, s1, s2, s3)
        prod *= u
        if prod > enlam:
            k += 1
        else:
            return k, s0, s1, s2, s3


@numba.njit(nogil=True, cache=True)
def roofline_inline(state, n, n_normals, lam_exc, lam_inh):
    """roofline_draws with the inlined generator (state: the 4 uint64 words of SFC64, updated in place)."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    en_exc, en_inh = np.exp(-lam_exc), np.exp(-lam_inh)
    poisson = lam_exc > 0.0 or lam_inh > 0.0
    total = 0.0
    for _ in range(n):
        if n_normals == 1:
            e0, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
            total += e0
        elif n_normals == 3:
            e0, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
            e1, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
            e2, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
            total += e0 + e1 + e2
        if poisson:
            ke, s0, s1, s2, s3 = _poisson_small(en_exc, s0, s1, s2, s3)
            ki, s0, s1, s2, s3 = _poisson_small(en_inh, s0, s1, s2, s3)
            total += ke - ki
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return total


# ------------------------------------------------------------------------------------------------------
# bench-only copies of simcore.network._run (same arguments, same event order)
# ------------------------------------------------------------------------------------------------------
NOISE_RNG, NOISE_TABLE, NOISE_NONE = 0, 1, 2


@numba.njit(nogil=True, cache=True)
def run_variant(
    noise_mode, spikes_on, table_normal, table_poisson,
    rng, y, x, u, refractory,
    propagator, fixed_point, noise_factor, n_normals,
    lam_exc, lam_inh, w_bg,
    u_threshold, u_reset, ref_steps, clamp_refractory,
    n_groups, group_size, n_steps, delay_steps, chain_jump, input_counts,
    stats_from_step, stats, spike_step, spike_neuron,
):  # fmt: skip
    """_run with noise_mode NOISE_RNG (as simcore), NOISE_TABLE (draws replaced by reading precomputed
    variates from a small cyclic table: the dynamics stay comparable, the generator's cost is gone) or
    NOISE_NONE (no noise terms at all); spikes_on=False skips refractoriness, threshold and spike records."""
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
    if noise_mode == NOISE_NONE:
        n_normals = 0
        poisson = False
    table_size = table_normal.shape[0]
    tn = 0
    tp = 0
    ring_size = delay_steps + 1
    ring = np.zeros((n_groups, ring_size), dtype=np.int64)
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
                    if noise_mode == NOISE_RNG:
                        e0 = rng.standard_normal()
                    else:
                        e0 = table_normal[tn]
                        tn += 1
                        if tn == table_size:
                            tn = 0
                    y_new += l00 * e0
                elif n_normals == 3:
                    if noise_mode == NOISE_RNG:
                        e0 = rng.standard_normal()
                        e1 = rng.standard_normal()
                        e2 = rng.standard_normal()
                    else:
                        e0 = table_normal[tn]
                        e1 = table_normal[tn + 1]
                        e2 = table_normal[tn + 2]
                        tn += 3
                        if tn >= table_size - 3:
                            tn = 0
                    y_new += l00 * e0
                    x_new += l10 * e0 + l11 * e1
                    u_new += l20 * e0 + l21 * e1 + l22 * e2
                if poisson:
                    if noise_mode == NOISE_RNG:
                        y_new += w_bg * (rng.poisson(lam_exc) - rng.poisson(lam_inh))
                    else:
                        y_new += w_bg * table_poisson[tp]
                        tp += 1
                        if tp == table_size:
                            tp = 0
                y_new += jump
                if spikes_on:
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


@numba.njit(nogil=True, cache=True)
def run_inline(
    state, y, x, u, refractory,
    propagator, fixed_point, noise_factor, n_normals,
    lam_exc, lam_inh, w_bg,
    u_threshold, u_reset, ref_steps, clamp_refractory,
    n_groups, group_size, n_steps, delay_steps, chain_jump, input_counts,
    stats_from_step, stats, spike_step, spike_neuron,
):  # fmt: skip
    """Prototype: _run with the Generator replaced by the inlined SFC64 (state: its 4 words, updated in
    place). Same random numbers in the same order, so the same spikes, bit for bit."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    en_exc = np.exp(-lam_exc)
    en_inh = np.exp(-lam_inh)
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
    ring = np.zeros((n_groups, ring_size), dtype=np.int64)
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
                    e0, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                    y_new += l00 * e0
                elif n_normals == 3:
                    e0, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                    e1, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                    e2, s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                    y_new += l00 * e0
                    x_new += l10 * e0 + l11 * e1
                    u_new += l20 * e0 + l21 * e1 + l22 * e2
                if poisson:
                    ke, s0, s1, s2, s3 = _poisson_small(en_exc, s0, s1, s2, s3)
                    ki, s0, s1, s2, s3 = _poisson_small(en_inh, s0, s1, s2, s3)
                    y_new += w_bg * (ke - ki)
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
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return n_spikes


_M53 = np.uint64((1 << 53) - 1)
_U58 = np.uint64(58)


@numba.njit(nogil=True, cache=True)
def run_twopass(
    state, alias_accept, alias_keep, alias_other,
    y, x, u, refractory,
    propagator, fixed_point, noise_factor, n_normals,
    lam_exc, lam_inh, w_bg,
    u_threshold, u_reset, ref_steps, clamp_refractory,
    n_groups, group_size, n_steps, delay_steps, chain_jump, input_counts,
    stats_from_step, stats, spike_step, spike_neuron,
):  # fmt: skip
    """Prototype 2: run_inline restructured per group into three passes: (1) draw the group's random
    numbers into small buffers, in the kernel's order; (2) the linear update of (y, x, U), branch-free,
    so that LLVM vectorizes it; (3) refractoriness, threshold, spike records. Same numbers, same
    arithmetic per neuron: bit-identical to simcore. With a non-empty alias table (64 entries) the two
    Poisson variates are replaced by ONE draw of their difference (Skellam) by Walker's alias method:
    same distribution, but a different random stream (prototype 3, not bit-identical)."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    en_exc = np.exp(-lam_exc)
    en_inh = np.exp(-lam_inh)
    use_alias = alias_accept.shape[0] == 64
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
    ring = np.zeros((n_groups, ring_size), dtype=np.int64)
    n_spikes = 0
    capacity = spike_step.shape[0]
    e0b = np.zeros(group_size)
    e1b = np.zeros(group_size)
    e2b = np.zeros(group_size)
    pb = np.zeros(group_size)
    for step in range(1, n_steps + 1):
        slot = step % ring_size
        for group in range(n_groups):
            if group == 0:
                arriving = input_counts[step]
            else:
                arriving = ring[group - 1, slot]
            jump = chain_jump * arriving
            emitted = 0
            first = group * group_size
            # pass 1: the random numbers of the group, in the order simcore draws them
            for i in range(group_size):
                if n_normals == 1:
                    e0b[i], s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                elif n_normals == 3:
                    e0b[i], s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                    e1b[i], s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                    e2b[i], s0, s1, s2, s3 = _normal(s0, s1, s2, s3)
                if poisson:
                    if use_alias:
                        r, s0, s1, s2, s3 = _sfc64(s0, s1, s2, s3)
                        k = np.int64(r >> _U58)
                        if (r & _M53) * _TO_DOUBLE < alias_accept[k]:
                            pb[i] = w_bg * alias_keep[k]
                        else:
                            pb[i] = w_bg * alias_other[k]
                    else:
                        ke, s0, s1, s2, s3 = _poisson_small(en_exc, s0, s1, s2, s3)
                        ki, s0, s1, s2, s3 = _poisson_small(en_inh, s0, s1, s2, s3)
                        pb[i] = w_bg * (ke - ki)
            yg = y[first : first + group_size]
            xg = x[first : first + group_size]
            ug = u[first : first + group_size]
            # pass 2: the linear dynamics, no branches inside the loop (same expressions as _run)
            if n_normals == 3:
                for i in range(group_size):
                    dy = yg[i] - y_star
                    dx = xg[i] - x_star
                    du = ug[i] - u_star
                    e0 = e0b[i]
                    e1 = e1b[i]
                    e2 = e2b[i]
                    y_new = y_star + p00 * dy
                    x_new = x_star + p10 * dy + p11 * dx
                    u_new = u_star + p20 * dy + p21 * dx + p22 * du
                    y_new += l00 * e0
                    x_new += l10 * e0 + l11 * e1
                    u_new += l20 * e0 + l21 * e1 + l22 * e2
                    if poisson:
                        y_new += pb[i]
                    yg[i] = y_new + jump
                    xg[i] = x_new
                    ug[i] = u_new
            else:
                for i in range(group_size):
                    dy = yg[i] - y_star
                    dx = xg[i] - x_star
                    du = ug[i] - u_star
                    y_new = y_star + p00 * dy
                    x_new = x_star + p10 * dy + p11 * dx
                    u_new = u_star + p20 * dy + p21 * dx + p22 * du
                    if n_normals == 1:
                        y_new += l00 * e0b[i]
                    if poisson:
                        y_new += pb[i]
                    yg[i] = y_new + jump
                    xg[i] = x_new
                    ug[i] = u_new
            # pass 3: refractoriness, threshold, spikes
            for i in range(group_size):
                neuron = first + i
                if refractory[neuron] > 0:
                    refractory[neuron] -= 1
                    if clamp_refractory:
                        ug[i] = u_reset
                elif ug[i] >= u_threshold:
                    ug[i] = u_reset
                    refractory[neuron] = ref_steps
                    if n_spikes < capacity:
                        spike_step[n_spikes] = step
                        spike_neuron[n_spikes] = neuron
                    n_spikes += 1
                    emitted += 1
            if step >= stats_from_step:
                sum_u = 0.0
                sum_u2 = 0.0
                for i in range(group_size):
                    sum_u += ug[i]
                    sum_u2 += ug[i] * ug[i]
                stats[group, 0] += sum_u
                stats[group, 1] += sum_u2
            if group > 0:
                ring[group - 1, slot] = 0
            if group + 1 < n_groups and emitted > 0:
                ring[group, (step + delay_steps) % ring_size] += emitted
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return n_spikes


@numba.njit(nogil=True, cache=True)
def sample_alias(state, n, accept, keep, other):
    """n draws of the alias sampler of run_twopass (for the distribution check)."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    out = np.empty(n)
    for i in range(n):
        r, s0, s1, s2, s3 = _sfc64(s0, s1, s2, s3)
        k = np.int64(r >> _U58)
        out[i] = keep[k] if (r & _M53) * _TO_DOUBLE < accept[k] else other[k]
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return out


def skellam_pmf(lam_exc: float, lam_inh: float, values: np.ndarray) -> np.ndarray:
    """P(N_exc - N_inh = k), N ~ Poisson, by direct summation."""
    from math import exp, lgamma, log

    def pois(n, lam):
        return exp(n * log(lam) - lam - lgamma(n + 1)) if n >= 0 else 0.0

    return np.array([sum(pois(n + k, lam_exc) * pois(n, lam_inh) for n in range(0, 200)) for k in values])


def alias_table(lam_exc: float, lam_inh: float):
    """Walker/Vose alias table of 64 entries for the Skellam difference; returns (accept, keep, other,
    probability mass outside the 64 values, which the table leaves out)."""
    center = int(round(lam_exc - lam_inh))
    values = np.arange(center - 31, center + 33)
    pmf = skellam_pmf(lam_exc, lam_inh, values)
    outside = max(0.0, 1.0 - pmf.sum())
    scaled = pmf / pmf.sum() * 64
    accept, other = np.ones(64), values.astype(np.float64).copy()
    small = [i for i in range(64) if scaled[i] < 1.0]
    large = [i for i in range(64) if scaled[i] >= 1.0]
    while small and large:
        s, big = small.pop(), large.pop()
        accept[s], other[s] = scaled[s], values[big]
        scaled[big] -= 1.0 - scaled[s]
        (small if scaled[big] < 1.0 else large).append(big)
    return accept, values.astype(np.float64), other, outside


class KernelCall:
    """The arguments simcore.network.simulate_trial passes to _run for one trial, ready to replay."""

    def __init__(self, params: Params, trial: int):
        self.params = params
        self.drive = net.Drive.of(params)
        generator = streams.trial_generator(SEED, streams.CHAIN, A, SIGMA, trial)
        input_steps = net.draw_packet_steps(generator, params, A, SIGMA)
        n_neurons = params.n_groups * params.group_size
        self.n_steps = params.steps(params.t_stop)
        self.y, self.x, self.u = net.draw_initial_state(generator, params, self.drive, n_neurons)
        self.generator_state = generator.bit_generator.state  # where the kernel starts drawing
        self.input_counts = np.bincount(input_steps, minlength=self.n_steps + 1).astype(np.int64)
        self.capacity = n_neurons * 2 + int(n_neurons * params.t_stop * 0.05)
        self.n_neurons = n_neurons

    def generator(self):
        g = np.random.Generator(np.random.SFC64())
        g.bit_generator.state = self.generator_state
        return g

    def sfc64_words(self):
        return self.generator_state["state"]["state"].copy()

    def args(self):
        """The arguments of _run after rng, with fresh copies of the arrays the kernel changes."""
        p, d = self.params, self.drive
        self.spike_step = np.empty(self.capacity, dtype=np.int32)
        self.spike_neuron = np.empty(self.capacity, dtype=np.int32)
        self.state = (self.y.copy(), self.x.copy(), self.u.copy())
        return (
            *self.state, np.zeros(self.n_neurons, dtype=np.int64),
            d.step.propagator, d.step.fixed_point, d.step.noise_factor, d.step.n_normals,
            d.lam_exc, d.lam_inh, d.w_bg,
            p.u_threshold, p.u_reset, p.steps(p.t_ref), p.clamp_refractory,
            p.n_groups, p.group_size, self.n_steps, p.steps(p.delay), p.chain_jump,
            self.input_counts, net.NO_STATS, np.zeros((p.n_groups, 2)), self.spike_step, self.spike_neuron,
        )  # fmt: skip

    def result(self, n):
        return self.spike_step[:n].copy(), self.spike_neuron[:n].copy(), [a.copy() for a in self.state]


# ------------------------------------------------------------------------------------------------------
# sections
# ------------------------------------------------------------------------------------------------------
def _sh(*cmd) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def header():
    print("# synfire kernel throughput (bench/throughput.py)")
    print()
    print(f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"- uptime at start: {_sh('uptime')}")
    dirty = _sh("git", "status", "--porcelain", "--untracked-files=no", "--", "simcore")
    print(f"- code: git {_sh('git', 'rev-parse', '--short', 'HEAD')}"
          f"{' + uncommitted changes in simcore/' if dirty else ''}")
    print(f"- nproc: {_sh('nproc')}; os.cpu_count(): {NCPU}; usable (affinity): {len(os.sched_getaffinity(0))}")
    print(f"- python {platform.python_version()}, numba {numba.__version__}, numpy {np.__version__}, "
          f"llvmlite {__import__('llvmlite').__version__}")
    try:
        with open("/proc/meminfo") as f:
            print(f"- RAM: {int(f.readline().split()[1]) / 2**20:.1f} GiB")
    except OSError:
        pass
    print("- lscpu | head -20:")
    print()
    print("```")
    print("\n".join(line[:150] for line in _sh("lscpu").splitlines()[:20]))
    print("```")
    print()


def section_chain():
    print(f"## 1-3. simulate_chain, warm: ms per trial (median of {REPEATS} batches of {BATCH} trials) and the draw roofline")
    print()
    load = Load()
    functions, meta = {}, {}
    for mode, params in MODES.items():
        drive = net.Drive.of(params)
        spec = (drive.step.n_normals, drive.lam_exc, drive.lam_inh)
        n_ns = neuron_steps(params)
        for threads in sorted({1, NCPU}):
            functions["chain", mode, threads] = (
                lambda p=params, t=threads: net.simulate_chain(p, A, SIGMA, BATCH, SEED, threads=t))
            calls = ROOF_TRIALS * threads  # trial-equivalents of draws, ROOF_TRIALS per thread

            def roof(spec=spec, n=n_ns, threads=threads, calls=calls):
                gens = [np.random.Generator(np.random.SFC64(i)) for i in range(calls)]
                if threads == 1:
                    for g in gens:
                        roofline_draws(g, n, *spec)
                else:
                    with ThreadPoolExecutor(threads) as pool:
                        list(pool.map(lambda g: roofline_draws(g, n, *spec), gens))

            functions["roof", mode, threads] = roof
            meta[mode, threads] = (n_ns, calls)
    timings = interleaved(functions)
    note = load.stop()

    print("| mode | threads | wall ms/trial: median (min) | CPU ms/trial | ms/trial per core (wall x threads) "
          "| roofline ns/neuron-step per core | kernel / roofline (wall) | kernel / roofline (CPU) | <= 5 ms/trial/core? |")
    print("|---|---|---|---|---|---|---|---|---|")
    results = {}
    for (mode, threads), (n_ns, calls) in meta.items():
        chain, roof = timings["chain", mode, threads], timings["roof", mode, threads]
        ms, best, cpu_ms = chain.wall / BATCH * 1e3, chain.best / BATCH * 1e3, chain.cpu / BATCH * 1e3
        per_core = ms * threads
        roof_ns = roof.wall / calls * threads * 1e9 / n_ns
        roof_cpu_ns = roof.cpu / calls * 1e9 / n_ns
        ratio = per_core * 1e6 / n_ns / roof_ns
        ratio_cpu = cpu_ms * 1e6 / n_ns / roof_cpu_ns
        results[mode, threads] = dict(ms=ms, cpu_ms=cpu_ms, per_core=per_core, roof_ns=roof_ns,
                                      roof_cpu_ns=roof_cpu_ns, ratio=ratio, ratio_cpu=ratio_cpu, n_ns=n_ns)
        met = "yes" if per_core <= TARGET_MS_PER_CORE else ("CPU only" if cpu_ms <= TARGET_MS_PER_CORE else "no")
        print(f"| {mode} | {threads} | {ms:.2f} ({best:.2f}) | {cpu_ms:.2f} | {per_core:.2f} "
              f"| {roof_ns:.2f} | {ratio:.2f}x | {ratio_cpu:.2f}x | {met} |")
    print()
    print(f"- {note}")
    print("- ns per neuron-step = ms per trial x 1e6 / (1000 neurons x 1000 steps): for the default chain it is"
          " numerically equal to ms per trial. 'per core' = wall x threads (pessimistic when other processes"
          " share the cores); CPU ms = process CPU time (all threads) / trials, which time-sharing with other"
          " processes does not inflate. The roofline column is wall x threads per neuron-step; the CPU ratio"
          " divides CPU times.")
    print("- roofline = the random draws only (3 standard normals per neuron-step for exact, 1 for euler,"
          " 2 Poisson variates with lam 3.52 and 3.0 for poisson) from numpy Generator(SFC64) in an"
          f" @njit(nogil=True, cache=True) loop that sums them, {ROOF_TRIALS} trial-equivalents per thread,"
          " timed in the same rounds as the chain (interleaved) and on the same number of threads.")
    print()
    print("Verdict (1 thread):")
    print()
    for mode in MODES:
        r = results[mode, 1]
        draws_ms = r["roof_cpu_ns"] * r["n_ns"] / 1e6
        within = r["ratio"] <= TARGET_ROOFLINE_RATIO, r["ratio_cpu"] <= TARGET_ROOFLINE_RATIO
        print(f"- {mode}: {r['ms']:.2f} ms/trial wall ({r['cpu_ms']:.2f} CPU) = {r['ratio']:.2f}x the draw roofline"
              f" by wall time, {r['ratio_cpu']:.2f}x by CPU time: "
              f"{'within' if all(within) else 'NOT within' if not any(within) else 'borderline for'} {TARGET_ROOFLINE_RATIO}x; "
              f"{'MEETS' if min(r['ms'], r['cpu_ms']) <= TARGET_MS_PER_CORE else 'does NOT meet'} <= {TARGET_MS_PER_CORE:g} ms/trial/core"
              + (f" (the draws alone cost {draws_ms:.1f} ms/trial of CPU with numba's Generator)" if draws_ms > TARGET_MS_PER_CORE else ""))
    if NCPU > 1:
        print()
        print("Scaling to all threads (wall ms/trial, 1 thread / all threads): "
              + "; ".join(f"{m}: {results[m, 1]['ms'] / results[m, NCPU]['ms']:.2f}x" for m in MODES)
              + f" (ideal {NCPU}x). Draw roofline alone, per-core cost on {NCPU} threads / on 1 thread: "
              + "; ".join(f"{m}: {results[m, NCPU]['roof_ns'] / results[m, 1]['roof_ns']:.2f}" for m in MODES)
              + " (1.00 = perfect scaling).")
    print()
    return results


PHASES = r"""
import json, os, sys, tempfile, time
if sys.argv[1:] == ["no-blas-probe"]:  # numba's first compile/cache load probes BLAS by importing SciPy
    sys.modules["scipy.linalg.cython_blas"] = None
t0 = time.perf_counter()
import simcore.network as net
from simcore.params import Params
t1 = time.perf_counter()
net.simulate_chain(Params(), 100, 0.5, 1, 1)
t2 = time.perf_counter()
net.simulate_chain(Params(), 100, 0.5, 1, 1)
t3 = time.perf_counter()
from simcore.cli import main
with tempfile.TemporaryDirectory() as d:
    argv = ["run", "--a", "100", "--sigma", "0.5", "--trials", "1", "-o", os.path.join(d, "x.nc"), "--quiet"]
    main(argv)
    t4 = time.perf_counter()
    main(argv)
    t5 = time.perf_counter()
print(json.dumps({
    "import simcore.network (numba, numpy)": t1 - t0,
    "1st simulate_chain, 1 trial (kernel from numba's cache + 1 trial)": t2 - t1,
    "2nd simulate_chain, 1 trial (warm)": t3 - t2,
    "1st CLI `run --trials 1` in the same process (its extra imports + packets + output file)": t4 - t3,
    "2nd CLI `run --trials 1` in the same process (warm)": t5 - t4,
}))
"""


def section_processes():
    print("## 4. Fresh-process costs (whole subprocess, wall; one warm-up run, then median of 5)")
    print()
    load = Load()
    env = dict(os.environ)
    env.pop("SYNFIRE_THREADS", None)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x.nc")
        run = [PY, "-m", "simcore", "run", "--a", "100", "--sigma", "0.5"]
        commands = {
            "python -c pass": [PY, "-c", "pass"],
            'python -c "import simcore.network"': [PY, "-c", "import simcore.network"],
            'python -c "import simcore.dataset, xarray"': [PY, "-c", "import simcore.dataset, xarray"],
            "python -m simcore run --a 100 --sigma 0.5 --trials 1 -o x.nc --quiet": run + ["--trials", "1", "-o", out, "--quiet"],
            "python -m simcore run --a 100 --sigma 0.5 --trials 20 -o x.nc --quiet": run + ["--trials", "20", "-o", out, "--quiet"],
        }
        timings = interleaved(
            {name: (lambda cmd=cmd: subprocess.run(cmd, check=True, cwd=ROOT, env=env, capture_output=True))
             for name, cmd in commands.items()})
        phases = {"": [], "no-blas-probe": []}
        for _ in range(3):
            for flag, runs in phases.items():
                done = subprocess.run([PY, "-c", PHASES] + ([flag] if flag else []), check=True, cwd=ROOT, env=env,
                                      capture_output=True, text=True)
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    note = load.stop()
    print("| command | median s | min s |")
    print("|---|---|---|")
    for name, timing in timings.items():
        print(f"| `{name}` | {timing.wall:.3f} | {timing.best:.3f} |")
    print()
    t1 = timings["python -m simcore run --a 100 --sigma 0.5 --trials 1 -o x.nc --quiet"].wall
    t20 = timings["python -m simcore run --a 100 --sigma 0.5 --trials 20 -o x.nc --quiet"].wall
    per_trial = (t20 - t1) / 19
    fixed = t1 - per_trial
    print(f"- marginal cost of a trial inside one job: (t20 - t1) / 19 = {per_trial * 1e3:.1f} ms (wall, all threads);"
          f" fixed cost of a job: t1 - one trial = {fixed:.2f} s = the wall time of ~{fixed / per_trial:.0f} trials.")
    print()
    print("Phases of a fresh process (median of 3 processes):")
    print()
    print("| phase | median s | same, numba's BLAS probe short-circuited |")
    print("|---|---|---|")
    for key in phases[""][0]:
        print(f"| {key} | {statistics.median(p[key] for p in phases['']):.3f} "
              f"| {statistics.median(p[key] for p in phases['no-blas-probe']):.3f} |")
    print()
    print("- BLAS probe: when numba first compiles or loads a kernel it imports numba.np.arraymath, whose"
          " `_check_blas()` imports scipy.linalg.cython_blas (SciPy's linalg stack). The right column sets"
          " `sys.modules['scipy.linalg.cython_blas'] = None` before that (numba then reports no BLAS; no"
          " simcore kernel uses np.dot / np.linalg inside @jit code).")
    print(f"- {note}")
    print()


def section_profile(chain_results):
    print(f"## 5. Where the time goes in the kernel (1 thread, kernel calls only; median (min) of {PROFILE_REPEATS} rounds x {len(PROFILE_TRIALS)} trials)")
    print()
    load = Load()
    table_rng = np.random.Generator(np.random.SFC64(12345))
    table_size = 4099  # prime; 32 KiB of doubles: stays in L1
    empty = np.empty(0)
    rows, summary, checks = [], {}, []
    for mode, params in MODES.items():
        drive = net.Drive.of(params)
        spec = (drive.step.n_normals, drive.lam_exc, drive.lam_inh)
        n_ns = neuron_steps(params)
        table_normal = table_rng.standard_normal(table_size)
        poisson = drive.lam_exc > 0 or drive.lam_inh > 0
        table_poisson = (table_rng.poisson(drive.lam_exc, table_size) - table_rng.poisson(drive.lam_inh, table_size)
                         ).astype(np.float64) if poisson else np.zeros(table_size)
        calls = [KernelCall(params, trial) for trial in PROFILE_TRIALS]

        # correctness first: the inlined generator draws the Generator's stream (same sum, same end state) ...
        g = np.random.Generator(np.random.SFC64(99))
        words = g.bit_generator.state["state"]["state"].copy()
        if roofline_draws(g, 200_000, *spec) != roofline_inline(words, 200_000, *spec) or not np.array_equal(
                words, g.bit_generator.state["state"]["state"]):
            raise SystemExit(f"the inlined SFC64 does not reproduce the Generator's stream ({mode}); fix the bench")
        # ... and every copy of the kernel that claims it reproduces simcore._run does so spike for spike
        kernels = {
            "copy of _run": lambda c, g: run_variant(NOISE_RNG, True, table_normal, table_poisson, g, *c.args()),
            "P1": lambda c, w: run_inline(w, *c.args()),
            "P2": lambda c, w: run_twopass(w, empty, empty, empty, *c.args()),
        }
        for call in calls[:2]:
            ref_generator = call.generator()
            ref = call.result(net._run(ref_generator, *call.args()))
            ref_words = ref_generator.bit_generator.state["state"]["state"]
            for name, kernel in kernels.items():
                if name == "copy of _run":
                    generator = call.generator()
                    got = call.result(kernel(call, generator))
                    words = generator.bit_generator.state["state"]["state"]
                else:
                    words = call.sfc64_words()
                    got = call.result(kernel(call, words))
                same = (np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])
                        and all(np.array_equal(a, b) for a, b in zip(got[2], ref[2])) and np.array_equal(words, ref_words))
                if not same:
                    raise SystemExit(f"bench kernel '{name}' does not reproduce simcore._run ({mode}); fix the bench")
        checks.append(mode)

        variants = {
            "simcore._run (numba Generator draws)": lambda c: net._run(c.generator(), *c.args()),
            "copy of _run (check: same cost)": lambda c: run_variant(NOISE_RNG, True, table_normal, table_poisson, c.generator(), *c.args()),
            "draws -> table look-ups": lambda c: run_variant(NOISE_TABLE, True, table_normal, table_poisson, c.generator(), *c.args()),
            "table look-ups, no spike handling": lambda c: run_variant(NOISE_TABLE, False, table_normal, table_poisson, c.generator(), *c.args()),
            "no noise at all (dynamics + spikes only)": lambda c: run_variant(NOISE_NONE, True, table_normal, table_poisson, c.generator(), *c.args()),
            "P1: inlined SFC64 (bit-identical)": lambda c: run_inline(c.sfc64_words(), *c.args()),
            "P2: inlined SFC64 + 3 passes per group (bit-identical)": lambda c: run_twopass(c.sfc64_words(), empty, empty, empty, *c.args()),
        }
        if poisson:
            accept, keep, other, outside = alias_table(drive.lam_exc, drive.lam_inh)
            variants["P3: P2 + one alias-method Skellam draw (NOT bit-identical)"] = (
                lambda c: run_twopass(c.sfc64_words(), accept, keep, other, *c.args()))
            sample = sample_alias(np.random.SFC64(5).state["state"]["state"].copy(), 2_000_000, accept, keep, other)
            values = np.arange(-12, 15)
            expected = skellam_pmf(drive.lam_exc, drive.lam_inh, values)
            expected = np.concatenate([expected, [1.0 - expected.sum()]]) * sample.size  # last bin: both tails
            observed = np.array([(sample == v).sum() for v in values] + [(np.abs(sample - 1) > 13).sum()])
            chi2 = float(((observed - expected) ** 2 / expected).sum())
            try:
                from scipy.stats import chi2 as chi2_law

                p_value = f", p = {chi2_law.sf(chi2, observed.size - 1):.2f}"
            except ImportError:
                p_value = ""
            alias_check = (f"Alias sampler, 2e6 draws: mean {sample.mean():.4f} (exact {drive.lam_exc - drive.lam_inh:.4f}), "
                           f"variance {sample.var():.4f} (exact {drive.lam_exc + drive.lam_inh:.4f}), "
                           f"chi-square against the Skellam pmf over {observed.size} bins {chi2:.1f} ({observed.size - 1} dof{p_value}); "
                           f"probability mass the 64-value table leaves out: {outside:.1e}")
        spikes = {name: [] for name in variants}

        def timed(name, fn):
            def work():
                spikes[name].clear()
                spikes[name].extend(fn(c) for c in calls)
            return work

        functions = {name: timed(name, fn) for name, fn in variants.items()}
        words = np.random.SFC64(0).state["state"]["state"].copy()
        functions["roofline with the inlined SFC64 (draws only)"] = lambda: [
            roofline_inline(words, n_ns, *spec) for _ in calls]
        timings = interleaved(functions, repeats=PROFILE_REPEATS)
        full = timings["simcore._run (numba Generator draws)"].cpu
        for name, timing in timings.items():
            ms, best = timing.wall / len(calls) * 1e3, timing.best / len(calls) * 1e3
            spk = f"{statistics.mean(spikes[name]):.0f}" if name in spikes else "-"
            cpu = timing.cpu / len(calls) * 1e3
            rows.append(f"| {mode} | {name} | {ms:.2f} ({best:.2f}) | {cpu:.2f} | {spk} | {timing.cpu / full:.0%} |")
        roof_ms = chain_results[mode, 1]["roof_cpu_ns"] * n_ns / 1e6
        rows.append(f"| {mode} | roofline, numba Generator (draws only; from section 1-3) | - | {roof_ms:.2f} | - | "
                    f"{roof_ms / (full / len(calls) * 1e3):.0%} |")
        per = {name: t.cpu / len(calls) * 1e3 for name, t in timings.items()}
        summary[mode] = per
        if poisson:
            summary[mode]["alias_check"] = alias_check
    note = load.stop()
    print("| mode | variant | wall ms/trial: median (min) | CPU ms/trial (median) | spikes/trial | CPU vs simcore._run |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(f"- {note}")
    print(f"- checked before timing, for {', '.join(checks)}: the inlined SFC64 reproduces numba's/NumPy's"
          " Generator stream (normals and Poissons: same sum of 200,000 neuron-steps of draws, same final"
          " state), and the copy of _run, P1 and P2 reproduce simcore._run on 2 trials: same spikes, same"
          " final y, x, U (bit for bit), same final generator state.")
    print("- 'table look-ups' reads pre-drawn variates from a 4099-entry cyclic table (L1-resident): the"
          " dynamics stay in the same regime (see spikes/trial) but the generator's cost is gone.")
    print()
    print("Cost split (1 thread, CPU ms/trial = ns/neuron-step; differences below ~0.3 ms are noise):")
    print()
    for mode, per in summary.items():
        full = per["simcore._run (numba Generator draws)"]
        table = per["draws -> table look-ups"]
        nospk = per["table look-ups, no spike handling"]
        none = per["no noise at all (dynamics + spikes only)"]
        p1 = per["P1: inlined SFC64 (bit-identical)"]
        p2 = per["P2: inlined SFC64 + 3 passes per group (bit-identical)"]
        iroof = per["roofline with the inlined SFC64 (draws only)"]
        line = (f"- {mode}: simcore._run {full:.2f} = drawing from the Generator (full - table) {full - table:.2f}"
                f" + spike handling (table - table without spikes) {table - nospk:.2f} + the rest (update of y, x, U,"
                f" noise terms, loop) {nospk:.2f}; the loop without any noise terms costs {none:.2f}. Prototypes: P1 {p1:.2f} ({full / p1:.2f}x faster),"
                f" P2 {p2:.2f} ({full / p2:.2f}x faster, {p2 / iroof:.2f}x its own inlined-draw roofline of {iroof:.2f})")
        if "P3: P2 + one alias-method Skellam draw (NOT bit-identical)" in per:
            p3 = per["P3: P2 + one alias-method Skellam draw (NOT bit-identical)"]
            line += f", P3 {p3:.2f} ({full / p3:.2f}x faster). {per['alias_check']}"
        print(line + ".")
    print()


def main():
    started = time.perf_counter()
    header()
    results = section_chain()
    section_processes()
    section_profile(results)
    print(f"total bench time: {time.perf_counter() - started:.0f} s; uptime at end: {_sh('uptime')}")


if __name__ == "__main__":
    main()
