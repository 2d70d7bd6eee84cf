from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import kernel_issue_step  # noqa: E402

kernel_issue_step(snakemake.output.table, snakemake.output.figure, snakemake.config)  # noqa: F821
