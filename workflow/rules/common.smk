import shutil
import sys
from pathlib import Path

# The reproduction's own code (workflow/scripts/diesmann1999) is imported here and by every script.
sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from diesmann1999.config import ConfigError, validate_config
from diesmann1999.variants import sim_path, variants
from simcore.sources import folder_digest, simulator_digest

# Simulation jobs call the `simcore` console script of the active environment (never an absolute
# path, so a checkout or venv that moves re-runs nothing).
if shutil.which("simcore") is None:
    raise WorkflowError(
        "the `simcore` command is not on PATH: activate the project's environment first"
        " (`source .venv/bin/activate`, or run `make run`, which does it)"
    )

try:
    config.update(validate_config(config))  # in place: the defaults become visible to the rules
except ConfigError as error:
    # One line naming the key, exit status 2 (bad input), before any job: no Snakemake traceback.
    print(error, file=sys.stderr)
    raise SystemExit(2) from None

VARIANTS = variants(
    model=config["model"],
    grid=config["grid"],
    trials=config["trials"],
    trials_per_job=config["trials_per_job"],
    seed=config["seed"],
    bifurcation=config["bifurcation"],
    normalization=config["normalization"],
)
# Simulations re-run when the simulator's code changes; analysis and figures when the workflow
# package's code does (Snakemake itself tracks each rule's own script).
SIMULATOR_DIGEST = simulator_digest()
WORKFLOW_DIGEST = folder_digest(Path(workflow.basedir) / "workflow" / "scripts" / "diesmann1999")
SURVIVAL = config["survival"]


wildcard_constraints:
    variant=r"main|size\d+|norm_[a-z_]+|norm_scale\d+(\.\d+)?",
    a=r"\d+",
    sigma=r"\d+(\.\d+)?(e[-+]?\d+)?",
    chunk=r"\d+",


localrules:
    all,
    aggregate_main,
    analysis,
    window_sensitivity,
    bifurcation,
    figure_rasters,
    figure_transmission,
    figure_state_space,
    figure_survival,
    figure_window_sensitivity,
    figure_bifurcation,
    normalization_issue577,
    normalization_conventions,
    normalization_propagation,
    normalization_figures,
    figure_nest_crosscheck,
    report_tables,


def chunk_trials(wildcards):
    trials = VARIANTS[wildcards.variant].chunks()[int(wildcards.chunk)]
    return f"{trials.start}:{trials.stop}"


def study_variants(study):
    """The names of a study's variants (main, bifurcation or normalization)."""
    return [name for name, variant in VARIANTS.items() if variant.study == study]


def row_files(study):
    """The output files of one simulation job of a study: every a of its grid (its variants share
    one) at the job's variant, sigma and chunk."""
    a_values = VARIANTS[study_variants(study)[0]].a_values
    return expand("results/sims/{{variant}}/a{a}_s{{sigma}}_c{{chunk}}.nc", a=a_values)


ROW_PARAMS = dict(
    model=lambda wildcards: VARIANTS[wildcards.variant].params.to_json(),
    a=lambda wildcards: " ".join(map(str, VARIANTS[wildcards.variant].a_values)),
    trials=chunk_trials,
    seed=config["seed"],
    pattern=lambda wildcards: sim_path("results", wildcards.variant, "{a}", wildcards.sigma, wildcards.chunk),
    simulator=SIMULATOR_DIGEST,  # re-run when the simulator's code changes
)


def study_sim_files(study):
    """The simulation files of every variant of a study."""
    return [path for name in study_variants(study) for path in VARIANTS[name].sim_files()]


def variant_spec(name):
    """What aggregation needs of a variant, as one parameter."""
    v = VARIANTS[name]
    return dict(
        name=v.name,
        a_values=list(v.a_values),
        sigma_values=list(v.sigma_values),
        trials=v.trials,
        trials_per_job=v.trials_per_job,
        params_json=v.params.to_json(),
    )


def raster_files():
    return [
        sim_path("results", "main", r["a"], r["sigma"], r["trial"] // config["trials_per_job"])
        for r in config["rasters"]
    ]


def all_outputs():
    outputs = [
        *rules.aggregate_main.output,
        *rules.analysis.output,
        *rules.window_sensitivity.output,
        *rules.figure_transmission.output,
        *rules.figure_state_space.output,
        *rules.figure_survival.output,
        *rules.figure_window_sensitivity.output,
        *rules.report_tables.output,
    ]
    if config["rasters"]:
        outputs += rules.figure_rasters.output
    if config["bifurcation"]["enabled"]:
        # every output: a sweep the run does not ask for would not be made for a new group size
        outputs += [*rules.bifurcation.output, *rules.figure_bifurcation.output]
    if config["normalization"]["enabled"]:
        outputs += [
            *rules.normalization_issue577.output,
            *rules.normalization_conventions.output,
            *rules.normalization_propagation.output,
            *rules.normalization_figures.output,
        ]
    if config["nest_crosscheck"]["enabled"]:
        outputs += [*rules.nest_crosscheck.output, *rules.figure_nest_crosscheck.output]
    if config["prediction"]["enabled"]:
        outputs += [*rules.predict_survival.output, *rules.figure_prediction.output]  # rules/prediction.smk
    return outputs
