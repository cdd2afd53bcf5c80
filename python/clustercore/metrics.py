"""Unsupervised cluster metrics with scikit-learn's signatures and results.

The silhouette's O(n^2) pairwise distances run in C++ (``csrc/metrics.hpp``), fused
with the per-cluster sums, so no n x n matrix exists: memory is O(n * n_clusters).
Euclidean, manhattan and cosine distances on dense data take that path; precomputed
distances are summed directly; any other metric goes through scikit-learn.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.metrics.cluster._unsupervised import (
    silhouette_samples as _sk_silhouette_samples,
)
from sklearn.metrics.pairwise import _VALID_METRICS
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state, check_X_y
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from . import _core, _fallback
from ._validation import aligned, effective_n_threads

__all__ = [
    "calinski_harabasz_score",
    "davies_bouldin_score",
    "silhouette_samples",
    "silhouette_score",
]

# metric names the C++ kernel computes -> its name for them
_NATIVE = {
    "euclidean": "euclidean",
    "l2": "euclidean",
    "manhattan": "manhattan",
    "cityblock": "manhattan",
    "l1": "manhattan",
    "cosine": "cosine",
}
# keyword arguments of scikit-learn's chunking that do not change the result
_HARMLESS_KWDS = {"n_jobs", "working_memory"}


def _check_number_of_labels(n_labels, n_samples):
    if not 1 < n_labels < n_samples:
        raise ValueError(
            f"Number of labels is {n_labels}. Valid values are 2 to n_samples - 1 "
            "(inclusive)"
        )


def _encoded(labels, n_samples):
    """Labels as 0..k-1 (any hashable labels), their counts, checked like sklearn."""
    le = LabelEncoder()
    codes = le.fit_transform(labels)
    _check_number_of_labels(len(le.classes_), n_samples)
    return codes, np.bincount(codes)


def _cluster_distance_sums(X, codes, n_clusters, metric, kwds):
    """(n, k) sums of distances from every sample to each cluster, or None when
    scikit-learn must compute them."""
    if metric == "precomputed":
        onehot = np.zeros((X.shape[0], n_clusters))
        onehot[np.arange(X.shape[0]), codes] = 1.0
        return np.asarray(X @ onehot, dtype=np.float64)
    if (
        sp.issparse(X)
        or not isinstance(metric, str)
        or metric not in _NATIVE
        or set(kwds) - _HARMLESS_KWDS
    ):
        return None
    dtype = np.float32 if X.dtype == np.float32 else np.float64
    Xc = np.ascontiguousarray(X, dtype=dtype)
    return _core.silhouette_sums(
        Xc,
        codes.astype(np.int32)[None],
        n_clusters,
        _NATIVE[metric],
        effective_n_threads(),
    )[0]


def _silhouette_from_sums(sums, codes, freqs):
    """scikit-learn's silhouette from the per-cluster distance sums."""
    rows = np.arange(len(codes))
    intra = sums[rows, codes].copy()
    sums = sums.copy()
    sums[rows, codes] = np.inf
    inter = (sums / freqs).min(axis=1)
    denom = (freqs - 1).take(codes, mode="clip")
    with np.errstate(divide="ignore", invalid="ignore"):
        intra /= denom
        s = (inter - intra) / np.maximum(intra, inter)
    return np.nan_to_num(s)  # clusters of one sample: 0


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "labels": ["array-like"],
        "metric": [StrOptions(set(_VALID_METRICS) | {"precomputed"}), callable],
    },
    prefer_skip_nested_validation=True,
)
def silhouette_samples(X, labels, *, metric="euclidean", **kwds):
    """Silhouette coefficient of every sample, (b - a) / max(a, b).

    a is the mean distance to the other samples of the sample's cluster, b the mean
    distance to the samples of the nearest other cluster; 0 for a cluster of one
    sample. Same signature and results as
    :func:`sklearn.metrics.silhouette_samples`, without its n x n distances.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
            (n_samples, n_samples)
        Samples, or their distances if ``metric='precomputed'``.
    labels : array-like of shape (n_samples,)
        Cluster of each sample (any hashable values; -1 is a cluster like any other).
    metric : str or callable, default='euclidean'
        Any metric scikit-learn accepts; euclidean, manhattan and cosine run in C++.
    **kwds : optional keyword arguments
        Passed to the metric (through scikit-learn for metrics computed there).

    Returns
    -------
    silhouette : ndarray of shape (n_samples,)
        float32 for float32 X, else float64.

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import silhouette_samples
    >>> X = np.array([[0.0], [1.0], [10.0], [11.0]])
    >>> np.round(silhouette_samples(X, [0, 0, 1, 1]), 4).tolist()
    [0.9048, 0.8947, 0.8947, 0.9048]
    """
    X, labels = check_X_y(X, labels, accept_sparse=["csr"])
    X = aligned(X)
    if metric == "precomputed":
        error = ValueError(
            "The precomputed distance matrix contains non-zero elements on the "
            "diagonal. Use np.fill_diagonal(X, 0)."
        )
        if X.dtype.kind == "f":
            if np.any(np.abs(X.diagonal()) > np.finfo(X.dtype).eps * 100):
                raise error
        elif np.any(X.diagonal() != 0):
            raise error
    codes, freqs = _encoded(labels, X.shape[0])
    sums = _cluster_distance_sums(X, codes, len(freqs), metric, kwds)
    if sums is None:
        _fallback.note("silhouette_samples", f"metric={metric!r}")
        return _sk_silhouette_samples(X, labels, metric=metric, **kwds)
    s = _silhouette_from_sums(sums, codes, freqs)
    return s.astype(np.float32) if X.dtype == np.float32 else s


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "labels": ["array-like"],
        "metric": [StrOptions(set(_VALID_METRICS) | {"precomputed"}), callable],
        "sample_size": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def silhouette_score(
    X, labels, *, metric="euclidean", sample_size=None, random_state=None, **kwds
):
    """Mean silhouette coefficient over all samples (or a random subset).

    Same signature and results as :func:`sklearn.metrics.silhouette_score`; with the
    same ``random_state`` the same subset is drawn.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
            (n_samples, n_samples)
        Samples, or their distances if ``metric='precomputed'``.
    labels : array-like of shape (n_samples,)
        Cluster of each sample.
    metric : str or callable, default='euclidean'
        Any metric scikit-learn accepts.
    sample_size : int, default=None
        Score a random subset of this many samples (all samples if None).
    random_state : int, RandomState instance or None, default=None
        Seeds the subset.
    **kwds : optional keyword arguments
        Passed to the metric.

    Returns
    -------
    silhouette : float
        Between -1 and 1; higher means denser, better separated clusters.

    Examples
    --------
    >>> from clustercore import silhouette_score
    >>> round(silhouette_score([[0.0], [1.0], [10.0], [11.0]], [0, 0, 1, 1]), 4)
    0.8997
    """
    if sample_size is not None:
        X, labels = check_X_y(X, labels, accept_sparse=["csc", "csr"])
        X = aligned(X)
        random_state = check_random_state(random_state)
        indices = random_state.permutation(X.shape[0])[:sample_size]
        if metric == "precomputed":
            X, labels = X[indices].T[indices].T, labels[indices]
        else:
            X, labels = X[indices], labels[indices]
    return float(np.mean(silhouette_samples(X, labels, metric=metric, **kwds)))


