"""KMeans and GaussianMixture on a dask LocalCluster (2 worker processes, 1 thread
each), clustercore against dask-ml, side by side in one run.

D1: 1M x 16 in 8 blocks, k=64, 10 Lloyd iterations from the same initial centres
(tol=0), so both do the same work; the inertia is recomputed from each fit's centres
(dask-ml's own inertia_ does not measure the squared distances of its labels).
"""

import warnings

import numpy as np

from .common import blobs, optional


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
        distributed = optional("distributed")
        module = "clustercore.dask" if impl == "clustercore" else "dask_ml.cluster"
        self.KMeans = optional(module).KMeans
        self.cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        self.client = distributed.Client(self.cluster)
        self.X = blobs(1_000_000, 16, 64)
        self.Xd = da.from_array(self.X, chunks=(125_000, 16)).persist()
        self.init = self.X[:64].copy()
        self.impl = impl

    def teardown(self, impl):
        self.client.close()
        self.cluster.close()

    def _fit(self):
        kw = dict(init=self.init, max_iter=10, tol=0)
        if self.impl == "clustercore":
            kw["n_init"] = 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.KMeans(64, **kw).fit(self.Xd)

    def time_fit(self, impl):
        self._fit()

    def track_inertia(self, impl):
        import clustercore

        centers = np.asarray(self._fit().cluster_centers_, dtype=np.float64)
        model = clustercore.KMeans(64, init=centers, n_init=1, max_iter=1)
        model.cluster_centers_ = centers
        model._n_features_out = 64
        model.n_features_in_ = 16
        return -model.score(self.X)

    track_inertia.unit = "inertia"
