"""Figures of the reproduction (matplotlib + seaborn), each saved as PNG and PDF.

Every legend, title and axis label is for a reader of the report: words, not variant ids or column
names (diesmann1999.variants.label), units in brackets. Curves that carry an interval are drawn
with thin error bars, each curve shifted a little along x, so that intervals of neighbouring
curves do not pile into opaque blocks where they overlap (at P = 0 and 1 above all).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from .variants import label

A_IN = "input packet a [spikes]"
A = "a [spikes]"
SIGMA = "σ [ms]"
P_SURVIVAL = "P(survival)"
A50 = "threshold packet a50 [spikes]"
REFERENCE = "norm_one_over_e_peak"  # the seeds' model in the normalization study


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(context="paper", style="ticks")
    return plt


def save(fig, png_path) -> None:
    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png_path, dpi=150, bbox_inches="tight")
    fig.savefig(png_path.with_suffix(".pdf"), bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)


def _colours(n: int, cmap="viridis"):
    """n colours of a sequential map, without its palest end (hard to see on white)."""
    import matplotlib

    return [matplotlib.colormaps[cmap](x) for x in np.linspace(0.0, 0.85, max(n, 1))][:n]


def _offsets(n: int, x_values) -> np.ndarray:
    """Small x shifts for n curves on the grid x_values, centred on the true x: together they span
    a quarter of the smallest grid step, and at most 2 % of the whole x range."""
    x = np.unique(np.asarray(x_values, dtype=float))
    span = min(0.25 * np.diff(x).min(), 0.02 * (x[-1] - x[0])) if x.size > 1 else 0.0
    return (np.arange(n) - (n - 1) / 2) * (span / max(n - 1, 1))


def _interval(ax, x, y, low, high, *, colour, label=None, marker="o", ls="-", lw=1.2, ms=3.5, zorder=2):
    """A curve with its interval as thin error bars (no band)."""
    y, low, high = (np.asarray(v, dtype=float) for v in (y, low, high))
    yerr = np.clip(np.vstack([y - low, high - y]), 0, None)
    drawn = ax.errorbar(
        x,
        y,
        yerr=np.nan_to_num(yerr),
        fmt=marker,
        ls=ls,
        lw=lw,
        ms=ms,
        elinewidth=0.8,
        capsize=0,
        color=colour,
        label=label,
        zorder=zorder,
    )
    for bars in drawn.lines[2]:
        bars.set_alpha(0.55)
    return drawn


def _wrap(text: str, width: int = 48) -> str:
    return "\n".join(textwrap.wrap(text, width, subsequent_indent="  "))


def rasters(points, output) -> None:
    """Fig. 1: one raster per (label, point Dataset, trial index)."""
    import json

    plt = _plt()
    fig, axes = plt.subplots(1, len(points), figsize=(4.2 * len(points), 3.6), sharey=True, squeeze=False)
    for ax, (title, ds, trial) in zip(axes[0], points):
        bounds = np.concatenate([[0], np.cumsum(ds.spike_count.values)])
        i = int(np.flatnonzero(ds.trial.values == trial)[0])
        part = slice(bounds[i], bounds[i + 1])
        size = int(json.loads(ds.attrs["params"])["group_size"])
        groups = ds.sizes["group"]
        y = ds.spike_group.values[part] * size + ds.spike_neuron.values[part]
        for boundary in range(1, groups):
            ax.axhline(boundary * size, color="0.85", lw=0.5, zorder=0)
        ax.set_yticks((np.arange(groups) + 0.5) * size, [str(g + 1) for g in range(groups)])
        ax.plot(ds.spike_time.values[part], y, "|", ms=2, color="k")
        alive = int((ds.a_out.values[i] > 0).sum())
        ax.set_title(
            f"{title}a = {ds.attrs['a']} spikes, σ = {ds.attrs['sigma']:g} ms\n"
            f"(trial {trial}: packet alive in {alive} of {groups} groups)",
            fontsize=9,
        )
        ax.set_xlabel("time [ms]")
        ax.set_ylim(0, groups * size)
    axes[0, 0].set_ylabel(f"group ({size} neurons each)")
    save(fig, output)


def transmission(table, output, sigmas=None) -> None:
    """Fig. 2: a_out vs a_in per sigma_in (with the diagonal); sigma_out vs sigma_in per a_in."""
    plt = _plt()

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    shown = table if not sigmas else table[table.sigma_in.isin(sigmas)]
    groups = list(shown.groupby("sigma_in"))
    for colour, offset, (sigma, part) in zip(_colours(len(groups)), _offsets(len(groups), shown.a_in), groups):
        _interval(
            left,
            part.a_in + offset,
            part.a_out_mean,
            part.a_out_mean - part.a_out_sd,
            part.a_out_mean + part.a_out_sd,
            colour=colour,
            label=f"{sigma:g}",
        )
    top = max(table.a_in.max(), table.a_out_mean.max()) * 1.05
    left.plot([0, top], [0, top], "k--", lw=1)
    left.set(
        xlabel=r"input packet $a_\mathrm{in}$ [spikes]",
        ylabel=r"output packet $a_\mathrm{out}$ [spikes]",
        xlim=(0, top),
        ylim=(0, top),
    )
    left.legend(title=r"$\sigma_\mathrm{in}$ [ms]", fontsize=7, title_fontsize=7)
    for colour, (a, part) in zip(_colours(table.a_in.nunique(), "rocket"), table.groupby("a_in")):
        right.plot(part.sigma_in, part.sigma_out_mean, marker="o", ms=3, color=colour, label=f"{a}")
    top = max(table.sigma_in.max(), np.nanmax(table.sigma_out_mean.values)) * 1.05
    right.plot([0, top], [0, top], "k--", lw=1)
    right.set(xlabel=r"input spread $\sigma_\mathrm{in}$ [ms]", ylabel=r"output spread $\sigma_\mathrm{out}$ [ms]")
    right.legend(title=r"$a_\mathrm{in}$ [spikes]", fontsize=6, title_fontsize=7, ncol=2)
    save(fig, output)


def state_space(ds, flow, threshold, fixed, output, min_fraction: float, trajectories_per_start: int = 1) -> None:
    """Fig. 3: trajectories in the (sigma, a) plane, mean flow, separatrix and fixed points."""
    plt = _plt()
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    if len(flow):
        ax.quiver(
            flow.sigma, flow.a, flow.ds, flow.da, angles="xy", scale_units="xy", scale=2, color="0.6", width=0.003
        )
    from .analysis import survived

    alive = survived(ds, min_fraction).values
    rng = np.random.default_rng(0)
    for i, a in enumerate(ds.a_in.values):
        for j, sigma in enumerate(ds.sigma_in.values):
            for t in rng.permutation(ds.sizes["trial"])[:trajectories_per_start]:
                a_path = np.concatenate([[a], ds.a_out.values[i, j, t]])
                s_path = np.concatenate([[sigma], ds.sigma_out.values[i, j, t]])
                ok = np.isfinite(s_path)
                ax.plot(
                    s_path[ok], a_path[ok], "-", lw=0.7, alpha=0.8, color="tab:blue" if alive[i, j, t] else "tab:red"
                )
    handles = [
        Line2D([], [], color="0.6", marker=r"$\rightarrow$", ls="", ms=9, label="mean flow"),
        Line2D([], [], color="tab:blue", lw=1, label="trajectory: packet survives"),
        Line2D([], [], color="tab:red", lw=1, label="trajectory: packet dies"),
    ]
    curve = threshold.dropna(subset=["a50"])
    (separatrix,) = ax.plot(curve.sigma, curve.a50, "k-", lw=2, label="separatrix (50 % survival)")
    handles.append(separatrix)
    for _, row in fixed.iterrows():
        marker = "o" if row.kind == "attractor" else "X"
        (point,) = ax.plot(
            row.sigma,
            row.a,
            marker,
            ms=10,
            mfc="gold",
            mec="k",
            ls="",
            label=f"{row.kind} (a = {row.a:.0f} spikes, σ = {row.sigma:.2f} ms)",
        )
        handles.append(point)
    ax.set(
        xlabel=SIGMA,
        ylabel=A,
        xlim=(0, max(3.0, ds.sigma_in.values.max()) * 1.05),
        ylim=(0, max(110, ds.a_in.values.max() + 10)),
    )
    ax.legend(handles=handles, fontsize=7, loc="lower right", framealpha=0.9)
    save(fig, output)


def survival(table, threshold, output_curves, output_heatmap) -> None:
    """Fig. 4: P(a) per sigma with Wilson intervals and the fitted probit curve (threshold's a50_fit,
    slope_fit; points joined by lines where there is no fit), and a heat map with the 50 % contour."""
    from .psychometric import curve

    plt = _plt()

    fig, ax = plt.subplots(figsize=(6.2, 4.2))
    groups = list(table.groupby("sigma"))
    fits = threshold.set_index("sigma")
    fine = np.linspace(table.a.min(), table.a.max(), 400)
    for colour, offset, (sigma, part) in zip(_colours(len(groups)), _offsets(len(groups), table.a), groups):
        part = part.sort_values("a")
        fit = fits.loc[sigma] if sigma in fits.index else None
        fitted = fit is not None and np.isfinite(fit.a50_fit)
        ls = "none" if fitted else "-"
        _interval(ax, part.a + offset, part.p, part.ci_low, part.ci_high, colour=colour, label=f"{sigma:g}", ls=ls)
        if fitted:
            ax.plot(fine, curve(fine, fit.a50_fit, fit.slope_fit), color=colour, lw=1.2, zorder=1)
    ax.axhline(0.5, color="k", lw=0.8, ls=":")
    ax.set(xlabel=A_IN, ylabel=P_SURVIVAL, ylim=(-0.03, 1.03))
    ax.legend(title=SIGMA, fontsize=7, title_fontsize=7, loc="lower right")
    save(fig, output_curves)
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    grid = table.pivot(index="a", columns="sigma", values="p").sort_index(ascending=True)
    mesh = ax.pcolormesh(
        _edges(grid.columns.values),
        _edges(grid.index.values),
        grid.values,
        cmap="magma",
        vmin=0,
        vmax=1,
        shading="flat",
    )
    fig.colorbar(mesh, ax=ax, label=P_SURVIVAL)
    curve = threshold.dropna(subset=["a50"])
    ax.plot(curve.sigma, curve.a50, "c-", lw=2, label="50 % survival (a50)")
    ax.fill_between(curve.sigma, curve.a50_low, curve.a50_high, color="c", alpha=0.3, lw=0, label="its 95 % interval")
    ax.set(xlabel=SIGMA, ylabel=A_IN)
    ax.legend(fontsize=7)
    save(fig, output_heatmap)


def _edges(centres):
    centres = np.asarray(centres, dtype=float)
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = 0.5 * (centres[1:] + centres[:-1])
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


def threshold_comparison(curves, output, xlabel=SIGMA, title="") -> None:
    """a50 curves of several settings (dict name -> threshold table) with their intervals; names
    are shown with spaces for underscores ("wide_no_clip" -> "wide no clip")."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    every_x = np.concatenate([np.asarray(t.sigma, dtype=float) for t in curves.values()] or [np.zeros(1)])
    colours = [f"C{i}" for i in range(len(curves))]
    for colour, offset, (name, table) in zip(colours, _offsets(len(curves), every_x), curves.items()):
        _interval(
            ax,
            table.sigma + offset,
            table.a50,
            table.a50_low,
            table.a50_high,
            colour=colour,
            label=str(name).replace("_", " "),
        )
    ax.set(xlabel=xlabel, ylabel=A50, title=title)
    ax.legend(fontsize=7, title="packet window", title_fontsize=7)
    save(fig, output)


