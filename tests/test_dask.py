"""clustercore.dask: fits on dask arrays equal the in-memory fits."""

import subprocess
import sys

import clustercore
import numpy as np
import pytest

from .reference import blobs

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from clustercore.dask import KMeans as DaskKMeans  # noqa: E402


@pytest.fixture(scope="module")
def cluster_client():
    """A LocalCluster of 2 worker processes with 1 thread each."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _data(dtype=np.float64):
    return blobs(6000, d=4, k=6, std=1.0, seed=3, dtype=dtype)


def _assert_same_fit(dask_fit, mem, rtol=1e-12):
    assert dask_fit.n_iter_ == mem.n_iter_
    np.testing.assert_allclose(
        dask_fit.cluster_centers_, mem.cluster_centers_, rtol=rtol
    )
    assert dask_fit.inertia_ == pytest.approx(mem.inertia_, rel=rtol)
    np.testing.assert_array_equal(np.asarray(dask_fit.labels_), mem.labels_)


@pytest.mark.parametrize("n_chunks", [1, 2, 7])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_equals_in_memory_fit(n_chunks, tol):
    X = _data()
    init = X[:6].copy()
    mem = clustercore.KMeans(6, init=init, n_init=1, tol=tol).fit(X)
    Xd = da.from_array(X, chunks=(-(-len(X) // n_chunks), 4))
    with dask.config.set(scheduler="threads"):
        fit = DaskKMeans(6, init=init, n_init=1, tol=tol).fit(Xd)
    _assert_same_fit(fit, mem)
    assert isinstance(fit.labels_, da.Array)
    if n_chunks == 1:  # one block: the very same sums
        np.testing.assert_array_equal(fit.cluster_centers_, mem.cluster_centers_)


def test_equals_in_memory_fit_on_a_process_cluster(cluster_client):
    X = _data()
    init = X[:6].copy()
    mem = clustercore.KMeans(6, init=init, n_init=1).fit(X)
    fit = DaskKMeans(6, init=init, n_init=1).fit(da.from_array(X, chunks=(900, 4)))
    _assert_same_fit(fit, mem)
    predicted = fit.predict(da.from_array(X, chunks=(1000, 4))).compute()
    np.testing.assert_array_equal(predicted, mem.labels_)


def test_client_tasks_equal_the_local_scheduler(cluster_client, monkeypatch):
    # on a client the blocks are served by one task each on their futures; the
    # results are those of one map_blocks on the threaded scheduler, bit for bit
    # (k-means|| with its per-block columns, Lloyd, and a GaussianMixture on top)
    import clustercore.dask as cdask

    X = _data()
    w = np.random.default_rng(2).integers(1, 3, len(X)).astype(float)
    Xd = da.from_array(X, chunks=(1300, 4))
    wd = da.from_array(w, chunks=(1300,))
    kw = dict(random_state=4, max_iter=20, tol=0)
    with dask.config.set(scheduler="threads"):
        local = DaskKMeans(6, **kw).fit(Xd, sample_weight=wd)
        local_gmm = DaskGaussianMixture(3, random_state=1).fit(Xd)

    def refuse(*args):
        raise AssertionError("the map_blocks path ran on a client")

    monkeypatch.setattr(cdask, "_per_block_local", refuse)
    fit = DaskKMeans(6, **kw).fit(Xd, sample_weight=wd)
    gmm = DaskGaussianMixture(3, random_state=1).fit(Xd)
    np.testing.assert_array_equal(fit.cluster_centers_, local.cluster_centers_)
    assert fit.inertia_ == local.inertia_
    np.testing.assert_array_equal(gmm.means_, local_gmm.means_)
    assert gmm.lower_bound_ == local_gmm.lower_bound_


def test_large_arguments_are_scattered_not_embedded(cluster_client, monkeypatch):
    # centres above the threshold (here: any) go to the workers as scattered data,
    # once per worker, and the fit is the very same
    import clustercore.dask as cdask

    X = _data()
    Xd = da.from_array(X, chunks=(1300, 4))
    embedded = DaskKMeans(6, random_state=3).fit(Xd)
    scattered = []
    scatter = type(cluster_client).scatter

    def counting_scatter(self, data, *args, **kwargs):
        scattered.append(data)
        return scatter(self, data, *args, **kwargs)

    monkeypatch.setattr(cdask, "_SCATTER_BYTES", 0)
    monkeypatch.setattr(type(cluster_client), "scatter", counting_scatter)
    fit = DaskKMeans(6, random_state=3).fit(Xd)
    assert scattered
    assert fit.cluster_centers_.tobytes() == embedded.cluster_centers_.tobytes()
    assert fit.inertia_ == embedded.inertia_


# run on the workers by reference to a builtin (a function of this module would
# import this module there, and scikit-learn with it)
_HAS_SKLEARN = "'sklearn' in __import__('sys').modules"


def test_workers_fit_without_importing_sklearn():
    # the fits send only clustercore._blocks' kernels to the workers: fresh worker
    # processes never import scikit-learn (about 150 MB and 1 s each); predict does
    X = _data()
    Xd = da.from_array(X, chunks=(1300, 4))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        km = DaskKMeans(6, random_state=0).fit(Xd)
        DaskGaussianMixture(3, random_state=0).fit(Xd)
        DaskMiniBatchKMeans(6, random_state=0, max_iter=2).fit(Xd)
        assert not any(client.run(eval, _HAS_SKLEARN).values())
        km.predict(Xd).compute()
        assert any(client.run(eval, _HAS_SKLEARN).values())


def test_blocks_are_realigned_once_on_the_workers(cluster_client):
    # blocks shipped from the client arrive at any address; persisted for a fit they
    # are aligned, so the passes read them in place
    import operator

    import clustercore.dask as cdask

    Xd = da.from_array(_data(), chunks=(700, 4))
    X, w, kept = cdask._rows_and_weights(Xd, None, "auto")
    assert kept
    flags = cluster_client.gather(
        cluster_client.map(
            operator.attrgetter("flags.aligned"), cdask._block_futures(X)
        )
    )
    assert len(flags) == X.numblocks[0] and all(flags)
    # blocks the workers made are aligned already: no second key per block
    made = da.random.RandomState(0).random_sample((5000, 4), chunks=(700, 4)).persist()
    again, _, _ = cdask._rows_and_weights(made, None, "auto")
    assert again.name == made.name


def test_unequal_empty_and_unknown_chunks_and_weights():
    X = _data()
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(X))
    init = X[:6].copy()
    mem = clustercore.KMeans(6, init=init, n_init=1).fit(X, sample_weight=w)
    Xd = da.from_array(X, chunks=((1000, 0, 2500, 7, 2493), (4,)))
    wd = da.from_array(w, chunks=((1000, 0, 2500, 7, 2493),))
    with dask.config.set(scheduler="threads"):
        fit = DaskKMeans(6, init=init, n_init=1).fit(Xd, sample_weight=wd)
        _assert_same_fit(fit, mem)
        unknown = Xd[Xd[:, 0] > -np.inf]  # chunk sizes unknown (nan) until computed
        assert np.isnan(unknown.chunks[0][0])
        again = DaskKMeans(6, init=init, n_init=1).fit(unknown, sample_weight=wd)
    _assert_same_fit(again, mem)


def test_float32_kept():
    X = _data(np.float32)
    init = X[:6].copy()
    mem = clustercore.KMeans(6, init=init, n_init=1).fit(X)
    with dask.config.set(scheduler="threads"):
        fit = DaskKMeans(6, init=init, n_init=1).fit(da.from_array(X, chunks=(2000, 4)))
        distances = fit.transform(da.from_array(X, chunks=(2000, 4)))
    assert fit.cluster_centers_.dtype == np.float32
    assert distances.dtype == np.float32
    _assert_same_fit(fit, mem, rtol=1e-5)
    np.testing.assert_allclose(distances.compute(), mem.transform(X), rtol=1e-5)


def test_empty_cluster_relocated_as_in_memory():
    X = _data()
    init = np.vstack([X[:5], [[1e3, 1e3, 1e3, 1e3]]])  # the last centre gets no sample
    mem = clustercore.KMeans(6, init=init, n_init=1, max_iter=5).fit(X)
    with dask.config.set(scheduler="threads"):
        fit = DaskKMeans(6, init=init, n_init=1, max_iter=5).fit(
            da.from_array(X, chunks=(1700, 4))
        )
    _assert_same_fit(fit, mem)
    assert np.abs(fit.cluster_centers_).max() < 100  # it came back to the data


def test_kmeans_plusplus_on_all_rows_equals_in_memory():
    # init_sample >= n: k-means++ draws scikit-learn's stream on all of X
    X = _data()
    mem = clustercore.KMeans(6, random_state=4).fit(X)
    with dask.config.set(scheduler="threads"):
        fit = DaskKMeans(6, init="k-means++", random_state=4).fit(
            da.from_array(X, chunks=(2500, 4))
        )
    assert fit.inertia_ == pytest.approx(mem.inertia_, rel=1e-12)


def test_numpy_input_is_the_in_memory_fit():
    # 'k-means||' on NumPy input is the in-memory k-means++
    X = _data()
    a = DaskKMeans(6, random_state=0).fit(X)
    b = clustercore.KMeans(6, random_state=0).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_import_clustercore_does_not_import_dask():
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, clustercore; print('dask' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "False"


# ---------------------------------------------------------------- GaussianMixture

from clustercore.dask import GaussianMixture as DaskGaussianMixture  # noqa: E402


def _assert_same_mixture(ours, mem, X, rtol=1e-10):
    assert ours.n_iter_ == mem.n_iter_
    assert ours.converged_ == mem.converged_
    for attr in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        np.testing.assert_allclose(
            getattr(ours, attr), getattr(mem, attr), rtol=rtol, atol=rtol, err_msg=attr
        )
    assert ours.lower_bound_ == pytest.approx(mem.lower_bound_, rel=rtol)
    Xd = da.from_array(X, chunks=(2000, X.shape[1]))
    np.testing.assert_allclose(
        ours.predict_proba(Xd).compute(), mem.predict_proba(X), atol=1e-9
    )
    np.testing.assert_array_equal(ours.predict(Xd).compute(), mem.predict(X))


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random_from_data"])
def test_mixture_equals_in_memory_fit(covariance_type, init_params):
    X = blobs(4000, d=3, k=4, std=1.0, seed=5)
    kw = dict(covariance_type=covariance_type, init_params=init_params, random_state=0)
    mem = clustercore.GaussianMixture(4, **kw).fit(X)
    with dask.config.set(scheduler="threads"):
        for n_chunks in (1, 2, 7):
            Xd = da.from_array(X, chunks=(-(-len(X) // n_chunks), 3))
            _assert_same_mixture(DaskGaussianMixture(4, **kw).fit(Xd), mem, X)


def test_mixture_weights_float32_and_process_cluster(cluster_client):
    X = blobs(4000, d=3, k=4, std=1.0, seed=6)
    w = np.random.default_rng(1).integers(1, 4, len(X)).astype(float)
    kw = dict(random_state=0, init_params="random_from_data")
    mem = clustercore.GaussianMixture(4, **kw).fit(X, sample_weight=w)
    Xd = da.from_array(X, chunks=(900, 3))
    wd = da.from_array(w, chunks=(900,))
    _assert_same_mixture(DaskGaussianMixture(4, **kw).fit(Xd, sample_weight=wd), mem, X)
    X32 = X.astype(np.float32)
    mem32 = clustercore.GaussianMixture(4, **kw).fit(X32)
    fit32 = DaskGaussianMixture(4, **kw).fit(da.from_array(X32, chunks=(900, 3)))
    assert fit32.means_.dtype == np.float32
    np.testing.assert_allclose(fit32.means_, mem32.means_, rtol=1e-5, atol=1e-5)


def test_mixture_refuses_random_init_on_dask():
    X = da.from_array(blobs(500, d=2, k=2, seed=1), chunks=(100, 2))
    with pytest.raises(ValueError, match="init_params='random' is not available"):
        DaskGaussianMixture(2, init_params="random").fit(X)


# ---------------------------------------------------------------- MiniBatchKMeans

from clustercore.dask import MiniBatchKMeans as DaskMiniBatchKMeans  # noqa: E402


def test_minibatch_pass_equals_partial_fit_over_the_same_batches():
    X = _data()
    init = X[:6].copy()
    kw = dict(init=init, batch_size=500, reassignment_ratio=0.0)
    stream = clustercore.MiniBatchKMeans(6, **kw)
    for start in range(0, len(X), 500):
        stream.partial_fit(X[start : start + 500])
    with dask.config.set(scheduler="threads"):
        fit = DaskMiniBatchKMeans(6, max_iter=1, max_no_improvement=None, **kw).fit(
            da.from_array(X, chunks=(1500, 4))
        )
    assert fit.n_steps_ == stream.n_steps_ == 12
    np.testing.assert_allclose(
        fit.cluster_centers_, stream.cluster_centers_, rtol=1e-12
    )
    np.testing.assert_array_equal(fit._counts, stream._counts)
    labels = fit.labels_.compute()
    np.testing.assert_array_equal(labels, stream.predict(X))
    assert fit.inertia_ == pytest.approx(-stream.score(X), rel=1e-12)


def test_minibatch_quality_matches_in_memory():
    # the same initial centres (the in-memory draws); batches differ (consecutive
    # rows against random draws), the optimum found does not
    X = _data()
    for seed in range(3):
        mem = clustercore.MiniBatchKMeans(6, random_state=seed, batch_size=256).fit(X)
        with dask.config.set(scheduler="threads"):
            fit = DaskMiniBatchKMeans(6, random_state=seed, batch_size=256).fit(
                da.from_array(X, chunks=(1000, 4))
            )
        assert fit.inertia_ == pytest.approx(mem.inertia_, rel=0.01)


# ---------------------------------------------------------------- larger than memory


def _counted_source(n_blocks, rows, d, reads):
    """A lazy dask array whose block i is made on demand (blobs around block-
    dependent centres, the same values every time); reads[i] counts the makings."""

    def make(block_id=None):
        i = block_id[0]
        reads[i] = reads.get(i, 0) + 1
        rng = np.random.default_rng(i)
        centres = np.random.default_rng(99).normal(scale=6.0, size=(5, d))
        return centres[rng.integers(0, 5, rows)] + rng.normal(size=(rows, d))

    return da.map_blocks(
        make, chunks=((rows,) * n_blocks, (d,)), dtype=np.float64, meta=np.empty((0, 0))
    )


@pytest.mark.parametrize("estimator", ["kmeans", "mixture", "minibatch"])
def test_streamed_fit_equals_persisted_fit(estimator):
    # persist=False reads X from its source on every pass and fits the very same
    # model as persist=True
    make = {
        "kmeans": lambda p: DaskKMeans(5, random_state=1, max_iter=8, persist=p),
        "mixture": lambda p: DaskGaussianMixture(3, random_state=2, persist=p),
        "minibatch": lambda p: DaskMiniBatchKMeans(
            5, random_state=3, batch_size=300, max_iter=3, persist=p
        ),
    }[estimator]
    with dask.config.set(scheduler="threads"):
        reads_kept, reads_streamed = {}, {}
        kept = make(True).fit(_counted_source(6, 700, 3, reads_kept))
        streamed = make(False).fit(_counted_source(6, 700, 3, reads_streamed))
    assert max(reads_kept.values()) == 1
    assert min(reads_streamed.values()) >= 3  # read again on the passes
    if estimator == "mixture":
        np.testing.assert_array_equal(streamed.means_, kept.means_)
        assert streamed.lower_bound_ == kept.lower_bound_
    else:
        np.testing.assert_array_equal(streamed.cluster_centers_, kept.cluster_centers_)
        assert streamed.inertia_ == kept.inertia_


def test_streamed_fit_holds_a_few_blocks_of_x(monkeypatch):
    # 'auto' on a local scheduler streams X when it takes more than half the free
    # memory (here, free memory says so): the fit's peak allocation is a few blocks
    import tracemalloc

    import clustercore.dask as cdask

    n_blocks, rows, d = 48, 10_000, 16
    x_bytes = n_blocks * rows * d * 8
    monkeypatch.setattr(cdask, "_available_memory", lambda: x_bytes)
    reads = {}
    X = _counted_source(n_blocks, rows, d, reads)
    with dask.config.set(scheduler="threads", num_workers=2):
        tracemalloc.start()
        try:
            fit = DaskKMeans(5, random_state=0, max_iter=4).fit(X)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert fit.n_iter_ >= 2
    assert min(reads.values()) > 2
    assert peak < x_bytes / 4, (peak, x_bytes)
    # with the memory free, the same fit keeps X: one read per block
    monkeypatch.setattr(cdask, "_available_memory", lambda: 4 * x_bytes)
    reads.clear()
    with dask.config.set(scheduler="threads"):
        again = DaskKMeans(5, random_state=0, max_iter=4).fit(X)
    assert max(reads.values()) == 1
    np.testing.assert_array_equal(again.cluster_centers_, fit.cluster_centers_)


@pytest.mark.slow
def test_larger_than_a_workers_memory_limit_spilled_or_streamed(tmp_path):
    # 640 MB of X on 2 workers limited to 300 MB each: persisted, the workers spill
    # it to disk; streamed, it is read from its .npy files on every pass. Both fit
    # the same model, the in-memory one.
    n, chunk = 10_000_000, 500_000
    noise = da.random.RandomState(0).normal(size=(n, 8), chunks=(chunk, 8))
    offsets = da.random.RandomState(1).randint(0, 6, size=(n, 1), chunks=chunk)
    da.to_npy_stack(str(tmp_path), noise + 4.0 * offsets, axis=0)
    X = da.from_npy_stack(str(tmp_path))
    init = X[:6].compute()
    fits = {}
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit="300MB",
        ) as cluster,
        distributed.Client(cluster),
    ):
        for persist in (True, False):
            fits[persist] = DaskKMeans(
                6, init=init, n_init=1, max_iter=4, tol=0, persist=persist
            ).fit(X)
    np.testing.assert_array_equal(
        fits[True].cluster_centers_, fits[False].cluster_centers_
    )
    assert fits[True].inertia_ == fits[False].inertia_
    # and the fit is the in-memory one, to rounding
    mem = clustercore.KMeans(6, init=init, n_init=1, max_iter=4, tol=0).fit(X.compute())
    np.testing.assert_allclose(
        fits[True].cluster_centers_, mem.cluster_centers_, rtol=1e-12
    )
    assert fits[True].inertia_ == pytest.approx(mem.inertia_, rel=1e-12)


def test_score_block_by_block_equals_in_memory_score():
    X = _data()
    w = np.random.default_rng(5).uniform(0.5, 2.0, len(X))
    chunks = ((1000, 0, 2500, 7, 2493),)
    Xd = da.from_array(X, chunks=(chunks[0], (4,)))
    wd = da.from_array(w, chunks=chunks)
    with dask.config.set(scheduler="threads"):
        for model in (
            DaskKMeans(6, random_state=0).fit(Xd),
            DaskMiniBatchKMeans(6, random_state=0).fit(Xd),
        ):
            base = type(model).__mro__[1]  # the in-memory estimator
            for weights, dask_weights in ((None, None), (w, wd), (w, w)):
                expected = base.score(model, X, sample_weight=weights)
                got = model.score(Xd, sample_weight=dask_weights)
                assert got == pytest.approx(expected, rel=1e-12)
            with pytest.raises(ValueError, match="X has 3 features"):
                model.score(Xd[:, :3])
        gmm = DaskGaussianMixture(3, random_state=0).fit(Xd)
        assert gmm.score(Xd) == pytest.approx(
            clustercore.GaussianMixture.score(gmm, X), rel=1e-12
        )
        assert gmm.bic(Xd) == pytest.approx(
            clustercore.GaussianMixture.bic(gmm, X), rel=1e-12
        )


def test_equals_the_pruned_in_memory_fit(cluster_client):
    # from 24 features the in-memory fit prunes with Hamerly's bounds; the dask
    # passes scan every centre: the same labels, centres to rounding
    X = blobs(5000, d=30, k=8, std=2.0, seed=4)
    init = X[:8].copy()
    mem = clustercore.KMeans(8, init=init, n_init=1, tol=0).fit(X)
    fit = DaskKMeans(8, init=init, n_init=1, tol=0).fit(
        da.from_array(X, chunks=(900, 30))
    )
    _assert_same_fit(fit, mem)


@pytest.mark.parametrize("estimator", ["KMeans", "MiniBatchKMeans", "GaussianMixture"])
def test_bad_values_raise_the_in_memory_error(estimator):
    # NaN or infinity in X, NaN/infinite/all-zero weights: found in the first pass
    # and reported as the in-memory fit reports them; negative weights: refused
    # with scikit-learn's message (in memory, k-means++ fails on them or not,
    # depending on the draws)
    mem_cls = getattr(clustercore, estimator)
    dask_cls = {
        "KMeans": DaskKMeans,
        "MiniBatchKMeans": DaskMiniBatchKMeans,
        "GaussianMixture": DaskGaussianMixture,
    }[estimator]
    X = _data()
    ones = np.ones(len(X))
    nan_x, inf_x = X.copy(), X.copy()
    nan_x[4000, 2] = np.nan
    inf_x[4500, 1] = -np.inf
    cases = [(nan_x, None), (inf_x, None), (X, 0.0 * ones)]
    for bad in (np.nan, np.inf):
        w = ones.copy()
        w[3000] = bad
        cases.append((X, w))
    for Xc, wc in cases:
        with pytest.raises(ValueError) as info:
            mem_cls(4, random_state=0).fit(Xc, sample_weight=wc)
        expected = str(info.value)
        assert expected.startswith(("Input ", "Sample weights"))
        Xd = da.from_array(Xc, chunks=(1300, 4))
        wd = None if wc is None else da.from_array(wc, chunks=(1300,))
        with dask.config.set(scheduler="threads"):
            with pytest.raises(ValueError) as info:
                dask_cls(4, random_state=0).fit(Xd, sample_weight=wd)
        assert str(info.value) == expected
    w = ones.copy()
    w[10] = -1.0
    with dask.config.set(scheduler="threads"):
        with pytest.raises(ValueError, match="Negative values in data passed to"):
            dask_cls(4, random_state=0).fit(
                da.from_array(X, chunks=(1300, 4)),
                sample_weight=da.from_array(w, chunks=(1300,)),
            )
