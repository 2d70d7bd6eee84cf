# synfire: reproduce Diesmann, Gewaltig & Aertsen (1999). Run: `make run` (or `snakemake`).
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/kernels.smk"
include: "workflow/rules/nest.smk"


rule all:
    input:
        all_outputs(),
    default_target: True
