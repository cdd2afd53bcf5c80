"""DBSCAN against its peers on the reference workloads, side by side in one run.

Peers: scikit-learn (n_jobs=-1, its best setting here) and the `dbscan` package
(Wang, Gu & Shun, SIGMOD 2020; float64, at most 20 dimensions). The number of clusters
and of noise points is tracked so speed is never read without the result.
"""

import numpy as np

from .common import blobs, optional


def blobs_noise(n, d=2, seed=0):
    rng = np.random.default_rng(seed)
    m = int(n * 0.9)
    noise = rng.uniform(-12, 12, size=(n - m, d))
    return np.vstack([blobs(m, d, 20, std=0.5, seed=seed), noise])


# name: (data factory, eps, min_samples)
WORKLOADS = {
    "D1": (lambda: blobs_noise(100_000), 0.1, 10),
    "D2": (lambda: blobs_noise(400_000), 0.1, 10),
    "D3": (lambda: blobs(100_000, 8, 20), 1.0, 10),
}
IMPLEMENTATIONS = ["clustercore", "sklearn", "dbscan"]


def _fitter(impl, eps, min_samples):
    if impl == "dbscan":
        wgs = optional("dbscan")

        def fit(X):
            return wgs.DBSCAN(
                np.ascontiguousarray(X, dtype=np.float64),
                eps=eps,
                min_samples=min_samples,
            )[0]

        return fit
    if impl == "sklearn":
        cls, kw = optional("sklearn.cluster").DBSCAN, {"n_jobs": -1}
    else:
        cls, kw = optional("clustercore").DBSCAN, {}

    def fit(X):
        return cls(eps=eps, min_samples=min_samples, **kw).fit(X).labels_

    return fit


class DBSCANFit:
    params = (list(WORKLOADS), IMPLEMENTATIONS)
    param_names = ["workload", "impl"]
    timeout = 900
    number = 1
    repeat = (1, 3, 60.0)
    rounds = 1
    warmup_time = 0

    def setup(self, workload, impl):
        make, eps, min_samples = WORKLOADS[workload]
        self.X = make()
        self.fit = _fitter(impl, eps, min_samples)

    def time_fit(self, workload, impl):
        self.fit(self.X)

    def peakmem_fit(self, workload, impl):
        self.fit(self.X)

    def track_clusters(self, workload, impl):
        return int(np.asarray(self.fit(self.X)).max()) + 1

    def track_noise(self, workload, impl):
        return int((np.asarray(self.fit(self.X)) < 0).sum())
