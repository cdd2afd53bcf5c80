"""clustercore: fast, scikit-learn-compatible clustering with C++ kernels.

Estimators match scikit-learn's API and results, release the GIL, stop on Ctrl-C and
give bitwise-identical results for any number of threads.

The public names are imported on first use, so ``import clustercore`` is quick and a
dask worker that only runs clustercore's block kernels never imports scikit-learn.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

# public name -> the module defining it
_LAZY = {
    "BayesianGaussianMixture": "bayesian_mixture",
    "DBSCAN": "_dbscan",
    "dbscan": "_dbscan",
    "GaussianMixture": "mixture",
    "KMeans": "kmeans",
    "k_means": "kmeans",
    "kmeans_plusplus": "kmeans",
    "MiniBatchKMeans": "minibatch",
    "calinski_harabasz_score": "metrics",
    "davies_bouldin_score": "metrics",
    "silhouette_samples": "metrics",
    "silhouette_score": "metrics",
    "KScan": "selection",
    "density_anomalies": "selection",
    "elbow_k": "selection",
    "scan_k": "selection",
    "build_info": "_config",
    "show_config": "_config",
    # the patch module is imported on first use in any case, so that ``python -m
    # clustercore.patch`` runs it fresh
    "patch_sklearn": "patch",
    "unpatch_sklearn": "patch",
    "sklearn_patched": "patch",
}

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from ._config import build_info, show_config
    from ._dbscan import DBSCAN, dbscan
    from .bayesian_mixture import BayesianGaussianMixture
    from .kmeans import KMeans, k_means, kmeans_plusplus
    from .metrics import (
        calinski_harabasz_score,
        davies_bouldin_score,
        silhouette_samples,
        silhouette_score,
    )
    from .minibatch import MiniBatchKMeans
    from .mixture import GaussianMixture
    from .patch import patch_sklearn, sklearn_patched, unpatch_sklearn
    from .selection import KScan, density_anomalies, elbow_k, scan_k


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'clustercore' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


try:
    __version__ = version("clustercore")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "BayesianGaussianMixture",
    "DBSCAN",
    "GaussianMixture",
    "KMeans",
    "KScan",
    "MiniBatchKMeans",
    "build_info",
    "calinski_harabasz_score",
    "davies_bouldin_score",
    "dbscan",
    "density_anomalies",
    "elbow_k",
    "k_means",
    "kmeans_plusplus",
    "patch_sklearn",
    "scan_k",
    "show_config",
    "silhouette_samples",
    "silhouette_score",
    "sklearn_patched",
    "unpatch_sklearn",
]
