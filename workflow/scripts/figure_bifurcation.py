"""Attractor and threshold packet vs group size."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999 import figures  # noqa: E402

sm = snakemake  # noqa: F821
figures.bifurcation(pd.read_csv(sm.input[0]), sm.output.png)