def _cluster_means(X, codes, n_clusters):
    counts = np.bincount(codes, minlength=n_clusters).astype(np.float64)
    sums = np.zeros((n_clusters, X.shape[1]))
    np.add.at(sums, codes, X)
    return sums / counts[:, None], counts


@validate_params(
    {"X": ["array-like"], "labels": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def calinski_harabasz_score(X, labels):
    """Calinski-Harabasz score (variance ratio criterion; higher is better).

    Between-cluster dispersion over within-cluster dispersion, times (n - k) / (k - 1);
    1.0 when every cluster is a single point. Same results as
    :func:`sklearn.metrics.calinski_harabasz_score`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Samples.
    labels : array-like of shape (n_samples,)
        Cluster of each sample.

    Returns
    -------
    score : float

    Examples
    --------
    >>> from clustercore import calinski_harabasz_score
    >>> calinski_harabasz_score([[0.0], [1.0], [10.0], [11.0]], [0, 0, 1, 1])
    200.0
    """
    X, labels = check_X_y(X, labels, dtype=np.float64)
    X = aligned(X)
    codes, freqs = _encoded(labels, X.shape[0])
    k = len(freqs)
    means, counts = _cluster_means(X, codes, k)
    extra = float((counts * ((means - X.mean(axis=0)) ** 2).sum(axis=1)).sum())
    intra = float(((X - means[codes]) ** 2).sum())
    if intra == 0.0:
        return 1.0
    return float(extra * (X.shape[0] - k) / (intra * (k - 1.0)))


@validate_params(
    {"X": ["array-like"], "labels": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def davies_bouldin_score(X, labels):
    """Davies-Bouldin score (lower is better; 0 is the minimum).

    The mean over clusters of the largest (s_i + s_j) / d_ij, with s the mean distance
    of a cluster's samples to its centroid and d the distance between centroids. Same
    results as :func:`sklearn.metrics.davies_bouldin_score`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Samples.
    labels : array-like of shape (n_samples,)
        Cluster of each sample.

    Returns
    -------
    score : float

    Examples
    --------
    >>> from clustercore import davies_bouldin_score
    >>> round(davies_bouldin_score([[0, 1], [1, 1], [3, 4]], [0, 0, 1]), 4)
    0.128
    """
    X, labels = check_X_y(X, labels)
    X = aligned(X)
    X = np.asarray(X, dtype=np.float64)
    codes, freqs = _encoded(labels, X.shape[0])
    k = len(freqs)
    centroids, counts = _cluster_means(X, codes, k)
    to_centroid = np.sqrt(((X - centroids[codes]) ** 2).sum(axis=1))
    intra = np.bincount(codes, weights=to_centroid, minlength=k) / counts
    between = np.sqrt(((centroids[:, None, :] - centroids[None]) ** 2).sum(axis=2))
    if np.allclose(intra, 0.0) or np.allclose(between, 0.0):
        return 0.0
    between[between == 0] = np.inf
    scores = ((intra[:, None] + intra[None, :]) / between).max(axis=1)
    return float(scores.mean())
