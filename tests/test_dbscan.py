"""DBSCAN against scikit-learn (labels, core samples) and NumPy (predict)."""

import clustercore
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.cluster as skc
from clustercore import DBSCAN, dbscan
from sklearn.datasets import make_blobs, make_moons
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from .reference import python_runs_during, with_threads


def _moons():
    return make_moons(1500, noise=0.08, random_state=0)[0], 0.1, 5


def _blobs_noise():
    rng = np.random.default_rng(1)
    X = make_blobs(4000, centers=8, cluster_std=0.6, random_state=1)[0]
    return np.vstack([X, rng.uniform(-12, 12, (400, 2))]), 0.3, 10


def _eight_d():
    return make_blobs(2500, n_features=8, centers=5, random_state=2)[0], 1.8, 6


def _grid_ties():
    # integer points: many pairs at distance exactly eps (which counts as a neighbour)
    rng = np.random.default_rng(3)
    return rng.integers(0, 7, (600, 2)).astype(float), 1.0, 4


def _duplicates():
    X = np.repeat(
        np.array([[0.0, 0.0], [0.05, 0.0], [3.0, 3.0], [9.0, 9.0]]), 4, axis=0
    )
    return X, 0.1, 5


def _dense_slabs():
    # two dense slabs 0.32 apart with eps = 0.3: grid cells hold hundreds of samples,
    # and only a cell pair's nearest corners decide whether they join
    rng = np.random.default_rng(4)
    a = rng.uniform(0, 1, (2500, 2))
    b = rng.uniform(0, 1, (2500, 2)) + [1.32, 0.0]
    return np.vstack([a, b]), 0.3, 10


def _sparse_eight_d():
    # few core samples, many border candidates: borders are searched from the cores
    return make_blobs(3000, n_features=8, centers=10, random_state=5)[0], 1.0, 4


DATASETS = [
    _moons,
    _blobs_noise,
    _eight_d,
    _grid_ties,
    _duplicates,
    _dense_slabs,
    _sparse_eight_d,
]
METRICS = [
    {"metric": "euclidean"},
    {"metric": "manhattan"},
    {"metric": "chebyshev"},
    {"metric": "minkowski", "p": 3},
    {"metric": "minkowski", "p": 1},
]


def _assert_same(ours, theirs):
    np.testing.assert_array_equal(
        ours.core_sample_indices_, theirs.core_sample_indices_
    )
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.labels_.dtype == np.int64
    assert ours.core_sample_indices_.dtype == np.int64
    np.testing.assert_array_equal(ours.components_, theirs.components_)


@pytest.mark.parametrize("make", DATASETS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "metric", METRICS, ids=lambda m: f"{m['metric']}{m.get('p', '')}"
)
def test_same_labels_as_sklearn(make, metric):
    X, eps, min_samples = make()
    ours = DBSCAN(eps=eps, min_samples=min_samples, **metric).fit(X)
    theirs = skc.DBSCAN(eps=eps, min_samples=min_samples, **metric).fit(X)
    _assert_same(ours, theirs)


@pytest.mark.parametrize("make", DATASETS, ids=lambda f: f.__name__)
def test_weights_and_min_samples_one(rng, make):
    X, eps, min_samples = make()
    for w in (rng.integers(0, 4, len(X)), rng.uniform(0.1, 2.5, len(X))):
        ours = DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=w)
        theirs = skc.DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=w)
        _assert_same(ours, theirs)
    _assert_same(
        DBSCAN(eps=eps, min_samples=1).fit(X), skc.DBSCAN(eps=eps, min_samples=1).fit(X)
    )


def test_negative_weights_like_sklearn(rng):
    # a negative weight can undo a count already past min_samples: no early stop then
    X, eps, min_samples = _blobs_noise()
    w = rng.uniform(-1.0, 2.0, len(X))
    ours = DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=w)
    _assert_same(
        ours, skc.DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=w)
    )


def test_integer_weights_equal_repeated_rows(rng):
    X, eps, min_samples = _blobs_noise()
    w = rng.integers(1, 3, len(X))
    weighted = DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=w)
    repeated = DBSCAN(eps=eps, min_samples=min_samples).fit(np.repeat(X, w, axis=0))
    first = np.r_[0, np.cumsum(w)[:-1]]  # the first copy of each row
    np.testing.assert_array_equal(repeated.labels_[first], weighted.labels_)


