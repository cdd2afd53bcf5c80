"""DBSCAN against its peers on the reference workloads, side by side in one run.

Peers: scikit-learn (n_jobs=-1, its best setting here) and the `dbscan` package
(Wang, Gu & Shun, SIGMOD 2020; float64, at most 20 dimensions). The number of clusters
and of noise points is tracked so speed is never read without the result.
"""

import numpy as np

from .common import blobs, extra_peak_memory, optional


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


# Extra memory of one fit, as a multiple of the size of X, on 1M x 2 uniform points
# with eps=0.3 (the workload) in boxes of three sizes: side 1 (every sample
# has ~280k neighbours: scikit-learn would need terabytes), 30 (~300 neighbours) and
# 1000 (all noise, one sample per grid cell: the worst case of the grid's arrays).
MEMORY_SIDES = {"U1": 1.0, "U30": 30.0, "U1000": 1000.0}
_MEMORY_SETUP = """
import numpy as np
X = np.random.default_rng(0).uniform(0, {side}, (1_000_000, 2))
{make}
"""
_MEMORY_MAKE = {
    "clustercore": "import clustercore\n"
    "fit = lambda: clustercore.DBSCAN(eps=0.3, min_samples=10).fit(X)\n"
    "clustercore.DBSCAN(eps=0.3).fit(X[:100])",
    "sklearn": "import sklearn.cluster\n"
    "fit = lambda: sklearn.cluster.DBSCAN(eps=0.3, min_samples=10, n_jobs=-1).fit(X)",
    "dbscan": "import dbscan\n"
    "fit = lambda: dbscan.DBSCAN(X, eps=0.3, min_samples=10)\n"
    "dbscan.DBSCAN(X[:100], eps=0.3, min_samples=10)",
}


class DBSCANMemory:
    params = (list(MEMORY_SIDES), IMPLEMENTATIONS)
    param_names = ["workload", "impl"]
    timeout = 900
    number = 1
    repeat = 1

    def setup(self, workload, impl):
        if impl != "clustercore":
            optional("sklearn.cluster" if impl == "sklearn" else impl)
        if impl == "sklearn" and MEMORY_SIDES[workload] < 30:
            raise NotImplementedError("scikit-learn stores ~2.8e11 neighbours here")

    def track_extra_peak_memory(self, workload, impl):
        setup = _MEMORY_SETUP.format(
            side=MEMORY_SIDES[workload], make=_MEMORY_MAKE[impl]
        )
        m = extra_peak_memory(setup, "fit()")
        return m["extra"] / m["x_bytes"]

    track_extra_peak_memory.unit = "x size of X"


class DBSCANLarge:
    """10M x 2 (blobs plus 10% noise, eps=0.1): fits and finishes. Slow: about a
    minute with data generation; select or skip with ``--bench DBSCANLarge``."""

    params = (["clustercore", "dbscan"],)
    param_names = ["impl"]
    timeout = 1800
    number = 1
    repeat = 1
    warmup_time = 0

    def setup(self, impl):
        self.fit = _fitter(impl, 0.1, 10)
        self.X = blobs_noise(10_000_000)

    def time_fit(self, impl):
        self.fit(self.X)

    def track_clusters(self, impl):
        return int(np.asarray(self.fit(self.X)).max()) + 1
