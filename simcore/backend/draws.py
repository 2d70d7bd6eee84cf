"""Random draws for the kernel, in blocks: standard normals and uniforms from counter-based SplitMix64.

Why not ``numpy.random.Generator`` inside the kernel: numba calls the bit generator through a
function pointer for every number (~2.3 ns a normal here), the exact integrator needs three normals
per neuron and step, and those calls were three quarters of a trial's time. A block of numbers is
made here in loops the compiler vectorizes:

1. **Words.** SplitMix64 (Steele, Lea & Flood 2014, the generator of Java's SplittableRandom): word
   i of a stream with key k and odd increment gamma is ``mix(k + (i + 1) * gamma)``; with
   gamma = 0x9E3779B97F4A7C15 (the golden ratio) it is the i-th output of Vigna's ``splitmix64.c`` seeded with k. It is a pure
   function of the counter i, so a block is one loop with no carried state.
2. **Normals.** The ziggurat method as NumPy's ``random_standard_normal`` (numpy/random/src/
   distributions), with 1024 layers instead of 256 (tables in simcore.backend.ziggurat): of a word, the low
   10 bits pick the layer, the next bit the sign, the next 52 the mantissa. A word whose point falls
   in its layer's test-free part (99.57 %; 98.5 % with 256 layers) is the normal; this loop over the
   block is branch-free and only flags the others.
3. **Fix-ups.** The flagged words finish NumPy's algorithm exactly, taking the extra words they
   need from a second SplitMix64 stream (see `_fill_normals` for the order).

The ziggurat is an exact method, so these are standard normals to the precision of the tables
(double) and the 52-bit mantissa, as NumPy's. Uniforms are ``(word >> 11) * 2**-53`` (NumPy's
``next_double``).

**State** of one trial's draws: ``uint64[6]`` = (key, gamma, words used) of the main stream, then of
the fix-up stream. Keys and gammas come from a ``SeedSequence`` (``new_state``), so every trial keeps
its own streams keyed by (seed, purpose, a, sigma, trial). Every stream has its own gamma, drawn as
SplittableRandom draws the gamma of a split (mixed, odd, at least 24 bit transitions): streams with
different gammas are different sequences, not shifted copies of one, so no two trials share a
stretch of numbers (with one shared gamma, N trials of L words would overlap with probability about
N^2 L / 2^64, 4e-4 for 50,000 trials of 3 million words).

``tests/reference.py`` re-implements all three steps with plain Python integers and floats, checked
against SplitMix64's published outputs; the tests require these kernels to match it bit for bit.
"""

from __future__ import annotations

import numpy as np

from . import flags as flag_lists
from . import jit, ziggurat

MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
MIX_2 = np.uint64(0x94D049BB133111EB)
MASK64 = (1 << 64) - 1
MAIN_KEY, MAIN_GAMMA, MAIN_USED, FIXUP_KEY, FIXUP_GAMMA, FIXUP_USED = range(6)

LAYERS = 1024
ZIGGURAT_R = 4.038849846109504  # ziggurat.solve_r(LAYERS); tests/test_draws.py re-solves it
ZIGGURAT_INV_R = 1.0 / ZIGGURAT_R
ZIGGURAT_K, ZIGGURAT_W, ZIGGURAT_F = ziggurat.tables(LAYERS, ZIGGURAT_R)

