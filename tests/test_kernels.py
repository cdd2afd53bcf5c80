"""The distance kernels of every instruction set against NumPy brute force."""

import numpy as np
import pytest
from clustercore import _core

from . import reference as ref


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
    sums, weights, inertia, labels, changed = _core.lloyd_block_stats(X, w, C, None, 2)
    assert changed == len(X)  # without labels to compare with, all count as changed
    again = _core.lloyd_block_stats(X, w, C, None, 2, labels)
    assert again[4] == 0
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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,d,k", [(20_000, 16, 40), (3000, 64, 9), (5000, 8, 16)])
def test_pruned_lloyd_gives_the_plain_labels(rng, dtype, n, d, k):
    # Hamerly's bounds skip distance computations, never change an assignment: labels,
    # iterations and (up to the running sums' rounding) centres equal the plain run's
    X = (rng.normal(size=(n, d)) + rng.integers(0, 6, size=(n, 1)) * 3).astype(dtype)
    w = rng.uniform(0.2, 3.0, n).astype(dtype)  # fractional: running sums round
    init = X[rng.choice(n, k, replace=False)]
    origin = X.astype(np.float64).mean(axis=0)
    plain = _core.lloyd(X, w, init, 60, 0.0, origin, 2, None, 0)
    pruned = _core.lloyd(X, w, init, 60, 0.0, origin, 2, None, 2)
    np.testing.assert_array_equal(pruned[1], plain[1])
    assert pruned[3] == plain[3]
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(pruned[0], plain[0], rtol=rtol, atol=rtol)
    assert pruned[2] == pytest.approx(plain[2], rel=rtol)


def test_pruned_lloyd_relocates_empty_clusters_like_plain(rng):
    X = np.vstack([rng.normal(size=(500, 16)), rng.normal(size=(500, 16)) + 8])
    init = np.vstack([X[:6], np.full((2, 16), 100.0)])  # two centres nobody picks
    w = np.ones(len(X))
    origin = X.mean(axis=0)
    plain = _core.lloyd(X, w, init, 50, 0.0, origin, 1, None, 0)
    pruned = _core.lloyd(X, w, init, 50, 0.0, origin, 1, None, 2)
    np.testing.assert_array_equal(pruned[1], plain[1])
    np.testing.assert_allclose(pruned[0], plain[0], rtol=1e-10, atol=1e-10)
    assert len(np.unique(pruned[1])) == 8


def test_lloyd_rejects_unknown_prune_mode():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="prune must be"):
        _core.lloyd(X, np.ones(10), X[:2].copy(), 5, 0.0, None, 1, None, 3)


def test_type_stubs_cover_the_extension():
    # python/clustercore/_core.pyi is generated by pybind11-stubgen; regenerate it when
    # the bindings change (README, "Layout")
    import ast
    from pathlib import Path

    import clustercore

    stub = Path(clustercore.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    declared = {
        n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
    }
    exported = {name for name in dir(_core) if not name.startswith("_")}
    assert declared == exported
