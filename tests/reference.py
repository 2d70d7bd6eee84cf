"""A slow, obvious NumPy re-implementation of one chain trial, for checking the numba kernel.

It follows the equations and event order of simcore.network's docstring literally: per step, per
group, per neuron, drawing from the same Generator in the same order (numba's Generator methods are
bit-identical to NumPy's).
"""

import numpy as np


def reference_trial(params, drive, generator, y, x, u, input_counts, n_steps, u_threshold):
    P, z_star, L = drive.step.propagator, drive.step.fixed_point, drive.step.noise_factor
    n_groups, size = params.n_groups, params.group_size
    delay = params.steps(params.delay)
    ref_steps = params.steps(params.t_ref)
    refractory = np.zeros(y.size, dtype=int)
    pending = {}  # (target group, step) -> spikes arriving then
    spikes = []
    states = []
    for step in range(1, n_steps + 1):
        for group in range(n_groups):
            arriving = input_counts[step] if group == 0 else pending.pop((group, step), 0)
            for i in range(group * size, (group + 1) * size):
                z = np.array([y[i], x[i], u[i]])
                z_new = z_star + P @ (z - z_star)
                if drive.step.n_normals == 1:
                    z_new = z_new + L[:, :1] @ generator.standard_normal(1)
                elif drive.step.n_normals == 3:
                    z_new = z_new + L @ np.array([generator.standard_normal() for _ in range(3)])
                if drive.kick_values.size > 1:  # Poisson background: invert the jump distribution
                    uniform = generator.random()
                    z_new[0] += drive.kick_values[np.flatnonzero(drive.kick_cdf > uniform)[0]]
                z_new[0] += params.chain_jump * arriving
                if refractory[i] > 0:
                    refractory[i] -= 1
                    if params.clamp_refractory:
                        z_new[2] = params.u_reset
                elif z_new[2] >= u_threshold:
                    z_new[2] = params.u_reset
                    refractory[i] = ref_steps
                    spikes.append((step, i))
                    if group + 1 < n_groups:
                        key = (group + 1, step + delay)
                        pending[key] = pending.get(key, 0) + 1
                y[i], x[i], u[i] = z_new
        states.append(np.stack([y.copy(), x.copy(), u.copy()]))
    return spikes, states
