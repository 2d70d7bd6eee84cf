"""The exact rerun contract, for every config key of the schema.

After a finished run of the test config, a config that differs in one key (generated from the
schema's type and range, hand-picked where it cannot be) must make Snakemake plan:

1. with changed params or list of input files, or missing output: exactly the jobs of the rules
   the schema annotates for that key (x-rules, with those of its parent keys and of the root) and
   the jobs whose output files do not exist yet (new files, of rules among the key's x-files).
   A rule more: a job declares a key (or a digest) it does not use; a rule fewer: a job uses a key
   its params do not declare. Checked for every job, also where it would re-run anyway as the
   consumer of another job that re-runs;
2. in all: those jobs and everything downstream of them in the new run's job DAG, nothing else.

Compared rule by rule. The downstream closure comes from the DAG's edges (which job reads which
job's output, what `snakemake --dag` prints), never from the params; the plan is Snakemake's own,
built in-process (tests/workflow_dag.py; test_in_process_plan_is_the_dry_run checks it against
the job stats of `snakemake -n`).
"""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from workflow_dag import finished_run, plan

from diesmann1999.config import ConfigError, validate_config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".test" / "config" / "config.yaml"
sys.path.insert(0, str(ROOT / "workflow" / "schemas"))
import document  # noqa: E402  (workflow/schemas/document.py)

SCHEMA = document.load()
KEYS = {key: sub for key, sub, _ in document.keys(SCHEMA)}
BASE = yaml.safe_load(CONFIG.read_text())

# Keys whose new value cannot be generated from the schema's type and range (free-form objects,
# lists of objects, values that must be on the grid, a study switched on, which needs more keys):
# key -> (the key set, its value).
HAND_PICKED = {
    "model": ("model", {**BASE["model"], "t_stop": 50.0}),
    "window_variants": ("window_variants.narrow.window_half_width", 1.5),
    "rasters": ("rasters", BASE["rasters"][:1]),
    "rasters[].a": ("rasters[].a", 60),
    "rasters[].sigma": ("rasters[].sigma", 2.0),
    "transmission_sigmas": ("transmission_sigmas", [2.0]),  # each must be on grid.sigma
    "nest_crosscheck.enabled": ("nest_crosscheck", {"enabled": True, "sigma": [0.5]}),
}
# Switching a study off leaves its jobs out of the run (their files stay): only the jobs that use
# every key (the root's x-rules) run again. Switching the NEST cross-check on adds its two jobs.
EVERY = set(SCHEMA["x-rules"])
STUDY_SWITCHES = {
    "bifurcation.enabled": EVERY | {"all"} if EVERY else set(),
    "normalization.enabled": EVERY | {"all"} if EVERY else set(),
    "prediction.enabled": EVERY | {"all"} if EVERY else set(),
    "nest_crosscheck.enabled": EVERY | {"nest_crosscheck", "figure_nest_crosscheck", "all"},
}
# More changes than one per key: the other direction of keys that add files, and a key that empties a figure.
EXTRA = [
    ("trials", 7),  # a new chunk per point; the existing chunks stay
    ("grid.a", [20, 100]),  # drops a = 60: no new file, the sweep is stacked again
    ("bifurcation.group_sizes", [100]),  # drops a variant
    ("normalization.weight_scales", [0.9, 1.1]),  # a new variant, norm_scale1.1
    ("normalization.weight_scales", []),  # drops the variant norm_scale0.9
    ("rasters", []),  # no rasters: the figure leaves the run
    ("survival.min_fraction", 0.3),
]
# The changes that make new files (a larger grid, more chunks, a new variant, a study switched on):
# the rules of the new jobs, by test id; every other change makes none.
NEW_FILES = {
    "trials_per_job": {"simulate_main", "simulate_bifurcation", "simulate_normalization"},  # 3 -> 2: 2nd/3rd chunks
    "grid.a": {"simulate_main"},  # each row job (every a at one sigma) has a new file
    "grid.sigma": {"simulate_main"},
    "bifurcation.group_sizes": {"simulate_bifurcation", "bifurcation"},  # a new variant and its stacked sweep
    "bifurcation.a": {"simulate_bifurcation"},
    "bifurcation.sigma": {"simulate_bifurcation"},
    "normalization.a": {"simulate_normalization"},
    "normalization.sigma": {"simulate_normalization"},
    "normalization.weight_scales": {"simulate_normalization", "normalization_propagation"},
    "nest_crosscheck.enabled": {"nest_crosscheck", "figure_nest_crosscheck"},
    "trials=7": {"simulate_main"},
    "normalization.weight_scales=[0.9, 1.1]": {"simulate_normalization", "normalization_propagation"},
}


def get(config, key):
    for part in key.replace("[]", ".0").split("."):
        config = config[int(part)] if part.isdigit() else config.get(part)
        if config is None:
            return None
    return config


def changed(config, key, value):
    """A copy of `config` with `key` set to `value` (rasters[].x: of the first raster)."""
    config = copy.deepcopy(config)
    *parents, last = key.replace("[]", ".0").split(".")
    target = config
    for part in parents:
        target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
    target[last] = value
    return config


def candidates(sub, value):
    """Other values of a key, from its schema (the first valid one is used)."""
    kind = sub.get("type")
    if kind == "integer":
        return [value - 1, value + 1]
    if kind == "number":
        return [round(value * 1.1, 6), round(value * 0.9, 6), value + 1]
    if kind == "boolean":
        return [not value]
    if kind == "string":
        return [value + " (changed)"]
    if kind == "array" and sub.get("items", {}).get("type") in ("integer", "number"):
        value = value or []
        return [value + [max(value, default=0) + 1], value + [max(value, default=0) / 2 + 0.25]]
    return []


