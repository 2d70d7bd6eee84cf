from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import kernel_propagation_step  # noqa: E402

kernel_propagation_step(list(snakemake.input), snakemake.output.survival, snakemake.output.thresholds, snakemake.config)  # noqa: F821
