"""MiniBatchKMeans against the NumPy reference loop, scikit-learn and invariants."""

import io
import pickle
import threading
import tracemalloc
from contextlib import redirect_stdout

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.cluster as skc
from clustercore import MiniBatchKMeans
from sklearn.base import clone

from . import reference as ref
from .reference import blobs, with_threads

SEED_HIGH = np.iinfo(np.int64).max


def _loop_seed(random_state, n, init_size):
    """The seed fit hands to the C++ loop, for an array init: after the held-out
    rows and the init subset (drawn even for an array init, as scikit-learn does)."""
    rs = np.random.RandomState(random_state)
    rs.randint(0, n, init_size)
    if init_size < n:
        rs.randint(0, n, init_size)
    return int(rs.randint(0, SEED_HIGH, dtype=np.int64))


@pytest.mark.parametrize(
    "ratio,max_no_improvement,tol",
    [(0.0, None, 0.0), (0.01, 10, 0.0), (0.3, None, 0.0), (0.01, 3, 1e-3)],
)
def test_fit_loop_matches_numpy_reference(ratio, max_no_improvement, tol):
    X = blobs(3000, d=4, k=6, std=1.0, seed=11)
    k, batch, max_iter = 8, 100, 3
    # two centres far from the data: empty at first, so they are reassigned
    init = np.vstack([X[:6], X[:2] + 100.0])
    mbk = MiniBatchKMeans(
        k,
        init=init,
        batch_size=batch,
        max_iter=max_iter,
        random_state=7,
        reassignment_ratio=ratio,
        max_no_improvement=max_no_improvement,
        tol=tol,
        compute_labels=False,
    ).fit(X)
    seed = _loop_seed(7, len(X), 3 * batch)
    n_steps = max_iter * len(X) // batch
    tol_abs = tol * X.var(axis=0).mean()
    centers, counts, steps, ewa = ref.minibatch_fit(
        X, init, seed, batch, n_steps, ratio, max_no_improvement, tol_abs
    )
    assert mbk.n_steps_ == steps
    assert mbk.n_iter_ == int(np.ceil(steps * batch / len(X)))
    np.testing.assert_array_equal(mbk._counts, counts)
    np.testing.assert_allclose(mbk.cluster_centers_, centers, rtol=1e-9, atol=1e-9)
    assert mbk.inertia_ == pytest.approx(ewa * len(X), rel=1e-9)
    if ratio > 0:  # the far centres came back to the data
        assert np.abs(mbk.cluster_centers_).max() < 50


def test_stopping_rules_agree_with_sklearn():
    X = blobs(2000, seed=3)
    init = X[:5]
    for kw in ({"max_no_improvement": 0}, {"tol": 1e9, "max_no_improvement": None}):
        ours = MiniBatchKMeans(5, init=init, batch_size=50, **kw).fit(X)
        theirs = skc.MiniBatchKMeans(5, init=init, batch_size=50, **kw).fit(X)
        assert ours.n_steps_ == theirs.n_steps_ == 2
    full = dict(max_no_improvement=None, max_iter=3, batch_size=64)
    ours = MiniBatchKMeans(5, init=init, **full).fit(X)
    assert ours.n_steps_ == 3 * len(X) // 64
    assert ours.n_iter_ == 3


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_partial_fit_matches_sklearn_step_by_step(rng, dtype):
    # an array init and no reassignment: scikit-learn's steps are deterministic
    X = blobs(1200, d=3, k=4, std=1.0, seed=5, dtype=dtype)
    w = rng.uniform(0.5, 2.0, len(X)).astype(dtype)
    init = X[rng.choice(len(X), 4, replace=False)]
    ours = MiniBatchKMeans(4, init=init, reassignment_ratio=0.0)
    theirs = skc.MiniBatchKMeans(4, init=init, reassignment_ratio=0.0)
    for part in np.array_split(np.arange(len(X)), 6):
        ours.partial_fit(X[part], sample_weight=w[part])
        theirs.partial_fit(X[part], sample_weight=w[part])
        # scikit-learn updates in float32 for float32 data, clustercore in double
        rtol = 1e-5 if dtype == np.float32 else 1e-10
        np.testing.assert_allclose(
            ours.cluster_centers_,
            theirs.cluster_centers_,
            rtol=rtol,
            atol=rtol * np.abs(X).max(),
        )
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=rtol)
    assert ours.n_steps_ == theirs.n_steps_ == 6
    assert ours.cluster_centers_.dtype == dtype


