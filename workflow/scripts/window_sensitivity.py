"""The threshold packet of the main sweep re-measured under other packet windows (same spikes)."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.analysis import window_thresholds  # noqa: E402
from diesmann1999.files import write_csv  # noqa: E402
from simcore.params import Params  # noqa: E402

sm = snakemake  # noqa: F821
table = window_thresholds(
    list(sm.input),
    Params.from_json(sm.params.model),
    {"default": {}, **sm.params.windows},
    sm.params.min_fraction,
    sm.params.confidence,
    trials=sm.params.trials,
    trials_per_job=sm.params.trials_per_job,
    simulator=sm.params.simulator,
)
write_csv(table, sm.output[0])
