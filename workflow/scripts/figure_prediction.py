"""The Markov prediction: predicted vs simulated survival, a50(sigma) per chain length, check, cost."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
import pandas as pd  # noqa: E402

from diesmann1999.prediction_figure import prediction  # noqa: E402

sm = snakemake  # noqa: F821
tables = {
    name: pd.read_csv(sm.input[name]) for name in ("survival", "threshold", "check", "cost", "steps", "simulated")
}
prediction(**tables, output=sm.output.png)
