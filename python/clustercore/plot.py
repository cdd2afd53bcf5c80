"""Pictures for choosing k and for looking at clusters (extra ``clustercore[plot]``).

Every function draws on the given Axes (or a new figure's) and returns it, so pictures
compose: ``fig, axes = plt.subplots(1, 2); elbow(scan, ax=axes[0]); ...``. They draw
chapter 9's figures: the elbow curve, the mean silhouette against k, the silhouette
diagram, BIC and AIC against k, KMeans decision regions, DBSCAN's core, border and noise
samples, a Gaussian mixture's density with its anomalies, and models compared against
k (KMeans and MiniBatchKMeans: inertia and training time).
"""

from __future__ import annotations

import numpy as np

from .metrics import silhouette_samples
from .selection import KScan

__all__ = [
    "compare_k",
    "dbscan",
    "decision_regions",
    "elbow",
    "gaussian_mixture",
    "information_criteria",
    "silhouette_diagram",
    "silhouette_scores",
]


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(6, 4)).add_subplot()


def _ring(ax, k, value, colour, label):
    """An open circle around the point of a chosen k."""
    ax.plot(
        [k],
        [value],
        "o",
        markersize=14,
        markerfacecolor="none",
        markeredgewidth=2,
        color=colour,
        label=label,
    )


def _k_axes(ax, ks, ylabel):
    ax.set_xlabel("$k$")
    ax.set_ylabel(ylabel)
    ax.set_xticks(list(ks))
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def _curve(ax, ks, values, mark, *, label, ylabel, mark_label):
    ax.plot(ks, values, "o-", label=label)
    if mark is not None:
        value = values[list(ks).index(mark)]
        _ring(ax, mark, value, "tab:red", f"{mark_label} (k={mark})")
    return _k_axes(ax, ks, ylabel)


def elbow(scan, inertia=None, *, ax=None, mark=True):
    """Inertia against k, with the elbow marked.

    Parameters
    ----------
    scan : KScan or sequence of int
        A :func:`~clustercore.scan_k` result for KMeans, or the k values (then give
        ``inertia``).
    inertia : sequence of float, default=None
        The inertia for each k, when ``scan`` is a sequence.
    ax : matplotlib Axes, default=None
        Where to draw (a new figure if None).
    mark : bool or int, default=True
        Mark the elbow (True: found by :func:`~clustercore.elbow_k`), a given k, or
        nothing (False).

    Returns
    -------
    ax : matplotlib Axes
    """
    from .selection import elbow_k

    ks, values = (scan.k, scan.inertia) if isinstance(scan, KScan) else (scan, inertia)
    if mark is True:
        mark = elbow_k(ks, values)
    elif mark is False:
        mark = None
    return _curve(
        _axes(ax),
        ks,
        values,
        mark,
        label="inertia",
        ylabel="Inertia",
        mark_label="elbow",
    )


def silhouette_scores(scan, *, ax=None):
    """Mean silhouette score against k, the best k marked.

    Parameters
    ----------
    scan : KScan
        A :func:`~clustercore.scan_k` result with silhouettes.
    ax : matplotlib Axes, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    ks = [k for k, s in zip(scan.k, scan.silhouette, strict=True) if np.isfinite(s)]
    values = [s for s in scan.silhouette if np.isfinite(s)]
    return _curve(
        _axes(ax),
        ks,
        values,
        scan.best.get("silhouette"),
        label="silhouette",
        ylabel="Silhouette score",
        mark_label="best",
    )


def information_criteria(scan, *, ax=None):
    """BIC and AIC of Gaussian mixtures against k, each minimum marked.

    Parameters
    ----------
    scan : KScan
        A :func:`~clustercore.scan_k` result for ``model='gmm'``.
    ax : matplotlib Axes, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    for name, values, colour in (
        ("BIC", scan.bic, "tab:blue"),
        ("AIC", scan.aic, "tab:green"),
    ):
        ax.plot(scan.k, values, "o-", color=colour, label=name)
        best = scan.best[name.lower()]
        value = values[scan.k.index(best)]
        _ring(ax, best, value, colour, f"lowest {name} (k={best})")
    return _k_axes(ax, scan.k, "Information criterion")


