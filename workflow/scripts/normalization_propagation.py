"""Survival and threshold packet of the chain under each normalization variant."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.files import open_sweep, write_csv  # noqa: E402
from diesmann1999.normalization import propagation_tables  # noqa: E402

sm = snakemake  # noqa: F821
survival, thresholds = propagation_tables(
    [open_sweep(p) for p in sm.input], sm.params.min_fraction, sm.params.confidence
)
write_csv(survival, sm.output.survival)
write_csv(thresholds, sm.output.thresholds)
