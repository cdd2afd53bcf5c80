"""clustercore: fast, scikit-learn-compatible clustering with C++ kernels.

Estimators match scikit-learn's API and results, release the GIL, stop on Ctrl-C and
give bitwise-identical results for any number of threads.
"""

from importlib.metadata import PackageNotFoundError, version

from ._config import build_info, show_config
from .bayesian_mixture import BayesianGaussianMixture
from .dbscan import DBSCAN, dbscan
from .kmeans import KMeans, k_means, kmeans_plusplus
from .metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)
from .minibatch import MiniBatchKMeans
from .mixture import GaussianMixture
from .selection import KScan, density_anomalies, elbow_k, scan_k

_PATCH_NAMES = ("patch_sklearn", "unpatch_sklearn", "sklearn_patched")


def __getattr__(name):
    # imported on first use, so that ``python -m clustercore.patch`` runs the module
    # fresh
    if name in _PATCH_NAMES:
        from . import patch

        return getattr(patch, name)
    raise AttributeError(f"module 'clustercore' has no attribute {name!r}")


try:
    __version__ = version("clustercore")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "BayesianGaussianMixture",
    "DBSCAN",
    "GaussianMixture",
    "KScan",
    "KMeans",
    "MiniBatchKMeans",
    "build_info",
    "calinski_harabasz_score",
    "davies_bouldin_score",
    "density_anomalies",
    "elbow_k",
    "dbscan",
    "k_means",
    "patch_sklearn",
    "sklearn_patched",
    "unpatch_sklearn",
    "kmeans_plusplus",
    "scan_k",
    "show_config",
    "silhouette_samples",
    "silhouette_score",
]
