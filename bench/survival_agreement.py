"""Do two survival grids agree? `python bench/survival_agreement.py BEFORE.csv AFTER.csv` prints Markdown.

Made for a change of the random draws (issue 14): the same config and seed give the same packets and
initial states, but every noise value differs, so two runs of the default config are two samples of
the same survival probabilities. At every (a, sigma) point of `results/tables/survival.csv` (columns
a, sigma, trials, survived, p, ci_low, ci_high) the report gives both proportions with their 95 %
Wilson intervals (the CSV's), the difference in units of its standard error (two-proportion z with
the pooled proportion: z = (p2 - p1) / sqrt(pbar (1 - pbar) (1/n1 + 1/n2)), 0 where both are 0 or
both 1) and Fisher's exact p; then the largest |z|, how many points have each estimate inside the
other's interval, and a Holm correction of the Fisher p-values over the grid.

The runs share their packets and initial states, so their survival outcomes are positively
correlated and the z above (which assumes independent samples) overstates the standard error of
the difference a little: the test is conservative. Exits 1 if the Holm-corrected smallest p < 0.05.
"""

from __future__ import annotations

import csv
import math
import sys

from scipy.stats import fisher_exact


def read(path: str) -> dict:
    with open(path) as f:
        return {(float(r["a"]), float(r["sigma"])): r for r in csv.DictReader(f)}


def z_score(k1: int, n1: int, k2: int, n2: int) -> float:
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 0.0
    return (k2 / n2 - k1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))


def holm(pvalues: list[float]) -> list[float]:
    order = sorted(range(len(pvalues)), key=pvalues.__getitem__)
    adjusted, running = [0.0] * len(pvalues), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def main(before_path: str, after_path: str) -> int:
    before, after = read(before_path), read(after_path)
    if before.keys() != after.keys():
        raise SystemExit(f"the grids differ: {sorted(before.keys() ^ after.keys())}")
    rows = []
    for key in sorted(before):
        b, a = before[key], after[key]
        k1, n1, k2, n2 = int(b["survived"]), int(b["trials"]), int(a["survived"]), int(a["trials"])
        rows.append(
            dict(
                a=key[0], sigma=key[1], k1=k1, n1=n1, k2=k2, n2=n2,
                ci1=(float(b["ci_low"]), float(b["ci_high"])), ci2=(float(a["ci_low"]), float(a["ci_high"])),
                z=z_score(k1, n1, k2, n2), p=fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])[1],
            )
        )  # fmt: skip
    for row, adjusted in zip(rows, holm([r["p"] for r in rows])):
        row["holm"] = adjusted
    print(f"Survival grids: before `{before_path}`, after `{after_path}`\n")
    print("| a | sigma (ms) | before: survived / trials [95 % CI] | after [95 % CI] | difference / SE (z) | Fisher p |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['a']:g} | {r['sigma']:g} | {r['k1']}/{r['n1']} [{r['ci1'][0]:.2f}, {r['ci1'][1]:.2f}] | "
            f"{r['k2']}/{r['n2']} [{r['ci2'][0]:.2f}, {r['ci2'][1]:.2f}] | {r['z']:+.2f} | {r['p']:.2g} |"
        )
    worst = max(rows, key=lambda r: abs(r["z"]))
    inside = sum(
        r["ci2"][0] <= r["k1"] / r["n1"] <= r["ci2"][1] and r["ci1"][0] <= r["k2"] / r["n2"] <= r["ci1"][1]
        for r in rows
    )
    varying = [r for r in rows if 0 < r["k1"] + r["k2"] < r["n1"] + r["n2"]]
    chi2 = sum(r["z"] ** 2 for r in varying)
    smallest = min(r["holm"] for r in rows)
    print(
        f"\n- **largest difference: {abs(worst['z']):.2f} standard errors** (a = {worst['a']:g}, sigma ="
        f" {worst['sigma']:g} ms: {worst['k1']}/{worst['n1']} before, {worst['k2']}/{worst['n2']} after);"
        f" {sum(abs(r['z']) > 2 for r in rows)} of {len(rows)} points beyond 2 SE"
        f" (about {0.0455 * len(varying):.1f} expected by chance among the {len(varying)} points where"
        " survival varies)."
    )
    overlap = sum(r["ci1"][0] <= r["ci2"][1] and r["ci2"][0] <= r["ci1"][1] for r in rows)
    print(
        f"- the 95 % interval of the difference (|z| < 1.96) holds 0 at {sum(abs(r['z']) < 1.96 for r in rows)}"
        f" of {len(rows)} points; the two 95 % Wilson intervals overlap at {overlap} of {len(rows)} points;"
        f" {inside} of {len(rows)} points have each estimate inside the other's interval."
    )
    print(
        f"- sum of z^2 over the {len(varying)} varying points: {chi2:.1f} (mean {len(varying)} if the grids agree;"
        " conservative, see above)."
    )
    print(
        f"- smallest Holm-corrected Fisher p over the grid: {smallest:.2g}:"
        f" {'no point differs' if smallest >= 0.05 else 'a point DIFFERS'} at the 5 % level."
    )
    return 0 if smallest >= 0.05 else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[0])
    sys.exit(main(sys.argv[1], sys.argv[2]))
