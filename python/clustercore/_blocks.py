"""What clustercore.dask runs on the blocks, where they live: NumPy and the C++ kernels
only, so a dask worker that fits never imports scikit-learn (nor dask's client side).

Each ``fn(x, w, offset, *columns, *args)`` takes a block of rows, its weights, the
row offset of the block in X, the blocks of any per-row columns, and arguments shared
by all blocks, and returns the block's part of a sum (or of a sample).
"""

from __future__ import annotations

import numpy as np

from . import _core


def aligned(a):
    """C-contiguous and aligned for its dtype (a block that travelled between
    processes may arrive at any address; the kernels read whole values)."""
    return np.require(a, requirements=["C", "A"])


def is_aligned(a):
    return bool(a.flags.c_contiguous and a.flags.aligned)


def run_on_block(x, w, offset, *cols, fn, args):
    """fn on one block where it lives, its arrays realigned."""
    extra = [aligned(a) if isinstance(a, np.ndarray) else a for a in args]
    parts = [aligned(c) for c in cols]
    return fn(aligned(x), aligned(w), offset, *parts, *extra)


def run_boxed(x, w2, *cols, fn, args, block_info=None):
    """run_on_block as a map_blocks function: 2-D weights and columns in, fn's result
    in a 1 x 1 object array out."""
    offset = block_info[0]["array-location"][0][0]
    parts = [c[:, 0] for c in cols]
    out = np.empty((1, 1), dtype=object)
    out[0, 0] = run_on_block(x, w2[:, 0], offset, *parts, fn=fn, args=args)
    return out


# ---------------------------------------------------------------- KMeans


def moments(x, w, offset):
    """(rows, column means, sums of squares about them), in double, by the in-memory
    fit's own C++ kernel (no copy of the block): the unweighted moments the fit takes
    its origin and tolerance from."""
    if len(x) == 0:
        return 0, np.zeros(x.shape[1]), np.zeros(x.shape[1])
    mean, var = _core.column_mean_var(x, True, 1)
    return len(x), mean, var * len(x)


def checked_moments(x, w, offset):
    """moments, and what the fit must refuse: (count, means, M2, whether x holds NaN or
    infinity, whether w does, whether w has a negative value, whether it has a
    non-zero one). Finite column means prove x finite, so x is scanned only when
    they are not."""
    count, mean, m2 = moments(x, w, offset)
    bad_x = not np.isfinite(mean).all() or not np.isfinite(m2).all()
    if bad_x:  # a NaN or an infinity, or sums too large for the dtype
        bad_x = not np.isfinite(x).all()
    return (
        count,
        mean,
        m2,
        bool(bad_x),
        not bool(np.isfinite(w).all()),
        bool((w < 0).any()),
        bool((w != 0).any()),
    )


def total_weight(x, w, offset):
    return float(w.astype(np.float64).sum())


def lloyd_stats(x, w, offset, centers, origin, want_inertia=True):
    """One Lloyd pass over the block: (per-cluster weighted sums, weights, inertia of
    the new labels, 0 unless asked)."""
    sums, weights, inertia, _, _ = _core.lloyd_block_stats(
        x, w, centers, origin, 1, None, want_inertia
    )
    return sums, weights, inertia


def farthest(x, w, offset, centers, origin, m):
    """The block's m candidates for the relocation of empty clusters."""
    labels, _ = _core.labels_inertia(x, np.ones(len(x), x.dtype), centers, origin, 1)
    return _core.kmeans_farthest(x, w, centers, labels, m, int(offset), 1)


def min_sq_distances(x, centers):
    """Squared distance of every row to its nearest centre, in double: the nearest
    found by the fused assignment kernel (no n x k matrix), the distance then taken
    from the differences, in tiles."""
    out = np.empty(len(x))
    if len(x) == 0:
        return out
    centers = aligned(np.asarray(centers, dtype=x.dtype))  # it may have travelled
    labels, _ = _core.labels_inertia(x, np.ones(len(x), x.dtype), centers, None, 1)
    centers64 = centers.astype(np.float64)
    for start in range(0, len(x), 8192):
        part = x[start : start + 8192]
        diff = part.astype(np.float64) - centers64[labels[start : start + 8192]]
        out[start : start + len(part)] = np.einsum("ij,ij->i", diff, diff)
    return out


def nearest_sq_distances(x, batches):
    """min_sq_distances to all the batches of candidates, taken batch by batch in
    order (the values of lowering a kept column batch by batch)."""
    x = aligned(x)
    out = min_sq_distances(x, batches[0])
    for c in batches[1:]:
        out = np.minimum(out, min_sq_distances(x, c))
    return out


def lowered_sq_distances(x, d2, batch):
    """A kept column of squared distances lowered by a new batch of candidates (d2 as
    map_blocks gives it, one column)."""
    return np.minimum(d2[:, 0], min_sq_distances(aligned(x), batch))


def cost(x, w, offset, d2):
    return float(w.astype(np.float64) @ d2)


def sample(x, w, offset, d2, ell, phi, starts, seeds):
    """Rows kept with probability min(1, ell w d2 / phi), drawn from the block's own
    seed (seeds[b] for the block b starting at row offset)."""
    seed = int(seeds[np.searchsorted(starts, offset, side="right") - 1])
    u = np.random.default_rng(seed).uniform(size=len(x))
    keep = u < ell * w.astype(np.float64) * d2 / phi
    return x[keep].copy()


def candidate_weights(x, w, offset, candidates):
    """The weight of the block's samples nearest to each candidate."""
    candidates = aligned(np.asarray(candidates, dtype=x.dtype))
    labels = _core.labels_inertia(x, np.ones(len(x), x.dtype), candidates, None, 1)[0]
    return np.bincount(labels, weights=w.astype(np.float64), minlength=len(candidates))


# ---------------------------------------------------------------- GaussianMixture


def gmm_stats(x, w, offset, covariance_type, weights, means, chol):
    """The E-step's sufficient statistics, log-likelihood and weight of the block."""
    acc, log_lik, weight = _core.gmm_estep_stats(
        x, w.astype(np.float64), covariance_type, weights, means, chol, 1
    )
    return acc, log_lik, weight


def gmm_label_stats(x, w, offset, centers, origin, covariance_type, shift):
    """The statistics of one-hot responsibilities: each row's nearest centre (the
    labels of a KMeans fit with that origin)."""
    labels, _ = _core.labels_inertia(x, np.ones(len(x), x.dtype), centers, origin, 1)
    return _core.gmm_resp_stats(
        x,
        w.astype(np.float64),
        labels.astype(np.int64),
        None,
        shift,
        covariance_type,
        1,
    )[0]