def test_partial_fit_reassigns_an_empty_centre_onto_a_batch_row():
    X = blobs(600, d=2, k=3, seed=2)
    init = np.vstack([X[:2], [[1e3, 1e3]]])
    mbk = MiniBatchKMeans(3, init=init, random_state=0).partial_fit(X[:200])
    # the far centre got nothing, so it moved onto a sample of the batch and its count
    # became the smallest count of the others
    moved = mbk.cluster_centers_[2]
    assert (X[:200] == moved).all(axis=1).any()
    assert mbk._counts[2] == mbk._counts[:2].min()


def test_partial_fit_takes_another_float_dtype():
    X = blobs(400, d=2, k=3, seed=4)
    mbk = MiniBatchKMeans(3, random_state=0).partial_fit(X[:200].astype(np.float32))
    mbk.partial_fit(X[200:])  # float64: scikit-learn raises a buffer dtype error
    assert mbk.cluster_centers_.dtype == np.float32
    assert mbk.n_steps_ == 2
    assert mbk.predict(X).dtype == np.int32


def test_partial_fit_first_batch_smaller_than_k_same_error_as_sklearn():
    X = blobs(10, seed=1)
    with pytest.raises(ValueError) as theirs:
        skc.MiniBatchKMeans(5).partial_fit(X[:3])
    with pytest.raises(ValueError, match="^" + str(theirs.value) + "$"):
        MiniBatchKMeans(5).partial_fit(X[:3])


def test_weighted_batches_follow_the_weights():
    # with one centre, the centre is the mean of every sample drawn
    X = np.r_[np.zeros(500), np.ones(500)][:, None]
    w = np.r_[np.ones(500), 3 * np.ones(500)]
    mbk = MiniBatchKMeans(1, batch_size=200, max_iter=100, max_no_improvement=None)
    mbk.set_params(random_state=0).fit(X, sample_weight=w)
    # 250 steps of 200 draws: the mean of the draws is 0.75 within a few 0.002
    assert mbk.cluster_centers_[0, 0] == pytest.approx(0.75, abs=0.012)
    # a zero weight is never drawn
    w0 = np.r_[np.zeros(500), np.ones(500)]
    mbk.fit(X, sample_weight=w0)
    assert mbk.cluster_centers_[0, 0] == 1.0


def test_negative_weights_same_error_as_sklearn():
    X = blobs(200, seed=1)
    w = np.ones(len(X))
    w[3] = -1
    with pytest.raises(ValueError) as theirs:
        skc.MiniBatchKMeans(3, n_init=1).fit(X, sample_weight=w)
    with pytest.raises(ValueError, match="^" + str(theirs.value) + "$"):
        MiniBatchKMeans(3, n_init=1).fit(X, sample_weight=w)


