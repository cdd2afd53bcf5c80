"""clustercore on dask arrays (extra ``clustercore[dask]``): :class:`KMeans`.

``import clustercore`` never imports dask; ``import clustercore.dask`` does. The
estimators take a ``dask.array.Array`` (chunked by rows) and run each iteration as one
map over the blocks, each block reduced by clustercore's C++ kernel to its sufficient
statistics in double (per-cluster weighted sums and weights, inertia, labels changed),
then added in a fixed binary tree over the blocks in their order, and updated on the
client by the same C++ code as the in-memory fit (the weighted means, the relocation
of empty clusters onto the farthest samples, the shift compared with ``tol``). With the
same initial centres a fit equals the in-memory one to rounding (sums grouped by
block), for any chunking and on any scheduler. NumPy input goes straight to the
in-memory estimator.
"""

from __future__ import annotations

import copy
import math
from numbers import Integral

import dask
import dask.array as da
import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _is_arraylike_not_scalar, check_is_fitted

from . import _core
from . import kmeans as _kmeans
from ._validation import effective_n_threads

__all__ = ["KMeans"]


# ---------------------------------------------------------------- helpers


def _tree_sum(parts, add):
    """parts added pairwise in a fixed binary tree over their order."""
    parts = list(parts)
    while len(parts) > 1:
        merged = [add(a, b) for a, b in zip(parts[::2], parts[1::2], strict=False)]
        if len(parts) % 2:
            merged.append(parts[-1])
        parts = merged
    return parts[0]


def _add_stats(a, b):
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _boxed(value):
    out = np.empty((1, 1), dtype=object)
    out[0, 0] = value
    return out


def _per_block(fn, X, w, *args):
    """[fn(block, its weights, row offset, *args) for every row block], computed
    where the blocks are, in block order."""

    def run(x, w2, block_info=None):
        offset = block_info[0]["array-location"][0][0]
        return _boxed(
            fn(np.ascontiguousarray(x), np.ascontiguousarray(w2[:, 0]), offset, *args)
        )

    out = da.map_blocks(
        run,
        X,
        w[:, None],
        dtype=object,
        chunks=((1,) * X.numblocks[0], (1,)),
        meta=np.empty((0, 0), dtype=object),
    )
    return list(out.compute().ravel())


def _block_stats(x, w, offset, centers, origin):
    sums, weights, inertia, _, _ = _core.lloyd_block_stats(x, w, centers, origin, 1)
    return sums, weights, inertia


def _block_candidates(x, w, offset, centers, origin, m):
    labels, _ = _core.labels_inertia(x, np.ones(len(x), x.dtype), centers, origin, 1)
    return _core.kmeans_farthest(x, w, centers, labels, m, int(offset), 1)


def _block_moments(x, w, offset):
    """(rows, column sums, sums of squares about the block's column means), in
    double: the unweighted moments the in-memory fit takes its origin and tolerance
    from."""
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0:
        return 0.0, np.zeros(x.shape[1]), np.zeros(x.shape[1])
    mean = x.mean(axis=0)
    centred = x - mean
    return float(len(x)), mean * len(x), (centred * centred).sum(axis=0)


def _merge_moments(a, b):
    """Chan's pairwise update of (count, sums, M2)."""
    na, sa, ma = a
    nb, sb, mb = b
    if na == 0:
        return b
    if nb == 0:
        return a
    delta = sb / nb - sa / na
    return na + nb, sa + sb, ma + mb + delta * delta * (na * nb / (na + nb))


def _rows_and_weights(X, sample_weight):
    """X with known row chunks and one column chunk, persisted, and its weights in the
    same row chunks."""
    if any(math.isnan(c) for c in X.chunks[0]):
        X = X.compute_chunk_sizes()
    X = X.rechunk({1: -1})
    if sample_weight is None:
        w = da.ones(X.shape[0], dtype=X.dtype, chunks=(X.chunks[0],))
    else:
        w = da.asarray(sample_weight).astype(X.dtype)
        if any(math.isnan(c) for c in w.chunks[0]):
            w = w.compute_chunk_sizes()
        w = w.rechunk((X.chunks[0],))
    return dask.persist(X, w)


# ---------------------------------------------------------------- KMeans