def bifurcation(table, output) -> None:
    """Fig. 5: attractor a* and threshold packet vs group size."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.plot(table.group_size, table.attractor_a, "o-", label="attractor a*")
    sigmas = ", ".join(f"{s:g}" for s in sorted(table.sigma.unique())) if "sigma" in table else ""
    _interval(
        ax,
        table.group_size,
        table.a50,
        table.a50_low,
        table.a50_high,
        colour="C1",
        marker="s",
        label=f"threshold packet a50 (σ = {sigmas} ms)" if sigmas else "threshold packet a50",
    )
    ax.plot(table.group_size, table.group_size, "k:", lw=1, label="a = w (the whole group fires)")
    ax.set(xlabel="group size w", ylabel=A)
    ax.legend(fontsize=7)
    save(fig, output)


def normalization_issue577(table, traces, output) -> None:
    """BrainPy issue #577: each convention's ODE conductance vs the convolution with (t/tau) e^(-t/tau)."""
    plt = _plt()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    t = traces["t_ms"]
    window = t <= min(t[-1], 200.0)
    top.plot(
        t[window],
        traces["convolution"][window],
        "k-",
        lw=2.5,
        alpha=0.35,
        label="convolution of the spikes with (t/τ) exp(−t/τ)",
    )
    for _, row in table.iterrows():
        ode = row.ode.replace("tau", "τ")
        top.plot(
            t[window],
            traces[row.convention][window],
            lw=1,
            label=f"{label(row.convention)}: {ode}  (= {row.ratio_to_convolution:.4g} × convolution)",
        )
    highest = max(traces[name][window].max() for name in table.convention)
    top.set(ylabel="conductance g per unit weight", yscale="log", ylim=(1e-2, highest * 80))  # room for the legend
    top.legend(fontsize=6, loc="upper right")
    spikes = traces["spikes"] * (t[1] - t[0])
    bottom.eventplot(spikes[spikes <= t[window][-1]], colors="k", lineoffsets=0.5, linelengths=0.8)
    bottom.set(xlabel="time [ms]", yticks=[], ylabel="LIF spikes")
    save(fig, output)


