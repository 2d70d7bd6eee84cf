"""The kernel's random draws (simcore.backend.draws, simcore.backend.ziggurat): generator, tables, bits, distribution."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import GOLDEN, ReferenceDraws, splitmix_word
from scipy import integrate, special, stats

from simcore.backend import draws, ziggurat

# SplitMix64 seeded with 0: the published first outputs of Vigna's splitmix64.c.
SPLITMIX_SEED_0 = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC]


FIXUP_GAMMA = draws.stream_gamma(777)


def _state(key, fixup_key=12345, gamma=GOLDEN, fixup_gamma=FIXUP_GAMMA):
    return np.array([key, gamma, 0, fixup_key, fixup_gamma, 0], dtype=np.uint64)


def test_splitmix64_matches_published_outputs():
    assert [splitmix_word(0, i) for i in range(4)] == SPLITMIX_SEED_0
    words = np.empty(4, dtype=np.uint64)
    draws._words(_state(0), words, 4)
    assert [int(w) for w in words] == SPLITMIX_SEED_0


def _slow_edge(c, area, right):
    """The larger root of x (f(x) - c) = area below `right`, by bisection to the last bit."""
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    low, high = 0.0, right  # the maximum of x (f(x) - c), then x (f(x) - c) falls to 0 at `right`
    while high - low > 1e-15:
        middle = 0.5 * (low + high)
        if f(middle) * (1 - middle * middle) - c > 0:
            low = middle
        else:
            high = middle
    low, high = low, right
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            return middle
        if middle * (f(middle) - c) > area:
            low = middle
        else:
            high = middle


def test_the_boxes_have_equal_areas_under_the_curve():
    e, area = draws.EDGES, draws.BOX_AREA
    assert draws.BUCKETS == 2048 and area == ziggurat.TOTAL / 2048 and draws.BOXES == e.size == 2045
    f = np.exp(-0.5 * e * e)
    assert np.all(np.diff(e) > 0) and e[-1] == draws.ZIGGURAT_R
    boxes = e * (f - np.concatenate([f[1:], [0.0]]))  # box k: [0, e_k] x [f(e_{k+1}), f(e_k)]
    np.testing.assert_allclose(boxes, area, rtol=1e-12)
    # the top box is the last that fits: no box of this area fits between f(e_1) and 1
    x = np.linspace(0, e[0], 100_001)
    assert np.max(x * (np.exp(-0.5 * x * x) - f[0])) < area
    # each edge is the larger root for the box below it (bisection, independent of the Newton solver)
    for k in [0, 1, 2, 100, 500, 1000, 2000, 2043]:
        assert _slow_edge(f[k + 1], area, e[k + 1]) == pytest.approx(e[k], rel=1e-11)
    np.testing.assert_array_equal(draws.WIDTH[: e.size], (e / 2.0**draws.U_BITS).astype(np.float32))
    assert np.all(draws.WIDTH[e.size :] == 0)


def test_the_rest_is_worth_three_buckets():
    """What the boxes leave under the curve has area T - n A = 3 A exactly (A = T / 2048); the
    pieces' quadrature against SciPy's adaptive quad."""
    pieces = ziggurat.rest_pieces(draws.EDGES)
    assert pieces.sum() == pytest.approx((draws.BUCKETS - draws.BOXES) * draws.BOX_AREA, rel=1e-11)
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    for k in [0, 1, 500, 1020, 2044]:
        left = 0.0 if k == 0 else draws.EDGES[k - 1]
        floor = f(draws.EDGES[k])
        exact = integrate.quad(lambda x, floor=floor: f(x) - floor, left, draws.EDGES[k], epsabs=0, epsrel=1e-13)[0]
        assert pieces[k] == pytest.approx(exact, rel=1e-11)
    assert pieces[-1] == pytest.approx(
        integrate.quad(f, draws.ZIGGURAT_R, np.inf, epsabs=0, epsrel=1e-13)[0], rel=1e-11
    )
    assert 1 - draws.BOXES / draws.BUCKETS == 3 / 2048  # 0.15 % of normals are redrawn
    # the redraw's table: piece k spans [e_k, e_{k+1}] (e_0 = 0) under f - f(e_{k+1}), box height f(e_k) - f(e_{k+1})
    e = np.concatenate([[0.0], draws.EDGES])
    f = np.array([math.exp(-0.5 * v * v) for v in e])  # the heights cancel: NumPy's AVX-512 exp would differ by 1e-13
    np.testing.assert_allclose(
        draws.REST_PIECES[:, :4], np.stack([e[:-1], np.diff(e), f[1:], -np.diff(f)], axis=1), rtol=1e-13
    )
    # the shapes: the chord under the curve on every piece marked -1 (a squeeze), over it on every
    # piece marked +1 (an envelope), on 50 points of each piece
    left, width, floor, height, shape = draws.REST_PIECES.T
    s = np.linspace(0, 1, 50)[None, :]
    gap = np.exp(-0.5 * (left[:, None] + width[:, None] * s) ** 2) - (floor[:, None] + height[:, None] * (1 - s))
    assert np.all(gap[shape < 0] >= -1e-15) and np.all(gap[shape > 0] <= 1e-15)
    assert set(shape) == {-1.0, 0.0, 1.0} and np.sum(shape == 0) == 1  # one piece across the inflection x = 1


@settings(max_examples=40, deadline=None)
@given(
    key=st.integers(0, 2**64 - 1),
    fixup_key=st.integers(0, 2**64 - 1),
    gamma=st.integers(0, 2**64 - 1),
    n=st.integers(1, 400),
)
def test_normal_blocks_equal_the_reference_bit_for_bit(key, fixup_key, gamma, n):
    state = _state(key, fixup_key, draws.stream_gamma(gamma), draws.stream_gamma(gamma >> 1))
    reference = ReferenceDraws(state)
    for _ in range(3):
        np.testing.assert_array_equal(draws.standard_normal(state, n), reference.normals(n))
        np.testing.assert_array_equal(state, reference.state())


def test_every_path_of_the_sampler_equals_the_reference():
    state = draws.new_state(np.random.SeedSequence(2024))  # a seed whose blocks reach the tail 6 times
    reference = ReferenceDraws(state)
    for n in [1000] * 200 + [7, 300, 1]:
        np.testing.assert_array_equal(draws.standard_normal(state, n), reference.normals(n))
    np.testing.assert_array_equal(state, reference.state())
    assert reference.paths["flagged"] > 250
    assert reference.paths["rejected"] > 100
    assert reference.paths["tail"] >= 5


@settings(deadline=None)  # the first example may compile the kernel
@given(key=st.integers(0, 2**64 - 1), n=st.integers(1, 300))
def test_uniform_blocks_equal_the_reference(key, n):
    state = _state(key)
    reference = ReferenceDraws(state)
    np.testing.assert_array_equal(draws.uniform(state, n), reference.uniforms(n))
    np.testing.assert_array_equal(state, reference.state())


# Statistical tests: every bound below allows 5 standard errors of its statistic (a false alarm about
# once in 1.7 million runs per bound), every KS test fails by chance once in 1000 runs (p > 1e-3).


@pytest.fixture(scope="module")
def many_normals():
    """3 million normals in blocks of 300, as float64."""
    state = draws.new_state(np.random.SeedSequence(20261121))
    return np.concatenate([draws.standard_normal(state, 300) for _ in range(10_000)]).astype(np.float64)


def _within(observed_count, n, p, sd=5.0):
    """A binomial count against n p, within `sd` standard errors."""
    return abs(observed_count - n * p) < sd * math.sqrt(n * p * (1 - p))


def test_normals_are_standard_normal(many_normals):
    x = many_normals
    n = x.size
    assert abs(x.mean()) < 5 / math.sqrt(n)
    assert abs(x.var() - 1) < 5 * math.sqrt(2 / n)
    assert abs(stats.skew(x)) < 5 * math.sqrt(6 / n)
    assert abs(stats.kurtosis(x)) < 5 * math.sqrt(24 / n)
    assert stats.kstest(x, "norm").pvalue > 1e-3
    assert _within(np.sum(x < 0), n, 0.5)
    for level in (1.0, 2.0, 3.0, 3.5):  # two-sided tails
        assert _within(np.sum(np.abs(x) > level), n, 2 * stats.norm.sf(level)), level


def test_the_two_normals_of_a_word_and_neighbours_are_uncorrelated(many_normals):
    """Normals 2i and 2i+1 share a 64-bit word; i and i+1 straddle words. Correlations of the values
    and of their magnitudes, each within 5 standard errors of 0 (1 / sqrt(pairs))."""
    x = many_normals
    for a, b in [(x[0::2], x[1::2]), (x[1:-1:2], x[2::2]), (x[:-1], x[1:])]:
        for u, v in [(a, b), (np.abs(a), np.abs(b))]:
            assert abs(np.corrcoef(u, v)[0, 1]) < 5 / math.sqrt(u.size)


def test_tail_counts_of_30_million_normals_match_the_normal_law():
    """Two-sided counts beyond 3, 3.5, 4, 4.5 and 5 sd from 30 million normals in the kernel's blocks
    of 3000 (about 1900 beyond 4, 200 beyond 4.5, 17 beyond 5), each within 5 standard errors."""
    state = draws.new_state(np.random.SeedSequence(99))
    levels = np.array([3.0, 3.5, 4.0, 4.5, 5.0])
    counts = np.zeros(levels.size, dtype=np.int64)
    n = 0
    for _ in range(10):
        x = np.abs(draws.standard_normal(state, 3_000_000).reshape(1000, 3000))
        counts += (x.ravel()[:, None] > levels).sum(axis=0)
        n += x.size
    for level, count in zip(levels, counts):
        assert _within(count, n, 2 * stats.norm.sf(level)), (level, count, n * 2 * stats.norm.sf(level))


def _rest_cdf(x):
    """Exact law of `_rest`: area under f minus under the boxes' floor from 0 to x, over the rest's area."""
    e = draws.EDGES
    left = np.concatenate([[0.0], e[:-1]])
    floor = np.exp(-0.5 * e * e)
    under_floor = np.concatenate([[0.0], np.cumsum(floor * (e - left))])
    k = np.minimum(np.searchsorted(e, x), e.size)  # x in piece k (e_{k-1} <= x < e_k), k = n: the tail
    partial = np.where(k < e.size, floor[np.minimum(k, e.size - 1)] * (x - left[np.minimum(k, e.size - 1)]), 0.0)
    area = ziggurat.TOTAL * special.erf(x / math.sqrt(2)) - under_floor[k] - partial
    return area / (ziggurat.TOTAL - draws.BOXES * draws.BOX_AREA)


def test_the_redraws_follow_the_rest_of_the_curve():
    """The 0.15 % of normals that are redrawn hardly show in any test of all normals, so `_rest` is
    tested on its own: 400,000 draws against its exact law (KS), and the share that comes from the
    tail (about 1.8 %) within 5 standard errors."""
    state = draws.new_state(np.random.SeedSequence(5))
    x = draws.rest(state, 400_000)
    assert x.min() >= 0
    assert stats.kstest(x, _rest_cdf).pvalue > 1e-3
    tail_share = ziggurat.rest_pieces(draws.EDGES)[-1] / (ziggurat.TOTAL - draws.BOXES * draws.BOX_AREA)
    assert _within(np.sum(x > draws.ZIGGURAT_R), x.size, tail_share)
    # the top piece (the cap over the top box, 39 % of the rest) and slivers lower down
    for piece in [0, 1000, 2000]:
        inside = np.sum((x >= ([0.0, *draws.EDGES])[piece]) & (x < draws.EDGES[piece]))
        share = ziggurat.rest_pieces(draws.EDGES)[piece] / (ziggurat.TOTAL - draws.BOXES * draws.BOX_AREA)
        assert _within(inside, x.size, share), piece


def test_the_tail_method_beyond_r():
    """`_tail` on its own (in 60 million normals it runs only ~1,600 times): 4 million draws beyond
    r = 4.2035 against the exact conditional law (KS), and the counts beyond 4.5, 5, 5.5 and 6 sd
    (about 300 beyond 6) against sf(level) / sf(r), each within 5 standard errors."""
    state = draws.new_state(np.random.SeedSequence(11))
    x = draws.tail(state, 4_000_000)
    r = draws.ZIGGURAT_R
    assert x.min() > r
    assert stats.kstest(x, lambda t: 1 - stats.norm.sf(t) / stats.norm.sf(r)).pvalue > 1e-3
    for level in (4.5, 5.0, 5.5, 6.0):
        assert _within(np.sum(x > level), x.size, stats.norm.sf(level) / stats.norm.sf(r)), level


def test_uniforms_are_uniform():
    state = draws.new_state(np.random.SeedSequence(7))
    u = draws.uniform(state, 1_000_000)
    assert u.min() >= 0 and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_stream_gammas_are_odd_with_many_bit_transitions():
    for seed in [0, 1, 2**64 - 1, 0x5555555555555555, 0xFFFFFFFF00000000, *range(2, 2000, 37)]:
        gamma = draws.stream_gamma(seed)
        assert gamma % 2 == 1 and 0 < gamma < 2**64
        assert bin(gamma ^ (gamma >> 1)).count("1") >= 24


def test_streams_with_different_gammas_share_no_stretch():
    """With one gamma, a key 1000 gammas further is the same stream 1000 words later; with the
    stream's own gamma it shares no word (of 100,000) with the first."""
    gamma_a, gamma_b = draws.stream_gamma(1), draws.stream_gamma(2)
    key_a = 99
    key_b = (key_a + 1000 * gamma_a) % 2**64

    def first_words(key, gamma, n=100_000):
        words = np.empty(n, dtype=np.uint64)
        draws._words(_state(key, gamma=gamma), words, n)
        return words

    a = first_words(key_a, gamma_a)
    np.testing.assert_array_equal(first_words(key_b, gamma_a)[:-1000], a[1000:])
    assert len(np.intersect1d(a, first_words(key_b, gamma_b))) == 0


