"""Fig. 3: trajectories, mean flow, separatrix and fixed points in the (sigma, a) plane."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999 import figures  # noqa: E402
from diesmann1999.files import open_sweep  # noqa: E402

sm = snakemake  # noqa: F821
figures.state_space(
    open_sweep(sm.input.packets),
    pd.read_csv(sm.input.flow),
    pd.read_csv(sm.input.threshold),
    pd.read_csv(sm.input.fixed_points),
    sm.output.png,
    sm.params.min_fraction,
)
