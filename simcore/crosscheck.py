"""Optional cross-check of the survival sweep in NEST (config key `nest_crosscheck`, off by default).

NEST 3.10 runs in its own virtual environment (`make bench-peers`), through the runner
bench/peers/nest_chain.py (iaf_psc_alpha, exact integration; background as two Poisson generators
of +-J whose rates give the diffusion's mean and variance; see bench/peers/README.md). Its spikes are
measured with simcore's own packet rule, so both systems are judged by the same estimator.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from .network import Drive, TrialSpikes
from .packets import extract_packets
from .params import Params

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "bench" / "peers" / "nest_chain.py"
NEST_PYTHON = ROOT / "bench" / "peers" / ".venvs" / "nest" / "bin" / "python"
C_M = 250.0  # pF: NEST's membrane capacitance; only J = C_m w / (e tau_m) depends on it


def diffusion_rates(params: Params) -> tuple[float, float]:
    """(nu_e, nu_i) in kHz of +-w jumps whose mean and variance per ms equal mu and s^2."""
    variance, mean = params.s**2 / params.w**2, params.mu / params.w
    return (variance + mean) / 2.0, (variance - mean) / 2.0


def nest_model(params: Params) -> dict:
    """The runner's "model" block for the diffusion-background chain of the pipeline's cross-check."""
    if params.background != "diffusion" or params.integrator != "exact" or params.kernel != "one_over_e_peak":
        raise ValueError("the NEST cross-check mirrors the default model: exact integration, diffusion "
                         "background, one_over_e_peak kernel")
    return runner_model(params)


def runner_model(params: Params) -> dict:
    """The "model" block of a peer runner's job (bench/peers/_common.py): the chain's parameters,
    NEST's background rates and the stationary initial law of `params`."""
    drive = Drive.of(params)
    nu_e, nu_i = diffusion_rates(params)
    return dict(
        tau_m=params.tau_m, v_rest=params.v_rest, v_reset=params.v_reset, v_th=params.v_threshold,
        t_ref=params.t_ref, tau_s=params.tau_s, w=params.w, delay=params.delay, dt=params.dt,
        t_stop=params.t_stop, t0=params.t0, n_groups=params.n_groups, group_size=params.group_size,
        mu=params.mu, s=params.s, C_m=C_M, nu_e_khz=nu_e, nu_i_khz=nu_i,
        init_mean=drive.mean.tolist(), init_factor=drive.cov_factor.tolist(),
    )


def run_nest_point(params: Params, a: int, sigma: float, trials: int, seed: int, timeout: float = 3600):
    """(a_out, sigma_out, t_out) arrays (trial, group) of NEST trials, measured by simcore.packets."""
    if not NEST_PYTHON.exists():
        raise RuntimeError(f"NEST is not installed ({NEST_PYTHON} missing): run `make bench-peers` first")
    job = {"model": nest_model(params), "options": {},
           "tasks": [{"kind": "chain", "a": int(a), "sigma": float(sigma), "trials": int(trials),
                      "seed": int(seed), "label": "pipeline", "keep_spikes": True}]}
    done = subprocess.run([str(NEST_PYTHON), str(RUNNER)], input=json.dumps(job), capture_output=True,
                          text=True, cwd=RUNNER.parent, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"NEST runner failed: {done.stderr.strip().splitlines()[-1:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])["results"][0]
    trials_spikes = [
        TrialSpikes(np.asarray(t["steps"], np.int64), np.asarray(t["neurons"], np.int64),
                    np.asarray(t["input_steps"], np.int64), None)
        for t in result["trials"]
    ]
    return extract_packets(trials_spikes, params)


def nest_survival(params: Params, a_values, sigma_values, trials: int, seed: int, min_fraction: float,
                  confidence: float):
    """Survival table (a, sigma, trials, survived, p, ci_low, ci_high, system="NEST")."""
    from .analysis import survival_rows

    points = [(a, sigma) for a in a_values for sigma in sigma_values]
    survivors = []
    for a, sigma in points:
        a_out, _, _ = run_nest_point(params, a, sigma, trials, seed)
        survivors.append(int((a_out[:, -1] >= min_fraction * params.group_size).sum()))
    a, sigma = zip(*points)
    return survival_rows(a, sigma, survivors, [trials] * len(points), confidence).assign(system="NEST 3.10")
