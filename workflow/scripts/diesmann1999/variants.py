"""The simulated variants of the workflow and their simulation files.

A *variant* is a named parameter set with its own grid: ``main`` (the config's model and grid),
``size<N>`` for the optional group-size (bifurcation) sweep, ``norm_*`` for the normalization study.
Simulation files live in ``results/sims/<variant>/a<a>_s<sigma>_c<chunk>.nc``: chunk c of a point
holds trials [c * trials_per_job, (c + 1) * trials_per_job).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simcore.conventions import CONVENTIONS, DEFAULT_CONVENTION
from simcore.params import Params
from simcore.psp import weight_for_psp_peak

SIM_NAME = re.compile(r"a(?P<a>\d+)_s(?P<sigma>[0-9.e+-]+)_c(?P<chunk>\d+)\.nc$")


def sigma_label(sigma: float) -> str:
    """sigma as it appears in a file name: short (0.5, 2) where that reads back exactly, else repr."""
    sigma = float(sigma)
    short = f"{sigma:g}"
    return short if float(short) == sigma else repr(sigma)


@dataclass(frozen=True)
class Variant:
    name: str
    params: Params
    a_values: tuple[int, ...]
    sigma_values: tuple[float, ...]
    trials: int
    trials_per_job: int
    seed: int
    study: str = "main"  # "main", "bifurcation" (size<N>) or "normalization" (norm_*)

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
    return f"{root}/sims/{variant}/a{a}_s{sigma_label(sigma)}_c{chunk}.nc"


def variants(
    *, model: dict, grid: dict, trials: int, trials_per_job: int, seed: int, bifurcation: dict, normalization: dict
) -> dict[str, Variant]:
    """Every variant of a validated config, by name (the arguments are its sections)."""
    base = Params().with_overrides(model)
    common = dict(trials_per_job=trials_per_job, seed=seed)
    out = {"main": Variant("main", base, tuple(grid["a"]), tuple(map(float, grid["sigma"])), trials, **common)}
    if bifurcation.get("enabled"):
        for size in bifurcation["group_sizes"]:
            out[f"size{size}"] = Variant(
                f"size{size}",
                base.replace(group_size=int(size)),
                tuple(bifurcation["a"]),
                tuple(map(float, bifurcation["sigma"])),
                bifurcation["trials"],
                study="bifurcation",
                **common,
            )
    if normalization.get("enabled"):
        grid_of_study = (tuple(normalization["a"]), tuple(map(float, normalization["sigma"])), normalization["trials"])
        for name, params in normalization_variants(
            base, normalization["target_psp_mv"], normalization["weight_scales"]
        ).items():
            out[name] = Variant(name, params, *grid_of_study, study="normalization", **common)
    return out


def normalization_variants(model: Params, target_psp_mv: float, weight_scales) -> dict[str, Params]:
    """The normalization study's parameter sets, named norm_*: every convention with the model's
    (seeds') weight unchanged, and calibrated to the model's PSP (``_cal``); Euler; the weight that
    gives `target_psp_mv` (``norm_paper``); the seeds' weight times each factor (``norm_scale<f>``)."""
    base = model.replace(normalization=DEFAULT_CONVENTION)
    out = {}
    for name, conv in CONVENTIONS.items():
        out[f"norm_{name}"] = base.replace(normalization=name)
        if name != DEFAULT_CONVENTION:
            # The PSP is linear in the y jump w * jump_factor: the same jump gives the same PSP.
            out[f"norm_{name}_cal"] = base.replace(normalization=name, w=base.chain_jump / conv.jump_factor(base.tau_s))
    out["norm_euler"] = base.replace(integrator="euler")
    out["norm_paper"] = base.replace(w=weight_for_psp_peak(base, target_psp_mv))
    for factor in weight_scales:
        if factor != 1:
            out[f"norm_scale{factor:g}"] = base.replace(w=base.w * factor)
    return out


LABELS = {
    "main": "main sweep",
    "norm_peak_normalized": "peak-normalized (NEST), seeds' weight",
    "norm_one_over_e_peak": "1/e peak (Brian2, BrainPy ≥ 2.5), seeds' weight",
    "norm_unnormalized_ode": "unnormalized ODE (BrainPy ≤ 2.4.6), seeds' weight",
    "norm_unit_area": "unit area, seeds' weight",
    "norm_peak_normalized_cal": "peak-normalized, calibrated",
    "norm_unnormalized_ode_cal": "unnormalized ODE, calibrated",
    "norm_unit_area_cal": "unit area, calibrated",
    "norm_euler": "Euler integration",
    "norm_paper": "weight for a 0.14 mV PSP",
    # The conventions themselves (the issue #577 figure, the conventions table): config name -> words.
    "peak_normalized": "peak-normalized (NEST)",
    "one_over_e_peak": "1/e peak (Brian2, BrainPy ≥ 2.5)",
    "unnormalized_ode": "unnormalized ODE (BrainPy ≤ 2.4.6)",
    "unit_area": "unit area",
}


def label(variant: str) -> str:
    """A variant's name in words, for legends and tables."""
    if variant in LABELS:
        return LABELS[variant]
    if variant.startswith("norm_scale"):
        return f"seeds' weight × {variant.removeprefix('norm_scale')}"
    if variant.startswith("size"):
        return f"group size {variant.removeprefix('size')}"
    return variant
