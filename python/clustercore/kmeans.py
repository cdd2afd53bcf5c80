"""K-means clustering: :class:`KMeans`, :func:`k_means` and :func:`kmeans_plusplus`.

The estimators follow scikit-learn 1.9.1's KMeans to the letter (parameters, validation,
messages, Lloyd semantics) and run every pass over the data in C++
(``csrc/kmeans.hpp``).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.cluster import KMeans as _SklearnKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.sparsefuncs import mean_variance_axis
from sklearn.utils.validation import (
    _check_sample_weight,
    _is_arraylike_not_scalar,
    check_is_fitted,
    validate_data,
)

from . import _core
from ._validation import (
    aligned,
    canonical_csr,
    common_float_dtype,
    core_args,
    core_fn,
    effective_n_threads,
)

__all__ = ["KMeans", "k_means", "kmeans_plusplus"]


def _n_local_trials(n_clusters, n_local_trials):
    return (
        2 + int(np.log(n_clusters)) if n_local_trials is None else int(n_local_trials)
    )


def _weighted_index(random_state, weights):
    """``random_state.choice(len(weights), p=weights / weights.sum())``, drawn the
    same way (one uniform, searched right of the normalised cumulative sum) without
    the checks of ``p`` that cost more than the draw; numpy's own call, with its
    error, when some weight is negative."""
    p = weights / weights.sum()
    if (p < 0).any():
        return random_state.choice(len(weights), p=p)
    cdf = np.cumsum(p, dtype=np.float64)
    cdf /= cdf[-1]
    return int(cdf.searchsorted(random_state.random_sample(), side="right"))


def _plusplus(
    X,
    n_clusters,
    sample_weight,
    x_squared_norms,
    origin,
    random_state,
    n_local_trials,
    n_threads,
):
    """Greedy k-means++ on validated X, drawing scikit-learn's random stream.

    The first centre and every batch of local trials consume ``random_state`` exactly as
    scikit-learn's ``_kmeans_plusplus`` does, so the same seed picks the same centres
    (barring last-bit ties in the distances). ``x_squared_norms`` are
    ``||x - origin||^2``.
    """
    trials = _n_local_trials(n_clusters, n_local_trials)
    first = _weighted_index(random_state, sample_weight)
    uniforms = random_state.uniform(size=(n_clusters - 1) * trials)
    xsq = np.ascontiguousarray(x_squared_norms, dtype=np.float64)
    extra = () if sp.issparse(X) else (origin,)
    return core_fn("kmeans_plusplus", X)(
        *core_args(X),
        sample_weight,
        xsq,
        *extra,
        int(n_clusters),
        int(first),
        uniforms,
        trials,
        n_threads,
    )


def _centre_and_tolerance(X, tol, n_threads):
    """The origin for the distance kernels (column means; None for sparse X) and
    scikit-learn's data-dependent tolerance, tol times the mean feature variance."""
    if sp.issparse(X):
        variance = mean_variance_axis(X, axis=0)[1].mean() if tol > 0 else 0.0
        return None, float(variance * tol)
    mean, var = _core.column_mean_var(X, tol > 0, n_threads)
    return mean, float(var.mean() * tol) if tol > 0 else 0.0


def _row_norms(X, origin, n_threads):
    """||x - origin||^2 for every row, in double (no origin for sparse X)."""
    if sp.issparse(X):
        return _core.row_norms_csr(*core_args(X), n_threads)
    return _core.row_norms(X, origin, n_threads)


def _origin_args(X, origin):
    """The origin argument of the dense kernels; none for the CSR ones."""
    return () if sp.issparse(X) else (origin,)


