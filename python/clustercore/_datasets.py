"""The chapter's synthetic data sets, made locally (nothing is downloaded)."""

from __future__ import annotations

import numpy as np

# Chapter 9's five blobs: centres and standard deviations.
BLOB_CENTERS = np.array(
    [[0.2, 2.3], [-1.5, 2.3], [-2.8, 1.8], [-2.8, 2.8], [-2.8, 1.3]]
)
BLOB_STD = np.array([0.4, 0.3, 0.1, 0.1, 0.1])


def chapter_blobs(n_samples=2000, random_state=7):
    """The five blobs of chapter 9: X of shape (n_samples, 2) and the true labels."""
    from sklearn.datasets import make_blobs

    return make_blobs(
        n_samples=n_samples,
        centers=BLOB_CENTERS,
        cluster_std=BLOB_STD,
        random_state=random_state,
    )


def chapter_moons(n_samples=1000, noise=0.05, random_state=42):
    """The two moons of chapter 9's DBSCAN section: X of shape (n_samples, 2), y."""
    from sklearn.datasets import make_moons

    return make_moons(n_samples=n_samples, noise=noise, random_state=random_state)


def chapter_mixture_data(random_state=42):
    """Chapter 9's data for Gaussian mixtures: two sheared blobs of 500 samples around
    (4, -4) and (0, 0), plus a round blob of 250 around (6, -8); X (1250, 2), y."""
    from sklearn.datasets import make_blobs

    X1, y1 = make_blobs(
        n_samples=1000, centers=((4, -4), (0, 0)), random_state=random_state
    )
    X1 = X1 @ np.array([[0.374, 0.95], [0.732, 0.598]])
    X2, y2 = make_blobs(n_samples=250, centers=1, random_state=random_state)
    X2 = X2 + [6, -8]
    return np.r_[X1, X2], np.r_[y1, y2 + 2]
