"""Byte flags (0 or 1) that are listed without visiting every byte.

The flags live in a uint8 array padded with zeros to whole 64-bit words, and the same memory is
viewed as uint64: a loop over the words skips eight clear flags at a time, and the set bits of a
word give the flagged positions in order (de Bruijn index of the lowest set bit). Used where few
flags are set: the kernel's ziggurat fix-ups (simcore.backend.draws) and spikes (simcore.backend.chain).
"""

from __future__ import annotations

import numpy as np

from . import jit

_1 = np.uint64(1)
_58 = np.uint64(58)
# Position of the single set bit of a word b: _BIT_INDEX[(b * _DE_BRUIJN) >> 58] (a de Bruijn sequence)
_DE_BRUIJN = np.uint64(0x03F79D71B4CA8B09)
_BIT_INDEX = np.zeros(64, dtype=np.int64)
_BIT_INDEX[[((1 << bit) * 0x03F79D71B4CA8B09 % 2**64) >> 58 for bit in range(64)]] = np.arange(64)


@jit
def buffer(n):
    """(flags, words): n flags, zero and padded to a multiple of 8, and the same memory as uint64."""
    flags = np.zeros(-(-n // 8) * 8, dtype=np.uint8)
    return flags, flags.view(np.uint64)


@jit
def list_set(words, n, out):
    """out[:count] = the positions < n of the set flags, ascending; returns count."""
    count = 0
    for chunk in range((n + 7) // 8):
        bits = words[chunk]
        while bits:
            lowest = bits & (~bits + _1)
            out[count] = 8 * chunk + (_BIT_INDEX[(lowest * _DE_BRUIJN) >> _58] >> 3)
            count += 1
            bits ^= lowest
    return count
