"""Workloads shared by the suites (those of shared/bench/peers.py), and peers."""

import functools
import importlib

import numpy as np


@functools.lru_cache(maxsize=4)
def blobs(n, d, k, std=1.0, seed=0, dtype="float64"):
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(
        n_samples=n, n_features=d, centers=k, cluster_std=std, random_state=seed
    )
    return np.ascontiguousarray(X, dtype=dtype)


@functools.lru_cache(maxsize=1)
def chapter_blobs():
    """Chapter 9's five blobs (2000 points, seed 7)."""
    from sklearn.datasets import make_blobs

    centers = [[0.2, 2.3], [-1.5, 2.3], [-2.8, 1.8], [-2.8, 2.8], [-2.8, 1.3]]
    std = [0.4, 0.3, 0.1, 0.1, 0.1]
    X, _ = make_blobs(n_samples=2000, centers=centers, cluster_std=std, random_state=7)
    return X


def optional(module):
    """Import a peer, or raise NotImplementedError so asv skips the case."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise NotImplementedError(f"{module} is not installed") from exc
