"""Random draws for the kernel, in blocks: standard normals and uniforms from counter-based SplitMix64.

Why not ``numpy.random.Generator`` inside the kernel: numba calls the bit generator through a
function pointer for every number (~2.3 ns a normal), the exact integrator needs three normals per
neuron and step, and those calls were three quarters of a trial's time. A block of numbers is made
here in loops the compiler vectorizes:

1. **Words.** SplitMix64 (Steele, Lea & Flood 2014, the generator of Java's SplittableRandom): word
   i of a stream with key k and odd increment gamma is ``mix(k + (i + 1) * gamma)``; with
   gamma = 0x9E3779B97F4A7C15 (the golden ratio) it is the i-th output of Vigna's ``splitmix64.c``
   seeded with k. It is a pure function of the counter i, so a block is one loop with no carried
   state (the counter advances by adding gamma, which the compiler vectorizes).
2. **Normals, two per word.** Each 32-bit half of a word (the low half first) makes one normal by
   the ziggurat of inscribed boxes (McFarland 2016; tables in simcore.backend.ziggurat): its low 11
   bits pick one of 2048 equal-area buckets, the next bit the sign, the top 20 bits U. Buckets
   0..2044 are boxes that lie under the curve: the normal is +-U * e_{b+1} / 2^20 in float32, one
   table look-up and no test (99.85 % of draws). This loop over the block is branch-free; it only
   flags the words of buckets 2045..2047.
3. **Fix-ups.** A flagged normal (0.15 %) is redrawn, with its sign, from what the boxes leave under
   the curve ("the rest": the cap above the top box, the slivers right of each box, the tail beyond
   r = e_2045 = 4.2035), with 53-bit uniforms from a second SplitMix64 stream: a piece by inverting
   the pieces' cumulative areas, then a point of the piece by rejection from its bounding box (or
   the triangle under its chord where the curve is convex), or Marsaglia's tail method beyond r
   (`_tail`). Flagged normals are finished in block order.

These are standard normals exactly, as far as the arithmetic goes: the boxes have equal areas to
1e-13 and the rest's pieces are integrated to double precision; the box widths are rounded to float32
(6e-8 relative) and U is a 20-bit grid, so a box's x takes 2^20 equally spaced values. The normals are
float32 (24 bits; the integrators add them to float64 states). Uniforms are ``(word >> 11) * 2**-53``
(NumPy's ``next_double``), one per word.

A block of n normals uses ceil(n / 2) words of the main stream (the high half of the last word of an
odd block is not used). The halves are read through a uint32 view of the words, which is little
endian on every platform numba supports (checked at import).

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

import sys

import numpy as np

from . import flags as flag_lists
from . import jit, ziggurat
from .intrinsics import wide_vectors

if sys.byteorder != "little":  # pragma: no cover - numba's platforms are all little endian
    raise ImportError(
        "simcore.backend.draws reads the halves of 64-bit words through a uint32 view: little endian only"
    )

MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
MIX_2 = np.uint64(0x94D049BB133111EB)
MASK64 = (1 << 64) - 1
MAIN_KEY, MAIN_GAMMA, MAIN_USED, FIXUP_KEY, FIXUP_GAMMA, FIXUP_USED = range(6)

BUCKET_BITS = 11  # 2048 buckets: 8 KiB of widths, 0.15 % of normals redrawn (1024: 0.29 %, 1.14x slower)
BUCKETS = 1 << BUCKET_BITS
U_BITS = 32 - BUCKET_BITS - 1  # 20: a half-word is (U, sign, bucket) from the top bit down
EDGES, BOX_AREA = ziggurat.boxes(BUCKETS)  # e_1 < ... < e_n: the boxes' right edges
BOXES = EDGES.size  # 2045: buckets 0..BOXES-1 are boxes, the others stand for the rest
ZIGGURAT_R = float(EDGES[-1])  # 4.2035: where the tail starts
ZIGGURAT_INV_R = 1.0 / ZIGGURAT_R
# Fast path: x = U * WIDTH[bucket] (float32); the rest's buckets get 0 (their normal is redrawn).
WIDTH = np.zeros(BUCKETS, dtype=np.float32)
WIDTH[:BOXES] = EDGES / 2.0**U_BITS
# The rest: piece k (0-based) spans [left, left + width] = [e_k, e_{k+1}] (e_0 = 0) under f - floor
# (floor = f(e_{k+1})), inside the box of height f(e_k) - floor; piece BOXES is the tail. Its shape:
# f is concave left of its inflection at x = 1 and convex right of it, so the chord of a piece lies
# under the curve if the piece ends at or before 1 (shape -1), over it if it starts at or after 1
# (shape +1); the piece across x = 1 has shape 0. One row of REST_PIECES per piece (a redraw reads one
# row): left, width, floor, height, shape. REST_CDF: cumulative areas, normalized.
_left = np.concatenate([[0.0], EDGES[:-1]])
_floor = ziggurat.density(EDGES)  # f(e_k), by the C library's exp (as every table here)
_shape = np.where(_left >= 1.0, 1.0, np.where(EDGES <= 1.0, -1.0, 0.0))
REST_PIECES = np.stack([_left, EDGES - _left, _floor, np.concatenate([[1.0], _floor[:-1]]) - _floor, _shape], axis=1)
REST_CDF = np.cumsum(ziggurat.rest_pieces(EDGES))
REST_CDF /= REST_CDF[-1]

_1 = np.uint64(1)
_11 = np.uint64(11)
_27 = np.uint64(27)
_30 = np.uint64(30)
_31 = np.uint64(31)
_H1 = np.uint32(1)
_H_SIGN = np.uint32(BUCKET_BITS)
_H_U = np.uint32(BUCKET_BITS + 1)
_H_BUCKET = np.uint32(BUCKETS - 1)
_BOXES = np.int32(BOXES)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def guide_table(cdf: np.ndarray, buckets: int) -> np.ndarray:
    """Guide table of `cdf` for `_invert`: entry k = the first index j with cdf[j] > k / buckets
    (`buckets` a power of two)."""
    assert buckets & (buckets - 1) == 0
    return np.minimum(np.searchsorted(cdf, np.arange(buckets) / buckets, side="right"), cdf.size - 1)


REST_GUIDE = guide_table(REST_CDF, 8192).astype(np.int16)  # 16 KiB


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
def _mix(z):
    """SplitMix64's output function."""
    z = (z ^ (z >> _30)) * MIX_1
    z = (z ^ (z >> _27)) * MIX_2
    return z ^ (z >> _31)


