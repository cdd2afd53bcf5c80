"""DBSCAN with scikit-learn's exact labels, O(n) memory, and ``predict``.

The common metrics on dense data (euclidean, manhattan, chebyshev, minkowski with
p >= 1) run in C++ over a k-d tree without storing neighbourhoods (``csrc/dbscan.hpp``).
Every other metric scikit-learn accepts (cosine, precomputed, callables, ...) and sparse
input go through scikit-learn's own DBSCAN for that fit, so they give the same answer.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin, _fit_context
from sklearn.cluster import DBSCAN as _SklearnDBSCAN
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from . import _core, _fallback
from ._validation import aligned, effective_n_threads

__all__ = ["DBSCAN", "dbscan"]

# metric name -> (engine metric, fixed p or None to use the p parameter)
_NATIVE = {
    "euclidean": ("euclidean", 2.0),
    "l2": ("euclidean", 2.0),
    "manhattan": ("manhattan", 1.0),
    "cityblock": ("manhattan", 1.0),
    "l1": ("manhattan", 1.0),
    "chebyshev": ("chebyshev", 1.0),
    "infinity": ("chebyshev", 1.0),
    "minkowski": ("minkowski", None),
}


def _engine_metric(metric, p, metric_params):
    """(metric, p) for the C++ engine, or None when scikit-learn must do the work."""
    if metric_params or not isinstance(metric, str) or metric not in _NATIVE:
        return None
    name, fixed_p = _NATIVE[metric]
    if fixed_p is not None:
        return name, fixed_p
    p = 2.0 if p is None else float(p)
    if p == 2:
        return "euclidean", 2.0
    if p == 1:
        return "manhattan", 1.0
    if np.isinf(p):
        return "chebyshev", 1.0
    return ("minkowski", p) if p >= 1 else None


def _engine_view(X, metric, p, metric_params, eps):
    """(rows, metric, p, eps) for the C++ engine, or None for scikit-learn's path.

    Cosine distance is half the squared euclidean distance between the rows scaled to
    unit length, so it runs as euclidean with radius sqrt(2 eps) (rows of zero length,
    at cosine distance 1 from everything, even themselves, go to scikit-learn).
    """
    if sp.issparse(X):
        return None
    if metric == "cosine" and not metric_params:
        X64 = np.asarray(X, dtype=np.float64)
        norms = np.sqrt(np.einsum("ij,ij->i", X64, X64))
        if not norms.all():
            return None
        return X64 / norms[:, None], "euclidean", 2.0, float(np.sqrt(2.0 * eps))
    engine = _engine_metric(metric, p, metric_params)
    if engine is None:
        return None
    dtype = np.float32 if X.dtype == np.float32 else np.float64
    return np.ascontiguousarray(X, dtype=dtype), engine[0], engine[1], float(eps)


_SKLEARN_CONSTRAINTS = _SklearnDBSCAN._parameter_constraints


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based clustering, a drop-in for :class:`sklearn.cluster.DBSCAN`.

    Same parameters, attributes and labels as scikit-learn 1.9.1, including the
    numbering of clusters and the cluster a border point joins. For the euclidean,
    manhattan, chebyshev and minkowski (p >= 1) metrics on dense data the work runs in
    C++ over a k-d tree in O(n) memory (scikit-learn stores every neighbourhood), with
    the GIL released, and gives the same labels for any number of threads.

    Parameters
    ----------
    eps : float, default=0.5
        Two samples are neighbours when their distance is at most ``eps``.
    min_samples : int, default=5
        Weighted number of neighbours (the sample itself included) that makes a core
        sample.
    metric : str or callable, default='euclidean'
        Any metric scikit-learn accepts, or 'precomputed'.
    metric_params : dict, default=None
        Extra keyword arguments of the metric.
    algorithm : {'auto', 'ball_tree', 'kd_tree', 'brute'}, default='auto'
        Used by the scikit-learn path; the C++ engine always uses its k-d tree.
    leaf_size : int, default=30
        Leaf size of the trees.
    p : float, default=None
        Power of the minkowski metric (None means 2).
    n_jobs : int, default=None
        Upper bound on the threads; None uses clustercore's thread setting
        (``OMP_NUM_THREADS``, threadpoolctl).

    Attributes
    ----------
    core_sample_indices_ : ndarray of shape (n_core_samples,), dtype int64
    components_ : ndarray of shape (n_core_samples, n_features)
        Copy of the core samples, in X's dtype.
    labels_ : ndarray of shape (n_samples,), dtype int64
        Cluster of each sample, -1 for noise.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import DBSCAN
    >>> X = np.array([[1, 2], [2, 2], [2, 3], [8, 7], [8, 8], [25, 80]])
    >>> db = DBSCAN(eps=3, min_samples=2).fit(X)
    >>> db.labels_.tolist()
    [0, 0, 0, 1, 1, -1]
    >>> db.predict([[1, 3], [30, 30]]).tolist()
    [0, -1]
    """

    _parameter_constraints: dict = {
        "eps": [Interval(Real, 0.0, None, closed="neither")],
        "min_samples": [Interval(Integral, 1, None, closed="left")],
        # scikit-learn's own option sets, so that messages list them in its order
        "metric": _SKLEARN_CONSTRAINTS["metric"],
        "metric_params": [dict, None],
        "algorithm": _SKLEARN_CONSTRAINTS["algorithm"],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "p": [Interval(Real, 0.0, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        eps=0.5,
        *,
        min_samples=5,
        metric="euclidean",
        metric_params=None,
        algorithm="auto",
        leaf_size=30,
        p=None,
        n_jobs=None,
    ):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.metric_params = metric_params
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.n_jobs = n_jobs

    def _n_threads(self):
        n = effective_n_threads()
        return (
            n if self.n_jobs is None or self.n_jobs < 0 else max(1, min(n, self.n_jobs))
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, sample_weight=None):
        """Cluster X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features), or \
                (n_samples, n_samples) if metric='precomputed'
            Training instances, or distances between them.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample toward ``min_samples``; negative weights may keep a
            neighbour from being core.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X = aligned(validate_data(self, X, accept_sparse="csr"))
        if sample_weight is not None:
            sample_weight = aligned(_check_sample_weight(sample_weight, X))
        if self.metric == "precomputed":
            return self._fit_precomputed(X, sample_weight)
        view = _engine_view(X, self.metric, self.p, self.metric_params, self.eps)
        if view is None:
            self._fit_sklearn(X, sample_weight)
            return self
        rows, metric, p, eps = view
        weights = (
            None if sample_weight is None else np.asarray(sample_weight, np.float64)
        )
        core, labels = _core.dbscan(
            rows,
            weights,
            eps,
            float(self.min_samples),
            metric,
            p,
            int(self.leaf_size),
            self._n_threads(),
        )
        del rows
        self._set_result(X, core, labels)
        return self

    def _set_result(self, X, core, labels):
        self.core_sample_indices_ = np.flatnonzero(core).astype(np.int64, copy=False)
        self.labels_ = labels
        if len(self.core_sample_indices_) == 0:  # scikit-learn's: float64, dense
            self.components_ = np.empty((0, X.shape[1]))
        elif sp.issparse(X):
            self.components_ = X[self.core_sample_indices_].tocsr()
        else:
            self.components_ = X[self.core_sample_indices_]  # a new array

    def _fit_precomputed(self, D, sample_weight):
        # scikit-learn's checks, in its order and words
        D = aligned(
            check_array(
                D,
                accept_sparse="csr",
                ensure_non_negative=True,
                input_name="precomputed distance matrix" if sp.issparse(D) else "X",
            )
        )
        if D.shape[0] != D.shape[1]:
            raise ValueError(
                "Precomputed matrix must be square. "
                f"Input is a {D.shape[0]}x{D.shape[1]} matrix."
            )
        dtype = np.float32 if D.dtype == np.float32 else np.float64
        weights = (
            None if sample_weight is None else np.asarray(sample_weight, np.float64)
        )
        args = (weights, float(self.eps), float(self.min_samples), self._n_threads())
        if sp.issparse(D):
            indices = D.indices
            if indices.dtype not in (np.int32, np.int64):
                indices = indices.astype(np.int64)
            core, labels = _core.dbscan_precomputed_csr(
                np.ascontiguousarray(D.data, dtype=dtype),
                np.ascontiguousarray(indices),
                np.ascontiguousarray(D.indptr, dtype=np.int64),
                *args,
            )
        else:
            core, labels = _core.dbscan_precomputed(
                np.ascontiguousarray(D, dtype=dtype), *args
            )
        self._set_result(D, core, labels)
        return self

    def _fit_sklearn(self, X, sample_weight):
        if sp.issparse(X):
            reason = "sparse X"
        elif self.metric == "cosine" and not self.metric_params:
            reason = "metric='cosine' with rows of zero length"
        else:
            reason = f"metric={self.metric!r}" + (
                f" with p={self.p}" if self.p is not None else ""
            )
        _fallback.note("DBSCAN", reason)
        sk = _SklearnDBSCAN(**self.get_params()).fit(X, sample_weight=sample_weight)
        self.core_sample_indices_ = sk.core_sample_indices_.astype(np.int64)
        self.labels_ = sk.labels_.astype(np.int64)
        self.components_ = sk.components_

    def fit_predict(self, X, y=None, sample_weight=None):
        """Cluster X and return ``labels_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training instances (or distances, if metric='precomputed').
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int64
        """
        return self.fit(X, sample_weight=sample_weight).labels_

    def predict(self, X):
        """Cluster of the nearest core sample within ``eps`` of each sample, else -1.

        Not in scikit-learn. Core samples keep their own label; a sample within ``eps``
        of core samples of several clusters takes the nearest one's (ties to the lowest
        core index).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), or \
                (n_queries, n_samples_fit) if metric='precomputed'
            New samples, or their distances to the training samples.

        Returns
        -------
        labels : ndarray of shape (n_queries,), dtype int64
        """
        check_is_fitted(self)
        core_labels = self.labels_[self.core_sample_indices_]
        if self.metric == "precomputed":
            X = aligned(
                validate_data(self, X, accept_sparse="csr", reset=False, ensure_2d=True)
            )
            return self._predict_precomputed(X, core_labels)
        X = aligned(validate_data(self, X, accept_sparse="csr", reset=False))
        if len(core_labels) == 0:
            return np.full(X.shape[0], -1, dtype=np.int64)
        args = (self.metric, self.p, self.metric_params, self.eps)
        core_view, query_view = (
            _engine_view(self.components_, *args),
            _engine_view(X, *args),
        )
        if core_view is None or query_view is None:
            return self._predict_sklearn(X, core_labels)
        core_rows, queries = core_view[0], query_view[0]
        if core_rows.dtype != queries.dtype:
            core_rows, queries = (
                core_rows.astype(np.float64),
                queries.astype(np.float64),
            )
        _, metric, p, eps = core_view
        return _core.dbscan_predict(
            core_rows,
            np.ascontiguousarray(core_labels, dtype=np.int64),
            queries,
            eps,
            metric,
            p,
            int(self.leaf_size),
            self._n_threads(),
        )

    def _predict_precomputed(self, D, core_labels):
        if D.shape[1] != self.labels_.shape[0]:
            raise ValueError(
                f"X has {D.shape[1]} columns, but a precomputed DBSCAN needs the "
                f"distances to its {self.labels_.shape[0]} training samples."
            )
        out = np.full(D.shape[0], -1, dtype=np.int64)
        if len(core_labels) == 0:
            return out
        if sp.issparse(D):
            # only stored entries are distances: the nearest stored core sample
            # within eps, ties to the lowest core index
            rank = np.full(D.shape[1], -1, dtype=np.int64)
            rank[self.core_sample_indices_] = np.arange(len(core_labels))
            G = D.tocoo()
            keep = (rank[G.col] >= 0) & (G.data <= self.eps)
            row, dist, r = G.row[keep], G.data[keep], rank[G.col[keep]]
            order = np.lexsort((r, dist, row))
            row, r = row[order], r[order]
            first = np.ones(len(row), dtype=bool)
            first[1:] = row[1:] != row[:-1]
            out[row[first]] = core_labels[r[first]]
            return out
        Dc = np.asarray(D)[:, self.core_sample_indices_]
        nearest = Dc.argmin(axis=1)  # first of equal distances: lowest core index
        hit = Dc[np.arange(len(D)), nearest] <= self.eps
        out[hit] = core_labels[nearest[hit]]
        return out

    def _predict_sklearn(self, X, core_labels):
        from sklearn.neighbors import NearestNeighbors

        nn = NearestNeighbors(
            n_neighbors=1,
            metric=self.metric,
            metric_params=self.metric_params,
            p=2 if self.p is None else self.p,
            algorithm=self.algorithm,
            leaf_size=self.leaf_size,
        ).fit(self.components_)
        dist, idx = nn.kneighbors(X, n_neighbors=1)
        out = np.full(X.shape[0], -1, dtype=np.int64)
        hit = dist[:, 0] <= self.eps
        out[hit] = core_labels[idx[hit, 0]]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.metric == "precomputed"
        tags.input_tags.sparse = True
        return tags


@validate_params(
    {"X": ["array-like", "sparse matrix"], "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=False,
)
def dbscan(
    X,
    eps=0.5,
    *,
    min_samples=5,
    metric="minkowski",
    metric_params=None,
    algorithm="auto",
    leaf_size=30,
    p=2,
    sample_weight=None,
    n_jobs=None,
):
    """DBSCAN as a function, with :func:`sklearn.cluster.dbscan`'s signature.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training instances (or distances, if metric='precomputed').
    eps, min_samples, metric, metric_params, algorithm, leaf_size, p, n_jobs
        As for :class:`DBSCAN` (note the defaults metric='minkowski', p=2).
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.

    Returns
    -------
    core_samples : ndarray of shape (n_core_samples,), dtype int64
    labels : ndarray of shape (n_samples,), dtype int64

    Examples
    --------
    >>> from clustercore import dbscan
    >>> core, labels = dbscan([[1, 2], [2, 2], [2, 3], [8, 7], [8, 8], [25, 80]], eps=3,
    ...                       min_samples=2)
    >>> labels.tolist()
    [0, 0, 0, 1, 1, -1]
    """
    est = DBSCAN(
        eps,
        min_samples=min_samples,
        metric=metric,
        metric_params=metric_params,
        algorithm=algorithm,
        leaf_size=leaf_size,
        p=p,
        n_jobs=n_jobs,
    ).fit(X, sample_weight=sample_weight)
    return est.core_sample_indices_, est.labels_
