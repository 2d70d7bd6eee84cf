"""Malformed configs stop the workflow before any job, with one message naming the key."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from diesmann1999.config import ConfigError, validate_config
from diesmann1999.variants import variants

ROOT = Path(__file__).resolve().parent.parent
GOOD = yaml.safe_load((ROOT / ".test" / "config" / "config.yaml").read_text())


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


SECTIONS = ("model", "grid", "trials", "trials_per_job", "seed", "bifurcation", "normalization")


@pytest.mark.parametrize("path", ["config/config.yaml", "config/paper.yaml", ".test/config/config.yaml"])
def test_shipped_configs_are_valid(path):
    config = validate_config(yaml.safe_load((ROOT / path).read_text()))
    assert "main" in variants(**{key: config[key] for key in SECTIONS})
    # the packet rule before issue 12 stays visible as a window variant
    assert config["window_variants"]["uncorrected"] == {"packet_estimator": "window_count"}


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
        (["model"], {"normalization": "gauss"}, "normalization"),
        (["model"], {"tau_m": -1}, "tau_m"),
        (["survival", "min_fraction"], 1.5, "survival.min_fraction"),
        (["rasters"], [{"a": 33, "sigma": 0.5}], "rasters[0]"),
        (["grid", "sigma"], [0.5, 9.0], "grid.sigma"),
        (["window_variants"], {"x": {"tau_m": 3}}, "window_variants.x"),
        (["window_variants"], {"x": {"packet_estimator": "guess"}}, "window_variants.x"),
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
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(ROOT / "Snakefile"),
            "-d",
            str(tmp_path),
            "--configfile",
            str(tmp_path / "bad.yaml"),
            "--cores",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "grid.sigma[1]" in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


def test_lint_reports_only_missing_software_environments():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(ROOT / "Snakefile"),
            "--lint",
            "--configfile",
            str(ROOT / ".test" / "config" / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    text = result.stdout + result.stderr
    lints = {line.strip() for line in text.splitlines() if line.startswith("    * ")}
    assert "Lints for rule simulate" in text  # the linter ran over the rules
    assert lints == {"* Specify a conda environment or container for each rule.:"}, lints
    assert "Lints for snakefile" not in text


def test_the_simulator_package_stands_alone():
    """simcore imports neither the plotting stack nor snakemake nor the workflow, and reads no file
    outside its own folder."""
    code = (
        "import sys, pkgutil, importlib, simcore; "
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(simcore.__path__, 'simcore.') "
        "if m.name != 'simcore.__main__']; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'seaborn', 'snakemake', "
        "'diesmann1999'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout.strip() == "[]"
    sources = "\n".join(p.read_text() for p in (ROOT / "simcore").rglob("*.py"))
    assert "parent.parent" not in sources and "parents[" not in sources and "../" not in sources
