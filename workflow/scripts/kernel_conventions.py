from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import kernel_table_step  # noqa: E402

kernel_table_step(snakemake.output.csv, snakemake.output.md, snakemake.config)  # noqa: F821
