"""Fig. 2: the transmission function of one group."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999 import figures  # noqa: E402

sm = snakemake  # noqa: F821
figures.transmission(pd.read_csv(sm.input[0]), sm.output.png, sm.params.sigmas)
