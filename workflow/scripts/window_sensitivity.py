from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import window_sensitivity_step  # noqa: E402

window_sensitivity_step(list(snakemake.input), snakemake.output[0], snakemake.config)  # noqa: F821
