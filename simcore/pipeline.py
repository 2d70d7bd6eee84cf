"""The workflow's steps as functions of file paths and the validated config (called by thin scripts)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import analysis, figures
from .dataset import open_point, write_atomically, write_netcdf
from .sweep import aggregate, variants


def _write_csv(frame, path) -> None:
    write_atomically(lambda tmp: frame.to_csv(tmp, index=False, float_format="%.6g"), path)


def open_sweep(path):
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def aggregate_step(inputs, output, config, variant: str) -> None:
    write_netcdf(aggregate(inputs, variants(config)[variant]), output)


def analysis_step(packets, out: dict, config) -> None:
    ds = open_sweep(packets)
    surv = config["survival"]
    survival = analysis.survival_table(ds, surv["min_fraction"], surv["confidence"])
    threshold = analysis.threshold_table(survival)
    a_max = max(110.0, float(ds.a_in.max()) + 10)
    s_max = max(3.0, float(ds.sigma_in.max()))
    flow = analysis.flow_field(ds, np.linspace(0, a_max, 23), np.linspace(0, s_max, 16))
    fixed = analysis.fixed_points(ds, threshold, flow, surv["min_fraction"])
    for name, frame in (("survival", survival), ("threshold", threshold), ("flow", flow), ("fixed_points", fixed),
                        ("transmission", analysis.transmission_table(ds))):
        _write_csv(frame, out[name])


def window_sensitivity_step(sim_files, output, config) -> None:
    import pandas as pd

    variant = variants(config)["main"]
    settings = {"default": {}, **config["window_variants"]}
    group_size = variant.params.group_size
    every = pd.DataFrame(analysis.reextract(sim_files, variant.params, settings),
                         columns=["window", "a", "sigma", "trial", "a_last"])
    frames = []
    for name in settings:
        rows = every[every.window == name].copy()
        rows["alive"] = rows.a_last >= config["survival"]["min_fraction"] * group_size
        counts = rows.groupby(["a", "sigma"]).alive.agg(["sum", "size"]).reset_index()
        survival = analysis.survival_rows(counts.a, counts.sigma, counts["sum"], counts["size"],
                                          config["survival"]["confidence"])
        threshold = analysis.threshold_table(survival)
        threshold.insert(0, "window", name)
        frames.append(threshold)
    _write_csv(pd.concat(frames), output)


def bifurcation_step(packet_files, output, config) -> None:
    import pandas as pd

    rows = []
    for path in packet_files:
        ds = open_sweep(path)
        size = int(json.loads(ds.attrs["params"])["group_size"])
        survival = analysis.survival_table(ds, config["survival"]["min_fraction"], config["survival"]["confidence"])
        thresholds = analysis.threshold_table(survival)
        threshold = thresholds.iloc[0]
        fixed = analysis.fixed_points(ds, thresholds, pd.DataFrame(), config["survival"]["min_fraction"])
        attractor = fixed[fixed.kind == "attractor"]
        rows.append({
            "group_size": size, "sigma": threshold.sigma, "a50": threshold.a50, "a50_low": threshold.a50_low,
            "a50_high": threshold.a50_high,
            "attractor_a": float(attractor.a.iloc[0]) if len(attractor) else float("nan"),
            "attractor_sigma": float(attractor.sigma.iloc[0]) if len(attractor) else float("nan"),
            "p_survival_max": float(survival.p.max()),
        })
    _write_csv(pd.DataFrame(rows).sort_values("group_size"), output)


def figure_step(kind: str, inputs, outputs, config) -> None:
    import pandas as pd

    if kind == "rasters":
        points = []
        for path, spec in zip(inputs, config["rasters"]):
            ds = open_point(path)
            label = f"{spec['label']}: " if spec.get("label") else ""
            points.append((label, ds, spec.get("trial", 0)))
        figures.rasters(points, outputs[0])
    elif kind == "transmission":
        figures.transmission(pd.read_csv(inputs[0]), outputs[0], config["transmission_sigmas"])
    elif kind == "state_space":
        ds = open_sweep(inputs[0])
        flow, threshold, fixed = (pd.read_csv(p) for p in inputs[1:4])
        figures.state_space(ds, flow, threshold, fixed, outputs[0])
    elif kind == "survival":
        figures.survival(pd.read_csv(inputs[0]), pd.read_csv(inputs[1]), outputs[0], outputs[1])
    elif kind == "window_sensitivity":
        table = pd.read_csv(inputs[0])
        figures.threshold_comparison({n: t for n, t in table.groupby("window", sort=False)}, outputs[0],
                                     title="threshold packet under different packet windows")
    elif kind == "bifurcation":
        figures.bifurcation(pd.read_csv(inputs[0]), outputs[0])
    else:  # pragma: no cover - the rules name the kinds
        raise ValueError(kind)


def kernel_issue_step(out_csv, out_figure, config) -> None:
    from . import kernel_study

    table, traces = kernel_study.issue_577(tau=config["kernels"]["issue_tau_ms"])
    _write_csv(table, out_csv)
    figures.kernel_issue577(table, traces, out_figure)


def kernel_table_step(out_csv, out_md, config) -> None:
    from . import kernel_study

    model = variants(config)["main"].params
    table = kernel_study.conventions_table(model, config["kernels"]["target_psp_mv"], model.w)
    _write_csv(table, out_csv)
    write_atomically(lambda tmp: Path(tmp).write_text(kernel_study.markdown(table)), out_md)


def kernel_propagation_step(packet_files, out_survival, out_thresholds, config) -> None:
    import pandas as pd

    from .psp import psp

    surv = config["survival"]
    known = variants(config)
    survival_frames, threshold_frames = [], []
    for path in packet_files:
        ds = open_sweep(path)
        name = ds.attrs["variant"]
        params = known[name].params
        survival = analysis.survival_table(ds, surv["min_fraction"], surv["confidence"])
        threshold = analysis.threshold_table(survival)
        tags = {"variant": name, "kernel": params.kernel, "integrator": params.integrator, "w": params.w,
                "psp_mv": psp(params)["peak_mv"]}
        survival_frames.append(survival.assign(**tags))
        for sigma, part in survival.groupby("sigma"):
            threshold.loc[threshold.sigma == sigma, "p_at_min_a"] = part.sort_values("a").p.iloc[0]
            threshold.loc[threshold.sigma == sigma, "p_at_max_a"] = part.sort_values("a").p.iloc[-1]
        threshold_frames.append(threshold.assign(**tags))
    thresholds = pd.concat(threshold_frames, ignore_index=True)
    reference = thresholds[thresholds.variant == "k_one_over_e_peak"].set_index("sigma")
    ref = reference.reindex(thresholds.sigma)
    thresholds["shift_a50"] = thresholds.a50.values - ref.a50.values
    thresholds["shift_low"] = thresholds.a50_low.values - ref.a50_high.values
    thresholds["shift_high"] = thresholds.a50_high.values - ref.a50_low.values
    _write_csv(pd.concat(survival_frames, ignore_index=True), out_survival)
    _write_csv(thresholds.sort_values(["sigma", "psp_mv"]), out_thresholds)


def kernel_figure_step(survival_csv, thresholds_csv, out_survival, out_threshold) -> None:
    import pandas as pd

    figures.kernel_survival(pd.read_csv(survival_csv), out_survival)
    figures.kernel_threshold_vs_psp(pd.read_csv(thresholds_csv), out_threshold)


def nest_crosscheck_step(output, config) -> None:
    from .crosscheck import nest_survival

    nest = config["nest_crosscheck"]
    main = variants(config)["main"]
    table = nest_survival(main.params, main.a_values, nest["sigma"], nest["trials"], config["seed"],
                          config["survival"]["min_fraction"], config["survival"]["confidence"])
    _write_csv(table, output)


def nest_figure_step(simcore_csv, nest_csv, output) -> None:
    import pandas as pd

    nest = pd.read_csv(nest_csv)
    ours = pd.read_csv(simcore_csv)
    ours = ours[ours.sigma.isin(nest.sigma.unique())].assign(system="simcore (exact, diffusion)")
    figures.survival_overlay(pd.concat([ours, nest], ignore_index=True), output)
