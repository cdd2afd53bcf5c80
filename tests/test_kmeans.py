"""KMeans against scikit-learn, the NumPy reference and hand-computed cases."""

import io
import pickle
import re
import threading
from contextlib import redirect_stdout

import clustercore
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.cluster as skc
from clustercore import KMeans, k_means, kmeans_plusplus
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from . import reference as ref
from .reference import blobs, with_threads

DTYPES = [np.float32, np.float64]


def test_hand_computed_toy():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    km = KMeans(2, init=np.array([[0.0, 0.0], [10.0, 0.0]]), n_init=1).fit(X)
    np.testing.assert_array_equal(km.cluster_centers_, [[0.0, 0.5], [10.0, 0.5]])
    np.testing.assert_array_equal(km.labels_, [0, 0, 1, 1])
    assert km.inertia_ == 1.0
    # iteration 1 moves the centres, iteration 2 sees no label change
    assert km.n_iter_ == 2
    assert km.labels_.dtype == np.int32


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_matches_numpy_reference(rng, weighted, tol):
    X = blobs(3000, d=5, k=6, std=1.0, seed=3)
    w = rng.uniform(0.5, 2.0, len(X)) if weighted else None
    init = X[rng.choice(len(X), 6, replace=False)]
    km = KMeans(6, init=init, n_init=1, tol=tol).fit(X, sample_weight=w)
    tol_abs = tol * X.var(axis=0).mean()
    centers, labels, inertia, n_iter = ref.lloyd(X, init, w, tol=tol_abs)
    np.testing.assert_array_equal(km.labels_, labels)
    np.testing.assert_allclose(km.cluster_centers_, centers, rtol=1e-10, atol=1e-12)
    assert km.inertia_ == pytest.approx(inertia, rel=1e-10)
    assert km.n_iter_ == n_iter


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(2000, 2, 5), (5000, 16, 20), (800, 70, 7)])
def test_explicit_init_parity_with_sklearn(rng, dtype, weighted, shape):
    n, d, k = shape
    X = blobs(n, d=d, k=k, std=1.5, seed=n, dtype=dtype)
    w = rng.uniform(0.1, 3.0, n).astype(dtype) if weighted else None
    init = X[rng.choice(n, k, replace=False)]
    ours = KMeans(k, init=init, n_init=1).fit(X, sample_weight=w)
    theirs = skc.KMeans(k, init=init, n_init=1).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=rel)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.cluster_centers_.dtype == dtype
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, rtol=rel, atol=rel
    )


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_same_seed_same_result_as_sklearn(init, dtype):
    X = blobs(3000, d=3, k=8, std=0.8, seed=11, dtype=dtype)
    ours = KMeans(8, init=init, n_init=3, random_state=5).fit(X)
    theirs = skc.KMeans(8, init=init, n_init=3, random_state=5).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=rel)


def test_kmeans_plusplus_picks_sklearns_indices(rng):
    X = blobs(4000, d=6, k=10, std=2.0, seed=2)
    w = rng.uniform(0.5, 1.5, len(X))
    for trials in (None, 1, 5):
        c1, i1 = kmeans_plusplus(
            X, 10, sample_weight=w, random_state=3, n_local_trials=trials
        )
        c2, i2 = skc.kmeans_plusplus(
            X, 10, sample_weight=w, random_state=3, n_local_trials=trials
        )
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_array_equal(c1, X[i1])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 7, 5000])
def test_first_centre_drawn_like_numpy_choice(rng, dtype, n):
    from clustercore.kmeans import _weighted_index

    w = rng.uniform(0, 3, n).astype(dtype)
    w[rng.random(n) < 0.3] = 0
    w[0] = 1
    for seed in range(10):
        expected = np.random.RandomState(seed).choice(n, p=w / w.sum())
        assert _weighted_index(np.random.RandomState(seed), w) == expected
    with pytest.raises(ValueError, match="probabilities are not non-negative"):
        _weighted_index(np.random.RandomState(0), np.r_[w, -0.5])


