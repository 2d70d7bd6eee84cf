"""The numba kernel against the slow NumPy reference, step by step, with identical random numbers."""

import math

import numpy as np
import pytest
from reference import reference_trial

from simcore import rng as streams
from simcore.backend import chain
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
    ],
    ids=["exact-diffusion", "euler", "euler-unclamped", "poisson", "peak-kernel"],
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
