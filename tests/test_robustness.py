"""Bad and unusual input over every estimator and public function: scikit-learn's
exception (type and message) or scikit-learn's result, never a crash, and the caller's
arrays left as they were."""

import hashlib
import threading
import tracemalloc
import warnings

import clustercore
import numpy as np
import pytest
import sklearn.cluster
import sklearn.metrics
import sklearn.mixture
from sklearn.exceptions import ConvergenceWarning

from .reference import blobs

# name -> factory(library): the same estimator from clustercore or from scikit-learn
ESTIMATORS = {
    "KMeans": lambda lib: lib.KMeans(3, n_init=1, random_state=0),
    "MiniBatchKMeans": lambda lib: lib.MiniBatchKMeans(3, n_init=1, random_state=0),
    "DBSCAN": lambda lib: lib.DBSCAN(eps=0.5, min_samples=3),
    "GaussianMixture": lambda lib: lib.GaussianMixture(3, random_state=0),
    "BayesianGaussianMixture": lambda lib: lib.BayesianGaussianMixture(
        n_components=3, random_state=0
    ),
}
# MiniBatchKMeans draws its batches from its own generator: its results are compared
# with clustercore's own on the canonical input, the others' with scikit-learn's too
DETERMINISTIC = ["KMeans", "DBSCAN", "GaussianMixture", "BayesianGaussianMixture"]


class _Sklearn:
    """scikit-learn's estimators and functions under clustercore's names."""

    def __getattr__(self, name):
        for module in (sklearn.cluster, sklearn.mixture, sklearn.metrics):
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(name)


SKLEARN = _Sklearn()


