"""Re-check the in-chain spontaneous rate of NEST against simcore with 800 trials each (peers.py uses 200 for NEST).

    .venv/bin/python bench/peers/recheck_spont.py     (about 3 minutes; needs `make bench-peers`)

Prints the mean rate of all 1000 neurons from 40, 60 and 80 ms to the end of the trial, with 95 %
intervals and Welch's t-test against simcore's exact + Poisson and exact + diffusion modes, and the
rates in 20 ms bins (the start-up transient).
"""

import sys
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers as P  # noqa: E402

from simcore.dataset import run_dataset  # noqa: E402

TRIALS = 800

p = P.mode_params("exact_poisson")
answer = P.call(P.SYSTEMS["nest"], [P.chain_task(0, 0.0, TRIALS, 9301, "spont")], tag="spont-recheck")
if answer is None:
    sys.exit("NEST run failed: " + "; ".join(P.ERRORS))
runs = {
    "NEST 3.10": P.peer_trials(P.by_label(answer, "spont")[0], p),
    "simcore exact + Poisson": P.dataset_trials(run_dataset(p, 0, 0.0, TRIALS, 9601)),
    "simcore exact + diffusion": P.dataset_trials(run_dataset(P.mode_params("exact_diffusion"), 0, 0.0, TRIALS, 9602)),
}
nest = runs["NEST 3.10"]
for t_from in (40.0, 60.0, 80.0):
    parts = []
    for name, trials in runs.items():
        rates = P.spont_rates(trials, p, t_from)
        text = f"{name} {np.mean(rates):.3f} +- {1.96 * stats.sem(rates):.3f} Hz"
        if trials is not nest:
            text += f" (p = {stats.ttest_ind(P.spont_rates(nest, p, t_from), rates, equal_var=False).pvalue:.2f})"
        parts.append(text)
    print(f"[{t_from:.0f}, {p.t_stop:.0f}] ms: " + "; ".join(parts))
for name, trials in runs.items():
    counts = sum(np.histogram(t.times, bins=np.arange(0, p.t_stop + 1, 20))[0] for t in trials)
    print(f"{name}, Hz in 20 ms bins: {np.round(counts / len(trials) / (1000 * 0.02), 3).tolist()}")
