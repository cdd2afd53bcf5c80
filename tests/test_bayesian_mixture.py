"""BayesianGaussianMixture against scikit-learn's, attribute by attribute."""

import copy
import warnings

import numpy as np
import pytest
import sklearn.mixture as skm
from clustercore import BayesianGaussianMixture
from clustercore._datasets import chapter_mixture_data
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning

from .reference import with_threads

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
PRIOR_TYPES = ["dirichlet_process", "dirichlet_distribution"]
FITTED = [
    "weights_",
    "means_",
    "covariances_",
    "precisions_",
    "precisions_cholesky_",
    "mean_precision_",
    "degrees_of_freedom_",
    "mean_prior_",
    "covariance_prior_",
]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _data(n=2000, d=3, centers=4, seed=0):
    return make_blobs(n, n_features=d, centers=centers, random_state=seed)[0]


def _assert_same_model(ours, theirs, X, rtol=1e-7):
    for attr in FITTED:
        np.testing.assert_allclose(
            getattr(ours, attr), getattr(theirs, attr), rtol=rtol, err_msg=attr
        )
    for a, b in zip(
        np.atleast_1d(ours.weight_concentration_),
        np.atleast_1d(theirs.weight_concentration_),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=rtol)
    assert ours.weight_concentration_prior_ == theirs.weight_concentration_prior_
    assert ours.degrees_of_freedom_prior_ == theirs.degrees_of_freedom_prior_
    assert ours.mean_precision_prior_ == theirs.mean_precision_prior_
    # scikit-learn's bounds are 1-element arrays for 'tied'; clustercore's are floats
    their_bound = np.asarray(theirs.lower_bound_).item()
    assert ours.lower_bound_ == pytest.approx(their_bound, rel=rtol)
    np.testing.assert_allclose(
        ours.lower_bounds_, np.ravel(theirs.lower_bounds_), rtol=rtol
    )
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.converged_ == theirs.converged_
    np.testing.assert_allclose(
        ours.score_samples(X), theirs.score_samples(X), rtol=rtol
    )
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=rtol, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X) == pytest.approx(theirs.score(X), rel=rtol)


@pytest.mark.parametrize("prior_type", PRIOR_TYPES)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_attribute_agrees_with_sklearn(covariance_type, prior_type):
    X = _data()
    kw = dict(
        n_components=6,
        covariance_type=covariance_type,
        weight_concentration_prior_type=prior_type,
        random_state=0,
        max_iter=40,
    )
    ours = BayesianGaussianMixture(**kw).fit(X)
    theirs = skm.BayesianGaussianMixture(**kw).fit(X)
    _assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("init_params", ["k-means++", "random", "random_from_data"])
@pytest.mark.parametrize("covariance_type", ["full", "tied"])
def test_every_initialisation_agrees_with_sklearn(init_params, covariance_type):
    X = _data(1500, d=2, centers=3, seed=4)
    kw = dict(
        n_components=5,
        covariance_type=covariance_type,
        init_params=init_params,
        random_state=3,
        max_iter=25,
        n_init=2,
    )
    ours = BayesianGaussianMixture(**kw).fit(X)
    theirs = skm.BayesianGaussianMixture(**kw).fit(X)
    _assert_same_model(ours, theirs, X)


def test_given_priors_agree_with_sklearn():
    X = _data(1500, d=3, centers=3, seed=5)
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 3))
    priors = {
        "full": A @ A.T + np.eye(3),
        "tied": A @ A.T + np.eye(3),
        "diag": np.array([0.5, 1.0, 2.0]),
        "spherical": 0.7,
    }
    for covariance_type, prior in priors.items():
        kw = dict(
            n_components=4,
            covariance_type=covariance_type,
            weight_concentration_prior=0.05,
            mean_precision_prior=0.3,
            mean_prior=[1.0, -1.0, 0.5],
            degrees_of_freedom_prior=4.5,
            covariance_prior=prior,
            random_state=1,
            max_iter=20,
        )
        ours = BayesianGaussianMixture(**kw).fit(X)
        theirs = skm.BayesianGaussianMixture(**kw).fit(X)
        _assert_same_model(ours, theirs, X)


def test_chapter_example_switches_off_unneeded_components():
    # chapter 9: ten components on the three blobs, three keep their weight
    X, _ = chapter_mixture_data()
    kw = dict(n_components=10, n_init=3, random_state=42)
    ours = BayesianGaussianMixture(**kw).fit(X)
    theirs = skm.BayesianGaussianMixture(**kw).fit(X)
    assert (ours.weights_ > 0.01).sum() == 3
    np.testing.assert_allclose(ours.weights_, theirs.weights_, rtol=1e-6, atol=1e-12)


