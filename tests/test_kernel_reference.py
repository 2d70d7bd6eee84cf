"""The numba kernel against the slow NumPy reference, step by step, with identical random numbers."""

import math
import os
import subprocess
import sys
from fractions import Fraction

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference_trial

from simcore import rng as streams
from simcore.backend import chain
from simcore.backend.intrinsics import fma
from simcore.network import Drive, draw_initial_state, draw_packet_steps, run_arguments
from simcore.params import Params

# Small and strongly driven so that spikes, refractoriness and delayed arrivals all happen.
SMALL = dict(n_groups=3, group_size=4, delay=0.5, t_stop=30.0, t0=2.0, mu=55.0, w=40.0, t_ref=0.3)


def _kernel_state(params, drive, n_steps, input_steps, seed):
    """Spikes and final (y, x, U) after n_steps of the kernel, called as simulate_trial calls it."""
    trial = streams.trial_streams(seed, streams.CHAIN, 0, 0.0, 0)
    state = draw_initial_state(trial.generator, params, drive, params.n_groups * params.group_size)
    arguments = run_arguments(params, drive, trial.draw_state, state, input_steps, capacity=10_000, n_steps=n_steps)
    count = chain._run(**arguments)
    spikes = list(zip(arguments["spike_step"][:count].tolist(), arguments["spike_neuron"][:count].tolist()))
    return spikes, np.stack([arguments["y"], arguments["x"], arguments["u"]])


