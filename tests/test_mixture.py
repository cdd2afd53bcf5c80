"""GaussianMixture against scikit-learn, NumPy references and EM's invariants."""

import io
import pickle
import re
import threading
from contextlib import redirect_stdout

import clustercore
import numpy as np
import pytest
import sklearn.mixture as skm
from clustercore import GaussianMixture
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from . import reference as ref
from .reference import python_runs_during, with_threads

COV_TYPES = ["full", "tied", "diag", "spherical"]
INITS = ["kmeans", "k-means++", "random", "random_from_data"]


def _blobs(n=3000, d=4, k=5, seed=1):
    X, _ = make_blobs(n, n_features=d, centers=k, random_state=seed)
    # stretch the blobs so that full, tied and diag models differ
    A = np.random.default_rng(seed).normal(size=(d, d)) * 0.4 + np.eye(d)
    return X @ A


def _rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def _assert_same_model(ours, theirs, X, rtol=1e-7):
    for name in (
        "weights_",
        "means_",
        "covariances_",
        "precisions_",
        "precisions_cholesky_",
    ):
        assert _rel(getattr(ours, name), getattr(theirs, name)) < rtol, name
    assert abs(ours.lower_bound_ - theirs.lower_bound_) < rtol * abs(
        theirs.lower_bound_
    )
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.converged_ == theirs.converged_
    assert _rel(ours.score_samples(X), theirs.score_samples(X)) < rtol
    assert np.abs(ours.predict_proba(X) - theirs.predict_proba(X)).max() < rtol
    assert abs(ours.bic(X) - theirs.bic(X)) < rtol * abs(theirs.bic(X))
    assert abs(ours.aic(X) - theirs.aic(X)) < rtol * abs(theirs.aic(X))


def _fit_both(X, **kw):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GaussianMixture(**kw).fit(X), skm.GaussianMixture(**kw).fit(X)


@pytest.mark.parametrize("cov", COV_TYPES)
def test_same_inits_same_model_as_sklearn(cov):
    X = _blobs()
    start = skm.GaussianMixture(
        5, covariance_type=cov, max_iter=2, tol=0, random_state=0
    )
    with pytest.warns(ConvergenceWarning):
        start.fit(X)
    inits = dict(
        weights_init=start.weights_,
        means_init=start.means_,
        precisions_init=start.precisions_,
    )
    ours, theirs = _fit_both(
        X, n_components=5, covariance_type=cov, tol=0, max_iter=25, **inits
    )
    _assert_same_model(ours, theirs, X)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert len(ours.lower_bounds_) == 25
    assert _rel(ours.lower_bounds_, theirs.lower_bounds_) < 1e-7


@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("cov", COV_TYPES)
def test_same_seed_same_model_as_sklearn(init, cov):
    X = _blobs(n=1500)
    ours, theirs = _fit_both(
        X, n_components=4, covariance_type=cov, init_params=init, random_state=3
    )
    _assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("cov", COV_TYPES)
def test_initial_parameters_like_sklearn(cov):
    # max_iter=0 keeps the initialisation: k-means++ seeds give reg_covar I
    X = _blobs(n=800)
    ours, theirs = _fit_both(
        X,
        n_components=3,
        covariance_type=cov,
        init_params="k-means++",
        max_iter=0,
        random_state=5,
    )
    assert ours.n_iter_ == 0 and not ours.converged_
    assert ours.lower_bound_ == -np.inf and ours.lower_bounds_ == []
    assert _rel(ours.means_, theirs.means_) < 1e-12
    # one-hot on a seed sample: the covariance is reg_covar I up to rounding;
    # scikit-learn's one-pass diagonal formula (E[x^2] - mean^2) leaves ~1e-13 of
    # cancellation in it, where the centred sums here give exactly reg_covar
    assert _rel(ours.precisions_cholesky_, theirs.precisions_cholesky_) < 1e-6
    if cov in ("diag", "spherical"):
        np.testing.assert_allclose(ours.covariances_, 1e-6, rtol=1e-9)


def test_n_init_keeps_the_best_like_sklearn():
    X = _blobs(n=1200, k=6)
    ours, theirs = _fit_both(
        X, n_components=6, n_init=4, init_params="random", random_state=11
    )
    _assert_same_model(ours, theirs, X)


