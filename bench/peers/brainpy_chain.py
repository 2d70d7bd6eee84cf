"""BrainPy runner (2.8 and 2.9): the synfire chain of BrainPy's Diesmann et al. (1999) example.

Run by the BrainPy venv's python; reads a JSON job (see _common.py), prints JSON results.

The example's model (``Groups`` + ``SynBetweenGroups``) ported to BrainPy 2.8 (bp.DynamicalSystem,
bp.odeint / bp.sdeint with method 'euler', bm.LengthDelay, bm.for_loop inside bm.jit), on JAX/CPU
in float64 (bm.enable_x64()) or, with options.dtype = "float32", in BrainPy's default float32:
* per step: x <- Euler(x; y), y <- Euler-Maruyama(y) (drift -y/tau_s + 25.27 mV/ms, noise
  39.24 mV/sqrt(ms)), V <- Euler(V; x). options.order = "simcore" (default) feeds V the x of the
  previous step, i.e. plain forward Euler of the whole state as simcore's euler integrator does;
  "seed" feeds V the x just computed, as the example does. The two maps differ by a one-step shift
  of x into V: same PSP peak and stationary law, 0.1 ms less latency per group for "seed".
* refractoriness: V clamped at V_r for t_ref/dt = 10 steps after a spike (an integer counter
  instead of the example's float test (t - t_last) < tau_ref, which depends on rounding);
  threshold V >= V_t, reset V_r.
* synapses: the number of spikes of group k, times w, is added to y of every neuron of group k+1
  after the delay, through a bm.LengthDelay of per-group spike counts. The delayed spikes are
  added to y after the neuron update (as simcore and NEST do; the example adds them before the
  update, one more step of lead, not reproduced here).
* the delay index: LengthDelay.retrieve(k) read BEFORE this step's update() returns the value
  pushed k+1 steps ago, i.e. one step later than the index suggests: retrieve(D) with
  D = delay/dt would give a 5.1 ms delay. options.delay_index = "corrected" (default) reads
  retrieve(D - 1) for a true 5.0 ms delay; "naive" reads retrieve(D) (to demonstrate the offset).
* input packet: counts per step (the a drawn spike times on the grid) as the scanned operand;
  each counted spike adds w to y of every neuron of group 0 at its arrival step.
The compiled function is traced once per shape and reused for every trial (new state, new
packet, new bm.random seed): the first trial pays the JIT compilation, later ones do not.
"""

from __future__ import annotations

import os
import time

import _common as C

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402
import jax  # noqa: E402
import numpy as np  # noqa: E402

T_IMPORTED = time.time()
bm.set_platform("cpu")


class Chain(bp.DynamicalSystem):
    """n_groups x group_size LIF neurons, alpha synapses (x, y), delayed group-to-group drive."""

    def __init__(
        self,
        m: dict,
        n_groups: int,
        group_size: int,
        delay_index: str = "corrected",
        noise: bool = True,
        v_th: float | None = None,
        order: str = "simcore",
    ):
        super().__init__()
        self.G, self.W = n_groups, group_size
        N = n_groups * group_size
        self.Vr, self.Vt = m["v_reset"], m["v_th"] if v_th is None else v_th
        self.w = m["w"]
        self.ref_steps = int(round(m["t_ref"] / m["dt"]))
        self.D = int(round(m["delay"] / m["dt"]))
        self.k = self.D - 1 if delay_index == "corrected" else self.D
        self.order = order
        tau_m, tau_s, mu, s = m["tau_m"], m["tau_s"], m["mu"], m["s"]
        Vr = self.Vr
        self.V = bm.Variable(bm.zeros(N) + Vr)
        self.x = bm.Variable(bm.zeros(N))
        self.y = bm.Variable(bm.zeros(N))
        self.ref = bm.Variable(bm.zeros(N, dtype=bm.int32))
        self.spike = bm.Variable(bm.zeros(N, dtype=bool))
        self.delay = bm.LengthDelay(bm.zeros(n_groups), delay_len=self.D)
        self.int_V = bp.odeint(lambda V, t, x: (-(V - Vr) + x) / tau_m, method="euler")
        self.int_x = bp.odeint(lambda x, t, y: (-x + y) / tau_s, method="euler")
        if noise:
            self.int_y = bp.sdeint(f=lambda y, t: -y / tau_s + mu, g=lambda y, t: s, method="euler")
        else:
            self.int_y = bp.odeint(lambda y, t: -y / tau_s, method="euler")

    def update(self, input_count):
        t, dt = bp.share["t"], bp.share["dt"]
        delayed = self.delay.retrieve(self.k)  # spikes per group, emitted delay ago
        arriving = bm.concatenate([bm.asarray([input_count], dtype=delayed.dtype), delayed[:-1]])
        jump = self.w * bm.repeat(arriving, self.W)
        x = self.int_x(self.x.value, t, self.y.value, dt)
        y = self.int_y(self.y.value, t, dt) + jump
        # the example's order: V sees the new x; "simcore": V sees the old x (plain forward Euler)
        V = self.int_V(self.V.value, t, x if self.order == "seed" else self.x.value, dt)
        refractory = self.ref.value > 0
        V = bm.where(refractory, self.Vr, V)
        spike = bm.logical_and(bm.logical_not(refractory), self.Vt <= V)
        self.V.value = bm.where(spike, self.Vr, V)
        self.ref.value = bm.where(spike, self.ref_steps, bm.maximum(self.ref.value - 1, 0))
        self.x.value = x
        self.y.value = y
        self.spike.value = spike
        self.delay.update(spike.reshape(self.G, self.W).sum(axis=1).astype(delayed.dtype))
        return spike


