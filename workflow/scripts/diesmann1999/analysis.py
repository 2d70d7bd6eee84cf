"""Analysis of a sweep (Dataset with dims a_in, sigma_in, trial, group): survival, threshold packet,
transmission function, state-space flow, fixed points and separatrix.

Definitions (documented in docs/model.md and the report):

* **Survival**: the last group's packet has at least ``min_fraction * group_size`` spikes.
  P(a, sigma) is the fraction of surviving trials, with a Wilson score interval.
* **Threshold packet a50(sigma)**: where P crosses 0.5, by linear interpolation in a between grid
  points; its interval is where the upper and lower confidence limits cross 0.5. And a50_fit: where
  the maximum-likelihood probit curve through the counts crosses 0.5, with a profile-likelihood
  interval (psychometric.py).
* **Separatrix**: the boundary between the basins, estimated as the a50(sigma) curve (half of the
  trajectories starting there reach the attractor).
* **Flow**: every group-to-group step (a_k, sigma_k) -> (a_{k+1}, sigma_{k+1}) of every trial (the
  input packet counts as step -1), binned in (a, sigma); the mean displacement per bin.
* **Attractor**: mean (a, sigma) of the packets in the last three groups of surviving trials.
* **Saddle**: the point of the separatrix where the mean flow is slowest.
"""

from __future__ import annotations

import numpy as np


def wilson_interval(successes, n, confidence: float = 0.95):
    from scipy.stats import norm

    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(0.5 + confidence / 2)
    p = np.where(n > 0, successes / np.maximum(n, 1), np.nan)
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return centre - half, centre + half


def survived(ds, min_fraction: float):
    """Boolean (a_in, sigma_in, trial): the last group's packet has >= min_fraction * group_size spikes."""
    group_size = group_size_of(ds)
    return ds["a_out"].isel(group=-1) >= min_fraction * group_size


def group_size_of(ds) -> int:
    import json

    return int(json.loads(ds.attrs["params"])["group_size"])


def survival_table(ds, min_fraction: float, confidence: float):
    """DataFrame a, sigma, trials, survived, p, ci_low, ci_high."""
    k = survived(ds, min_fraction).sum("trial").values
    n = np.full_like(k, ds.sizes["trial"])
    a, s = np.meshgrid(ds.a_in.values, ds.sigma_in.values, indexing="ij")
    return survival_rows(a.ravel(), s.ravel(), k.ravel(), n.ravel(), confidence)


def survival_rows(a, sigma, survivors, trials, confidence: float):
    """The survival table from counts per point: DataFrame a, sigma, trials, survived, p, ci_low, ci_high."""
    import pandas as pd

    lo, hi = wilson_interval(survivors, trials, confidence)
    survivors, trials = np.asarray(survivors), np.asarray(trials)
    return pd.DataFrame(
        {
            "a": np.asarray(a),
            "sigma": np.asarray(sigma),
            "trials": trials,
            "survived": survivors,
            "p": survivors / trials,
            "ci_low": np.asarray(lo),
            "ci_high": np.asarray(hi),
        }
    )


def _crossing(a_values, p_values, level: float = 0.5) -> float:
    """First a where p rises through `level` (linear interpolation); NaN if it never does."""
    a_values = np.asarray(a_values, dtype=float)
    p_values = np.asarray(p_values, dtype=float)
    order = np.argsort(a_values)
    a_values, p_values = a_values[order], p_values[order]
    if p_values[0] >= level:
        return float(a_values[0]) if p_values[0] == level else float("nan")
    for i in range(1, len(a_values)):
        if p_values[i] >= level > p_values[i - 1]:
            fraction = (level - p_values[i - 1]) / (p_values[i] - p_values[i - 1])
            return float(a_values[i - 1] + fraction * (a_values[i] - a_values[i - 1]))
    return float("nan")


FIT_COLUMNS = ("a50_fit", "a50_fit_low", "a50_fit_high", "slope_fit", "slope_fit_low", "slope_fit_high")


