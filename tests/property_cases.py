"""Property checks over random shapes, dtypes and values (hypothesis).

Run by tests/test_properties.py in a child process, so that a crash of the kernels is
reported as a failure instead of taking pytest down. Each check compares clustercore
with a NumPy reference or with scikit-learn; run this file directly to debug one.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import clustercore  # noqa: E402
import sklearn.cluster as skc  # noqa: E402
import sklearn.metrics as skm  # noqa: E402
from clustercore import _core  # noqa: E402

from tests import reference as ref  # noqa: E402

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def matrices(draw, max_n=300, max_d=40, grid=False):
    """(X, dtype): random shape, float32 or float64, values on a coarse grid (ties at
    exactly some distance) or spread at one of several magnitudes. The values come
    from a seeded NumPy generator (hypothesis draws the seed): hypothesis' own arrays
    repeat one fill value over most entries."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if grid:
        X = rng.integers(-4, 5, size=(n, d)) * 0.25
    else:
        scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
        centres = rng.normal(size=(max(1, n // 20), d)) * 4
        X = (
            centres[rng.integers(0, len(centres), n)] + rng.normal(size=(n, d))
        ) * scale
    return X.astype(dtype), dtype


@SETTINGS
@given(matrices(), st.integers(1, 20), st.data())
def check_assignment_matches_numpy(Xd, k, data):
    X, dtype = Xd
    k = min(k, len(X))
    C = X[data.draw(st.permutations(range(len(X))))[:k]].copy()
    w = np.ones(len(X), dtype=dtype)
    labels, inertia = _core.labels_inertia(X, w, C, None, 2)
    D = ref.sq_distances(X, C)
    chosen = D[np.arange(len(X)), labels]
    best = D.min(axis=1)
    scale = (np.abs(X).max() + np.abs(C).max()) ** 2 * X.shape[1] + 1e-30
    eps = 1e-5 if dtype == np.float32 else 1e-12
    # the chosen centre is a nearest one (up to rounding of near-ties)
    assert np.all(chosen - best <= eps * scale), (chosen - best).max()
    assert abs(inertia - chosen.sum()) <= eps * scale * len(X)


@SETTINGS
@given(matrices(max_n=200, max_d=6), st.integers(1, 8), st.integers(0, 3))
def check_kmeans_fit_is_consistent(Xd, k, seed):
    X, dtype = Xd
    k = min(k, len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        km = clustercore.KMeans(k, n_init=1, random_state=seed, max_iter=20).fit(X)
    assert km.cluster_centers_.dtype == dtype
    assert np.isfinite(km.cluster_centers_).all()
    assert km.labels_.min() >= 0 and km.labels_.max() < k
    assert km.inertia_ >= 0
    np.testing.assert_array_equal(km.predict(X), km.labels_)


@SETTINGS
@given(
    matrices(max_n=150, max_d=5, grid=True),
    st.sampled_from([0.25, 0.5, 0.75, 1.0]),
    st.integers(1, 8),
    st.sampled_from(["euclidean", "manhattan", "chebyshev"]),
)
def check_dbscan_equals_sklearn(Xd, eps, min_samples, metric):
    X, _ = Xd
    ours = clustercore.DBSCAN(eps=eps, min_samples=min_samples, metric=metric).fit(X)
    theirs = skc.DBSCAN(eps=eps, min_samples=min_samples, metric=metric).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(
        ours.core_sample_indices_, theirs.core_sample_indices_
    )


@SETTINGS
@given(matrices(max_n=120, max_d=8), st.integers(2, 6), st.data())
def check_silhouette_equals_sklearn(Xd, n_labels, data):
    X, _ = Xd
    if len(X) < 3:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    labels = rng.integers(0, n_labels, len(X))
    if not 1 < len(np.unique(labels)) < len(X):
        return
    for metric in ("euclidean", "manhattan"):
        ours = clustercore.silhouette_samples(X, labels, metric=metric)
        theirs = skm.silhouette_samples(X, labels, metric=metric)
        tol = 1e-4 if X.dtype == np.float32 else 1e-9
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


@SETTINGS
@given(
    matrices(max_n=200, max_d=4),
    st.integers(1, 4),
    st.sampled_from(["full", "tied", "diag", "spherical"]),
)
def check_mixture_density_matches_numpy(Xd, k, covariance_type):
    X, _ = Xd
    X = X.astype(np.float64)
    k = min(k, len(X))
    if len(X) < 2 or np.ptp(X, axis=0).min() == 0:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            gm = clustercore.GaussianMixture(
                k, covariance_type=covariance_type, reg_covar=1e-3, random_state=0
            ).fit(X)
        except ValueError as exc:  # scikit-learn's ill-defined covariance error
            assert "ill-defined empirical covariance" in str(exc)
            return
    logp, _ = ref.gaussian_mixture_log_density(
        X, gm.weights_, gm.means_, gm.covariances_, covariance_type
    )
    np.testing.assert_allclose(gm.score_samples(X), logp, rtol=1e-8, atol=1e-8)


@SETTINGS
@given(matrices(max_n=300, max_d=6), st.integers(1, 6), st.integers(1, 64))
def check_minibatch_never_breaks(Xd, k, batch):
    X, dtype = Xd
    k = min(k, len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mbk = clustercore.MiniBatchKMeans(
            k, batch_size=batch, max_iter=3, random_state=0
        ).fit(X)
    assert mbk.cluster_centers_.dtype == dtype
    assert np.isfinite(mbk.cluster_centers_).all()
    np.testing.assert_array_equal(mbk.predict(X), mbk.labels_)


CHECKS = [
    check_assignment_matches_numpy,
    check_kmeans_fit_is_consistent,
    check_dbscan_equals_sklearn,
    check_silhouette_equals_sklearn,
    check_mixture_density_matches_numpy,
    check_minibatch_never_breaks,
]


def main(names):
    for check in CHECKS:
        if names and check.__name__ not in names:
            continue
        check()
        print(f"{check.__name__}: ok", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
