"""NumPy brute-force oracles for the kernels, written for clarity, not speed."""

from __future__ import annotations

import numpy as np


def sq_distances(X, C):
    """(n, k) squared Euclidean distances from the differences, in float64."""
    X = np.asarray(X, dtype=np.float64)
    C = np.asarray(C, dtype=np.float64)
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def assign(X, C):
    """Nearest centre of each row (first on ties) and the squared distance to it."""
    D = sq_distances(X, C)
    labels = D.argmin(axis=1)
    return labels, D[np.arange(len(X)), labels]


def lloyd(X, centers, sample_weight=None, max_iter=300, tol=0.0):
    """Lloyd's algorithm with scikit-learn's stopping rules; no empty clusters.

    Returns (centers, labels, inertia, n_iter).
    """
    X = np.asarray(X, dtype=np.float64)
    w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
    centers = np.array(centers, dtype=np.float64)
    k = len(centers)
    labels_old = np.full(len(X), -1)
    strict = False
    for n_iter in range(1, max_iter + 1):  # noqa: B007 (used after the loop)
        labels, _ = assign(X, centers)
        weights = np.bincount(labels, weights=w, minlength=k)
        assert (weights > 0).all(), "the reference does not relocate empty clusters"
        new = np.stack(
            [(w[labels == c, None] * X[labels == c]).sum(0) for c in range(k)]
        )
        new /= weights[:, None]
        shift = ((new - centers) ** 2).sum()
        centers = new
        if np.array_equal(labels, labels_old):
            strict = True
            break
        if shift <= tol:
            break
        labels_old = labels
    if not strict:
        labels, _ = assign(X, centers)
    d2 = ((X - centers[labels]) ** 2).sum(axis=1)
    return centers, labels, float((w * d2).sum()), n_iter


# ---------------------------------------------------------------- data and threads


def blobs(n=2000, d=2, k=5, std=0.5, seed=0, dtype=np.float64):
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(
        n_samples=n, n_features=d, centers=k, cluster_std=std, random_state=seed
    )
    return X.astype(dtype)


def with_threads(n_threads, fn, *args, **kwargs):
    """Call fn with clustercore's OpenMP pool limited to n_threads."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n_threads, user_api="openmp"):
        return fn(*args, **kwargs)


def python_runs_during(fn, *args, **kwargs):
    """(ticks of a Python thread during fn(*args, **kwargs), elapsed seconds, result).

    A thread appends a tick every millisecond; if fn held the GIL throughout, it could
    not tick at all.
    """
    import threading
    import time

    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.001)

    th = threading.Thread(target=ticker)
    th.start()
    time.sleep(0.01)
    t0 = time.perf_counter()
    n_before = len(ticks)
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - t0
    n_during = len(ticks) - n_before
    done.set()
    th.join()
    return n_during, elapsed, result


def gaussian_mixture_log_density(X, weights, means, covariances, covariance_type):
    """log p(x) of a Gaussian mixture from its covariances (inverse and slogdet), and
    the per-component weighted log densities, shape (n, k)."""
    X = np.asarray(X, dtype=np.float64)
    k, d = means.shape
    if covariance_type == "full":
        covs = np.asarray(covariances, dtype=np.float64)
    elif covariance_type == "tied":
        covs = np.repeat(np.asarray(covariances, float)[None], k, axis=0)
    elif covariance_type == "diag":
        covs = np.stack([np.diag(c) for c in np.asarray(covariances, float)])
    else:
        covs = np.stack([np.eye(d) * c for c in np.asarray(covariances, float)])
    out = np.empty((len(X), k))
    for c in range(k):
        diff = X - means[c]
        maha = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(covs[c]), diff)
        logdet = np.linalg.slogdet(covs[c])[1]
        out[:, c] = np.log(weights[c]) - 0.5 * (d * np.log(2 * np.pi) + logdet + maha)
    top = out.max(axis=1, keepdims=True)
    return (top[:, 0] + np.log(np.exp(out - top).sum(axis=1))), out