def valid(config) -> bool:
    try:
        validate_config(copy.deepcopy(config))
    except ConfigError:
        return False
    return True


def new_config(key, value=None):
    """The test config with `key` set to `value`, or to a new value: hand-picked or generated."""
    where = key
    if value is None and key in HAND_PICKED:
        where, value = HAND_PICKED[key]
    if value is not None:
        config = changed(BASE, where, value)
        assert valid(config), f"{where}: {value!r} is not a valid value"
        return config
    current = get(validate_config(copy.deepcopy(BASE)), key)
    for candidate in candidates(KEYS[key], current):
        config = changed(BASE, key, candidate)
        if valid(config):
            return config
    raise AssertionError(f"no valid new value for {key} from its schema: hand-pick one in HAND_PICKED")


def rules_of(key, field="x-rules"):
    """The annotation of `key`, with those of its parent keys (and of the root, for x-rules)."""
    names = list(SCHEMA.get(field, [])) if field == "x-rules" else []
    parts = key.split(".")
    for i in range(1, len(parts) + 1):
        names += KEYS[".".join(parts[:i]).removesuffix("[]")].get(field, [])
    return names


ANNOTATED = [key for key, sub in KEYS.items() if "x-rules" in sub]
CASES = [(key, None) for key in ANNOTATED] + EXTRA
IDS = [f"{key}={value!r}" if value is not None else key for key, value in CASES]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished run of the test config (shared with tests/test_relocation.py), which plans nothing more."""
    workdir = finished_run(tmp_path_factory)
    assert plan(workdir, CONFIG).planned == frozenset(), "a finished run plans more jobs"
    return workdir


def test_every_output_is_asked_for(tmp_path):
    """Snakemake makes a missing file only if a job that runs (or the target) asks for it: an output
    nobody reads is not made again when it is new (an added group size's sweep) or deleted."""
    config = changed(BASE, "nest_crosscheck", {"enabled": True, "sigma": [0.5]})  # every rule in the run
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    jobs = plan(tmp_path, tmp_path / "config.yaml").jobs
    asked = {f for job in jobs for f in job.input}
    assert not {f"{job.rule}: {f}" for job in jobs for f in job.output if f not in asked}


def test_every_key_is_annotated():
    leaves = [key for key, sub in KEYS.items() if "properties" not in sub and "properties" not in sub.get("items", {})]
    assert not [key for key in leaves if "x-rules" not in KEYS[key]], "every leaf key names the rules that use it"


@pytest.mark.parametrize("key, value, case", [(*change, case) for change, case in zip(CASES, IDS)], ids=IDS)
def test_a_changed_key_reruns_exactly_its_jobs_and_downstream(finished, tmp_path, key, value, case):
    config = new_config(key, value)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    run = plan(finished, path)
    uses = rules_of(key)
    new = {job for job in run.jobs if job.output and not all((finished / f).exists() for f in job.output)}
    assert {job.rule for job in new} == NEW_FILES.get(case, set()), f"{case}: new files of other rules"
    assert NEW_FILES.get(case, set()) <= set(rules_of(key, "x-files")), f"{key}: x-files do not name them"
    own = {job for job in run.jobs if any(map(job.matches, uses))} | new
    changed, expected = run.changed_rules, {job.rule for job in own}
    assert changed == expected, (  # params declare exactly the keys the jobs use, or the schema is wrong
        f"{key}: params or inputs changed but not a user {sorted(changed - expected)};"
        f" a user but nothing changed {sorted(expected - changed)}"
    )
    planned, expected = run.planned_rules, {job.rule for job in run.downstream(own)}
    assert planned == expected, (
        f"{key}: planned but not expected {sorted(planned - expected)};"
        f" expected but not planned {sorted(expected - planned)}"
    )
    if key in STUDY_SWITCHES and value is None:
        assert planned == STUDY_SWITCHES[key]


def test_known_findings(finished, tmp_path):
    """Contract violations found before: the jobs that compare with min_fraction (the window
    sensitivity, the bifurcation table, the state-space figure, the normalization propagation) and
    the figure that draws the transmission_sigmas did not declare them, so a change re-ran them
    late or not at all."""
    for key, value, users in [
        (
            "survival.min_fraction",
            0.4,
            {"window_sensitivity", "bifurcation", "figure_state_space", "normalization_propagation"},
        ),
        ("transmission_sigmas", [2.0], {"figure_transmission"}),
    ]:
        path = tmp_path / f"{key}.yaml"
        path.write_text(yaml.safe_dump(changed(BASE, key, value)))
        assert users <= plan(finished, path).changed_rules, key


def test_in_process_plan_is_the_dry_run(finished, tmp_path):
    """tests/workflow_dag.py plans what `snakemake -n` prints (its job stats)."""
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(changed(BASE, "survival.confidence", 0.9)))
    command = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(finished)]
    result = subprocess.run([*command, "--configfile", str(path), "-n"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = (result.stdout + result.stderr).split("Job stats:")[1].split("total")[0]
    printed = {line.split()[0] for line in stats.splitlines()[3:] if line.strip()}
    assert printed == plan(finished, path).planned_rules
    assert "analysis" in printed
