"""Model, simulation and packet-window parameters: one flat, validated, immutable set.

Every parameter has its default (docs/model.md says where each comes from), a unit and a one-line
description; `--set name=value`
on the command line and the workflow config use exactly these names.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field

from .conventions import CONVENTIONS, DEFAULT_CONVENTION

BACKGROUNDS = ("diffusion", "poisson", "none")
INTEGRATORS = ("exact", "euler")
INITIAL_STATES = ("stationary", "rest")
PACKET_ESTIMATORS = ("mixture", "window_count")


class ParameterError(ValueError):
    """A parameter name or value is not acceptable; the message names it and the fix."""


def _p(default, unit, doc, section, *, low=None, high=None, low_open=False, choices=None):
    return field(
        default=default,
        metadata=dict(
            unit=unit,
            doc=doc,
            section=section,
            low=low,
            high=high,
            low_open=low_open,
            choices=choices,
        ),
    )


@dataclass(frozen=True)
class Params:
    # neuron
    tau_m: float = _p(10.0, "ms", "membrane time constant", "neuron", low=0, low_open=True)
    v_rest: float = _p(-70.0, "mV", "resting potential", "neuron")
    v_reset: float = _p(-70.0, "mV", "reset potential (V is clamped here while refractory)", "neuron")
    v_threshold: float = _p(-55.0, "mV", "firing threshold", "neuron")
    t_ref: float = _p(1.0, "ms", "absolute refractory period", "neuron", low=0)
    clamp_refractory: bool = _p(
        True,
        "",
        "hold V at v_reset while refractory (NEST, BrainPy; the Brian2 example does not)",
        "neuron",
    )
    # synapse
    tau_s: float = _p(0.325, "ms", "synaptic (alpha) time constant", "synapse", low=0, low_open=True)
    w: float = _p(
        4.86,
        "mV",
        "chain synapse weight (y += w * jump_factor(normalization); mV in the default one)",
        "synapse",
    )
    normalization: str = _p(
        DEFAULT_CONVENTION,
        "",
        "normalization convention of the chain synapses' alpha kernel (docs/kernels.md)",
        "synapse",
        choices=tuple(CONVENTIONS),
    )
    delay: float = _p(5.0, "ms", "synaptic delay between successive groups", "synapse", low=0, low_open=True)
    # chain
    n_groups: int = _p(10, "", "number of groups in the chain", "chain", low=1)
    group_size: int = _p(100, "", "neurons per group (w in the paper)", "chain", low=1)
    # background
    background: str = _p("diffusion", "", "background input model", "background", choices=BACKGROUNDS)
    mu: float = _p(25.27, "mV/ms", "diffusion background: mean drive on y", "background")
    s: float = _p(39.24, "mV/sqrt(ms)", "diffusion background: noise amplitude on y", "background", low=0)
    n_exc: int = _p(17600, "", "poisson background: excitatory inputs per neuron", "background", low=0)
    rate_exc: float = _p(2.0, "Hz", "poisson background: rate of each excitatory input", "background", low=0)
    n_inh: int = _p(2400, "", "poisson background: inhibitory inputs per neuron", "background", low=0)
    rate_inh: float = _p(12.5, "Hz", "poisson background: rate of each inhibitory input", "background", low=0)
    w_bg: float = _p(
        4.86,
        "mV",
        "poisson background: y jump per input spike (+ exc, - inh), independent of normalization",
        "background",
        low=0,
    )
    # simulation
    dt: float = _p(0.1, "ms", "time step", "simulation", low=0, low_open=True)
    t_stop: float = _p(100.0, "ms", "simulated time per trial", "simulation", low=0, low_open=True)
    t0: float = _p(20.0, "ms", "mean time of the input pulse packet", "simulation", low=0)
    integrator: str = _p("exact", "", "exact (propagator) or euler (Euler-Maruyama)", "simulation", choices=INTEGRATORS)
    initial_state: str = _p(
        "stationary",
        "",
        "stationary: free-membrane stationary law below threshold; rest: all at rest",
        "simulation",
        choices=INITIAL_STATES,
    )
    # packet window rule (see simcore.packets)
    window_half_width: float = _p(
        2.0,
        "ms",
        "packet window: minimum half width around the expected arrival",
        "packets",
        low=0,
    )
    window_n_sd: float = _p(
        3.0,
        "",
        "packet window: half width in units of the previous packet's sigma",
        "packets",
        low=0,
    )
    window_max_half_width: float = _p(
        10.0,
        "ms",
        "packet window: maximum half width (stops a dying packet's window from growing"
        " until it is filled with background)",
        "packets",
        low=0,
    )
    window_latency: float = _p(
        3.0,
        "ms",
        "packet window: extra room after the expected arrival for the response latency",
        "packets",
        low=0,
    )
    clip_n_sd: float = _p(
        3.0,
        "",
        "packet estimate: sigma-clipping of background spikes (0 = no clipping)",
        "packets",
        low=0,
    )
    min_packet_spikes: int = _p(
        10,
        "",
        "packet estimate: a packet of fewer spikes than this (background excluded) is dead",
        "packets",
        low=1,
    )
    packet_estimator: str = _p(
        "mixture",
        "",
        "mixture: fit packet + known background in the window (background-corrected a, sigma, t);"
        " window_count: count the spikes left after clipping (background included)",
        "packets",
        choices=PACKET_ESTIMATORS,
    )
    packet_background_rate: float = _p(
        3.10,
        "Hz",
        "mixture estimator: spontaneous rate per neuron of groups 1..n_groups-1 without a packet"
        " (`simcore background --chain --json`, later_groups_hz)",
        "packets",
        low=0,
    )
    packet_background_rate_first: float = _p(
        2.19,
        "Hz",
        "mixture estimator: spontaneous rate per neuron of group 0 (`simcore background --chain --json`,"
        " first_group_hz)",
        "packets",
        low=0,
    )

    def __post_init__(self):
        for f in dataclasses.fields(self):
            _check_field(f, getattr(self, f.name))
        if self.v_threshold <= self.v_reset:
            raise ParameterError(f"v_threshold ({self.v_threshold} mV) must be above v_reset ({self.v_reset} mV)")
        for name in ("delay", "t_ref", "t0", "t_stop"):
            steps = getattr(self, name) / self.dt
            if abs(steps - round(steps)) > 1e-6 * max(1.0, steps):
                raise ParameterError(
                    f"{name} = {getattr(self, name)} ms is not a whole number of time steps "
                    f"(dt = {self.dt} ms); choose a multiple of dt"
                )
        if self.t0 > self.t_stop:
            raise ParameterError(f"t0 ({self.t0} ms) must not be later than t_stop ({self.t_stop} ms)")

    # ---- derived quantities, in the units of the equations -------------------------------------
    @property
    def u_threshold(self) -> float:
        """Threshold relative to rest, U = V - v_rest."""
        return self.v_threshold - self.v_rest

    @property
    def u_reset(self) -> float:
        return self.v_reset - self.v_rest

    def steps(self, duration_ms: float) -> int:
        return int(round(duration_ms / self.dt))

    @property
    def chain_jump(self) -> float:
        """y jump of a chain synapse: w times the normalization convention's factor."""
        return self.w * CONVENTIONS[self.normalization].jump_factor(self.tau_s)

    # ---- construction, serialisation ---------------------------------------------------------
    def replace(self, **changes) -> Params:
        unknown = set(changes) - set(names())
        if unknown:
            raise ParameterError(_unknown_message(sorted(unknown)[0]))
        return dataclasses.replace(self, **changes)

    def with_overrides(self, assignments: list[str] | dict) -> Params:
        """Apply `name=value` strings (CLI) or a {name: value} mapping (config, JSON).

        Strings are parsed only from `name=value` text; a mapping carries typed values (a number
        given as text there is refused, as in the rest of the config)."""
        if isinstance(assignments, dict):
            items = [(name, value, False) for name, value in assignments.items()]
        else:
            items = []
            for text in assignments:
                name, sep, value = text.partition("=")
                if not sep or not name.strip():
                    raise ParameterError(f"--set expects name=value, got {text!r}")
                items.append((name.strip(), value.strip(), True))
        changes = {name: check_value(name, value, from_text=from_text) for name, value, from_text in items}
        return self.replace(**changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Params:
        return cls().with_overrides(json.loads(text))


_FIELDS = {f.name: f for f in dataclasses.fields(Params)}


def names() -> list[str]:
    return list(_FIELDS)


RENAMED = {"kernel": "normalization"}


def _unknown_message(name: str) -> str:
    import difflib

    if name in RENAMED:
        return f"parameter {name!r} was renamed {RENAMED[name]!r}; use {RENAMED[name]}=..."

    close = difflib.get_close_matches(name, _FIELDS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown parameter {name!r}{hint}; `simcore --help` lists them"


def check_value(name: str, value, *, from_text: bool = False):
    """One parameter's value, converted to its type and checked against its own bounds (not
    against the other parameters); ParameterError names the parameter."""
    if name not in _FIELDS:
        raise ParameterError(_unknown_message(name))
    value = parse_value(name, value, from_text=from_text)
    _check_field(_FIELDS[name], value)
    return value


def parse_value(name: str, value, *, from_text: bool = True):
    """Convert a CLI string (`from_text`) or a typed config/JSON value to the parameter's type, with a
    clear error. A typed value must have the parameter's type (an int is fine for a float)."""
    f = _FIELDS[name]
    kind = f.type if isinstance(f.type, type) else {"float": float, "int": int, "bool": bool, "str": str}[f.type]
    words = {float: "a number", int: "a whole number", bool: "true or false", str: "text"}[kind]
    if not isinstance(value, str) or not from_text:
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value) + 0.0  # -0.0 is stored as 0.0
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind is bool and isinstance(value, bool):
            return value
        if kind is str and isinstance(value, str):
            return value
        hint = " (write it without quotes)" if isinstance(value, str) else ""
        raise ParameterError(f"{name} must be {words}, got {value!r}{hint}")
    try:
        if kind is bool:
            lowered = value.lower()
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            return int(value)
        if kind is float:
            return float(value) + 0.0
        return value
    except ValueError:
        raise ParameterError(f"{name} must be {words}, got {value!r}") from None


def _check_field(f: dataclasses.Field, value) -> None:
    meta = f.metadata
    unit = f" {meta['unit']}" if meta["unit"] else ""
    if meta["choices"] is not None:
        if value not in meta["choices"]:
            raise ParameterError(f"{f.name} = {value!r} is not allowed; choose one of: {', '.join(meta['choices'])}")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"{f.name} must be a finite number, got {value}")
    low = meta["low"]
    if low is not None and (value < low or (meta["low_open"] and value == low)):
        bound = ">" if meta["low_open"] else ">="
        raise ParameterError(f"{f.name} must be {bound} {low}{unit}, got {value}")


def describe() -> str:
    """Parameter table for `--help`: name, default, unit, description, grouped by section."""
    lines, section = [], None
    for f in dataclasses.fields(Params):
        meta = f.metadata
        if meta["section"] != section:
            section = meta["section"]
            lines.append(f"  [{section}]")
        default = f.default
        choices = f" ({'|'.join(meta['choices'])})" if meta["choices"] else ""
        unit = f" {meta['unit']}" if meta["unit"] else ""
        lines.append(f"    {f.name} = {default}{unit}{choices}: {meta['doc']}")
    return "\n".join(lines)
