"""clustercore on dask arrays (extra ``clustercore[dask]``): :class:`KMeans`,
:class:`MiniBatchKMeans` and :class:`GaussianMixture`.

``import clustercore`` never imports dask; ``import clustercore.dask`` does. The
estimators take a ``dask.array.Array`` (chunked by rows) and run each iteration as one
map over the blocks, each block reduced by clustercore's C++ kernel to its sufficient
statistics in double (per-cluster weighted sums and weights, inertia, labels changed),
then added in a fixed binary tree over the blocks in their order, and updated on the
client by the same C++ code as the in-memory fit (the weighted means, the relocation
of empty clusters onto the farthest samples, the shift compared with ``tol``). With the
same initial centres a fit equals the in-memory one to rounding (sums grouped by
block), for any chunking and on any scheduler. On a distributed client that holds
X, each map is one task per block submitted on the blocks' futures, so an iteration
costs one round trip to the workers. X is persisted, or streamed from its source on
every pass when it is too large (``persist``). NumPy input goes straight to the
in-memory estimator.
"""

from __future__ import annotations

import copy
import math
import os
import time
import warnings
from numbers import Integral, Real

import dask
import dask.array as da
import numpy as np
from dask.base import get_scheduler
from dask.core import flatten
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    _is_arraylike_not_scalar,
    check_array,
    check_is_fitted,
)

from . import _blocks, _core
from . import kmeans as _kmeans
from . import minibatch as _minibatch
from . import mixture as _mixture
from ._validation import effective_n_threads

__all__ = ["GaussianMixture", "KMeans", "MiniBatchKMeans"]


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


_aligned = _blocks.aligned


def _with_aligned_arrays(model):
    """The model with every array attribute aligned (on a worker, after the model
    travelled there)."""
    for key, value in list(vars(model).items()):
        if isinstance(value, np.ndarray):
            setattr(model, key, _aligned(value))
    return model


def _client():
    """The distributed client dask computes on now, or None (a local scheduler)."""
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        client = default_client()
    except ValueError:
        return None
    return client if get_scheduler() == client.get else None


def _block_futures(a):
    """The futures holding a persisted dask array's blocks, in block order (one column
    chunk), or None when some block is not held by the client."""
    from distributed import futures_of

    held = {f.key: f for f in futures_of(a)}
    keys = list(flatten(a.__dask_keys__()))
    if not all(k in held for k in keys):
        return None
    return [held[k] for k in keys]


_SCATTER_BYTES = 1 << 20  # arguments larger than this are scattered, not embedded


def _per_block(fn, X, w, *args, columns=()):
    """[fn(block, its weights, row offset, *columns' blocks, *args) for every row
    block], computed where the blocks are, in block order. columns: 1-D dask arrays
    in X's row chunks (labels, ...)."""
    out = _per_block_on_client(fn, X, w, args, columns)
    if out is None:
        out = _per_block_local(fn, X, w, args, columns)
    return out


def _per_block_on_client(fn, X, w, args, columns):
    """_per_block on a distributed client that holds X and w (they are persisted):
    one task per block straight on the blocks' futures (client.map, no graph to
    build), so an iteration costs one round trip; None when that does not apply."""
    client = _client()
    if client is None:
        return None
    xf, wf = _block_futures(X), _block_futures(w)
    if xf is None or wf is None:
        return None
    cols = []
    for c in columns:
        c = c.rechunk((X.chunks[0],))
        found = _block_futures(c)
        if found is None:
            found = _block_futures(c.persist())
        if found is None:
            return None
        cols.append(found)
    offsets = [int(o) for o in np.r_[0, np.cumsum(X.chunks[0])[:-1]]]
    if sum(a.nbytes for a in args if isinstance(a, np.ndarray)) > _SCATTER_BYTES:
        # large centres travel once per worker, not once per task
        args = tuple(
            client.scatter(a, hash=False) if isinstance(a, np.ndarray) else a
            for a in args
        )
    futures = client.map(
        _blocks.run_on_block, xf, wf, offsets, *cols, fn=fn, args=args, pure=False
    )
    return client.gather(futures)


def _per_block_local(fn, X, w, args, columns):
    """_per_block as one map_blocks over X (any scheduler)."""
    out = da.map_blocks(
        _blocks.run_boxed,
        X,
        w[:, None],
        *[c.rechunk((X.chunks[0],))[:, None] for c in columns],
        fn=fn,
        args=args,
        dtype=object,
        chunks=((1,) * X.numblocks[0], (1,)),
        meta=np.empty((0, 0), dtype=object),
    )
    return list(out.compute().ravel())


