"""Tables of the kernel's normal sampler: a ziggurat of inscribed boxes (McFarland 2016), any bucket count.

The half-normal density f(x) = exp(-x^2 / 2) on x >= 0 has area T = sqrt(pi / 2). Split it into
`buckets` parts of equal area A = T / buckets:

- **Boxes** 1..n, stacked from the bottom: box k spans [0, e_k] x [f(e_{k+1}), f(e_k)] (f(e_{n+1}) = 0,
  so box n is the base [0, e_n] x [0, f(e_n)]), with e_1 < ... < e_n and e_k (f(e_k) - f(e_{k+1})) = A.
  Every box lies *under* the curve (f(x) >= f(e_k) for x <= e_k), so the x of a uniform point of box k
  is simply uniform on [0, e_k]: no test. Boxes are added upwards until the next one no longer fits
  (x (f(x) - f(e_1)) < A for every x).
- **The rest** (what the boxes leave under the curve): the piece above box 1 (the cap, x < e_1), the
  sliver between each box's right edge and the curve, and the tail beyond r = e_n. Its area is
  T - n A = (buckets - n) A exactly, since A = T / buckets: the rest is worth `buckets - n` buckets.

So a normal is: a bucket b uniform in [0, buckets); if b < n, x = U e_{b+1} with U uniform on [0, 1)
(one table look-up, no test); else a draw from the rest (simcore.backend.draws). With 2048 buckets
(the kernel's) n = 2045: 99.85 % of draws take the first path; with 1024, n = 1021 and 99.71 %.
NumPy's ziggurat (Marsaglia & Tsang 2000) uses boxes that *cover* the curve instead, so every draw
must test its point against a second table.

The rest's density is g(x) = f(x) - f(e_k) on piece k = [e_{k-1}, e_k] (k = 1..n, e_0 = 0, the
height the boxes 1..k leave free), and f(x) beyond e_n (the tail). ``rest_pieces`` gives each
piece's area, by Gauss-Legendre quadrature (g is smooth on each piece; no cancellation as with
differences of erf), and the tests check that they add up to (buckets - n) A.
"""

from __future__ import annotations

import math

import numpy as np

TOTAL = math.sqrt(math.pi / 2)  # area under f on [0, inf)


def _density(x: float) -> float:
    return math.exp(-0.5 * x * x)


def _box_edge(c: float, area: float, right: float) -> float | None:
    """The x < right with x (f(x) - c) = area on the branch where x (f(x) - c) falls (the larger
    root), by Newton's method; None if no x gives that area."""
    level = c + area / right
    if level >= 1.0:
        return None
    x = math.sqrt(-2.0 * math.log(level))  # the box's height taken at x = right: a close start
    best, best_error = x, math.inf
    for _ in range(60):
        fx = _density(x)
        value = x * (fx - c) - area
        if abs(value) < best_error:
            best, best_error = x, abs(value)
        slope = fx * (1.0 - x * x) - c
        if slope >= 0.0:  # left of the maximum: the box does not fit this high (no root on our branch)
            return None
        step = value / slope
        x -= step
        if abs(step) <= 4e-16 * x:  # within an ulp or two: done (further steps only flicker)
            break
    # f(x) - c cancels, so the area is good to ~1e-13 relative; a missing root misses by far more
    if not (0.0 < best < right) or best_error > 1e-11 * area:
        return None
    return best


def boxes(buckets: int) -> tuple[np.ndarray, float]:
    """(e, A): the right edges e_1 < ... < e_n of the boxes and their common area A = T / buckets."""
    area = TOTAL / buckets
    # base box: x f(x) = A, the root beyond the maximum at x = 1, by bisection to the last bit
    low, high = 1.0, 10.0
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if middle * _density(middle) > area:
            low = middle
        else:
            high = middle
    edges = [low if abs(low * _density(low) - area) <= abs(high * _density(high) - area) else high]
    while len(edges) < buckets:
        edge = _box_edge(_density(edges[-1]), area, edges[-1])
        if edge is None:
            break
        edges.append(edge)
    return np.array(edges[::-1]), area


# 20-point Gauss-Legendre rule on [-1, 1], the positive half (the rule is symmetric): the values of
# np.polynomial.legendre.leggauss(20), written out because it computes them with LAPACK
# (eigvalsh), whose kernel depends on the CPU; tests/test_draws.py checks them against it.
_GAUSS_NODES = [0.07652652113349734, 0.22778585114164507, 0.37370608871541955, 0.5108670019508271, 0.636053680726515,
                0.7463319064601508, 0.8391169718222188, 0.912234428251326, 0.9639719272779138, 0.993128599185095]  # fmt: skip
_GAUSS_WEIGHTS = [0.15275338713072628, 0.14917298647260424, 0.1420961093183824, 0.1316886384491769, 0.1181945319615186,
                  0.1019301198172407, 0.08327674157670471, 0.06267204833410879, 0.040601429800386446, 0.017614007139150893]  # fmt: skip
GAUSS_NODES = np.array([-v for v in _GAUSS_NODES[::-1]] + _GAUSS_NODES)
GAUSS_WEIGHTS = np.array(_GAUSS_WEIGHTS[::-1] + _GAUSS_WEIGHTS)

density = np.vectorize(_density, otypes=[float])  # element-wise math.exp: NumPy's exp has an AVX-512 loop of its own


def rest_pieces(e: np.ndarray) -> np.ndarray:
    """Areas of the rest's pieces 1..n (g = f - f(e_k) on [e_{k-1}, e_k], e_0 = 0) and of the tail."""
    nodes, weights = GAUSS_NODES, GAUSS_WEIGHTS
    left = np.concatenate([[0.0], e[:-1]])
    half = 0.5 * (e - left)
    x = half[:, None] * nodes[None, :] + (0.5 * (e + left))[:, None]
    g = density(x) - density(e)[:, None]
    # summed in node order, as simcore.linalg.matmul would (`@` hands it to BLAS); written here because the
    # tables are compiled into the kernels, whose cache is keyed by this folder alone (simcore.backend)
    quadrature = g[:, 0] * weights[0]
    for k in range(1, weights.size):
        quadrature = quadrature + g[:, k] * weights[k]
    pieces = half * quadrature
    tail = TOTAL * math.erfc(e[-1] / math.sqrt(2.0))
    return np.concatenate([pieces, [tail]])