def test_integer_weights_equal_repeated_rows():
    # both fits continue from the same posterior (warm start): weighted E-steps,
    # lower bounds and default priors must then match the repeated data's
    X = _data(600, d=2, centers=3, seed=6)
    w = np.random.default_rng(1).integers(1, 4, len(X))
    start = BayesianGaussianMixture(n_components=4, random_state=0, max_iter=0)
    start.fit(X)
    weighted = copy.deepcopy(start).set_params(warm_start=True, max_iter=15)
    repeated = copy.deepcopy(start).set_params(warm_start=True, max_iter=15)
    weighted.fit(X, sample_weight=w.astype(float))
    repeated.fit(np.repeat(X, w, axis=0))
    for attr in FITTED + ["lower_bound_"]:
        np.testing.assert_allclose(
            getattr(weighted, attr), getattr(repeated, attr), rtol=1e-9, err_msg=attr
        )


def test_float32_kept_and_close_to_float64():
    X = _data(3000, d=4, centers=3, seed=2)
    kw = dict(n_components=5, random_state=0, max_iter=30)
    m64 = BayesianGaussianMixture(**kw).fit(X)
    m32 = BayesianGaussianMixture(**kw).fit(X.astype(np.float32))
    for attr in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        assert getattr(m32, attr).dtype == np.float32
        np.testing.assert_allclose(
            getattr(m32, attr), getattr(m64, attr), rtol=2e-3, atol=1e-4
        )
    assert m32.predict_proba(X.astype(np.float32)).dtype == np.float32


def test_bitwise_identical_for_1_and_2_threads():
    X = _data(40_000, d=6, centers=5, seed=3)
    est = BayesianGaussianMixture(n_components=8, random_state=0, max_iter=10)
    one = with_threads(1, copy.deepcopy(est).fit, X)
    two = with_threads(2, copy.deepcopy(est).fit, X)
    for attr in FITTED + ["lower_bound_"]:
        np.testing.assert_array_equal(getattr(one, attr), getattr(two, attr))


def test_warm_start_continues_like_sklearn():
    X = _data(1500, d=2, centers=3, seed=8)
    kw = dict(n_components=4, random_state=0, max_iter=5, warm_start=True)
    ours = BayesianGaussianMixture(**kw).fit(X).fit(X)
    theirs = skm.BayesianGaussianMixture(**kw).fit(X).fit(X)
    _assert_same_model(ours, theirs, X)


def test_sample_draws_from_the_posterior_like_sklearn():
    X = _data(1000, d=2, centers=2, seed=9)
    kw = dict(n_components=3, random_state=0)
    ours = BayesianGaussianMixture(**kw).fit(X)
    theirs = skm.BayesianGaussianMixture(**kw).fit(X)
    Xo, yo = ours.sample(50)
    Xt, yt = theirs.sample(50)
    np.testing.assert_array_equal(yo, yt)
    np.testing.assert_allclose(Xo, Xt, rtol=1e-7)


# ---------------------------------------------------------------- bad input


def _same_error(make_call, X):
    with pytest.raises(ValueError) as ours:
        make_call(BayesianGaussianMixture).fit(X)
    with pytest.raises(ValueError) as theirs:
        make_call(skm.BayesianGaussianMixture).fit(X)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"degrees_of_freedom_prior": 1.5},
        {"degrees_of_freedom_prior": -1.0},
        {"mean_prior": [0.0, 1.0]},
        {"covariance_prior": np.eye(2)},
        {"covariance_prior": -np.eye(3)},
        {"covariance_type": "diag", "covariance_prior": [1.0, -1.0, 1.0]},
        {"covariance_type": "diag", "covariance_prior": [1.0, 1.0]},
        {"covariance_type": "spherical", "covariance_prior": -1.0},
        {"weight_concentration_prior": 0.0},
        {"weight_concentration_prior_type": "dirichlet"},
        {"mean_precision_prior": 0},
        {"n_components": 0},
        {"init_params": "kmean"},
    ],
)
def test_bad_priors_same_error_as_sklearn(kwargs):
    X = _data(100, d=3, centers=2, seed=1)
    _same_error(lambda cls: cls(**{"n_components": 2, **kwargs}), X)


def test_bad_X_same_error_as_sklearn():
    for X in (np.array([[1.0, np.nan], [0.0, 1.0]]), np.ones((1, 2)), np.ones(5)):
        _same_error(lambda cls: cls(n_components=1), X)
    _same_error(lambda cls: cls(n_components=5), np.ones((3, 2)))


def test_gil_released_and_ctrl_c_stops_a_long_fit():
    import _thread
    import threading

    from .reference import python_runs_during

    X = _data(200_000, d=8, centers=8, seed=1)
    bgm = BayesianGaussianMixture(
        n_components=8, tol=0, max_iter=12, init_params="random_from_data"
    )
    n_during, elapsed, _ = python_runs_during(bgm.fit, X)
    assert n_during > min(5, elapsed * 100)
    bgm = BayesianGaussianMixture(
        n_components=8, tol=0, max_iter=100_000, init_params="random_from_data"
    )
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        bgm.fit(X)
    timer.cancel()
    assert not hasattr(bgm, "means_")
    bgm.set_params(max_iter=2).fit(X[:3000])
    assert bgm.n_iter_ == 2
