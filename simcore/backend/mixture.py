"""The packet estimator's mixture fit (simcore.packets, estimator ``mixture``), jitted.

Expectation-maximisation for the spikes t_1..t_m of a window [low, high] seen as a Poisson process of
intensity background + n N(t; mu, s^2): uniform background of known rate, a Gaussian packet of
unknown size n, mean mu and variance s^2 (at least `floor` where it enters the density: the time
grid's resolution dt^2 / 12). One iteration:

    p_i = n g(t_i) / (n g(t_i) + background)        the probability that spike i is the packet's
    A = sum p_i,  mu = sum p_i t_i / A,  s^2 = sum p_i (t_i - mu)^2 / A,  n = A / P_W(mu, s)

(P_W: the Gaussian's mass inside the window), until mu, s and n move by less than `tolerance`.
"""

from __future__ import annotations

import math

import numpy as np

from . import jit


@jit
def fit(times, low, high, background, mu, var, n, floor, max_iterations, tolerance):
    """(a, mu, var, iterations): a = A of the last E-step (NaN mu and var if A <= 1)."""
    m = times.size
    p = np.empty(m)
    a = 0.0
    iterations = 0
    root2 = math.sqrt(2.0)
    while iterations < max_iterations:
        iterations += 1
        v = max(var, floor)
        scale = n / math.sqrt(2.0 * math.pi * v)
        a = 0.0
        first = 0.0
        for i in range(m):
            d = times[i] - mu
            g = scale * math.exp(-0.5 * d * d / v)
            p[i] = g / (g + background)
            a += p[i]
            first += p[i] * times[i]
        if a <= 1.0:
            return a, np.nan, np.nan, iterations
        new_mu = first / a
        second = 0.0
        for i in range(m):
            d = times[i] - new_mu
            second += p[i] * d * d
        new_var = second / a
        s = math.sqrt(max(new_var, floor))
        mass = 0.5 * (math.erfc(-(high - new_mu) / (s * root2)) - math.erfc(-(low - new_mu) / (s * root2)))
        new_n = a / max(mass, 1e-12)
        converged = (
            abs(new_mu - mu) < tolerance
            and abs(math.sqrt(new_var) - math.sqrt(var)) < tolerance
            and abs(new_n - n) < tolerance
        )
        mu, var, n = new_mu, new_var, new_n
        if converged:
            break
    return a, mu, var, iterations
