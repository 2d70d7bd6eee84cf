"""The chain of simcore as a peer runner's model, and NEST runs of it (project venv: imports simcore).

``runner_model`` turns a simcore parameter set into the "model" block of a runner's job
(bench/peers/_common.py); ``run_nest_trials`` runs nest_chain.py in NEST's own venv (created by
`make bench-peers`) and returns the spikes of each trial. Used by peers.py and by the workflow's
optional NEST cross-check (workflow/scripts/diesmann1999/crosscheck.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from simcore.network import Drive, TrialSpikes
from simcore.params import Params

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "nest_chain.py"
NEST_PYTHON = HERE / ".venvs" / "nest" / "bin" / "python"
C_M = 250.0  # pF: NEST's membrane capacitance; only J = C_m w / (e tau_m) depends on it


def diffusion_rates(params: Params) -> tuple[float, float]:
    """(nu_e, nu_i) in kHz of +-w jumps whose mean and variance per ms equal mu and s^2."""
    variance, mean = params.s**2 / params.w**2, params.mu / params.w
    return (variance + mean) / 2.0, (variance - mean) / 2.0


def nest_model(params: Params) -> dict:
    """The runner's "model" block for the diffusion-background chain of the pipeline's cross-check."""
    if params.background != "diffusion" or params.integrator != "exact" or params.normalization != "one_over_e_peak":
        raise ValueError(
            "the NEST cross-check mirrors the default model: exact integration, diffusion "
            "background, one_over_e_peak normalization"
        )
    return runner_model(params)


def runner_model(params: Params) -> dict:
    """The "model" block of a peer runner's job: the chain's parameters, NEST's background rates and
    the stationary initial law of `params`."""
    drive = Drive.of(params)
    nu_e, nu_i = diffusion_rates(params)
    return dict(
        tau_m=params.tau_m,
        v_rest=params.v_rest,
        v_reset=params.v_reset,
        v_th=params.v_threshold,
        t_ref=params.t_ref,
        tau_s=params.tau_s,
        w=params.w,
        delay=params.delay,
        dt=params.dt,
        t_stop=params.t_stop,
        t0=params.t0,
        n_groups=params.n_groups,
        group_size=params.group_size,
        mu=params.mu,
        s=params.s,
        C_m=C_M,
        nu_e_khz=nu_e,
        nu_i_khz=nu_i,
        init_mean=drive.mean.tolist(),
        init_factor=drive.cov_factor.tolist(),
    )


def run_nest_trials(params: Params, a: int, sigma: float, trials: int, seed: int, timeout: float = 3600):
    """The spikes of `trials` NEST trials of packet (a, sigma), as simcore.network.TrialSpikes."""
    if not NEST_PYTHON.exists():
        raise RuntimeError(f"NEST is not installed ({NEST_PYTHON} missing): run `make bench-peers` first")
    job = {
        "model": nest_model(params),
        "options": {},
        "tasks": [
            {
                "kind": "chain",
                "a": int(a),
                "sigma": float(sigma),
                "trials": int(trials),
                "seed": int(seed),
                "label": "pipeline",
                "keep_spikes": True,
            }
        ],
    }
    done = subprocess.run(
        [str(NEST_PYTHON), str(RUNNER)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"NEST runner failed: {done.stderr.strip().splitlines()[-1:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])["results"][0]
    return [
        TrialSpikes(
            np.asarray(t["steps"], np.int64),
            np.asarray(t["neurons"], np.int64),
            np.asarray(t["input_steps"], np.int64),
            None,
        )
        for t in result["trials"]
    ]