def test_k_means_function_matches_estimator():
    X = blobs(1000, d=3, k=4, seed=1)
    c, lab, inertia, n_iter = k_means(X, 4, random_state=0, return_n_iter=True)
    km = KMeans(4, random_state=0).fit(X)
    np.testing.assert_array_equal(c, km.cluster_centers_)
    np.testing.assert_array_equal(lab, km.labels_)
    assert (inertia, n_iter) == (km.inertia_, km.n_iter_)
    assert len(k_means(X, 4, random_state=0)) == 3


@pytest.mark.parametrize("dtype", DTYPES)
def test_sparse_matches_sklearn(rng, dtype):
    dense = blobs(1500, d=12, k=5, std=1.0, seed=4, dtype=dtype)
    dense[rng.random(dense.shape) < 0.6] = 0
    X = sp.csr_matrix(dense)
    init = dense[rng.choice(len(dense), 5, replace=False)]
    ours = KMeans(5, init=init, n_init=1).fit(X)
    theirs = skc.KMeans(5, init=init, n_init=1).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=rel)
    # sparse and dense give the same clustering
    dense_fit = KMeans(5, init=init, n_init=1).fit(dense)
    np.testing.assert_array_equal(ours.labels_, dense_fit.labels_)
    np.testing.assert_array_equal(ours.predict(X), ours.labels_)
    np.testing.assert_allclose(ours.transform(X), ours.transform(dense), rtol=1e-6)


def test_sparse_with_duplicate_entries_is_summed():
    rows, cols = np.array([0, 0, 1, 2, 3]), np.array([1, 1, 0, 1, 0])
    vals = np.array([1.0, 2.0, 4.0, 3.0, 4.0])
    X = sp.csr_matrix((vals, (rows, cols)), shape=(4, 2))
    X_dup = sp.csr_matrix(
        (vals, cols, np.array([0, 2, 3, 4, 5])), shape=(4, 2)
    )  # row 0 holds two entries for column 1
    assert not X_dup.has_canonical_format
    before = X_dup.data.copy()
    init = np.array([[0.0, 3.0], [4.0, 0.0]])
    a = KMeans(2, init=init, n_init=1).fit(X_dup)
    b = KMeans(2, init=init, n_init=1).fit(X.toarray())
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.inertia_ == pytest.approx(b.inertia_)
    np.testing.assert_array_equal(X_dup.data, before)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("d", [6, 24])  # from 24 features: the pruned path
def test_bitwise_identical_for_1_and_2_threads(rng, dtype, sparse, d):
    X = blobs(30_000, d=d, k=12, std=2.0, seed=8, dtype=dtype)
    w = rng.uniform(0.5, 2.0, len(X)).astype(dtype)
    if sparse:
        X[rng.random(X.shape) < 0.3] = 0
        X = sp.csr_matrix(X)
    fits = [
        with_threads(
            nt,
            KMeans(12, n_init=2, random_state=0, tol=0, max_iter=25).fit,
            X,
            sample_weight=w,
        )
        for nt in (1, 2)
    ]
    a, b = fits
    assert a.cluster_centers_.tobytes() == b.cluster_centers_.tobytes()
    assert a.labels_.tobytes() == b.labels_.tobytes()
    assert a.inertia_ == b.inertia_
    assert a.n_iter_ == b.n_iter_
    assert with_threads(1, a.score, X) == with_threads(2, a.score, X)


def test_inertia_never_rises_between_iterations():
    X = blobs(5000, d=4, k=15, std=3.0, seed=5)
    out = io.StringIO()
    with redirect_stdout(out):
        KMeans(15, init="random", n_init=1, tol=0, random_state=1, verbose=1).fit(X)
    values = [
        float(v)
        for v in re.findall(r"Iteration \d+, inertia ([0-9.e+-]+)\.", out.getvalue())
    ]
    assert len(values) > 3
    assert all(b <= a * (1 + 1e-12) for a, b in zip(values, values[1:], strict=False))
    assert "Initialization complete" in out.getvalue()
    assert "Converged at iteration" in out.getvalue()