class Runner:
    """Builds the jitted 'simulate one trial' function once; run() resets state and calls it."""

    def __init__(self, m: dict, chain: Chain, record_v: bool = False, record: str = "V"):
        self.m, self.chain = m, chain
        dt = m["dt"]
        self.n = C.n_steps(m)
        self.record_v = record_v

        def body(i, count):
            bp.share.save(i=i, t=i * dt, dt=dt)
            spike = chain.update(count)
            if record_v:
                return spike, (chain.V.value if record == "V" else chain.y.value)
            return spike

        @bm.jit
        def simulate(counts):
            steps = bm.arange(1, counts.shape[0] + 1)
            return bm.for_loop(body, (steps, counts))

        self.simulate = simulate

    def run(self, y, x, u, input_counts, seed):
        ch = self.chain
        ch.V.value = bm.asarray(self.m["v_rest"] + u)
        ch.x.value = bm.asarray(x)
        ch.y.value = bm.asarray(y)
        ch.ref.value = bm.zeros_like(ch.ref.value)
        ch.delay.reset(bm.zeros(ch.G), ch.D)
        bm.random.seed(int(seed))
        out = self.simulate(bm.asarray(np.asarray(input_counts, dtype=ch.V.value.dtype)))
        if self.record_v:
            spikes, v = out
            return np.asarray(spikes), np.asarray(v)
        return np.asarray(out), None


