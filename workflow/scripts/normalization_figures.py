"""Survival under each normalization, and the threshold packet against the PSP peak."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999 import figures  # noqa: E402

sm = snakemake  # noqa: F821
figures.normalization_survival(pd.read_csv(sm.input.survival), sm.output.survival)
figures.normalization_threshold_vs_psp(pd.read_csv(sm.input.thresholds), sm.output.threshold)
