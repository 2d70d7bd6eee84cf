from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import nest_crosscheck_step  # noqa: E402

nest_crosscheck_step(snakemake.output[0], snakemake.config)  # noqa: F821
