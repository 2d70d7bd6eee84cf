from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import aggregate_step  # noqa: E402

aggregate_step(list(snakemake.input), snakemake.output[0], snakemake.config, snakemake.params.variant)  # noqa: F821