@pytest.mark.parametrize(
    "overrides",
    [
        dict(),
        dict(integrator="euler"),
        dict(integrator="euler", clamp_refractory=False),
        dict(background="poisson", n_exc=300, n_inh=100, w_bg=10.0, rate_exc=20.0, rate_inh=10.0),
        dict(normalization="peak_normalized", w=15.0),
        # U* far above threshold: an unclamped neuron crosses it again within its refractory period
        dict(clamp_refractory=False, mu=300.0, t_ref=3.0),
    ],
    ids=["exact-diffusion", "euler", "euler-unclamped", "poisson", "peak-kernel", "refractory-above-threshold"],
)
def test_kernel_equals_reference_step_by_step(overrides):
    params = Params(**{**SMALL, **overrides})
    drive = Drive.of(params)
    n_steps = params.steps(params.t_stop)
    input_steps = draw_packet_steps(np.random.default_rng(0), params, 5, 0.3)
    trial = streams.trial_streams(7, streams.CHAIN, 0, 0.0, 0)
    n = params.n_groups * params.group_size
    y, x, u = draw_initial_state(trial.generator, params, drive, n)
    counts = np.bincount(input_steps, minlength=n_steps + 1)
    ref_spikes, ref_states = reference_trial(
        params, drive, trial.draw_state, y, x, u, counts, n_steps, params.u_threshold
    )
    assert len(ref_spikes) > 15 and {i // params.group_size for _, i in ref_spikes} == {0, 1, 2}
    for steps in sorted({1, 2, 3, 5, 8, 13, 21, 34, 55, 89, n_steps}):
        spikes, state = _kernel_state(params, drive, steps, input_steps, 7)
        assert spikes == [s for s in ref_spikes if s[0] <= steps], f"spikes differ by step {steps}"
        np.testing.assert_allclose(state, ref_states[steps - 1], rtol=1e-12, atol=1e-12)


def test_free_membrane_has_no_spikes():
    params = Params(**SMALL)
    drive = Drive.of(params)
    trial = streams.trial_streams(7, streams.CHAIN, 0, 0.0, 0)
    y, x, u = draw_initial_state(trial.generator, params, drive, 12)
    spikes, _ = reference_trial(params, drive, trial.draw_state, y, x, u, np.zeros(200, int), 100, math.inf)
    assert spikes == []


@pytest.mark.slow
def test_full_size_trial_through_simulate_chain_equals_reference():
    """One trial of the paper's network (10 groups x 100 neurons, 1000 steps) through the public
    simulate_chain, on two threads beside another trial, spike for spike as the plain-Python
    reference computes it from the same streams: the packet's draw, the initial state, the noise.
    The reference takes about 20 s of CPU."""
    from simcore.network import simulate_chain

    params = Params()
    a, sigma, seed, trial = 60, 1.0, 5, 3
    got = simulate_chain(params, a, sigma, [2, trial], seed, threads=2)[1]
    streams_of_trial = streams.trial_streams(seed, streams.CHAIN, a, sigma, trial)
    input_steps = draw_packet_steps(streams_of_trial.generator, params, a, sigma)
    drive = Drive.of(params)
    y, x, u = draw_initial_state(streams_of_trial.generator, params, drive, params.n_groups * params.group_size)
    n_steps = params.steps(params.t_stop)
    counts = np.bincount(input_steps, minlength=n_steps + 1)
    spikes, _ = reference_trial(
        params, drive, streams_of_trial.draw_state, y, x, u, counts, n_steps, params.u_threshold
    )
    np.testing.assert_array_equal(got.input_steps, input_steps)
    assert len(spikes) > 1000 and {i // params.group_size for _, i in spikes} == set(range(params.n_groups))
    assert list(zip(got.steps.tolist(), got.neurons.tolist())) == spikes


# ---- the kernel's arithmetic: fused multiply-adds, vector width, the initial state ----------------
@numba.njit
def _fma(a, b, c):
    return fma(a, b, c)


_finite = st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e150, max_value=1e150)


@settings(max_examples=300, deadline=None)
@given(_finite, _finite, _finite)
def test_fma_is_rounded_once(a, b, c):
    """simcore.backend.intrinsics.fma against exact rational arithmetic rounded once (CPython's
    int / int is correctly rounded). Catches an fma that rounds the product first (a * b + c)."""
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    expected = exact.numerator / exact.denominator
    assert _fma(a, b, c) == expected or (expected == 0 and _fma(a, b, c) == 0)


def test_fma_differs_from_multiply_then_add():
    """A case where rounding the product first loses everything: (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60."""
    a, b = 1 + 2.0**-30, 1 - 2.0**-30
    assert a * b - 1 == 0.0
    assert _fma(a, b, -1.0) == -(2.0**-60)


def test_vector_width_changes_no_bit():
    """The kernels compiled for 256-bit vectors (SYNFIRE_VECTOR_BITS=256, in a fresh process with its
    own cache) give the same spikes and membrane sums as with 512-bit vectors (where the CPU has
    AVX-512; elsewhere both are 256). Catches arithmetic whose order depends on the vector width,
    such as a sum the compiler may reassociate (fastmath)."""
    code = (
        "import hashlib, numpy as np\n"
        "from simcore.network import simulate_chain\n"
        "from simcore.params import Params\n"
        "h = hashlib.sha256()\n"
        "for overrides in ({}, {'integrator': 'euler'}, {'background': 'poisson'}):\n"
        "    for t in simulate_chain(Params(t_stop=40.0, **overrides), 60, 1.0, 3, 11, threads=1):\n"
        "        h.update(t.steps.tobytes()); h.update(t.neurons.tobytes()); h.update(t.membrane.tobytes())\n"
        "from simcore import rng\n"
        "from simcore.network import simulate_trial\n"
        "free = simulate_trial(Params(t_stop=40.0), rng.trial_streams(11, rng.BACKGROUND, 0, 0.0, 0),\n"
        "                      np.zeros(0, np.int64), stats_from_ms=10.0, u_threshold=float('inf'))\n"
        "h.update(free.membrane.tobytes())\n"
        "print(h.hexdigest())\n"
    )
    digests = {}
    for bits in ("256", "512"):
        env = {**os.environ, "SYNFIRE_VECTOR_BITS": bits}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        digests[bits] = result.stdout.strip()
    assert digests["256"] == digests["512"]


def test_initial_state_is_summed_in_a_fixed_order_without_blas():
    """network._stationary_draw against plain Python floats in the documented order (mean + e0 F[j,0]
    + ...), bit for bit. Catches a return to ``e @ F.T``, whose BLAS kernel rounds differently (with
    FMA, in another order) on different CPUs: on this machine it differs in about 7 % of values."""
    from simcore.network import _stationary_draw

    drive = Drive.of(Params())
    got = _stationary_draw(np.random.Generator(np.random.SFC64(3)), drive, 500)
    e = np.random.Generator(np.random.SFC64(3)).standard_normal((500, 3)).tolist()
    factor, mean = drive.cov_factor.tolist(), drive.mean.tolist()
    for i, row in enumerate(e):
        for j in range(3):
            column = row[0] * factor[j][0]
            for k in range(1, j + 1):
                column = column + row[k] * factor[j][k]
            assert got[j, i] == mean[j] + column
