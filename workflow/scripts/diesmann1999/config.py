"""The workflow config: checked against workflow/schemas/config.schema.yaml and the model, defaults filled.

``validate_config`` is the only function that sees the whole config; every rule then declares the
keys its job uses (workflow/rules/*.smk), so a changed key re-runs exactly the jobs that use it.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from pathlib import Path

from simcore.params import ParameterError, Params, check_value

from .variants import sigma_label

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"
PACKET_KEYS = ("clip_n_sd", "min_packet_spikes")  # with every window_* and packet_* parameter


class ConfigError(ValueError):
    """The workflow config is not acceptable; the message names the key and the fix."""


def _key(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


# How sigma and a weight factor appear in file and variant names (the Snakefile's wildcard patterns).
SIGMA_NAME = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?")
SCALE_NAME = re.compile(r"\d+(\.\d+)?")
SIGMA_LISTS = (("grid", "sigma"), ("bifurcation", "sigma"), ("normalization", "sigma"), ("nest_crosscheck", "sigma"))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _non_finite(value, path=()):
    """The key path of the first NaN or infinity anywhere in `value`, else None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _non_finite(item, (*path, key))
        if found:
            return found
    return None


@functools.cache
def _schema() -> dict:
    import yaml

    return yaml.safe_load(SCHEMA.read_text())


def _validator(schema):
    """Draft 2020-12, except that an integer is written as one: 20.0 is a number, not an integer
    (it would name files a20.0_... and ask a model parameter for 20.0 groups)."""
    import jsonschema

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    )
    return jsonschema.validators.extend(base, type_checker=checker)(schema)


