# synfire: reproduce Diesmann, Gewaltig & Aertsen (1999). Run: `make run` (or `snakemake --cores N`).
from snakemake.utils import min_version

min_version("9.0")


# The default config applies only when none is given: `--configfile my.yaml` replaces it whole
# (a config is never a merge of two files, so a run shows every key it uses).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/normalization.smk"
include: "workflow/rules/nest.smk"
include: "workflow/rules/prediction.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