def test_streams_are_keyed_by_the_seed_sequence():
    a = draws.new_state(np.random.SeedSequence(1, spawn_key=(0, 5)))
    b = draws.new_state(np.random.SeedSequence(1, spawn_key=(0, 5)))
    c = draws.new_state(np.random.SeedSequence(1, spawn_key=(0, 6)))
    np.testing.assert_array_equal(a, b)
    assert a[draws.MAIN_KEY] != c[draws.MAIN_KEY] and a[draws.MAIN_KEY] != a[draws.FIXUP_KEY]
    assert a[draws.MAIN_GAMMA] != c[draws.MAIN_GAMMA] and a[draws.MAIN_GAMMA] != a[draws.FIXUP_GAMMA]
    # The kernel's keys are independent of the Generator seeded by the same sequence.
    sequence = np.random.SeedSequence(1, spawn_key=(0, 5))
    assert int(a[draws.MAIN_KEY]) not in set(sequence.generate_state(8, dtype=np.uint64).tolist())


def test_the_written_out_gauss_legendre_rule_is_numpys():
    """ziggurat's 20-point rule (written out: NumPy computes it with LAPACK) against NumPy's, to the
    last bits; catches a typo in a node or weight (the rest's areas would be off by far more)."""
    nodes, weights = np.polynomial.legendre.leggauss(20)
    np.testing.assert_allclose(ziggurat.GAUSS_NODES, nodes, rtol=0, atol=4e-16)
    np.testing.assert_allclose(ziggurat.GAUSS_WEIGHTS, weights, rtol=0, atol=4e-16)
