"""Silhouette against scikit-learn on the reference workload, side by side.

S1 (shared/bench/peers.py): 20k x 16 blobs with 8 random labels. The score is tracked
so that speed is never read without the result. SilhouetteLarge checks that 200k x 8
runs in bounded memory (scikit-learn would take minutes there, so it is not a peer).
"""

import numpy as np

from .common import blobs, extra_peak_memory, optional


def _labelled(n, d, k):
    return blobs(n, d, k), np.random.default_rng(0).integers(0, k, n)


WORKLOADS = {"S1": lambda: _labelled(20_000, 16, 8)}
IMPLEMENTATIONS = ["clustercore", "sklearn"]


class SilhouetteScore:
    params = (list(WORKLOADS), IMPLEMENTATIONS)
    param_names = ["workload", "impl"]
    timeout = 600
    number = 1
    repeat = (1, 5, 60.0)
    rounds = 1
    warmup_time = 0

    def setup(self, workload, impl):
        self.X, self.labels = WORKLOADS[workload]()
        module = "clustercore" if impl == "clustercore" else "sklearn.metrics"
        self.score = optional(module).silhouette_score

    def time_silhouette_score(self, workload, impl):
        self.score(self.X, self.labels)

    def track_score(self, workload, impl):
        return float(self.score(self.X, self.labels))

    track_score.unit = "silhouette"


_LARGE_SETUP = """
import numpy as np
from clustercore import silhouette_score
rng = np.random.default_rng(0)
X = rng.normal(size=(200_000, 8))
labels = rng.integers(0, 8, len(X))
silhouette_score(X[:100], labels[:100])
"""


class SilhouetteLarge:
    """silhouette_score of 200k x 8 (8 labels): time, and extra peak memory in MiB
    (measured in a fresh process; an n x n matrix would need 320 GB)."""

    timeout = 900
    number = 1
    repeat = 1

    def setup(self):
        rng = np.random.default_rng(0)
        self.X = rng.normal(size=(200_000, 8))
        self.labels = rng.integers(0, 8, len(self.X))

    def time_silhouette_score(self):
        optional("clustercore").silhouette_score(self.X, self.labels)

    def track_extra_peak_memory(self):
        m = extra_peak_memory(_LARGE_SETUP, "silhouette_score(X, labels)")
        return m["extra"] / 2**20

    track_extra_peak_memory.unit = "MiB"
