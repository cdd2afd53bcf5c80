"""Input handling shared by every estimator: threads, dtypes, sparse views."""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

from . import _core


def effective_n_threads() -> int:
    """Threads for one call, resolved the way scikit-learn resolves its OpenMP threads.

    ``OMP_NUM_THREADS`` and threadpoolctl limits act on our OpenMP runtime and so on
    ``_core.max_threads()``; without ``OMP_NUM_THREADS`` the count is also capped by the
    CPUs this process may run on.
    """
    n = _core.max_threads()
    if "OMP_NUM_THREADS" not in os.environ:
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cpus = os.cpu_count() or 1
        n = min(n, cpus)
    return max(1, int(n))


def common_float_dtype(*dtypes) -> np.dtype:
    """float64 unless every dtype is float32: the lossless common precision."""
    if all(np.dtype(d) == np.float32 for d in dtypes):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def canonical_csr(X):
    """CSR with int32 indices and no duplicate entries; never mutates X."""
    X = sp.csr_matrix(X)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    return X


def aligned(a):
    """a, or an aligned copy when its data does not sit at a multiple of its item
    size (np.frombuffer at an odd offset, views into byte buffers): the kernels read
    whole values. Anything but a NumPy array is returned as given."""
    if isinstance(a, np.ndarray) and not a.flags.aligned:
        return np.require(a, requirements=["A"])
    return a


def core_args(X):
    """Arguments naming X for a ``_core`` function: (X,) or the CSR arrays."""
    if sp.issparse(X):
        return (
            np.ascontiguousarray(X.data),
            np.ascontiguousarray(X.indices, dtype=np.int32),
            np.ascontiguousarray(X.indptr, dtype=np.int32),
            X.shape[1],
        )
    return (aligned(X),)


def core_fn(name: str, X):
    """``_core.<name>`` for dense X, or its ``_csr`` twin for sparse X."""
    return getattr(_core, name + "_csr" if sp.issparse(X) else name)
