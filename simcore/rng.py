"""Random streams: one independent stream per (purpose, seed, a, sigma, trial).

Each trial draws every random number it uses from streams seeded by one ``SeedSequence`` whose key
is (purpose, a, sigma in ns, trial): the packet's spike times and the initial state from a
``numpy.random.Generator`` (SFC64) on that sequence, the noise of the dynamics from the kernel's
block draws (simcore.backend.draws) keyed by a child of it. A trial's spikes therefore do not depend on
which other trials run, in which chunk, on how many threads, or under which executor.
Parameters are not part of the key: the same seed gives common random numbers across parameter
sets (e.g. normalization conventions), which makes comparisons sharper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backend import draws

CHAIN = 0
BACKGROUND = 1


def sigma_key(sigma_ms: float) -> int:
    """sigma as an integer number of nanoseconds, robust to float spelling (0.3 vs 0.1 * 3)."""
    return int(round(float(sigma_ms) * 1e6))


@dataclass(frozen=True)
class TrialStreams:
    """The random streams of one trial."""

    generator: np.random.Generator  # packet spike times, initial state
    draw_state: np.ndarray  # the kernel's noise (simcore.backend.draws state; copied, never advanced, by a run)


def trial_streams(seed: int, purpose: int, a: int, sigma_ms: float, trial: int) -> TrialStreams:
    sequence = np.random.SeedSequence(
        entropy=int(seed), spawn_key=(int(purpose), int(a), sigma_key(sigma_ms), int(trial))
    )
    return TrialStreams(np.random.Generator(np.random.SFC64(sequence)), draws.new_state(sequence))