@jit
def _word(key, gamma, index):
    """Word `index` (from 0) of the SplitMix64 stream (key, gamma)."""
    return _mix(key + (index + _1) * gamma)


@jit
def _words(state, words, n):
    """words[:n] = the next n words of the main stream."""
    wide_vectors()
    gamma = state[MAIN_GAMMA]
    first = state[MAIN_USED]
    z = state[MAIN_KEY] + first * gamma  # the counter before word `first`, advanced by adding gamma
    for i in range(n):
        z += gamma
        words[i] = _mix(z)
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
def _tail(state):
    """A normal conditioned on x > ZIGGURAT_R (Marsaglia's tail method, as NumPy), from the fix-up
    stream: two uniforms a try."""
    while True:
        xx = -ZIGGURAT_INV_R * np.log1p(-_fixup_double(state))
        yy = -np.log1p(-_fixup_double(state))
        if yy + yy > xx * xx:
            return ZIGGURAT_R + xx


@jit
def _invert(cdf, guide, uniform):
    """The first index j with cdf[j] > uniform (= np.searchsorted(cdf, uniform, "right")), starting
    from the guide table (Chen & Asau 1974; `guide_table`): guide[k] = that index for k / guide.size,
    a lower bound because guide.size is a power of two, so k = int(uniform * guide.size) has
    k / guide.size <= uniform exactly. With guide.size several times cdf.size, few buckets hold a step
    of the cdf and the loop rarely runs."""
    j = guide[int(uniform * guide.size)]
    while cdf[j] <= uniform and j < cdf.size - 1:
        j += 1
    return j


@jit
def _rest(state):
    """|x| of a normal drawn from what the boxes leave under the curve, from the fix-up stream: one
    uniform picks the piece (inverting REST_CDF), then two per try of a uniform point (s, t) of an
    envelope of the piece, accepted if under the curve: the bounding box, or, where f is convex
    (shape +1), the triangle under the chord ((s, t) reflected to s + t <= 1). Where f is concave
    (shape -1) the triangle under the chord lies under the curve: its points are accepted without a
    test. The last piece is the tail (`_tail`)."""
    piece = _invert(REST_CDF, REST_GUIDE, _fixup_double(state))
    if piece == BOXES:
        return _tail(state)
    left = REST_PIECES[piece, 0]
    width = REST_PIECES[piece, 1]
    floor = REST_PIECES[piece, 2]
    height = REST_PIECES[piece, 3]
    shape = REST_PIECES[piece, 4]
    while True:
        s = _fixup_double(state)
        t = _fixup_double(state)
        if s + t <= 1.0:  # under the chord: under the curve where it is concave, no test needed
            if shape < 0.0:
                return left + width * s
        elif shape > 0.0:
            s = 1.0 - s
            t = 1.0 - t
        x = left + width * s
        if floor + height * t < np.exp(-0.5 * x * x):
            return x


