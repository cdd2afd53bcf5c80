"""Cluster metrics against scikit-learn, a hand-computed case and NumPy brute force."""

import clustercore
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.metrics as skm
from clustercore import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)
from sklearn.datasets import make_blobs

from .reference import with_threads


def _data(n=1500, d=5, k=4, seed=0):
    X, y = make_blobs(n, n_features=d, centers=k, cluster_std=2.0, random_state=seed)
    return X, y


def _brute_silhouette(X, labels, metric):
    D = skm.pairwise_distances(X, metric=metric)
    out = np.empty(len(X))
    for i in range(len(X)):
        own = labels == labels[i]
        if own.sum() == 1:
            out[i] = 0.0
            continue
        a = D[i, own].sum() / (own.sum() - 1)
        b = min(D[i, labels == c].mean() for c in np.unique(labels) if c != labels[i])
        out[i] = (b - a) / max(a, b)
    return out


def test_hand_computed_silhouette():
    # two pairs on a line: a = 1, b = mean distance to the other pair
    X = np.array([[0.0], [1.0], [10.0], [11.0]])
    expected = [(10.5 - 1) / 10.5, (9.5 - 1) / 9.5, (9.5 - 1) / 9.5, (10.5 - 1) / 10.5]
    np.testing.assert_allclose(silhouette_samples(X, [0, 0, 1, 1]), expected)
    assert silhouette_score(X, ["a", "a", "b", "b"]) == pytest.approx(np.mean(expected))


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine", "l1", "l2"])
def test_silhouette_matches_sklearn_and_brute_force(metric):
    X, y = _data()
    ours = silhouette_samples(X, y, metric=metric)
    np.testing.assert_allclose(
        ours, skm.silhouette_samples(X, y, metric=metric), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(ours, _brute_silhouette(X[:], y, metric), atol=1e-12)
    assert silhouette_score(X, y, metric=metric) == pytest.approx(
        skm.silhouette_score(X, y, metric=metric), rel=1e-10
    )


def test_precomputed_dense_and_sparse_match_sklearn():
    X, y = _data(n=800)
    D = skm.pairwise_distances(X)
    ref = skm.silhouette_samples(D, y, metric="precomputed")
    np.testing.assert_allclose(
        silhouette_samples(D, y, metric="precomputed"), ref, rtol=1e-10, atol=1e-12
    )
    Ds = sp.csr_matrix(D)
    np.testing.assert_allclose(
        silhouette_samples(Ds, y, metric="precomputed"),
        skm.silhouette_samples(Ds, y, metric="precomputed"),
        rtol=1e-10,
        atol=1e-12,
    )


def test_other_metrics_and_sparse_input_through_sklearn():
    X, y = _data(n=500)
    for kw in ({"metric": "chebyshev"}, {"metric": "minkowski", "p": 3}):
        np.testing.assert_allclose(
            silhouette_samples(X, y, **kw), skm.silhouette_samples(X, y, **kw)
        )
    Xs = sp.csr_matrix(np.where(np.abs(X) > 3, X, 0))
    np.testing.assert_allclose(
        silhouette_samples(Xs, y), skm.silhouette_samples(Xs, y), rtol=1e-10
    )


def test_labels_any_hashable_singletons_and_noise_label():
    X, y = _data(n=300, k=3)
    names = np.array(["x", "y", "z"])[y]
    np.testing.assert_allclose(silhouette_samples(X, names), silhouette_samples(X, y))
    y2 = y.copy()
    y2[0] = -1  # a cluster of one sample (and -1 is an ordinary label)
    ours = silhouette_samples(X, y2)
    assert ours[0] == 0.0
    np.testing.assert_allclose(ours, skm.silhouette_samples(X, y2), atol=1e-12)


def test_sample_size_draws_sklearns_subset():
    X, y = _data(n=2000)
    for metric in ("euclidean", "precomputed"):
        Xm = skm.pairwise_distances(X) if metric == "precomputed" else X
        ours = silhouette_score(Xm, y, metric=metric, sample_size=300, random_state=4)
        theirs = skm.silhouette_score(
            Xm, y, metric=metric, sample_size=300, random_state=4
        )
        assert ours == pytest.approx(theirs, rel=1e-10)


def test_float32_kept_and_thread_invariant():
    X, y = _data(n=6000, d=8)
    X32 = X.astype(np.float32)
    s32 = silhouette_samples(X32, y)
    assert s32.dtype == np.float32
    np.testing.assert_allclose(s32, skm.silhouette_samples(X32, y), atol=1e-5)
    a = with_threads(1, silhouette_samples, X, y)
    b = with_threads(2, silhouette_samples, X, y)
    np.testing.assert_array_equal(a, b)


def test_calinski_harabasz_and_davies_bouldin_match_sklearn():
    X, y = _data(n=3000, d=7, k=6)
    for labels in (y, np.random.default_rng(0).integers(0, 4, len(X))):
        assert calinski_harabasz_score(X, labels) == pytest.approx(
            skm.calinski_harabasz_score(X, labels), rel=1e-10
        )
        assert davies_bouldin_score(X, labels) == pytest.approx(
            skm.davies_bouldin_score(X, labels), rel=1e-10
        )
    # degenerate: every cluster one repeated point
    Xd = np.repeat([[0.0, 0.0], [3.0, 4.0]], 5, axis=0)
    yd = np.repeat([0, 1], 5)
    assert calinski_harabasz_score(Xd, yd) == skm.calinski_harabasz_score(Xd, yd)
    assert davies_bouldin_score(Xd, yd) == skm.davies_bouldin_score(Xd, yd)


def test_hand_computed_calinski_harabasz_and_davies_bouldin():
    X = np.array([[0.0], [1.0], [10.0], [11.0]])
    # between: 2 * 5^2 * 2 = 100; within: 4 * 0.25 = 1; (n - k) / (k - 1) = 2
    assert calinski_harabasz_score(X, [0, 0, 1, 1]) == pytest.approx(200.0)
    # s = 0.5 for both, centroid distance 10: (0.5 + 0.5) / 10
    assert davies_bouldin_score(X, [0, 0, 1, 1]) == pytest.approx(0.1)


def _same_error(call):
    with pytest.raises(ValueError) as ours:
        call(clustercore)
    with pytest.raises(ValueError) as theirs:
        call(skm)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "fn",
    [
        "silhouette_score",
        "silhouette_samples",
        "calinski_harabasz_score",
        "davies_bouldin_score",
    ],
)
@pytest.mark.parametrize(
    "case", ["one-label", "all-distinct", "wrong-length", "nan", "1d"]
)
def test_bad_input_same_error_as_sklearn(fn, case):
    X, y = _data(n=40)
    if case == "one-label":
        args = (X, np.zeros(40))
    elif case == "all-distinct":
        args = (X, np.arange(40))
    elif case == "wrong-length":
        args = (X, y[:39])
    elif case == "nan":
        Xn = X.copy()
        Xn[3, 1] = np.nan
        args = (Xn, y)
    else:
        args = (X[:, 0], y)
    _same_error(lambda m: getattr(m, fn)(*args))


def test_precomputed_with_nonzero_diagonal_same_error():
    X, y = _data(n=50)
    D = skm.pairwise_distances(X) + 1.0
    _same_error(lambda m: m.silhouette_samples(D, y, metric="precomputed"))


@pytest.mark.slow
def test_silhouette_of_200k_points_in_bounded_memory():
    X, _ = make_blobs(200_000, n_features=8, centers=8, random_state=0)
    labels = np.random.default_rng(0).integers(0, 8, len(X))
    s = silhouette_score(X, labels)
    assert -0.1 < s < 0.1  # random labels: no structure
