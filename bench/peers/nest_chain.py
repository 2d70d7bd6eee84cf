"""NEST 3.10 runner: the 10 x 100 synfire chain with iaf_psc_alpha (exact integration).

Run by the NEST venv's python; reads a JSON job (see _common.py), prints JSON results.

Model mapping (simcore's y/x/U form -> NEST's current form):
* iaf_psc_alpha: C_m dV/dt = -(V - E_L) C_m / tau_m + I, I = alpha current of peak J per spike,
  I(t) = J (e / tau_s) t exp(-t / tau_s). With x = I tau_m / C_m this is simcore's
  dU/dt = (-U + x) / tau_m, and one spike gives x(t) = w (t / tau_s) exp(-t / tau_s) for
  J = C_m w / (e tau_m) = 44.70 pA (w = 4.86 mV, C_m = 250 pF): the 1/e-peak kernel of the seeds.
* E_L = V_reset = -70 mV, V_th = -55 mV, t_ref = 1 ms (V clamped to V_reset, the current keeps
  evolving), tau_syn_ex = tau_syn_in = 0.325 ms, resolution 0.1 ms, one thread.
* Background: two poisson_generators (independent trains per target) with weights +J and -J, rates
  nu_e = (s^2/w^2 + mu/w)/2 and nu_i = (s^2/w^2 - mu/w)/2 (per ms; peers.py computes them), i.e.
  the y jump process of +-w whose mean and variance per unit time equal the diffusion's mu and s^2.
* Chain: all_to_all between successive groups, weight J, delay 5 ms; input: one spike_generator
  holding the packet's a spike times (repeats allowed) -> every neuron of group 0, delay one step
  (spike_generator time = arrival - dt, so the packet arrives at the drawn grid time as in simcore).
* Initial state: iaf_psc_alpha's synaptic currents cannot be set (only V_m), so they start at 0
  and V_m is drawn from the stationary law of U plus the offset that the missing mean current would
  have built up, c = (x* / tau_m) (1/a + 1/(tau_s a^2)), a = 1/tau_s - 1/tau_m (0.56 mV): after
  the ~1 ms transient of the current the mean of V is the stationary one (residual << 0.01 mV
  at t0 = 20 ms); V_m above threshold after the offset is redrawn.
* A new kernel per trial (ResetKernel), rng_seed = f(seed, a, sigma, trial).
"""

from __future__ import annotations

import math
import os
import time

import _common as C

