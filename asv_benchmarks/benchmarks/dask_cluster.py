"""clustercore.dask on a distributed LocalCluster (2 worker processes, 1 thread each),
side by side with its peers in one run.

DaskKMeans: 1M x 16 in 8 blocks, k=64, 10 Lloyd iterations from the same initial
centres (tol=0), clustercore against dask-ml on the same cluster; the inertia is
recomputed from each fit's centres (dask-ml's own inertia_ does not measure the squared
distances of its labels). DaskKMeansDefaults: the same data with each library's
defaults, k-means|| included (seconds and inertia). DaskGaussianMixture: 500k x 8 in 8
blocks, 8 full components, 10 EM iterations from the same parameters, against
scikit-learn in memory (no dask library fits mixtures). The setup runs one iteration
first, so the workers have imported (and dask-ml's numba has compiled) what the fit
needs: the times are those of the iterations. DaskLargerThanMemory (slow): X of 2 GB
on 2 workers limited to 600 MB each, spilled to disk or streamed from .npy files.
"""

import time
import warnings
from pathlib import Path

import numpy as np

from .common import blobs, optional


def _cluster(**kw):
    distributed = optional("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        **kw,
    )
    return cluster, distributed.Client(cluster)


def _inertia(X, centers):
    """sum of squared distances to the nearest centre, by clustercore's kernel."""
    import clustercore

    centers = np.ascontiguousarray(centers, dtype=np.float64)
    model = clustercore.KMeans(len(centers), init=centers, n_init=1)
    model.cluster_centers_ = centers
    model._n_features_out = len(centers)
    model.n_features_in_ = X.shape[1]
    return -model.score(X)


class DaskKMeans:
    params = (["clustercore", "dask-ml"],)
    param_names = ["impl"]
    timeout = 900
    number = 1
    repeat = (1, 3, 60.0)
    rounds = 1
    warmup_time = 0

    def setup(self, impl):
        da = optional("dask.array")
        module = "clustercore.dask" if impl == "clustercore" else "dask_ml.cluster"
        self.KMeans = optional(module).KMeans
        self.cluster, self.client = _cluster()
        self.X = blobs(1_000_000, 16, 64)
        self.Xd = da.from_array(self.X, chunks=(125_000, 16)).persist()
        self.init = self.X[:64].copy()
        self.impl = impl
        self._fit(1)

    def teardown(self, impl):
        self.client.close()
        self.cluster.close()

    def _fit(self, max_iter=10):
        kw = dict(init=self.init, max_iter=max_iter, tol=0)
        if self.impl == "clustercore":
            kw["n_init"] = 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.KMeans(64, **kw).fit(self.Xd)

    def time_fit(self, impl):
        self._fit()

    def track_inertia(self, impl):
        return _inertia(self.X, self._fit().cluster_centers_)

    track_inertia.unit = "inertia"


class DaskKMeansDefaults:
    """KMeans with each library's defaults (k-means|| initialisation, tol, max_iter)
    on the same data and cluster as DaskKMeans: the fit's seconds and the inertia it
    reaches. dask-ml takes about a minute here; select with ``--bench Defaults``.
    The fit runs once in setup (twice in all, one per tracked number)."""

    params = (["clustercore", "dask-ml"],)
    param_names = ["impl"]
    timeout = 1800
    number = 1
    repeat = 1
    warmup_time = 0

    def setup(self, impl):
        da = optional("dask.array")
        module = "clustercore.dask" if impl == "clustercore" else "dask_ml.cluster"
        KMeans = optional(module).KMeans
        self.cluster, self.client = _cluster()
        X = blobs(1_000_000, 16, 64)
        Xd = da.from_array(X, chunks=(125_000, 16)).persist()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            KMeans(64, random_state=0, max_iter=1).fit(Xd)  # warm the workers
            start = time.perf_counter()
            model = KMeans(64, random_state=0).fit(Xd)
            self.seconds = time.perf_counter() - start
        self.inertia = _inertia(X, model.cluster_centers_)

    def teardown(self, impl):
        self.client.close()
        self.cluster.close()

    def track_fit_seconds(self, impl):
        return self.seconds

    track_fit_seconds.unit = "seconds"

    def track_inertia(self, impl):
        return self.inertia

    track_inertia.unit = "inertia"


class DaskGaussianMixture:
    params = (["clustercore", "sklearn"],)
    param_names = ["impl"]
    timeout = 900
    number = 1
    repeat = (1, 3, 60.0)
    rounds = 1
    warmup_time = 0

    def setup(self, impl):
        da = optional("dask.array")
        self.X = blobs(500_000, 8, 8, seed=1)
        k = 8
        rng = np.random.default_rng(0)
        self.init = dict(
            weights_init=np.full(k, 1.0 / k),
            means_init=self.X[rng.choice(len(self.X), k, replace=False)],
            precisions_init=np.repeat(np.eye(8)[None] / 4.0, k, axis=0),
        )
        self.impl = impl
        if impl == "clustercore":
            self.GM = optional("clustercore.dask").GaussianMixture
            self.cluster, self.client = _cluster()
            self.data = da.from_array(self.X, chunks=(62_500, 8)).persist()
        else:
            self.GM = optional("sklearn.mixture").GaussianMixture
            self.cluster = None
            self.data = self.X
        self._fit(1)

    def teardown(self, impl):
        if self.cluster is not None:
            self.client.close()
            self.cluster.close()

    def _fit(self, max_iter=10):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.GM(8, max_iter=max_iter, tol=0, **self.init).fit(self.data)

    def time_fit(self, impl):
        self._fit()

    def track_lower_bound(self, impl):
        return float(self._fit().lower_bound_)

    track_lower_bound.unit = "mean log-likelihood"


class DaskLargerThanMemory:
    """KMeans (k=16, 5 iterations from given centres) on 32M x 8 (2 GB) with 2
    workers limited to 600 MB each: 'spill' persists X (the workers spill to disk what
    exceeds their limit), 'stream' reads X from its .npy files on every pass. Slow:
    a few minutes with the data written once; select with ``--bench Larger``."""

    params = (["spill", "stream"],)
    param_names = ["mode"]
    timeout = 3600
    number = 1
    repeat = 1
    warmup_time = 0

    def setup_cache(self):
        da = optional("dask.array")
        optional("distributed")
        # asv runs this in a temporary directory that it removes afterwards
        path = Path("X.npy-stack").resolve()
        n, chunk = 32_000_000, 1_000_000
        offsets = da.random.RandomState(1).randint(0, 16, size=(n, 1), chunks=chunk)
        noise = da.random.RandomState(0).normal(size=(n, 8), chunks=(chunk, 8))
        da.to_npy_stack(str(path), noise + 3.0 * offsets, axis=0)
        return str(path)

    def setup(self, path, mode):
        da = optional("dask.array")
        self.cluster, self.client = _cluster(memory_limit="600MB")
        self.X = da.from_npy_stack(path)
        self.init = self.X[:16].compute()
        self.KMeans = optional("clustercore.dask").KMeans
        self.mode = mode

    def teardown(self, path, mode):
        self.client.close()
        self.cluster.close()

    def _fit(self):
        persist = self.mode == "spill"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.KMeans(
                16, init=self.init, n_init=1, max_iter=5, tol=0, persist=persist
            ).fit(self.X)

    def time_fit(self, path, mode):
        self._fit()

    def track_inertia(self, path, mode):
        return float(self._fit().inertia_)

    track_inertia.unit = "inertia"