def threshold_table(survival, confidence: float, where: str = ""):
    """DataFrame sigma, a50, a50_low, a50_high (interpolated) and the FIT_COLUMNS (probit fit with
    profile-likelihood intervals, psychometric.py) from a survival_table. Why a sigma has no fit
    is printed (to the job's log), prefixed by `where`."""
    import pandas as pd

    from .psychometric import fit_threshold

    rows = []
    for sigma, part in survival.groupby("sigma", sort=True):
        fit = fit_threshold(part.a, part.survived, part.trials, confidence)
        if fit.reason:
            print(f"{where}sigma = {sigma:g} ms: no fitted threshold (a50_fit empty): {fit.reason}")
        rows.append(
            {
                "sigma": sigma,
                "a50": _crossing(part.a, part.p),
                "a50_low": _crossing(part.a, part.ci_high),
                "a50_high": _crossing(part.a, part.ci_low),
                "a50_fit": fit.a50,
                "a50_fit_low": fit.a50_low,
                "a50_fit_high": fit.a50_high,
                "slope_fit": fit.slope,
                "slope_fit_low": fit.slope_low,
                "slope_fit_high": fit.slope_high,
            }
        )
    return pd.DataFrame(rows)


def transmission_table(ds):
    """Group 0's response to the input packet: mean and sd of a_out, mean sigma_out (alive trials)."""
    import pandas as pd

    first = ds.isel(group=0)
    with np.errstate(all="ignore"):
        frame = pd.DataFrame(
            {
                "a_out_mean": first.a_out.mean("trial").values.ravel(),
                "a_out_sd": first.a_out.std("trial").values.ravel(),
                "sigma_out_mean": first.sigma_out.mean("trial", skipna=True).values.ravel(),
                "alive": (first.a_out > 0).mean("trial").values.ravel(),
            }
        )
    a, s = np.meshgrid(ds.a_in.values, ds.sigma_in.values, indexing="ij")
    frame.insert(0, "sigma_in", s.ravel())
    frame.insert(0, "a_in", a.ravel())
    return frame


def packet_path(ds):
    """Arrays (a_in, sigma_in, trial, group + 1) of every trial's packet: the input packet, then the
    packet each group emitted (a, then sigma)."""
    a = ds.a_out.values.astype(float)
    shape = a[..., :1].shape
    a_in = np.broadcast_to(ds.a_in.values[:, None, None, None], shape).astype(float)
    s_in = np.broadcast_to(ds.sigma_in.values[None, :, None, None], shape).astype(float)
    return np.concatenate([a_in, a], axis=-1), np.concatenate([s_in, ds.sigma_out.values], axis=-1)


def transitions(ds):
    """Arrays (a, sigma, a_next, sigma_next) of every step of every trial that starts from a live packet."""
    a_all, s_all = packet_path(ds)
    start_a, start_s = a_all[..., :-1].ravel(), s_all[..., :-1].ravel()
    next_a, next_s = a_all[..., 1:].ravel(), s_all[..., 1:].ravel()
    live = (start_a > 0) & np.isfinite(start_s)
    return start_a[live], start_s[live], next_a[live], next_s[live]


def flow_field(ds, a_bins, sigma_bins):
    """Mean displacement (da, dsigma) per (a, sigma) bin, with counts; dsigma over live successors."""
    import pandas as pd

    a, s, a_next, s_next = transitions(ds)
    ia = np.digitize(a, a_bins) - 1
    js = np.digitize(s, sigma_bins) - 1
    inside = (ia >= 0) & (ia < len(a_bins) - 1) & (js >= 0) & (js < len(sigma_bins) - 1)
    frame = pd.DataFrame({"ia": ia[inside], "js": js[inside], "da": (a_next - a)[inside], "ds": (s_next - s)[inside]})
    grouped = frame.groupby(["ia", "js"])
    out = grouped.agg(da=("da", "mean"), ds=("ds", "mean"), n=("da", "size")).reset_index()
    out["a"] = 0.5 * (np.asarray(a_bins)[out.ia] + np.asarray(a_bins)[out.ia + 1])
    out["sigma"] = 0.5 * (np.asarray(sigma_bins)[out.js] + np.asarray(sigma_bins)[out.js + 1])
    return out[["a", "sigma", "da", "ds", "n"]]


def fixed_points(ds, threshold, flow, min_fraction: float):
    """DataFrame of the attractor and the saddle (kind, a, sigma, how)."""
    import pandas as pd

    alive = survived(ds, min_fraction).values
    tail = ds.isel(group=slice(-3, None))
    a_tail = tail.a_out.values[alive]
    s_tail = tail.sigma_out.values[alive]
    rows = []
    if a_tail.size:
        rows.append(
            {
                "kind": "attractor",
                "a": float(np.nanmean(a_tail)),
                "sigma": float(np.nanmean(s_tail)),
                "how": "mean packet of the last 3 groups of surviving trials",
            }
        )
    curve = threshold.dropna(subset=["a50"])
    if len(curve) and len(flow):
        scale_a, scale_s = max(np.ptp(flow.a), 1.0), max(np.ptp(flow.sigma), 1e-3)
        best = None
        for _, row in curve.iterrows():
            distance = ((flow.a - row.a50) / scale_a) ** 2 + ((flow.sigma - row.sigma) / scale_s) ** 2
            nearest = flow.iloc[int(np.argmin(distance.values))]
            speed = np.hypot(nearest.da / scale_a, nearest.ds / scale_s)
            if best is None or speed < best[0]:
                best = (speed, row.a50, row.sigma)
        rows.append(
            {
                "kind": "saddle",
                "a": float(best[1]),
                "sigma": float(best[2]),
                "how": "slowest mean flow on the a50(sigma) separatrix",
            }
        )
    return pd.DataFrame(rows, columns=["kind", "a", "sigma", "how"])