def _same_curves(frame, value_columns) -> list[list[str]]:
    """Variants of `frame` grouped where their values are identical (reference first, then by
    name): each group is drawn once."""
    groups: dict[tuple, list[str]] = {}
    for variant, part in frame.groupby("variant"):
        key = tuple(
            np.round(part.sort_values(["sigma", "a"] if "a" in part else ["sigma"])[value_columns], 9).values.ravel()
        )
        groups.setdefault(key, []).append(variant)
    ordered = [sorted(g, key=lambda v: (v != REFERENCE, v.endswith("_cal"), v)) for g in groups.values()]
    return sorted(ordered, key=lambda g: (g[0] != REFERENCE, g[0]))


def _group_label(variants: list[str], psp: dict[str, float], same: str) -> str:
    """One legend entry for variants that give the same result: their words (the calibrated ones
    named together) and their PSP peak, once if they share it."""
    shared = len({round(psp[v], 4) for v in variants}) == 1

    def words(text, variant):
        return text if shared else f"{text} (PSP {psp[variant]:.3f} mV)"

    parts = [words(label(v), v) for v in variants if not v.endswith("_cal")]
    calibrated = [v for v in variants if v.endswith("_cal")]
    if len(calibrated) == 1:
        parts.append(words(label(calibrated[0]), calibrated[0]))
    elif calibrated:
        names = ", ".join(label(v).removesuffix(", calibrated") for v in calibrated)
        parts.append(words(f"calibrated {names}", calibrated[0]))
    text = " = ".join(parts) + (f" ({same})" if len(variants) > 1 else "")
    return f"{text}: PSP {psp[variants[0]]:.3f} mV" if shared else text