@pytest.mark.parametrize("dtype", DTYPES)
def test_invariants_score_predict_transform(dtype):
    X = blobs(3000, d=5, k=7, std=1.0, seed=9, dtype=dtype)
    km = KMeans(7, random_state=0).fit(X)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-6)
    D = km.transform(X)
    assert D.dtype == dtype
    np.testing.assert_allclose(
        D, np.sqrt(ref.sq_distances(X, km.cluster_centers_)), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_array_equal(D.argmin(axis=1), km.labels_)
    np.testing.assert_allclose(
        KMeans(7, random_state=0).fit_transform(X), D, rtol=1e-12
    )
    np.testing.assert_array_equal(KMeans(7, random_state=0).fit_predict(X), km.labels_)


def test_mixed_dtypes_at_predict():
    X = blobs(2000, d=3, k=4, seed=6)
    for fit_dtype, new_dtype in [(np.float64, np.float32), (np.float32, np.float64)]:
        km = KMeans(4, random_state=0).fit(X.astype(fit_dtype))
        Xn = X.astype(new_dtype)
        np.testing.assert_array_equal(km.predict(Xn), km.predict(X.astype(fit_dtype)))
        assert km.transform(Xn).dtype == np.float64
        assert km.score(Xn) == pytest.approx(km.score(X.astype(fit_dtype)), rel=1e-5)
    km = KMeans(4, random_state=0).fit(X.astype(np.float32))
    assert km.transform(X.astype(np.float32)).dtype == np.float32
    assert km.predict(X.astype(np.int64)).dtype == np.int32


def test_dtypes_kept_or_converted():
    X = blobs(500, d=2, k=3, seed=1) * 10 + 50
    assert (
        KMeans(3, n_init=1).fit(X.astype(np.float32)).cluster_centers_.dtype
        == np.float32
    )
    for dt in (np.int64, np.int32, np.uint8, np.float16):
        assert (
            KMeans(2, n_init=1).fit(X.astype(dt)).cluster_centers_.dtype == np.float64
        )


def test_empty_cluster_relocated_like_sklearn():
    X = blobs(500, d=2, k=3, std=0.5, seed=2)
    init = np.vstack([X[:2], [[1000.0, 1000.0]]])
    ours = KMeans(3, init=init, n_init=1).fit(X)
    theirs = skc.KMeans(3, init=init, n_init=1).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-9)
    assert len(np.unique(ours.labels_)) == 3


def test_duplicates_warn_like_sklearn():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]), 10, axis=0)
    with pytest.warns(ConvergenceWarning, match=r"Number of distinct clusters \(3\)"):
        km = KMeans(5, n_init=1, random_state=0).fit(X)
    assert km.inertia_ == 0.0


def test_n_samples_equal_to_n_clusters():
    X = np.array([[0.0, 1.0], [2.0, 3.0], [5.0, 5.0]])
    km = KMeans(3, n_init=1, random_state=0).fit(X)
    assert km.inertia_ == 0.0
    assert sorted(km.labels_.tolist()) == [0, 1, 2]


def test_init_callable_and_n_init_auto():
    X = blobs(600, d=2, k=3, seed=0)
    calls = []

    def init(data, k, random_state):
        calls.append(k)
        return data[random_state.choice(len(data), k, replace=False)]

    KMeans(3, init=init).fit(X)
    assert calls == [3] * 10  # 'auto' gives 10 runs for a callable
    with pytest.warns(RuntimeWarning, match="performing only one init"):
        KMeans(3, init=X[:3], n_init=4).fit(X)


def test_elkan_single_cluster_warns():
    X = blobs(100, d=2, k=2, seed=0)
    with pytest.warns(RuntimeWarning, match="doesn't make sense for a single cluster"):
        KMeans(1, algorithm="elkan").fit(X)


