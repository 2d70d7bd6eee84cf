"""simcore's and NEST's survival curves, overlaid."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999 import figures  # noqa: E402

sm = snakemake  # noqa: F821
nest = pd.read_csv(sm.input.nest)
ours = pd.read_csv(sm.input.simcore)
ours = ours[ours.sigma.isin(nest.sigma.unique())].assign(system="simcore (exact, diffusion)")
figures.survival_overlay(pd.concat([ours, nest], ignore_index=True), sm.output[0])
