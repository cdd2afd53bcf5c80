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


# ---------------------------------------------------------------- mini-batch k-means

_M64 = (1 << 64) - 1


class Xoshiro256:
    """The generator of csrc/minibatch.hpp (xoshiro256** seeded by splitmix64)."""

    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed = (seed + 0x9E3779B97F4A7C15) & _M64
            z = seed
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & _M64

    def next(self):
        s = self.s
        out = (self._rotl((s[1] * 5) & _M64, 7) * 9) & _M64
        t = (s[1] << 17) & _M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return out

    def below(self, n):
        reject = ((1 << 64) - n) % n
        while True:
            r = self.next()
            if r >= reject:
                return r % n


def minibatch_fit(
    X,
    centers,
    seed,
    batch,
    n_steps,
    reassignment_ratio=0.01,
    max_no_improvement=10,
    tol=0.0,
):
    """scikit-learn's MiniBatchKMeans.fit loop (unit weights) on the batches that
    clustercore's generator draws from `seed`. Returns (centers, counts, n_steps,
    ewa_inertia)."""
    X = np.asarray(X, dtype=np.float64)
    n, k = len(X), len(centers)
    centers = np.array(centers, dtype=np.float64)
    counts = np.zeros(k)
    rng = Xoshiro256(seed)
    since, ewa, ewa_min, no_improvement = 0, None, None, 0
    alpha = min(1.0, batch * 2.0 / (n + 1))
    for step in range(n_steps):
        rows = X[[rng.below(n) for _ in range(batch)]]
        since += batch
        reassign = bool((counts == 0).any()) or since >= 10 * k
        if reassign:
            since = 0
        labels, d2 = assign(rows, centers)
        inertia = d2.sum() / batch
        old = centers.copy()
        for c in range(k):
            mine = labels == c
            if mine.any():
                total = counts[c] + mine.sum()
                centers[c] = (centers[c] * counts[c] + rows[mine].sum(0)) / total
                counts[c] = total
        if reassign and reassignment_ratio > 0:
            low = counts < reassignment_ratio * counts.max()
            cap = int(0.5 * batch)
            if low.sum() > cap:
                keep = np.argsort(counts, kind="stable")[cap:]
                low[keep] = False
            n_low = int(low.sum())
            if n_low:
                pick = list(range(batch))
                for r in range(n_low):
                    j = r + rng.below(batch - r)
                    pick[r], pick[j] = pick[j], pick[r]
                floor = counts[~low].min() if (~low).any() else counts.min()
                centers[low] = rows[pick[:n_low]]
                counts[low] = floor
        shift = ((centers - old) ** 2).sum()
        if step == 0:
            continue
        ewa = inertia if ewa is None else ewa * (1 - alpha) + inertia * alpha
        if tol > 0 and shift <= tol:
            return centers, counts, step + 1, ewa
        if ewa_min is None or ewa < ewa_min:
            no_improvement, ewa_min = 0, ewa
        else:
            no_improvement += 1
        if max_no_improvement is not None and no_improvement >= max_no_improvement:
            return centers, counts, step + 1, ewa
    return centers, counts, n_steps, ewa
