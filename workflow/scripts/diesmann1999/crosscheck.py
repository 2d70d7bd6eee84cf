"""Optional cross-check of the survival sweep in NEST (config key `nest_crosscheck`, off by default).

NEST 3.10 runs in its own virtual environment (`make bench-peers`), through the peers' runner
(bench/peers/nest_model.py and nest_chain.py: iaf_psc_alpha, exact integration; background as two
Poisson generators of +-J whose rates give the diffusion's mean and variance). Its spikes are
measured with simcore's own packet rule, so both systems are judged by the same estimator.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from simcore.packets import extract_packets
from simcore.params import Params

from .analysis import survival_rows

PEERS = Path(__file__).resolve().parents[3] / "bench" / "peers"


def peers_nest_model():
    """bench/peers/nest_model.py as a module (the peers are not a package)."""
    spec = importlib.util.spec_from_file_location("nest_model", PEERS / "nest_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nest_survival(
    params: Params, a_values, sigma_values, trials: int, seed: int, min_fraction: float, confidence: float
):
    """Survival table (a, sigma, trials, survived, p, ci_low, ci_high, system="NEST 3.10")."""
    nest = peers_nest_model()
    points = [(a, sigma) for a in a_values for sigma in sigma_values]
    survivors = []
    for a, sigma in points:
        a_out, _, _ = extract_packets(nest.run_nest_trials(params, a, sigma, trials, seed), params)
        survivors.append(int((a_out[:, -1] >= min_fraction * params.group_size).sum()))
    a, sigma = zip(*points)
    return survival_rows(a, sigma, survivors, [trials] * len(points), confidence).assign(system="NEST 3.10")
