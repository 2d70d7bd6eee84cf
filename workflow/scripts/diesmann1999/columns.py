"""The data dictionary of the workflow's CSV tables: every column's unit and meaning.

``files.write_csv`` writes beside each table ``<table>.csv-metadata.json``, its description in the
W3C "CSV on the Web" metadata vocabulary (the file name CSVW readers look for): per column its
name, datatype, unit (``schema:unitText``; "1" for a count, a probability or a ratio) and
description (``dc:description``). A column missing here stops the job: no table goes out undocumented.
"""

from __future__ import annotations

from pathlib import Path

# name -> (unit, description); TABLES below refines a description for one table.
COLUMNS = {
    # survival and threshold packet
    "a": ("spikes", "spikes in the input packet"),
    "sigma": ("ms", "temporal spread (sd) of the input packet"),
    "trials": ("1", "trials simulated at this point"),
    "survived": ("1", "trials whose packet reached the last group with at least min_fraction * group_size spikes"),
    "p": ("1", "survival probability: survived / trials"),
    "ci_low": ("1", "lower end of the Wilson confidence interval of p (level: config survival.confidence)"),
    "ci_high": ("1", "upper end of the Wilson confidence interval of p"),
    "a50": (
        "spikes",
        "threshold packet: input packet size at which p crosses 0.5 (linear interpolation; empty if never)",
    ),
    "a50_low": ("spikes", "lower end of a50's interval: where the upper confidence limit crosses 0.5"),
    "a50_high": ("spikes", "upper end of a50's interval: where the lower confidence limit crosses 0.5"),
    "a50_fit": (
        "spikes",
        "threshold packet from the maximum-likelihood probit fit to the survival counts at this sigma,"
        " P(a) = Phi((a - a50_fit) * slope_fit * sqrt(2 pi)); empty if no fit exists (no trial or every"
        " trial survived, the counts are separated, or a50_fit is outside the simulated range of a;"
        " the job's log says which)",
    ),
    "a50_fit_low": (
        "spikes",
        "lower end of a50_fit's profile-likelihood interval (level: config survival.confidence);"
        " empty if not bounded within the simulated range of a",
    ),
    "a50_fit_high": ("spikes", "upper end of a50_fit's profile-likelihood interval; empty if not bounded"),
    "slope_fit": (
        "1/spikes",
        "slope dP/da of the fitted probit curve at a50_fit (1 / (s sqrt(2 pi)) for P = Phi((a - a50_fit) / s))",
    ),
    "slope_fit_low": ("1/spikes", "lower end of slope_fit's profile-likelihood interval (0: a flat curve fits)"),
    "slope_fit_high": (
        "1/spikes",
        "upper end of slope_fit's profile-likelihood interval; empty if above 1000 times slope_fit",
    ),
    "window": ("", "packet-window setting (config key window_variants; 'default' is the model's)"),
    "system": ("", "simulator that produced the spikes"),
    # transmission function
    "a_in": ("spikes", "spikes in the input packet"),
    "sigma_in": ("ms", "temporal spread (sd) of the input packet"),
    "a_out_mean": ("spikes", "mean spikes in group 0's packet over the trials"),
    "a_out_sd": ("spikes", "sd of the spikes in group 0's packet over the trials"),
    "sigma_out_mean": ("ms", "mean temporal spread of group 0's packet over the trials with a live packet"),
    "alive": ("1", "fraction of trials in which group 0 emitted a packet"),
    # flow field and fixed points
    "da": ("spikes", "mean change of the packet size from one group to the next"),
    "ds": ("ms", "mean change of the packet's temporal spread from one group to the next"),
    "n": ("1", "group-to-group steps in the bin"),
    "kind": ("", "fixed point: attractor or saddle"),
    "how": ("", "how the fixed point was estimated"),
    # group-size sweep
    "group_size": ("neurons", "neurons per group (w in the paper)"),
    "attractor_a": ("spikes", "packet size of the attractor (last 3 groups of surviving trials)"),
    "attractor_sigma": ("ms", "temporal spread of the attractor"),
    "p_survival_max": ("1", "highest survival probability on this group size's grid"),
    # normalization study
    "convention": ("", "normalization convention of the alpha kernel (docs/kernels.md)"),
    "ode": ("", "the convention's synapse equations"),
    "spike_jump": ("", "what an input spike adds to the synapse's state"),
    "ratio_to_convolution": (
        "1",
        "least-squares ratio of the ODE's response to the convolution with (t/tau) exp(-t/tau)",
    ),
    "ratio_spread": ("1", "max - min of the pointwise ratio to the convolution (0: the same shape)"),
    "expected": ("1", "the ratio the convention's jump factor predicts"),
    "expected_expr": ("", "the jump factor as a formula"),
    "used_by": ("", "simulators that use the convention"),
    "kernel": ("", "the kernel the convention gives for a unit weight"),
    # The unit of a kernel's peak and area depends on the row's convention (docs/kernels.md).
    "peak": (
        "1 | ms | 1/ms, by convention",
        "peak of the kernel K(t) of a unit weight, in the kernel's unit: 1 (peak_normalized,"
        " one_over_e_peak), ms (unnormalized_ode), 1/ms (unit_area)",
    ),
    "area_ms": (
        "ms | ms^2 | 1, by convention",
        "area (time integral) of the kernel of a unit weight: ms (peak_normalized, one_over_e_peak),"
        " ms^2 (unnormalized_ode), 1 (unit_area)",
    ),
    "weight_for_psp_mv": ("mV", "weight w that gives the target PSP peak under the convention"),
    "psp_mv_with_seed_weight": ("mV", "PSP peak under the convention with the seeds' weight"),
    "variant": ("", "simulated variant (docs/workflow.md): norm_* of the normalization study"),
    "label": ("", "the variant in words"),
    "normalization": ("", "normalization convention of the variant's chain synapses"),
    "integrator": ("", "integration scheme of the variant: exact (propagator) or euler"),
    "w": ("mV", "chain synapse weight of the variant"),
    "psp_mv": ("mV", "PSP peak of the variant on the time grid"),
    "p_at_min_a": ("1", "survival probability at the smallest input packet of the grid"),
    "p_at_max_a": ("1", "survival probability at the largest input packet of the grid"),
    "shift_a50": ("spikes", "a50 minus the a50 of the seeds' model (norm_one_over_e_peak)"),
    "shift_low": ("spikes", "lower end of the shift's conservative interval"),
    "shift_high": ("spikes", "upper end of the shift's conservative interval"),
}
TABLES = {
    "flow": {
        "a": "packet size at the centre of the bin (a, sigma)",
        "sigma": "temporal spread at the centre of the bin",
    },
    "fixed_points": {"a": "packet size of the fixed point", "sigma": "temporal spread of the fixed point"},
    "threshold": {"sigma": "temporal spread (sd) of the input packet"},
    "bifurcation": {"sigma": "temporal spread of the input packet at which a50 is measured"},
}
DATATYPES = {"i": "integer", "u": "integer", "f": "double", "b": "boolean"}