def _many_features():
    # 40 features: the leaf scan gives up on a block after 16 features once all its
    # rows are out of reach
    return make_blobs(1500, n_features=40, centers=6, random_state=8)[0], 7.0, 5


def _tree_ties():
    # integer points in 4-D (the k-d tree, not the grid): many pairs at exactly eps
    rng = np.random.default_rng(9)
    return rng.integers(0, 5, (1200, 4)).astype(float), 1.0, 18


# k-d tree datasets, with the manhattan eps as a multiple of the euclidean one (L1
# distances are up to sqrt(d) times the L2 ones)
TREE_CASES = [
    (_eight_d, 2.0),
    (_sparse_eight_d, 3.0),
    (_many_features, 5.0),
    (_tree_ties, 1.0),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "make,l1_scale", TREE_CASES, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_instruction_set_gives_sklearn_labels(isa, make, l1_scale, dtype):
    X, eps, min_samples = make()
    X = X.astype(dtype)
    for metric, e in (("euclidean", eps), ("manhattan", eps * l1_scale)):
        ours = DBSCAN(eps=e, min_samples=min_samples, metric=metric).fit(X)
        theirs = skc.DBSCAN(eps=e, min_samples=min_samples, metric=metric).fit(X)
        assert len(theirs.core_sample_indices_) > 0
        _assert_same(ours, theirs)


def test_float32_is_kept_and_agrees():
    X, eps, min_samples = _moons()
    X32 = X.astype(np.float32)
    ours = DBSCAN(eps=eps, min_samples=min_samples).fit(X32)
    assert ours.components_.dtype == np.float32
    _assert_same(ours, skc.DBSCAN(eps=eps, min_samples=min_samples).fit(X32))


@pytest.mark.parametrize(
    "kind", ["cosine", "precomputed", "sparse", "callable", "precomputed-sparse"]
)
def test_other_inputs_match_sklearn(kind):
    X, eps, min_samples = _moons()
    if kind == "cosine":
        args, kw = (X + 2,), {"metric": "cosine", "eps": 0.001}
    elif kind == "precomputed":
        D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
        args, kw = (D,), {"metric": "precomputed", "eps": eps}
    elif kind == "precomputed-sparse":
        from sklearn.neighbors import radius_neighbors_graph

        G = radius_neighbors_graph(X, eps, mode="distance")
        args, kw = (G,), {"metric": "precomputed", "eps": eps}
    elif kind == "sparse":
        args, kw = (sp.csr_matrix(X),), {"eps": eps}
    else:
        args, kw = (X,), {"metric": lambda a, b: np.abs(a - b).sum(), "eps": eps}
    ours = DBSCAN(min_samples=min_samples, **kw).fit(*args)
    theirs = skc.DBSCAN(min_samples=min_samples, **kw).fit(*args)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(
        ours.core_sample_indices_, theirs.core_sample_indices_
    )


def test_function_matches_sklearn(rng):
    X, eps, min_samples = _blobs_noise()
    w = rng.uniform(0.5, 1.5, len(X))
    ours = dbscan(X, eps, min_samples=min_samples, sample_weight=w)
    theirs = skc.dbscan(X, eps, min_samples=min_samples, sample_weight=w)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


def _predict_reference(model, X_new, metric_p=2.0):
    """Nearest core sample within eps (lowest index on ties), NumPy brute force."""
    C = model.components_.astype(np.float64)
    D = (np.abs(X_new[:, None, :] - C[None]) ** metric_p).sum(-1) ** (1 / metric_p)
    core_labels = model.labels_[model.core_sample_indices_]
    nearest = D.argmin(axis=1)
    hit = D[np.arange(len(X_new)), nearest] <= model.eps
    return np.where(hit, core_labels[nearest], -1)


def test_predict_nearest_core_within_eps(rng):
    X, eps, min_samples = _blobs_noise()
    model = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    core = model.core_sample_indices_
    np.testing.assert_array_equal(model.predict(X[core]), model.labels_[core])
    X_new = rng.uniform(-12, 12, (3000, 2))
    expected = _predict_reference(model, X_new)
    np.testing.assert_array_equal(model.predict(X_new), expected)
    assert (expected == -1).any() and (expected >= 0).any()
    # manhattan through the engine, precomputed through distances
    m1 = DBSCAN(eps=0.4, min_samples=min_samples, metric="manhattan").fit(X)
    np.testing.assert_array_equal(m1.predict(X_new), _predict_reference(m1, X_new, 1.0))
    D = np.sqrt(((X[:300, None] - X[None, :300]) ** 2).sum(-1))
    pre = DBSCAN(eps=eps, min_samples=3, metric="precomputed").fit(D)
    plain = DBSCAN(eps=eps, min_samples=3).fit(X[:300])
    D_new = np.sqrt(((X_new[:50, None] - X[None, :300]) ** 2).sum(-1))
    np.testing.assert_array_equal(pre.predict(D_new), plain.predict(X_new[:50]))


def test_predict_without_core_samples_is_noise():
    X = np.array([[0.0, 0.0], [10.0, 10.0]])
    model = DBSCAN(eps=1.0, min_samples=2).fit(X)
    assert model.components_.shape == (0, 2)
    np.testing.assert_array_equal(model.predict(X), [-1, -1])


def test_same_labels_for_1_and_2_threads():
    X, eps, min_samples = _blobs_noise()
    X = np.vstack([X] * 5)
    a = with_threads(1, DBSCAN(eps=eps, min_samples=min_samples).fit, X)
    b = with_threads(2, DBSCAN(eps=eps, min_samples=min_samples).fit, X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.core_sample_indices_, b.core_sample_indices_)


def test_user_arrays_unchanged(rng):
    X, eps, min_samples = _moons()
    w = rng.uniform(0.5, 2, len(X))
    before = (X.tobytes(), w.tobytes())
    DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=w).predict(X)
    assert (X.tobytes(), w.tobytes()) == before


