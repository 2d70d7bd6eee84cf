"""The step maps against SciPy, closed forms and independent quadrature."""

import numpy as np
import pytest
from scipy.integrate import quad_vec
from scipy.linalg import expm as scipy_expm
from scipy.linalg import solve_continuous_lyapunov

from simcore.params import Params
from simcore.propagator import drift_matrix, expm, noise_covariance, stationary_covariance, step_map

TAU_S, TAU_M, H = 0.325, 10.0, 0.1


@pytest.mark.parametrize("scale", [1e-3, 0.1, 1.0, 7.0, 40.0])
def test_expm_matches_scipy(scale):
    rng = np.random.default_rng(3)
    for matrix in (drift_matrix(TAU_S, TAU_M) * scale, rng.normal(size=(6, 6)) * scale / 3):
        np.testing.assert_allclose(expm(matrix), scipy_expm(matrix), rtol=1e-12, atol=1e-14)


def test_propagator_closed_form():
    # y' = -a y, x' = a (y - x), U' = b (x - U): solve by hand for z(0) = e_y, e_x, e_U
    a, b, h = 1 / TAU_S, 1 / TAU_M, H
    ea, eb = np.exp(-a * h), np.exp(-b * h)
    p20 = a * b * (eb / (a - b) ** 2 - ea / (a - b) ** 2 - h * ea / (a - b))  # U response to a unit y jump
    p21 = b * (eb - ea) / (a - b)
    expected = np.array([[ea, 0, 0], [a * h * ea, ea, 0], [p20, p21, eb]])
    mapping = step_map(TAU_S, TAU_M, 25.27, 39.24, H, "exact")
    np.testing.assert_allclose(mapping.propagator, expected, rtol=1e-13, atol=1e-16)


def test_noise_covariance_matches_quadrature():
    A = drift_matrix(TAU_S, TAU_M)
    b = np.array([39.24, 0.0, 0.0])
    integrand = lambda u: (lambda v: np.outer(v, v))(scipy_expm(A * u) @ b)  # noqa: E731
    quadrature, _ = quad_vec(integrand, 0, H, epsabs=1e-14, epsrel=1e-13)
    np.testing.assert_allclose(noise_covariance(A, 39.24, H), quadrature, rtol=1e-10)


def test_exact_map_has_continuous_stationary_law_and_reference_numbers():
    mapping = step_map(TAU_S, TAU_M, 25.27, 39.24, H, "exact")
    cov = stationary_covariance(mapping.propagator, mapping.noise_factor @ mapping.noise_factor.T)
    A = drift_matrix(TAU_S, TAU_M)
    bbt = np.zeros((3, 3))
    bbt[0, 0] = 39.24**2
    continuous = solve_continuous_lyapunov(A, -bbt)
    np.testing.assert_allclose(cov, continuous, rtol=1e-10)
    sd = np.sqrt(np.diag(cov))
    # docs/model.md section 13: sd y 15.82, sd x 11.19, free membrane sd 2.784, means mu*tau_s = 8.213
    assert sd[0] == pytest.approx(15.82, abs=0.005)
    assert sd[1] == pytest.approx(11.19, abs=0.005)
    assert sd[2] == pytest.approx(2.784, abs=0.0005)
    np.testing.assert_allclose(mapping.fixed_point, 25.27 * TAU_S)
    assert -70 + mapping.fixed_point[2] == pytest.approx(-61.787, abs=0.0005)


def test_euler_map_is_forward_euler():
    mapping = step_map(TAU_S, TAU_M, 25.27, 39.24, H, "euler")
    np.testing.assert_allclose(mapping.propagator, np.eye(3) + H * drift_matrix(TAU_S, TAU_M))
    assert mapping.n_normals == 1
    assert mapping.noise_factor[0, 0] == pytest.approx(39.24 * np.sqrt(H))
    assert not np.any(mapping.noise_factor[1:])


def test_no_noise_draws_nothing():
    assert step_map(TAU_S, TAU_M, 0.0, 0.0, H, "exact").n_normals == 0
    assert Params(background="none").background == "none"