@pytest.mark.parametrize("d,k", [(2, 5), (3, 12), (16, 20), (30, 8)])
def test_elkan_and_lloyd_give_the_same_clustering(d, k):
    # 'elkan' always prunes with bounds; 'lloyd' only where they pay (16 x 20 and
    # 30 x 8 here)
    X = blobs(6000, d=d, k=k, std=1.5, seed=d)
    a = KMeans(k, algorithm="elkan", random_state=0, tol=0).fit(X)
    b = KMeans(k, algorithm="lloyd", random_state=0, tol=0).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_allclose(
        a.cluster_centers_, b.cluster_centers_, rtol=1e-10, atol=1e-10
    )
    assert a.inertia_ == pytest.approx(b.inertia_, rel=1e-10)
    theirs = skc.KMeans(k, algorithm="elkan", random_state=0, tol=0).fit(X)
    np.testing.assert_array_equal(a.labels_, theirs.labels_)


def _digest(*arrays):
    return [
        a.tobytes() if isinstance(a, np.ndarray) else a.data.tobytes() for a in arrays
    ]


@pytest.mark.parametrize("copy_x", [True, False])
def test_user_arrays_never_modified(rng, copy_x):
    X = blobs(2000, d=4, k=3, seed=3) + 1e3
    w = rng.uniform(0.5, 1.5, len(X))
    init = X[:3].copy()
    before = _digest(X, w, init)
    km = KMeans(3, init=init, n_init=1, copy_x=copy_x).fit(X, sample_weight=w)
    km.predict(X)
    km.score(X, sample_weight=w)
    km.transform(X)
    assert _digest(X, w, init) == before


def test_pickle_and_clone_round_trip():
    X = blobs(1000, d=3, k=4, seed=7).astype(np.float32)
    km = KMeans(4, random_state=0).fit(X)
    back = pickle.loads(pickle.dumps(km))
    np.testing.assert_array_equal(back.predict(X), km.predict(X))
    np.testing.assert_array_equal(back.predict(X.astype(np.float64)), km.predict(X))
    c = clone(km)
    assert c.get_params() == km.get_params()
    assert not hasattr(c, "cluster_centers_")


def test_feature_names_and_output():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(blobs(200, d=2, k=2, seed=0), columns=["a", "b"])
    km = KMeans(2, random_state=0).fit(X)
    assert list(km.feature_names_in_) == ["a", "b"]
    assert list(km.get_feature_names_out()) == ["kmeans0", "kmeans1"]


def test_set_output_pandas():
    pd = pytest.importorskip("pandas")
    X = blobs(300, d=3, k=3, seed=1)
    out = KMeans(3, random_state=0).set_output(transform="pandas").fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["kmeans0", "kmeans1", "kmeans2"]


def test_get_feature_names_out_without_pandas():
    km = KMeans(3, random_state=0).fit(blobs(300, d=2, k=3))
    assert km.get_feature_names_out().tolist() == ["kmeans0", "kmeans1", "kmeans2"]


def test_metadata_routing_sample_weight():
    import sklearn

    with sklearn.config_context(enable_metadata_routing=True):
        km = KMeans(2).set_fit_request(sample_weight=True)
        km = km.set_score_request(sample_weight=True)
        routing = km.get_metadata_routing()
        assert routing.consumes("fit", ["sample_weight"]) == {"sample_weight"}
        assert routing.consumes("score", ["sample_weight"]) == {"sample_weight"}


def test_gil_released_during_fit():
    X = blobs(400_000, d=8, k=32, std=3.0, seed=1)
    km = KMeans(32, init=X[:32], n_init=1, tol=0, max_iter=40)
    n_during, elapsed, _ = ref.python_runs_during(km.fit, X)
    # with the GIL held for the whole fit the ticker could not run at all
    assert n_during > min(5, elapsed * 100)


def test_ctrl_c_stops_a_long_fit():
    import _thread

    # uniform noise: Lloyd needs hundreds of slow iterations to settle
    X = np.random.default_rng(2).uniform(size=(300_000, 16))
    km = KMeans(64, init=X[:64], n_init=1, tol=0, max_iter=100_000)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        km.fit(X)
    timer.cancel()
    assert not hasattr(km, "cluster_centers_")
    # the process and the estimator are still usable
    km.set_params(max_iter=3).fit(X[:5000])
    assert km.n_iter_ <= 3


