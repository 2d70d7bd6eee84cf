"""Malformed configs stop the workflow before any job, with one message naming the key."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from workflow_dag import snakemake_command

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


# Malformed configs a user could write, each with the key its one-line refusal must name.
MALFORMED = [
    (["grid", "sigma"], [float("nan")], "grid.sigma[0]"),
    (["grid", "sigma"], [0.5, float("inf")], "grid.sigma[1]"),
    (["model"], {"t_stop": float("nan")}, "model.t_stop"),
    (["survival", "min_fraction"], float("nan"), "survival.min_fraction"),
    (["window_variants", "narrow", "window_n_sd"], float("inf"), "window_variants.narrow.window_n_sd"),
    (["normalization", "target_psp_mv"], float("-inf"), "normalization.target_psp_mv"),
    (["grid", "a"], [20.0, 60], "grid.a[0]"),
    (["trials"], 6.0, "trials"),
    (["seed"], 3.5, "seed"),
    (["trials"], True, "trials"),
    (["model"], {"n_groups": 5.0}, "model.n_groups"),
    (["model"], {"tau_m": "10"}, "model.tau_m"),
    (["model"], {"clamp_refractory": "yes"}, "model.clamp_refractory"),
    (["model"], {"background": "gaussian"}, "model.background"),
    (["model"], {"kernel": "peak_normalized"}, "model.kernel"),
    (["model"], {"v_threshold": -80.0}, "model"),
    (["model"], {"dt": 0.3}, "model"),
    (["model"], [], "model"),
    (["grid", "sigma"], ["0.5"], "grid.sigma[0]"),
    (["grid", "sigma"], [0.5, 0.5], "grid.sigma"),
    (["grid", "sigma"], [1, 1.0], "grid.sigma"),
    (["grid", "sigma"], [0.0, -0.0], "grid.sigma"),
    (["grid", "sigma"], [300.0], "grid.sigma[0]"),
    (["grid"], None, "grid"),
    (["normalization", "weight_scales"], [0.9000001], "normalization.weight_scales[0]"),
    (["normalization", "weight_scales"], [0.95, 1e-07], "normalization.weight_scales[1]"),
    (["normalization", "weight_scales"], [0.9, 0.90000001], "normalization.weight_scales[1]"),
    (["normalization", "sigma"], [9.0], "normalization.sigma"),
    (["normalization"], {"enabled": True}, "normalization.a"),
    (["transmission_sigmas"], [1.0], "transmission_sigmas[0]"),
    (["rasters"], [{"a": 100, "sigma": 0.5, "trial": 99}], "rasters[0].trial"),
    (["rasters"], [{"a": 100, "sigma": 0.5, "colour": "red"}], "rasters[0]"),
    (["bifurcation", "group_sizes"], [0], "bifurcation.group_sizes[0]"),
    (["nest_crosscheck"], {"enabled": True, "sigma": [1.0]}, "nest_crosscheck.sigma"),
    (["seed"], None, "seed"),
    (["trials_per_job"], 0, "trials_per_job"),
    (["survival", "confidence"], 1.0, "survival.confidence"),
    (["window_variants", "narrow", "tau_m"], 3.0, "window_variants.narrow.tau_m"),
    (["window_variants", "narrow", "window_half_width"], "1", "window_variants.narrow.window_half_width"),
]


def _leaves(value, path=()):
    """Key paths of every number and truth value of a config."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))]
    return [path] if isinstance(value, (int, float)) else []


def _name(path):
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


# Every number or truth value of the test config replaced by what no key accepts.
JUNK = [float("nan"), float("inf"), float("-inf"), None, {"x": 1}]
GENERATED = [(list(path), junk, _name(path)) for path in _leaves(GOOD) for junk in JUNK]


@pytest.mark.parametrize("path, value, key", MALFORMED + GENERATED)
def test_fuzz_malformed_configs_are_refused_naming_the_key(path, value, key):
    """(issue 13) NaN slipped past the schema's bounds, floats passed as integers, colliding names."""
    with pytest.raises(ConfigError) as error:
        validate_config(_broken(path, value))
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"config key {key}"), message


def test_there_are_enough_fuzz_cases():
    assert len(MALFORMED) >= 30 and len(GENERATED) >= 30


def test_negative_zero_sigma_is_zero():
    config = validate_config(_broken(["grid", "sigma"], [-0.0, 0.5, 2.0]))
    assert str(config["grid"]["sigma"][0]) == "0.0"


@pytest.mark.parametrize("sigma", [1.2345678, 0.5000001, 1e-05, 5e-324, 0.1 + 0.2])
def test_every_sigma_names_its_own_file_exactly(sigma):
    """(issue 13) file names kept 6 digits: 0.5 and 0.5000001 shared a file, 1.2345678 was lost."""
    from diesmann1999.files import SIM_NAME
    from diesmann1999.variants import sim_path

    config = validate_config(_broken(["grid", "sigma"], [0.5, 2.0, sigma]))
    main = variants(**{key: config[key] for key in SECTIONS})["main"]
    names = [sim_path("results", "main", 20, s, 0) for s in main.sigma_values]
    assert len(set(names)) == 3
    assert float(SIM_NAME.search(names[2])["sigma"]) == sigma


@pytest.mark.parametrize(
    "yaml_text, key",
    [
        ("grid: {a: [20, 60, 100], sigma: [0.5, -1.0]}", "grid.sigma[1]"),
        ("grid: {a: [20, 60, 100], sigma: [.nan]}", "grid.sigma[0]"),
        ('grid: {a: [20, 60, 100], sigma: [0.5]}\nmodel: {t_stop: "60"}', "model.t_stop"),
    ],
    ids=["negative", "nan", "text"],
)
def test_workflow_stops_before_any_job(tmp_path, yaml_text, key):
    """In a directory with earlier results too (issue 13: a NaN sigma said "Nothing to be done")."""
    config = {k: v for k, v in GOOD.items() if k not in ("grid", "model", "rasters", "transmission_sigmas")}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(config) + yaml_text + "\n")
    earlier = tmp_path / "results" / "packets.nc"
    earlier.parent.mkdir()
    earlier.write_bytes(b"earlier results")
    result = subprocess.run(
        snakemake_command(tmp_path, tmp_path / "bad.yaml", "--cores", "1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2  # bad input, as the command line
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("config key")]
    assert len(lines) == 1 and lines[0].startswith(f"config key {key}:"), result.stdout + result.stderr
    assert "Nothing to be done" not in result.stdout + result.stderr
    assert [p.name for p in (tmp_path / "results").rglob("*")] == ["packets.nc"]
    assert earlier.read_bytes() == b"earlier results"


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