def _same_error(make_call, exc=ValueError):
    with pytest.raises(exc) as ours:
        make_call(clustercore)
    with pytest.raises(exc) as theirs:
        make_call(skc)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "X, kwargs",
    [
        (np.array([[0.0, np.nan], [1.0, 1.0]]), {}),
        (np.array([[0.0, np.inf], [1.0, 1.0]]), {}),
        (np.zeros((0, 2)), {}),
        (np.zeros(4), {}),
        (np.ones((5, 2)), {"eps": 0.0}),
        (np.ones((5, 2)), {"min_samples": 0}),
        (np.ones((5, 2)), {"metric": "nope"}),
        (np.ones((5, 4)), {"metric": "precomputed"}),
        (-np.ones((4, 4)), {"metric": "precomputed"}),
        (np.full((3, 3), np.nan), {"metric": "precomputed"}),
        (np.ones((4, 2, 2)), {}),
        (np.ones((4, 2)) + 1j, {}),
        (np.array([["a", "b"], ["c", "d"]]), {}),
        (np.zeros((5, 0)), {}),
        (np.ones((5, 2)), {"eps": -1.0}),
        (np.ones((5, 2)), {"min_samples": 2.5}),
        (np.ones((5, 2)), {"leaf_size": 0}),
        (np.ones((5, 2)), {"p": -1}),
        (np.ones((5, 2)), {"algorithm": "fast"}),
    ],
    ids=[
        "nan",
        "inf",
        "empty",
        "1d",
        "eps0",
        "min_samples0",
        "metric",
        "nonsquare",
        "neg",
        "precomputed-nan",
        "3d",
        "complex",
        "strings",
        "no-features",
        "eps-negative",
        "min_samples-float",
        "leaf_size0",
        "p-negative",
        "algorithm",
    ],
)
def test_bad_input_same_error_as_sklearn(X, kwargs):
    _same_error(lambda m: m.DBSCAN(**kwargs).fit(X))


