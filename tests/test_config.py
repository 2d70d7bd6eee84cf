"""Malformed configs stop the workflow before any job, with one message naming the key."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from simcore.sweep import ConfigError, validate_config, variants

ROOT = Path(__file__).resolve().parent.parent
GOOD = yaml.safe_load((ROOT / "config" / "test.yaml").read_text())


def _broken(path, value):
    config = copy.deepcopy(GOOD)
    target = config
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return config


@pytest.mark.parametrize("name", ["config.yaml", "test.yaml", "paper.yaml"])
def test_shipped_configs_are_valid(name):
    config = validate_config(yaml.safe_load((ROOT / "config" / name).read_text()))
    assert "main" in variants(config)


@pytest.mark.parametrize(
    "path, value, key",
    [
        (["trials"], "many", "trials"),
        (["trials"], 0, "trials"),
        (["seed"], -1, "seed"),
        (["grid", "sigma"], [], "grid.sigma"),
        (["grid", "a"], [], "grid.a"),
        (["grid", "sigma"], [0.5, -1.0], "grid.sigma[1]"),
        (["grid", "a"], [10, -5], "grid.a[1]"),
        (["grid", "a"], [10, 10], "grid.a"),
        (["grid", "colour"], "red", "grid"),
        (["tirals"], 3, "tirals"),
        (["trials_per_job"], KeyError, "trials_per_job"),
        (["model"], {"tau_mm": 3}, "tau_mm"),
        (["model"], {"kernel": "gauss"}, "kernel"),
        (["model"], {"tau_m": -1}, "tau_m"),
        (["survival", "min_fraction"], 1.5, "survival.min_fraction"),
        (["rasters"], [{"a": 33, "sigma": 0.5}], "rasters[0]"),
        (["grid", "sigma"], [0.5, 9.0], "grid.sigma"),
        (["window_variants"], {"x": {"tau_m": 3}}, "window_variants.x"),
        (["bifurcation"], {"enabled": True}, "bifurcation.group_sizes"),
    ],
)
def test_bad_configs_name_the_key(path, value, key):
    with pytest.raises(ConfigError) as error:
        validate_config(_broken(path, value))
    assert key in str(error.value)
    assert "\n" not in str(error.value)


def test_workflow_stops_before_any_job(tmp_path):
    bad = _broken(["grid", "sigma"], [0.5, -1.0])
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(tmp_path),
         "--configfile", str(tmp_path / "bad.yaml"), "--cores", "1"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "grid.sigma[1]" in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


def test_lint_reports_only_missing_software_environments():
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--lint",
         "--configfile", str(ROOT / "config" / "test.yaml")],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    text = result.stdout + result.stderr
    lints = {line.strip() for line in text.splitlines() if line.startswith("    * ")}
    assert "Lints for rule simulate" in text  # the linter ran over the rules
    assert lints == {"* Specify a conda environment or container for each rule.:"}, lints
    assert "Lints for snakefile" not in text


def test_code_digests_split_simulation_from_analysis():
    """Simulations depend on the model's code only; plotting changes never re-run them."""
    from simcore.sweep import ANALYSIS_MODULES, MODEL_MODULES

    sources = {p.name for p in (ROOT / "simcore").glob("*.py")} - {"__init__.py", "__main__.py"}
    assert set(MODEL_MODULES) | set(ANALYSIS_MODULES) | {"background.py"} == sources
    assert not set(MODEL_MODULES) & {"figures.py", "analysis.py", "pipeline.py", "kernel_study.py"}
