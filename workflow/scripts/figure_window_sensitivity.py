"""The threshold packet under each packet window."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999 import figures  # noqa: E402

sm = snakemake  # noqa: F821
table = pd.read_csv(sm.input[0])
figures.threshold_comparison(
    dict(tuple(table.groupby("window", sort=False))),
    sm.output.png,
    title="threshold packet under different packet windows and estimators",
)
