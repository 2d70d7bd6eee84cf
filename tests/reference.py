"""Slow, obvious re-implementations for checking the numba kernels.

- ``ReferenceDraws``: simcore.backend.draws in plain Python integers and floats (SplitMix64 words,
  two normals per word, the redraws from the rest of the ziggurat), from the same state array.
- ``reference_trial``: one chain trial following the equations and event order of simcore.network's
  docstring literally: per step, per group, per neuron, with the noise drawn by ``ReferenceDraws``
  in the kernel's blocks (one a step).
"""

import math

import numpy as np

from simcore.backend import draws

MASK64 = (1 << 64) - 1


GOLDEN = 0x9E3779B97F4A7C15


def splitmix_word(key: int, index: int, gamma: int = GOLDEN) -> int:
    """Output `index` (from 0) of SplitMix64 with `key` and increment `gamma` (Vigna's splitmix64.c
    seeded with key for gamma = GOLDEN)."""
    z = (key + (index + 1) * gamma) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class ReferenceDraws:
    """simcore.backend.draws, one number at a time; counts how often each path of the sampler ran."""

    def __init__(self, state):
        self.key, self.gamma, self.used, self.fixup_key, self.fixup_gamma, self.fixup_used = (int(v) for v in state)
        self.paths = {"flagged": 0, "rejected": 0, "tail": 0}

    def state(self):
        values = [self.key, self.gamma, self.used, self.fixup_key, self.fixup_gamma, self.fixup_used]
        return np.array(values, dtype=np.uint64)

    def _word(self):
        self.used += 1
        return splitmix_word(self.key, self.used - 1, self.gamma)

    def _fixup_word(self):
        self.fixup_used += 1
        return splitmix_word(self.fixup_key, self.fixup_used - 1, self.fixup_gamma)

    def _fixup_double(self):
        return (self._fixup_word() >> 11) * 2.0**-53

    def tail(self):
        """Marsaglia's tail method beyond r."""
        self.paths["tail"] += 1
        r = draws.ZIGGURAT_R
        while True:
            xx = -(1.0 / r) * math.log1p(-self._fixup_double())
            yy = -math.log1p(-self._fixup_double())
            if yy + yy > xx * xx:
                return r + xx

    def rest(self):
        """|x| from what the boxes leave under the curve: a piece by its cumulative area, then a
        point of its envelope (box, or triangle under the chord) under the curve, or the tail."""
        u = self._fixup_double()
        piece = next(k for k, c in enumerate(draws.REST_CDF) if float(c) > u)
        if piece == draws.BOXES:
            return self.tail()
        left, width, floor, height, shape = (float(v) for v in draws.REST_PIECES[piece])  # the kernel's table
        while True:
            s, t = self._fixup_double(), self._fixup_double()
            if s + t <= 1.0 and shape < 0:  # under the chord, which is under the curve where it is concave
                return left + width * s
            if shape > 0 and s + t > 1.0:  # the curve under the chord: the triangle under it is the envelope
                s, t = 1.0 - s, 1.0 - t
            x = left + width * s
            if floor + height * t < math.exp(-0.5 * x * x):
                return x
            self.paths["rejected"] += 1

    def normals(self, n):
        """A block of n: normal i from 32-bit half i of the block's words (low half first)."""
        halves = []
        for _ in range((n + 1) // 2):
            word = self._word()
            halves += [word & 0xFFFFFFFF, word >> 32]
        out = []
        for h in halves[:n]:
            bucket = h % draws.BUCKETS
            if bucket < draws.BOXES:
                # U * width: 21 x 24 bits, exact in a double; one rounding to float32 as the kernel's product
                x = np.float32(float(h >> (draws.BUCKET_BITS + 1)) * float(draws.WIDTH[bucket]))
            else:
                self.paths["flagged"] += 1
                x = None  # redrawn below, in block order
            out.append((x, (h >> draws.BUCKET_BITS) & 1))
        values = []
        for x, negative in out:
            if x is None:
                x = np.float32(self.rest())
            values.append(-x if negative else x)
        return np.array(values, dtype=np.float32)

    def uniforms(self, n):
        return np.array([(self._word() >> 11) * 2.0**-53 for _ in range(n)])


def reference_trial(params, drive, draw_state, y, x, u, input_counts, n_steps, u_threshold):
    P, z_star, L = drive.step.propagator, drive.step.fixed_point, drive.step.noise_factor
    n_groups, size = params.n_groups, params.group_size
    delay = params.steps(params.delay)
    ref_steps = params.steps(params.t_ref)
    refractory = np.zeros(y.size, dtype=int)
    source = ReferenceDraws(draw_state)
    pending = {}  # (target group, step) -> spikes arriving then
    spikes = []
    states = []
    for step in range(1, n_steps + 1):
        noise = np.zeros((3, y.size))  # e0, e1, e2 of every neuron
        n_normals = drive.step.n_normals
        if n_normals:
            noise[:n_normals] = source.normals(n_normals * y.size).reshape(n_normals, y.size)
        if drive.kick_values.size > 1:
            uniforms = source.uniforms(y.size)
        for group in range(n_groups):
            arriving = input_counts[step] if group == 0 else pending.pop((group, step), 0)
            for i in range(group * size, (group + 1) * size):
                z = np.array([y[i], x[i], u[i]])
                z_new = z_star + P @ (z - z_star) + L @ noise[:, i]
                if drive.kick_values.size > 1:  # Poisson background: invert the jump distribution
                    z_new[0] += drive.kick_values[np.flatnonzero(drive.kick_cdf > uniforms[i])[0]]
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
