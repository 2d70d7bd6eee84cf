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
    # Markov prediction (diesmann1999.markov)
    "chain_length": (
        "groups",
        "number of groups k the packet has to pass (survival: group k-1's packet is large enough)",
    ),
    "p_predicted": ("1", "survival probability after chain_length groups predicted from the transition kernels"),
    "p_simulated": (
        "1",
        "survival probability of the simulated chain at this point and chain length (empty where not simulated)",
    ),
    "a50_predicted": ("spikes", "threshold packet predicted from the kernels (linear interpolation on 1-spike steps)"),
    "a50_simulated": ("spikes", "threshold packet of the simulated chain (empty where not simulated)"),
    "within": ("1", "whether a50_predicted lies in [a50_low, a50_high] of the simulated chain (true/false)"),
    "within_fit": (
        "1",
        "whether a50_predicted lies in [a50_fit_low, a50_fit_high], the fitted a50's interval (true/false)",
    ),
    "kernels": ("", "kernel set: which kernel drives group 0, group 1 and the later groups (docs/model.md section 15)"),
    "mean_abs_dp": ("1", "mean |p_predicted - p_simulated| over the sweep's (a, sigma) grid"),
    "mean_dp": ("1", "mean p_predicted - p_simulated over the grid (> 0: the prediction survives more)"),
    "noise_abs_dp": (
        "1",
        "mean |dp| an exact prediction would show from the binomial noise of the simulated trials alone",
    ),
    "a50_within": (
        "1",
        "at the simulated chain length: sigma values at which a50_predicted lies in the simulated interval",
    ),
    "a50_shift": ("spikes", "at the simulated chain length: mean of a50_predicted - a50_simulated over sigma"),
    "group": ("1", "group index along the chain (0 receives the input packet)"),
    "steps": ("1", "group-to-group steps of the simulated chain into this group that start near the threshold"),
    "a_simulated": ("spikes", "mean size of the packet the group emitted in the simulated chain"),
    "a_predicted": ("spikes", "mean size of the packet the kernel emits from the same input packets"),
    "alive_simulated": ("1", "fraction of those packets with at least min_fraction * group_size spikes (chain)"),
    "alive_predicted": ("1", "the same fraction of the kernel's packets"),
    "what": ("", "what was simulated: one transition kernel, all of them, or the full sweep of the chain"),
    "cpu_s": (
        "s",
        "CPU time of the simulations and packet extraction, one thread: seconds per trial timed in one"
        " process for every row, times the trials",
    ),
    "job_cpu_s": ("s", "CPU time the kernel's own simulation job measured (empty for the full sweep)"),
    "ratio_to_prediction": ("1", "cpu_s over the CPU time of all the kernels"),
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
    "predicted_threshold": {
        "a50_low": "lower end of the simulated a50's interval (empty where not simulated)",
        "a50_high": "upper end of the simulated a50's interval (empty where not simulated)",
        "a50_fit": "the simulated chain's fitted threshold packet (probit; empty where not simulated or no fit)",
        "a50_fit_low": "lower end of the fitted a50's profile-likelihood interval (empty where not simulated)",
        "a50_fit_high": "upper end of the fitted a50's profile-likelihood interval (empty where not simulated)",
    },
    "prediction_steps": {
        "group": "the group that receives the packet (0: the input packet)",
        "kernel": "transition kernel: first (group 0), second (group 1) or later (groups 2, 3, ...)",
    },
    "prediction_check": {"chain_length": "groups passed: survival compared at group chain_length - 1"},
    "prediction_cost": {
        "chain_length": "groups of the chain in the full sweep (empty for the kernels)",
        "trials": "single-group trials of the kernels, or chain trials of the full sweep",
    },
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
