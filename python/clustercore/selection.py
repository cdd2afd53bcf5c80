"""Choosing the number of clusters, and flagging anomalies: chapter 9's recipes.

:func:`scan_k` fits a model for every k and scores it (inertia and silhouette for
KMeans; BIC, AIC and optionally the silhouette for GaussianMixture), suggesting k by
each criterion. The data is validated once, and the silhouettes of all k come from one
pass of pairwise distances. :func:`density_anomalies` flags the samples whose density
under a fitted mixture falls below a percentile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_array, check_random_state

from . import _core
from ._validation import aligned, effective_n_threads
from .metrics import _silhouette_from_sums

__all__ = ["KScan", "density_anomalies", "elbow_k", "scan_k"]


@dataclass
class KScan:
    """What :func:`scan_k` found, one entry per k.

    Attributes
    ----------
    k : list of int
        The numbers of clusters tried, in increasing order.
    models : list of estimators
        The fitted model for each k.
    inertia : list of float or None
        KMeans: the inertia for each k.
    silhouette : list of float or None
        The mean silhouette for each k (NaN where undefined, as for k = 1).
    bic, aic : list of float or None
        GaussianMixture: the information criteria on the data for each k.
    best : dict
        Suggested k by criterion: 'elbow' and 'silhouette' for KMeans; 'bic', 'aic'
        (and 'silhouette' if computed) for GaussianMixture.
    """

    k: list
    models: list
    inertia: list | None = None
    silhouette: list | None = None
    bic: list | None = None
    aic: list | None = None
    best: dict = field(default_factory=dict)


def elbow_k(ks, values):
    """The elbow of a decreasing curve such as the inertia against k.

    Both axes are taken on a log scale and scaled to [0, 1]; the elbow is the k that
    lies farthest below the straight line from the first point to the last. On a log
    scale the inertia of data without cluster structure falls along a straight line
    (it shrinks like k^(-2/d)), so a point far below the line is a k after which
    more clusters buy much less. Curves with zero or negative values are taken on a
    linear scale.

    Parameters
    ----------
    ks : sequence of int
        Increasing positive numbers of clusters.
    values : sequence of float
        The curve, typically the inertia.

    Returns
    -------
    k : int
        The elbow (the first k if the curve has no bend or fewer than 3 points).

    Examples
    --------
    >>> from clustercore import elbow_k
    >>> elbow_k([1, 2, 3, 4, 5, 6], [100, 40, 12, 10, 9, 8])
    3
    """
    k_values = np.asarray(ks, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if k_values.shape != v.shape or k_values.ndim != 1:
        raise ValueError(
            f"ks and values must be 1-D of one length, got {k_values.shape} and "
            f"{v.shape}."
        )
    if len(k_values) < 3:
        return int(k_values[0])
    x, y = k_values, v
    if x.min() > 0 and y.min() > 0:
        x, y = np.log(x), np.log(y)
    x = (x - x[0]) / (x[-1] - x[0])
    span = y[0] - y[-1]
    y = (y - y[-1]) / span if span > 0 else np.ones_like(y)
    # the chord goes from (0, 1) to (1, 0): how far each point lies below it
    below = (1.0 - x) - y
    best = int(np.argmax(below))
    if below[best] <= 1e-9:  # no point clearly below the chord (rounding aside)
        best = 0
    return int(k_values[best])


def scan_k(
    X,
    k=range(2, 11),
    *,
    model="kmeans",
    silhouette=True,
    silhouette_sample_size=None,
    sample_weight=None,
    random_state=None,
    **params,
):
    """Fit a model for every k and score it, the chapter's way of choosing k.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data (validated once for all k).
    k : iterable of int, default=range(2, 11)
        The numbers of clusters (components) to try.
    model : {'kmeans', 'gmm'}, default='kmeans'
        :class:`KMeans` (scored by inertia and silhouette) or
        :class:`GaussianMixture` (scored by BIC and AIC, and the silhouette of its
        hard labels if ``silhouette``).
    silhouette : bool, default=True
        Also compute the mean silhouette of each k (one shared pass of pairwise
        distances: O(n^2 d) time, O(n k) memory).
    silhouette_sample_size : int, default=None
        Score the silhouettes on this many random samples (the same for every k).
    sample_weight : array-like of shape (n_samples,), default=None
        Passed to every fit.
    random_state : int, RandomState instance or None, default=None
        Seeds every fit (an int gives each k the same seed) and the silhouette
        subset.
    **params
        Further parameters of the estimator (``n_init``, ``covariance_type``, ...).

    Returns
    -------
    scan : KScan
        Per-k models and scores, and the suggested k by each criterion.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from clustercore import scan_k
    >>> X, _ = make_blobs(600, centers=4, random_state=0)
    >>> scan = scan_k(X, range(2, 8), n_init=3, random_state=0)
    >>> scan.best["silhouette"]
    4
    """
    from .kmeans import KMeans
    from .mixture import GaussianMixture

    ks = sorted(int(v) for v in k)
    if not ks or ks[0] < 1:
        raise ValueError(f"k must be positive numbers of clusters, got {ks}.")
    if model not in ("kmeans", "gmm"):
        raise ValueError(f"model must be 'kmeans' or 'gmm', got {model!r}.")
    X = aligned(
        check_array(X, dtype=[np.float64, np.float32], order="C", input_name="X")
    )
    models, labelings = [], []
    for kk in ks:
        if model == "kmeans":
            est = KMeans(kk, random_state=random_state, **params)
        else:
            est = GaussianMixture(kk, random_state=random_state, **params)
        est.fit(X, sample_weight=sample_weight)
        models.append(est)
        labelings.append(est.labels_ if model == "kmeans" else est.predict(X))

    scan = KScan(k=ks, models=models)
    if model == "kmeans":
        scan.inertia = [float(m.inertia_) for m in models]
        scan.best["elbow"] = elbow_k(ks, scan.inertia)
    else:
        scan.bic = [float(m.bic(X)) for m in models]
        scan.aic = [float(m.aic(X)) for m in models]
        scan.best["bic"] = ks[int(np.argmin(scan.bic))]
        scan.best["aic"] = ks[int(np.argmin(scan.aic))]
    if silhouette:
        scan.silhouette = _silhouettes(
            X, labelings, silhouette_sample_size, random_state
        )
        scores = np.array(scan.silhouette)
        if np.isfinite(scores).any():
            scan.best["silhouette"] = ks[int(np.nanargmax(scores))]
    return scan


def _silhouettes(X, labelings, sample_size, random_state):
    """Mean silhouette of each labeling of X, from one distance pass (NaN where fewer
    than 2 or more than n - 1 clusters are found)."""
    n = X.shape[0]
    if sample_size is not None and sample_size < n:
        idx = check_random_state(random_state).permutation(n)[:sample_size]
        X = np.ascontiguousarray(X[idx])
        labelings = [np.asarray(lab)[idx] for lab in labelings]
        n = len(idx)
    codes, counts, valid = [], [], []
    for lab in labelings:
        u, c = np.unique(lab, return_inverse=True)
        codes.append(c.astype(np.int32))
        counts.append(np.bincount(c, minlength=len(u)))
        valid.append(1 < len(u) < n)
    n_clusters = max(len(c) for c in counts)
    out = [float("nan")] * len(labelings)
    todo = [i for i, ok in enumerate(valid) if ok]
    if not todo:
        return out
    sums = _core.silhouette_sums(
        X,
        np.stack([codes[i] for i in todo]),
        n_clusters,
        "euclidean",
        effective_n_threads(),
    )
    for row, i in enumerate(todo):
        k = len(counts[i])
        s = _silhouette_from_sums(sums[row][:, :k], codes[i], counts[i])
        out[i] = float(np.mean(s))
    return out


class Anomalies(NamedTuple):
    """The result of :func:`density_anomalies`."""

    mask: np.ndarray  # True for the anomalies
    threshold: float  # log-density below which a sample is one


def density_anomalies(model, X, percentile=2.0, *, threshold=None):
    """Samples whose log-density under a fitted density model (``score_samples``)
    falls below the given percentile of X's, as the chapter does with 2%.

    Parameters
    ----------
    model : fitted estimator with ``score_samples``
        For instance a fitted :class:`GaussianMixture`.
    X : array-like of shape (n_samples, n_features)
        The samples to judge.
    percentile : float, default=2.0
        The share (in percent) of X's samples of lowest density that are anomalies.
    threshold : float, default=None
        A log-density threshold to use instead (novelty detection: a threshold
        chosen on training data, applied to new data).

    Returns
    -------
    anomalies : Anomalies
        ``mask`` (True for anomalies) and the ``threshold`` used.

    Examples
    --------
    >>> import numpy as np
    >>> from clustercore import GaussianMixture, density_anomalies
    >>> X = np.r_[np.random.default_rng(0).normal(size=(500, 2)), [[8.0, 8.0]]]
    >>> gm = GaussianMixture(1, random_state=0).fit(X)
    >>> found = density_anomalies(gm, X, percentile=1)
    >>> bool(found.mask[-1]), int(found.mask.sum())
    (True, 5)
    """
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile must lie in [0, 100], got {percentile}.")
    densities = model.score_samples(X)
    if threshold is None:
        threshold = float(np.percentile(densities, percentile))
    return Anomalies(mask=densities < threshold, threshold=float(threshold))
