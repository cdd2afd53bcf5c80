"""
clustercore's C++ kernels. Use the estimators in clustercore, not this module.
"""

from __future__ import annotations

import typing

import numpy
import numpy.typing

__all__: list[str] = [
    "IllDefinedCovariance",
    "bgm_em",
    "bgm_posterior",
    "bgm_score",
    "build_info",
    "column_mean_var",
    "dbscan",
    "dbscan_precomputed",
    "dbscan_precomputed_csr",
    "dbscan_predict",
    "distances",
    "distances_csr",
    "gmm_em",
    "gmm_estep_stats",
    "gmm_moments",
    "gmm_mstep",
    "gmm_resp_stats",
    "gmm_score",
    "kmeans_farthest",
    "kmeans_plusplus",
    "kmeans_plusplus_csr",
    "labels_inertia",
    "labels_inertia_csr",
    "lloyd",
    "lloyd_block_stats",
    "lloyd_block_stats_csr",
    "lloyd_csr",
    "lloyd_update",
    "max_threads",
    "minibatch_fit",
    "minibatch_fit_csr",
    "minibatch_step",
    "minibatch_step_csr",
    "row_norms",
    "row_norms_csr",
    "select_simd",
    "silhouette_sums",
]

class IllDefinedCovariance(ValueError):
    pass

@typing.overload
def bgm_em(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: typing.Any,
    covariance_type: str,
    priors: tuple,
    posterior: tuple,
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    reg_covar: typing.SupportsFloat | typing.SupportsIndex,
    lower_bound: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any,
) -> tuple:
    """
    Variational EM iterations: (posterior, (weights, means, covariances, precisions_cholesky), n_iter, converged, lower_bounds).
    """

@typing.overload
def bgm_em(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: typing.Any,
    covariance_type: str,
    priors: tuple,
    posterior: tuple,
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    reg_covar: typing.SupportsFloat | typing.SupportsIndex,
    lower_bound: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any,
) -> tuple:
    """
    Variational EM iterations: (posterior, (weights, means, covariances, precisions_cholesky), n_iter, converged, lower_bounds).
    """

def bgm_posterior(
    nk: numpy.typing.NDArray[numpy.float64],
    means: numpy.typing.NDArray[numpy.float64],
    covariances: numpy.typing.NDArray[numpy.float64],
    covariance_type: str,
    priors: tuple,
) -> tuple:
    """
    The variational posterior from Gaussian moments: ((concentration_a, concentration_b, mean_precision, degrees_of_freedom), (weights, means, covariances, precisions_cholesky)).
    """