@pytest.mark.parametrize(
    "w",
    [np.ones(3), np.ones((20, 2)), np.r_[np.nan, np.ones(19)], np.zeros(20)],
    ids=["length", "2d", "nan", "zeros"],
)
def test_bad_sample_weight_same_error_as_sklearn(w):
    X = np.random.default_rng(0).normal(size=(20, 2))
    try:
        skc.DBSCAN().fit(X, sample_weight=w)
    except ValueError:
        _same_error(lambda m: m.DBSCAN().fit(X, sample_weight=w))
    else:  # scikit-learn accepts it: so must we, with its answer
        _assert_same(
            DBSCAN().fit(X, sample_weight=w), skc.DBSCAN().fit(X, sample_weight=w)
        )


def test_predict_checks_its_input():
    X, eps, min_samples = _moons()
    model = DBSCAN(eps=eps, min_samples=min_samples)
    with pytest.raises(NotFittedError):
        model.predict(X)
    model.fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but DBSCAN is expecting 2"):
        model.predict(np.ones((4, 3)))
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(np.array([[np.nan, 0.0]]))


def test_no_core_samples_like_sklearn():
    X = np.array([[0.0, 0.0], [10.0, 10.0]], dtype=np.float32)
    ours = DBSCAN(eps=1.0, min_samples=2).fit(X)
    theirs = skc.DBSCAN(eps=1.0, min_samples=2).fit(X)
    _assert_same(ours, theirs)
    assert ours.components_.dtype == theirs.components_.dtype == np.float64


@parametrize_with_checks([DBSCAN()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "X, eps, min_samples",
    [
        # 3-D integer points: many pairs exactly at eps, across cell boundaries
        (np.random.default_rng(5).integers(0, 12, (3000, 3)).astype(float), 1.0, 5),
        # 1-D
        (np.random.default_rng(6).normal(size=(4000, 1)), 0.01, 4),
        # far from the origin: cell indices of 1e8 and rounding near cell edges
        (make_moons(2000, noise=0.08, random_state=3)[0] + 1e6, 0.1, 5),
        # diagonal neighbours at exactly eps (the cell diagonal)
        (np.array([[0.0, 0.0], [0.6, 0.8], [1.2, 1.6], [5.0, 5.0]] * 3), 1.0, 2),
    ],
    ids=["3d-ties", "1d", "offset", "diagonal"],
)
def test_grid_path_same_labels_as_sklearn(X, eps, min_samples):
    _assert_same(
        DBSCAN(eps=eps, min_samples=min_samples).fit(X),
        skc.DBSCAN(eps=eps, min_samples=min_samples).fit(X),
    )


def test_coordinates_too_large_for_the_grid_use_the_tree():
    X = np.array([[0.0, 0.0], [0.5, 0.0], [1e300, 0.0], [1e300, 0.5]])
    _assert_same(
        DBSCAN(eps=1.0, min_samples=2).fit(X), skc.DBSCAN(eps=1.0, min_samples=2).fit(X)
    )


def test_ctrl_c_stops_a_long_fit():
    import _thread
    import threading

    # no early exit: every sample counts its ~5000 neighbours, about a minute of work;
    # had the interrupt waited for the end, labels_ would be set
    X = np.random.default_rng(0).uniform(size=(1_200_000, 4))
    model = DBSCAN(eps=0.2, min_samples=10**7)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X)
    timer.cancel()
    assert not hasattr(model, "labels_")
    # still usable
    model.set_params(min_samples=5, eps=0.05).fit(X[:2000])
    assert model.labels_.shape == (2000,)


def _precomputed_cases():
    from sklearn.neighbors import kneighbors_graph, radius_neighbors_graph

    X, eps, min_samples = _blobs_noise()
    X = X[:1500]
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    rng = np.random.default_rng(7)
    asym = D * rng.uniform(0.7, 1.3, D.shape)  # not symmetric: i may reach j only
    np.fill_diagonal(asym, 0)
    knn = kneighbors_graph(X, 8, mode="distance")  # sparse and not symmetric
    radius = radius_neighbors_graph(X, eps, mode="distance")
    radius.data[::7] = 0.0  # explicit zeros are neighbours
    diag = D.copy()
    every_third = np.arange(0, len(D), 3)
    diag[every_third, every_third] = 2 * eps  # not their own neighbours
    return {
        "dense": (D, eps, min_samples),
        "dense-float32": (D.astype(np.float32), np.float32(eps).item(), min_samples),
        "asymmetric": (asym, eps, min_samples),
        "diagonal": (diag, eps, min_samples),
        "knn-graph": (knn, eps, 4),
        "radius-graph": (radius, eps, min_samples),
        "csc-graph": (radius.tocsc(), eps, min_samples),
    }


