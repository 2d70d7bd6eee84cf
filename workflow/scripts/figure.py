from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import figure_step  # noqa: E402

figure_step(snakemake.params.kind, list(snakemake.input), list(snakemake.output), snakemake.config)  # noqa: F821
