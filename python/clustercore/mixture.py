"""Gaussian mixtures: :class:`GaussianMixture`, fitted by EM in C++.

The model, its parameters, validation, messages and EM semantics are scikit-learn
1.9.1's; the E- and M-steps run in ``csrc/gmm.hpp``: one streamed pass over the data per
iteration (responsibilities exist for one tile of samples at a time), sums in double in
a fixed order, the GIL released. Beyond scikit-learn: ``sample_weight`` in ``fit``,
float32 models, and the user's ``*_init`` arrays are never modified.
"""

from __future__ import annotations

import math
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as _SklearnGaussianMixture
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _core
from ._validation import aligned, effective_n_threads

__all__ = ["GaussianMixture"]

_ILL_DEFINED = (
    "Fitting the mixture model failed because some components have ill-defined "
    "empirical covariance (for instance caused by singleton or collapsed samples). "
    "Try to decrease the number of components, increase reg_covar, or scale the "
    "input data."
)
_FLOAT32_HINT = (
    " The numerical accuracy can also be improved by passing float64 data instead of "
    "float32."
)
_EPS = 10 * np.finfo(np.float64).eps  # added to every component's weight sum


def _ill_defined(dtype):
    return ValueError(_ILL_DEFINED + (_FLOAT32_HINT if dtype == np.float32 else ""))


def _check_shape(param, shape, name):
    if param.shape != shape:
        raise ValueError(
            f"The parameter '{name}' should have the shape of {shape}, "
            f"but got {param.shape}"
        )


def _checked_weights(weights, n_components):
    weights = check_array(weights, dtype=[np.float64, np.float32], ensure_2d=False)
    _check_shape(weights, (n_components,), "weights")
    if (weights < 0).any() or (weights > 1).any():
        raise ValueError(
            "The parameter 'weights' should be in the range [0, 1], but got max "
            f"value {weights.min():.5f}, min value {weights.max():.5f}"
        )
    atol = 1e-6 if weights.dtype == np.float32 else 1e-8
    if not np.allclose(float(abs(1.0 - weights.sum())), 0.0, atol=atol):
        raise ValueError(
            "The parameter 'weights' should be normalized, but got sum(weights) = "
            f"{weights.sum():.5f}"
        )
    return weights


def _checked_means(means, n_components, n_features):
    means = check_array(means, dtype=[np.float64, np.float32], ensure_2d=False)
    _check_shape(means, (n_components, n_features), "means")
    return means


def _precision_shape(covariance_type, n_components, n_features):
    return {
        "full": (n_components, n_features, n_features),
        "tied": (n_features, n_features),
        "diag": (n_components, n_features),
        "spherical": (n_components,),
    }[covariance_type]


def _checked_precisions(precisions, covariance_type, n_components, n_features):
    precisions = check_array(
        precisions,
        dtype=[np.float64, np.float32],
        ensure_2d=False,
        allow_nd=covariance_type == "full",
    )
    _check_shape(
        precisions,
        _precision_shape(covariance_type, n_components, n_features),
        f"{covariance_type} precision",
    )
    if covariance_type in ("diag", "spherical"):
        if (precisions <= 0).any():
            raise ValueError(f"'{covariance_type} precision' should be positive")
        return precisions
    for P in precisions if covariance_type == "full" else [precisions]:
        if not (np.isclose(P, P.T).all() and (np.linalg.eigvalsh(P) > 0).all()):
            raise ValueError(
                f"'{covariance_type} precision' should be symmetric, positive-definite"
            )
    return precisions


def _cholesky_of_precisions(precisions, covariance_type):
    """Upper U with P = U U^T, from P itself: U = J chol(J P J) J (J reverses)."""
    P = np.asarray(precisions, dtype=np.float64)
    if covariance_type in ("diag", "spherical"):
        return np.sqrt(P)
    mats = P if covariance_type == "full" else P[None]
    U = np.stack([np.linalg.cholesky(m[::-1, ::-1])[::-1, ::-1] for m in mats])
    return U if covariance_type == "full" else U[0]


def _covariances_of_cholesky(chol, covariance_type):
    """The covariances whose precisions are U U^T."""
    if covariance_type in ("diag", "spherical"):
        return 1.0 / chol**2
    mats = chol if covariance_type == "full" else chol[None]
    cov = np.stack([np.linalg.inv(U @ U.T) for U in mats])
    return cov if covariance_type == "full" else cov[0]


