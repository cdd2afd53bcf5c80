""":class:`MiniBatchKMeans`: k-means on random batches, for large data or data that
arrives in pieces.

The estimator follows scikit-learn 1.9.1's MiniBatchKMeans (parameters, validation,
messages, update rule, random reassignment, early stopping). The whole loop runs in C++
(``csrc/minibatch.hpp``) with the GIL released; Python only validates and initialises.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import _fit_context
from sklearn.cluster import MiniBatchKMeans as _SklearnMiniBatchKMeans
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    _is_arraylike_not_scalar,
    validate_data,
)

from ._validation import (
    aligned,
    canonical_csr,
    core_args,
    core_fn,
    effective_n_threads,
)
from .kmeans import _centre_and_tolerance, _KMeansBase, _origin_args

__all__ = ["MiniBatchKMeans"]

_SKLEARN_CONSTRAINTS = _SklearnMiniBatchKMeans._parameter_constraints

# the fit loop's generator takes a seed below 2**63, drawn from random_state
_SEED_HIGH = np.iinfo(np.int64).max


class MiniBatchKMeans(_KMeansBase):
    """Mini-batch K-Means, a drop-in for :class:`sklearn.cluster.MiniBatchKMeans`.

    Each step assigns a batch of samples to their nearest centre and moves every centre
    to the running mean of all the samples it has received (a per-centre learning rate
    of 1 / count). Same parameters, attributes, update rule, random reassignment and
    early stopping as scikit-learn 1.9.1, and the same initial centres for the same
    seed; the batches themselves are drawn by clustercore's own generator (seeded from
    ``random_state``), so a fit is reproducible but not step-for-step scikit-learn's.

    The loop runs in C++ without the GIL and stops on Ctrl-C. Results are bitwise
    identical for any number of threads. Dense input is read in place (a read-only
    ``np.memmap`` is never loaded whole: only the sampled rows are read, plus streaming
    passes for the column means and, with ``compute_labels``, the final labels).
    :meth:`partial_fit` accepts later batches of another float dtype and converts them
    to the model's.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters and centroids.
    init : {'k-means++', 'random'}, callable or array-like of shape \
            (n_clusters, n_features), default='k-means++'
        As in :class:`~clustercore.KMeans`, on ``init_size`` sampled rows.
    max_iter : int, default=100
        Passes over the data: the fit takes at most ``max_iter * n_samples //
        batch_size`` steps.
    batch_size : int, default=1024
        Samples per step (at most n_samples).
    verbose : int, default=0
        Print every step's batch inertia and the reason the fit stopped.
    compute_labels : bool, default=True
        After the loop, label all of X and compute its exact inertia.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation and of the batches.
    tol : float, default=0.0
        Stop when a step moves the centres (total squared move) by at most ``tol``
        times the mean variance of the features; 0 disables this.
    max_no_improvement : int or None, default=10
        Stop after this many steps without a new lowest smoothed batch inertia; None
        disables this.
    init_size : int or None, default=None
        Rows sampled (with replacement) for each initialisation: None gives
        ``3 * batch_size``, at least ``3 * n_clusters``, at most n_samples.
    n_init : 'auto' or int, default='auto'
        Initialisations tried (each scored on ``init_size`` held-out rows); the best
        one is optimised. 'auto' is 1 for 'k-means++' or an array, 3 otherwise.
    reassignment_ratio : float, default=0.01
        Centres whose count falls below this fraction of the largest count are moved
        onto random batch samples (at most half a batch at a time).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centres, in the dtype of the data of the first fit (float32 or float64).
    labels_ : ndarray of shape (n_samples,), dtype int32
        Labels of the training data (of the last batch after :meth:`partial_fit`),
        when ``compute_labels``.
    inertia_ : float
        With ``compute_labels``: the weighted inertia of the training data (of the last
        batch after :meth:`partial_fit`). Otherwise the smoothed batch inertia times the
        total sample weight.
    n_iter_ : int
        Passes over the data started (fit only).
    n_steps_ : int
        Steps (batches) processed.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import MiniBatchKMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 0], [4, 4],
    ...               [4, 5], [0, 1], [2, 2], [3, 2], [5, 5], [1, -1]])
    >>> mbk = MiniBatchKMeans(n_clusters=2, batch_size=6, random_state=0, n_init=3)
    >>> mbk = mbk.fit(X)
    >>> mbk.cluster_centers_.shape, mbk.labels_.dtype
    ((2, 2), dtype('int32'))
    >>> model = MiniBatchKMeans(n_clusters=2, random_state=0)
    >>> model = model.partial_fit(X[:6]).partial_fit(X[6:].astype(np.float32))
    >>> model.n_steps_, model.cluster_centers_.dtype
    (2, dtype('float64'))
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
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "compute_labels": ["boolean"],
        "max_no_improvement": [Interval(Integral, 0, None, closed="left"), None],
        "init_size": [Interval(Integral, 1, None, closed="left"), None],
        "reassignment_ratio": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        verbose=0,
        compute_labels=True,
        random_state=None,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        n_init="auto",
        reassignment_ratio=0.01,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio

    # ------------------------------------------------------------------ checks

    def _check_params_vs_input(self, X):
        self._check_n_samples_and_n_init(X, default_n_init=3)
        self._batch_size = min(self.batch_size, X.shape[0])
        self._init_size = self.init_size
        if self._init_size is None:
            self._init_size = max(3 * self._batch_size, 3 * self.n_clusters)
        elif self._init_size < self.n_clusters:
            warnings.warn(
                f"init_size={self._init_size} should be larger than "
                f"n_clusters={self.n_clusters}. Setting it to "
                "min(3*n_clusters, n_samples)",
                RuntimeWarning,
                stacklevel=3,
            )
            self._init_size = 3 * self.n_clusters
        self._init_size = min(self._init_size, X.shape[0])

    def _validated(self, X, reset):
        X = aligned(
            validate_data(
                self,
                X,
                accept_sparse="csr",
                dtype=[np.float64, np.float32],
                order="C",
                accept_large_sparse=False,
                reset=reset,
            )
        )
        return canonical_csr(X) if sp.issparse(X) else X

    def _checked_init(self, X):
        if _is_arraylike_not_scalar(self.init):
            init = check_array(self.init, dtype=X.dtype, copy=True, order="C")
            self._validate_center_shape(X, init)
            return init
        return self.init

    def _labels_inertia(self, X, sample_weight, n_threads):
        return core_fn("labels_inertia", X)(
            *core_args(X),
            sample_weight,
            self.cluster_centers_,
            *_origin_args(X, self._origin),
            n_threads,
        )

    # ------------------------------------------------------------------ fit

    def _step_printer(self, n_steps):
        if not self.verbose:
            return None

        def report(step, inertia, ewa, n_reassigned, converged):
            if n_reassigned:
                print(f"[MiniBatchKMeans] Reassigning {n_reassigned} cluster centers.")
            if math.isnan(ewa):
                print(f"Minibatch step {step}/{n_steps}: mean batch inertia: {inertia}")
            else:
                print(
                    f"Minibatch step {step}/{n_steps}: mean batch inertia: "
                    f"{inertia}, ewa inertia: {ewa}"
                )
            if converged == 1:
                print(f"Converged (small centers change) at step {step}/{n_steps}")
            elif converged == 2:
                print(
                    "Converged (lack of improvement in inertia) at step "
                    f"{step}/{n_steps}"
                )

        return report

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Compute the centres on X, one random batch at a time.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training instances. float32 and float64 are kept (and read in place when
            C-contiguous, memory maps included); other dtypes become float64.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample: batches draw samples with probability proportional
            to it (and the k-means++ initialisation weighs them by it).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X = self._validated(X, reset=True)
        self._check_params_vs_input(X)
        random_state = check_random_state(self.random_state)
        sample_weight = aligned(_check_sample_weight(sample_weight, X, dtype=X.dtype))
        if (sample_weight < 0).any():  # numpy's error for the batch draw
            raise ValueError("probabilities are not non-negative")
        n_threads = effective_n_threads()
        n_samples = X.shape[0]
        init = self._checked_init(X)
        origin, self._tol = _centre_and_tolerance(X, self.tol, n_threads)
        self._origin = origin

        # scikit-learn's draws: held-out rows first, then each initialisation
        validation = random_state.randint(0, n_samples, self._init_size)
        X_valid, w_valid = X[validation], sample_weight[validation]
        if sp.issparse(X_valid):
            X_valid = canonical_csr(X_valid)
        best_inertia = None
        for run in range(self._n_init):
            if self.verbose:
                print(f"Init {run + 1}/{self._n_init} with method {init}")
            centers = self._init_centroids(
                X,
                None,
                origin,
                init,
                random_state,
                sample_weight,
                n_threads,
                init_size=self._init_size,
            )
            _, inertia = core_fn("labels_inertia", X_valid)(
                *core_args(X_valid),
                w_valid,
                centers,
                *_origin_args(X_valid, origin),
                n_threads,
            )
            if self.verbose:
                print(f"Inertia for init {run + 1}/{self._n_init}: {inertia}")
            if best_inertia is None or inertia < best_inertia:
                init_centers, best_inertia = centers, inertia

        n_steps = (self.max_iter * n_samples) // self._batch_size
        seed = int(random_state.randint(0, _SEED_HIGH, dtype=np.int64))
        max_no_improvement = (
            -1 if self.max_no_improvement is None else self.max_no_improvement
        )
        centers, counts, steps, ewa, first, since = core_fn("minibatch_fit", X)(
            *core_args(X),
            sample_weight,
            init_centers,
            self._batch_size,
            n_steps,
            self._tol,
            max_no_improvement,
            float(self.reassignment_ratio),
            seed,
            *_origin_args(X, origin),
            n_threads,
            self._step_printer(n_steps),
        )
        self.cluster_centers_ = centers
        self._n_features_out = centers.shape[0]
        self._counts = counts
        self._n_since_last_reassign = int(since)
        self._ewa_inertia = None if math.isnan(ewa) else float(ewa)
        self.n_steps_ = int(steps)
        self.n_iter_ = int(math.ceil(steps * self._batch_size / n_samples))
        if self.compute_labels:
            self.labels_, inertia = self._labels_inertia(X, sample_weight, n_threads)
            self.inertia_ = float(inertia)
        else:
            # scikit-learn fails here after a single step (no smoothed inertia yet);
            # that step's mean batch inertia stands in for it
            mean = first if math.isnan(ewa) else ewa
            self.inertia_ = float(mean * sample_weight.sum(dtype=np.float64))
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch step on the samples of X.

        The first call initialises the centres from X (one initialisation, on
        ``init_size`` of its rows). Later batches may come in another float dtype:
        they are converted to the model's.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            One batch of training instances.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample of the batch.

        Returns
        -------
        self : object
            Updated estimator.
        """
        has_centers = hasattr(self, "cluster_centers_")
        X = self._validated(X, reset=not has_centers)
        if has_centers and X.dtype != self.cluster_centers_.dtype:
            X = X.astype(self.cluster_centers_.dtype)
        self._random_state = getattr(
            self, "_random_state", check_random_state(self.random_state)
        )
        sample_weight = aligned(_check_sample_weight(sample_weight, X, dtype=X.dtype))
        self.n_steps_ = getattr(self, "n_steps_", 0)
        n_threads = effective_n_threads()

        if not has_centers:
            self._check_params_vs_input(X)
            init = self._checked_init(X)
            self._origin, _ = _centre_and_tolerance(X, 0.0, n_threads)
            self.cluster_centers_ = self._init_centroids(
                X,
                None,
                self._origin,
                init,
                self._random_state,
                sample_weight,
                n_threads,
                init_size=self._init_size,
            )
            self._counts = np.zeros(self.n_clusters, dtype=np.float64)
            self._n_since_last_reassign = 0
        origin = getattr(self, "_origin", None)
        if origin is not None and origin.shape[0] != X.shape[1]:
            origin = None

        # scikit-learn's _random_reassign()
        self._n_since_last_reassign += self._batch_size
        reassign = bool((self._counts == 0).any()) or (
            self._n_since_last_reassign >= 10 * self.n_clusters
        )
        if reassign:
            self._n_since_last_reassign = 0
        seed = int(self._random_state.randint(0, _SEED_HIGH, dtype=np.int64))
        _, n_reassigned = core_fn("minibatch_step", X)(
            *core_args(X),
            sample_weight,
            self.cluster_centers_,
            self._counts,
            reassign,
            float(self.reassignment_ratio),
            seed,
            *_origin_args(X, origin),
            n_threads,
        )
        if self.verbose and n_reassigned:
            print(f"[MiniBatchKMeans] Reassigning {n_reassigned} cluster centers.")
        if self.compute_labels:
            self.labels_, inertia = self._labels_inertia(X, sample_weight, n_threads)
            self.inertia_ = float(inertia)
        self.n_steps_ += 1
        self._n_features_out = self.cluster_centers_.shape[0]
        return self