def _is_same_clustering(labels1, labels2, n_clusters):
    """True if labels2 is labels1 up to a renaming of the clusters."""
    mapping = np.full(n_clusters, -1, dtype=np.int64)
    mapping[labels1] = labels2
    return bool(np.array_equal(mapping[labels1], labels2))


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "sample_weight": ["array-like", None],
        "x_squared_norms": ["array-like", None],
        "random_state": ["random_state"],
        "n_local_trials": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def kmeans_plusplus(
    X,
    n_clusters,
    *,
    sample_weight=None,
    x_squared_norms=None,
    random_state=None,
    n_local_trials=None,
):
    """Pick initial centres with greedy k-means++.

    Same contract as :func:`sklearn.cluster.kmeans_plusplus`; with the same
    ``random_state`` it draws the same random numbers and so picks the same centres.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The data to pick seeds from.
    n_clusters : int
        Number of centres.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples; they weight both the first pick and the D² sampling.
    x_squared_norms : array-like of shape (n_samples,), default=None
        Squared Euclidean norms of the rows of X, if already known.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws.
    n_local_trials : int, default=None
        Candidates tried for each centre after the first; ``None`` means
        ``2 + int(ln(n_clusters))``, 1 gives plain k-means++.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
        The chosen rows of X (dense even for sparse X).
    indices : ndarray of shape (n_clusters,)
        Their row indices in X.

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import kmeans_plusplus
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> centers, indices = kmeans_plusplus(X, n_clusters=2, random_state=0)
    >>> sorted(centers[:, 0].tolist())
    [1.0, 10.0]
    """
    X = aligned(
        check_array(X, accept_sparse="csr", dtype=[np.float64, np.float32], order="C")
    )
    if sp.issparse(X):
        X = canonical_csr(X)
    sample_weight = aligned(_check_sample_weight(sample_weight, X, dtype=X.dtype))
    if X.shape[0] < n_clusters:
        raise ValueError(
            f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}."
        )
    n_threads = effective_n_threads()
    origin = None
    if x_squared_norms is None:
        if not sp.issparse(X):
            origin = _core.column_mean_var(X, False, n_threads)[0]
        x_squared_norms = _row_norms(X, origin, n_threads)
    else:
        x_squared_norms = check_array(x_squared_norms, dtype=X.dtype, ensure_2d=False)
    if x_squared_norms.shape[0] != X.shape[0]:
        raise ValueError(
            f"The length of x_squared_norms {x_squared_norms.shape[0]} should "
            f"be equal to the length of n_samples {X.shape[0]}."
        )
    random_state = check_random_state(random_state)
    return _plusplus(
        X,
        n_clusters,
        sample_weight,
        x_squared_norms,
        origin,
        random_state,
        n_local_trials,
        n_threads,
    )


_SKLEARN_CONSTRAINTS = _SklearnKMeans._parameter_constraints


