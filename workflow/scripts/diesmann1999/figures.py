"""Figures of the reproduction (matplotlib + seaborn), each saved as PNG and PDF."""

from __future__ import annotations

from pathlib import Path

import numpy as np


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


def rasters(points, output) -> None:
    """Fig. 1: one raster per (label, point Dataset, trial index)."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(points), figsize=(4.2 * len(points), 3.6), sharey=True, squeeze=False)
    for ax, (label, ds, trial) in zip(axes[0], points):
        bounds = np.concatenate([[0], np.cumsum(ds.spike_count.values)])
        i = int(np.flatnonzero(ds.trial.values == trial)[0])
        part = slice(bounds[i], bounds[i + 1])
        size = int(__import__("json").loads(ds.attrs["params"])["group_size"])
        y = ds.spike_group.values[part] * size + ds.spike_neuron.values[part]
        ax.plot(ds.spike_time.values[part], y, "|", ms=2, color="k")
        alive = int((ds.a_out.values[i] > 0).sum())
        ax.set_title(
            f"{label}a = {ds.attrs['a']}, sigma = {ds.attrs['sigma']:g} ms\n"
            f"(trial {trial}: packet alive in {alive} of {ds.sizes['group']} groups)",
            fontsize=9,
        )
        ax.set_xlabel("time [ms]")
    axes[0, 0].set_ylabel("neuron (group x size + index)")
    save(fig, output)


def transmission(table, output, sigmas=None) -> None:
    """Fig. 2: a_out vs a_in per sigma_in (with the diagonal); sigma_out vs sigma_in per a_in."""
    plt = _plt()
    import seaborn as sns

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    shown = table if not sigmas else table[table.sigma_in.isin(sigmas)]
    palette = sns.color_palette("viridis", shown.sigma_in.nunique())
    for colour, (sigma, part) in zip(palette, shown.groupby("sigma_in")):
        left.errorbar(
            part.a_in,
            part.a_out_mean,
            yerr=part.a_out_sd,
            marker="o",
            ms=3,
            color=colour,
            label=f"{sigma:g} ms",
            capsize=2,
        )
    top = max(table.a_in.max(), table.a_out_mean.max()) * 1.05
    left.plot([0, top], [0, top], "k--", lw=1)
    left.set(xlabel="a_in (spikes)", ylabel="a_out (spikes)", xlim=(0, top), ylim=(0, top))
    left.legend(title="sigma_in", fontsize=7)
    palette = sns.color_palette("rocket", table.a_in.nunique())
    for colour, (a, part) in zip(palette, table.groupby("a_in")):
        right.plot(part.sigma_in, part.sigma_out_mean, marker="o", ms=3, color=colour, label=f"{a}")
    top = max(table.sigma_in.max(), np.nanmax(table.sigma_out_mean.values)) * 1.05
    right.plot([0, top], [0, top], "k--", lw=1)
    right.set(xlabel="sigma_in [ms]", ylabel="sigma_out [ms]")
    right.legend(title="a_in", fontsize=6, ncol=2)
    save(fig, output)


def state_space(ds, flow, threshold, fixed, output, min_fraction: float, trajectories_per_start: int = 1) -> None:
    """Fig. 3: trajectories in the (sigma, a) plane, mean flow, separatrix and fixed points."""
    plt = _plt()
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
    curve = threshold.dropna(subset=["a50"])
    ax.plot(curve.sigma, curve.a50, "k-", lw=2, label="separatrix (a50)")
    for _, row in fixed.iterrows():
        marker = "o" if row.kind == "attractor" else "X"
        ax.plot(
            row.sigma, row.a, marker, ms=10, mfc="gold", mec="k", label=f"{row.kind} ({row.a:.0f}, {row.sigma:.2f} ms)"
        )
    ax.set(
        xlabel="sigma [ms]",
        ylabel="a (spikes)",
        xlim=(0, max(3.0, ds.sigma_in.values.max()) * 1.05),
        ylim=(0, max(110, ds.a_in.values.max() + 10)),
    )
    ax.legend(fontsize=7, loc="lower right")
    save(fig, output)


def survival(table, threshold, output_curves, output_heatmap) -> None:
    """Fig. 4: P(a) per sigma with Wilson intervals, and a heat map with the 50 % contour."""
    plt = _plt()
    import seaborn as sns

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    palette = sns.color_palette("viridis", table.sigma.nunique())
    for colour, (sigma, part) in zip(palette, table.groupby("sigma")):
        ax.plot(part.a, part.p, "o-", ms=3, color=colour, label=f"{sigma:g} ms")
        ax.fill_between(part.a, part.ci_low, part.ci_high, color=colour, alpha=0.2, lw=0)
    ax.axhline(0.5, color="k", lw=0.8, ls=":")
    ax.set(xlabel="a (spikes in the input packet)", ylabel="P(survival)", ylim=(-0.02, 1.02))
    ax.legend(title="sigma", fontsize=7)
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
    fig.colorbar(mesh, ax=ax, label="P(survival)")
    curve = threshold.dropna(subset=["a50"])
    ax.plot(curve.sigma, curve.a50, "c-", lw=2, label="50 % contour")
    ax.fill_between(curve.sigma, curve.a50_low, curve.a50_high, color="c", alpha=0.3, lw=0)
    ax.set(xlabel="sigma [ms]", ylabel="a (spikes)")
    ax.legend(fontsize=7)
    save(fig, output_heatmap)


def _edges(centres):
    centres = np.asarray(centres, dtype=float)
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = 0.5 * (centres[1:] + centres[:-1])
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


def threshold_comparison(curves, output, xlabel="sigma [ms]", title="") -> None:
    """a50 curves of several settings (dict label -> threshold table) with their intervals."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for label, table in curves.items():
        ax.errorbar(
            table.sigma,
            table.a50,
            yerr=[table.a50 - table.a50_low, table.a50_high - table.a50],
            marker="o",
            ms=3,
            capsize=2,
            label=label,
        )
    ax.set(xlabel=xlabel, ylabel="threshold packet a50 (spikes)", title=title)
    ax.legend(fontsize=7)
    save(fig, output)