def normalization_survival(survival, output) -> None:
    """Survival curves of the chain under each normalization convention / integrator / weight: one
    row per sigma; left, the seeds' weight under each convention; right, the calibrated
    conventions, Euler and the paper's PSP; the seeds' model (black) in both."""
    plt = _plt()

    sigmas = sorted(survival.sigma.unique())
    named = survival[~survival.variant.str.startswith("norm_scale")]
    as_is = [v for v in named.variant.unique() if not v.endswith("_cal") and v not in ("norm_euler", "norm_paper")]
    panels = [
        ("seeds' weight, unchanged, under each convention", set(as_is)),
        (
            "calibrated to the seeds' PSP; Euler; the paper's PSP",
            set(named.variant.unique()) - set(as_is) | {REFERENCE},
        ),
    ]
    fig, axes = plt.subplots(len(sigmas), 2, figsize=(9.5, 4.2 * len(sigmas)), squeeze=False, sharex=True, sharey=True)
    colours = iter(f"C{i}" for i in range(20))
    colour_of: dict[str, str] = {REFERENCE: "k"}
    psp = dict(zip(named.variant, named.psp_mv))
    for row, sigma in enumerate(sigmas):
        for ax, (title, members) in zip(axes[row], panels):
            shown = named[(named.sigma == sigma) & named.variant.isin(members)]
            groups = _same_curves(shown, ["p"])
            for offset, group in zip(_offsets(len(groups), shown.a), groups):
                part = shown[shown.variant == group[0]].sort_values("a")
                if group[0] not in colour_of:
                    colour_of[group[0]] = next(colours)
                colour = colour_of[group[0]]
                _interval(
                    ax,
                    part.a + offset,
                    part.p,
                    part.ci_low,
                    part.ci_high,
                    colour=colour,
                    lw=2 if group[0] == REFERENCE else 1.2,
                    label=_wrap(_group_label(group, psp, "same curve"), 52),
                )
            ax.axhline(0.5, color="k", lw=0.6, ls=":")
            ax.set(title=f"{title}\nσ = {sigma:g} ms", ylim=(-0.03, 1.03))
            ax.title.set_fontsize(8)
            ax.legend(fontsize=5.5, loc="center right", framealpha=0.9)
        axes[row, 0].set_ylabel(P_SURVIVAL)
    for ax in axes[-1]:
        ax.set_xlabel(A_IN)
    save(fig, output)