os.environ.setdefault("PYNEST_QUIET", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import nest  # noqa: E402
import numpy as np  # noqa: E402

T_IMPORTED = time.time()
try:
    nest.verbosity = nest.VerbosityLevel.ERROR
except AttributeError:  # older NEST
    nest.set_verbosity("M_ERROR")


def neuron_params(m: dict, free: bool = False) -> dict:
    return {
        "C_m": m["C_m"],
        "tau_m": m["tau_m"],
        "E_L": m["v_rest"],
        "V_reset": m["v_reset"],
        "V_th": 1e9 if free else m["v_th"],
        "t_ref": m["t_ref"],
        "tau_syn_ex": m["tau_s"],
        "tau_syn_in": m["tau_s"],
        "I_e": 0.0,
    }


def peak_current(m: dict) -> float:
    return m["C_m"] * m["w"] / (math.e * m["tau_m"])


def start_offset(m: dict) -> float:
    """V offset compensating the mean synaptic current that starts at 0 instead of x* (mV)."""
    x_star = m["init_mean"][1]
    a = 1.0 / m["tau_s"] - 1.0 / m["tau_m"]
    return x_star / m["tau_m"] * (1.0 / a + 1.0 / (m["tau_s"] * a * a))


def initial_v(rng, m: dict, n: int) -> np.ndarray:
    """V_m (mV) per neuron: stationary U + start offset, below threshold."""
    u_th = m["v_th"] - m["v_rest"]
    offset = start_offset(m)
    _, _, u = C.draw_initial_state(rng, m, n)
    u = u + offset
    for _ in range(100):
        above = np.flatnonzero(u >= u_th)
        if above.size == 0:
            break
        _, _, redraw = C.draw_initial_state(rng, m, above.size)
        u[above] = redraw + offset
    u[u >= u_th] = m["v_reset"] - m["v_rest"]
    return m["v_rest"] + u


def reset_kernel(m: dict, seed: int) -> None:
    nest.ResetKernel()
    nest.set(resolution=m["dt"], local_num_threads=1, rng_seed=int(seed) % (2**31 - 2) + 1, print_time=False)


def add_background(m: dict, targets) -> None:
    if m.get("background", "poisson") == "none":
        return
    J = peak_current(m)
    pg_e = nest.Create("poisson_generator", params={"rate": m["nu_e_khz"] * 1e3})
    pg_i = nest.Create("poisson_generator", params={"rate": m["nu_i_khz"] * 1e3})
    nest.Connect(pg_e, targets, "all_to_all", {"weight": J, "delay": m["dt"]})
    nest.Connect(pg_i, targets, "all_to_all", {"weight": -J, "delay": m["dt"]})


def run_psp(m: dict, task: dict) -> dict:
    reset_kernel(m, 1)
    neuron = nest.Create("iaf_psc_alpha", params=neuron_params(m))
    arrival_step = 10
    sg = nest.Create("spike_generator", params={"spike_times": [(arrival_step - 1) * m["dt"]]})
    nest.Connect(sg, neuron, "all_to_all", {"weight": peak_current(m), "delay": m["dt"]})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": m["dt"]})
    nest.Connect(mm, neuron)
    nest.Simulate(60.0)
    ev = mm.events
    steps = np.rint(np.asarray(ev["times"]) / m["dt"]).astype(int)
    v = np.asarray(ev["V_m"]) - m["v_rest"]
    i = int(np.argmax(v))
    return {"peak_mv": float(v[i]), "t_peak_ms": float((steps[i] - arrival_step) * m["dt"])}


def run_background(m: dict, task: dict) -> dict:
    t0 = time.perf_counter()
    n, duration, burn_in = int(task["neurons"]), float(task["duration"]), float(task["burn_in"])
    free = bool(task.get("free", False))
    reset_kernel(m, task["seed"] * 7919 + 17 + int(free))
    rng = C.generator(task["seed"], 99, int(free))
    neurons = nest.Create("iaf_psc_alpha", n, params=neuron_params(m, free))
    neurons.V_m = initial_v(rng, m, n)
    add_background(m, neurons)
    sr = nest.Create("spike_recorder", params={"start": burn_in})
    nest.Connect(neurons, sr)
    interval = float(task.get("v_interval", 10.0))
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": interval, "start": burn_in})
    nest.Connect(mm, neurons)
    nest.Simulate(burn_in + duration)
    spikes = int(sr.n_events)
    v = np.asarray(mm.events["V_m"])
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


def run_chain_trial(m: dict, a: int, sigma: float, seed: int, trial: int, keep: bool) -> dict:
    t_start = time.perf_counter()
    G, W = m["n_groups"], m["group_size"]
    rng = C.generator(seed, 0, a, C.sigma_key(sigma), trial)
    input_steps = C.draw_packet_steps(rng, m, a, sigma)
    v0 = initial_v(rng, m, G * W)
    reset_kernel(m, (seed * 1_000_003 + a * 10_007 + C.sigma_key(sigma) // 1000 + trial * 7) & 0x7FFFFFFF)
    J = peak_current(m)
    neurons = nest.Create("iaf_psc_alpha", G * W, params=neuron_params(m))
    neurons.V_m = v0
    first_id = neurons[0].global_id
    add_background(m, neurons)
    for k in range(G - 1):
        nest.Connect(
            neurons[k * W : (k + 1) * W],
            neurons[(k + 1) * W : (k + 2) * W],
            "all_to_all",
            {"weight": J, "delay": m["delay"]},
        )
    if a > 0:
        sg = nest.Create("spike_generator", params={"spike_times": ((input_steps - 1) * m["dt"]).round(10).tolist()})
        nest.Connect(sg, neurons[:W], "all_to_all", {"weight": J, "delay": m["dt"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, sr)
    t_built = time.perf_counter()
    nest.Simulate(m["t_stop"])
    t_simulated = time.perf_counter()
    ev = sr.events
    steps = np.rint(np.asarray(ev["times"]) / m["dt"]).astype(np.int64)
    ids = np.asarray(ev["senders"], dtype=np.int64) - first_id
    out = {
        "wall_s": t_simulated - t_start,
        "t_end": time.time(),
        "build_s": t_built - t_start,
        "simulate_s": t_simulated - t_built,
        "n_spikes": int(steps.size),
    }
    if keep:
        out.update(C.spikes_to_json(steps, ids))
        out["input_steps"] = input_steps.tolist()
    return out


def run_chain(m: dict, task: dict) -> dict:
    a, sigma, seed = int(task["a"]), float(task["sigma"]), int(task["seed"])
    keep = bool(task.get("keep_spikes", True))
    trials = []
    for trial in range(int(task["trials"])):
        trials.append(run_chain_trial(m, a, sigma, seed, trial, keep))
    return {"a": a, "sigma": sigma, "seed": seed, "trials": trials, "t_done": time.time()}


def main() -> None:
    job = C.read_job()
    m = job["model"]
    results = []
    for task in job["tasks"]:
        kind = task["kind"]
        t0 = time.perf_counter()
        if kind == "psp":
            r = run_psp(m, task)
        elif kind == "background":
            r = run_background(m, task)
        elif kind == "chain":
            r = run_chain(m, task)
        else:
            raise ValueError(f"unknown task kind {kind!r}")
        results.append(C.finish_task(r, task, t0))
        C.log(f"nest: {kind} done in {r['task_wall_s']:.2f} s")
    C.write_results(
        "nest", {"nest": nest.__version__, "numpy": np.__version__}, T_IMPORTED, results, env=C.env_summary()
    )


if __name__ == "__main__":
    main()
