""":class:`BayesianGaussianMixture`: variational Gaussian mixtures, on the EM engine of
:class:`~clustercore.GaussianMixture`.

scikit-learn 1.9.1's model, priors, validation, messages and update order; the
variational E-step is the maximum-likelihood tile kernel with other per-component
constants, and the M-step adds the priors (``csrc/bgm.hpp``). One streamed pass over
the data per iteration, in C++, with the GIL released.
"""

from __future__ import annotations

import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture as _SklearnBGM
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_sample_weight, validate_data

from . import _core
from ._validation import aligned, effective_n_threads
from .mixture import _BaseMixture, _check_shape, _ill_defined

__all__ = ["BayesianGaussianMixture"]

_SKLEARN_CONSTRAINTS = _SklearnBGM._parameter_constraints


def _weighted_mean_and_cov(X, sample_weight):
    """The column means, and the covariance with n - 1 in the denominator, counting
    a sample of weight w as w copies (numpy's when there are no weights)."""
    X64 = np.asarray(X, dtype=np.float64)
    if sample_weight is None:
        return X64.mean(axis=0), np.atleast_2d(np.cov(X64.T)), X64.var(axis=0, ddof=1)
    w = sample_weight
    total = w.sum()
    mean = (w @ X64) / total
    centred = X64 - mean
    cov = (centred.T * w) @ centred / (total - 1)
    return mean, np.atleast_2d(cov), np.diag(cov).copy()


def _check_positive_definite(matrix, covariance_type):
    if not (np.allclose(matrix, matrix.T) and (np.linalg.eigvalsh(matrix) > 0.0).all()):
        raise ValueError(
            f"'{covariance_type} precision' should be symmetric, positive-definite"
        )