def _outcome(call):
    """('ok', result) or ('error', type, message), warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("ok", call())
        except Exception as exc:  # noqa: BLE001 - any exception is compared
            return ("error", type(exc), str(exc))


def _same_outcome(make_call, stricter=False):
    """Both raise the same exception, or both return. stricter: scikit-learn returns
    a value that means nothing (clustercore raises instead)."""
    ours = _outcome(lambda: make_call(clustercore))
    theirs = _outcome(lambda: make_call(SKLEARN))
    if stricter:
        assert ours[0] == "error" and theirs[0] == "ok", (ours, theirs)
        return ours, theirs
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert ours[1] is theirs[1] or issubclass(ours[1], theirs[1]), (ours, theirs)
        assert ours[2] == theirs[2]
    return ours, theirs


def _fingerprint(a):
    a = np.asarray(a)
    return (a.shape, a.dtype.str, a.flags.writeable, hashlib.sha1(a.tobytes()).digest())


X_GOOD = blobs(120, d=2, k=3, std=0.4, seed=1)

BAD_X = {
    "nan": np.array([[1.0, np.nan], [0.0, 1.0], [2.0, 2.0], [3.0, 1.0]]),
    "inf": np.array([[1.0, np.inf], [0.0, 1.0], [2.0, 2.0], [3.0, 1.0]]),
    "1d": np.arange(6.0),
    "3d": np.zeros((4, 2, 2)),
    "no-rows": np.zeros((0, 3)),
    "no-cols": np.zeros((6, 0)),
    "complex": np.array([[1 + 1j, 2], [3, 4], [5, 6], [7, 8]]),
    "strings": np.array([["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]]),
    "objects": np.array([[1.0, None], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]),
    "too-few": X_GOOD[:2],
}


@pytest.mark.parametrize("case", list(BAD_X))
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_bad_X_at_fit(name, case):
    X = BAD_X[case]
    _same_outcome(lambda lib: ESTIMATORS[name](lib).fit(X))


@pytest.mark.parametrize("case", ["nan", "inf", "1d", "3d", "no-rows", "complex"])
@pytest.mark.parametrize(
    "function",
    [
        lambda lib, X: lib.k_means(X, 2, n_init=1, random_state=0),
        lambda lib, X: lib.kmeans_plusplus(X, 2, random_state=0),
        lambda lib, X: lib.dbscan(X, eps=0.5),
        lambda lib, X: lib.silhouette_score(X, np.arange(len(X)) % 2),
        lambda lib, X: lib.silhouette_samples(X, np.arange(len(X)) % 2),
        lambda lib, X: lib.calinski_harabasz_score(X, np.arange(len(X)) % 2),
        lambda lib, X: lib.davies_bouldin_score(X, np.arange(len(X)) % 2),
    ],
    ids=[
        "k_means",
        "kmeans_plusplus",
        "dbscan",
        "silhouette_score",
        "silhouette_samples",
        "calinski_harabasz",
        "davies_bouldin",
    ],
)
def test_bad_X_in_functions(function, case, request):
    X = BAD_X[case]
    # scikit-learn's calinski_harabasz_score drops the imaginary parts of complex X
    # (with a ComplexWarning) and scores what is left; clustercore refuses complex X
    # as every other function does
    stricter = request.node.callspec.id == "calinski_harabasz-complex"
    _same_outcome(lambda lib: function(lib, X), stricter=stricter)


@pytest.mark.parametrize("method", ["predict", "transform", "score", "predict_proba"])
@pytest.mark.parametrize("name", [n for n in ESTIMATORS if n != "DBSCAN"])
def test_wrong_feature_count_after_fit(name, method):
    if not hasattr(ESTIMATORS[name](clustercore), method):
        pytest.skip(f"{name} has no {method}")
    X3 = np.hstack([X_GOOD, X_GOOD[:, :1]])
    _same_outcome(lambda lib: getattr(ESTIMATORS[name](lib).fit(X_GOOD), method)(X3))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_more_clusters_than_samples(name):
    _same_outcome(
        lambda lib: ESTIMATORS[name](lib).set_params(**_k(name, 50)).fit(X_GOOD[:10])
    )


def _k(name, k):
    if name == "DBSCAN":
        return {"min_samples": k}
    return {"n_components": k} if "Mixture" in name else {"n_clusters": k}


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_duplicates_only_and_one_feature_like_sklearn(name):
    for X in (np.ones((60, 2)), X_GOOD[:, :1].copy()):
        ours, theirs = _same_outcome(lambda lib, X=X: ESTIMATORS[name](lib).fit(X))
        if ours[0] == "ok":
            _assert_same_fit(name, ours[1], theirs[1])


def _assert_same_fit(name, ours, theirs, rtol=1e-9):
    """The same clustering: labels (and inertia) or the mixture's parameters. rtol:
    for float32 models, whose sums scikit-learn takes in float32."""
    if name == "DBSCAN":
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    elif name == "KMeans":
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=rtol, abs=1e-12)
    else:
        rtol = max(rtol, 1e-6)
        np.testing.assert_allclose(ours.means_, theirs.means_, rtol=rtol, atol=1e-9)
        np.testing.assert_allclose(ours.weights_, theirs.weights_, rtol=rtol, atol=1e-9)


@pytest.mark.parametrize(
    "w",
    [np.zeros(120), np.r_[np.nan, np.ones(119)], np.ones(7), np.ones((120, 2))],
    ids=["zeros", "nan", "length", "2d"],
)
@pytest.mark.parametrize("name", ["KMeans", "MiniBatchKMeans", "DBSCAN"])
def test_bad_sample_weight(name, w):
    _same_outcome(lambda lib: ESTIMATORS[name](lib).fit(X_GOOD, sample_weight=w))


def test_negative_weights_like_sklearn():
    w = np.ones(120)
    w[:5] = -0.5
    for name in ("KMeans", "DBSCAN"):
        ours, theirs = _same_outcome(
            lambda lib, name=name: ESTIMATORS[name](lib).fit(X_GOOD, sample_weight=w)
        )
        if ours[0] == "ok":
            _assert_same_fit(name, ours[1], theirs[1])
    _same_outcome(
        lambda lib: ESTIMATORS["MiniBatchKMeans"](lib).fit(X_GOOD, sample_weight=w)
    )


def _layouts(tmp_path):
    X = blobs(400, d=3, k=3, std=0.5, seed=5)
    path = tmp_path / "X.npy"
    np.save(path, X)
    wide = np.zeros((800, 3))
    wide[::2] = X
    return {
        "memmap-read-only": np.load(path, mmap_mode="r"),
        "fortran": np.asfortranarray(X),
        "strided": wide[::2],
        "int": np.round(X * 10).astype(np.int64),
        "uint8": np.clip(np.round(X * 10 + 100), 0, 255).astype(np.uint8),
        "float32": X.astype(np.float32),
        "unaligned": _unaligned(X),
    }


def _unaligned(X):
    """X's values at an odd address (as np.frombuffer gives at an odd offset)."""
    raw = np.zeros(X.nbytes + 1, dtype=np.uint8)
    out = np.frombuffer(raw, dtype=X.dtype, count=X.size, offset=1).reshape(X.shape)
    out[...] = X
    assert not out.flags.aligned
    return out


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_memory_layouts_and_dtypes(name, tmp_path):
    for kind, X in _layouts(tmp_path).items():
        before = _fingerprint(X)
        canonical = np.ascontiguousarray(
            X, dtype=np.float32 if kind == "float32" else float
        )
        est = ESTIMATORS[name](clustercore)
        if name == "DBSCAN" and kind in ("int", "uint8"):
            est.set_params(eps=5.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours = _fit_copy(est, X)
            plain = _fit_copy(est, canonical)
        assert _fingerprint(X) == before, kind
        _assert_same_fit(name if name != "MiniBatchKMeans" else "KMeans", ours, plain)
        if name in DETERMINISTIC:
            theirs = ESTIMATORS[name](SKLEARN).set_params(**est.get_params())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                theirs.fit(canonical)
            _assert_same_fit(name, ours, theirs, 1e-5 if kind == "float32" else 1e-9)


def _fit_copy(est, X):
    from sklearn.base import clone

    return clone(est).fit(X)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_inputs_untouched_by_fit_and_inference(name):
    X = blobs(300, d=2, k=3, std=0.5, seed=6)
    w = np.random.default_rng(0).uniform(0.5, 2, len(X))
    before = _fingerprint(X), _fingerprint(w)
    est = ESTIMATORS[name](clustercore)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, sample_weight=w)
    for method in ("predict", "transform", "score", "score_samples", "predict_proba"):
        if hasattr(est, method):
            getattr(est, method)(X)
    assert (_fingerprint(X), _fingerprint(w)) == before