def trial_seed(seed, a, sigma, trial):
    return (seed * 1_000_003 + a * 10_007 + C.sigma_key(sigma) // 1000 + trial * 7) & 0x7FFFFFFF


def run_psp(m: dict) -> dict:
    chain = Chain(m, 1, 1, noise=False)
    runner = Runner(m, chain, record_v=True)
    arrival = 10
    counts = np.zeros(int(round(60.0 / m["dt"])))
    counts[arrival - 1] = 1  # operand i-1 is used in the update to step i
    _, v = runner.run(np.zeros(1), np.zeros(1), np.zeros(1), counts, 0)
    v = v[:, 0] - m["v_rest"]
    i = int(np.argmax(v))  # v[i] is the state at step i + 1
    return {"peak_mv": float(v[i]), "t_peak_ms": float((i + 1 - arrival) * m["dt"])}


def run_delay_probe(m: dict, delay_index: str) -> dict:
    """Two groups of one noise-free neuron: when does neuron 0's spike reach neuron 1's y?"""
    chain = Chain(m, 2, 1, delay_index=delay_index, noise=False)
    runner = Runner(m, chain, record_v=True, record="y")
    counts = np.zeros(int(round(30.0 / m["dt"])))
    counts[9] = 300  # a kick (300 x 0.14 mV) that makes neuron 0 fire within a few steps
    spikes, y = runner.run(np.zeros(2), np.zeros(2), np.zeros(2), counts, 0)
    spike_step = int(np.flatnonzero(spikes[:, 0])[0]) + 1
    dy = np.diff(np.concatenate([[0.0], y[:, 1]]))
    jump_step = int(np.flatnonzero(dy > 0.5 * m["w"])[0]) + 1
    return {
        "delay_index": delay_index,
        "spike_step": spike_step,
        "arrival_step": jump_step,
        "delay_ms": (jump_step - spike_step) * m["dt"],
        "retrieve_index": chain.k,
    }


def run_background(m: dict, task: dict) -> dict:
    """n isolated neurons (one group, no chain input) for burn_in + duration; rate and V statistics."""
    t0 = time.perf_counter()
    n, duration, burn_in = int(task["neurons"]), float(task["duration"]), float(task["burn_in"])
    free = bool(task.get("free", False))
    mm = dict(m, t_stop=burn_in + duration)
    chain = Chain(mm, 1, n, v_th=1e9 if free else None)
    first = int(round(burn_in / m["dt"]))

    def body(i, count):
        bp.share.save(i=i, t=i * mm["dt"], dt=mm["dt"])
        spike = chain.update(count)
        V = chain.V.value
        return spike.sum(), V.sum(), (V * V).sum()

    @bm.jit
    def simulate(counts):
        return bm.for_loop(body, (bm.arange(1, counts.shape[0] + 1), counts))

    rng = C.generator(task["seed"], 99, int(free))
    y, x, u = C.draw_initial_state(rng, m, n)
    chain.V.value = bm.asarray(m["v_rest"] + u)
    chain.x.value = bm.asarray(x)
    chain.y.value = bm.asarray(y)
    bm.random.seed(int(task["seed"]) * 31 + int(free))
    counts, s1, s2 = (np.asarray(a) for a in simulate(bm.zeros(C.n_steps(mm))))
    samples = n * (counts.size - first)
    mean = float(s1[first:].sum() / samples)
    sd = float(np.sqrt(max(0.0, s2[first:].sum() / samples - mean * mean)))
    count = int(counts[first:].sum())
    return {
        "free": free,
        "neurons": n,
        "duration_ms": duration,
        "spikes": count,
        "rate_hz": count / (n * duration * 1e-3),
        "v_mean_mv": mean,
        "v_sd_mv": sd,
        "wall_s": time.perf_counter() - t0,
    }


def run_chain_tasks(m: dict, tasks: list, delay_index: str, order: str) -> list:
    chain = Chain(m, m["n_groups"], m["group_size"], delay_index=delay_index, order=order)
    runner = Runner(m, chain)

    def simulate(input_steps, y, x, u, trial):
        counts = np.bincount(input_steps - 1, minlength=runner.n)[: runner.n]
        raster, _ = runner.run(y, x, u, counts, trial_seed(task["seed"], task["a"], task["sigma"], trial))
        rows, ids = np.nonzero(raster)
        return rows + 1, ids

    results = []
    for task in tasks:
        results.append(C.chain_trials(m, task, simulate))
    return results


def main() -> None:
    job = C.read_job()
    m, options = job["model"], job.get("options", {})
    if options.get("dtype", "float64") == "float64":
        bm.enable_x64()  # else BrainPy's default, float32 states and noise
    delay_index = options.get("delay_index", "corrected")
    order = options.get("order", "simcore")
    results = []
    chain_tasks = [t for t in job["tasks"] if t["kind"] == "chain"]
    for task in job["tasks"]:
        if task["kind"] == "chain":
            continue
        t0 = time.perf_counter()
        if task["kind"] == "psp":
            r = run_psp(m)
        elif task["kind"] == "delay_probe":
            r = run_delay_probe(m, task.get("delay_index", delay_index))
        else:
            r = run_background(m, task)
        results.append(C.finish_task(r, task, t0))
        C.log(f"brainpy: {task['kind']} done in {r['task_wall_s']:.2f} s")
    if chain_tasks:
        results.extend(run_chain_tasks(m, chain_tasks, delay_index, order))
    versions = {
        "brainpy": bp.__version__,
        "jax": jax.__version__,
        "numpy": np.__version__,
        "dtype": options.get("dtype", "float64"),
    }
    C.write_results("brainpy", versions, T_IMPORTED, results, delay_index=delay_index, order=order)


if __name__ == "__main__":
    main()
