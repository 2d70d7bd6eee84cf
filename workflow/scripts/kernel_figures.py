from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import kernel_figure_step  # noqa: E402

kernel_figure_step(snakemake.input.survival, snakemake.input.thresholds, snakemake.output.survival, snakemake.output.threshold)  # noqa: F821