def _sq_distances_column(X, batches, d2, keep):
    """Each row's squared distance to its nearest candidate, batches holding the
    candidates in the batches they were drawn in. Kept (persisted with X): the last
    column d2 lowered by the newest batch; else a lazy column that takes the minimum
    over all batches in the same order, so the same values, when it is read (the
    passes over a streamed X hold a few blocks of it, never n values)."""
    if keep and d2 is not None:
        column = da.map_blocks(
            _blocks.lowered_sq_distances,
            X,
            d2[:, None],
            batch=batches[-1],
            drop_axis=1,
            dtype=np.float64,
            meta=np.empty(0, np.float64),
        )
    else:
        column = da.map_blocks(
            _blocks.nearest_sq_distances,
            X,
            batches=tuple(batches),
            drop_axis=1,
            dtype=np.float64,
            meta=np.empty(0, np.float64),
        )
    return column.persist() if keep else column


def _merge_moments(a, b):
    """Chan's pairwise update of (count, means, M2); one block's means come out as
    they went in."""
    na, ma, sa = a
    nb, mb, sb = b
    if na == 0:
        return b
    if nb == 0:
        return a
    n = na + nb
    delta = mb - ma
    return n, ma + delta * (nb / n), sa + sb + delta * delta * (na * nb / n)


def _checked_moments(estimator, X, w, weighted, non_negative):
    """The column moments of X (count, means, M2) from one pass that also finds the
    values the in-memory fit refuses: NaN or infinity in X and, when the weights were
    given, NaN or infinity in them, negative ones (when non_negative) or none
    non-zero. For those it raises what the in-memory fit raises, checking the first
    offending block (the only one brought to the client)."""
    parts = _per_block(_blocks.checked_moments, X, w)
    for i, (_, _, _, bad_x, bad_w, negative, _) in enumerate(parts):
        if bad_x or (weighted and (bad_w or (non_negative and negative))):
            xb, wb = (_aligned(a) for a in dask.compute(X.blocks[i], w.blocks[i]))
            check_array(xb, dtype=X.dtype, estimator=estimator, input_name="X")
            _check_sample_weight(
                wb, xb, dtype=X.dtype, ensure_non_negative=non_negative
            )
    if weighted and not any(p[6] for p in parts):
        _check_sample_weight(np.zeros(1), np.zeros((1, X.shape[1]), X.dtype))
    return _tree_sum([p[:3] for p in parts], _merge_moments)


