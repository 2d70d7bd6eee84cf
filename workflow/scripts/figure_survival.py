"""Survival probability: curves per sigma and a heat map with the 50 % contour."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999 import figures  # noqa: E402

sm = snakemake  # noqa: F821
figures.survival(pd.read_csv(sm.input.survival), pd.read_csv(sm.input.threshold), sm.output.curves, sm.output.heatmap)
