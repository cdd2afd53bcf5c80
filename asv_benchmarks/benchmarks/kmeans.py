"""KMeans against its peers on the reference workloads, side by side in one run.

The implementation is a parameter, so one ``asv run`` measures clustercore and the
peers on the same machine at the same moment; ``python ratios.py`` turns the results
into the peer_time / clustercore_time table. Every fit does fixed work (tol=0 and a
fixed number of iterations, except K1, the chapter's default fit), and the inertia is
tracked so speed is never read without quality.
"""

import numpy as np

from .common import blobs, chapter_blobs, optional

# name: (data factory, n_clusters, n_init, max_iter, tol, random_state)
WORKLOADS = {
    "K1": (chapter_blobs, 5, 10, 300, 1e-4, 42),
    "K2": (lambda: blobs(200_000, 16, 64), 64, 1, 30, 0.0, 0),
    "K2f": (lambda: blobs(200_000, 16, 64, dtype="float32"), 64, 1, 30, 0.0, 0),
    "K3": (lambda: blobs(1_000_000, 2, 16), 16, 1, 30, 0.0, 0),
    "K4": (lambda: blobs(50_000, 784, 10, std=8.0), 10, 1, 30, 0.0, 0),
    # few features, many clusters: where Hamerly's bounds cost more than they save
    "K5": (lambda: blobs(500_000, 4, 64, std=2.0), 64, 1, 30, 0.0, 0),
}
IMPLEMENTATIONS = ["clustercore", "sklearn", "sklearnex", "faiss"]


def _fitter(impl, k, n_init, max_iter, tol, seed):
    if impl == "faiss":
        faiss = optional("faiss")
        faiss.omp_set_num_threads(2)

        def fit(X):
            km = faiss.Kmeans(
                X.shape[1],
                k,
                niter=max_iter,
                nredo=n_init,
                seed=seed + 1,
                max_points_per_centroid=10**9,
            )
            km.train(np.ascontiguousarray(X, dtype=np.float32))
            return float(km.obj[-1])

        return fit
    module = {
        "clustercore": "clustercore",
        "sklearn": "sklearn.cluster",
        "sklearnex": "sklearnex.cluster",
    }[impl]
    KMeans = optional(module).KMeans

    def fit(X):
        est = KMeans(k, n_init=n_init, max_iter=max_iter, tol=tol, random_state=seed)
        return est.fit(X).inertia_

    return fit


class KMeansFit:
    params = (list(WORKLOADS), IMPLEMENTATIONS)
    param_names = ["workload", "impl"]
    timeout = 900
    number = 1
    repeat = (1, 3, 60.0)
    rounds = 1
    warmup_time = 0

    def setup(self, workload, impl):
        make, k, n_init, max_iter, tol, seed = WORKLOADS[workload]
        self.X = make()
        self.fit = _fitter(impl, k, n_init, max_iter, tol, seed)
        if workload == "K1":
            self.fit(self.X)  # warm caches and lazy imports for the 10 ms case

    def time_fit(self, workload, impl):
        self.fit(self.X)

    def peakmem_fit(self, workload, impl):
        self.fit(self.X)

    def track_inertia(self, workload, impl):
        return self.fit(self.X)

    track_inertia.unit = "inertia"


class KMeansPredict:
    """Assignment of 1M rows to 64 centres: the kernel alone."""

    params = (["clustercore", "sklearn"], ["float32", "float64"])
    param_names = ["impl", "dtype"]
    number = 1
    repeat = (3, 10, 30.0)

    def setup(self, impl, dtype):
        self.X = blobs(1_000_000, 16, 64, dtype=dtype)
        module = {"clustercore": "clustercore", "sklearn": "sklearn.cluster"}[impl]
        self.km = optional(module).KMeans(64, n_init=1, max_iter=2, random_state=0)
        self.km.fit(self.X[:20_000])

    def time_predict(self, impl, dtype):
        self.km.predict(self.X)