def test_warm_start_continues_like_sklearn():
    X = _blobs(n=1500)
    kw = dict(n_components=5, max_iter=3, tol=0, warm_start=True, random_state=2)
    ours, theirs = GaussianMixture(**kw), skm.GaussianMixture(**kw)
    for _ in range(3):
        with pytest.warns(ConvergenceWarning):
            ours.fit(X)
        with pytest.warns(ConvergenceWarning):
            theirs.fit(X)
    _assert_same_model(ours, theirs, X)


def test_score_samples_match_the_numpy_reference(rng):
    X = _blobs(n=2000, d=3)
    for cov in COV_TYPES:
        gm = GaussianMixture(4, covariance_type=cov, random_state=0).fit(X)
        X_new = rng.normal(scale=6.0, size=(500, 3))
        lse, weighted = ref.gaussian_mixture_log_density(
            X_new, gm.weights_, gm.means_, gm.covariances_, cov
        )
        np.testing.assert_allclose(gm.score_samples(X_new), lse, rtol=1e-10)
        np.testing.assert_allclose(
            gm.predict_proba(X_new), np.exp(weighted - lse[:, None]), atol=1e-10
        )
        np.testing.assert_array_equal(gm.predict(X_new), weighted.argmax(axis=1))


def test_hand_computed_single_component():
    # one component: the M-step gives the sample mean and the biased covariance
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [2.0, 4.0], [1.0, 2.0]])
    gm = GaussianMixture(1, max_iter=1, reg_covar=0.0)
    with pytest.warns(ConvergenceWarning):
        gm.fit(X)
    np.testing.assert_allclose(gm.means_, [[1.0, 2.0]])
    np.testing.assert_allclose(gm.covariances_[0], [[0.8, 0.0], [0.0, 3.2]], atol=1e-15)
    np.testing.assert_allclose(gm.weights_, [1.0])
    # log-likelihood of a bivariate normal with variances 0.8 and 3.2
    maha = ((X - [1, 2]) ** 2 / [0.8, 3.2]).sum(axis=1)
    expected = -0.5 * (2 * np.log(2 * np.pi) + np.log(0.8 * 3.2) + maha)
    np.testing.assert_allclose(gm.score_samples(X), expected, rtol=1e-12)


@pytest.mark.parametrize("cov", COV_TYPES)
def test_em_invariants(cov):
    X = _blobs(n=2500)
    gm = GaussianMixture(5, covariance_type=cov, tol=0, max_iter=40, random_state=0)
    with pytest.warns(ConvergenceWarning):
        labels = gm.fit_predict(X)
    bounds = np.array(gm.lower_bounds_)
    assert (np.diff(bounds) >= -1e-10 * np.abs(bounds[1:])).all()  # EM never falls
    np.testing.assert_array_equal(labels, gm.predict(X))
    assert labels.dtype == np.int64
    np.testing.assert_allclose(gm.predict_proba(X).sum(axis=1), 1.0, rtol=1e-12)
    assert gm.score(X) == pytest.approx(gm.score_samples(X).mean(), rel=1e-12)
    n, (k, d) = len(X), gm.means_.shape
    n_cov = {
        "full": k * d * (d + 1) / 2,
        "tied": d * (d + 1) / 2,
        "diag": k * d,
        "spherical": k,
    }[cov]
    p = int(n_cov + k * d + k - 1)
    assert gm.bic(X) == pytest.approx(-2 * gm.score(X) * n + p * np.log(n))
    assert gm.aic(X) == pytest.approx(-2 * gm.score(X) * n + 2 * p)


@pytest.mark.parametrize("cov", COV_TYPES)
def test_integer_weights_equal_repeated_rows(rng, cov):
    X = _blobs(n=1200)
    w = rng.integers(0, 4, len(X))
    start = GaussianMixture(4, covariance_type=cov, max_iter=1, random_state=0)
    with pytest.warns(ConvergenceWarning):
        start.fit(X)
    kw = dict(
        covariance_type=cov,
        weights_init=start.weights_,
        means_init=start.means_,
        precisions_init=start.precisions_,
        tol=0,
        max_iter=15,
    )
    weighted = GaussianMixture(4, **kw)
    repeated = GaussianMixture(4, **kw)
    with pytest.warns(ConvergenceWarning):
        weighted.fit(X, sample_weight=w)
    with pytest.warns(ConvergenceWarning):
        repeated.fit(np.repeat(X, w, axis=0))
    for name in ("weights_", "means_", "covariances_"):
        assert _rel(getattr(weighted, name), getattr(repeated, name)) < 1e-9
    assert weighted.lower_bound_ == pytest.approx(repeated.lower_bound_, rel=1e-12)


