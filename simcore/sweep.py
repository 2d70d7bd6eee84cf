"""The (a, sigma) sweep of the workflow: validated config, named variants, job chunks, aggregation.

A *variant* is a named parameter set with its own grid: ``main`` (the config's model and grid),
``w<N>`` for the optional group-size bifurcation sweep. Simulation files live in
``results/sims/<variant>/a<a>_s<sigma>_c<chunk>.nc``; ``aggregate`` stacks them into one Dataset with
dimensions (a_in, sigma_in, trial, group).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .params import ParameterError, Params
from .sources import digest

SCHEMA = Path(__file__).resolve().parent.parent / "workflow" / "schemas" / "config.schema.yaml"
# Source files whose change alters simulation results: their digest is a parameter of every
# simulation job, so Snakemake re-runs simulations when the model code changes (and only then).
MODEL_MODULES = ("params.py", "kernels.py", "propagator.py", "ziggurat.py", "flags.py", "draws.py", "network.py", "rng.py", "packets.py", "dataset.py", "_jit.py", "cli.py")
# Likewise for the analysis and figures: a change re-runs them, never the simulations.
ANALYSIS_MODULES = ("analysis.py", "figures.py", "pipeline.py", "kernel_study.py", "psp.py", "sweep.py", "sources.py", "crosscheck.py")


class ConfigError(ValueError):
    """The workflow config is not acceptable; the message names the key and the fix."""


def code_digest(modules=MODEL_MODULES) -> str:
    """Digest of the named simcore source files (a parameter of the jobs that depend on them)."""
    return digest(modules)


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
        bad = [k for k in overrides if not (k.startswith("window_") or k in ("clip_n_sd", "min_packet_spikes"))]
        if bad:
            raise ConfigError(f"config key window_variants.{name}.{bad[0]}: only packet-window parameters may vary here")
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
    for section in ("bifurcation", "kernels"):
        required = {"bifurcation": ("group_sizes", "a", "sigma", "trials"), "kernels": ("a", "sigma", "trials")}[section]
        if config[section].get("enabled"):
            missing = [k for k in required if k not in config[section]]
            if missing:
                raise ConfigError(f"config key {section}.{missing[0]}: required when {section}.enabled is true")
            for sigma in config[section]["sigma"]:
                if sigma > 0 and model.t0 < 3 * sigma:
                    raise ConfigError(f"config key {section}.sigma: sigma = {sigma} ms needs t0 >= {3 * sigma} ms")
    return config


def _with_defaults(config: dict, schema: dict) -> dict:
    out = dict(config)
    for key, sub in schema.get("properties", {}).items():
        if key not in out and "default" in sub:
            out[key] = sub["default"]
        if isinstance(out.get(key), dict) and sub.get("type") == "object" and "properties" in sub:
            out[key] = _with_defaults(out[key], sub)
    return out


def sigma_label(sigma: float) -> str:
    return f"{float(sigma):g}"


@dataclass(frozen=True)
class Variant:
    name: str
    params: Params
    a_values: tuple[int, ...]
    sigma_values: tuple[float, ...]
    trials: int
    trials_per_job: int
    seed: int
    study: str = "main"  # "main", "bifurcation" (w<N>) or "kernels" (k_*)

    def chunks(self) -> list[range]:
        step = self.trials_per_job
        return [range(start, min(start + step, self.trials)) for start in range(0, self.trials, step)]

    def sim_files(self, root="results") -> list[str]:
        return [
            sim_path(root, self.name, a, s, c)
            for a in self.a_values
            for s in self.sigma_values
            for c in range(len(self.chunks()))
        ]


def sim_path(root, variant: str, a: int, sigma, chunk: int) -> str:
    return f"{root}/sims/{variant}/a{a}_s{sigma_label(float(sigma))}_c{chunk}.nc"


def variants(config: dict) -> dict[str, Variant]:
    model = Params().with_overrides(config["model"])
    common = dict(trials_per_job=config["trials_per_job"], seed=config["seed"])
    grid = config["grid"]
    out = {
        "main": Variant("main", model, tuple(grid["a"]), tuple(map(float, grid["sigma"])), config["trials"], **common)
    }
    bif = config["bifurcation"]
    if bif.get("enabled"):
        for size in bif["group_sizes"]:
            out[f"w{size}"] = Variant(
                f"w{size}", model.replace(group_size=int(size)), tuple(bif["a"]),
                tuple(map(float, bif["sigma"])), bif["trials"], study="bifurcation", **common,
            )
    kernels = config["kernels"]
    if kernels.get("enabled"):
        for name, params in kernel_variants(model, kernels).items():
            out[name] = Variant(name, params, tuple(kernels["a"]), tuple(map(float, kernels["sigma"])),
                                kernels["trials"], study="kernels", **common)
    return out


def study_files(variants: dict[str, Variant], study: str) -> list[str]:
    """The aggregated packet files of one study's variants."""
    return [f"results/variants/{name}/packets.nc" for name, v in variants.items() if v.study == study]


