"""Tables of the ziggurat method for the standard normal (Marsaglia & Tsang 2000), for any layer count.

The density f(x) = exp(-x^2 / 2) on x >= 0 is covered by `layers` boxes of equal area v: box 0 is
the base strip (width q = v / f(r), the part beyond r standing for the tail), box i >= 1 spans
[0, x_i] x [f(x_i), f(x_{i-1})] with x_0 = 0 on top and x_{layers-1} = r at the bottom. r is the
root of the closure condition: going up from x_{layers-1} = r by x_{i-1} = f^-1(f(x_i) + v / x_i)
must end exactly at x_0 = 0. These are the tables of NumPy's generator (``ziggurat_constants.h``,
256 layers, 52-bit mantissa) in its layout; ``tests/test_draws.py`` checks that 256 layers here
give NumPy's r exactly and its tables to 1e-13.

- k[i]: a point of box i with mantissa m (uniform on [0, 2^52)) lies in the part of the box under
  the curve that needs no test (x < x_{i-1}; for box 0, x < r) iff m < k[i]. k[1] = 0.
- w[i]: x = m * w[i] (= x_i / 2^52; for box 0, q / 2^52).
- f[i] = f(x_i) (f[0] = 1), for the wedge test of the points outside.
"""

from __future__ import annotations

import math

import numpy as np

MANTISSA_SCALE = 2.0**52


def _density(x: float) -> float:
    return math.exp(-0.5 * x * x)


def base_area(r: float) -> float:
    """v: the area of the base strip, r f(r) plus the tail beyond r."""
    return r * _density(r) + math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))


def _edges(layers: int, r: float):
    """x_1 .. x_{layers-1} going up from r, or None if the boxes reach the top before x_1."""
    v = base_area(r)
    x = np.zeros(layers)
    x[layers - 1] = r
    for i in range(layers - 2, 0, -1):
        level = v / x[i + 1] + _density(x[i + 1])
        if level >= 1.0:
            return None
        x[i] = math.sqrt(-2.0 * math.log(level))
    return x


def closure(layers: int, r: float) -> float:
    """f(x_1) + v / x_1 - 1: zero when the top box ends at x_0 = 0; +inf if the boxes close early."""
    x = _edges(layers, r)
    if x is None:
        return math.inf
    return _density(x[1]) + base_area(r) / x[1] - 1.0


def solve_r(layers: int) -> float:
    """The closure root r, by bisection to the last bit (slow: for tests and new layer counts)."""
    low, high = 1.0, 10.0  # closure > 0 (boxes too big) below the root, < 0 above it
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            return low if abs(closure(layers, low)) <= abs(closure(layers, high)) else high
        if closure(layers, middle) > 0:
            low = middle
        else:
            high = middle


def tables(layers: int, r: float):
    """(k, w, f) as uint64, float64, float64 arrays of length `layers` (layout above)."""
    x = _edges(layers, r)
    if x is None:
        raise ValueError(f"r = {r} does not close {layers} ziggurat layers")
    q = base_area(r) / _density(r)
    k = np.zeros(layers, dtype=np.uint64)
    k[0] = int(r / q * MANTISSA_SCALE)
    for i in range(2, layers):
        k[i] = int(x[i - 1] / x[i] * MANTISSA_SCALE)
    w = np.empty(layers)
    w[0] = q / MANTISSA_SCALE
    w[1:] = x[1:] / MANTISSA_SCALE
    f = np.empty(layers)
    f[0] = 1.0
    f[1:] = np.exp(-0.5 * x[1:] ** 2)
    return k, w, f