def validate_config(config: dict) -> dict:
    """Check `config` against the schema and the model; fill defaults; raise ConfigError naming the key."""
    if not isinstance(config, dict):
        raise ConfigError(f"config (top level): expected a mapping of keys to values, got {type(config).__name__}")
    found = _non_finite(config)
    if found:
        raise ConfigError(f"config key {_key(found[0])}: {found[1]} is not a finite number")
    schema = _schema()
    errors = sorted(_validator(schema).iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        raise ConfigError(_one_line(f"config key {_key(error.absolute_path)}: {error.message}"))
    config = _with_defaults(config, schema)
    _normalize_zeros(config)
    for name, value in config["model"].items():
        try:
            check_value(name, value)
        except ParameterError as error:
            raise ConfigError(_one_line(f"config key model.{name}: {error}")) from None
    try:
        model = Params().with_overrides(config["model"])
    except ParameterError as error:
        raise ConfigError(_one_line(f"config key model: {error}")) from None
    _check_names(config)
    for name, overrides in config["window_variants"].items():
        bad = [k for k in overrides if not (k.startswith(("window_", "packet_")) or k in PACKET_KEYS)]
        if bad:
            raise ConfigError(
                f"config key window_variants.{name}.{bad[0]}: only packet-window parameters may vary here"
            )
        for key, value in overrides.items():
            try:
                check_value(key, value)
            except ParameterError as error:
                raise ConfigError(_one_line(f"config key window_variants.{name}.{key}: {error}")) from None
        try:
            model.with_overrides(overrides)
        except ParameterError as error:
            raise ConfigError(_one_line(f"config key window_variants.{name}: {error}")) from None
    grid = config["grid"]
    for sigma in grid["sigma"]:
        if sigma > 0 and model.t0 < 3 * sigma:
            raise ConfigError(
                f"config key grid.sigma: sigma = {sigma} ms needs t0 >= {3 * sigma} ms (model.t0 is {model.t0})"
            )
    for i, raster in enumerate(config["rasters"]):
        if raster["a"] not in grid["a"] or raster["sigma"] not in grid["sigma"]:
            raise ConfigError(f"config key rasters[{i}]: (a={raster['a']}, sigma={raster['sigma']}) is not on the grid")
        if raster.get("trial", 0) >= config["trials"]:
            raise ConfigError(f"config key rasters[{i}].trial: must be < trials ({config['trials']})")
    for i, sigma in enumerate(config["transmission_sigmas"]):
        if sigma not in grid["sigma"]:
            raise ConfigError(f"config key transmission_sigmas[{i}]: {sigma} is not on grid.sigma")
    nest = config["nest_crosscheck"]
    if nest.get("enabled"):
        if "sigma" not in nest:
            raise ConfigError("config key nest_crosscheck.sigma: required when nest_crosscheck.enabled is true")
        off_grid = [s for s in nest["sigma"] if s not in grid["sigma"]]
        if off_grid:
            raise ConfigError(f"config key nest_crosscheck.sigma: {off_grid[0]} is not on grid.sigma")
    for section in ("bifurcation", "normalization", "prediction"):
        required = {
            "bifurcation": ("group_sizes", "a", "sigma", "trials"),
            "normalization": ("a", "sigma", "trials"),
            "prediction": ("a", "sigma", "trials"),
        }[section]
        if config[section].get("enabled"):
            missing = [k for k in required if k not in config[section]]
            if missing:
                raise ConfigError(f"config key {section}.{missing[0]}: required when {section}.enabled is true")
            for sigma in config[section]["sigma"] if section != "prediction" else ():  # the kernels move t0
                if sigma > 0 and model.t0 < 3 * sigma:
                    raise ConfigError(f"config key {section}.sigma: sigma = {sigma} ms needs t0 >= {3 * sigma} ms")
    return config


def _normalize_zeros(config: dict) -> None:
    """-0.0 ms is the same jitter as 0.0 ms: store it as 0.0 (a file named s-0 would match no rule)."""
    for section, key in SIGMA_LISTS:
        if key in config[section]:
            config[section][key] = [value + 0.0 for value in config[section][key]]
    config["transmission_sigmas"] = [value + 0.0 for value in config["transmission_sigmas"]]
    for raster in config.get("rasters", []):
        raster["sigma"] = raster["sigma"] + 0.0


def _check_names(config: dict) -> None:
    """Every sigma and weight factor must give a file or variant name that reads back exactly and is
    its own (two values sharing a file would mix their results)."""
    for section, key in SIGMA_LISTS:
        labels = {}
        for i, sigma in enumerate(config.get(section, {}).get(key, [])):
            label = sigma_label(sigma)
            if not SIGMA_NAME.fullmatch(label) or float(label) != float(sigma):
                raise ConfigError(
                    f"config key {section}.{key}[{i}]: sigma = {sigma!r} cannot be written in a file name"
                    f" that reads back exactly (it would be {label!r}); use a plain decimal number"
                )
            if label in labels:
                raise ConfigError(
                    f"config key {section}.{key}[{i}]: sigma = {sigma!r} would share result files with"
                    f" {section}.{key}[{labels[label]}]"
                )
            labels[label] = i
    labels = {}
    for i, factor in enumerate(config["normalization"].get("weight_scales", [])):
        label = f"{factor:g}"
        if not SCALE_NAME.fullmatch(label) or float(label) != float(factor):
            raise ConfigError(
                f"config key normalization.weight_scales[{i}]: {factor!r} would be named norm_scale{label},"
                f" which does not read back exactly; use at most 6 significant digits, no exponent"
            )
        if label in labels:
            raise ConfigError(
                f"config key normalization.weight_scales[{i}]: {factor!r} would share the variant"
                f" norm_scale{label} with weight_scales[{labels[label]}]"
            )
        labels[label] = i


def _with_defaults(config, schema: dict):
    """config with the schema's defaults filled in, in objects and in the objects of arrays."""
    if isinstance(config, list) and isinstance(schema.get("items"), dict):
        return [_with_defaults(item, schema["items"]) for item in config]
    if not isinstance(config, dict):
        return config
    out = dict(config)
    for key, sub in schema.get("properties", {}).items():
        if key not in out and "default" in sub:
            out[key] = copy.deepcopy(sub["default"])
        if key in out:
            out[key] = _with_defaults(out[key], sub)
    return out