def _available_memory():
    """Bytes of memory free for new data on this machine (None: unknown)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _should_persist(persist, nbytes):
    """persist='auto': on a distributed client always (its workers spill to disk what
    does not fit their memory limit); on a local scheduler when X takes at most half
    the free memory, else X is read from its source again on every pass."""
    if persist != "auto":
        return bool(persist)
    if _client() is not None:
        return True
    free = _available_memory()
    return free is None or nbytes <= free / 2


def _rows_and_weights(X, sample_weight, persist="auto"):
    """(X with known row chunks and one column chunk, its weights in the same row
    chunks, whether they are persisted): persisted, or left lazy (streamed from the
    source on every pass) as ``persist`` says."""
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
    kept = _should_persist(persist, X.nbytes + w.nbytes)
    if kept:
        # a block that travelled between processes may sit at any address (those of
        # from_array on a client do): realigned once here, in place of a copy on
        # every pass (an aligned block is kept as it is, not copied)
        if _needs_realignment(X):
            meta = np.empty((0, 0), X.dtype)
            X = X.map_blocks(_blocks.aligned, dtype=X.dtype, meta=meta)
        X, w = dask.persist(X, w)
    return X, w, kept


def _needs_realignment(X):
    """Whether persisting X should realign its blocks: always when X is lazy (the step
    joins the tasks that make the blocks), and when the client already holds X only
    if some block is unaligned (a second key for the same block would have the
    workers count its memory twice)."""
    client = _client()
    held = _block_futures(X) if client is not None else None
    if held is None:
        return True
    return not all(client.gather(client.map(_blocks.is_aligned, held, pure=False)))


# ---------------------------------------------------------------- KMeans


class KMeans(_kmeans.KMeans):
    """:class:`clustercore.KMeans` that also fits dask arrays.

    Parameters are those of :class:`clustercore.KMeans`, with ``init='k-means||'`` by
    default (scalable k-means++, Bahmani et al. 2012: ``init_rounds`` passes, each
    keeping every sample with probability ``oversampling_factor * k * w d^2 / phi``,
    then the candidates, weighted by the samples nearest to them, reduced to k centres
    by a weighted KMeans), and ``init_sample``: 'k-means++' and 'random' choose the
    initial centres from that many rows drawn at random (all rows when there are
    fewer); an array ``init`` is used as given. The initialisation never loads X.
    ``fit`` on a NumPy array is the in-memory fit. After a dask fit, ``labels_`` is a
    lazy dask array, and ``predict``/``transform`` on a dask array are lazy too.

    ``persist`` (here and in the other dask estimators): True keeps X in memory for
    the passes (on a distributed client, in the workers' memory, which spills to disk
    what exceeds a worker's memory limit); False reads X from its source again on
    every pass, so that only the blocks being worked on are in memory at a time;
    'auto' (the default) persists on a distributed client, and on a local scheduler
    when X takes at most half the free memory.
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means||",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="lloyd",
        init_sample=100_000,
        oversampling_factor=2.0,
        init_rounds=5,
        persist="auto",
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
        self.oversampling_factor = oversampling_factor
        self.init_rounds = init_rounds
        self.persist = persist

    _parameter_constraints = {
        **_kmeans.KMeans._parameter_constraints,
        "init": [
            StrOptions({"k-means||", "k-means++", "random"}),
            callable,
            "array-like",
        ],
        "init_sample": [Interval(Integral, 1, None, closed="left")],
        "oversampling_factor": [Interval(Real, 0, None, closed="neither")],
        "init_rounds": [Interval(Integral, 0, None, closed="left")],
        "persist": ["boolean", StrOptions({"auto"})],
    }

    def _check_params_vs_input(self, X):
        super()._check_params_vs_input(X)
        if (
            self.n_init == "auto"
            and isinstance(self.init, str)
            and self.init == "k-means||"
        ):
            self._n_init = 1

    def fit(self, X, y=None, sample_weight=None):
        """Fit on a dask array (or, for any other input, as clustercore.KMeans, with
        'k-means||' meaning k-means++ on all of X)."""
        if not isinstance(X, da.Array):
            init = self.init
            if isinstance(init, str) and init == "k-means||":
                self.init = "k-means++"
            try:
                return super().fit(X, y=y, sample_weight=sample_weight)
            finally:
                self.init = init
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
        X, w, self._persisted = _rows_and_weights(X, sample_weight, self.persist)
        n, d = X.shape
        self._check_params_vs_input(_Shape(n, d))
        self.n_features_in_ = d
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_threads()

        # negative weights: refused (in memory, k-means++ fails on them or not,
        # depending on the draws)
        count, mean, m2 = _checked_moments(
            self, X, w, sample_weight is not None, non_negative=True
        )
        origin = np.ascontiguousarray(mean)
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
        init = self.init
        if isinstance(init, str) and init == "k-means||":
            centers = self._kmeans_parallel(X, w, random_state, n_threads)
            if centers is not None:
                return centers
            init = "k-means++"  # fewer candidates than clusters: a sample instead
        n = X.shape[0]
        m = min(n, max(self.init_sample, self.n_clusters))
        if m < n:
            rows = np.sort(random_state.choice(n, size=m, replace=False))
            Xs, ws = dask.compute(X[rows], w[rows])
        else:
            Xs, ws = dask.compute(X, w)
        return self._init_centroids(
            _aligned(Xs),
            None,
            self._origin,
            init,
            random_state,
            _aligned(ws),
            n_threads,
        )

    def _kmeans_parallel(self, X, w, random_state, n_threads):
        """k-means|| (Bahmani et al., 2012): ``init_rounds`` rounds each keep every
        sample with probability min(1, l w d^2 / phi) (l = oversampling_factor * k),
        then the candidates, weighted by the samples nearest to them (the paper's
        step 7), are reduced to k centres by a weighted k-means++ KMeans."""
        k = self.n_clusters
        # the first candidate, drawn with probability proportional to the weight
        block_w = np.array(_per_block(_blocks.total_weight, X, w))
        target = random_state.uniform() * block_w.sum()
        b = min(
            int(np.searchsorted(np.cumsum(block_w), target, side="right")),
            len(block_w) - 1,
        )
        start = int(np.r_[0, np.cumsum(X.chunks[0])][b])
        wb = np.asarray(w.blocks[b].compute(), dtype=np.float64)
        within = target - (block_w[:b].sum() if b else 0.0)
        i = start + min(
            int(np.searchsorted(np.cumsum(wb), within, side="right")), len(wb) - 1
        )
        candidates = _aligned(X[i : i + 1].compute())
        batches = [candidates]  # the candidates, in the batches they were drawn in
        d2 = _sq_distances_column(X, batches, None, self._persisted)
        starts = np.r_[0, np.cumsum(X.chunks[0])[:-1]].astype(np.int64)
        ell = self.oversampling_factor * k
        for _ in range(self.init_rounds):
            phi = _tree_sum(
                _per_block(_blocks.cost, X, w, columns=(d2,)), float.__add__
            )
            if not phi > 0:
                break
            seeds = random_state.randint(
                0, 2**63 - 1, size=X.numblocks[0], dtype=np.int64
            )
            kept = _per_block(
                _blocks.sample, X, w, ell, phi, starts, seeds, columns=(d2,)
            )
            new = np.concatenate(kept) if kept else np.empty((0, X.shape[1]), X.dtype)
            if len(new) == 0:
                continue
            new = _aligned(new)
            candidates = np.vstack([candidates, new])
            batches.append(new)
            d2 = _sq_distances_column(X, batches, d2, self._persisted)
        counts = _tree_sum(
            _per_block(_blocks.candidate_weights, X, w, candidates), np.add
        )
        if len(candidates) < k:  # too few distinct draws: the in-memory init on X
            return None
        reduce = _kmeans.KMeans(k, n_init=1, random_state=random_state)
        reduce.fit(_aligned(candidates), sample_weight=counts.astype(candidates.dtype))
        return _aligned(reduce.cluster_centers_.astype(X.dtype))

    def _lloyd(self, X, w, centers, origin):
        """Lloyd's iterations over the blocks; (centers, n_iter, inertia). The loop
        stops when the shift is at most tol, which is also when the in-memory loop
        stops (an iteration that changes no label moves no centre). The passes are
        unpruned: kept per block, Hamerly's bounds would have to add the sums afresh
        (for results that do not depend on where the bounds are) and cost five passes
        to set up; measured on a 2-worker cluster they lost even at d = 64 over 30
        iterations."""
        n_iter = 0
        for it in range(self.max_iter):
            stats = _per_block(_blocks.lloyd_stats, X, w, centers, origin, False)
            sums, weights, _ = _tree_sum(stats, _add_stats)
            candidates = None
            n_empty = int((weights == 0).sum())
            if n_empty:
                found = _per_block(_blocks.farthest, X, w, centers, origin, n_empty)
                candidates = tuple(
                    _aligned(np.concatenate([f[i] for f in found])) for i in range(5)
                )
            centers, shift, _ = _core.lloyd_update(
                _aligned(sums),
                _aligned(weights),
                centers,
                candidates,
            )
            n_iter = it + 1
            if self.verbose:
                print(f"Iteration {it}, shift {shift}.")
            if shift <= self._tol:
                break
        # the inertia of the final labels, against the final centres
        stats = _per_block(_blocks.lloyd_stats, X, w, centers, origin)
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
            return fn(_with_aligned_arrays(model), _aligned(b))

        if width is None:
            return X.map_blocks(
                run,
                drop_axis=1,
                dtype=np.int32,
                meta=np.empty(0, np.int32),
            )
        return X.map_blocks(run, chunks=(X.chunks[0], (width,)), dtype=dtype)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the k-means objective of X (for a dask array, computed block
        by block where the blocks are)."""
        if isinstance(X, da.Array):
            return _dask_kmeans_score(self, X, sample_weight, _kmeans.KMeans)
        return super().score(X, y=y, sample_weight=sample_weight)

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


def _score_block(x, w2, model, cls):
    """The in-memory score of one block (0 for a block of no rows), as a 1-array."""
    if len(x) == 0:
        return np.zeros(1)
    model = _with_aligned_arrays(model)
    return np.array([cls.score(model, _aligned(x), sample_weight=_aligned(w2[:, 0]))])


def _dask_kmeans_score(model, X, sample_weight, cls):
    """cls.score of a fitted model on a dask array, block by block (X is never
    gathered), the blocks' scores added in a fixed tree."""
    check_is_fitted(model)
    if X.ndim != 2 or X.shape[1] != model.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(model).__name__} is expecting "
            f"{model.n_features_in_} features as input."
        )
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    X, w, _ = _rows_and_weights(X, sample_weight, persist=False)
    shipped = copy.copy(model)
    shipped.__dict__.pop("labels_", None)
    parts = da.map_blocks(
        _score_block,
        X,
        w[:, None],
        model=shipped,
        cls=cls,
        chunks=((1,) * X.numblocks[0],),
        drop_axis=1,
        dtype=np.float64,
        meta=np.empty(0, np.float64),
    ).compute()
    return float(_tree_sum(list(parts), float.__add__))