def normalization_threshold_vs_psp(thresholds, output) -> None:
    """Threshold packet a50 vs PSP peak: the curve of the scaled seeds' weight (one colour per
    sigma), and a marker for each convention, integrator and calibration (legend on the right);
    variants without a threshold in the simulated range of a are listed under it."""
    plt = _plt()
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(6.0, 4.4))
    psp = dict(zip(thresholds.variant, thresholds.psp_mv))
    x_range = np.ptp(thresholds.psp_mv[np.isfinite(thresholds.a50)]) or 1.0
    outside, line_handles, marker_handles = [], [], []
    markers = iter("osD^vP<>hX*p" * 3)
    marker_of: dict[tuple, str] = {}
    for colour, (sigma, part) in zip([f"C{i}" for i in range(20)], thresholds.groupby("sigma")):
        curve = part[part.variant.str.startswith("norm_scale") | (part.variant == REFERENCE)].sort_values("psp_mv")
        seeds = curve.w[curve.variant == REFERENCE]
        factors = sorted(curve.w / seeds.iloc[0]) if len(seeds) else []
        span = f" × {factors[0]:g} … {factors[-1]:g}" if len(factors) > 1 else ""
        (line,) = ax.plot(
            curve.psp_mv, curve.a50, ".-", lw=1, ms=4, color=colour, label=f"seeds' weight{span}, σ = {sigma:g} ms"
        )
        line_handles.append(line)
        named = part[~part.variant.str.startswith("norm_scale")]
        finite = named[np.isfinite(named.a50)]
        groups = _same_curves(finite, ["psp_mv", "a50"])
        # Points at (nearly) the same PSP, Euler's and the paper's weight say, are shifted apart a little.
        clusters: list[list[str]] = []
        for group in sorted(groups, key=lambda g: psp[g[0]]):
            if clusters and psp[group[0]] - psp[clusters[-1][-1][0]] < 0.015 * x_range:
                clusters[-1].append(group)
            else:
                clusters.append([group])
        shift = {g[0]: (i - (len(c) - 1) / 2) * 0.02 * x_range for c in clusters for i, g in enumerate(c)}
        for group in groups:
            row = finite[finite.variant == group[0]].iloc[0]
            key = tuple(group)
            if key not in marker_of:
                marker_of[key] = next(markers)
                marker_handles.append(
                    Line2D(
                        [],
                        [],
                        marker=marker_of[key],
                        color="0.3",
                        ls="",
                        ms=5,
                        label=_wrap(_group_label(group, psp, "same result"), 56),
                    )
                )
            _interval(
                ax,
                [row.psp_mv + shift[group[0]]],
                [row.a50],
                [row.a50_low],
                [row.a50_high],
                colour=colour,
                marker=marker_of[key],
                ls="",
                ms=5,
                zorder=3,
            )
        for _, row in named[~np.isfinite(named.a50)].iterrows():
            verdict = "every packet survives" if row.p_at_min_a >= 0.5 else "no packet survives"
            outside.append(_wrap(f"{label(row.variant)} (PSP {row.psp_mv:.3f} mV, σ = {sigma:g} ms): {verdict}", 62))
    ax.set(xlabel="PSP peak [mV]", ylabel=A50)
    ax.add_artist(ax.legend(handles=line_handles, fontsize=7, loc="upper right"))
    if marker_handles:
        ax.legend(handles=marker_handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    if outside:
        ax.text(
            1.02,
            0.0,
            "No threshold in the simulated range of a:\n" + "\n".join(outside),
            transform=ax.transAxes,
            fontsize=6,
            va="bottom",
            ha="left",
            bbox=dict(fc="white", ec="0.7"),
        )
    save(fig, output)


def survival_overlay(table, output) -> None:
    """Survival curves of several systems (column `system`) per sigma, with Wilson intervals."""
    plt = _plt()
    sigmas = sorted(table.sigma.unique())
    fig, axes = plt.subplots(1, len(sigmas), figsize=(5 * len(sigmas), 3.8), squeeze=False, sharey=True)
    for ax, sigma in zip(axes[0], sigmas):
        shown = table[table.sigma == sigma]
        systems = list(shown.groupby("system"))
        for i, offset, (system, part) in zip(range(len(systems)), _offsets(len(systems), shown.a), systems):
            part = part.sort_values("a")
            _interval(
                ax,
                part.a + offset,
                part.p,
                part.ci_low,
                part.ci_high,
                colour=f"C{i}",
                label=f"{system} ({part.trials.iloc[0]} trials)",
            )
        ax.axhline(0.5, color="k", lw=0.6, ls=":")
        ax.set(title=f"σ = {sigma:g} ms", xlabel=A_IN, ylim=(-0.03, 1.03))
    axes[0, 0].set_ylabel(P_SURVIVAL)
    axes[0, -1].legend(fontsize=7, loc="lower right")
    save(fig, output)
