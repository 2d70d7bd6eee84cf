"""The report's tables: the configuration of the run and the result tables, as small HTML pages.

Each page is one self-contained HTML file (no external style sheet or script), so that
`snakemake --report` embeds it whole; the tables are pandas' ``DataFrame.to_html`` with the
units in the column headers.
"""

from diesmann1999.logs import to_log

to_log(snakemake)
import html

import pandas as pd
import yaml

from diesmann1999.files import write_text
from diesmann1999.variants import label

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1e293b; margin: 1.5rem;
       line-height: 1.45; }}
h1 {{ font-size: 1.3rem; margin: 0 0 0.5rem; }}
h2 {{ font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }}
p {{ max-width: 60rem; }}
table {{ border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; }}
th, td {{ padding: 0.25rem 0.6rem; border-bottom: 1px solid #cbd5e1; }}
th {{ background: #e2e8f0; text-align: left; vertical-align: bottom; }}
td {{ font-variant-numeric: tabular-nums; }}
tbody tr:nth-child(even) {{ background: #f8fafc; }}
pre {{ background: #f1f5f9; padding: 0.8rem 1rem; border-radius: 0.3rem; font-size: 0.85rem;
      overflow-x: auto; }}
code {{ font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""

MISSING = "–"  # what an empty cell (NaN) shows


def page(title: str, body: str) -> str:
    """A minimal HTML page around already-rendered HTML."""
    return PAGE.format(title=html.escape(title), body=body)


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def table(frame: pd.DataFrame, columns: dict[str, tuple[str, object]]) -> str:
    """`frame`'s columns in the order of `columns` (name -> (header with unit, format or None))."""
    shown = frame[list(columns)].rename(columns={name: header for name, (header, _) in columns.items()})
    formatters = {header: fmt for header, fmt in columns.values() if fmt is not None}
    return shown.to_html(index=False, border=0, na_rep=MISSING, formatters=formatters, justify="left")


def fmt(spec: str):
    return lambda value: MISSING if pd.isna(value) else format(value, spec)


def prose(text: str) -> str:
    """Text with τ for tau, ≥ for >=, ≤ for <= and ² for ^2."""
    return text.replace("tau", "τ").replace(">=", "≥").replace("<=", "≤").replace("^2", "²")


def formula(text: str) -> str:
    """A formula that does not break across lines: a minus sign, no-break spaces, a word joiner
    after each slash."""
    return prose(text).replace("-", "\u2212").replace(" ", "\u00a0").replace("/", "/\u2060")


def configuration_page(config: dict) -> str:
    grid, survival = config["grid"], config["survival"]
    summary = pd.DataFrame(
        [
            ("seed", config["seed"]),
            ("trials per (a, σ) point", config["trials"]),
            ("input packet sizes a [spikes]", ", ".join(map(str, grid["a"]))),
            ("input packet spreads σ [ms]", ", ".join(f"{s:g}" for s in grid["sigma"])),
            (
                "model settings other than the defaults",
                yaml.safe_dump(config["model"], default_flow_style=True).strip(),
            ),
            (
                "survival criterion",
                f"last group emits ≥ {survival['min_fraction']:g} × group size spikes in its packet window",
            ),
            ("confidence level of the intervals", f"{survival['confidence']:.0%}"),
            ("group-size study (bifurcation)", "on" if config["bifurcation"]["enabled"] else "off"),
            ("normalization study", "on" if config["normalization"]["enabled"] else "off"),
            ("NEST cross-check", "on" if config["nest_crosscheck"]["enabled"] else "off"),
        ],
        columns=["setting", "value"],
    )
    text = yaml.safe_dump(config, sort_keys=False, default_flow_style=None, width=100)
    return page(
        f"Configuration of this run (seed {config['seed']})",
        paragraph("Every figure and table of this report was computed from this configuration.")
        + summary.to_html(index=False, border=0, justify="left")
        + "<h2>The whole configuration (YAML)</h2>"
        + paragraph(
            "Defaults filled in. To run it again, save it as a file, e.g. my.yaml, and run"
            " `snakemake --configfile my.yaml` (then `snakemake --configfile my.yaml --report report.html`)."
        )
        + f"<pre>{html.escape(text)}</pre>",
    )


def survival_page(survival: pd.DataFrame, confidence: float) -> str:
    level = f"{confidence:.0%}"
    return page(
        "Survival probability P(a, σ)",
        paragraph(
            "Fraction of trials in which the packet reaches the last group, per input packet"
            f" (a spikes, spread σ), with its Wilson {level} confidence interval."
            " Source: results/tables/survival.csv."
        )
        + table(
            survival.sort_values(["sigma", "a"]),
            {
                "sigma": ("σ [ms]", fmt("g")),
                "a": ("a [spikes]", None),
                "trials": ("trials", None),
                "survived": ("survived [trials]", None),
                "p": ("P(survival)", fmt(".3f")),
                "ci_low": (f"{level} CI, low", fmt(".3f")),
                "ci_high": (f"{level} CI, high", fmt(".3f")),
            },
        ),
    )


def threshold_page(threshold: pd.DataFrame, confidence: float) -> str:
    level = f"{confidence:.0%}"
    return page(
        "Threshold packet a50(σ)",
        paragraph(
            "The packet size at which survival crosses 50 %, per σ, estimated twice. Fitted: the"
            " maximum-likelihood probit curve P(a) = Φ((a − a50) / s) through the survival counts, with"
            f" {level} profile-likelihood intervals of a50 and of the slope dP/da at a50. Interpolated (a"
            " cross-check): linear interpolation between grid points, and where the"
            f" {level} confidence limits of P cross 50 % (a conservative interval)."
            f" {MISSING}: no fit, no crossing within the simulated range of a, or an interval not bounded"
            " there. Source: results/tables/threshold.csv."
        )
        + table(
            threshold,
            {
                "sigma": ("σ [ms]", fmt("g")),
                "a50_fit": ("a50, fitted [spikes]", fmt(".1f")),
                "a50_fit_low": (f"{level} CI, low [spikes]", fmt(".1f")),
                "a50_fit_high": (f"{level} CI, high [spikes]", fmt(".1f")),
                "slope_fit": ("slope at a50 [1/spike]", fmt(".3f")),
                "slope_fit_low": (f"slope {level} CI, low", fmt(".3f")),
                "slope_fit_high": (f"slope {level} CI, high", fmt(".3f")),
                "a50": ("a50, interpolated [spikes]", fmt(".1f")),
                "a50_low": ("a50 interpolated, low limit [spikes]", fmt(".1f")),
                "a50_high": ("a50 interpolated, high limit [spikes]", fmt(".1f")),
            },
        ),
    )


def fixed_points_page(fixed: pd.DataFrame) -> str:
    return page(
        "Fixed points in the (σ, a) plane",
        paragraph(
            "The attractor (where surviving packets settle) and the saddle on the separatrix."
            " Source: results/tables/fixed_points.csv."
        )
        + table(
            fixed,
            {
                "kind": ("fixed point", None),
                "a": ("a [spikes]", fmt(".1f")),
                "sigma": ("σ [ms]", fmt(".2f")),
                "how": ("how it is found", None),
            },
        ),
    )


def conventions_page(conventions: pd.DataFrame, target_psp_mv: float, seed_weight: float) -> str:
    conventions = conventions.assign(name=[label(name) for name in conventions.convention])
    return page(
        "Normalization conventions of the alpha kernel",
        paragraph(
            "A synapse of weight w adds w K(t) to the synaptic current; the simulators disagree on K."
            " Times in ms, τ = τ_s of the model; K is taken with t and τ in ms."
            " Source: results/normalization/conventions.csv."
        )
        + table(
            conventions,
            {
                "name": ("convention", None),
                "convention": ("config name", None),
                "used_by": ("used by", prose),
                "kernel": ("kernel K(t)", formula),
                "peak": ("peak of K", fmt(".4g")),
                "area_ms": ("area of K [ms]", fmt(".4g")),
                "weight_for_psp_mv": (f"weight w for a {target_psp_mv:g} mV PSP [mV]", fmt(".4g")),
                "psp_mv_with_seed_weight": (f"PSP peak with the seeds' w = {seed_weight:g} mV [mV]", fmt(".4g")),
            },
        ),
    )


sm = snakemake
config = sm.params.config
confidence = config["survival"]["confidence"]
write_text(configuration_page(config), sm.output.config)
write_text(survival_page(pd.read_csv(sm.input.survival), confidence), sm.output.survival)
write_text(threshold_page(pd.read_csv(sm.input.threshold), confidence), sm.output.threshold)
write_text(fixed_points_page(pd.read_csv(sm.input.fixed_points)), sm.output.fixed_points)
if config["normalization"]["enabled"]:
    write_text(
        conventions_page(pd.read_csv(sm.input.conventions), config["normalization"]["target_psp_mv"], sm.params.seed_w),
        sm.output.conventions,
    )
