"""The distance kernels of every instruction set against NumPy brute force."""

import numpy as np
import pytest
from clustercore import _core

from . import reference as ref

ISAS = _core.build_info()["simd_available"].split(",")


@pytest.fixture(params=ISAS)
def isa(request):
    before = _core.build_info()["simd"]
    _core.select_simd(request.param)
    yield request.param
    _core.select_simd(before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "n,d,k",
    [(1, 1, 1), (7, 3, 1), (1000, 2, 7), (513, 5, 16), (300, 17, 17), (260, 100, 33)],
)
def test_assignment_matches_brute_force(isa, rng, dtype, n, d, k):
    # integer-valued data: exact in both dtypes, so the reference is exact too
    X = rng.integers(-20, 20, size=(n, d)).astype(dtype)
    C = rng.integers(-20, 20, size=(k, d)).astype(dtype)
    w = np.ones(n, dtype)
    labels, inertia = _core.labels_inertia(X, w, C, None, 2)
    expected, dmin = ref.assign(X, C)
    np.testing.assert_array_equal(labels, expected)  # ties go to the lowest index
    assert inertia == dmin.sum()


def test_ties_go_to_lowest_index(isa):
    X = np.zeros((10, 2))
    C = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    labels, _ = _core.labels_inertia(X, np.ones(10), C, None, 1)
    assert (labels == 0).all()
    labels, _ = _core.labels_inertia(X, np.ones(10), C[::-1].copy(), None, 1)
    assert (labels == 0).all()


def test_kernels_refuse_wrong_dtype():
    X = np.zeros((4, 2), np.float32)
    with pytest.raises(TypeError):
        _core.labels_inertia(X, np.ones(4), np.zeros((2, 2)), None, 1)


def test_block_statistics_add_up(rng):
    X = rng.normal(size=(5000, 4))
    w = rng.uniform(0.5, 2, 5000)
    C = X[:6].copy()
    sums, weights, inertia, labels = _core.lloyd_block_stats(X, w, C, None, 2)
    parts = [
        _core.lloyd_block_stats(X[s], w[s], C, None, 1)
        for s in (slice(0, 1700), slice(1700, None))
    ]
    np.testing.assert_allclose(sums, parts[0][0] + parts[1][0], rtol=1e-12)
    np.testing.assert_allclose(weights, parts[0][1] + parts[1][1], rtol=1e-12)
    assert inertia == pytest.approx(parts[0][2] + parts[1][2], rel=1e-12)
    expected, dmin = ref.assign(X, C)
    np.testing.assert_array_equal(labels, expected)
    np.testing.assert_allclose(weights, np.bincount(expected, weights=w, minlength=6))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d", [2, 40])
def test_origin_protects_far_from_zero_data(isa, rng, dtype, d):
    # clusters of spread 1 around a common offset of 1e4: without an origin the float32
    # norm-form distances would lose every digit that separates the centres
    C = rng.normal(size=(6, d)) * 3 + 1e4
    X = (C[rng.integers(0, 6, 3000)] + rng.normal(size=(3000, d))).astype(dtype)
    C = C.astype(dtype)
    origin = X.astype(np.float64).mean(axis=0)
    labels, inertia = _core.labels_inertia(X, np.ones(3000, dtype), C, origin, 2)
    expected, dmin = ref.assign(X, C)
    assert (labels == expected).mean() > 0.999  # only last-bit near-ties may differ
    assert inertia == pytest.approx(dmin.sum(), rel=1e-6)
