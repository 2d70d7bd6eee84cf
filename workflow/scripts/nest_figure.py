from _log import to_log

to_log(snakemake)  # noqa: F821
from simcore.pipeline import nest_figure_step  # noqa: E402

nest_figure_step(snakemake.input.simcore, snakemake.input.nest, snakemake.output[0])  # noqa: F821