def test_float32_model_stays_float32_and_agrees():
    X = _blobs(n=4000)
    a = GaussianMixture(5, random_state=0).fit(X)
    b = GaussianMixture(5, random_state=0).fit(X.astype(np.float32))
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        assert getattr(b, name).dtype == np.float32
        assert _rel(getattr(b, name), getattr(a, name)) < 1e-4
    assert b.lower_bound_.dtype == np.float32
    assert b.score_samples(X.astype(np.float32)).dtype == np.float32
    assert b.predict_proba(X.astype(np.float32)).dtype == np.float32
    # any float dtype at predict time
    np.testing.assert_array_equal(b.predict(X), b.predict(X.astype(np.float32)))


@pytest.mark.parametrize("cov", COV_TYPES)
def test_bitwise_identical_for_1_and_2_threads(cov):
    X = _blobs(n=60_000, d=5, k=6)
    gm = GaussianMixture(6, covariance_type=cov, tol=0, max_iter=8, random_state=0)
    with pytest.warns(ConvergenceWarning):
        a = with_threads(1, clone(gm).fit, X)
    with pytest.warns(ConvergenceWarning):
        b = with_threads(2, clone(gm).fit, X)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.lower_bounds_ == b.lower_bounds_


def test_user_arrays_never_modified(rng):
    X = _blobs(n=600)
    w = rng.uniform(0.5, 2.0, len(X))
    inits = dict(
        weights_init=[0.2, 0.3, 0.5],
        means_init=X[:3].copy(),
        precisions_init=np.stack([np.eye(4)] * 3),
    )
    before = [X.tobytes(), w.tobytes(), inits["means_init"].tobytes()]
    gm = GaussianMixture(3, max_iter=5, tol=0, **inits)
    with pytest.warns(ConvergenceWarning):
        gm.fit(X, sample_weight=w)
    assert [X.tobytes(), w.tobytes(), inits["means_init"].tobytes()] == before
    assert gm.weights_init == [0.2, 0.3, 0.5]  # still the user's list
    assert gm.means_init is inits["means_init"]


def test_sample_like_sklearn():
    X = _blobs(n=1000)
    for cov in COV_TYPES:
        ours, theirs = _fit_both(X, n_components=3, covariance_type=cov, random_state=4)
        # the same model drawn with the same stream gives the same samples
        for name in ("weights_", "means_", "covariances_"):
            setattr(ours, name, getattr(theirs, name))
        Xa, ya = ours.sample(300)
        Xb, yb = theirs.sample(300)
        np.testing.assert_array_equal(ya, yb)
        np.testing.assert_allclose(Xa, Xb, rtol=1e-12)
        assert Xa.dtype == np.float64 and ya.dtype == np.int64


def test_verbose_prints_like_sklearn():
    X = _blobs(n=500)

    def lines(cls, verbose):
        out = io.StringIO()
        with redirect_stdout(out):
            cls(3, verbose=verbose, verbose_interval=2, random_state=0).fit(X)
        # times differ, the rest must not
        return re.sub(r"\d+\.\d+s", "T", out.getvalue()).splitlines()

    for verbose in (1, 2):
        ours = lines(GaussianMixture, verbose)
        theirs = lines(skm.GaussianMixture, verbose)
        assert len(ours) == len(theirs) > 2
        for a, b in zip(ours, theirs, strict=True):
            if "ll change" in a or "lower bound" in a:  # numbers to rounding
                assert a.split("\t")[0] == b.split("\t")[0]
            else:
                assert a == b


def test_convergence_warning_like_sklearn():
    X = _blobs(n=500)
    with pytest.warns(ConvergenceWarning, match="Best performing initialization did"):
        GaussianMixture(3, max_iter=1, random_state=0).fit(X)


def test_pickle_and_clone_round_trip():
    X = _blobs(n=800)
    gm = GaussianMixture(3, covariance_type="diag", random_state=0).fit(X)
    again = pickle.loads(pickle.dumps(gm))
    np.testing.assert_array_equal(again.score_samples(X), gm.score_samples(X))
    assert clone(gm).get_params() == gm.get_params()


def test_gil_released_during_fit():
    X = _blobs(n=200_000, d=8, k=8)
    gm = GaussianMixture(8, tol=0, max_iter=15, random_state=0)
    with pytest.warns(ConvergenceWarning):
        n_during, elapsed, _ = python_runs_during(gm.fit, X)
    assert n_during > min(5, elapsed * 100)