def reextract(paths, variant_params, settings: dict, *, trials: int, trials_per_job: int, simulator=None):
    """Re-measure the packets of simulation files under other window parameters.

    `settings` maps a name to packet-parameter overrides; each file is read once and checked against
    its name, the variant (parameters, `trials` split into chunks of `trials_per_job`) and the
    simulator's digest. Returns rows (name, a, sigma, trial, a_out of the last group).
    """
    from simcore.dataset import trial_spikes
    from simcore.network import TrialSpikes
    from simcore.packets import extract_packets

    from .files import chunk_trials, open_simulation

    measured = {name: variant_params.with_overrides(overrides) for name, overrides in settings.items()}
    size, dt = variant_params.group_size, variant_params.dt
    rows = []
    for path in paths:
        expected = chunk_trials(path, trials, trials_per_job)
        ds = open_simulation(path, params_json=variant_params.to_json(), trials=expected, simulator=simulator)
        spikes = []
        for t, trial in enumerate(ds.trial.values):
            time, group, neuron = trial_spikes(ds, trial)
            neurons = group.astype(np.int64) * size + neuron
            steps = np.rint(time / dt).astype(np.int64)
            inputs = np.rint(ds.input_time.values[t] / dt).astype(np.int64)
            spikes.append(TrialSpikes(steps, neurons, inputs, None))
        for name, params in measured.items():
            a_out, _, _ = extract_packets(spikes, params)
            for trial, last in zip(ds.trial.values, a_out[:, -1]):
                rows.append((name, int(ds.attrs["a"]), float(ds.attrs["sigma"]), int(trial), float(last)))
    return rows


def window_thresholds(sim_files, params, settings: dict, min_fraction: float, confidence: float, **checks):
    """Threshold table (window, sigma, a50, a50_low, a50_high) of the same spikes measured with each
    packet-window setting (name -> packet-parameter overrides); `checks` (trials, trials_per_job,
    simulator) are those of reextract."""
    import pandas as pd

    every = pd.DataFrame(
        reextract(sim_files, params, settings, **checks), columns=["window", "a", "sigma", "trial", "a_last"]
    )
    frames = []
    for name in settings:
        rows = every[every.window == name].copy()
        rows["alive"] = rows.a_last >= min_fraction * params.group_size
        counts = rows.groupby(["a", "sigma"]).alive.agg(["sum", "size"]).reset_index()
        survival = survival_rows(counts.a, counts.sigma, counts["sum"], counts["size"], confidence)
        threshold = threshold_table(survival, confidence, where=f"window {name}: ")
        threshold.insert(0, "window", name)
        frames.append(threshold)
    return pd.concat(frames)


def bifurcation_table(sweeps, min_fraction: float, confidence: float):
    """Per group size (one sweep each): threshold packet at the smallest sigma, attractor, best survival."""
    import pandas as pd

    rows = []
    for ds in sweeps:
        size = group_size_of(ds)
        survival = survival_table(ds, min_fraction, confidence)
        thresholds = threshold_table(survival, confidence, where=f"group size {size}: ")
        threshold = thresholds.iloc[0]
        fixed = fixed_points(ds, thresholds, pd.DataFrame(), min_fraction)
        attractor = fixed[fixed.kind == "attractor"]
        rows.append(
            {
                "group_size": size,
                "sigma": threshold.sigma,
                "a50": threshold.a50,
                "a50_low": threshold.a50_low,
                "a50_high": threshold.a50_high,
                **{column: threshold[column] for column in FIT_COLUMNS},
                "attractor_a": float(attractor.a.iloc[0]) if len(attractor) else float("nan"),
                "attractor_sigma": float(attractor.sigma.iloc[0]) if len(attractor) else float("nan"),
                "p_survival_max": float(survival.p.max()),
            }
        )
    return pd.DataFrame(rows).sort_values("group_size")
