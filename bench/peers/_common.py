"""Helpers shared by the peer runners (stdlib + NumPy only: imported by every peer's own venv).

Protocol: a runner reads one JSON job from stdin (or from the file named by argv[1]) and prints one
JSON object on stdout (and nothing else there; logs go to stderr). The job is

    {"model": {...},           # the chain's parameters, see MODEL below (peers.py fills it in)
     "options": {...},         # runner-specific (e.g. Brian2's target)
     "tasks": [ {...}, ... ]}  # kind = psp | background | chain

and the answer {"peer": ..., "versions": {...}, "t_process_start": ..., "t_imported": ...,
"results": [one dict per task, in order]}.

Conventions every runner follows, so that peers.py can treat all systems alike:
* Time is reported as integer grid steps in simcore's convention: the state at step n is the state
  at t = n dt after the update n-1 -> n; a spike "at step n" is a threshold crossing found in that
  update; an input spike "arriving at step n" has been added to y (the synaptic drive) in that
  update. A spike of group k at step n arrives at group k+1 at step n + delay/dt.
* Neuron ids are global: group * group_size + index.
* The input packet: a spike times ~ N(t0, sigma^2), rounded to the grid (rint), draws outside
  [1, n_steps] redrawn (simcore.network.draw_packet_steps); every spike reaches every neuron of
  group 0.
* Initial state of every trial: (y, x, U = V - v_rest) drawn from the stationary law of the free
  membrane that peers.py computes with simcore for the matching mode (mean + lower Cholesky
  factor), redrawn while U >= threshold, exactly as simcore's initial_state="stationary".
"""

from __future__ import annotations

import json
import math
import os
import sys
import time

T_PROCESS_START = time.time()

import numpy as np  # noqa: E402


def read_job() -> dict:
    if len(sys.argv) > 1 and sys.argv[1] != "-":
        with open(sys.argv[1]) as f:
            return json.load(f)
    return json.load(sys.stdin)


def write_answer(answer: dict) -> None:
    answer.setdefault("t_process_start", T_PROCESS_START)
    sys.stdout.write(json.dumps(answer, separators=(",", ":")))
    sys.stdout.write("\n")
    sys.stdout.flush()


def write_results(peer: str, versions: dict, t_imported: float, results: list, **settings) -> None:
    """The runner's answer: who ran, with which settings and versions, and the task results."""
    write_answer({"peer": peer, **settings, "versions": versions, "t_imported": t_imported, "results": results})


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def n_steps(model: dict) -> int:
    return int(round(model["t_stop"] / model["dt"]))


def generator(seed: int, *key: int) -> np.random.Generator:
    """An independent NumPy stream per (seed, key...) for the runner's own draws (packet, state)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=tuple(int(k) for k in key))))


def sigma_key(sigma: float) -> int:
    return int(round(float(sigma) * 1e6))


def draw_packet_steps(rng: np.random.Generator, model: dict, a: int, sigma: float) -> np.ndarray:
    """a spike steps ~ rint(N(t0, sigma^2) / dt) in [1, n_steps] (simcore's rule), ascending."""
    total = n_steps(model)
    steps = np.empty(0, dtype=np.int64)
    while steps.size < a:
        times = model["t0"] + sigma * rng.standard_normal(a - steps.size)
        drawn = np.rint(times / model["dt"]).astype(np.int64)
        steps = np.concatenate([steps, drawn[(drawn >= 1) & (drawn <= total)]])
    return np.sort(steps)


def draw_initial_state(rng: np.random.Generator, model: dict, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(y, x, U) for n neurons from the stationary law given in the job (U = V - v_rest, mV)."""
    mean = np.asarray(model["init_mean"], dtype=float)
    factor = np.asarray(model["init_factor"], dtype=float)
    u_th = model["v_th"] - model["v_rest"]
    state = mean + rng.standard_normal((n, 3)) @ factor.T
    for _ in range(100):
        above = np.flatnonzero(state[:, 2] >= u_th)
        if above.size == 0:
            break
        state[above] = mean + rng.standard_normal((above.size, 3)) @ factor.T
    state[state[:, 2] >= u_th, 2] = model["v_reset"] - model["v_rest"]
    return state[:, 0].copy(), state[:, 1].copy(), state[:, 2].copy()


def spikes_to_json(steps, neurons) -> dict:
    steps = np.asarray(steps, dtype=np.int64)
    neurons = np.asarray(neurons, dtype=np.int64)
    order = np.lexsort((neurons, steps))
    return {"steps": steps[order].tolist(), "neurons": neurons[order].tolist()}


def median(values) -> float:
    values = list(values)
    return float(np.median(values)) if values else math.nan


def env_summary() -> dict:
    return {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "PYNEST_QUIET") if os.environ.get(k)}


def finish_task(result: dict, task: dict, started: float) -> dict:
    """Stamp a task's result with its kind, label and timing (the same in every runner)."""
    result.update(
        kind=task["kind"], label=task.get("label"), task_wall_s=time.perf_counter() - started, t_done=time.time()
    )
    return result


def chain_trials(m: dict, task: dict, simulate) -> dict:
    """Run a chain task's trials: simcore's input packet and initial state per trial, then
    simulate(input_steps, y, x, u, trial) -> (spike steps, neuron ids) in the protocol's convention."""
    a, sigma, seed = int(task["a"]), float(task["sigma"]), int(task["seed"])
    keep = bool(task.get("keep_spikes", True))
    trials = []
    for trial in range(int(task["trials"])):
        started = time.perf_counter()
        rng = generator(seed, 0, a, sigma_key(sigma), trial)
        input_steps = draw_packet_steps(rng, m, a, sigma)
        y, x, u = draw_initial_state(rng, m, m["n_groups"] * m["group_size"])
        steps, ids = simulate(input_steps, y, x, u, trial)
        out = {"wall_s": time.perf_counter() - started, "t_end": time.time(), "n_spikes": int(len(steps))}
        if keep:
            out.update(spikes_to_json(steps, ids))
            out["input_steps"] = input_steps.tolist()
        trials.append(out)
    return {
        "kind": "chain",
        "label": task.get("label"),
        "a": a,
        "sigma": sigma,
        "seed": seed,
        "trials": trials,
        "t_done": time.time(),
    }
