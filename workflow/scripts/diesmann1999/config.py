"""The workflow config: checked against workflow/schemas/config.schema.yaml and the model, defaults filled.

``validate_config`` is the only function that sees the whole config; every rule then declares the
keys its job uses (workflow/rules/*.smk), so a changed key re-runs exactly the jobs that use it.
"""

from __future__ import annotations

from pathlib import Path

from simcore.params import ParameterError, Params

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"
PACKET_KEYS = ("clip_n_sd", "min_packet_spikes")  # with every window_* and packet_* parameter


class ConfigError(ValueError):
    """The workflow config is not acceptable; the message names the key and the fix."""


def _key(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def validate_config(config: dict) -> dict:
    """Check `config` against the schema and the model; fill defaults; raise ConfigError naming the key."""
    import jsonschema
    import yaml

    schema = yaml.safe_load(SCHEMA.read_text())
    validator_class = jsonschema.Draft202012Validator
    errors = sorted(validator_class(schema).iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        raise ConfigError(f"config key {_key(error.absolute_path)}: {error.message}")
    config = _with_defaults(config, schema)
    try:
        model = Params().with_overrides(config["model"])
    except ParameterError as error:
        raise ConfigError(f"config key model: {error}") from None
    for name, overrides in config["window_variants"].items():
        bad = [k for k in overrides if not (k.startswith(("window_", "packet_")) or k in PACKET_KEYS)]
        if bad:
            raise ConfigError(
                f"config key window_variants.{name}.{bad[0]}: only packet-window parameters may vary here"
            )
        try:
            model.with_overrides(overrides)
        except ParameterError as error:
            raise ConfigError(f"config key window_variants.{name}: {error}") from None
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
    nest = config["nest_crosscheck"]
    if nest.get("enabled"):
        if "sigma" not in nest:
            raise ConfigError("config key nest_crosscheck.sigma: required when nest_crosscheck.enabled is true")
        off_grid = [s for s in nest["sigma"] if s not in grid["sigma"]]
        if off_grid:
            raise ConfigError(f"config key nest_crosscheck.sigma: {off_grid[0]} is not on grid.sigma")
    for section in ("bifurcation", "normalization"):
        required = {"bifurcation": ("group_sizes", "a", "sigma", "trials"), "normalization": ("a", "sigma", "trials")}[
            section
        ]
        if config[section].get("enabled"):
            missing = [k for k in required if k not in config[section]]
            if missing:
                raise ConfigError(f"config key {section}.{missing[0]}: required when {section}.enabled is true")
            for sigma in config[section]["sigma"]:
                if sigma > 0 and model.t0 < 3 * sigma:
                    raise ConfigError(f"config key {section}.sigma: sigma = {sigma} ms needs t0 >= {3 * sigma} ms")
    return config


def _with_defaults(config, schema: dict):
    """config with the schema's defaults filled in, in objects and in the objects of arrays."""
    if isinstance(config, list) and isinstance(schema.get("items"), dict):
        return [_with_defaults(item, schema["items"]) for item in config]
    if not isinstance(config, dict):
        return config
    out = dict(config)
    for key, sub in schema.get("properties", {}).items():
        if key not in out and "default" in sub:
            out[key] = sub["default"]
        if key in out:
            out[key] = _with_defaults(out[key], sub)
    return out
