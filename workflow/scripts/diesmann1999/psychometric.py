"""The threshold packet from a fitted psychometric curve (issue 12, part 2).

At one sigma, the survival counts k of n trials at the input packets a are fitted by maximum
likelihood with the binomial probit model

    P(survive | a) = Phi((a - a50) / s),

so a50 is where P = 0.5 and the slope of the curve there is dP/da = 1 / (s sqrt(2 pi)). The
intervals of a50 and of the slope are profile-likelihood (likelihood-ratio) intervals: the values
whose profile deviance 2 (l_max - l_profile) is at most the chi-square(1) quantile of the
confidence level. The log-likelihood is concave in the linear predictor eta = c + b a (b = 1 / s),
and so in (c, b), in b at fixed a50 (eta = b (a - a50)) and in c at fixed b: each maximisation (the
joint fit, and the profiles of a50 and of the slope) is Newton's method with step halving.

No fit exists when no trial survives, every trial does, or the counts are separated: every trial
dies below some a and survives above it, at most one a having both (the likelihood then grows
without bound as s -> 0). `fit_threshold` then says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import log_ndtr, ndtr
from scipy.stats import chi2

SQRT_2PI = math.sqrt(2 * math.pi)
LOG_SQRT_2PI = math.log(SQRT_2PI)


@dataclass(frozen=True)
class Fit:
    """A fitted curve: a50 and slope (dP/da at a50, spikes^-1) with their interval ends; NaN and a
    `reason` when there is no fit; an interval end is NaN when the interval is not bounded within
    the simulated range (a50) or below 1000 times the fitted slope (slope)."""

    a50: float = math.nan
    a50_low: float = math.nan
    a50_high: float = math.nan
    slope: float = math.nan
    slope_low: float = math.nan
    slope_high: float = math.nan
    reason: str = ""


def curve(a, a50: float, slope: float):
    """P(survive | a) of the fitted probit curve with threshold `a50` and slope `slope` at a50."""
    return ndtr((np.asarray(a, dtype=float) - a50) * slope * SQRT_2PI)


def loglik(eta, k, n) -> float:
    """Binomial log-likelihood (without the binomial coefficients) of the probit model."""
    return float(np.sum(k * log_ndtr(eta) + (n - k) * log_ndtr(-eta)))


def _derivatives(eta, k, n):
    """d loglik / d eta and d2 loglik / d eta2 per point (both terms concave in eta)."""
    log_pdf = -0.5 * eta**2 - LOG_SQRT_2PI
    up = np.exp(log_pdf - log_ndtr(eta))  # phi / Phi
    down = np.exp(log_pdf - log_ndtr(-eta))  # phi / (1 - Phi)
    first = k * up - (n - k) * down
    second = -k * up * (eta + up) - (n - k) * down * (down - eta)
    return first, second


def _maximise(design, offset, k, n, beta, iterations: int = 200):
    """Newton's method with step halving for the concave loglik(offset + design @ beta); returns
    (beta, loglik)."""
    beta = np.asarray(beta, dtype=float)
    value = loglik(offset + design @ beta, k, n)
    for _ in range(iterations):
        first, second = _derivatives(offset + design @ beta, k, n)
        gradient = design.T @ first
        hessian = design.T @ (second[:, None] * design)
        step = np.linalg.solve(hessian, -gradient)
        for _ in range(60):
            trial = loglik(offset + design @ (beta + step), k, n)
            if trial >= value - 1e-12 * abs(value):
                break
            step = step / 2
        beta, value = beta + step, max(trial, value)
        if np.all(np.abs(step) <= 1e-12 * (1 + np.abs(beta))):
            break
    return beta, value


def separated(a, k, n) -> str:
    """Why no maximum-likelihood fit exists for these counts, or "" if one does."""
    a, k, n = (np.asarray(x, dtype=float) for x in (a, k, n))
    if not np.any(k > 0):
        return "no trial survived at any a"
    if not np.any(k < n):
        return "every trial survived at every a"
    fails, survives = a[k < n], a[k > 0]
    if fails.max() == survives.min():
        return f"the counts are separated: only a = {fails.max():g} has trials that survive and trials that die"
    if fails.max() < survives.min():
        return f"the counts are separated: no trial survives at a <= {fails.max():g}, every trial at a >= {survives.min():g}"
    if survives.max() <= fails.min():
        return "survival falls with a (separated)"
    return ""


def fit_threshold(a, survived, trials, confidence: float = 0.95) -> Fit:
    """Maximum-likelihood probit fit of the survival counts at one sigma, with profile-likelihood
    intervals of a50 and of the slope at `confidence`."""
    a, k, n = (np.asarray(x, dtype=float) for x in (a, survived, trials))
    keep = n > 0
    a, k, n = a[keep], k[keep], n[keep]
    reason = separated(a, k, n)
    if reason:
        return Fit(reason=reason)
    centre, scale = a.mean(), max(a.std(), 1e-9)
    x = (a - centre) / scale
    (b0, b1), best = _maximise(np.column_stack([np.ones_like(x), x]), np.zeros_like(x), k, n, [0.0, 1.0])
    if b1 <= 0:
        return Fit(reason="survival falls with a (fitted slope <= 0)")
    b = b1 / scale  # 1 / s
    a50 = centre - b0 / b1 * scale
    if not a.min() <= a50 <= a.max():
        return Fit(reason=f"the fitted a50 = {a50:.3g} lies outside the simulated range of a")
    critical = chi2.ppf(confidence, 1)

    def deviance_a50(t):  # profile over b >= 0 at a50 = t
        design = (a - t)[:, None]
        (slope,), value = _maximise(design, np.zeros_like(a), k, n, [b])
        if slope < 0:  # the maximum over b >= 0 of a concave function is then at b = 0
            value = loglik(np.zeros_like(a), k, n)
        return 2 * (best - value)

    def deviance_b(t):  # profile over a50 at b = t (eta = t (a - centre) + c)
        _, value = _maximise(np.ones((len(a), 1)), t * (a - centre), k, n, [t * (centre - a50)])
        return 2 * (best - value)

    step = 1 / b
    low = _end(deviance_a50, a50, -step, a.min(), critical)
    high = _end(deviance_a50, a50, step, a.max(), critical)
    b_low = 0.0 if deviance_b(0.0) <= critical else brentq(lambda t: deviance_b(t) - critical, 0.0, b, xtol=1e-12)
    b_high = _end(lambda t: deviance_b(math.exp(t)), math.log(b), math.log(1.5), math.log(1000 * b), critical)
    to_slope = 1 / SQRT_2PI
    return Fit(
        a50=float(a50),
        a50_low=low,
        a50_high=high,
        slope=float(b * to_slope),
        slope_low=float(b_low * to_slope),
        slope_high=float(math.exp(b_high) * to_slope),
    )


def _end(deviance, start: float, step: float, limit: float, critical: float) -> float:
    """Where `deviance` first rises through `critical` going from `start` towards `limit` (in steps
    growing from `step`); NaN if it does not before `limit`."""
    here = start
    while (limit - here) * step > 0:
        there = min(here + step, limit) if step > 0 else max(here + step, limit)
        if deviance(there) > critical:
            return float(brentq(lambda t: deviance(t) - critical, here, there, xtol=1e-10))
        here, step = there, step * 1.5
    return math.nan
