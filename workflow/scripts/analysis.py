from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import analysis_step  # noqa: E402

analysis_step(snakemake.input[0], dict(snakemake.output.items()), snakemake.config)  # noqa: F821