_1 = np.uint64(1)
_10 = np.uint64(10)
_11 = np.uint64(11)
_27 = np.uint64(27)
_30 = np.uint64(30)
_31 = np.uint64(31)
_LAYER = np.uint64(LAYERS - 1)
_MANTISSA = np.uint64(0x000FFFFFFFFFFFFF)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def stream_gamma(seed: int) -> int:
    """An odd increment with at least 24 bit transitions from a 64-bit seed: SplittableRandom's
    mixGamma (MurmurHash3's finalizer, then force odd; a gamma with few transitions makes a poor
    stream)."""
    z = int(seed) & MASK64
    z = ((z ^ (z >> 33)) * 0xFF51AFD7ED558CCD) & MASK64
    z = ((z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53) & MASK64
    z = (z ^ (z >> 33)) | 1
    if bin(z ^ (z >> 1)).count("1") < 24:
        z ^= 0xAAAAAAAAAAAAAAAA
    return z


def new_state(sequence: np.random.SeedSequence) -> np.ndarray:
    """Fresh draw state whose keys and gammas come from `sequence` (through a child, so they are
    independent of anything else seeded by `sequence`)."""
    main_key, main_gamma, fixup_key, fixup_gamma = (
        int(v) for v in sequence.spawn(1)[0].generate_state(4, dtype=np.uint64)
    )
    return np.array([main_key, stream_gamma(main_gamma), 0, fixup_key, stream_gamma(fixup_gamma), 0], dtype=np.uint64)


@jit
def _word(key, gamma, index):
    """Word `index` (from 0) of the SplitMix64 stream (key, gamma)."""
    z = key + (index + _1) * gamma
    z = (z ^ (z >> _30)) * MIX_1
    z = (z ^ (z >> _27)) * MIX_2
    return z ^ (z >> _31)


@jit
def _words(state, words, n):
    """words[:n] = the next n words of the main stream."""
    key = state[MAIN_KEY]
    gamma = state[MAIN_GAMMA]
    first = state[MAIN_USED]
    for i in range(n):
        words[i] = _word(key, gamma, first + np.uint64(i))
    state[MAIN_USED] = first + np.uint64(n)


@jit
def _fixup_word(state):
    """Next word of the fix-up stream."""
    index = state[FIXUP_USED]
    state[FIXUP_USED] = index + _1
    return _word(state[FIXUP_KEY], state[FIXUP_GAMMA], index)


@jit
def _to_unit(word):
    """A word as a uniform on [0, 1) with 53 random bits (NumPy's next_double)."""
    return (word >> _11) * _TO_UNIT


@jit
def _fixup_double(state):
    """Next uniform on [0, 1) of the fix-up stream."""
    return _to_unit(_fixup_word(state))


@jit
def _candidate(word):
    """(layer, mantissa, x) of a word: the point x = +-mantissa * w[layer] of its layer's box."""
    layer = word & _LAYER
    mantissa = (word >> _11) & _MANTISSA
    sign = 1.0 - 2.0 * ((word >> _10) & _1)
    return layer, mantissa, sign * (np.int64(mantissa) * ZIGGURAT_W[layer])


@jit
def _tail(state, x):
    """A normal beyond ZIGGURAT_R with the sign of x (Marsaglia's tail method, as NumPy), from the
    fix-up stream."""
    while True:
        xx = -ZIGGURAT_INV_R * np.log1p(-_fixup_double(state))
        yy = -np.log1p(-_fixup_double(state))
        if yy + yy > xx * xx:
            return -(ZIGGURAT_R + xx) if x < 0 else ZIGGURAT_R + xx


@jit
def _wedge_accepts(layer, x, uniform):
    """NumPy's wedge test of a point x of box `layer` >= 1 outside its test-free part."""
    return (ZIGGURAT_F[layer - 1] - ZIGGURAT_F[layer]) * uniform + ZIGGURAT_F[layer] < np.exp(-0.5 * x * x)


@jit
def _ziggurat_draw(state):
    """One normal by the whole ziggurat algorithm, every word from the fix-up stream."""
    while True:
        layer, mantissa, x = _candidate(_fixup_word(state))
        if mantissa < ZIGGURAT_K[layer]:
            return x
        if layer == 0:
            return _tail(state, x)
        if _wedge_accepts(layer, x, _fixup_double(state)):
            return x


@jit
def _fill_normals(state, out, words, flags, flag_words, pending):
    """out[:] = standard normals. Scratch from `scratch(out.size)`: words, flags (and flag_words,
    the same memory as uint64; simcore.flags), pending.

    Pass 1 (vectorized): every word's candidate, and a flag where it is outside its box's
    test-free part.
    Pass 2: the k-th flagged word of the block (block order) takes fix-up word (used + k) as the
    uniform of its wedge test (a layer-0 word, whose point lies in the tail, ignores it). These
    tests are independent, so their exp() calls overlap.
    Pass 3: in block order, a layer-0 word gets a tail normal of its sign and a word that failed its
    wedge test a fresh normal (the whole algorithm), both from the fix-up stream.
    """
    _words(state, words, out.size)
    n_flagged = 0
    for i in range(out.size):
        layer, mantissa, x = _candidate(words[i])
        out[i] = x
        outside = mantissa >= ZIGGURAT_K[layer]
        flags[i] = outside
        n_flagged += outside
    if n_flagged == 0:
        return
    flag_lists.list_set(flag_words, out.size, pending)
    first = state[FIXUP_USED]
    state[FIXUP_USED] = first + np.uint64(n_flagged)
    key = state[FIXUP_KEY]
    gamma = state[FIXUP_GAMMA]
    for k in range(n_flagged):
        i = pending[k]
        layer = words[i] & _LAYER
        uniform = _to_unit(_word(key, gamma, first + np.uint64(k)))
        flags[i] = layer == 0 or not _wedge_accepts(layer, out[i], uniform)
    for k in range(n_flagged):
        i = pending[k]
        if flags[i]:
            out[i] = _tail(state, out[i]) if words[i] & _LAYER == 0 else _ziggurat_draw(state)


@jit
def _fill_uniforms(state, out, words):
    """out[:] = uniforms on [0, 1) with 53 random bits. Scratch: words (uint64, at least out.size)."""
    _words(state, words, out.size)
    for i in range(out.size):
        out[i] = _to_unit(words[i])


@jit
def scratch(n):
    """Scratch arrays of `_fill_normals` for blocks of n: words, flags and flag_words (simcore.flags),
    pending."""
    flags, flag_words = flag_lists.buffer(n)
    return np.empty(n, dtype=np.uint64), flags, flag_words, np.empty(n, dtype=np.int64)


def standard_normal(state: np.ndarray, n: int) -> np.ndarray:
    """n standard normals, drawn as the kernel draws one block of n (advances `state`)."""
    out = np.empty(n)
    _fill_normals(state, out, *scratch(n))
    return out


def uniform(state: np.ndarray, n: int) -> np.ndarray:
    """n uniforms on [0, 1), drawn as the kernel draws one block of n (advances `state`)."""
    out = np.empty(n)
    _fill_uniforms(state, out, np.empty(n, dtype=np.uint64))
    return out