class BayesianGaussianMixture(_BaseMixture):
    """Variational Bayesian Gaussian mixture, a drop-in for
    :class:`sklearn.mixture.BayesianGaussianMixture`.

    Given more components than the data needs, the variational posterior gives the
    unneeded ones weights near zero. Same parameters, priors, attributes and results
    as scikit-learn 1.9.1 (given the same initialisation, the same posterior to
    rounding); every iteration is one pass over the data in C++ (the GIL released,
    never all responsibilities at once, bitwise identical for any number of threads).
    Beyond scikit-learn: ``sample_weight`` in ``fit`` (a sample of weight 2 counts as
    two copies, in the default priors too), and float32 data gives a float32 model,
    accumulated in double.

    Parameters
    ----------
    n_components : int, default=1
        Upper bound on the number of components used.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Form of the covariances, as in :class:`~clustercore.GaussianMixture`.
    tol : float, default=1e-3
        EM stops when the lower bound (of all samples) changes by less.
    reg_covar : float, default=1e-6
        Added to the diagonal of the sample covariances.
    max_iter : int, default=100
        EM iterations per initialisation.
    n_init : int, default=1
        Initialisations; the one with the largest lower bound is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, \
            default='kmeans'
        How the initial responsibilities are chosen (as GaussianMixture).
    weight_concentration_prior_type : {'dirichlet_process', \
            'dirichlet_distribution'}, default='dirichlet_process'
        Prior on the weights: a stick-breaking Dirichlet process, or a Dirichlet
        distribution.
    weight_concentration_prior : float or None, default=None
        Concentration of the weight prior (None: 1 / n_components). Smaller values
        leave more components empty.
    mean_precision_prior : float or None, default=None
        Precision of the prior on the means (None: 1).
    mean_prior : array-like of shape (n_features,), default=None
        Prior mean of the means (None: the mean of X).
    degrees_of_freedom_prior : float or None, default=None
        Degrees of freedom of the Wishart prior (None: n_features).
    covariance_prior : float or array-like, default=None
        Prior covariance (None: the covariance of X, in the covariance type's form).
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and :meth:`sample`.
    warm_start : bool, default=False
        If True, a refit starts from the fitted posterior (and ``n_init`` is 1).
    verbose : int, default=0
        1 prints the initialisations and iterations, 2 also times and changes.
    verbose_interval : int, default=10
        Iterations between two progress lines.

    Attributes
    ----------
    weights_, means_, covariances_, precisions_, precisions_cholesky_ : ndarray
        The posterior's expected weights, means, covariances and precisions.
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
        Lower bound of the evidence (all samples) at the best initialisation's end.
    lower_bounds_ : list of float
    weight_concentration_prior_ : float
    weight_concentration_ : tuple of two arrays or ndarray of shape (n_components,)
        The posterior's stick parameters (process) or Dirichlet concentrations.
    mean_precision_prior_ : float
    mean_precision_ : ndarray of shape (n_components,)
    mean_prior_ : ndarray of shape (n_features,)
    degrees_of_freedom_prior_ : float
    degrees_of_freedom_ : ndarray of shape (n_components,) or float ('tied')
    covariance_prior_ : float or ndarray
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import BayesianGaussianMixture
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [12, 4], [10, 7]])
    >>> bgm = BayesianGaussianMixture(n_components=2, random_state=42).fit(X)
    >>> np.round(bgm.means_[np.argsort(bgm.means_[:, 0])], 2).tolist()
    [[2.5, 2.29], [8.46, 4.52]]
    >>> bgm.predict([[0, 0], [9, 3]]).tolist()
    [0, 1]
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        # scikit-learn's own option sets, so that messages list them in its order
        "init_params": _SKLEARN_CONSTRAINTS["init_params"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "verbose_interval": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": _SKLEARN_CONSTRAINTS["covariance_type"],
        "weight_concentration_prior_type": _SKLEARN_CONSTRAINTS[
            "weight_concentration_prior_type"
        ],
        "weight_concentration_prior": [
            None,
            Interval(Real, 0.0, None, closed="neither"),
        ],
        "mean_precision_prior": [None, Interval(Real, 0.0, None, closed="neither")],
        "mean_prior": [None, "array-like"],
        "degrees_of_freedom_prior": [None, Interval(Real, 0.0, None, closed="neither")],
        "covariance_prior": [
            None,
            "array-like",
            Interval(Real, 0.0, None, closed="neither"),
        ],
    }

    def __init__(
        self,
        *,
        n_components=1,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=None,
        mean_precision_prior=None,
        mean_prior=None,
        degrees_of_freedom_prior=None,
        covariance_prior=None,
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
        self.weight_concentration_prior_type = weight_concentration_prior_type
        self.weight_concentration_prior = weight_concentration_prior
        self.mean_precision_prior = mean_precision_prior
        self.mean_prior = mean_prior
        self.degrees_of_freedom_prior = degrees_of_freedom_prior
        self.covariance_prior = covariance_prior
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # ------------------------------------------------------------------ priors

    def _check_priors(self, X, sample_weight):
        """scikit-learn's _check_parameters: the *_prior_ attributes (weighted
        moments of X where the defaults come from the data)."""
        d = X.shape[1]
        if self.weight_concentration_prior is None:
            self.weight_concentration_prior_ = 1.0 / self.n_components
        else:
            self.weight_concentration_prior_ = self.weight_concentration_prior
        self.mean_precision_prior_ = (
            1.0 if self.mean_precision_prior is None else self.mean_precision_prior
        )
        needs_data = self.mean_prior is None or self.covariance_prior is None
        moments = _weighted_mean_and_cov(X, sample_weight) if needs_data else None
        if self.mean_prior is None:
            self.mean_prior_ = moments[0].astype(X.dtype)
        else:
            self.mean_prior_ = check_array(
                self.mean_prior, dtype=[np.float64, np.float32], ensure_2d=False
            )
            _check_shape(self.mean_prior_, (d,), "means")
        if self.degrees_of_freedom_prior is None:
            self.degrees_of_freedom_prior_ = d
        elif self.degrees_of_freedom_prior > d - 1.0:
            self.degrees_of_freedom_prior_ = self.degrees_of_freedom_prior
        else:
            raise ValueError(
                "The parameter 'degrees_of_freedom_prior' should be greater than "
                f"{d - 1}, but got {self.degrees_of_freedom_prior:.3f}."
            )
        kind = self.covariance_type
        if self.covariance_prior is None:
            _, cov, var = moments
            self.covariance_prior_ = {
                "full": cov,
                "tied": cov,
                "diag": var,
                "spherical": var.mean(),
            }[kind]
        elif kind in ("full", "tied"):
            prior = check_array(
                self.covariance_prior, dtype=[np.float64, np.float32], ensure_2d=False
            )
            _check_shape(prior, (d, d), f"{kind} covariance_prior")
            _check_positive_definite(prior, kind)
            self.covariance_prior_ = prior
        elif kind == "diag":
            prior = check_array(
                self.covariance_prior, dtype=[np.float64, np.float32], ensure_2d=False
            )
            _check_shape(prior, (d,), f"{kind} covariance_prior")
            if (prior <= 0).any():
                raise ValueError(f"'{kind} precision' should be positive")
            self.covariance_prior_ = prior
        else:
            self.covariance_prior_ = self.covariance_prior

    def _priors(self):
        """The priors as the C++ engine takes them."""
        return (
            self.weight_concentration_prior_type == "dirichlet_process",
            float(self.weight_concentration_prior_),
            float(self.mean_precision_prior_),
            np.ascontiguousarray(self.mean_prior_, dtype=np.float64),
            float(self.degrees_of_freedom_prior_),
            np.ascontiguousarray(np.ravel(self.covariance_prior_), dtype=np.float64),
        )

    # ------------------------------------------------------------------ fit

    def _initial_state(self, X, sample_weight, random_state):
        """scikit-learn's _initialize: the posterior from the initial
        responsibilities' Gaussian moments."""
        stats, shift, seeds = self._initial_stats(X, sample_weight, random_state)
        try:
            nk, means, cov = _core.gmm_moments(
                stats, shift, self.covariance_type, self.reg_covar
            )
            if seeds is not None and self.covariance_type == "tied":
                cov = cov + self._tied_seed_extra(X, sample_weight, seeds)
            return _core.bgm_posterior(
                nk,
                means,
                np.ascontiguousarray(cov),
                self.covariance_type,
                self._priors(),
            )
        except _core.IllDefinedCovariance:
            raise _ill_defined(X.dtype) from None

    def _fitted_state(self):
        k = self.n_components
        if self.weight_concentration_prior_type == "dirichlet_process":
            a, b = self.weight_concentration_
        else:
            a, b = self.weight_concentration_, np.zeros(k)
        dof = np.atleast_1d(np.asarray(self.degrees_of_freedom_, dtype=np.float64))
        posterior = tuple(
            np.ascontiguousarray(v, dtype=np.float64)
            for v in (a, b, self.mean_precision_, dof)
        )
        model = tuple(
            np.ascontiguousarray(v, dtype=np.float64)
            for v in (
                self.weights_,
                self.means_,
                self.covariances_,
                self.precisions_cholesky_,
            )
        )
        return posterior, model

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Estimate the variational posterior with EM.

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
        self._check_priors(X, sample_weight)
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_threads()
        priors = self._priors()

        best = None  # (lower_bound, state, n_iter, converged, lower_bounds)
        for init in range(n_init):
            init_start = time.time()
            if self.verbose:
                print(f"Initialization {init}")
            if do_init:
                state = self._initial_state(X, sample_weight, random_state)
            else:
                state = self._fitted_state()
            lower_bound = -np.inf if do_init else float(self.lower_bound_)
            if self.max_iter == 0:
                best = (-np.inf, state, 0, False, [])
                continue
            posterior, model = state
            try:
                *state, n_iter, converged, bounds = _core.bgm_em(
                    X,
                    sample_weight,
                    self.covariance_type,
                    priors,
                    posterior,
                    model[1],
                    model[3],
                    int(self.max_iter),
                    float(self.tol),
                    float(self.reg_covar),
                    lower_bound,
                    n_threads,
                    self._on_iter(init_start),
                )
            except _core.IllDefinedCovariance:
                raise _ill_defined(X.dtype) from None
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
                best = (lower_bound, tuple(state), n_iter, converged, bounds)

        lower_bound, state, n_iter, converged, bounds = best
        if not converged and self.max_iter > 0:
            warnings.warn(
                "Best performing initialization did not converge. Try different init "
                "parameters, or increase max_iter, tol, or check for degenerate data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._set_state(state, X.dtype)
        self.converged_ = bool(converged)
        self.n_iter_ = int(n_iter)
        self.lower_bound_ = X.dtype.type(lower_bound)
        self.lower_bounds_ = [X.dtype.type(b) for b in bounds]
        return self

    def _set_state(self, state, dtype):
        (a, b, mean_precision, dof), (weights, means, cov, chol) = state
        if self.weight_concentration_prior_type == "dirichlet_process":
            self.weight_concentration_ = (a.astype(dtype), b.astype(dtype))
        else:
            self.weight_concentration_ = a.astype(dtype)
        self.mean_precision_ = mean_precision.astype(dtype)
        self.degrees_of_freedom_ = (
            dtype.type(dof[0]) if self.covariance_type == "tied" else dof.astype(dtype)
        )
        self.weights_ = weights.astype(dtype)
        self.means_ = means.astype(dtype)
        self.covariances_ = cov.astype(dtype)
        self.precisions_cholesky_ = chol.astype(dtype)
        if self.covariance_type == "full":
            precisions = np.einsum("kij,klj->kil", chol, chol)
        elif self.covariance_type == "tied":
            precisions = chol @ chol.T
        else:
            precisions = chol**2
        self.precisions_ = precisions.astype(dtype)

    def _score_core(self, X, want_resp, n_threads):
        posterior, model = self._fitted_state()
        return _core.bgm_score(
            X,
            self.covariance_type,
            self._priors(),
            posterior,
            model[1],
            model[3],
            want_resp,
            n_threads,
        )