class _Shape:
    """Just enough of an array for the shared parameter checks."""

    def __init__(self, n, d):
        self.shape = (n, d)


# ---------------------------------------------------------------- GaussianMixture


class GaussianMixture(_mixture.GaussianMixture):
    """:class:`clustercore.GaussianMixture` that also fits dask arrays.

    Every EM iteration maps the C++ E-step over the blocks; each returns its
    sufficient statistics (per component: weight, first and second moments about the
    current means) and log-likelihood in double, the client adds them in a fixed tree
    over the blocks and runs the same C++ M-step as the in-memory fit. With the same
    initialisation the fit equals the in-memory one to rounding. ``init_params``:
    'kmeans' (clustercore.dask.KMeans), 'k-means++' (on ``init_sample`` rows drawn at
    random, all of them when there are fewer) and 'random_from_data'; 'random' would
    need n x k random numbers on the client and is refused for dask input.
    ``persist`` as in :class:`KMeans`. NumPy input is the in-memory fit.
    """

    _parameter_constraints = {
        **_mixture.GaussianMixture._parameter_constraints,
        "init_sample": [Interval(Integral, 1, None, closed="left")],
        "persist": ["boolean", StrOptions({"auto"})],
    }

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
        init_sample=100_000,
        persist="auto",
    ):
        super().__init__(
            n_components,
            covariance_type=covariance_type,
            tol=tol,
            reg_covar=reg_covar,
            max_iter=max_iter,
            n_init=n_init,
            init_params=init_params,
            weights_init=weights_init,
            means_init=means_init,
            precisions_init=precisions_init,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            verbose_interval=verbose_interval,
        )
        self.init_sample = init_sample
        self.persist = persist

    def fit(self, X, y=None, sample_weight=None):
        """Fit on a dask array (or, for any other input, as clustercore's)."""
        if not isinstance(X, da.Array):
            return super().fit(X, y=y, sample_weight=sample_weight)
        self._validate_params()
        if X.ndim != 2:
            raise ValueError(f"Expected 2D array, got {X.ndim}D array instead.")
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        X, w, self._persisted = _rows_and_weights(X, sample_weight, self.persist)
        n, d = X.shape
        if n < max(2, self.n_components):
            raise ValueError(
                "Expected n_samples >= n_components but got "
                f"n_components = {self.n_components}, n_samples = {n}"
            )
        self.n_features_in_ = d
        # the column means, kept for the kmeans initialisation's statistics
        self._column_means = _checked_moments(
            self, X, w, sample_weight is not None, non_negative=True
        )[1]
        inits = self._validated_inits(d)
        random_state = check_random_state(self.random_state)
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        best = None
        for init in range(self.n_init if do_init else 1):
            init_start = time.time()
            if self.verbose:
                print(f"Initialization {init}")
            if do_init:
                params = self._dask_initial_params(X, w, random_state, inits)
            else:
                params = self._fitted_params()
            lower_bound = -np.inf if do_init else float(self.lower_bound_)
            run = self._em(X, w, params, lower_bound, self._on_iter(init_start))
            if best is None or run[0] > best[0] or best[0] == -np.inf:
                best = run
        lower_bound, params, n_iter, converged, bounds = best
        if not converged and self.max_iter > 0:
            warnings.warn(
                "Best performing initialization did not converge. Try different init "
                "parameters, or increase max_iter, tol, or check for degenerate data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._set_params(params, X.dtype)
        self.converged_ = bool(converged)
        self.n_iter_ = int(n_iter)
        self.lower_bound_ = X.dtype.type(lower_bound)
        self.lower_bounds_ = [X.dtype.type(b) for b in bounds]
        return self

    def _em(self, X, w, params, lower_bound, on_iter):
        """scikit-learn's EM loop (the in-memory one runs in C++ as gmm_em): the
        E-step's mean log-likelihood is the bound, then the same C++ M-step."""
        kind = self.covariance_type
        bounds, converged, n_iter = [], False, 0
        if self.max_iter == 0:
            return -np.inf, params, 0, False, []
        for it in range(1, self.max_iter + 1):
            stats = _per_block(_blocks.gmm_stats, X, w, kind, *params.core_args())
            acc, log_lik, weight = _tree_sum(stats, _add_stats)
            bound = log_lik / weight
            try:
                params = _mixture._Params(
                    *_core.gmm_mstep(
                        _aligned(acc),
                        params.means,
                        kind,
                        self.reg_covar,
                        0.0,
                    )
                )
            except _core.IllDefinedCovariance:
                raise _mixture._ill_defined(X.dtype) from None
            change = bound - lower_bound
            lower_bound = bound
            bounds.append(bound)
            n_iter = it
            if on_iter is not None:
                on_iter(it, bound, change)
            if abs(change) < self.tol:
                converged = True
                break
        return lower_bound, params, n_iter, converged, bounds

    def _dask_stats_about_means(self, X, w, km):
        """_stats_about_means for one-hot labels, the nearest centres of a fitted
        clustercore.dask.KMeans (its labels_, found again on each block)."""
        k, d = self.n_components, X.shape[1]
        shift = np.ascontiguousarray(np.broadcast_to(self._column_means, (k, d)))
        stats = None
        for _ in range(2):
            parts = _per_block(
                _blocks.gmm_label_stats,
                X,
                w,
                km.cluster_centers_,
                km._origin,
                self.covariance_type,
                shift,
            )
            stats = _tree_sum(parts, np.add)
            nk = stats[:, 0]
            shift = np.ascontiguousarray(
                (stats[:, 1 : 1 + d] + shift * nk[:, None])
                / (nk + _mixture._EPS)[:, None]
            )
        return stats, shift

    def _dask_initial_params(self, X, w, random_state, inits):
        weights_init, means_init, precisions_init = inits
        n, k = X.shape[0], self.n_components
        kind = self.covariance_type
        if all(v is not None for v in inits):
            chol = _mixture._cholesky_of_precisions(precisions_init, kind)
            cov = _mixture._covariances_of_cholesky(chol, kind)
            return _mixture._Params(weights_init, means_init, cov, chol)
        total = float(w.sum(dtype=np.float64).compute())
        seeds = None
        if self.init_params == "kmeans":
            # k-means++ as in memory (on a sample when X is large)
            km = KMeans(
                k,
                init="k-means++",
                n_init=1,
                random_state=random_state,
                init_sample=self.init_sample,
                persist=self.persist,
            ).fit(X, sample_weight=w)
            stats, shift = self._dask_stats_about_means(X, w, km)
        elif self.init_params == "random":
            raise ValueError(
                "init_params='random' is not available for dask arrays (it draws n x "
                "n_components random numbers); use 'kmeans', 'k-means++' or "
                "'random_from_data'"
            )
        else:
            if self.init_params == "random_from_data":
                indices = random_state.choice(n, size=k, replace=False)
            else:  # k-means++ on a sample (all rows when there are fewer)
                from .kmeans import kmeans_plusplus

                m = min(n, max(self.init_sample, k))
                rows = (
                    np.sort(random_state.choice(n, size=m, replace=False))
                    if m < n
                    else np.arange(n)
                )
                Xs, ws = dask.compute(X[rows], w[rows])
                _, picked = kmeans_plusplus(
                    _aligned(Xs),
                    k,
                    random_state=random_state,
                    sample_weight=np.asarray(ws, dtype=np.float64),
                )
                indices = rows[picked]
            Xs, ws = dask.compute(X[indices], w[indices])
            Xs = _aligned(Xs)
            ws = np.asarray(ws, dtype=np.float64)
            stats, shift = self._stats_about_means(Xs, ws, resp=np.eye(k))
            seeds = (Xs, ws)
        try:
            params = _mixture._Params(
                *_core.gmm_mstep(stats, shift, kind, self.reg_covar, total)
            )
        except _core.IllDefinedCovariance:
            raise _mixture._ill_defined(X.dtype) from None
        if seeds is not None and kind == "tied":
            X64 = X.astype(np.float64)
            w64 = w.astype(np.float64)
            full = (X64.T @ (X64 * w64[:, None])).compute()
            Xs64 = seeds[0].astype(np.float64)
            others = full - Xs64.T @ (Xs64 * seeds[1][:, None])
            cov = params.covariances + others / (
                float(seeds[1].sum()) + k * _mixture._EPS
            )
            try:
                L = np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                raise _mixture._ill_defined(X.dtype) from None
            params = _mixture._Params(
                params.weights, params.means, cov, np.triu(np.linalg.inv(L).T)
            )
        if weights_init is not None:
            params.weights = np.array(weights_init, dtype=np.float64)
        if means_init is not None:
            params.means = np.ascontiguousarray(means_init, dtype=np.float64)
        if precisions_init is not None:
            params.precisions_cholesky = _mixture._cholesky_of_precisions(
                precisions_init, kind
            )
            params.covariances = _mixture._covariances_of_cholesky(
                params.precisions_cholesky, kind
            )
        return params

    def _dask_score(self, X, method):
        check_is_fitted(self)
        X = X.rechunk({1: -1})
        model = copy.copy(self)
        fn = getattr(_mixture.GaussianMixture, method)
        k = self.n_components
        dtype = np.result_type(X.dtype, self.means_.dtype)

        def run(b):
            if len(b) == 0:
                if method == "predict":
                    return np.empty(0, np.int64)
                return np.empty((0, k) if method == "predict_proba" else (0,), dtype)
            return fn(_with_aligned_arrays(model), _aligned(b))

        if method == "predict_proba":
            return X.map_blocks(run, chunks=(X.chunks[0], (k,)), dtype=dtype)
        out = np.int64 if method == "predict" else dtype
        return X.map_blocks(run, drop_axis=1, dtype=out, meta=np.empty(0, out))

    def predict(self, X):
        """Most probable component of each sample (lazy for a dask array)."""
        if isinstance(X, da.Array):
            return self._dask_score(X, "predict")
        return super().predict(X)

    def predict_proba(self, X):
        """Posterior probabilities (lazy for a dask array)."""
        if isinstance(X, da.Array):
            return self._dask_score(X, "predict_proba")
        return super().predict_proba(X)

    def score_samples(self, X):
        """log p(x) of each sample (lazy for a dask array)."""
        if isinstance(X, da.Array):
            return self._dask_score(X, "score_samples")
        return super().score_samples(X)


# ---------------------------------------------------------------- MiniBatchKMeans


class MiniBatchKMeans(_minibatch.MiniBatchKMeans):
    """:class:`clustercore.MiniBatchKMeans` that also fits dask arrays, in passes over
    the blocks.

    Each pass brings the blocks to the client one at a time, in order, and takes
    ``batch_size`` consecutive rows of a block as a batch: one C++ mini-batch step
    each (the step of :meth:`clustercore.MiniBatchKMeans.partial_fit`, with its
    random reassignment). ``max_iter`` passes at most; ``max_no_improvement`` and
    ``tol`` stop early as in memory. The client holds one block at a time; with
    ``persist=False`` (see :class:`KMeans`; 'auto' decides by X's size) the blocks
    are read from X's source on every pass, so X may be larger than memory. The
    initialisation is the in-memory one on ``init_size`` rows drawn at random. NumPy
    input is the in-memory fit.
    """

    _parameter_constraints = {
        **_minibatch.MiniBatchKMeans._parameter_constraints,
        "persist": ["boolean", StrOptions({"auto"})],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        verbose=0,
        compute_labels=True,
        random_state=None,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        n_init="auto",
        reassignment_ratio=0.01,
        persist="auto",
    ):
        super().__init__(
            n_clusters,
            init=init,
            max_iter=max_iter,
            batch_size=batch_size,
            verbose=verbose,
            compute_labels=compute_labels,
            random_state=random_state,
            tol=tol,
            max_no_improvement=max_no_improvement,
            init_size=init_size,
            n_init=n_init,
            reassignment_ratio=reassignment_ratio,
        )
        self.persist = persist

    def fit(self, X, y=None, sample_weight=None):
        """Fit on a dask array (or, for any other input, as clustercore's)."""
        if not isinstance(X, da.Array):
            return super().fit(X, y=y, sample_weight=sample_weight)
        self._validate_params()
        if X.ndim != 2:
            raise ValueError(f"Expected 2D array, got {X.ndim}D array instead.")
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        X, w, self._persisted = _rows_and_weights(X, sample_weight, self.persist)
        n, d = X.shape
        self._check_params_vs_input(_Shape(n, d))
        self.n_features_in_ = d
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_threads()
        # the batches are consecutive rows, not weighted draws: negative weights
        # have no meaning there
        count, mean, m2 = _checked_moments(
            self, X, w, sample_weight is not None, non_negative=True
        )
        self._origin = np.ascontiguousarray(mean)
        self._tol = float((m2 / count).mean() * self.tol) if self.tol > 0 else 0.0

        # the in-memory initialisation, on rows drawn at random
        validation = random_state.randint(0, n, self._init_size)
        X_valid, w_valid = (
            _aligned(a) for a in dask.compute(X[validation], w[validation])
        )
        init = self._checked_init(X)
        best = None
        for _ in range(self._n_init):
            if _is_arraylike_not_scalar(init):
                centers = np.ascontiguousarray(init, dtype=X.dtype)
            else:
                rows = random_state.randint(0, n, self._init_size)
                Xs, ws = (_aligned(a) for a in dask.compute(X[rows], w[rows]))
                centers = self._init_centroids(
                    Xs, None, self._origin, init, random_state, ws, n_threads
                )
            _, inertia = _core.labels_inertia(
                X_valid, w_valid, centers, self._origin, n_threads
            )
            if best is None or inertia < best[1]:
                best = (centers, inertia)
        self.cluster_centers_ = np.array(best[0])
        self._n_features_out = self.n_clusters
        self._counts = np.zeros(self.n_clusters, dtype=np.float64)
        self._n_since_last_reassign = 0
        self._random_state = random_state

        steps, ewa, ewa_min, no_improvement = 0, None, None, 0
        alpha = min(1.0, self._batch_size * 2.0 / (n + 1))
        stop = False
        for _ in range(self.max_iter):
            for xb, wb in zip(
                X.to_delayed().ravel(), w.to_delayed().ravel(), strict=True
            ):
                xb, wb = dask.compute(xb, wb)
                xb, wb = _aligned(xb), _aligned(wb)
                for start in range(0, len(xb), self._batch_size):
                    part = slice(start, start + self._batch_size)
                    inertia, shift = self._step(xb[part], wb[part], n_threads)
                    steps += 1
                    mean = inertia / len(xb[part])
                    if steps == 1:
                        continue
                    ewa = mean if ewa is None else ewa * (1 - alpha) + mean * alpha
                    if self._tol > 0 and shift <= self._tol:
                        stop = True
                    elif ewa_min is None or ewa < ewa_min:
                        no_improvement, ewa_min = 0, ewa
                    else:
                        no_improvement += 1
                    if (
                        self.max_no_improvement is not None
                        and no_improvement >= self.max_no_improvement
                    ):
                        stop = True
                    if stop:
                        break
                if stop:
                    break
            if stop:
                break
        self.n_steps_ = steps
        self.n_iter_ = int(math.ceil(steps * self._batch_size / n))
        self._ewa_inertia = ewa
        if self.compute_labels:
            stats = _per_block(
                _blocks.lloyd_stats, X, w, self.cluster_centers_, self._origin
            )
            self.inertia_ = float(_tree_sum(stats, _add_stats)[2])
            self.labels_ = self.predict(X)
        else:
            self.inertia_ = float(
                (ewa or 0.0) * float(w.sum(dtype=np.float64).compute())
            )
        return self

    def _step(self, xb, wb, n_threads):
        """One C++ mini-batch step (partial_fit's): (batch inertia, squared shift)."""
        self._n_since_last_reassign += self._batch_size
        reassign = bool((self._counts == 0).any()) or (
            self._n_since_last_reassign >= 10 * self.n_clusters
        )
        if reassign:
            self._n_since_last_reassign = 0
        seed = int(self._random_state.randint(0, _minibatch._SEED_HIGH, dtype=np.int64))
        before = self.cluster_centers_.copy() if self._tol > 0 else None
        inertia, _ = _core.minibatch_step(
            xb,
            wb,
            self.cluster_centers_,
            self._counts,
            reassign,
            float(self.reassignment_ratio),
            seed,
            self._origin,
            n_threads,
        )
        shift = 0.0
        if before is not None:
            diff = self.cluster_centers_.astype(np.float64) - before
            shift = float((diff * diff).sum())
        return inertia, shift

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the k-means objective of X (for a dask array, computed block
        by block where the blocks are)."""
        if isinstance(X, da.Array):
            return _dask_kmeans_score(
                self, X, sample_weight, _minibatch.MiniBatchKMeans
            )
        return super().score(X, y=y, sample_weight=sample_weight)

    def predict(self, X):
        """Nearest centre of each row (lazy for a dask array)."""
        if isinstance(X, da.Array):
            return KMeans._dask_map(self, X, "predict", None)
        return super().predict(X)

    def transform(self, X):
        """Distances to the centres (lazy for a dask array)."""
        if isinstance(X, da.Array):
            return KMeans._dask_map(self, X, "transform", self.n_clusters)
        return super().transform(X)