def bifurcation(table, output) -> None:
    """Fig. 5: attractor a* and threshold packet vs group size."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.plot(table.group_size, table.attractor_a, "o-", label="attractor a*")
    ax.errorbar(
        table.group_size,
        table.a50,
        yerr=[table.a50 - table.a50_low, table.a50_high - table.a50],
        marker="s",
        capsize=2,
        label="threshold packet a50 (smallest sigma)",
    )
    ax.plot(table.group_size, table.group_size, "k:", lw=1, label="a = w")
    ax.set(xlabel="group size w", ylabel="spikes")
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
        label="numpy.convolve(spikes, (t/tau) exp(-t/tau))",
    )
    for _, row in table.iterrows():
        top.plot(
            t[window],
            traces[row.convention][window],
            lw=1,
            label=f"{row.convention}: {row.ode}  (ratio {row.ratio_to_convolution:.4g})",
        )
    highest = max(traces[name][window].max() for name in table.convention)
    top.set(ylabel="g (unit weight)", yscale="log", ylim=(1e-2, highest * 80))  # room for the legend
    top.legend(fontsize=6, loc="upper right")
    spikes = traces["spikes"] * (t[1] - t[0])
    bottom.eventplot(spikes[spikes <= t[window][-1]], colors="k", lineoffsets=0.5, linelengths=0.8)
    bottom.set(xlabel="time [ms]", yticks=[], ylabel="LIF spikes")
    save(fig, output)


def normalization_survival(survival, output) -> None:
    """Survival curves of the chain under each normalization convention / integrator / weight."""
    plt = _plt()
    import seaborn as sns

    sigmas = sorted(survival.sigma.unique())
    fig, axes = plt.subplots(1, len(sigmas), figsize=(5.2 * len(sigmas), 3.8), squeeze=False, sharey=True)
    named = survival[~survival.variant.str.startswith("norm_scale")]
    palette = dict(zip(sorted(named.variant.unique()), sns.color_palette("tab10", named.variant.nunique())))
    for ax, sigma in zip(axes[0], sigmas):
        for variant, part in named[named.sigma == sigma].groupby("variant"):
            part = part.sort_values("a")
            style = "--" if variant.endswith("_cal") else "-"
            ax.plot(
                part.a,
                part.p,
                style,
                marker="o",
                ms=3,
                color=palette[variant],
                label=f"{variant} (PSP {part.psp_mv.iloc[0]:.3f} mV)",
            )
            ax.fill_between(part.a, part.ci_low, part.ci_high, color=palette[variant], alpha=0.12, lw=0)
        ax.set(title=f"sigma = {sigma:g} ms", xlabel="a (spikes)", ylim=(-0.02, 1.02))
    axes[0, 0].set_ylabel("P(survival)")
    axes[0, -1].legend(fontsize=6, loc="lower right")
    save(fig, output)


def normalization_threshold_vs_psp(thresholds, output) -> None:
    """Threshold packet a50 vs PSP peak: weight-scale curve, each convention's and integrator's point."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4.2))
    outside = []
    for sigma, part in thresholds.groupby("sigma"):
        curve = part[part.variant.str.startswith("norm_scale") | (part.variant == "norm_one_over_e_peak")].sort_values(
            "psp_mv"
        )
        (line,) = ax.plot(curve.psp_mv, curve.a50, "-", lw=1, label=f"weight scaled, sigma = {sigma:g} ms")
        named = part[~part.variant.str.startswith("norm_scale")]
        for (psp_mv, a50), same in named[np.isfinite(named.a50)].groupby(["psp_mv", "a50"], sort=False):
            row = same.iloc[0]
            ax.errorbar(
                psp_mv,
                a50,
                yerr=[[a50 - row.a50_low], [row.a50_high - a50]],
                fmt="o",
                ms=4,
                color=line.get_color(),
                capsize=2,
            )
            names = sorted(v.removeprefix("norm_") for v in same.variant)
            label = (
                names[0]
                if len(names) == 1
                else f"{len(names)} identical: " + ", ".join(n.removesuffix("_cal") for n in names)
            )
            label = label if len(label) < 40 else f"{len(names)} identical (seeds' normalization, all calibrated)"
            ax.annotate(label, (psp_mv, a50), fontsize=6, xytext=(4, 2), textcoords="offset points")
        for _, row in named[~np.isfinite(named.a50)].iterrows():
            verdict = "every packet survives" if row.p_at_min_a >= 0.5 else "no packet survives"
            outside.append(f"{row.variant.removeprefix('norm_')} (PSP {row.psp_mv:.3f} mV, sigma {sigma:g}): {verdict}")
    if outside:
        ax.text(
            0.02,
            0.02,
            "outside the simulated range of a:\n" + "\n".join(outside),
            transform=ax.transAxes,
            fontsize=6,
            va="bottom",
            ha="left",
            bbox=dict(fc="white", ec="0.7"),
        )
    ax.set(xlabel="PSP peak [mV]", ylabel="threshold packet a50 (spikes)")
    ax.legend(fontsize=7)
    save(fig, output)


def survival_overlay(table, output) -> None:
    """Survival curves of several systems (column `system`) per sigma, with Wilson bands."""
    plt = _plt()
    sigmas = sorted(table.sigma.unique())
    fig, axes = plt.subplots(1, len(sigmas), figsize=(5 * len(sigmas), 3.8), squeeze=False, sharey=True)
    for ax, sigma in zip(axes[0], sigmas):
        for system, part in table[table.sigma == sigma].groupby("system"):
            part = part.sort_values("a")
            (line,) = ax.plot(part.a, part.p, "o-", ms=3, label=f"{system} ({part.trials.iloc[0]} trials)")
            ax.fill_between(part.a, part.ci_low, part.ci_high, color=line.get_color(), alpha=0.2, lw=0)
        ax.set(title=f"sigma = {sigma:g} ms", xlabel="a (spikes)", ylim=(-0.02, 1.02))
    axes[0, 0].set_ylabel("P(survival)")
    axes[0, -1].legend(fontsize=7)
    save(fig, output)
