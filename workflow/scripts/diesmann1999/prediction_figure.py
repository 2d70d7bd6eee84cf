"""The Markov prediction's figure (diesmann1999.markov): predicted against simulated survival at the
simulated chain length, the predicted threshold packet a50(sigma) per chain length, the cost of the
prediction against the full sweep; the check per chain length and kernel set, and each kernel's one
step against the chain's own steps into every group."""

from __future__ import annotations

import numpy as np

from .figures import A50, A_IN, P_SURVIVAL, SIGMA, _colours, _interval, _offsets, _plt, save

KERNEL_SETS = {
    "full": "group 0, group 1, later groups (as the chain)",
    "one_rate": "predecessor at the later rate from group 1 on",
    "no_predecessor": "every group like group 0 (no predecessor)",
}
# A kernel set drawn in the colour of the kernel it uses beyond group 0 (the kernels: C0, C1, C2).
SET_COLOURS = {"full": "C3", "one_rate": "C2", "no_predecessor": "C0"}
KERNELS = {
    "first": "group 0's: packet alone",
    "second": "group 1's: + group 0's spontaneous spikes",
    "later": "later groups': + a later group's spontaneous spikes",
}


def prediction(survival, threshold, check, cost, steps, simulated, output) -> None:
    """2 x 3 panels; `simulated`: the analysis' survival table (with Wilson intervals)."""
    plt = _plt()
    fig, axes = plt.subplots(2, 3, figsize=(16, 8.6))
    measured = survival.dropna(subset=["p_simulated"])
    n_groups = int(measured.chain_length.iloc[0]) if len(measured) else int(survival.chain_length.min())

    ax = axes[0, 0]
    sigmas = sorted(simulated.sigma.unique())
    for colour, offset, sigma in zip(_colours(len(sigmas)), _offsets(len(sigmas), simulated.a), sigmas):
        sim = simulated[simulated.sigma == sigma].sort_values("a")
        _interval(ax, sim.a + offset, sim.p, sim.ci_low, sim.ci_high, colour=colour, ls="none", label=f"{sigma:g}")
        pred = survival[(survival.sigma == sigma) & (survival.chain_length == n_groups)].sort_values("a")
        ax.plot(pred.a, pred.p_predicted, "-", color=colour, lw=1.3)
    dp = (measured.p_predicted - measured.p_simulated).abs().mean()
    ax.axhline(0.5, color="k", lw=0.8, ls=":")
    ax.set(xlabel=A_IN, ylabel=P_SURVIVAL, ylim=(-0.03, 1.03))
    ax.set_title(f"k = {n_groups} groups: simulated (points), predicted (lines)\nmean |Δp| = {dp:.3f} over the grid")
    ax.legend(title=SIGMA, fontsize=7, title_fontsize=7, loc="lower right")

    ax = axes[0, 1]
    lengths = sorted(threshold.chain_length.unique())
    styles = ["-", "--", ":", "-."]
    for index, (colour, k) in enumerate(zip(_colours(len(lengths), "plasma"), lengths)):
        part = threshold[threshold.chain_length == k].sort_values("sigma")
        style = styles[index % len(styles)]
        ax.plot(part.sigma, part.a50_predicted, style, color=colour, lw=1.6, label=f"predicted, k = {k}")
    sim = threshold[(threshold.chain_length == n_groups) & threshold.a50_simulated.notna()].sort_values("sigma")
    inside = int(sim.within.fillna(False).astype(bool).sum())
    label = f"simulated, k = {n_groups}"
    _interval(ax, sim.sigma, sim.a50_simulated, sim.a50_low, sim.a50_high, colour="k", ls="none", label=label)
    ax.set(xlabel=SIGMA, ylabel=A50)
    ax.set_title(
        f"threshold packet per chain length\npredicted a50 in the simulated interval at {inside} of {len(sim)} σ"
    )
    ax.legend(fontsize=7)

    ax = axes[0, 2]
    sweep = cost[cost.what == "full sweep"].sort_values("chain_length")
    total = float(cost[cost.what == "prediction (all kernels)"].cpu_s.iloc[0])
    labels = ["kernels\n(every k)"] + [f"full sweep\nk = {int(k)}" for k in sweep.chain_length]
    values = [total, *sweep.cpu_s]
    bars = ax.bar(labels, values, color=["C2"] + ["C7"] * len(sweep))
    for bar, value in zip(bars, values):
        ratio = f"\n({value / total:.2g}×)" if bar is not bars[0] else ""
        ax.annotate(
            f"{value:.3g} s{ratio}", (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom", fontsize=7
        )
    ax.set(ylabel="CPU time [s], one thread", yscale="log")
    ax.set_title("cost: the kernels' simulations against\nthe full sweep of the same grid at each length")
    ax.set_ylim(top=max(values) * 5)

    ax = axes[1, 0]
    for name, part in check.groupby("kernels", sort=False):
        part = part.sort_values("chain_length")
        colour = SET_COLOURS.get(name)
        ax.plot(
            part.chain_length, part.mean_abs_dp, "o-", ms=3.5, lw=1.2, color=colour, label=KERNEL_SETS.get(name, name)
        )
    floor = check[check.kernels == "full"].sort_values("chain_length")
    ax.plot(floor.chain_length, floor.noise_abs_dp, "k--", lw=1, label="binomial noise of the simulated trials")
    ax.axhline(0.05, color="grey", lw=0.8, ls=":", label="target at the simulated length")
    ax.set(xlabel="chain length k [groups]", ylabel="mean |p_predicted − p_simulated|")
    ax.set_title("check per chain length and kernel set")
    ax.set_ylim(0, max(0.06, float(check.mean_abs_dp.max())) * 1.7)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7, loc="upper left")

    for ax, simulated_column, predicted_column, ylabel in (
        (axes[1, 1], "a_simulated", "a_predicted", "kernel − chain: mean a emitted [spikes]"),
        (axes[1, 2], "alive_simulated", "alive_predicted", "kernel − chain: P(emitted a ≥ min size)"),
    ):
        offsets = np.linspace(-0.2, 0.2, len(KERNELS))
        for index, (offset, (kind, words)) in enumerate(zip(offsets, KERNELS.items())):
            part = steps[steps.kernel == kind].sort_values("group")
            difference = part[predicted_column] - part[simulated_column]
            ax.plot(part.group + offset, difference, "o-", ms=4, lw=1, color=f"C{index}", label=words)
        ax.axhline(0, color="k", lw=0.8)
        ax.set(xlabel="group receiving the packet", ylabel=ylabel)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title("one step of each kernel against the chain's steps\ninto each group (inputs near the threshold)")
        ax.legend(fontsize=7, title="kernel", title_fontsize=7)
    fig.tight_layout()
    save(fig, output)
