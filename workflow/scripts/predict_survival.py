"""Survival after k groups predicted from the transition kernels, checked against the main sweep,
and the cost of the prediction against the full sweep (diesmann1999.markov)."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999 import markov  # noqa: E402
from diesmann1999.files import open_sweep, write_csv  # noqa: E402
from simcore.params import Params  # noqa: E402

sm = snakemake  # noqa: F821
model = Params.from_json(sm.params.model)
files = {
    kind: markov.open_kernel(path, kind=kind, model_json=sm.params.model, simulator=sm.params.simulator)
    for kind, path in zip(markov.KINDS, sm.input.kernels)
}
kernels = {kind: markov.Kernel.of(ds) for kind, ds in files.items()}
ds = open_sweep(sm.input.packets)
survival, threshold, check = markov.predict(
    kernels,
    ds,
    chain_lengths=sm.params.chain_lengths,
    particles=sm.params.particles,
    seed=sm.params.seed,
    min_fraction=sm.params.min_fraction,
    confidence=sm.params.confidence,
)
cost = markov.cost_table(
    files,
    model,
    points=ds.sizes["a_in"] * ds.sizes["sigma_in"],
    trials=ds.sizes["trial"],
    chain_lengths=sm.params.chain_lengths,
    timing_trials=sm.params.timing_trials,
    seed=sm.params.seed,
    sweep_starts=[(int(ds.a_in.max()), float(ds.sigma_in.min())), (int(ds.a_in.min()), float(ds.sigma_in.max()))],
)
steps = markov.step_table(kernels, ds, min_fraction=sm.params.min_fraction, seed=sm.params.seed)
tables = {"survival": survival, "threshold": threshold, "check": check, "cost": cost, "steps": steps}
for name, frame in tables.items():
    write_csv(frame, sm.output[name])
print(check[check.kernels == "full"].to_string(index=False))
print(threshold.to_string(index=False))
print(steps.to_string(index=False))
print(cost.to_string(index=False))
