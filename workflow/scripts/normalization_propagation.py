"""Survival and threshold packet of the chain under each normalization variant; the stacked sweep
of each variant."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.files import aggregate_variants, write_csv  # noqa: E402
from diesmann1999.normalization import propagation_tables  # noqa: E402
from simcore.dataset import write_netcdf  # noqa: E402

sm = snakemake  # noqa: F821
sweeps = aggregate_variants(list(sm.input), sm.params.variants, sm.params.simulator)
for sweep, path in zip(sweeps, sm.output.sweeps, strict=True):
    write_netcdf(sweep, path)
survival, thresholds = propagation_tables(sweeps, sm.params.min_fraction, sm.params.confidence)
write_csv(survival, sm.output.survival)
write_csv(thresholds, sm.output.thresholds)