@typing.overload
def bgm_score(
    X: numpy.typing.NDArray[numpy.float32],
    covariance_type: str,
    priors: tuple,
    posterior: tuple,
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    want_resp: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Per sample under the variational posterior: (log-sum-exp of the weighted log-probabilities, most probable component, responsibilities or None).
    """

@typing.overload
def bgm_score(
    X: numpy.typing.NDArray[numpy.float64],
    covariance_type: str,
    priors: tuple,
    posterior: tuple,
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    want_resp: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Per sample under the variational posterior: (log-sum-exp of the weighted log-probabilities, most probable component, responsibilities or None).
    """

def build_info() -> dict: ...
@typing.overload
def column_mean_var(
    X: numpy.typing.NDArray[numpy.float32],
    want_var: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Column means and population variances (None unless want_var), in double.
    """

@typing.overload
def column_mean_var(
    X: numpy.typing.NDArray[numpy.float64],
    want_var: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Column means and population variances (None unless want_var), in double.
    """

@typing.overload
def dbscan(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    metric: str,
    p: typing.SupportsFloat | typing.SupportsIndex,
    leaf_size: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN with a k-d tree: (core mask, labels). Metrics: euclidean, manhattan, chebyshev, minkowski (p >= 1).
    """

@typing.overload
def dbscan(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    metric: str,
    p: typing.SupportsFloat | typing.SupportsIndex,
    leaf_size: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN with a k-d tree: (core mask, labels). Metrics: euclidean, manhattan, chebyshev, minkowski (p >= 1).
    """

@typing.overload
def dbscan_precomputed(
    D: numpy.typing.NDArray[numpy.float32],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN on a dense square distance matrix: (core mask, labels).
    """

@typing.overload
def dbscan_precomputed(
    D: numpy.typing.NDArray[numpy.float64],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN on a dense square distance matrix: (core mask, labels).
    """

@typing.overload
def dbscan_precomputed_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int64],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN on a sparse CSR distance graph (only stored entries are neighbours): (core mask, labels).
    """

@typing.overload
def dbscan_precomputed_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int64],
    indptr: numpy.typing.NDArray[numpy.int64],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN on a sparse CSR distance graph (only stored entries are neighbours): (core mask, labels).
    """

@typing.overload
def dbscan_precomputed_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int64],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN on a sparse CSR distance graph (only stored entries are neighbours): (core mask, labels).
    """

@typing.overload
def dbscan_precomputed_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int64],
    indptr: numpy.typing.NDArray[numpy.int64],
    sample_weight: typing.Any,
    eps: typing.SupportsFloat | typing.SupportsIndex,
    min_samples: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    DBSCAN on a sparse CSR distance graph (only stored entries are neighbours): (core mask, labels).
    """

@typing.overload
def dbscan_predict(
    core_X: numpy.typing.NDArray[numpy.float32],
    core_labels: numpy.typing.NDArray[numpy.int64],
    X: numpy.typing.NDArray[numpy.float32],
    eps: typing.SupportsFloat | typing.SupportsIndex,
    metric: str,
    p: typing.SupportsFloat | typing.SupportsIndex,
    leaf_size: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray:
    """
    Label of the nearest core sample within eps, else -1.
    """

@typing.overload
def dbscan_predict(
    core_X: numpy.typing.NDArray[numpy.float64],
    core_labels: numpy.typing.NDArray[numpy.int64],
    X: numpy.typing.NDArray[numpy.float64],
    eps: typing.SupportsFloat | typing.SupportsIndex,
    metric: str,
    p: typing.SupportsFloat | typing.SupportsIndex,
    leaf_size: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray:
    """
    Label of the nearest core sample within eps, else -1.
    """

@typing.overload
def distances(
    X: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    squared: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray:
    """
    Euclidean distances of every row to every centre, from the differences in double.
    """

@typing.overload
def distances(
    X: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    squared: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray:
    """
    Euclidean distances of every row to every centre, from the differences in double.
    """

@typing.overload
def distances_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    centers: numpy.typing.NDArray[numpy.float32],
    squared: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray: ...
@typing.overload
def distances_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    centers: numpy.typing.NDArray[numpy.float64],
    squared: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray: ...
@typing.overload
def gmm_em(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: typing.Any,
    covariance_type: str,
    weights: numpy.typing.NDArray[numpy.float64],
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    reg_covar: typing.SupportsFloat | typing.SupportsIndex,
    lower_bound: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any,
) -> tuple:
    """
    EM iterations: ((weights, means, covariances, precisions_cholesky), n_iter, converged, lower_bounds).
    """

@typing.overload
def gmm_em(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: typing.Any,
    covariance_type: str,
    weights: numpy.typing.NDArray[numpy.float64],
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    reg_covar: typing.SupportsFloat | typing.SupportsIndex,
    lower_bound: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any,
) -> tuple:
    """
    EM iterations: ((weights, means, covariances, precisions_cholesky), n_iter, converged, lower_bounds).
    """

@typing.overload
def gmm_estep_stats(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: typing.Any,
    covariance_type: str,
    weights: numpy.typing.NDArray[numpy.float64],
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    One E-step and the M-step's statistics relative to the means: (stats (k x (1 + d + s2)), sum of w log p(x), sum of w).
    """

@typing.overload
def gmm_estep_stats(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: typing.Any,
    covariance_type: str,
    weights: numpy.typing.NDArray[numpy.float64],
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    One E-step and the M-step's statistics relative to the means: (stats (k x (1 + d + s2)), sum of w log p(x), sum of w).
    """

def gmm_moments(
    stats: numpy.typing.NDArray[numpy.float64],
    shift: numpy.typing.NDArray[numpy.float64],
    covariance_type: str,
    reg_covar: typing.SupportsFloat | typing.SupportsIndex,
) -> tuple:
    """
    scikit-learn's _estimate_gaussian_parameters from statistics relative to shift: (nk + 10 eps, means, covariances with reg_covar).
    """

def gmm_mstep(
    stats: numpy.typing.NDArray[numpy.float64],
    shift: numpy.typing.NDArray[numpy.float64],
    covariance_type: str,
    reg_covar: typing.SupportsFloat | typing.SupportsIndex,
    weight_total: typing.SupportsFloat | typing.SupportsIndex,
) -> tuple:
    """
    M-step from statistics relative to shift: (weights, means, covariances, precisions_cholesky).
    """

@typing.overload
def gmm_resp_stats(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: typing.Any,
    labels: typing.Any,
    resp: typing.Any,
    shift: numpy.typing.NDArray[numpy.float64],
    covariance_type: str,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Statistics relative to shift from one-hot labels or a dense resp.
    """

@typing.overload
def gmm_resp_stats(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: typing.Any,
    labels: typing.Any,
    resp: typing.Any,
    shift: numpy.typing.NDArray[numpy.float64],
    covariance_type: str,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Statistics relative to shift from one-hot labels or a dense resp.
    """

@typing.overload
def gmm_score(
    X: numpy.typing.NDArray[numpy.float32],
    covariance_type: str,
    weights: numpy.typing.NDArray[numpy.float64],
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    want_resp: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Per sample: (log p(x), most probable component, responsibilities or None).
    """

@typing.overload
def gmm_score(
    X: numpy.typing.NDArray[numpy.float64],
    covariance_type: str,
    weights: numpy.typing.NDArray[numpy.float64],
    means: numpy.typing.NDArray[numpy.float64],
    precisions_cholesky: numpy.typing.NDArray[numpy.float64],
    want_resp: bool,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Per sample: (log p(x), most probable component, responsibilities or None).
    """

@typing.overload
def kmeans_farthest(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    labels: numpy.typing.NDArray[numpy.int32],
    m: typing.SupportsInt | typing.SupportsIndex,
    offset: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    The m samples farthest from their centres, candidates for empty clusters: (squared distances, indices + offset, labels, weights, rows).
    """

@typing.overload
def kmeans_farthest(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    labels: numpy.typing.NDArray[numpy.int32],
    m: typing.SupportsInt | typing.SupportsIndex,
    offset: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    The m samples farthest from their centres, candidates for empty clusters: (squared distances, indices + offset, labels, weights, rows).
    """

@typing.overload
def kmeans_plusplus(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: numpy.typing.NDArray[numpy.float32],
    x_squared_norms: numpy.typing.NDArray[numpy.float64],
    origin: typing.Any,
    n_clusters: typing.SupportsInt | typing.SupportsIndex,
    first: typing.SupportsInt | typing.SupportsIndex,
    uniforms: numpy.typing.NDArray[numpy.float64],
    n_local_trials: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Greedy k-means++ driven by the given random draws: (centers, indices). x_squared_norms are ||x - origin||^2.
    """

@typing.overload
def kmeans_plusplus(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: numpy.typing.NDArray[numpy.float64],
    x_squared_norms: numpy.typing.NDArray[numpy.float64],
    origin: typing.Any,
    n_clusters: typing.SupportsInt | typing.SupportsIndex,
    first: typing.SupportsInt | typing.SupportsIndex,
    uniforms: numpy.typing.NDArray[numpy.float64],
    n_local_trials: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Greedy k-means++ driven by the given random draws: (centers, indices). x_squared_norms are ||x - origin||^2.
    """

@typing.overload
def kmeans_plusplus_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float32],
    x_squared_norms: numpy.typing.NDArray[numpy.float64],
    n_clusters: typing.SupportsInt | typing.SupportsIndex,
    first: typing.SupportsInt | typing.SupportsIndex,
    uniforms: numpy.typing.NDArray[numpy.float64],
    n_local_trials: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple: ...
@typing.overload
def kmeans_plusplus_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float64],
    x_squared_norms: numpy.typing.NDArray[numpy.float64],
    n_clusters: typing.SupportsInt | typing.SupportsIndex,
    first: typing.SupportsInt | typing.SupportsIndex,
    uniforms: numpy.typing.NDArray[numpy.float64],
    n_local_trials: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple: ...
@typing.overload
def labels_inertia(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Nearest centre of every row and the weighted inertia: (labels, inertia).
    """

@typing.overload
def labels_inertia(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    Nearest centre of every row and the weighted inertia: (labels, inertia).
    """

@typing.overload
def labels_inertia_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple: ...
@typing.overload
def labels_inertia_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple: ...
@typing.overload
def lloyd(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any = None,
    prune: typing.SupportsInt | typing.SupportsIndex = 1,
    x_squared_norms: typing.Any = None,
) -> tuple:
    """
    Lloyd's algorithm from the given centres. on_iter(iter, inertia, shift, n_changed) runs after every iteration. Returns (centers, labels, inertia, n_iter, strict).
    """

@typing.overload
def lloyd(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any = None,
    prune: typing.SupportsInt | typing.SupportsIndex = 1,
    x_squared_norms: typing.Any = None,
) -> tuple:
    """
    Lloyd's algorithm from the given centres. on_iter(iter, inertia, shift, n_changed) runs after every iteration. Returns (centers, labels, inertia, n_iter, strict).
    """

@typing.overload
def lloyd_block_stats(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    labels: typing.Any = None,
    want_inertia: bool = True,
) -> tuple:
    """
    Sufficient statistics of one Lloyd step on a block, in double: (sums, weights, inertia (0 unless want_inertia), labels, n_changed); n_changed counts the labels that differ from the given ones (all, without them).
    """

@typing.overload
def lloyd_block_stats(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    labels: typing.Any = None,
    want_inertia: bool = True,
) -> tuple:
    """
    Sufficient statistics of one Lloyd step on a block, in double: (sums, weights, inertia (0 unless want_inertia), labels, n_changed); n_changed counts the labels that differ from the given ones (all, without them).
    """

@typing.overload
def lloyd_block_stats_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    labels: typing.Any = None,
) -> tuple: ...
@typing.overload
def lloyd_block_stats_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    labels: typing.Any = None,
) -> tuple: ...
@typing.overload
def lloyd_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any = None,
) -> tuple: ...
@typing.overload
def lloyd_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    max_iter: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_iter: typing.Any = None,
) -> tuple: ...
@typing.overload
def lloyd_update(
    sums: numpy.typing.NDArray[numpy.float64],
    weights: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float32],
    candidates: typing.Any = None,
) -> tuple:
    """
    The Lloyd update from summed block statistics, as the in-memory fit makes it: (centers, total squared shift, clusters relocated).
    """

@typing.overload
def lloyd_update(
    sums: numpy.typing.NDArray[numpy.float64],
    weights: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    candidates: typing.Any = None,
) -> tuple:
    """
    The Lloyd update from summed block statistics, as the in-memory fit makes it: (centers, total squared shift, clusters relocated).
    """

def max_threads() -> int:
    """
    Threads the parallel runtime would use now (OMP_NUM_THREADS, threadpoolctl).
    """

@typing.overload
def minibatch_fit(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    batch_size: typing.SupportsInt | typing.SupportsIndex,
    n_steps: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    max_no_improvement: typing.SupportsInt | typing.SupportsIndex,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_step: typing.Any = None,
) -> tuple:
    """
    scikit-learn's MiniBatchKMeans.fit loop from the given centres, batches drawn with probability proportional to sample_weight. max_no_improvement < 0: never. Returns (centers, counts, n_steps, ewa_inertia, first_inertia, n_since_last_reassign).
    """

@typing.overload
def minibatch_fit(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    batch_size: typing.SupportsInt | typing.SupportsIndex,
    n_steps: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    max_no_improvement: typing.SupportsInt | typing.SupportsIndex,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_step: typing.Any = None,
) -> tuple:
    """
    scikit-learn's MiniBatchKMeans.fit loop from the given centres, batches drawn with probability proportional to sample_weight. max_no_improvement < 0: never. Returns (centers, counts, n_steps, ewa_inertia, first_inertia, n_since_last_reassign).
    """

@typing.overload
def minibatch_fit_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    batch_size: typing.SupportsInt | typing.SupportsIndex,
    n_steps: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    max_no_improvement: typing.SupportsInt | typing.SupportsIndex,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_step: typing.Any = None,
) -> tuple: ...
@typing.overload
def minibatch_fit_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    batch_size: typing.SupportsInt | typing.SupportsIndex,
    n_steps: typing.SupportsInt | typing.SupportsIndex,
    tol: typing.SupportsFloat | typing.SupportsIndex,
    max_no_improvement: typing.SupportsInt | typing.SupportsIndex,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
    on_step: typing.Any = None,
) -> tuple: ...
@typing.overload
def minibatch_step(
    X: numpy.typing.NDArray[numpy.float32],
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    counts: numpy.typing.NDArray[numpy.float64],
    reassign: bool,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    One mini-batch step on the rows of X, updating centers and counts in place. Returns (batch_inertia, n_reassigned).
    """

@typing.overload
def minibatch_step(
    X: numpy.typing.NDArray[numpy.float64],
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    counts: numpy.typing.NDArray[numpy.float64],
    reassign: bool,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple:
    """
    One mini-batch step on the rows of X, updating centers and counts in place. Returns (batch_inertia, n_reassigned).
    """

@typing.overload
def minibatch_step_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float32],
    centers: numpy.typing.NDArray[numpy.float32],
    counts: numpy.typing.NDArray[numpy.float64],
    reassign: bool,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple: ...
@typing.overload
def minibatch_step_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    sample_weight: numpy.typing.NDArray[numpy.float64],
    centers: numpy.typing.NDArray[numpy.float64],
    counts: numpy.typing.NDArray[numpy.float64],
    reassign: bool,
    reassignment_ratio: typing.SupportsFloat | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> tuple: ...
@typing.overload
def row_norms(
    X: numpy.typing.NDArray[numpy.float32],
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray:
    """
    ||x - origin||^2 of every row, in double.
    """

@typing.overload
def row_norms(
    X: numpy.typing.NDArray[numpy.float64],
    origin: typing.Any,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray:
    """
    ||x - origin||^2 of every row, in double.
    """

@typing.overload
def row_norms_csr(
    data: numpy.typing.NDArray[numpy.float32],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray: ...
@typing.overload
def row_norms_csr(
    data: numpy.typing.NDArray[numpy.float64],
    indices: numpy.typing.NDArray[numpy.int32],
    indptr: numpy.typing.NDArray[numpy.int32],
    n_cols: typing.SupportsInt | typing.SupportsIndex,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.ndarray: ...
def select_simd(name: str) -> None:
    """
    Force the kernels of one instruction set (tests only; not thread-safe).
    """

@typing.overload
def silhouette_sums(
    X: numpy.typing.NDArray[numpy.float32],
    labels: numpy.typing.NDArray[numpy.int32],
    n_clusters: typing.SupportsInt | typing.SupportsIndex,
    metric: str,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.typing.NDArray[numpy.float64]:
    """
    Per-cluster sums of distances from every sample, for K labelings at once: (K, n, n_clusters).
    """

@typing.overload
def silhouette_sums(
    X: numpy.typing.NDArray[numpy.float64],
    labels: numpy.typing.NDArray[numpy.int32],
    n_clusters: typing.SupportsInt | typing.SupportsIndex,
    metric: str,
    n_threads: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.typing.NDArray[numpy.float64]:
    """
    Per-cluster sums of distances from every sample, for K labelings at once: (K, n, n_clusters).
    """