def compare_k(ks, curves, *, ylabel, ax=None, log=False):
    """Several models' values against k on one Axes, one curve per model (chapter 9's
    KMeans against MiniBatchKMeans: inertia, and training time).

    Parameters
    ----------
    ks : sequence of int
        The k values.
    curves : dict of str to sequence of float
        Label of each curve, and its value for each k.
    ylabel : str
        What the values are.
    ax : matplotlib Axes, default=None
    log : bool, default=False
        A logarithmic value axis (for times that grow by orders of magnitude).

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    ks = list(ks)
    for label, values in curves.items():
        if len(values) != len(ks):
            raise ValueError(
                f"curve {label!r} has {len(values)} values for {len(ks)} k values"
            )
        ax.plot(ks, values, "o-", markersize=3, label=label)
    if log:
        ax.set_yscale("log")
    _k_axes(ax, ks, ylabel)
    if len(ks) > 12:  # every k would crowd the axis
        ax.set_xticks(ks[:: (len(ks) + 9) // 10])
    return ax


def silhouette_diagram(X, labels, *, ax=None, metric="euclidean", silhouette=None):
    """The silhouette diagram: each cluster's coefficients sorted, as a knife shape,
    and the mean score as a dashed line (chapter 9, figure 9-10).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Samples (ignored if ``silhouette`` is given).
    labels : array-like of shape (n_samples,)
        Cluster of each sample.
    ax : matplotlib Axes, default=None
    metric : str, default='euclidean'
        Passed to :func:`~clustercore.silhouette_samples`.
    silhouette : array-like of shape (n_samples,), default=None
        Coefficients already computed.

    Returns
    -------
    ax : matplotlib Axes
        One filled shape per cluster, one dashed line at the mean.
    """
    import matplotlib.pyplot as plt

    ax = _axes(ax)
    labels = np.asarray(labels)
    s = (
        silhouette_samples(X, labels, metric=metric)
        if silhouette is None
        else np.asarray(silhouette)
    )
    clusters = np.unique(labels)
    gap = max(len(s) // 30, 1)
    pos, ticks = gap, []
    cmap = plt.get_cmap("Spectral")
    for i, c in enumerate(clusters):
        values = np.sort(s[labels == c])
        colour = cmap(i / max(len(clusters) - 1, 1))
        ax.fill_betweenx(
            np.arange(pos, pos + len(values)),
            0,
            values,
            facecolor=colour,
            edgecolor=colour,
            alpha=0.7,
        )
        ticks.append(pos + len(values) / 2)
        pos += len(values) + gap
    mean = float(s.mean())
    ax.axvline(mean, color="red", linestyle="--", label=f"mean {mean:.3f}")
    ax.set_yticks(ticks)
    ax.set_yticklabels([str(c) for c in clusters])
    ax.set_ylabel("Cluster")
    ax.set_xlabel("Silhouette coefficient")
    ax.set_title(f"$k={len(clusters)}$")
    ax.legend(loc="lower right")
    return ax


def _grid(X, resolution, margin=0.1):
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = (hi - lo) * margin
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def decision_regions(model, X, *, ax=None, resolution=300, show_points=True):
    """A fitted 2-D model's regions (its ``predict`` on a grid), their boundaries, the
    samples and the centres (``cluster_centers_`` or ``means_``).

    Parameters
    ----------
    model : fitted KMeans, GaussianMixture or any 2-D estimator with ``predict``
    X : array-like of shape (n_samples, 2)
    ax : matplotlib Axes, default=None
    resolution : int, default=300
        Grid points per axis.
    show_points : bool, default=True
        Also draw the samples.

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    X = np.asarray(X)
    xx, yy, grid = _grid(X, resolution)
    regions = model.predict(grid).reshape(xx.shape)
    ax.contourf(xx, yy, regions, cmap="Pastel2", alpha=0.8)
    ax.contour(xx, yy, regions, linewidths=1, colors="k")
    if show_points:
        ax.plot(X[:, 0], X[:, 1], "k.", markersize=2)
    centres = getattr(model, "cluster_centers_", None)
    if centres is None:
        centres = getattr(model, "means_", None)
    if centres is not None:
        ax.scatter(
            centres[:, 0],
            centres[:, 1],
            marker="o",
            s=35,
            linewidths=8,
            color="w",
            zorder=10,
            alpha=0.9,
        )
        ax.scatter(
            centres[:, 0],
            centres[:, 1],
            marker="x",
            s=10,
            linewidths=1,
            color="k",
            zorder=11,
            label="centres",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def dbscan(model, X, *, ax=None):
    """A fitted DBSCAN's core samples (large, coloured by cluster), border samples
    (small, coloured) and noise (red crosses), on 2-D data.

    Parameters
    ----------
    model : fitted DBSCAN
    X : array-like of shape (n_samples, 2)
        The training data.
    ax : matplotlib Axes, default=None

    Returns
    -------
    ax : matplotlib Axes
        Three collections, labelled 'core', 'border' and 'noise'.
    """
    ax = _axes(ax)
    X = np.asarray(X)
    core = np.zeros(len(X), dtype=bool)
    core[model.core_sample_indices_] = True
    noise = model.labels_ == -1
    border = ~core & ~noise
    # one colour scale for core and border samples, so a cluster keeps its colour
    colour_range = dict(vmin=0, vmax=max(int(model.labels_.max()), 1))
    ax.scatter(
        X[core, 0],
        X[core, 1],
        c=model.labels_[core],
        cmap="Paired",
        **colour_range,
        s=40,
        marker="o",
        label="core",
    )
    ax.scatter(
        X[border, 0],
        X[border, 1],
        c=model.labels_[border],
        cmap="Paired",
        **colour_range,
        s=8,
        marker="*",
        label="border",
    )
    ax.scatter(X[noise, 0], X[noise, 1], c="r", marker="x", s=40, label="noise")
    ax.set_title(f"eps={model.eps:.2f}, min_samples={model.min_samples}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper right")
    return ax


def gaussian_mixture(model, X, *, ax=None, anomalies=2.0, resolution=300):
    """A fitted 2-D Gaussian mixture: density contours (log scale), the decision
    boundaries, the means (of the components with weight above 0.001: a Bayesian
    mixture's unused components are left out), and the anomalies marked.

    Parameters
    ----------
    model : fitted GaussianMixture or BayesianGaussianMixture
    X : array-like of shape (n_samples, 2)
    ax : matplotlib Axes, default=None
    anomalies : float, array-like of bool or None, default=2.0
        A percentile of density (as :func:`~clustercore.density_anomalies`), a mask,
        or None to mark none.
    resolution : int, default=300

    Returns
    -------
    ax : matplotlib Axes
    """
    from matplotlib.colors import LogNorm

    from .selection import density_anomalies

    ax = _axes(ax)
    X = np.asarray(X)
    xx, yy, grid = _grid(X, resolution)
    neg_log_density = -model.score_samples(grid).reshape(xx.shape)
    levels = np.logspace(0, 2, 12)
    ax.contourf(
        xx, yy, neg_log_density, norm=LogNorm(vmin=1.0, vmax=30.0), levels=levels
    )
    ax.contour(
        xx,
        yy,
        neg_log_density,
        norm=LogNorm(vmin=1.0, vmax=30.0),
        levels=levels,
        linewidths=1,
        colors="k",
    )
    regions = model.predict(grid).reshape(xx.shape)
    ax.contour(xx, yy, regions, linewidths=2, colors="r", linestyles="dashed")
    ax.plot(X[:, 0], X[:, 1], "k.", markersize=2)
    used = model.means_[np.asarray(model.weights_) > 1e-3]
    ax.scatter(
        used[:, 0],
        used[:, 1],
        marker="x",
        s=60,
        linewidths=2,
        color="w",
        zorder=10,
        label="means",
    )
    if anomalies is not None:
        mask = (
            density_anomalies(model, X, anomalies).mask
            if np.isscalar(anomalies)
            else np.asarray(anomalies, dtype=bool)
        )
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            color="r",
            marker="*",
            s=60,
            zorder=11,
            label=f"anomalies ({int(mask.sum())})",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper right")
    return ax
