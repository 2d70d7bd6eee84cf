"""Brian2 2.9 runner: the synfire chain of Brian2's examples/frompapers/Diesmann_et_al_1999.py.

Run by the Brian2 venv's python; reads a JSON job (see _common.py), prints JSON results.
options.target: "cython" (runtime mode, Cython code generation) or "cpp_standalone".
options.cache_dir (cython): Cython extension cache; a fresh temporary directory makes the first
trial pay the full code generation + compilation (what a new user sees once).

The model is the example's, unchanged where it matters for the comparison:
* dV/dt = (-(V-Vr)+x)/taum, dx/dt = (-x+y)/taupsp,
  dy/dt = -y/taupsp + 25.27 mV/ms + 39.24 mV/ms**0.5 * xi, method='euler' (Euler-Maruyama)
* threshold 'V > Vt', reset 'V = Vr', refractory = 1 ms, and no '(unless refractory)': V keeps
  integrating while refractory (the example's "forgotten clamp"); only new spikes are blocked.
* on_pre 'y += weight', weight = 4.86 mV, all-to-all between successive groups.
Changes to the example: the 5 ms synaptic delay of the paper (the example has none), and the input
packet and the initial state are set per trial from the job (see _common.py):
* input: a NeuronGroup of a_max "input neurons" with an integer variable tstep and threshold
  'timestep(t, dt) == tstep' (-1 = silent), all-to-all onto group 0, no delay. Unlike a
  SpikeGeneratorGroup its spike times are plain variable values, so cpp_standalone can change them
  per run through run_args without a rebuild.

Time-stamp convention: in a Brian2 time step labelled n the state is advanced n -> n+1 and then
thresholds are checked, so a spike labelled n is simcore's step n+1; the runner reports n+1. An
'on_pre' effect without delay from a spike labelled n is applied after that step's update, i.e. it
arrives at simcore's step n+1: an input meant to arrive at step m gets tstep = m-1. With delay d
(= D steps) the effect of a spike labelled n is applied in step n+D -> arrives at n+1+D. Brian's
refractoriness: a neuron that spiked at label n may spike again at label n+10 (simcore: n+11).

cpp_standalone: built once (build_on_run=False, device.build(run=False)), then the binary is run
once per trial with device.run(run_args={P.V: ..., P.x: ..., P.y: ..., inp.tstep: ...}). The
random seed cannot be passed through run_args: no seed() call is compiled in, so Brian2's
standalone RandomGenerator seeds itself from std::random_device at every start of the binary
(independent, not reproducible noise per trial). Cython: the network is built once, store()d,
and per trial restore()d, given the trial's state and packet, seed(trial seed), run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import _common as C
import brian2 as b2  # noqa: E402
import numpy as np  # noqa: E402
from brian2 import ms, mV, second  # noqa: E402

T_IMPORTED = time.time()

EQS_NOISE = """
dV/dt = (-(V-Vr)+x)*(1./taum) : volt
dx/dt = (-x+y)*(1./taupsp) : volt
dy/dt = -y*(1./taupsp)+25.27*mV/ms+(39.24*mV/ms**0.5)*xi : volt
"""
EQS_QUIET = """
dV/dt = (-(V-Vr)+x)*(1./taum) : volt
dx/dt = (-x+y)*(1./taupsp) : volt
dy/dt = -y*(1./taupsp) : volt
"""


def namespace(m: dict, free: bool = False) -> dict:
    return {
        "Vr": m["v_reset"] * mV,
        "Vt": (1e9 if free else m["v_th"]) * mV,
        "taum": m["tau_m"] * ms,
        "taupsp": m["tau_s"] * ms,
        "weight": m["w"] * mV,
    }


class ChainNet:
    """The chain plus input neurons and a spike monitor, built once, run per trial."""

    def __init__(self, m: dict, a_max: int, target: str, workdir: str):
        self.m = m
        self.target = target
        G, W = m["n_groups"], m["group_size"]
        ns = namespace(m)
        self.P = b2.NeuronGroup(
            G * W,
            EQS_NOISE,
            threshold="V > Vt",
            reset="V = Vr",
            refractory=1 * ms,
            method="euler",
            namespace=ns,
            name="P",
        )
        self.inp = b2.NeuronGroup(
            max(1, a_max), "tstep : integer", threshold="timestep(t, dt) == tstep", reset="", namespace={}, name="inp"
        )
        self.inp.tstep = -1
        self.S = b2.Synapses(self.P, self.P, on_pre="y += weight", delay=m["delay"] * ms, namespace=ns, name="S")
        pre = np.repeat(np.arange((G - 1) * W), W)
        post = (pre // W + 1) * W + np.tile(np.arange(W), (G - 1) * W)
        self.S.connect(i=pre, j=post)
        self.Sin = b2.Synapses(self.inp, self.P[:W], on_pre="y += weight", namespace=ns, name="Sin")
        self.Sin.connect()
        self.mon = b2.SpikeMonitor(self.P, name="mon")
        self.net = b2.Network(self.P, self.inp, self.S, self.Sin, self.mon)
        if target == "cpp_standalone":
            self.net.run(m["t_stop"] * ms, namespace={})
            b2.device.build(directory=os.path.join(workdir, "standalone"), compile=True, run=False, with_output=False)
        else:
            self.net.store("init")

    def run(self, y, x, u, tsteps, seed):
        m = self.m
        a_max = int(self.inp.N)
        ts = np.full(a_max, -1, dtype=np.int64)
        ts[: len(tsteps)] = tsteps
        V = (m["v_rest"] + u) * mV
        if self.target == "cpp_standalone":
            b2.device.run(
                run_args={self.P.V: V, self.P.x: x * mV, self.P.y: y * mV, self.inp.tstep: ts}, with_output=False
            )
        else:
            self.net.restore("init")
            self.P.V = V
            self.P.x = x * mV
            self.P.y = y * mV
            self.inp.tstep = ts
            b2.seed(seed)
            self.net.run(m["t_stop"] * ms, namespace={})
        labels = np.rint(np.asarray(self.mon.t[:] / second) * 1e3 / m["dt"]).astype(np.int64)
        return labels + 1, np.asarray(self.mon.i[:], dtype=np.int64)


def trial_seed(seed, a, sigma, trial):
    return (seed * 1_000_003 + a * 10_007 + C.sigma_key(sigma) // 1000 + trial * 7) & 0x7FFFFFFF


def run_chain_tasks(m: dict, tasks: list, target: str, workdir: str) -> list:
    """All chain tasks of the job on one network (one build for cpp_standalone)."""
    a_max = max(int(t["a"]) for t in tasks)
    t0 = time.perf_counter()
    net = ChainNet(m, a_max, target, workdir)
    build_s = time.perf_counter() - t0
    C.log(f"brian2[{target}]: network built in {build_s:.2f} s")

    def simulate(input_steps, y, x, u, trial):
        return net.run(y, x, u, input_steps - 1, trial_seed(task["seed"], task["a"], task["sigma"], trial))

    results = []
    for task in tasks:
        results.append(C.chain_trials(m, task, simulate))
    results[0]["network_build_s"] = build_s
    return results


def run_psp(m: dict) -> dict:
    ns = namespace(m)
    P = b2.NeuronGroup(
        1, EQS_QUIET, threshold="V > Vt", reset="V = Vr", refractory=1 * ms, method="euler", namespace=ns
    )
    P.V = m["v_rest"] * mV
    arrival = 10
    inp = b2.NeuronGroup(1, "tstep : integer", threshold="timestep(t, dt) == tstep", reset="", namespace={})
    inp.tstep = arrival - 1
    S = b2.Synapses(inp, P, on_pre="y += weight", namespace=ns)
    S.connect()
    st = b2.StateMonitor(P, "V", record=0)
    net = b2.Network(P, inp, S, st)
    net.run(60 * ms, namespace={})
    v = np.asarray(st.V[0] / mV) - m["v_rest"]
    i = int(np.argmax(v))
    return {"peak_mv": float(v[i]), "t_peak_ms": float((i - arrival) * m["dt"])}


def run_background(m: dict, task: dict) -> dict:
    t0 = time.perf_counter()
    n, duration, burn_in = int(task["neurons"]), float(task["duration"]), float(task["burn_in"])
    free = bool(task.get("free", False))
    ns = namespace(m, free)
    P = b2.NeuronGroup(
        n, EQS_NOISE, threshold="V > Vt", reset="V = Vr", refractory=1 * ms, method="euler", namespace=ns
    )
    rng = C.generator(task["seed"], 99, int(free))
    y, x, u = C.draw_initial_state(rng, m, n)
    P.V = (m["v_rest"] + u) * mV
    P.x = x * mV
    P.y = y * mV
    b2.seed(int(task["seed"]) * 31 + int(free))
    net = b2.Network(P)
    net.run(burn_in * ms, namespace={})
    mon = b2.SpikeMonitor(P)
    st = b2.StateMonitor(P, "V", record=True, dt=float(task.get("v_interval", 10.0)) * ms)
    net.add(mon, st)
    net.run(duration * ms, namespace={})
    spikes = int(mon.num_spikes)
    v = np.asarray(st.V / mV)
    return {
        "free": free,
        "neurons": n,
        "duration_ms": duration,
        "spikes": spikes,
        "rate_hz": spikes / (n * duration * 1e-3),
        "v_mean_mv": float(v.mean()),
        "v_sd_mv": float(v.std()),
        "wall_s": time.perf_counter() - t0,
    }


def main() -> None:
    job = C.read_job()
    m, options = job["model"], job.get("options", {})
    target = options.get("target", "cython")
    workdir = tempfile.mkdtemp(prefix="brian2_peer_")
    b2.prefs.codegen.cpp.extra_compile_args_gcc = list(b2.prefs.codegen.cpp.extra_compile_args_gcc)
    b2.defaultclock.dt = m["dt"] * ms
    if target == "cpp_standalone":
        b2.set_device("cpp_standalone", build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j1"]
    else:
        b2.prefs.codegen.target = "cython"
        cache = options.get("cache_dir")
        if cache == "fresh":
            cache = os.path.join(workdir, "cython_cache")
        if cache:
            b2.prefs.codegen.runtime.cython.cache_dir = cache
    results = []
    chain_tasks = [t for t in job["tasks"] if t["kind"] == "chain"]
    other = [t for t in job["tasks"] if t["kind"] != "chain"]
    if other and target == "cpp_standalone":
        raise ValueError("psp/background tasks run with the cython target only")
    try:
        for task in other:
            t0 = time.perf_counter()
            r = run_psp(m) if task["kind"] == "psp" else run_background(m, task)
            results.append(C.finish_task(r, task, t0))
            C.log(f"brian2: {task['kind']} done in {r['task_wall_s']:.2f} s")
        if chain_tasks:
            results.extend(run_chain_tasks(m, chain_tasks, target, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    import Cython

    versions = {"brian2": b2.__version__, "numpy": np.__version__, "cython": Cython.__version__}
    C.write_results("brian2", versions, T_IMPORTED, results, target=target)


if __name__ == "__main__":
    main()