def test_build_info_and_thread_limits(capsys):
    from threadpoolctl import threadpool_info, threadpool_limits

    info = clustercore.build_info()
    for key in ("version", "compiler", "openmp", "simd", "n_threads"):
        assert key in info
    if info["openmp"]:
        assert any(m["user_api"] == "openmp" for m in threadpool_info())
        with threadpool_limits(1, user_api="openmp"):
            assert clustercore.build_info()["n_threads"] == 1
    clustercore.show_config()
    assert "simd" in capsys.readouterr().out


def test_omp_num_threads_limits_the_pool():
    import os
    import subprocess
    import sys

    code = "import clustercore; print(clustercore.build_info()['n_threads'])"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "1"


# ---------------------------------------------------------------- bad input


def _same_error(make_call, exc=ValueError):
    """Both libraries raise the same exception type with the same message."""
    with pytest.raises(exc) as ours:
        make_call(clustercore)
    with pytest.raises(exc) as theirs:
        make_call(skc)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


X_GOOD = np.random.default_rng(0).normal(size=(40, 3))


@pytest.mark.parametrize(
    "X",
    [
        np.array([[1.0, np.nan], [0.0, 1.0], [2.0, 2.0]]),
        np.array([[1.0, np.inf], [0.0, 1.0], [2.0, 2.0]]),
        np.array([1.0, 2.0, 3.0]),
        np.zeros((4, 2, 2)),
        np.zeros((0, 3)),
        np.zeros((5, 0)),
        np.array([[1 + 1j, 2], [3, 4], [5, 6]]),
        np.array([["a", "b"], ["c", "d"], ["e", "f"]]),
        X_GOOD[:1],
    ],
    ids=["nan", "inf", "1d", "3d", "no-rows", "no-cols", "complex", "strings", "n<k"],
)
def test_bad_X_same_error_as_sklearn(X):
    _same_error(lambda m: m.KMeans(2, n_init=1).fit(X))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_clusters": 0},
        {"n_clusters": 2.0},
        {"init": "kmeans"},
        {"n_init": 0},
        {"max_iter": 0},
        {"tol": -1.0},
        {"algorithm": "auto"},
        {"random_state": "seed"},
        {"copy_x": "yes"},
    ],
)
def test_bad_params_same_error_as_sklearn(kwargs):
    _same_error(lambda m: m.KMeans(**{"n_clusters": 2, **kwargs}).fit(X_GOOD))


@pytest.mark.parametrize("init", [np.zeros((3, 3)), np.zeros((2, 4))])
def test_bad_init_shape_same_error_as_sklearn(init):
    _same_error(lambda m: m.KMeans(2, init=init, n_init=1).fit(X_GOOD))


@pytest.mark.parametrize(
    "w",
    [np.ones(5), np.ones((40, 2)), np.zeros(40), np.r_[np.nan, np.ones(39)]],
    ids=["length", "2d", "zeros", "nan"],
)
def test_bad_sample_weight_same_error_as_sklearn(w):
    _same_error(lambda m: m.KMeans(2, n_init=1).fit(X_GOOD, sample_weight=w))


def test_predict_errors_same_as_sklearn():
    for method in ("predict", "transform", "score"):
        _same_error(
            lambda m, method=method: getattr(m.KMeans(2, n_init=1).fit(X_GOOD), method)(
                X_GOOD[:, :2]
            )
        )
        _same_error(
            lambda m, method=method: getattr(m.KMeans(2), method)(X_GOOD),
            exc=NotFittedError,
        )


def test_kmeans_plusplus_errors_same_as_sklearn():
    _same_error(lambda m: m.kmeans_plusplus(X_GOOD[:2], 3))
    _same_error(lambda m: m.kmeans_plusplus(X_GOOD, 2, x_squared_norms=np.ones(3)))
    _same_error(lambda m: m.kmeans_plusplus(X_GOOD, 0))
