from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import bifurcation_step  # noqa: E402

bifurcation_step(list(snakemake.input), snakemake.output[0], snakemake.config)  # noqa: F821
