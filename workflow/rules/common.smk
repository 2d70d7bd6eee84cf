import sys

from simcore.sweep import ANALYSIS_MODULES, ConfigError, code_digest, sim_path, study_files, validate_config, variants

try:
    config.update(validate_config(config))  # in place: scripts see the defaults too
except ConfigError as error:
    raise WorkflowError(str(error)) from None

VARIANTS = variants(config)
MODEL_DIGEST = code_digest()  # simulations re-run when the simulator's code changes
ANALYSIS_DIGEST = code_digest(ANALYSIS_MODULES)  # analysis and figures re-run when theirs does
PYTHON = sys.executable  # the interpreter that runs snakemake (the project's .venv)


wildcard_constraints:
    variant=r"main|w\d+|k_[a-z_]+|k_scale\d+(\.\d+)?",
    a=r"\d+",
    sigma=r"\d+(\.\d+)?(e-?\d+)?",
    chunk=r"\d+",


localrules:
    all,
    aggregate_main,
    aggregate_variant,
    analysis,
    window_sensitivity,
    bifurcation,
    figure_rasters,
    figure_transmission,
    figure_state_space,
    figure_survival,
    figure_window_sensitivity,
    figure_bifurcation,
    kernel_issue577,
    kernel_conventions,
    kernel_propagation,
    kernel_figures,
    figure_nest_crosscheck,


def chunk_trials(wildcards):
    trials = VARIANTS[wildcards.variant].chunks()[int(wildcards.chunk)]
    return f"{trials.start}:{trials.stop}"


def variant_files(variant):
    return VARIANTS[variant].sim_files()


def raster_files():
    return [sim_path("results", "main", r["a"], r["sigma"], r.get("trial", 0) // config["trials_per_job"]) for r in config["rasters"]]


def all_outputs():
    outputs = [
        "results/packets.nc",
        expand("results/tables/{name}.csv", name=["survival", "threshold", "transmission", "flow", "fixed_points", "window_sensitivity"]),
        expand("results/figures/{name}.png", name=["transmission", "state_space", "survival_curves", "survival_heatmap", "window_sensitivity"]),
    ]
    if config["rasters"]:
        outputs.append("results/figures/rasters.png")
    if config["bifurcation"]["enabled"]:
        outputs += ["results/tables/bifurcation.csv", "results/figures/bifurcation.png"]
    if config["kernels"]["enabled"]:
        outputs += expand("results/kernels/{name}", name=["issue577.csv", "kernel_issue577.png", "conventions.csv",
                          "conventions.md", "survival.csv", "thresholds.csv", "kernel_survival.png", "kernel_threshold_vs_psp.png"])
    if config["nest_crosscheck"]["enabled"]:
        outputs += ["results/nest/survival.csv", "results/figures/nest_crosscheck.png"]
    return outputs
