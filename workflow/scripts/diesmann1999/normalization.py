"""Normalization study of the alpha kernel (BrainPy issue #577): one synapse driven by a spike train, each
convention's ODE against numpy.convolve, and what the conventions do to the chain.

The issue: written as ODEs, dg/dt = -g/tau + h, dh/dt = -h/tau, h += s (BrainPy <= 2.4.6) gives a
conductance tau times larger than the convolution of the spike train with (t/tau) exp(-t/tau).
Here every convention is written as the ODE its simulator integrates, integrated exactly on the
grid, and compared sample by sample with the convolution of the same spikes with the reference
kernel (t/tau) exp(-t/tau): the ratio is the convention's normalization (tau, 1, e, 1/tau).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simcore.conventions import CONVENTIONS, convention
from simcore.params import Params
from simcore.propagator import expm

REFERENCE = "one_over_e_peak"  # the kernel the issue convolves with: (t/tau) exp(-t/tau)


@dataclass(frozen=True)
class OdeSynapse:
    """dh/dt = -h/tau, dg/dt = (h_gain h - g)/tau ... written as each simulator does; h += jump."""

    name: str
    equations: str
    jump: str

    def matrices(self, tau: float):
        """(A, jump per unit weight) of the linear ODE for (h, g)."""
        if self.name == "unnormalized_ode":  # dg/dt = -g/tau + h
            return np.array([[-1 / tau, 0.0], [1.0, -1 / tau]]), 1.0
        if self.name == "peak_normalized":  # NEST: dI/dt = -I/tau + dI, dI += (e/tau) J
            return np.array([[-1 / tau, 0.0], [1.0, -1 / tau]]), math.e / tau
        if self.name == "unit_area":  # dg/dt = (-g + h)/tau, h += s/tau
            return np.array([[-1 / tau, 0.0], [1 / tau, -1 / tau]]), 1 / tau
        return np.array([[-1 / tau, 0.0], [1 / tau, -1 / tau]]), 1.0  # dg/dt = (-g + h)/tau, h += s


ODE_FORMS = {
    "peak_normalized": OdeSynapse("peak_normalized", "dI/dt = -I/tau + dI; d(dI)/dt = -dI/tau", "dI += (e/tau) w"),
    "one_over_e_peak": OdeSynapse("one_over_e_peak", "dg/dt = (-g + h)/tau; dh/dt = -h/tau", "h += w"),
    "unnormalized_ode": OdeSynapse("unnormalized_ode", "dg/dt = -g/tau + h; dh/dt = -h/tau", "h += w"),
    "unit_area": OdeSynapse("unit_area", "dg/dt = (-g + h)/tau; dh/dt = -h/tau", "h += w/tau"),
}


def lif_spike_train(
    duration_ms: float = 500.0,
    dt: float = 0.1,
    tau_m: float = 10.0,
    drive_mv: float = 20.0,
    threshold_mv: float = 15.0,
    t_ref: float = 2.0,
) -> np.ndarray:
    """Spike steps of an LIF neuron under constant input (the issue's setup); exact integration."""
    decay = math.exp(-dt / tau_m)
    v, refractory, spikes = 0.0, 0, []
    for step in range(1, int(round(duration_ms / dt)) + 1):
        if refractory > 0:
            refractory -= 1
            continue
        v = drive_mv + (v - drive_mv) * decay
        if v >= threshold_mv:
            spikes.append(step)
            v, refractory = 0.0, int(round(t_ref / dt))
    return np.array(spikes, dtype=np.int64)


def ode_response(name: str, spike_steps, n_steps: int, dt: float, tau: float) -> np.ndarray:
    """g on the grid from the convention's ODE, integrated exactly, unit weight."""
    drift, jump = ODE_FORMS[name].matrices(tau)
    propagator = expm(drift * dt)
    counts = np.bincount(spike_steps, minlength=n_steps + 1)[: n_steps + 1]
    state = np.zeros(2)
    g = np.empty(n_steps + 1)
    for step in range(n_steps + 1):
        if step:
            state = propagator @ state
        state[0] += jump * counts[step]
        g[step] = state[1]
    return g


def convolved(spike_steps, n_steps: int, dt: float, tau: float, name: str = REFERENCE) -> np.ndarray:
    """numpy.convolve of the spike train with a convention's closed-form kernel, on the grid."""
    counts = np.bincount(spike_steps, minlength=n_steps + 1)[: n_steps + 1].astype(float)
    kernel = convention(name).evaluate(np.arange(n_steps + 1) * dt, tau)
    return np.convolve(counts, kernel)[: n_steps + 1]


def issue_577(tau: float = 8.6, dt: float = 0.1, duration_ms: float = 500.0):
    """Per convention: ratio of the ODE's g to the convolution with (t/tau) exp(-t/tau).

    Returns (table, traces): the table has the least-squares ratio, its spread over samples and the
    expected normalization; traces hold t, the spike steps, the reference convolution and each g.
    """
    import pandas as pd

    spikes = lif_spike_train(duration_ms, dt)
    n_steps = int(round(duration_ms / dt))
    reference = convolved(spikes, n_steps, dt, tau)
    mask = reference > 1e-6 * reference.max()
    rows, traces = [], {"t_ms": np.arange(n_steps + 1) * dt, "spikes": spikes, "convolution": reference}
    for name in CONVENTIONS:
        g = ode_response(name, spikes, n_steps, dt, tau)
        ratio = g[mask] / reference[mask]
        traces[name] = g
        rows.append(
            {
                "convention": name,
                "ode": ODE_FORMS[name].equations,
                "spike_jump": ODE_FORMS[name].jump,
                "ratio_to_convolution": float(np.dot(g, reference) / np.dot(reference, reference)),
                "ratio_spread": float(ratio.max() - ratio.min()),
                "expected": convention(name).jump_factor(tau),
                "expected_expr": convention(name).jump_factor_expr,
            }
        )
    return pd.DataFrame(rows), traces


def conventions_table(params: Params | None = None, target_psp_mv: float = 0.14, seed_weight: float = 4.86):
    """Convention, simulators, kernel, peak, area, calibrated weight, PSP under the seeds' weight."""
    import pandas as pd

    from simcore.psp import continuous_peak, weight_for_psp_peak

    params = params or Params()
    rows = []
    for name, conv in CONVENTIONS.items():
        under = params.replace(normalization=name)
        rows.append(
            {
                "convention": name,
                "used_by": conv.used_by,
                "kernel": conv.kernel,
                "peak": conv.peak(params.tau_s),
                "area_ms": conv.area(params.tau_s),
                "weight_for_psp_mv": weight_for_psp_peak(under, target_psp_mv),
                "psp_mv_with_seed_weight": continuous_peak(under.replace(w=seed_weight))[1],
            }
        )
    table = pd.DataFrame(rows)
    table.attrs.update(target_psp_mv=target_psp_mv, seed_weight=seed_weight, tau_s=params.tau_s)
    return table


def propagation_tables(sweeps, min_fraction: float, confidence: float):
    """(survival, thresholds) of the chain under each normalization variant (one stacked sweep each),
    tagged with the variant, its words, normalization, integrator, weight and PSP peak; thresholds
    also carry their shift from the seeds' model (norm_one_over_e_peak), with a conservative interval."""
    import pandas as pd

    from simcore.dataset import params_of
    from simcore.psp import psp

    from .analysis import survival_table, threshold_table
    from .variants import label

    survival_frames, threshold_frames = [], []
    for ds in sweeps:
        name = ds.attrs["variant"]
        params = params_of(ds)
        survival = survival_table(ds, min_fraction, confidence)
        threshold = threshold_table(survival, confidence, where=f"{name}: ")
        tags = {
            "variant": name,
            "label": label(name),
            "normalization": params.normalization,
            "integrator": params.integrator,
            "w": params.w,
            "psp_mv": psp(params)["peak_mv"],
        }
        survival_frames.append(survival.assign(**tags))
        for sigma, part in survival.groupby("sigma"):
            threshold.loc[threshold.sigma == sigma, "p_at_min_a"] = part.sort_values("a").p.iloc[0]
            threshold.loc[threshold.sigma == sigma, "p_at_max_a"] = part.sort_values("a").p.iloc[-1]
        threshold_frames.append(threshold.assign(**tags))
    thresholds = pd.concat(threshold_frames, ignore_index=True)
    reference = thresholds[thresholds.variant == "norm_one_over_e_peak"].set_index("sigma")
    ref = reference.reindex(thresholds.sigma)
    thresholds["shift_a50"] = thresholds.a50.values - ref.a50.values
    thresholds["shift_low"] = thresholds.a50_low.values - ref.a50_high.values
    thresholds["shift_high"] = thresholds.a50_high.values - ref.a50_low.values
    return pd.concat(survival_frames, ignore_index=True), thresholds.sort_values(["sigma", "psp_mv"])
