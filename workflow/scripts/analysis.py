"""Survival, threshold packet, transmission function, flow field and fixed points of the main sweep."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import numpy as np  # noqa: E402

from diesmann1999 import analysis  # noqa: E402
from diesmann1999.files import open_sweep, write_csv  # noqa: E402

sm = snakemake  # noqa: F821
ds = open_sweep(sm.input[0])
survival = analysis.survival_table(ds, sm.params.min_fraction, sm.params.confidence)
threshold = analysis.threshold_table(survival, sm.params.confidence)
a_max = max(110.0, float(ds.a_in.max()) + 10)
s_max = max(3.0, float(ds.sigma_in.max()))
flow = analysis.flow_field(ds, np.linspace(0, a_max, 23), np.linspace(0, s_max, 16))
tables = {
    "survival": survival,
    "threshold": threshold,
    "transmission": analysis.transmission_table(ds),
    "flow": flow,
    "fixed_points": analysis.fixed_points(ds, threshold, flow, sm.params.min_fraction),
}
for name, frame in tables.items():
    write_csv(frame, sm.output[name])
