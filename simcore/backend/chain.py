"""The chain's time-step loop: every neuron of every group, one trial, plain arrays in and out.

Called by simcore.network (which validates and allocates; its docstring states the model and the
event order) through ``simcore.network.run_arguments``, with keyword arguments.
"""

from __future__ import annotations

import numpy as np

from . import draws, jit
from . import flags as flag_lists
from .intrinsics import fma, wide_vectors


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

    The state is kept as its deviation from the fixed point (dy, dx, dU) = (y, x, U) - z* while the
    loop runs (as NEST keeps V_m - E_L), so a step is P dz + L e: three multiplies and nine fused
    multiply-adds a neuron (simcore.backend.intrinsics), U's threshold and reset shifted by U*; y, x,
    u hold absolute values again on return. refractory[i] > 0: the steps neuron i stays refractory.

    Each step:
    1. the step's random numbers as one block (simcore.backend.draws): n_normals * n_neurons normals
       (float32, added to the float64 state), noise e0 of every neuron, then e1, then e2; or, for
       Poisson background, n_neurons uniforms, each inverted through kick_cdf (draws._invert) to the
       neuron's y jump;
    2. one branch-free loop over all neurons (the compiler vectorizes it) advances (dy, dx, dU) and
       marks the neurons at or above threshold;
    3. refractoriness, on the few refractory neurons alone (their list is kept): they are not
       spikes, their U is held at reset (clamp_refractory) and their count goes down;
    4. the marked neurons left are the step's spikes: U to reset, refractory for ref_steps steps,
       recorded and sent on;
    5. the y jumps: the Poisson background's, and the chain input of every group receiving spikes.
    """
    wide_vectors()
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
    du_threshold = u_threshold - u_star
    du_reset = u_reset - u_star
    poisson = kick_values.size > 1
    n_neurons = n_groups * group_size
    ring_size = delay_steps + 1
    ring = np.zeros((n_groups, ring_size), dtype=np.int64)  # spikes emitted, by target step
    arriving = np.zeros(n_groups, dtype=np.int64)  # spikes arriving at each group this step
    noise = np.zeros(3 * n_neurons, dtype=np.float32)  # e0, e1, e2 of every neuron; unused ones stay 0
    block = noise[: n_normals * n_neurons]
    words, flags, flag_words, pending = draws.scratch(max(n_normals, 1) * n_neurons)
    uniforms = np.zeros(n_neurons)
    spiked, spiked_words = flag_lists.buffer(n_neurons)
    spiking = np.empty(n_neurons, dtype=np.int64)  # the neurons that spiked this step
    resting = np.empty(n_neurons, dtype=np.int64)  # resting[:n_resting]: the refractory neurons
    n_resting = 0
    n_spikes = 0
    capacity = spike_step.shape[0]
    for i in range(n_neurons):
        y[i] -= y_star
        x[i] -= x_star
        u[i] -= u_star
        if refractory[i] > 0:
            resting[n_resting] = i
            n_resting += 1
    for step in range(1, n_steps + 1):
        slot = step % ring_size
        arriving[0] = input_counts[step]
        for group in range(1, n_groups):
            arriving[group] = ring[group - 1, slot]  # read before this step's spikes are sent
            ring[group - 1, slot] = 0
        if n_normals > 0:
            draws._fill_normals(draw_state, block, words, flags, flag_words, pending)
        if poisson:
            draws._fill_uniforms(draw_state, uniforms, words)
        marked = 0
        for i in range(n_neurons):
            e0 = np.float64(noise[i])
            e1 = np.float64(noise[n_neurons + i])
            e2 = np.float64(noise[2 * n_neurons + i])
            dy = y[i]
            dx = x[i]
            du = u[i]
            y[i] = fma(p00, dy, l00 * e0)
            x[i] = fma(p10, dy, fma(p11, dx, fma(l10, e0, l11 * e1)))
            du = fma(p20, dy, fma(p21, dx, fma(p22, du, fma(l20, e0, fma(l21, e1, l22 * e2)))))
            u[i] = du
            above = du >= du_threshold
            spiked[i] = above
            marked += above
        kept = 0
        for k in range(n_resting):
            i = resting[k]
            spiked[i] = False
            if clamp_refractory:
                u[i] = du_reset
            refractory[i] -= 1
            if refractory[i] > 0:
                resting[kept] = i
                kept += 1
        n_resting = kept
        emitted = flag_lists.list_set(spiked_words, n_neurons, spiking) if marked > 0 else 0
        if emitted > 0:
            target = (step + delay_steps) % ring_size
            for k in range(emitted):
                i = spiking[k]
                u[i] = du_reset
                if ref_steps > 0:
                    refractory[i] = ref_steps
                    resting[n_resting] = i
                    n_resting += 1
                if n_spikes < capacity:
                    spike_step[n_spikes] = step
                    spike_neuron[n_spikes] = i
                n_spikes += 1
                group = i // group_size
                if group + 1 < n_groups:
                    ring[group, target] += 1
        if poisson:
            for i in range(n_neurons):
                y[i] += kick_values[draws._invert(kick_cdf, kick_guide, uniforms[i])]
        for group in range(n_groups):
            if arriving[group] > 0:
                jump = chain_jump * arriving[group]
                for i in range(group * group_size, (group + 1) * group_size):
                    y[i] += jump
        if step >= stats_from_step:
            for group in range(n_groups):
                sum_u = 0.0
                sum_u2 = 0.0
                for i in range(group * group_size, (group + 1) * group_size):
                    u_i = u_star + u[i]
                    sum_u += u_i
                    sum_u2 += u_i * u_i
                stats[group, 0] += sum_u
                stats[group, 1] += sum_u2
    for i in range(n_neurons):
        y[i] += y_star
        x[i] += x_star
        u[i] += u_star
    return n_spikes