@jit
def _fill_normals(state, out, words, flags, flag_words, pending):
    """out[:] = standard normals (float32). Scratch from `scratch(out.size)`: words (uint64), flags
    (and flag_words, the same memory as uint64; simcore.flags), pending.

    Pass 1 (vectorized): normal i from half-word i (the low half of word i // 2 for even i): the box
    point, and a flag where the bucket stands for the rest. Pass 2: in block order, each flagged
    normal is redrawn from the rest (`_rest`), keeping the sign bit of its half-word.
    """
    wide_vectors()
    n = out.size
    _words(state, words, (n + 1) // 2)
    halves = words.view(np.uint32)
    for i in range(n):
        h = halves[i]
        # int32 casts keep the loop in 32-bit lanes (numba widens integer arithmetic to 64 bits):
        # 8 or 16 normals per vector, the table read by a gather with 32-bit indices
        bucket = np.int32(h & _H_BUCKET)
        x = np.float32(np.int32(h >> _H_U)) * WIDTH[bucket]
        out[i] = -x if np.int32((h >> _H_SIGN) & _H1) != 0 else x
        flags[i] = np.uint8(bucket >= _BOXES)
    # no count in the loop above (a reduction there halves its speed): the listing counts
    n_flagged = flag_lists.list_set(flag_words, n, pending)
    for k in range(n_flagged):
        i = pending[k]
        x = _rest(state)
        out[i] = -x if (halves[i] >> _H_SIGN) & _H1 else x


@jit
def _fill_uniforms(state, out, words):
    """out[:] = uniforms on [0, 1) with 53 random bits, one word each. Scratch: words (uint64, at
    least out.size)."""
    wide_vectors()
    _words(state, words, out.size)
    for i in range(out.size):
        out[i] = _to_unit(words[i])


@jit
def scratch(n):
    """Scratch arrays for blocks of up to n normals or n uniforms: words (n), flags and flag_words
    (simcore.flags), pending."""
    flags, flag_words = flag_lists.buffer(n)
    return np.empty(max(n, 1), dtype=np.uint64), flags, flag_words, np.empty(n, dtype=np.int64)


def standard_normal(state: np.ndarray, n: int) -> np.ndarray:
    """n standard normals (float32), drawn as the kernel draws one block of n (advances `state`)."""
    out = np.empty(n, dtype=np.float32)
    _fill_normals(state, out, *scratch(n))
    return out


def uniform(state: np.ndarray, n: int) -> np.ndarray:
    """n uniforms on [0, 1), drawn as the kernel draws one block of n (advances `state`)."""
    out = np.empty(n)
    _fill_uniforms(state, out, np.empty(n, dtype=np.uint64))
    return out


@jit
def _rests(state, out):
    for i in range(out.size):
        out[i] = _rest(state)


@jit
def _tails(state, out):
    for i in range(out.size):
        out[i] = _tail(state)


@jit
def _discrete(state, cdf, guide, out, uniforms, words):
    _fill_uniforms(state, uniforms, words)
    for i in range(out.size):
        out[i] = _invert(cdf, guide, uniforms[i])


def discrete(state: np.ndarray, cdf: np.ndarray, guide: np.ndarray, n: int) -> np.ndarray:
    """n indices drawn as the kernel draws the Poisson background: one block of n uniforms
    (`_fill_uniforms`), each inverted through `cdf` and its guide table (`_invert`); advances `state`."""
    out = np.empty(n, dtype=np.int64)
    _discrete(state, cdf, guide, out, np.empty(n), np.empty(n, dtype=np.uint64))
    return out


def rest(state: np.ndarray, n: int) -> np.ndarray:
    """n draws of `_rest` (|x| from what the boxes leave under the curve; advances `state`)."""
    out = np.empty(n)
    _rests(state, out)
    return out


def tail(state: np.ndarray, n: int) -> np.ndarray:
    """n draws of `_tail` (normals beyond ZIGGURAT_R; advances `state`)."""
    out = np.empty(n)
    _tails(state, out)
    return out
