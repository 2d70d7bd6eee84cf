"""Normalization conventions of the alpha kernel (docs/kernels.md; BrainPy issue #577).

A synapse of weight w adds w K(t) to the synaptic variable x after a presynaptic spike at t = 0.
The simulators disagree on K. In the model's ODE form (dx/dt = (-x + y)/tau_s,
dy/dt = -y/tau_s) a jump y += J gives x(t) = J (t/tau_s) exp(-t/tau_s), so each convention is the
jump J = w * jump_factor with

    convention          K(t)                      peak          area      jump_factor
    peak_normalized     (e/tau) t exp(-t/tau)     1             e tau     e
    one_over_e_peak     (t/tau) exp(-t/tau)       1/e           tau       1
    unnormalized_ode    t exp(-t/tau)             tau/e         tau^2     tau
    unit_area           (t/tau^2) exp(-t/tau)     1/(e tau)     1         1/tau

(times in ms; the peak is at t = tau in every convention). The seeds' form (Brian2 and BrainPy
synfire examples: y += w) is ``one_over_e_peak``, the default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

E = math.e


@dataclass(frozen=True)
class Convention:
    name: str
    kernel: str  # K(t) as text
    used_by: str
    jump_factor_expr: str

    def jump_factor(self, tau: float) -> float:
        """J / w: the y-jump per unit weight that realises this kernel."""
        return _JUMP_FACTORS[self.name](tau)

    def peak(self, tau: float) -> float:
        """max_t K(t), closed form."""
        return self.jump_factor(tau) / E

    def area(self, tau: float) -> float:
        """int_0^inf K(t) dt, closed form."""
        return self.jump_factor(tau) * tau

    def time_of_peak(self, tau: float) -> float:
        return tau

    def evaluate(self, t, tau: float):
        """K(t) in closed form (t >= 0; numbers or NumPy arrays)."""
        import numpy as np

        t = np.asarray(t, dtype=float)
        return self.jump_factor(tau) * (t / tau) * np.exp(-t / tau)


_JUMP_FACTORS = {
    "peak_normalized": lambda tau: E,
    "one_over_e_peak": lambda tau: 1.0,
    "unnormalized_ode": lambda tau: tau,
    "unit_area": lambda tau: 1.0 / tau,
}

CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention(
            "peak_normalized",
            "(e/tau) t exp(-t/tau)",
            "NEST iaf_psc_alpha, PyNN IF_curr_alpha, NEURON AlphaSynapse",
            "e",
        ),
        Convention(
            "one_over_e_peak",
            "(t/tau) exp(-t/tau)",
            "Brian2 docs recipe, Brian2/BrainPy synfire examples, BrainPy Alpha >= 2.5",
            "1",
        ),
        Convention(
            "unnormalized_ode",
            "t exp(-t/tau)",
            "BrainPy Alpha <= 2.4.6 (dg/dt = -g/tau + h, h += s)",
            "tau",
        ),
        Convention(
            "unit_area",
            "(t/tau^2) exp(-t/tau)",
            "charge-normalized alpha (unit integral)",
            "1/tau",
        ),
    )
}
DEFAULT_CONVENTION = "one_over_e_peak"


def convention(name: str) -> Convention:
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise ValueError(f"unknown normalization {name!r}; choose one of: {', '.join(CONVENTIONS)}") from None
