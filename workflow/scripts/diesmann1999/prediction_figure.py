"""The Markov prediction's figure: predicted against simulated survival at the simulated chain
length, the predicted threshold packet a50(sigma) per chain length, the check per chain length and
kernel set, and the cost of the prediction against the full sweep (diesmann1999.markov)."""

from __future__ import annotations

from .figures import A50, A_IN, P_SURVIVAL, SIGMA, _colours, _interval, _offsets, _plt, save

KERNEL_LABELS = {
    "full": "group 0, group 1, later groups (as the chain)",
    "one_rate": "predecessor at the later rate from group 1",
    "no_predecessor": "every group like group 0 (no predecessor)",
}


def prediction(survival, threshold, check, cost, simulated, output) -> None:
    """2 x 2 panels; `simulated`: the analysis' survival table (Wilson intervals)."""
    plt = _plt()
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.2))
    measured = survival.dropna(subset=["p_simulated"])
    n_groups = int(measured.chain_length.iloc[0]) if len(measured) else int(survival.chain_length.min())

    ax = axes[0, 0]
    sigmas = sorted(simulated.sigma.unique())
    colours = _colours(len(sigmas))
    for colour, offset, sigma in zip(colours, _offsets(len(sigmas), simulated.a), sigmas):
        sim = simulated[simulated.sigma == sigma].sort_values("a")
        _interval(ax, sim.a + offset, sim.p, sim.ci_low, sim.ci_high, colour=colour, ls="none", label=f"{sigma:g}")
        pred = survival[(survival.sigma == sigma) & (survival.chain_length == n_groups)].sort_values("a")
        ax.plot(pred.a, pred.p_predicted, "-", color=colour, lw=1.3)
    dp = (measured.p_predicted - measured.p_simulated).abs().mean()
    ax.axhline(0.5, color="k", lw=0.8, ls=":")
    ax.set(
        xlabel=A_IN,
        ylabel=P_SURVIVAL,
        ylim=(-0.03, 1.03),
        title=f"k = {n_groups} groups: simulated (points) and predicted (lines)\nmean |Δp| = {dp:.3f} over the grid",
    )
    ax.legend(title=SIGMA, fontsize=7, title_fontsize=7, loc="lower right")

    ax = axes[0, 1]
    lengths = sorted(threshold.chain_length.unique())
    styles = ["-", "--", ":", "-."]
    for index, (colour, k) in enumerate(zip(_colours(len(lengths), "plasma"), lengths)):
        part = threshold[threshold.chain_length == k].sort_values("sigma")
        style = styles[index % len(styles)]
        ax.plot(part.sigma, part.a50_predicted, style, color=colour, lw=1.6, label=f"predicted, k = {k}")
    sim = threshold[(threshold.chain_length == n_groups) & threshold.a50_simulated.notna()].sort_values("sigma")
    inside = int(sim.within.sum())
    _interval(
        ax,
        sim.sigma,
        sim.a50_simulated,
        sim.a50_low,
        sim.a50_high,
        colour="k",
        ls="none",
        label=f"simulated, k = {n_groups}",
    )
    ax.set(
        xlabel=SIGMA,
        ylabel=A50,
        title=f"threshold packet; predicted a50 inside the simulated interval at {inside} of {len(sim)} σ",
    )
    ax.legend(fontsize=7)

    ax = axes[1, 0]
    for name, part in check.groupby("kernels", sort=False):
        part = part.sort_values("chain_length")
        ax.plot(part.chain_length, part.mean_abs_dp, "o-", ms=3.5, lw=1.2, label=KERNEL_LABELS.get(name, name))
    floor = check[check.kernels == "full"].sort_values("chain_length")
    ax.plot(floor.chain_length, floor.noise_abs_dp, "k--", lw=1, label="binomial noise of the simulated trials alone")
    ax.axhline(0.05, color="grey", lw=0.8, ls=":", label="target at the simulated length")
    ax.set(xlabel="chain length k [groups]", ylabel="mean |p_predicted − p_simulated|", title="check per chain length")
    ax.set_ylim(bottom=0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7, title="kernels", title_fontsize=7)

    ax = axes[1, 1]
    sweep = cost[cost.what == "full sweep"].sort_values("chain_length")
    total = cost[cost.what == "prediction (all kernels)"].cpu_s.iloc[0]
    labels = ["prediction\n(3 kernels,\nevery k)"] + [f"full sweep\nk = {int(k)}" for k in sweep.chain_length]
    values = [total, *sweep.cpu_s]
    bars = ax.bar(labels, values, color=["C2"] + ["C7"] * len(sweep))
    for bar, value in zip(bars, values):
        ax.annotate(f"{value:.3g} s", (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom", fontsize=7)
    ax.set(ylabel="CPU time [s]", yscale="log", title="cost: kernels' simulations against the full sweep")
    ax.set_ylim(top=max(values) * 3)
    fig.tight_layout()
    save(fig, output)