def test_huge_k_does_not_exhaust_memory():
    # scikit-learn #9943: k = 6000 on 250k x 2
    X = np.random.default_rng(0).uniform(size=(250_000, 2))
    tracemalloc.start()
    km = clustercore.KMeans(6000, init="random", n_init=1, max_iter=2, random_state=0)
    km.fit(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # labels, norms and the centres: a few bytes per sample, never n x k
    assert peak < 4 * X.nbytes
    assert len(np.unique(km.labels_)) > 5000


def test_eight_threads_at_once_give_the_lone_results():
    X = blobs(20_000, d=4, k=5, std=1.0, seed=7)
    makers = [
        lambda: clustercore.KMeans(5, n_init=1, random_state=0),
        lambda: clustercore.MiniBatchKMeans(5, random_state=0, max_iter=3),
        lambda: clustercore.DBSCAN(eps=0.4, min_samples=5),
        lambda: clustercore.GaussianMixture(5, random_state=0, max_iter=20, tol=0),
    ]

    def result(est):
        if hasattr(est, "means_"):
            return est.means_
        return (
            est.labels_
            if not hasattr(est, "cluster_centers_")
            else est.cluster_centers_
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        alone = [result(make().fit(X)) for make in makers]
        jobs = [makers[i % len(makers)] for i in range(8)]
        out = [None] * len(jobs)

        def run(i):
            out[i] = result(jobs[i]().fit(X))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for i, got in enumerate(out):
        np.testing.assert_array_equal(got, alone[i % len(makers)])


@pytest.mark.parametrize("name", [n for n in ESTIMATORS if n != "DBSCAN"])
def test_float32_model_predicts_float64_input(name):
    import pickle

    X = blobs(500, d=2, k=3, std=0.5, seed=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = ESTIMATORS[name](clustercore).fit(X.astype(np.float32))
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X.astype(np.float32)))


def test_unaligned_input_in_functions():
    X = blobs(300, d=3, k=3, std=0.5, seed=4)
    labels = np.arange(len(X)) % 3
    U = _unaligned(X)
    for name in ("silhouette_score", "calinski_harabasz_score", "davies_bouldin_score"):
        fn = getattr(clustercore, name)
        assert fn(U, labels) == fn(X, labels)
    np.testing.assert_array_equal(
        clustercore.dbscan(U, eps=0.5)[1], clustercore.dbscan(X, eps=0.5)[1]
    )
    a = clustercore.kmeans_plusplus(U, 3, random_state=0)[0]
    np.testing.assert_array_equal(
        a, clustercore.kmeans_plusplus(X, 3, random_state=0)[0]
    )
