"""MiniBatchKMeans against scikit-learn, side by side in one run.

M1 does fixed work: 10 passes of 1024-row batches over 1M x 16 (9765 steps), with the
early stop on the smoothed inertia switched off, so both sides take every step. M1e is
the same fit with scikit-learn's defaults (early stop on); its steps differ by
implementation, so read it with its inertia. Inertia is tracked as the mean over
seeds, so quality is never read from one lucky draw.
"""

import numpy as np

from .common import blobs, chapter_blobs, optional

# name: (data factory, n_clusters, extra parameters)
WORKLOADS = {
    "M1": (lambda: blobs(1_000_000, 16, 64), 64, {"max_no_improvement": None}),
    "M1e": (lambda: blobs(1_000_000, 16, 64), 64, {}),
}
IMPLEMENTATIONS = ["clustercore", "sklearn"]


def _estimator(impl, k, seed, **extra):
    module = {"clustercore": "clustercore", "sklearn": "sklearn.cluster"}[impl]
    return optional(module).MiniBatchKMeans(
        k, batch_size=1024, n_init=1, max_iter=10, random_state=seed, **extra
    )


class MiniBatchFit:
    params = (list(WORKLOADS), IMPLEMENTATIONS)
    param_names = ["workload", "impl"]
    timeout = 900
    number = 1
    repeat = (1, 3, 60.0)
    rounds = 1
    warmup_time = 0

    def setup(self, workload, impl):
        make, k, extra = WORKLOADS[workload]
        self.X = make()
        self.make = lambda seed: _estimator(impl, k, seed, **extra)

    def time_fit(self, workload, impl):
        self.make(0).fit(self.X)

    def peakmem_fit(self, workload, impl):
        self.make(0).fit(self.X)

    def track_inertia(self, workload, impl):
        return float(np.mean([self.make(s).fit(self.X).inertia_ for s in range(3)]))

    track_inertia.unit = "inertia"


class MiniBatchChapter:
    """The chapter's blobs (k=5): mean inertia over 10 seeds, per implementation."""

    params = (IMPLEMENTATIONS,)
    param_names = ["impl"]

    def setup(self, impl):
        self.X = chapter_blobs()
        module = {"clustercore": "clustercore", "sklearn": "sklearn.cluster"}[impl]
        self.cls = optional(module).MiniBatchKMeans

    def track_mean_inertia(self, impl):
        return float(
            np.mean(
                [self.cls(5, random_state=s).fit(self.X).inertia_ for s in range(10)]
            )
        )

    track_mean_inertia.unit = "inertia"
