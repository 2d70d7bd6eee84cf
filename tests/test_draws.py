"""The kernel's random draws (simcore.backend.draws, simcore.backend.ziggurat): generator, tables, bits, distribution."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba.np.random import _constants as numpy_ziggurat  # NumPy's tables, as numba ships them
from reference import GOLDEN, ReferenceDraws, splitmix_word
from scipy import stats

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


def test_ziggurat_tables_reproduce_numpys_256_layers():
    r = ziggurat.solve_r(256)
    assert r == numpy_ziggurat.ziggurat_nor_r
    k, w, f = ziggurat.tables(256, r)
    np.testing.assert_allclose(w, numpy_ziggurat.wi_double, rtol=1e-13, atol=0)
    np.testing.assert_allclose(f, numpy_ziggurat.fi_double, rtol=1e-13, atol=0)
    np.testing.assert_allclose(k.astype(float), numpy_ziggurat.ki_double.astype(float), rtol=1e-13, atol=0)
    assert k[1] == numpy_ziggurat.ki_double[1] == 0


def test_the_1024_layer_tables_close():
    assert ziggurat.solve_r(draws.LAYERS) == draws.ZIGGURAT_R
    assert abs(ziggurat.closure(draws.LAYERS, draws.ZIGGURAT_R)) < 1e-13
    k, w, f = draws.ZIGGURAT_K, draws.ZIGGURAT_W, draws.ZIGGURAT_F
    x = w[1:] * ziggurat.MANTISSA_SCALE  # the box edges, increasing downwards
    assert np.all(np.diff(x) > 0) and np.all(np.diff(f) < 0) and x[-1] == draws.ZIGGURAT_R
    boxes = x[1:] * (f[1:-1] - f[2:])  # box i spans [0, x_i] x [f(x_i), f(x_{i-1})]
    np.testing.assert_allclose(boxes, ziggurat.base_area(draws.ZIGGURAT_R), rtol=1e-11)
    # 0.43 % of words need a fix-up (1.49 % with NumPy's 256 layers).
    assert 1 - np.mean(k / ziggurat.MANTISSA_SCALE) == pytest.approx(0.004277, abs=1e-6)


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


def test_every_path_of_the_ziggurat_equals_the_reference():
    state = draws.new_state(np.random.SeedSequence(2027))  # a seed whose blocks reach the tail twice
    reference = ReferenceDraws(state)
    for n in [1000] * 60 + [7, 300, 1]:
        np.testing.assert_array_equal(draws.standard_normal(state, n), reference.normals(n))
    np.testing.assert_array_equal(state, reference.state())
    assert reference.paths["flagged"] > 200
    assert reference.paths["wedge_rejected"] > 50
    assert reference.paths["tail"] >= 1


@given(key=st.integers(0, 2**64 - 1), n=st.integers(1, 300))
def test_uniform_blocks_equal_the_reference(key, n):
    state = _state(key)
    reference = ReferenceDraws(state)
    np.testing.assert_array_equal(draws.uniform(state, n), reference.uniforms(n))
    np.testing.assert_array_equal(state, reference.state())


@pytest.fixture(scope="module")
def many_normals():
    state = draws.new_state(np.random.SeedSequence(20261121))
    return np.concatenate([draws.standard_normal(state, 300) for _ in range(10_000)])


def test_normals_are_standard_normal(many_normals):
    x = many_normals
    n = x.size
    assert abs(x.mean()) < 5 / math.sqrt(n)
    assert abs(x.var() - 1) < 5 * math.sqrt(2 / n)
    assert abs(stats.skew(x)) < 5 * math.sqrt(6 / n)
    assert abs(stats.kurtosis(x)) < 5 * math.sqrt(24 / n)
    assert stats.kstest(x, "norm").pvalue > 1e-3
    for level in (1.0, 2.0, 3.0, draws.ZIGGURAT_R):  # two-sided tails, the last one the ziggurat's
        expected = 2 * stats.norm.sf(level)
        observed = np.mean(np.abs(x) > level)
        assert abs(observed - expected) < 5 * math.sqrt(expected / n), level
    assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < 5 / math.sqrt(n)


def test_normals_beyond_the_ziggurat_have_the_normal_tail(many_normals):
    tail = np.abs(many_normals[np.abs(many_normals) > 3.0])
    conditional = lambda t: 1 - stats.norm.sf(t) / stats.norm.sf(3.0)  # noqa: E731
    assert stats.kstest(tail, conditional).pvalue > 1e-3


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


def test_the_tail_algorithm_beyond_r():
    """draws._tail on its own, 100,000 values: all beyond r with the sign asked for, distributed as
    the normal conditioned on |x| > r (Kolmogorov-Smirnov, false alarm 1e-3), mean within 4 standard
    errors of the exact phi(r) / Q(r). The ziggurat's draws reach the tail once in ~19,000 words, so
    the distribution tests of whole blocks see only a few hundred such values."""
    state = draws.new_state(np.random.SeedSequence(31))
    r = draws.ZIGGURAT_R
    n = 100_000
    beyond = np.array([draws._tail(state, 1.0) for _ in range(n)])
    below = np.array([draws._tail(state, -1.0) for _ in range(100)])
    assert beyond.min() > r and below.max() < -r
    conditional = stats.truncnorm(r, np.inf)
    assert stats.kstest(beyond, conditional.cdf).pvalue > 1e-3
    assert abs(beyond.mean() - conditional.mean()) < 4 * conditional.std() / np.sqrt(n)
