"""One transition kernel (first, second or later group) on the prediction grid: results/prediction/kernel_<kind>.nc."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999 import markov  # noqa: E402
from simcore.params import Params  # noqa: E402

sm = snakemake  # noqa: F821
ds = markov.simulate_kernel(
    Params.from_json(sm.params.model),
    sm.wildcards.kind,
    sm.params.a,
    sm.params.sigma,
    sm.params.trials,
    sm.params.seed,
    threads=sm.threads,
)
markov.write_kernel(ds, sm.output[0])
cells = ds.sizes["a_in"] * ds.sizes["sigma_in"]
print(f"kernel {sm.wildcards.kind}: {cells} cells x {ds.sizes['trial']} trials in {ds.attrs['cpu_seconds']:.2f} CPU s")
