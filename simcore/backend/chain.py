"""The chain's time-step loop: every neuron of every group, one trial, plain arrays in and out.

Called by simcore.network (which validates and allocates; its docstring states the model and the
event order) through ``simcore.network.run_arguments``, with keyword arguments.
"""

from __future__ import annotations

import numpy as np

from . import draws, jit
from . import flags as flag_lists


@jit
def _run(
    draw_state, y, x, u, refractory,
    propagator, fixed_point, noise_factor, n_normals,
    kick_values, kick_cdf, kick_guide,
    u_threshold, u_reset, ref_steps, clamp_refractory,
    n_groups, group_size, n_steps, delay_steps, chain_jump, input_counts,
    stats_from_step, stats, spike_step, spike_neuron,
):  # fmt: skip
    """Advance every neuron n_steps; returns the number of spikes (the first len(spike_step) are stored).

    Each step: the chain input of every group (y jump), then the step's random numbers as one block
    (simcore.backend.draws): n_normals * n_neurons normals (float32, added to the float64 state),
    noise e0 of every neuron, then e1, then e2; or, for Poisson background, n_neurons uniforms turned
    into y jumps by inverting kick_cdf (draws._invert). Then one branch-free loop over all neurons
    (the compiler vectorizes it) advances (y, x, U), applies refractoriness and threshold and marks
    spikes, which are recorded and sent on when there are any.
    """
    p00 = propagator[0, 0]
    p10 = propagator[1, 0]
    p11 = propagator[1, 1]
    p20 = propagator[2, 0]
    p21 = propagator[2, 1]
    p22 = propagator[2, 2]
    l00 = noise_factor[0, 0]
    l10 = noise_factor[1, 0]
    l11 = noise_factor[1, 1]
    l20 = noise_factor[2, 0]
    l21 = noise_factor[2, 1]
    l22 = noise_factor[2, 2]
    y_star = fixed_point[0]
    x_star = fixed_point[1]
    u_star = fixed_point[2]
    poisson = kick_values.size > 1
    n_neurons = n_groups * group_size
    ring_size = delay_steps + 1
    ring = np.zeros((n_groups, ring_size), dtype=np.int64)  # spikes emitted, by target step
    noise = np.zeros(3 * n_neurons, dtype=np.float32)  # e0, e1, e2 of every neuron; unused ones stay 0
    block = noise[: n_normals * n_neurons]
    words, flags, flag_words, pending = draws.scratch(max(n_normals, 1) * n_neurons)
    uniforms = np.zeros(n_neurons)
    kick = np.zeros(n_neurons)  # y jumps: chain input, plus the Poisson background
    spiked, spiked_words = flag_lists.buffer(n_neurons)
    spiking = np.empty(n_neurons, dtype=np.int64)  # the neurons that spiked this step
    n_spikes = 0
    capacity = spike_step.shape[0]
    for step in range(1, n_steps + 1):
        slot = step % ring_size
        for group in range(n_groups):
            if group == 0:
                arriving = input_counts[step]
            else:
                arriving = ring[group - 1, slot]
                ring[group - 1, slot] = 0
            kick[group * group_size : (group + 1) * group_size] = chain_jump * arriving
        if n_normals > 0:
            draws._fill_normals(draw_state, block, words, flags, flag_words, pending)
        if poisson:
            draws._fill_uniforms(draw_state, uniforms, words)
            for i in range(n_neurons):
                kick[i] += kick_values[draws._invert(kick_cdf, kick_guide, uniforms[i])]
        emitted = 0
        for i in range(n_neurons):
            e0 = noise[i]
            e1 = noise[n_neurons + i]
            e2 = noise[2 * n_neurons + i]
            dy = y[i] - y_star
            dx = x[i] - x_star
            du = u[i] - u_star
            y[i] = y_star + p00 * dy + l00 * e0 + kick[i]
            x[i] = x_star + p10 * dy + p11 * dx + l10 * e0 + l11 * e1
            u_new = u_star + p20 * dy + p21 * dx + p22 * du + l20 * e0 + l21 * e1 + l22 * e2
            countdown = refractory[i]
            spike = (countdown == 0) & (u_new >= u_threshold)
            u[i] = u_reset if spike | ((countdown > 0) & clamp_refractory) else u_new
            refractory[i] = ref_steps if spike else max(countdown - 1, 0)
            spiked[i] = spike
            emitted += spike
        if emitted > 0:
            target = (step + delay_steps) % ring_size
            flag_lists.list_set(spiked_words, n_neurons, spiking)
            for k in range(emitted):
                i = spiking[k]
                if n_spikes < capacity:
                    spike_step[n_spikes] = step
                    spike_neuron[n_spikes] = i
                n_spikes += 1
                group = i // group_size
                if group + 1 < n_groups:
                    ring[group, target] += 1
        if step >= stats_from_step:
            for group in range(n_groups):
                sum_u = 0.0
                sum_u2 = 0.0
                for i in range(group * group_size, (group + 1) * group_size):
                    sum_u += u[i]
                    sum_u2 += u[i] * u[i]
                stats[group, 0] += sum_u
                stats[group, 1] += sum_u2
    return n_spikes