def kernel_variants(model: Params, kernels: dict) -> dict[str, Params]:
    """The kernel study's parameter sets, named k_*: every convention with the model's (seeds') weight
    unchanged, and calibrated to the model's PSP; Euler; the paper's 0.14 mV; weight scale factors."""
    from .kernels import CONVENTIONS, DEFAULT_CONVENTION
    from .psp import weight_for_psp_peak

    base = model.replace(kernel=DEFAULT_CONVENTION)
    out = {}
    for name, conv in CONVENTIONS.items():
        out[f"k_{name}"] = base.replace(kernel=name)
        if name != DEFAULT_CONVENTION:
            # The PSP is linear in the y jump w * jump_factor: the same jump gives the same PSP.
            out[f"k_{name}_cal"] = base.replace(kernel=name, w=base.chain_jump / conv.jump_factor(base.tau_s))
    out["k_euler"] = base.replace(integrator="euler")
    out["k_paper"] = base.replace(w=weight_for_psp_peak(base, kernels["target_psp_mv"]))
    for factor in kernels["weight_scales"]:
        if factor != 1:
            out[f"k_scale{factor:g}"] = base.replace(w=base.w * factor)
    return out


def aggregate(paths, variant: Variant):
    """Stack the chunk files of a variant into a Dataset (a_in, sigma_in, trial, group)."""
    import numpy as np
    import xarray as xr

    from .dataset import open_point

    by_point: dict[tuple[int, float], list] = {}
    provenance = None
    for path in paths:
        ds = open_point(path)
        key = (int(ds.attrs["a"]), float(ds.attrs["sigma"]))
        by_point.setdefault(key, []).append(ds[["a_out", "sigma_out", "t_out"]])
        provenance = provenance or dict(ds.attrs)
    n_trials, n_groups = variant.trials, variant.params.n_groups
    shape = (len(variant.a_values), len(variant.sigma_values), n_trials, n_groups)
    arrays = {"a_out": np.zeros(shape, np.int32), "sigma_out": np.full(shape, np.nan), "t_out": np.full(shape, np.nan)}
    for i, a in enumerate(variant.a_values):
        for j, sigma in enumerate(variant.sigma_values):
            parts = by_point.get((a, float(sigma)))
            if not parts:
                raise ValueError(f"no simulation file for a={a}, sigma={sigma} in variant {variant.name}")
            point = xr.concat(parts, dim="trial").sortby("trial")
            if point.sizes["trial"] != n_trials or not np.array_equal(point.trial.values, np.arange(n_trials)):
                raise ValueError(f"trials of a={a}, sigma={sigma} are incomplete: rerun the workflow")
            for name in arrays:
                arrays[name][i, j] = point[name].values
    dims = ("a_in", "sigma_in", "trial", "group")
    attrs = {k: provenance[k] for k in ("params", "seed", "simcore_version", "git_commit", "Conventions")}
    attrs.update(title=f"synfire chain sweep, variant {variant.name}", format="synfire-sweep/1", variant=variant.name)
    return xr.Dataset(
        {
            "a_out": (dims, arrays["a_out"], {"long_name": "spikes in the packet", "units": "1"}),
            "sigma_out": (dims, arrays["sigma_out"], {"long_name": "temporal spread (sd) of the packet", "units": "ms"}),
            "t_out": (dims, arrays["t_out"], {"long_name": "mean time of the packet", "units": "ms"}),
        },
        coords={
            "a_in": ("a_in", np.array(variant.a_values, dtype=np.int64), {"long_name": "spikes in the input packet"}),
            "sigma_in": ("sigma_in", np.array(variant.sigma_values), {"long_name": "input packet jitter", "units": "ms"}),
            "trial": np.arange(n_trials),
            "group": np.arange(n_groups),
        },
        attrs=attrs,
    )