class _KMeansBase(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator
):
    """What KMeans and MiniBatchKMeans share: initial centres, checks, inference."""

    def _validate_center_shape(self, X, centers):
        if centers.shape[0] != self.n_clusters:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not "
                f"match the number of clusters {self.n_clusters}."
            )
        if centers.shape[1] != X.shape[1]:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not "
                f"match the number of features of the data {X.shape[1]}."
            )

    def _check_test_data(self, X):
        X = aligned(
            validate_data(
                self,
                X,
                accept_sparse="csr",
                reset=False,
                dtype=[np.float64, np.float32],
                order="C",
                accept_large_sparse=False,
            )
        )
        return canonical_csr(X) if sp.issparse(X) else X

    def _centers_for(self, X):
        """X and the centres in their common (lossless) float dtype."""
        dtype = common_float_dtype(X.dtype, self.cluster_centers_.dtype)
        X = X.astype(dtype, copy=False)
        return X, np.ascontiguousarray(self.cluster_centers_, dtype=dtype)

    def _origin_for(self, X):
        """The fit's origin for the dense kernels, so predict(X_train) == labels_."""
        if sp.issparse(X):
            return ()
        origin = getattr(self, "_origin", None)
        if origin is None or origin.shape[0] != X.shape[1]:
            return (None,)
        return (origin,)

    def _check_n_samples_and_n_init(self, X, default_n_init):
        """scikit-learn's checks of n_samples against n_clusters, and its resolution
        of n_init ('auto': 1 for 'k-means++' or an array, else default_n_init)."""
        if X.shape[0] < self.n_clusters:
            raise ValueError(
                f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}."
            )

        if self.n_init != "auto":
            self._n_init = self.n_init
        elif isinstance(self.init, str) and self.init == "k-means++":
            self._n_init = 1
        elif _is_arraylike_not_scalar(self.init):
            self._n_init = 1
        else:  # 'random' or a callable
            self._n_init = default_n_init
        if _is_arraylike_not_scalar(self.init) and self._n_init != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one init in "
                f"{self.__class__.__name__} instead of n_init={self._n_init}.",
                RuntimeWarning,
                stacklevel=4,
            )
            self._n_init = 1

    def _init_centroids(
        self,
        X,
        x_squared_norms,
        origin,
        init,
        random_state,
        sample_weight,
        n_threads,
        init_size=None,
    ):
        """Initial centres, drawing random_state as scikit-learn does. With init_size
        below n, they are chosen among init_size rows drawn with replacement.
        x_squared_norms (||x - origin||^2) may be None: computed where needed."""
        n_samples = X.shape[0]
        if init_size is not None and init_size < n_samples:
            rows = random_state.randint(0, n_samples, init_size)
            X = X[rows]
            if sp.issparse(X):
                X = canonical_csr(X)
            sample_weight = sample_weight[rows]
            if x_squared_norms is not None:
                x_squared_norms = x_squared_norms[rows]
            n_samples = init_size
        if isinstance(init, str) and init == "k-means++":
            if x_squared_norms is None:
                x_squared_norms = _row_norms(X, origin, n_threads)
            centers, _ = _plusplus(
                X,
                self.n_clusters,
                sample_weight,
                x_squared_norms,
                origin,
                random_state,
                None,
                n_threads,
            )
        elif isinstance(init, str) and init == "random":
            seeds = random_state.choice(
                n_samples,
                size=self.n_clusters,
                replace=False,
                p=sample_weight / sample_weight.sum(),
            )
            centers = X[seeds]
        elif _is_arraylike_not_scalar(self.init):
            centers = init
        else:  # callable
            centers = init(X, self.n_clusters, random_state=random_state)
            centers = check_array(centers, dtype=X.dtype, copy=False, order="C")
            self._validate_center_shape(X, centers)
        if sp.issparse(centers):
            centers = centers.toarray()
        return np.ascontiguousarray(centers, dtype=X.dtype)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit and return the label of each training sample (``labels_``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training instances.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int32
        """
        return self.fit(X, sample_weight=sample_weight).labels_

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distances of X to the centres.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training instances.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_clusters)
        """
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def predict(self, X):
        """Index of the nearest centre for each sample of X (any float dtype).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            New data.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int32
        """
        check_is_fitted(self)
        X, centers = self._centers_for(self._check_test_data(X))
        weights = np.ones(X.shape[0], dtype=X.dtype)
        labels, _ = core_fn("labels_inertia", X)(
            *core_args(X), weights, centers, *self._origin_for(X), effective_n_threads()
        )
        return labels

    def transform(self, X):
        """Euclidean distances of each sample of X to every centre.

        Computed from the coordinate differences in double, so there is no cancellation
        error; float32 when both X and the model are float32, else float64.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            New data.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_clusters)
        """
        check_is_fitted(self)
        X, centers = self._centers_for(self._check_test_data(X))
        return core_fn("distances", X)(
            *core_args(X), centers, False, effective_n_threads()
        )

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the (weighted) k-means objective of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            New data.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        score : float
            ``-sum_i w_i * ||x_i - nearest centre||^2``.
        """
        check_is_fitted(self)
        X, centers = self._centers_for(self._check_test_data(X))
        sample_weight = aligned(_check_sample_weight(sample_weight, X, dtype=X.dtype))
        _, inertia = core_fn("labels_inertia", X)(
            *core_args(X),
            sample_weight,
            centers,
            *self._origin_for(X),
            effective_n_threads(),
        )
        return -float(inertia)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class KMeans(_KMeansBase):
    """K-Means clustering, a drop-in for :class:`sklearn.cluster.KMeans`.

    Same parameters, attributes and results as scikit-learn 1.9.1 (given the same
    initial centres, the same labels and inertia up to rounding), computed by C++
    kernels that release the GIL, stop on Ctrl-C and give bitwise-identical results
    for any number of threads. Sums are accumulated in double, also for float32 data.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters and centroids.
    init : {'k-means++', 'random'}, callable or array-like of shape \
            (n_clusters, n_features), default='k-means++'
        'k-means++': greedy k-means++ (``2 + int(ln k)`` trials per centre).
        'random': ``n_clusters`` distinct rows drawn with probability proportional to
        their weight. A callable is called as ``init(X, n_clusters, random_state=rs)``.
        An array gives the initial centres.
    n_init : 'auto' or int, default='auto'
        Runs with different initial centres; the one of lowest inertia is kept. 'auto'
        is 1 for 'k-means++' or an array and 10 for 'random' or a callable.
    max_iter : int, default=300
        Maximum Lloyd iterations of one run.
    tol : float, default=1e-4
        Relative tolerance: a run stops when the total squared move of the centres is at
        most ``tol`` times the mean variance of the features.
    verbose : int, default=0
        Print each iteration's inertia and the reason a run stopped.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation. Draws the same stream as scikit-learn.
    copy_x : bool, default=True
        Accepted for compatibility; it changes nothing. clustercore never copies or
        modifies X: where scikit-learn centres a copy of X for accurate distances,
        clustercore measures the centres from the column means instead.
    algorithm : {'lloyd', 'elkan'}, default='lloyd'
        Both run Lloyd's iterations exactly and give the same labels. 'elkan' always
        skips distance computations that the triangle inequality proves useless
        (Hamerly's one-bound variant of Elkan's method: O(n) extra memory instead of
        O(n k)); 'lloyd' does so where the bounds pay (24 features or more, or 16
        or more with at most 64 clusters), and otherwise scans every centre, which
        is then faster.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centres, in the dtype of the validated X (float32 or float64).
    labels_ : ndarray of shape (n_samples,), dtype int32
        Label of each training sample.
    inertia_ : float
        Weighted sum of squared distances of the samples to their centre.
    n_iter_ : int
        Iterations of the best run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import KMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> km = KMeans(n_clusters=2, random_state=0, n_init="auto").fit(X)
    >>> sorted(km.cluster_centers_.tolist())
    [[1.0, 2.0], [10.0, 2.0]]
    >>> km.predict([[0, 0], [12, 3]]).tolist() == [km.labels_[0], km.labels_[3]]
    True
    """

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        # scikit-learn's own option sets, so that messages list them in its order
        "init": _SKLEARN_CONSTRAINTS["init"],
        "n_init": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "copy_x": ["boolean"],
        "algorithm": _SKLEARN_CONSTRAINTS["algorithm"],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="lloyd",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    # ------------------------------------------------------------------ checks

    def _check_params_vs_input(self, X):
        self._check_n_samples_and_n_init(X, default_n_init=10)
        self._algorithm = self.algorithm
        if self._algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn(
                "algorithm='elkan' doesn't make sense for a single cluster. "
                "Using 'lloyd' instead.",
                RuntimeWarning,
                stacklevel=3,
            )
            self._algorithm = "lloyd"

    def _dense_lloyd_options(self, X, x_squared_norms):
        """Norms to reuse, and when to prune with bounds: 'elkan' always, 'lloyd'
        when a full scan is expensive enough (both give the same labels)."""
        if sp.issparse(X):
            return {}
        prune = 2 if self._algorithm == "elkan" else 1
        return {"x_squared_norms": x_squared_norms, "prune": prune}

    # ------------------------------------------------------------------ fit

    def _progress(self, run):
        if not self.verbose:
            return None
        tol = self._tol

        def report(it, inertia, shift, n_changed):
            print(f"Iteration {it}, inertia {inertia}.")
            if n_changed == 0:
                print(f"Converged at iteration {it}: strict convergence.")
            elif shift <= tol:
                print(
                    f"Converged at iteration {it}: center shift {shift} "
                    f"within tolerance {tol}."
                )

        return report

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training instances. float32 and float64 are kept; other dtypes become
            float64.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; None gives every sample weight 1.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        # X is never copied or modified, whatever copy_x says: instead of centring X,
        # the kernels take the column means as the origin of the packed centres, which
        # protects the distances from a large common offset just as well.
        X = aligned(
            validate_data(
                self,
                X,
                accept_sparse="csr",
                dtype=[np.float64, np.float32],
                order="C",
                accept_large_sparse=False,
            )
        )
        self._check_params_vs_input(X)
        random_state = check_random_state(self.random_state)
        sample_weight = aligned(_check_sample_weight(sample_weight, X, dtype=X.dtype))
        n_threads = effective_n_threads()

        init = self.init
        init_is_array = _is_arraylike_not_scalar(init)
        if init_is_array:
            init = check_array(init, dtype=X.dtype, copy=True, order="C")
            self._validate_center_shape(X, init)

        if sp.issparse(X):
            X = canonical_csr(X)
        origin, self._tol = _centre_and_tolerance(X, self.tol, n_threads)
        x_squared_norms = _row_norms(X, origin, n_threads)
        lloyd = core_fn("lloyd", X)

        best = None
        for run in range(self._n_init):
            centers_init = self._init_centroids(
                X, x_squared_norms, origin, init, random_state, sample_weight, n_threads
            )
            if self.verbose:
                print("Initialization complete")
            centers, labels, inertia, n_iter, _ = lloyd(
                *core_args(X),
                sample_weight,
                centers_init,
                self.max_iter,
                self._tol,
                *_origin_args(X, origin),
                n_threads,
                self._progress(run),
                **self._dense_lloyd_options(X, x_squared_norms),
            )
            # Keep the first run, then a later one only if it is better and not merely a
            # relabelling of the best one (rounding noise would otherwise decide).
            if best is None or (
                inertia < best[2]
                and not _is_same_clustering(labels, best[1], self.n_clusters)
            ):
                best = (centers, labels, inertia, n_iter)

        centers, labels, inertia, n_iter = best
        self._origin = origin

        distinct = int(np.count_nonzero(np.bincount(labels, minlength=self.n_clusters)))
        if distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than "
                f"n_clusters ({self.n_clusters}). Possibly due to duplicate points "
                "in X.",
                ConvergenceWarning,
                stacklevel=2,
            )

        self.cluster_centers_ = centers
        self._n_features_out = self.cluster_centers_.shape[0]
        self.labels_ = labels
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        return self

    # ------------------------------------------------------------------ inference


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "sample_weight": ["array-like", None],
        "return_n_iter": [bool],
    },
    prefer_skip_nested_validation=False,
)
def k_means(
    X,
    n_clusters,
    *,
    sample_weight=None,
    init="k-means++",
    n_init="auto",
    max_iter=300,
    verbose=False,
    tol=1e-4,
    random_state=None,
    copy_x=True,
    algorithm="lloyd",
    return_n_iter=False,
):
    """Perform k-means clustering; the function form of :class:`KMeans`.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The observations to cluster.
    n_clusters : int
        Number of clusters.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each observation.
    init, n_init, max_iter, verbose, tol, random_state, copy_x, algorithm
        As for :class:`KMeans`.
    return_n_iter : bool, default=False
        Also return the number of iterations of the best run.

    Returns
    -------
    centroid : ndarray of shape (n_clusters, n_features)
    label : ndarray of shape (n_samples,), dtype int32
    inertia : float
    best_n_iter : int
        Only when ``return_n_iter`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import k_means
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> centroid, label, inertia = k_means(X, 2, n_init="auto", random_state=0)
    >>> round(inertia, 6)
    16.0
    """
    est = KMeans(
        n_clusters=n_clusters,
        init=init,
        n_init=n_init,
        max_iter=max_iter,
        verbose=verbose,
        tol=tol,
        random_state=random_state,
        copy_x=copy_x,
        algorithm=algorithm,
    ).fit(X, sample_weight=sample_weight)
    if return_n_iter:
        return est.cluster_centers_, est.labels_, est.inertia_, est.n_iter_
    return est.cluster_centers_, est.labels_, est.inertia_