class KMeans(_kmeans.KMeans):
    """:class:`clustercore.KMeans` that also fits dask arrays.

    Parameters are those of :class:`clustercore.KMeans`, plus ``init_sample``:
    'k-means++' and 'random' choose the initial centres from that many rows drawn at
    random (all rows when there are fewer), so that the initialisation never loads X;
    an array ``init`` is used as given. ``fit`` on a NumPy array is the in-memory fit.
    After a dask fit, ``labels_`` is a lazy dask array, and ``predict``/``transform``
    on a dask array are lazy too.
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="lloyd",
        init_sample=100_000,
    ):
        super().__init__(
            n_clusters,
            init=init,
            n_init=n_init,
            max_iter=max_iter,
            tol=tol,
            verbose=verbose,
            random_state=random_state,
            copy_x=copy_x,
            algorithm=algorithm,
        )
        self.init_sample = init_sample

    _parameter_constraints = {
        **_kmeans.KMeans._parameter_constraints,
        "init_sample": [Interval(Integral, 1, None, closed="left")],
    }

    def fit(self, X, y=None, sample_weight=None):
        """Fit on a dask array (or, for any other input, as clustercore.KMeans)."""
        if not isinstance(X, da.Array):
            return super().fit(X, y=y, sample_weight=sample_weight)
        self._validate_params()
        if X.ndim != 2:
            raise ValueError(f"Expected 2D array, got {X.ndim}D array instead.")
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        if X.shape[0] is not None and not math.isnan(X.shape[0]):
            if X.shape[0] < self.n_clusters:
                raise ValueError(
                    f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}."
                )
        X, w = _rows_and_weights(X, sample_weight)
        n, d = X.shape
        self._check_params_vs_input(_Shape(n, d))
        self.n_features_in_ = d
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_threads()

        count, sums, m2 = _tree_sum(_per_block(_block_moments, X, w), _merge_moments)
        origin = np.ascontiguousarray(sums / count)
        self._tol = float((m2 / count).mean() * self.tol) if self.tol > 0 else 0.0
        self._origin = origin

        best = None
        for _ in range(self._n_init):
            centers = self._dask_initial_centers(X, w, random_state, n_threads)
            run = self._lloyd(X, w, centers, origin)
            if best is None or run[2] < best[2]:
                best = run
        centers, n_iter, inertia = best
        self.cluster_centers_ = centers
        self._n_features_out = centers.shape[0]
        self.n_iter_ = int(n_iter)
        self.inertia_ = float(inertia)
        self.labels_ = self.predict(X)
        return self

    def _dask_initial_centers(self, X, w, random_state, n_threads):
        if _is_arraylike_not_scalar(self.init):
            init = np.ascontiguousarray(self.init, dtype=X.dtype)
            self._validate_center_shape(X, init)
            return init
        n = X.shape[0]
        m = min(n, max(self.init_sample, self.n_clusters))
        if m < n:
            rows = np.sort(random_state.choice(n, size=m, replace=False))
            Xs, ws = dask.compute(X[rows], w[rows])
        else:
            Xs, ws = dask.compute(X, w)
        return self._init_centroids(
            np.ascontiguousarray(Xs),
            None,
            self._origin,
            self.init,
            random_state,
            np.ascontiguousarray(ws),
            n_threads,
        )

    def _lloyd(self, X, w, centers, origin):
        """Lloyd's iterations over the blocks; (centers, n_iter, inertia). The loop
        stops when the shift is at most tol, which is also when the in-memory loop
        stops (an iteration that changes no label moves no centre)."""
        n_iter = 0
        for it in range(self.max_iter):
            stats = _per_block(_block_stats, X, w, centers, origin)
            sums, weights, _ = _tree_sum(stats, _add_stats)
            candidates = None
            n_empty = int((weights == 0).sum())
            if n_empty:
                found = _per_block(_block_candidates, X, w, centers, origin, n_empty)
                candidates = tuple(
                    np.ascontiguousarray(np.concatenate([f[i] for f in found]))
                    for i in range(5)
                )
            centers, shift, _ = _core.lloyd_update(
                np.ascontiguousarray(sums),
                np.ascontiguousarray(weights),
                centers,
                candidates,
            )
            n_iter = it + 1
            if self.verbose:
                print(f"Iteration {it}, shift {shift}.")
            if shift <= self._tol:
                break
        # the inertia of the final labels, against the final centres
        stats = _per_block(_block_stats, X, w, centers, origin)
        return centers, n_iter, _tree_sum(stats, _add_stats)[2]

    def _dask_map(self, X, method, width):
        check_is_fitted(self)
        X = X.rechunk({1: -1})
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        fn = getattr(_kmeans.KMeans, method)
        # the tasks carry a copy of the model without its lazy labels_ (a dask array
        # inside a task would travel with its whole graph)
        model = copy.copy(self)
        model.__dict__.pop("labels_", None)
        both32 = X.dtype == np.float32 and self.cluster_centers_.dtype == np.float32
        dtype = np.float32 if both32 else np.float64

        def run(b):
            if len(b) == 0:  # a block of no rows: an empty answer
                shape = (0,) if width is None else (0, width)
                return np.empty(shape, dtype=np.int32 if width is None else dtype)
            return fn(model, b)

        if width is None:
            return X.map_blocks(
                run,
                drop_axis=1,
                dtype=np.int32,
                meta=np.empty(0, np.int32),
            )
        return X.map_blocks(run, chunks=(X.chunks[0], (width,)), dtype=dtype)

    def predict(self, X):
        """Nearest centre of each row (lazy for a dask array)."""
        if isinstance(X, da.Array):
            return self._dask_map(X, "predict", None)
        return super().predict(X)

    def transform(self, X):
        """Distances to the centres (lazy for a dask array)."""
        if isinstance(X, da.Array):
            return self._dask_map(X, "transform", self.n_clusters)
        return super().transform(X)


class _Shape:
    """Just enough of an array for the shared parameter checks."""

    def __init__(self, n, d):
        self.shape = (n, d)
