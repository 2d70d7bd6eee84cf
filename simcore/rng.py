"""Random streams: one independent stream per (purpose, seed, a, sigma, trial).

Each trial draws every random number it uses (packet spike times, initial state, background noise)
from its own ``numpy.random.Generator`` (SFC64) seeded by a ``SeedSequence`` whose key is
(purpose, a, sigma in ns, trial). A trial's spikes therefore do not depend on which other trials
run, in which chunk, on how many threads, or under which executor; the same stream is drawn by the
numba kernel and by the NumPy reference (numba's Generator methods are bit-identical to NumPy's).
Parameters are not part of the key: the same seed gives common random numbers across parameter
sets (e.g. kernel conventions), which makes comparisons sharper.
"""

from __future__ import annotations

import numpy as np

CHAIN = 0
BACKGROUND = 1


def sigma_key(sigma_ms: float) -> int:
    """sigma as an integer number of nanoseconds, robust to float spelling (0.3 vs 0.1 * 3)."""
    return int(round(float(sigma_ms) * 1e6))


def trial_generator(seed: int, purpose: int, a: int, sigma_ms: float, trial: int) -> np.random.Generator:
    sequence = np.random.SeedSequence(
        entropy=int(seed), spawn_key=(int(purpose), int(a), sigma_key(sigma_ms), int(trial))
    )
    return np.random.Generator(np.random.SFC64(sequence))
