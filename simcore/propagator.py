"""One-step update maps of the neuron's linear subthreshold dynamics.

State z = (y, x, U) with U = V - v_rest (docs/model.md)::

    dy/dt = -y / tau_s + mu + s xi(t)
    dx/dt = (-x + y) / tau_s
    dU/dt = (-U + x) / tau_m

i.e. dz/dt = A z + c + b xi(t) with c = (mu, 0, 0) and b = (s, 0, 0).

Every integrator is written as the affine-Gaussian map

    z_{n+1} = z* + P (z_n - z*) + L eps_n,      eps_n ~ N(0, I)

* ``exact``: P = expm(A h); z* = -A^{-1} c = mu tau_s (1, 1, 1) is the fixed point of the constant
  drive, propagated exactly; L L^T = Q = int_0^h expm(A u) b b^T expm(A u)^T du is the exact
  covariance of the white-noise increment (Van Loan's block-exponential method), so L has three
  columns: three standard normals per neuron and step.
* ``euler``: forward Euler / Euler-Maruyama of the Brian2 and BrainPy examples: P = I + A h, the
  same z*, and only y receives noise, s sqrt(h) eps (one normal per neuron and step).

The matrix exponential of these 3x3 / 6x6 matrices is computed here with scaling and squaring of a
Taylor series (NumPy only) so that a simulation job does not pay SciPy's import time; the tests
compare it with ``scipy.linalg.expm`` and with the closed-form propagator. Every product, factor
and solve goes through simcore.linalg, not BLAS or LAPACK, so the maps have the same bits on
every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .linalg import cholesky, matmul, solve

INTEGRATORS = ("exact", "euler")


def expm(matrix: np.ndarray) -> np.ndarray:
    """Matrix exponential of a small matrix: Taylor series after scaling, then squaring."""
    matrix = np.asarray(matrix, dtype=float)
    norm = max(sum(abs(float(v)) for v in column) for column in matrix.T)  # the 1-norm, summed in order
    squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0.5 else 0
    scaled = matrix / 2.0**squarings
    result = np.eye(matrix.shape[0])
    term = np.eye(matrix.shape[0])
    for order in range(1, 30):  # ||scaled|| <= 0.5: the remainder is below 1e-17 relative
        term = matmul(term, scaled) / order
        result = result + term
    for _ in range(squarings):
        result = matmul(result, result)
    return result


def drift_matrix(tau_s: float, tau_m: float) -> np.ndarray:
    """A of dz/dt = A z + c for z = (y, x, U)."""
    return np.array(
        [
            [-1.0 / tau_s, 0.0, 0.0],
            [1.0 / tau_s, -1.0 / tau_s, 0.0],
            [0.0, 1.0 / tau_m, -1.0 / tau_m],
        ]
    )


def noise_covariance(drift: np.ndarray, noise_amplitude: float, h: float) -> np.ndarray:
    """Q = int_0^h expm(A u) b b^T expm(A u)^T du with b = (s, 0, 0), by Van Loan (1978)."""
    n = drift.shape[0]
    bbt = np.zeros((n, n))
    bbt[0, 0] = noise_amplitude**2
    block = np.zeros((2 * n, 2 * n))
    block[:n, :n] = -drift
    block[:n, n:] = bbt
    block[n:, n:] = drift.T
    exp_block = expm(block * h)
    covariance = matmul(exp_block[n:, n:].T, exp_block[:n, n:])
    return 0.5 * (covariance + covariance.T)


def cholesky_lower(covariance: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor; a zero covariance (no noise) gives a zero factor."""
    if not np.any(covariance):
        return np.zeros_like(covariance)
    return cholesky(covariance)


@dataclass(frozen=True)
class StepMap:
    """z_{n+1} = fixed_point + propagator (z_n - fixed_point) + noise_factor eps_n."""

    propagator: np.ndarray  # P, 3x3 lower triangular
    fixed_point: np.ndarray  # z*, shape (3,)
    noise_factor: np.ndarray  # L, 3x3 lower triangular
    n_normals: int  # standard normals drawn per neuron and step (0, 1 or 3)


def step_map(tau_s: float, tau_m: float, mu: float, s: float, h: float, integrator: str = "exact") -> StepMap:
    """The one-step map of the subthreshold dynamics for the given integrator."""
    if integrator not in INTEGRATORS:
        raise ValueError(f"integrator must be one of {INTEGRATORS}, got {integrator!r}")
    drift = drift_matrix(tau_s, tau_m)
    fixed_point = np.full(3, mu * tau_s)
    noise_factor = np.zeros((3, 3))
    if integrator == "exact":
        propagator = expm(drift * h)
        noise_factor = cholesky_lower(noise_covariance(drift, s, h))
        n_normals = 3 if s > 0 else 0
    else:
        propagator = np.eye(3) + drift * h
        noise_factor[0, 0] = s * np.sqrt(h)
        n_normals = 1 if s > 0 else 0
    return StepMap(propagator, fixed_point, noise_factor, n_normals)


def stationary_covariance(propagator: np.ndarray, step_covariance: np.ndarray) -> np.ndarray:
    """Sigma solving the discrete Lyapunov equation Sigma = P Sigma P^T + Q_step.

    For the exact map this is the stationary covariance of the continuous process; for Euler it is
    the stationary covariance of the Euler chain itself.
    """
    n = propagator.shape[0]
    lhs = np.eye(n * n) - np.kron(propagator, propagator)  # kron: element-wise products only
    sigma = solve(lhs, step_covariance.reshape(-1)).reshape(n, n)
    return 0.5 * (sigma + sigma.T)