def test_ctrl_c_stops_a_long_fit():
    import _thread

    X = _blobs(n=200_000, d=8, k=8)
    gm = GaussianMixture(8, tol=0, max_iter=100_000, init_params="random_from_data")
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        gm.fit(X)
    timer.cancel()
    assert not hasattr(gm, "means_")
    with pytest.warns(ConvergenceWarning):
        gm.set_params(max_iter=2).fit(X[:3000])
    assert gm.n_iter_ == 2


# ------------------------------------------------------------------ bad input


def _sorted_sets(message):
    """The message with every {...} set listed in sorted order (a set's order may
    differ between two equal sets)."""
    return re.sub(
        r"\{([^{}]*)\}",
        lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}",
        message,
    )


def _same_error(call, exc=ValueError):
    with pytest.raises(exc) as ours:
        call(clustercore)
    with pytest.raises(exc) as theirs:
        call(skm)
    assert type(ours.value) is type(theirs.value)
    assert _sorted_sets(str(ours.value)) == _sorted_sets(str(theirs.value))


@pytest.mark.parametrize(
    "X",
    [
        np.array([[0.0, np.nan], [1.0, 1.0], [2.0, 0.0]]),
        np.array([[0.0, np.inf], [1.0, 1.0], [2.0, 0.0]]),
        np.zeros((0, 2)),
        np.zeros((1, 2)),
        np.zeros(4),
        np.ones((4, 2, 2)),
        np.ones((4, 2)) + 1j,
        np.array([["a", "b"], ["c", "d"]]),
        np.zeros((5, 0)),
        np.ones((2, 2)),  # fewer samples than components
    ],
    ids=["nan", "inf", "empty", "one", "1d", "3d", "complex", "str", "nofeat", "n<k"],
)
def test_bad_X_same_error_as_sklearn(X):
    _same_error(lambda m: m.GaussianMixture(3).fit(X))


def test_sparse_X_same_error_as_sklearn():
    import scipy.sparse as sp

    X = sp.random(20, 3, density=0.5, format="csr", random_state=0)
    _same_error(lambda m: m.GaussianMixture(2).fit(X), TypeError)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_components": 0},
        {"covariance_type": "full-ish"},
        {"tol": -1.0},
        {"reg_covar": -1e-3},
        {"max_iter": -1},
        {"n_init": 0},
        {"init_params": "nope"},
        {"verbose_interval": 0},
        {"weights_init": [0.2, 0.2, 0.2]},
        {"weights_init": [0.5, 0.5]},
        {"weights_init": [1.5, -0.25, -0.25]},
        {"means_init": np.zeros((3, 3))},
        {"precisions_init": np.zeros((3, 2, 2))},
        {"precisions_init": np.stack([[[1.0, 2.0], [0.0, 1.0]]] * 3)},
        {"precisions_init": np.ones((3, 3))},
        {"covariance_type": "diag", "precisions_init": -np.ones((3, 2))},
        {"covariance_type": "spherical", "precisions_init": np.zeros(3)},
        {"covariance_type": "tied", "precisions_init": -np.eye(2)},
    ],
)
def test_bad_params_same_error_as_sklearn(kwargs):
    X = np.random.default_rng(0).normal(size=(30, 2))
    kwargs = {"n_components": 3, **kwargs}
    _same_error(lambda m: m.GaussianMixture(**kwargs).fit(X))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ill_defined_covariance_same_error_as_sklearn(dtype):
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]), 4, axis=0)
    X = X.astype(dtype)
    _same_error(lambda m: m.GaussianMixture(3, reg_covar=0, random_state=0).fit(X))


def test_predict_errors_like_sklearn():
    X = _blobs(n=300)
    _same_error(lambda m: m.GaussianMixture(2).predict(X), NotFittedError)
    ours = GaussianMixture(2, random_state=0).fit(X)
    theirs = skm.GaussianMixture(2, random_state=0).fit(X)
    for method in ("predict", "predict_proba", "score_samples"):
        for bad in (X[:, :3], np.array([[np.nan] * 4])):
            with pytest.raises(ValueError) as a:
                getattr(ours, method)(bad)
            with pytest.raises(ValueError) as b:
                getattr(theirs, method)(bad)
            assert str(a.value) == str(b.value)


@pytest.mark.parametrize(
    "w",
    [np.ones(3), np.ones((50, 2)), np.r_[np.nan, np.ones(49)], -np.ones(50)],
    ids=["length", "2d", "nan", "negative"],
)
def test_bad_sample_weight(w):
    X = _blobs(n=50)
    with pytest.raises(ValueError):
        GaussianMixture(2).fit(X, sample_weight=w)
