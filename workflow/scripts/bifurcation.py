"""Threshold packet and attractor of each group size (the bifurcation of the paper's Fig. 3); the
stacked sweep of each group size."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.analysis import bifurcation_table  # noqa: E402
from diesmann1999.files import aggregate_variants, write_csv  # noqa: E402
from simcore.dataset import write_netcdf  # noqa: E402

sm = snakemake  # noqa: F821
sweeps = aggregate_variants(list(sm.input), sm.params.variants, sm.params.simulator)
for sweep, path in zip(sweeps, sm.output.sweeps, strict=True):
    write_netcdf(sweep, path)
write_csv(bifurcation_table(sweeps, sm.params.min_fraction, sm.params.confidence), sm.output.table)