class _Params:
    """A mixture's parameters in float64 (whatever the data's dtype)."""

    __slots__ = ("weights", "means", "covariances", "precisions_cholesky")

    def __init__(self, weights, means, covariances, precisions_cholesky):
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.means = np.ascontiguousarray(means, dtype=np.float64)
        self.covariances = (
            None
            if covariances is None
            else np.ascontiguousarray(covariances, dtype=np.float64)
        )
        self.precisions_cholesky = np.ascontiguousarray(
            precisions_cholesky, dtype=np.float64
        )

    def core_args(self):
        return self.weights, self.means, self.precisions_cholesky


_SKLEARN_CONSTRAINTS = _SklearnGaussianMixture._parameter_constraints


class _BaseMixture(DensityMixin, BaseEstimator):
    """What GaussianMixture and BayesianGaussianMixture share: the initial
    responsibilities, the progress lines, inference and sampling. Subclasses give
    ``_score_core(X, want_resp, n_threads)``."""

    def _resp_stats(self, X, sample_weight, labels, resp, shift, n_threads):
        if resp is None:
            return _core.gmm_resp_stats(
                X, sample_weight, labels, None, shift, self.covariance_type, n_threads
            )[0]
        if callable(resp):  # chunks of responsibilities from a generator
            total = None
            for start, block in resp():
                stop = start + len(block)
                w = None if sample_weight is None else sample_weight[start:stop]
                part = _core.gmm_resp_stats(
                    X[start:stop],
                    w,
                    None,
                    block,
                    shift,
                    self.covariance_type,
                    n_threads,
                )[0]
                total = part if total is None else total + part
            return total
        return _core.gmm_resp_stats(
            X, sample_weight, None, resp, shift, self.covariance_type, n_threads
        )[0]

    def _stats_about_means(self, X, sample_weight, labels=None, resp=None):
        """Statistics of given responsibilities about the means they give, for
        scikit-learn's ``_estimate_gaussian_parameters``: a first pass finds the
        means, a second gathers the spreads around them (no cancellation). Returns
        (stats, means)."""
        k, d = self.n_components, X.shape[1]
        n_threads = effective_n_threads()
        origin = np.broadcast_to(X.mean(axis=0, dtype=np.float64), (k, d))
        shift = np.ascontiguousarray(origin)
        stats = None
        for _ in range(2):
            stats = self._resp_stats(X, sample_weight, labels, resp, shift, n_threads)
            nk = stats[:, 0]
            shift = np.ascontiguousarray(
                (stats[:, 1 : 1 + d] + shift * nk[:, None]) / (nk + _EPS)[:, None]
            )
        return stats, shift

    def _initial_stats(self, X, sample_weight, random_state):
        """scikit-learn's initial responsibilities (drawing the same random numbers),
        as statistics about their means: (stats, means, seeds), seeds being the
        (rows, weights) of the samples carrying one-hot responsibilities, or None."""
        n, k = X.shape[0], self.n_components
        seeds = None
        if self.init_params == "kmeans":
            from .kmeans import KMeans

            labels = (
                KMeans(n_clusters=k, n_init=1, random_state=random_state)
                .fit(X, sample_weight=sample_weight)
                .labels_
            )
            stats, shift = self._stats_about_means(
                X, sample_weight, labels=labels.astype(np.int64)
            )
        elif self.init_params == "random":
            # uniform responsibilities, drawn in row blocks (the same stream as one
            # n x k draw) and drawn twice, once per pass, from the same state
            state = random_state.get_state()
            block = max(1, 65536 // k)

            def blocks():
                random_state.set_state(state)
                for start in range(0, n, block):
                    r = random_state.uniform(size=(min(block, n - start), k))
                    yield start, r / r.sum(axis=1)[:, None]

            stats, shift = self._stats_about_means(X, sample_weight, resp=blocks)
        else:
            if self.init_params == "random_from_data":
                indices = random_state.choice(n, size=k, replace=False)
            else:  # k-means++
                from .kmeans import kmeans_plusplus

                _, indices = kmeans_plusplus(
                    X, k, random_state=random_state, sample_weight=sample_weight
                )
            # one-hot on k samples: only those rows carry statistics
            sub_w = None if sample_weight is None else sample_weight[indices]
            Xs = np.ascontiguousarray(X[indices])
            stats, shift = self._stats_about_means(Xs, sub_w, resp=np.eye(k))
            seeds = (Xs, sub_w)
        return stats, shift, seeds

    def _tied_seed_extra(self, X, sample_weight, seeds):
        """scikit-learn's tied covariance takes X^T X over every sample, as if each
        sample's responsibilities summed to 1; with one-hot responsibilities on k seed
        samples the others' second moments enter too (divided by the seeds' weight).
        Returns that extra term, so that these initialisations start where
        scikit-learn's do."""
        Xs, ws = seeds
        X64 = np.asarray(X, dtype=np.float64)
        Xs64 = np.asarray(Xs, dtype=np.float64)
        w = np.ones(len(X64)) if sample_weight is None else sample_weight
        w_s = np.ones(len(Xs64)) if ws is None else ws
        others = X64.T @ (X64 * w[:, None]) - Xs64.T @ (Xs64 * w_s[:, None])
        return others / (float(w_s.sum()) + len(Xs64) * _EPS)

    def _on_iter(self, init_start):
        """The per-iteration callback: scikit-learn's progress lines."""
        if not self.verbose:
            return None
        last = [init_start]

        def report(n_iter, lower_bound, change):
            if n_iter % self.verbose_interval == 0:
                if self.verbose == 1:
                    print(f"  Iteration {n_iter}")
                else:
                    now = time.time()
                    print(
                        f"  Iteration {n_iter}\t time lapse {now - last[0]:.5f}s\t "
                        f"ll change {change:.5f}"
                    )
                    last[0] = now

        return report

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return the most probable component of each training sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int64
            Equal to ``fit(X).predict(X)``.
        """
        return self.fit(X, sample_weight=sample_weight).predict(X)

    def _score(self, X, want_resp=False):
        check_is_fitted(self)
        X = aligned(
            validate_data(
                self, X, reset=False, dtype=[np.float64, np.float32], order="C"
            )
        )
        lse, labels, resp = self._score_core(X, want_resp, effective_n_threads())
        dtype = np.result_type(X.dtype, self.means_.dtype)
        return lse.astype(dtype, copy=False), labels, resp

    def score_samples(self, X):
        """Log-density of the mixture at each sample, log p(x).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
        """
        return self._score(X)[0]

    def score(self, X, y=None):
        """Mean log-likelihood of X under the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        log_likelihood : float
        """
        return float(self.score_samples(X).mean())

    def predict(self, X):
        """Most probable component of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int64
        """
        return self._score(X)[1]

    def predict_proba(self, X):
        """Posterior probability of each component for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        resp : ndarray of shape (n_samples, n_components)
            Rows sum to 1; float32 when X and the model are float32.
        """
        lse, _, resp = self._score(X, want_resp=True)
        return resp.astype(lse.dtype, copy=False)

    def sample(self, n_samples=1):
        """Draw samples from the fitted mixture (scikit-learn's random stream).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features), float64
            Samples, grouped by component.
        y : ndarray of shape (n_samples,), dtype int64
            Their components.
        """
        check_is_fitted(self)
        if n_samples < 1:
            raise ValueError(
                f"Invalid value for 'n_samples': {n_samples} . The sampling requires "
                "at least one sample."
            )
        n_features = self.means_.shape[1]
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        if self.covariance_type == "full":
            parts = [
                rng.multivariate_normal(mean, cov, int(c))
                for mean, cov, c in zip(
                    self.means_, self.covariances_, counts, strict=True
                )
            ]
        elif self.covariance_type == "tied":
            parts = [
                rng.multivariate_normal(mean, self.covariances_, int(c))
                for mean, c in zip(self.means_, counts, strict=True)
            ]
        else:
            parts = [
                mean + rng.standard_normal(size=(c, n_features)) * np.sqrt(cov)
                for mean, cov, c in zip(
                    self.means_, self.covariances_, counts, strict=True
                )
            ]
        y = np.concatenate(
            [np.full(int(c), i, dtype=np.int64) for i, c in enumerate(counts)]
        )
        return np.vstack(parts).astype(np.float64), y


class GaussianMixture(_BaseMixture):
    """Gaussian mixture model fitted by EM, a drop-in for
    :class:`sklearn.mixture.GaussianMixture`.

    Same parameters, attributes and results as scikit-learn 1.9.1 (given the same
    initial parameters, the same model to rounding). Each EM iteration is one pass over
    the data in C++ that releases the GIL, never holds the responsibilities of all
    samples at once, and gives bitwise-identical results for any number of threads.
    Beyond scikit-learn, ``fit`` takes ``sample_weight``, float32 data gives a float32
    model (its sums accumulated in double), and the ``*_init`` arrays are left as given.

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        'full': each component its own covariance matrix; 'tied': one shared matrix;
        'diag': each component a diagonal matrix; 'spherical': each component one
        variance.
    tol : float, default=1e-3
        EM stops when the mean log-likelihood (the lower bound) changes by less.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance, keeping them positive definite.
    max_iter : int, default=100
        EM iterations per initialisation; 0 keeps the initial parameters.
    n_init : int, default=1
        Initialisations; the one with the largest final lower bound is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, \
            default='kmeans'
        How the initial responsibilities are chosen: the labels of a KMeans fit
        (clustercore's, drawing scikit-learn's random stream), k-means++ seeds,
        uniform random responsibilities, or random samples.
    weights_init : array-like of shape (n_components,), default=None
        Initial weights (else from the initial responsibilities).
    means_init : array-like of shape (n_components, n_features), default=None
        Initial means.
    precisions_init : array-like, default=None
        Initial precisions (inverse covariances), shaped like ``precisions_``.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and :meth:`sample`.
    warm_start : bool, default=False
        If True, a refit starts from the fitted parameters (and ``n_init`` is 1).
    verbose : int, default=0
        1 prints the initialisations and iterations, 2 also times and changes.
    verbose_interval : int, default=10
        Iterations between two progress lines.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        (n_components, n_features, n_features) if 'full', (n_features, n_features) if
        'tied', (n_components, n_features) if 'diag', (n_components,) if 'spherical'.
    precisions_ : ndarray
        Inverses of the covariances, same shape.
    precisions_cholesky_ : ndarray
        Upper-triangular U with ``precisions_ = U U^T`` (diag, spherical: square roots).
    converged_ : bool
        Whether the best initialisation converged.
    n_iter_ : int
        EM iterations of the best initialisation.
    lower_bound_ : float
        Mean log-likelihood of the best initialisation at its last iteration.
    lower_bounds_ : list of float
        Its lower bound at every iteration.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import GaussianMixture
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> gm = GaussianMixture(n_components=2, random_state=0).fit(X)
    >>> np.round(gm.means_[np.argsort(gm.means_[:, 0])], 6).tolist()
    [[1.0, 2.0], [10.0, 2.0]]
    >>> gm.predict([[0, 0], [12, 3]]).tolist() == gm.predict([[1, 2], [10, 2]]).tolist()
    True
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        # scikit-learn's own option sets, so that messages list them in its order
        "covariance_type": _SKLEARN_CONSTRAINTS["covariance_type"],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "init_params": _SKLEARN_CONSTRAINTS["init_params"],
        "weights_init": ["array-like", None],
        "means_init": ["array-like", None],
        "precisions_init": ["array-like", None],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "verbose_interval": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # ------------------------------------------------------------------ fit

    def _validated_inits(self, n_features):
        """The ``*_init`` parameters checked (copies: the user's stay as given)."""
        k = self.n_components
        w = m = p = None
        if self.weights_init is not None:
            w = _checked_weights(self.weights_init, k)
        if self.means_init is not None:
            m = _checked_means(self.means_init, k, n_features)
        if self.precisions_init is not None:
            p = _checked_precisions(
                self.precisions_init, self.covariance_type, k, n_features
            )
        return w, m, p

    def _initial_params(self, X, sample_weight, random_state, inits):
        """scikit-learn's initialisation, drawing the same random numbers."""
        weights_init, means_init, precisions_init = inits
        n = X.shape[0]
        total = float(n if sample_weight is None else sample_weight.sum())
        if all(v is not None for v in inits):
            chol = _cholesky_of_precisions(precisions_init, self.covariance_type)
            cov = _covariances_of_cholesky(chol, self.covariance_type)
            return _Params(weights_init, means_init, cov, chol)
        stats, shift, seeds = self._initial_stats(X, sample_weight, random_state)
        try:
            params = _Params(
                *_core.gmm_mstep(
                    stats, shift, self.covariance_type, self.reg_covar, total
                )
            )
        except _core.IllDefinedCovariance:
            raise _ill_defined(X.dtype) from None
        if seeds is not None and self.covariance_type == "tied":
            cov = params.covariances + self._tied_seed_extra(X, sample_weight, seeds)
            try:
                L = np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                raise _ill_defined(X.dtype) from None
            params = _Params(
                params.weights, params.means, cov, np.triu(np.linalg.inv(L).T)
            )
        if weights_init is not None:
            params.weights = np.array(weights_init, dtype=np.float64)
        if means_init is not None:
            params.means = np.ascontiguousarray(means_init, dtype=np.float64)
        if precisions_init is not None:
            params.precisions_cholesky = _cholesky_of_precisions(
                precisions_init, self.covariance_type
            )
            params.covariances = _covariances_of_cholesky(
                params.precisions_cholesky, self.covariance_type
            )
        return params

    def _score_core(self, X, want_resp, n_threads):
        return _core.gmm_score(
            X,
            self.covariance_type,
            *self._fitted_params().core_args(),
            want_resp,
            n_threads,
        )

    def _fitted_params(self):
        return _Params(
            self.weights_, self.means_, self.covariances_, self.precisions_cholesky_
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Estimate the model parameters with the EM algorithm.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; float32 gives a float32 model, other dtypes float64.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample (not in scikit-learn): a sample of
            weight 2 counts as two copies of it.

        Returns
        -------
        self : object
            The fitted mixture.
        """
        X = aligned(
            validate_data(
                self, X, dtype=[np.float64, np.float32], order="C", ensure_min_samples=2
            )
        )
        if X.shape[0] < self.n_components:
            raise ValueError(
                "Expected n_samples >= n_components but got "
                f"n_components = {self.n_components}, n_samples = {X.shape[0]}"
            )
        if sample_weight is not None:
            sample_weight = aligned(
                _check_sample_weight(
                    sample_weight, X, dtype=np.float64, ensure_non_negative=True
                )
            )
        inits = self._validated_inits(X.shape[1])
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_threads()

        best = None  # (lower_bound, params, n_iter, converged, lower_bounds)
        for init in range(n_init):
            init_start = time.time()
            if self.verbose:
                print(f"Initialization {init}")
            if do_init:
                params = self._initial_params(X, sample_weight, random_state, inits)
            else:
                params = self._fitted_params()
            lower_bound = -np.inf if do_init else float(self.lower_bound_)
            if self.max_iter == 0:
                best = (-np.inf, params, 0, False, [])
                continue
            try:
                out, n_iter, converged, bounds = _core.gmm_em(
                    X,
                    sample_weight,
                    self.covariance_type,
                    *params.core_args(),
                    int(self.max_iter),
                    float(self.tol),
                    float(self.reg_covar),
                    lower_bound,
                    n_threads,
                    self._on_iter(init_start),
                )
            except _core.IllDefinedCovariance:
                raise _ill_defined(X.dtype) from None
            params = _Params(*out)
            lower_bound = bounds[-1]
            if self.verbose:
                msg = "converged" if converged else "did not converge"
                if self.verbose == 1:
                    print(f"Initialization {msg}.")
                else:
                    print(
                        f"Initialization {msg}. time lapse "
                        f"{time.time() - init_start:.5f}s\t lower bound "
                        f"{lower_bound:.5f}."
                    )
            if best is None or lower_bound > best[0] or best[0] == -np.inf:
                best = (lower_bound, params, n_iter, converged, bounds)

        lower_bound, params, n_iter, converged, bounds = best
        if not converged and self.max_iter > 0:
            warnings.warn(
                "Best performing initialization did not converge. Try different init "
                "parameters, or increase max_iter, tol, or check for degenerate data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._set_params(params, X.dtype)
        self.converged_ = bool(converged)
        self.n_iter_ = int(n_iter)
        self.lower_bound_ = X.dtype.type(lower_bound)
        self.lower_bounds_ = [X.dtype.type(b) for b in bounds]
        return self

    def _set_params(self, params, dtype):
        self.weights_ = params.weights.astype(dtype)
        self.means_ = params.means.astype(dtype)
        self.covariances_ = params.covariances.astype(dtype)
        chol = params.precisions_cholesky
        self.precisions_cholesky_ = chol.astype(dtype)
        if self.covariance_type == "full":
            precisions = np.einsum("kij,klj->kil", chol, chol)
        elif self.covariance_type == "tied":
            precisions = chol @ chol.T
        else:
            precisions = chol**2
        self.precisions_ = precisions.astype(dtype)

    # ------------------------------------------------------------------ inference

    def _n_parameters(self):
        k, d = self.means_.shape
        cov = {
            "full": k * d * (d + 1) / 2.0,
            "diag": k * d,
            "tied": d * (d + 1) / 2.0,
            "spherical": k,
        }[self.covariance_type]
        return int(cov + k * d + k - 1)

    def bic(self, X):
        """Bayesian information criterion on X (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        bic : float
            ``-2 n score(X) + n_parameters ln n``.
        """
        n = np.shape(X)[0]
        return -2 * self.score(X) * n + self._n_parameters() * math.log(n)

    def aic(self, X):
        """Akaike information criterion on X (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        aic : float
            ``-2 n score(X) + 2 n_parameters``.
        """
        return -2 * self.score(X) * np.shape(X)[0] + 2 * self._n_parameters()
