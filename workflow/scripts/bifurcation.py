"""Threshold packet and attractor of each group size (the bifurcation of the paper's Fig. 3)."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.analysis import bifurcation_table  # noqa: E402
from diesmann1999.files import open_sweep, write_csv  # noqa: E402

sm = snakemake  # noqa: F821
sweeps = [open_sweep(path) for path in sm.input]
write_csv(bifurcation_table(sweeps, sm.params.min_fraction, sm.params.confidence), sm.output[0])