class UndocumentedColumnError(KeyError):
    def __str__(self):
        return self.args[0]


def metadata(frame, path) -> dict:
    """The CSVW metadata of `frame` written as the CSV file `path`."""
    name = Path(path).stem
    refined = TABLES.get(name, {})
    columns = []
    for column in frame.columns:
        if column not in COLUMNS:
            raise UndocumentedColumnError(
                f"column {column!r} of {path} is not in the data dictionary (workflow/scripts/diesmann1999/columns.py)"
            )
        unit, description = COLUMNS[column]
        entry = {
            "name": column,
            "titles": column,
            "datatype": DATATYPES.get(frame[column].dtype.kind, "string"),
            "dc:description": refined.get(column, description),
        }
        if unit:
            entry["schema:unitText"] = unit
        columns.append(entry)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": Path(path).name,
        "dc:title": name.replace("_", " "),
        "dc:source": "synfire: reproduction of Diesmann, Gewaltig & Aertsen (1999), doi:10.1038/990101",
        "dialect": {"header": True, "delimiter": ","},
        "null": "",
        "tableSchema": {"columns": columns},
    }


def metadata_path(path) -> Path:
    """Where the CSVW metadata of the table `path` goes: <table>.csv-metadata.json beside it."""
    return Path(f"{path}-metadata.json")
