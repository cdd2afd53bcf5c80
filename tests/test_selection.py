"""Choosing k (scan_k, elbow_k) and density anomalies, against scikit-learn."""

import numpy as np
import pytest
import sklearn.cluster as skc
import sklearn.metrics as skm
import sklearn.mixture as skmix
from clustercore import KMeans, density_anomalies, elbow_k, scan_k
from clustercore._datasets import chapter_blobs, chapter_mixture_data
from threadpoolctl import threadpool_limits


def test_elbow_hand_computed():
    # log-log: x = ln k / ln 6, y = ln v scaled; k=3 lies 0.227 below the chord,
    # k=4 0.138, k=2 above it
    assert elbow_k([1, 2, 3, 4, 5, 6], [100, 40, 12, 10, 9, 8]) == 3
    # a power law is a straight line in log-log: no bend, the first k
    ks = np.arange(1, 10)
    assert elbow_k(ks, 50.0 * ks**-1.0) == 1
    # zeros fall back to a linear scale; two points have no elbow
    assert elbow_k([1, 2, 3, 4], [9.0, 1.0, 0.5, 0.0]) == 2
    assert elbow_k([2, 3], [5.0, 1.0]) == 2
    with pytest.raises(ValueError, match="one length"):
        elbow_k([1, 2, 3], [3.0, 2.0])


def test_kmeans_scan_matches_sklearn_per_k():
    X, _ = chapter_blobs()
    ks = range(1, 10)
    scan = scan_k(X, ks, n_init=10, random_state=42)
    assert scan.k == list(ks) and len(scan.models) == 9
    assert scan.bic is None and scan.aic is None
    for k, model, inertia, sil in zip(
        scan.k, scan.models, scan.inertia, scan.silhouette, strict=True
    ):
        sk = skc.KMeans(k, n_init=10, random_state=42).fit(X)
        assert model.n_clusters == k
        np.testing.assert_array_equal(model.labels_, sk.labels_)
        assert inertia == pytest.approx(sk.inertia_, rel=1e-9)
        if k == 1:
            assert np.isnan(sil)
        else:
            assert sil == pytest.approx(skm.silhouette_score(X, sk.labels_), rel=1e-10)
    # the chapter: the elbow and the best silhouette are both at k = 4
    assert scan.best == {"elbow": 4, "silhouette": 4}
    assert scan.best["silhouette"] == scan.k[int(np.nanargmax(scan.silhouette))]


def test_gmm_scan_matches_sklearn_and_picks_three():
    X, _ = chapter_mixture_data()
    scan = scan_k(X, [1, 2, 3, 4, 5], model="gmm", n_init=3, random_state=42)
    assert scan.inertia is None
    for k, model, bic, aic, sil in zip(
        scan.k, scan.models, scan.bic, scan.aic, scan.silhouette, strict=True
    ):
        sk = skmix.GaussianMixture(k, n_init=3, random_state=42).fit(X)
        assert bic == pytest.approx(sk.bic(X), rel=1e-7)
        assert aic == pytest.approx(sk.aic(X), rel=1e-7)
        assert bic == pytest.approx(model.bic(X), rel=1e-12)
        if k > 1:
            labels = sk.predict(X)
            assert sil == pytest.approx(skm.silhouette_score(X, labels), rel=1e-7)
    assert scan.best["bic"] == scan.best["aic"] == 3
    assert set(scan.best) == {"bic", "aic", "silhouette"}


def test_scan_sample_weight_params_and_sampled_silhouette(rng):
    X = rng.normal(size=(700, 3))
    w = rng.integers(0, 4, len(X)).astype(float)
    scan = scan_k(
        X,
        (4, 2, 3),
        sample_weight=w,
        algorithm="elkan",
        n_init=2,
        silhouette_sample_size=300,
        random_state=3,
    )
    assert scan.k == [2, 3, 4]  # sorted
    for k, model, sil in zip(scan.k, scan.models, scan.silhouette, strict=True):
        ref = KMeans(k, algorithm="elkan", n_init=2, random_state=3).fit(X, None, w)
        np.testing.assert_array_equal(model.cluster_centers_, ref.cluster_centers_)
        # the subset is scikit-learn's: the same random_state draws the same rows
        expected = skm.silhouette_score(X, ref.labels_, sample_size=300, random_state=3)
        assert sil == pytest.approx(expected, rel=1e-10)


def test_scan_without_silhouette_and_float32_kept(rng):
    X = rng.normal(size=(300, 4)).astype(np.float32)
    scan = scan_k(X, range(2, 5), silhouette=False, n_init=1, random_state=0)
    assert scan.silhouette is None and set(scan.best) == {"elbow"}
    assert all(m.cluster_centers_.dtype == np.float32 for m in scan.models)


def test_scan_is_thread_invariant(rng):
    X = rng.normal(size=(3000, 5))
    runs = []
    for n in (1, 2):
        with threadpool_limits(n):
            runs.append(scan_k(X, range(2, 7), n_init=2, random_state=0))
    assert runs[0].silhouette == runs[1].silhouette  # bitwise
    assert runs[0].inertia == runs[1].inertia


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(k=[]), ValueError, "k must be positive"),
        (dict(k=[0, 2]), ValueError, "k must be positive"),
        (dict(model="dbscan"), ValueError, "model must be 'kmeans' or 'gmm'"),
    ],
)
def test_scan_bad_parameters(kwargs, error, message):
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(error, match=message):
        scan_k(X, **kwargs)


def test_scan_bad_data_gets_sklearns_errors():
    X = np.random.default_rng(0).normal(size=(50, 2))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        scan_k(X, [2, 3])
    with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=4"):
        scan_k(np.eye(3), [2, 4])


def test_density_anomalies_is_the_percentile_of_score_samples(rng):
    X, _ = chapter_mixture_data()
    gm = skmix.GaussianMixture(3, n_init=2, random_state=0).fit(X)
    found = density_anomalies(gm, X)  # the chapter's 2%
    densities = gm.score_samples(X)
    assert found.threshold == np.percentile(densities, 2)
    np.testing.assert_array_equal(found.mask, densities < found.threshold)
    assert found.mask.sum() == int(0.02 * len(X))
    # novelty detection: the training threshold applied to new points
    X_new = np.array([[0.0, 0.0], [30.0, 30.0]])
    new = density_anomalies(gm, X_new, threshold=found.threshold)
    assert new.mask.tolist() == [False, True] and new.threshold == found.threshold
    with pytest.raises(ValueError, match=r"percentile must lie in \[0, 100\]"):
        density_anomalies(gm, X, 101)