@pytest.mark.parametrize("case", list(_precomputed_cases()))
def test_precomputed_same_labels_as_sklearn(rng, case):
    D, eps, min_samples = _precomputed_cases()[case]
    w = rng.uniform(0.4, 1.8, D.shape[0])
    for weights in (None, w):
        ours = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed")
        theirs = skc.DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed")
        ours.fit(D, sample_weight=weights)
        theirs.fit(D, sample_weight=weights)
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        np.testing.assert_array_equal(
            ours.core_sample_indices_, theirs.core_sample_indices_
        )
        assert (ours.labels_ >= 0).any() and (ours.labels_ == -1).any()


def test_predict_on_a_sparse_distance_graph(rng):
    from sklearn.neighbors import NearestNeighbors

    X, eps, min_samples = _blobs_noise()
    X_new = rng.uniform(-12, 12, (800, 2))
    nn = NearestNeighbors(radius=eps).fit(X)
    model = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed")
    model.fit(nn.radius_neighbors_graph(X, mode="distance"))
    plain = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    np.testing.assert_array_equal(model.labels_, plain.labels_)
    # absent entries are not neighbours, so the graph gives what the points give
    G_new = nn.radius_neighbors_graph(X_new, mode="distance")
    expected = plain.predict(X_new)
    np.testing.assert_array_equal(model.predict(G_new), expected)
    assert (expected >= 0).any() and (expected == -1).any()


@pytest.mark.parametrize("d", [2, 3, 8])
def test_cosine_same_labels_as_sklearn(rng, d):
    # directions: blobs around the unit sphere, at varying lengths
    X = make_blobs(3000, n_features=d, centers=6, cluster_std=0.15, random_state=d)[0]
    X *= rng.uniform(0.5, 3.0, (len(X), 1))
    X = np.vstack([X, rng.normal(size=(200, d))])
    w = rng.uniform(0.5, 1.5, len(X))
    for eps, weights in ((0.002, None), (0.01, w)):
        ours = DBSCAN(eps=eps, min_samples=6, metric="cosine")
        theirs = skc.DBSCAN(eps=eps, min_samples=6, metric="cosine")
        _assert_same(
            ours.fit(X, sample_weight=weights), theirs.fit(X, sample_weight=weights)
        )
        assert ours.labels_.max() >= 2 and (ours.labels_ == -1).any()
    # predict: the nearest core sample by cosine distance
    X_new = rng.normal(size=(500, d))
    C = ours.components_ / np.linalg.norm(ours.components_, axis=1, keepdims=True)
    cos = 1 - (X_new / np.linalg.norm(X_new, axis=1, keepdims=True)) @ C.T
    nearest = cos.argmin(axis=1)
    hit = cos[np.arange(len(X_new)), nearest] <= ours.eps
    core_labels = ours.labels_[ours.core_sample_indices_]
    expected = np.where(hit, core_labels[nearest], -1)
    np.testing.assert_array_equal(ours.predict(X_new), expected)


def test_cosine_with_zero_rows_like_sklearn():
    X, _, _ = _moons()
    X = np.vstack([X + 2, np.zeros((3, 2))])
    ours = DBSCAN(eps=0.001, min_samples=5, metric="cosine").fit(X)
    _assert_same(ours, skc.DBSCAN(eps=0.001, min_samples=5, metric="cosine").fit(X))
    assert (ours.labels_[-3:] == -1).all()


def test_gil_released_during_fit():
    X = np.random.default_rng(1).normal(size=(300_000, 5))
    n_during, elapsed, model = python_runs_during(
        DBSCAN(eps=0.4, min_samples=10).fit, X
    )
    assert model.labels_.shape == (300_000,)
    assert n_during > min(5, elapsed * 100)