def test_same_initial_centres_as_sklearn():
    # scikit-learn's draws for the held-out rows and the k-means++ subset are kept:
    # one step with no movement leaves scikit-learn's initial centres in place
    X = blobs(5000, d=2, k=5, seed=9)
    kw = dict(batch_size=100, init_size=300, n_init=3, random_state=3)
    ours = MiniBatchKMeans(5, max_iter=1, **kw)
    theirs = skc.MiniBatchKMeans(5, max_iter=1, **kw)
    captured = {}

    def capture(est, store):
        original = est._init_centroids

        def wrapper(*args, **kwargs):
            centers = original(*args, **kwargs)
            store.setdefault(type(est).__module__, []).append(centers.copy())
            return centers

        est._init_centroids = wrapper

    capture(ours, captured)
    capture(theirs, captured)
    ours.fit(X)
    theirs.fit(X)
    mine, sk = captured["clustercore.minibatch"], captured["sklearn.cluster._kmeans"]
    assert len(mine) == len(sk) == 3
    for a, b in zip(mine, sk, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("make", ["chapter", "wide"])
def test_inertia_within_one_percent_of_sklearn_over_seeds(make):
    if make == "chapter":
        X = blobs(2000, d=2, k=5, std=0.5, seed=7)
        k, kw = 5, {}
    else:
        X = blobs(20_000, d=16, k=40, std=2.0, seed=1)
        k, kw = 40, {"max_iter": 5}
    seeds = range(5)
    ours = np.mean(
        [MiniBatchKMeans(k, random_state=s, **kw).fit(X).inertia_ for s in seeds]
    )
    theirs = np.mean(
        [skc.MiniBatchKMeans(k, random_state=s, **kw).fit(X).inertia_ for s in seeds]
    )
    assert ours <= theirs * 1.01


@pytest.mark.parametrize("sparse_kind", ["dense", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bitwise_identical_for_1_and_2_threads(sparse_kind, dtype):
    X = blobs(20_000, d=8, k=10, std=1.0, seed=2, dtype=dtype)
    if sparse_kind == "csr":
        X = sp.csr_matrix(np.where(np.abs(X) > 3, X, 0).astype(dtype))
    est = MiniBatchKMeans(10, random_state=1, batch_size=2048, max_iter=3)
    one = with_threads(1, clone(est).fit, X)
    two = with_threads(2, clone(est).fit, X)
    np.testing.assert_array_equal(one.cluster_centers_, two.cluster_centers_)
    np.testing.assert_array_equal(one.labels_, two.labels_)
    assert one.inertia_ == two.inertia_
    assert one.n_steps_ == two.n_steps_
    assert one.cluster_centers_.dtype == dtype


def test_sparse_fit_equals_dense_fit():
    X = blobs(3000, d=6, k=5, std=1.0, seed=8)
    X[np.abs(X) < 2] = 0
    kw = dict(random_state=4, batch_size=256, max_iter=4, init=X[:5])
    dense = MiniBatchKMeans(5, **kw).fit(X)
    sparse = MiniBatchKMeans(5, **kw).fit(sp.csr_matrix(X))
    assert dense.n_steps_ == sparse.n_steps_
    np.testing.assert_allclose(
        sparse.cluster_centers_, dense.cluster_centers_, rtol=1e-9
    )
    np.testing.assert_array_equal(sparse.labels_, dense.labels_)


def test_memmap_is_read_in_place(tmp_path):
    X = blobs(200_000, d=16, k=20, std=1.0, seed=6)
    path = tmp_path / "X.npy"
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    kw = dict(random_state=0, max_iter=2, batch_size=1024)
    in_memory = MiniBatchKMeans(20, **kw).fit(X)
    tracemalloc.start()
    mapped = MiniBatchKMeans(20, **kw).fit(X_map)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    np.testing.assert_array_equal(mapped.cluster_centers_, in_memory.cluster_centers_)
    # no copy of X (25.6 MB): the weights, labels and small buffers only
    assert peak < X.nbytes / 4
    assert not X_map.flags.writeable


def test_user_arrays_unchanged():
    X = blobs(3000, d=3, k=4, seed=1)
    w = np.random.default_rng(0).uniform(0.5, 2, len(X))
    init = X[:4].copy()
    copies = X.copy(), w.copy(), init.copy()
    MiniBatchKMeans(4, init=init, batch_size=100).fit(X, sample_weight=w)
    MiniBatchKMeans(4, init=init).partial_fit(X, sample_weight=w)
    for before, after in zip(copies, (X, w, init), strict=True):
        np.testing.assert_array_equal(before, after)


def test_predict_transform_score_consistent():
    X = blobs(4000, d=3, k=4, seed=3)
    mbk = MiniBatchKMeans(4, random_state=0).fit(X)
    np.testing.assert_array_equal(mbk.predict(X), mbk.labels_)
    D = mbk.transform(X)
    np.testing.assert_array_equal(D.argmin(axis=1), mbk.labels_)
    assert -mbk.score(X) == pytest.approx(mbk.inertia_, rel=1e-10)
    _, d2 = ref.assign(X, mbk.cluster_centers_)
    assert mbk.inertia_ == pytest.approx(d2.sum(), rel=1e-10)


def test_verbose_reports_steps_and_stop():
    X = blobs(2000, seed=1)
    out = io.StringIO()
    with redirect_stdout(out):
        MiniBatchKMeans(5, random_state=0, batch_size=100, verbose=1).fit(X)
    text = out.getvalue()
    assert "Init 1/1 with method k-means++" in text
    assert "Minibatch step 1/" in text and "ewa inertia" in text
    assert "Converged (lack of improvement in inertia)" in text


def test_init_size_smaller_than_k_warns_like_sklearn():
    X = blobs(500, seed=2)
    with pytest.warns(RuntimeWarning) as theirs:
        skc.MiniBatchKMeans(5, init_size=2, n_init=1).fit(X)
    with pytest.warns(RuntimeWarning, match=str(theirs[0].message).split(".")[0]):
        MiniBatchKMeans(5, init_size=2, n_init=1).fit(X)


# ---------------------------------------------------------------- bad input

X_GOOD = np.random.default_rng(0).normal(size=(40, 3))


def _same_error(make_call, exc=ValueError):
    """Both libraries raise the same exception type with the same message."""
    import clustercore

    with pytest.raises(exc) as ours:
        make_call(clustercore)
    with pytest.raises(exc) as theirs:
        make_call(skc)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


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
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_X_same_error_as_sklearn(X, method):
    _same_error(lambda m: getattr(m.MiniBatchKMeans(2, n_init=1), method)(X))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_clusters": 0},
        {"init": "kmeans"},
        {"n_init": 0},
        {"max_iter": 0},
        {"batch_size": 0},
        {"tol": -1.0},
        {"max_no_improvement": -1},
        {"init_size": 0},
        {"reassignment_ratio": -0.5},
        {"compute_labels": "yes"},
    ],
)
def test_bad_params_same_error_as_sklearn(kwargs):
    _same_error(lambda m: m.MiniBatchKMeans(**{"n_clusters": 2, **kwargs}).fit(X_GOOD))


@pytest.mark.parametrize("init", [np.zeros((3, 3)), np.zeros((2, 4))])
def test_bad_init_shape_same_error_as_sklearn(init):
    _same_error(lambda m: m.MiniBatchKMeans(2, init=init, n_init=1).fit(X_GOOD))


@pytest.mark.parametrize(
    "w",
    [np.ones(5), np.ones((40, 2)), np.zeros(40), np.r_[np.nan, np.ones(39)]],
    ids=["length", "2d", "zeros", "nan"],
)
def test_bad_sample_weight_same_error_as_sklearn(w):
    _same_error(lambda m: m.MiniBatchKMeans(2, n_init=1).fit(X_GOOD, sample_weight=w))


def test_wrong_feature_count_same_error_as_sklearn():
    from sklearn.exceptions import NotFittedError

    for method in ("predict", "transform", "score", "partial_fit"):
        _same_error(
            lambda m, method=method: getattr(
                m.MiniBatchKMeans(2, n_init=1).fit(X_GOOD), method
            )(X_GOOD[:, :2])
        )
    _same_error(lambda m: m.MiniBatchKMeans(2).predict(X_GOOD), exc=NotFittedError)


def test_pickle_and_clone_round_trip():
    X = blobs(3000, seed=5)
    mbk = MiniBatchKMeans(5, random_state=0).fit(X)
    again = pickle.loads(pickle.dumps(mbk))
    np.testing.assert_array_equal(again.predict(X), mbk.predict(X))
    again.partial_fit(X[:500])  # the restored model keeps learning
    assert again.n_steps_ == mbk.n_steps_ + 1
    assert clone(mbk).get_params() == mbk.get_params()


def test_gil_released_during_fit():
    X = blobs(300_000, d=16, k=32, std=3.0, seed=1)
    mbk = MiniBatchKMeans(32, init=X[:32], max_iter=5, max_no_improvement=None)
    n_during, elapsed, _ = ref.python_runs_during(mbk.fit, X)
    assert n_during > min(5, elapsed * 100)


def test_ctrl_c_stops_a_long_fit():
    import _thread

    X = np.random.default_rng(2).uniform(size=(200_000, 16))
    mbk = MiniBatchKMeans(
        64, init=X[:64], max_iter=100_000, max_no_improvement=None, compute_labels=False
    )
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        mbk.fit(X)
    timer.cancel()
    assert not hasattr(mbk, "cluster_centers_")
    mbk.set_params(max_iter=1).fit(X[:5000])
    assert mbk.n_iter_ == 1
