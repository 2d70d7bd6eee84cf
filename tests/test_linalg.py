"""simcore.linalg (small dense linear algebra in a fixed order) against NumPy/LAPACK, and the claim it
exists for: the kernels' inputs have the same bits whichever BLAS kernel the CPU gets."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simcore import linalg

EPS = np.finfo(float).eps


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(0, 3), st.integers(0, 2**32 - 1))
def test_matmul_matches_numpy_to_rounding(n, k, m, seed):
    """Each entry within k roundings of the exact sum (bound k * eps * sum |a_ij b_jl|); catches a
    wrong index or a dropped term (errors of the size of a term, not of an ulp). m = 0: b a vector."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, k))
    b = rng.standard_normal(k) if m == 0 else rng.standard_normal((k, m))
    got = linalg.matmul(a, b)
    assert got.shape == (a @ b).shape
    bound = k * EPS * (np.abs(a) @ np.abs(b))
    assert np.all(np.abs(got - a @ b) <= 2 * bound)


def test_matmul_exact_on_integers_and_its_shape_error():
    a = np.arange(12.0).reshape(3, 4)
    b = np.arange(8.0).reshape(4, 2) - 3
    assert np.array_equal(linalg.matmul(a, b), a @ b)  # small integers: every operation exact
    assert np.array_equal(linalg.matmul(a, b[:, 1]), a @ b[:, 1])
    with pytest.raises(ValueError, match="shapes"):
        linalg.matmul(a, b.T)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_cholesky_and_solve_match_lapack(n, seed):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((n, n))
    spd = g @ g.T + n * np.eye(n)  # condition number below ~10^3
    lower = linalg.cholesky(spd)
    assert np.array_equal(lower, np.tril(lower)) and np.all(np.diag(lower) > 0)
    np.testing.assert_allclose(lower, np.linalg.cholesky(spd), rtol=1e-12, atol=1e-12)
    b = rng.standard_normal((n, 2))
    np.testing.assert_allclose(linalg.solve(g, b), np.linalg.solve(g, b), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(linalg.solve(spd, b[:, 0]), np.linalg.solve(spd, b[:, 0]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(linalg.inv(spd) @ spd, np.eye(n), atol=1e-12)


def test_solve_pivots_and_rejects_singular_matrices():
    a = np.array([[0.0, 1.0], [1.0, 0.0]])  # no elimination without a row swap
    assert np.array_equal(linalg.solve(a, np.array([2.0, 3.0])), [3.0, 2.0])
    with pytest.raises(linalg.LinAlgError, match="singular"):
        linalg.solve(np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones(2))
    with pytest.raises(linalg.LinAlgError, match="positive definite"):
        linalg.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))


# Every number the kernels get from the model (step maps, stationary law, Poisson jump law, ziggurat
# tables), the PSP and the normalization weights, a short simulation's spikes and membrane sums, and
# the bytes of a CLI run's NetCDF file (packets measured, file written).
_KERNEL_INPUTS = """
import hashlib, warnings
with warnings.catch_warnings(record=True) as caught:  # NumPy warns (only) of CPU features it cannot disable
    warnings.simplefilter("always")
    import numpy as np
assert not [w for w in caught if "CPU feature" in str(w.message)], [str(w.message) for w in caught]
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from simcore import network, psp, rng
from simcore.backend import draws
from simcore.params import Params
digest = hashlib.sha256()
def add(*arrays):
    for a in arrays:
        digest.update(np.ascontiguousarray(a, dtype=float).tobytes())
for overrides in ({}, {"integrator": "euler"}, {"background": "poisson"}, {"tau_s": 0.5, "mu": 1.3}):
    d = network.Drive.of(Params(**overrides))
    add(d.step.propagator, d.step.noise_factor, d.step.fixed_point, d.mean, d.cov_factor, d.kick_values, d.kick_cdf)
add(draws.EDGES, draws.WIDTH, draws.REST_PIECES, draws.REST_CDF)
for integrator in ("exact", "euler"):
    for normalization in ("peak_normalized", "unit_area"):
        params = Params(integrator=integrator, normalization=normalization)
        add([v for v in psp.psp(params).values() if isinstance(v, float)])
        add([psp.weight_for_psp_peak(params, 0.14, on_grid=g) for g in (False, True)])
trial = network.simulate_trial(Params(t_stop=30.0), rng.trial_streams(5, rng.CHAIN, 50, 1.0, 0),
                               np.array([100] * 50), stats_from_ms=5.0)
add(trial.steps, trial.neurons, trial.membrane)
import os, sys, tempfile
from simcore import cli
with tempfile.TemporaryDirectory() as folder:  # a whole point through the CLI: packets, NetCDF file
    path = os.path.join(folder, "point.nc")
    assert cli.main(["run", "--a", "55", "--sigma", "1.0", "--trials", "4", "--seed", "3", "-o", path, "--quiet"]) == 0
    digest.update(open(path, "rb").read())
a, b = np.random.default_rng(0).standard_normal((2, 64, 64))
control = hashlib.sha256((a @ b).tobytes() + np.linalg.solve(a, b).tobytes()).hexdigest()
print(digest.hexdigest(), control, ",".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f)) or "-")
"""


def test_kernel_inputs_have_the_same_bits_under_every_blas_kernel():
    """The same digest under OpenBLAS's Sandy Bridge, Haswell/Zen and AVX-512 kernels, and with all of
    NumPy's dispatched SIMD loops switched off (NPY_DISABLE_CPU_FEATURES, as on a CPU without AVX2
    or AVX-512; the run must confirm that they are off). Catches any `@`, np.linalg or np.convolve
    (which calls BLAS's dot) back in the model's set-up: before simcore.linalg, the stationary law's
    factor took three values here and the noise factor, the Poisson jump law, the ziggurat tables
    and the normalization weights two. Catches NumPy's exp in the tables too: its AVX-512 loop
    differs from the C library's exp in 94 of 2045 of the rest's floors. The control (a 64 x 64
    product and solve through BLAS) shows that the BLAS kernels were really switched; a BLAS that
    ignores OPENBLAS_CORETYPE gives one control digest, and the test is skipped."""
    from numpy._core._multiarray_umath import __cpu_dispatch__

    runs = ("Sandybridge", "Haswell", "SkylakeX", "SkylakeX, no NumPy SIMD")
    digests, controls = {}, {}
    for run in runs:
        env = {**os.environ, "OPENBLAS_CORETYPE": run.split(",")[0], "OPENBLAS_NUM_THREADS": "1"}
        if "no NumPy SIMD" in run:
            env["NPY_DISABLE_CPU_FEATURES"] = " ".join(__cpu_dispatch__)
        result = subprocess.run([sys.executable, "-c", _KERNEL_INPUTS], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        digests[run], controls[run], enabled = result.stdout.split()
        if "no NumPy SIMD" in run:
            assert enabled == "-", f"NumPy kept {enabled} on"
    if len(set(controls.values())) == 1:
        pytest.skip("this NumPy's BLAS does not switch kernels with OPENBLAS_CORETYPE")
    assert len(set(digests.values())) == 1, digests
