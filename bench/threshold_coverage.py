"""Coverage of the threshold packet's intervals, by simulation from known survival curves.

    python bench/threshold_coverage.py                   # 2000 repetitions per curve (~1-2 min on one core)
    python bench/threshold_coverage.py --repetitions 500 --seed 2

The grid of input packets and the trials per point are those of the default config
(config/config.yaml: a = 20..100, 40 trials). For each true curve P(a) = Phi((a - a50) / s), each
repetition draws the survival counts k ~ Binomial(trials, P(a)) at every a and computes the threshold
table with the workflow's own code (diesmann1999.analysis.threshold_table): the fitted a50_fit and
slope_fit with their profile-likelihood intervals, and the interpolated a50 with its Wilson-crossing
interval. An interval covers when it contains the true value; an interval end that is missing (not
bounded within the simulated range) counts as unbounded, and a repetition without a fit counts as a
miss. The standard error of a coverage c over R repetitions is sqrt(c (1 - c) / R): 0.5 % at 95 %
and R = 2000. The curves are like the measured ones of the default config (fits to
bench/survival/after.csv: s = 2.9-5.5 spikes, a50 = 47-70 spikes).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
from pathlib import Path

import numpy as np
import yaml
from scipy.stats import norm

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "workflow" / "scripts")]

from machine import describe  # noqa: E402

from diesmann1999.analysis import survival_rows, threshold_table  # noqa: E402
from diesmann1999.psychometric import SQRT_2PI  # noqa: E402

# (a50, s) of the true curves: a round one, the steepest measured (sigma = 0.5 ms), a shallower one (2 ms)
CURVES = [(50.0, 3.5), (48.6, 2.85), (61.1, 4.7)]


def covers(low, high, truth):
    """True where [low, high] contains truth; a missing end is unbounded, a missing estimate a miss."""
    low = np.where(np.isnan(low), -np.inf, low)
    high = np.where(np.isnan(high), np.inf, high)
    return (low <= truth) & (truth <= high)


def run(a50: float, s: float, grid, trials: int, repetitions: int, confidence: float, rng) -> dict:
    p = norm.cdf((grid - a50) / s)
    counts = rng.binomial(trials, p, size=(repetitions, grid.size))
    survival = survival_rows(
        np.tile(grid, repetitions),
        np.repeat(np.arange(repetitions, dtype=float), grid.size),  # one "sigma" per repetition
        counts.ravel(),
        np.full(counts.size, trials),
        confidence,
    )
    with contextlib.redirect_stdout(io.StringIO()):  # the reasons for rows without a fit
        table = threshold_table(survival, confidence)
    fitted = np.isfinite(table.a50_fit.values)
    slope = 1 / (s * SQRT_2PI)
    hits = {
        "a50_fit": covers(table.a50_fit_low, table.a50_fit_high, a50) & fitted,
        "slope_fit": covers(table.slope_fit_low, table.slope_fit_high, slope) & fitted,
        "a50 (Wilson crossing)": covers(table.a50_low, table.a50_high, a50) & np.isfinite(table.a50.values),
    }
    widths = {
        "a50_fit": np.nanmedian(table.a50_fit_high - table.a50_fit_low),
        "slope_fit": np.nanmedian(table.slope_fit_high - table.slope_fit_low),
        "a50 (Wilson crossing)": np.nanmedian(table.a50_high - table.a50_low),
    }
    return {"hits": hits, "widths": widths, "no_fit": int((~fitted).sum()), "slope": slope}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", default=str(ROOT / "config" / "config.yaml"))
    args = parser.parse_args()
    config = yaml.safe_load(Path(args.config).read_text())
    grid = np.asarray(config["grid"]["a"], dtype=float)
    trials, confidence = int(config["trials"]), float(config["survival"]["confidence"])
    rng = np.random.default_rng(args.seed)
    print("# Coverage of the threshold intervals (bench/threshold_coverage.py)\n")
    print(f"- machine: {describe()}")
    print(f"- grid a = {', '.join(f'{a:g}' for a in grid)}; {trials} trials per point; nominal {confidence:.0%}")
    print(f"- {args.repetitions} repetitions per curve, seed {args.seed}; SE = binomial standard error\n")
    print("| true curve | interval | coverage | SE | median width | no fit |")
    print("|---|---|---|---|---|---|")
    for a50, s in CURVES:
        result = run(a50, s, grid, trials, args.repetitions, confidence, rng)
        for name, hits in result["hits"].items():
            c = hits.mean()
            se = math.sqrt(c * (1 - c) / hits.size)
            curve = f"a50 = {a50:g}, s = {s:g} (slope {result['slope']:.3f}/spike)"
            unit = "/spike" if name == "slope_fit" else " spikes"
            no_fit = result["no_fit"] if name != "a50 (Wilson crossing)" else "–"
            print(f"| {curve} | {name} | {c:.1%} | {se:.1%} | {result['widths'][name]:.3g}{unit} | {no_fit} |")


if __name__ == "__main__":
    main()
