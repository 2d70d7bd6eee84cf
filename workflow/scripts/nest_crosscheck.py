"""The main sweep's survival at the chosen sigmas, simulated in NEST and measured by simcore's rule."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.crosscheck import nest_survival  # noqa: E402
from diesmann1999.files import write_csv  # noqa: E402
from simcore.params import Params  # noqa: E402

sm = snakemake  # noqa: F821
p = sm.params
table = nest_survival(Params.from_json(p.model), p.a, p.sigma, p.trials, p.seed, p.min_fraction, p.confidence)
write_csv(table, sm.output[0])
