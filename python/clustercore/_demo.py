"""``python -m clustercore demo``: chapter 9's walk-through, section by section.

Each section fits clustercore's estimator on the chapter's data, prints what the
chapter prints, times the same fit with scikit-learn when it is installed, and returns
a JSON-ready summary (written to ``DIR/<section>.json`` with ``--out DIR``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np


def best_time(fn, repeats=5):
    """(best wall time in seconds, last result) of ``repeats`` calls of fn."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def _sklearn(module):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:  # pragma: no cover - scikit-learn is a dependency
        return None


def _compare(name, seconds, sk_seconds):
    print(
        f"  scikit-learn {name}, same fit: {sk_seconds * 1e3:.2f} ms "
        f"({sk_seconds / seconds:.1f}x clustercore's time)"
    )


def kmeans_section() -> dict:
    """K-Means on the chapter's five blobs."""
    from . import KMeans
    from ._datasets import chapter_blobs

    X, _ = chapter_blobs()
    print(f"K-Means on the chapter's blobs: {X.shape[0]} points, 5 centres, seed 7")
    params = dict(n_clusters=5, n_init=10, random_state=42)
    seconds, km = best_time(lambda: KMeans(**params).fit(X))
    print(f"  clustercore KMeans{params}: {seconds * 1e3:.2f} ms")
    print(f"  inertia_ = {km.inertia_:.4f}, n_iter_ = {km.n_iter_}")
    order = np.lexsort(km.cluster_centers_.T[::-1])
    print("  cluster_centers_ (sorted by x):")
    for c in km.cluster_centers_[order]:
        print(f"    [{c[0]:7.3f} {c[1]:7.3f}]")
    X_new = np.array([[0, 2], [3, 2], [-3, 3], [-3, 2.5]])
    print(f"  predict({X_new.tolist()}) = {km.predict(X_new).tolist()}")
    print("  transform (distances to each centre), first new point:")
    print("    " + " ".join(f"{v:.2f}" for v in km.transform(X_new)[0]))
    print(f"  score(X) = {km.score(X):.4f}  (minus the inertia)")
    summary = {
        "n_samples": int(X.shape[0]),
        "params": params,
        "clustercore": {
            "seconds": seconds,
            "inertia": km.inertia_,
            "n_iter": km.n_iter_,
            "cluster_centers": km.cluster_centers_.tolist(),
        },
    }
    skc = _sklearn("sklearn.cluster")
    if skc is not None:
        sk_seconds, sk = best_time(lambda: skc.KMeans(**params).fit(X))
        same = bool(np.array_equal(sk.labels_, km.labels_))
        _compare("KMeans", seconds, sk_seconds)
        print(f"  scikit-learn inertia_ = {sk.inertia_:.4f}; same labels: {same}")
        summary["sklearn"] = {
            "seconds": sk_seconds,
            "inertia": sk.inertia_,
            "same_labels": same,
        }
    return summary


def dbscan_section() -> dict:
    """DBSCAN on the chapter's moons with eps 0.05 and 0.2, then predict."""
    from . import DBSCAN
    from ._datasets import chapter_moons

    X, _ = chapter_moons()
    print(f"DBSCAN on the chapter's moons: {X.shape[0]} points, noise 0.05, seed 42")
    skc = _sklearn("sklearn.cluster")
    summary = {"n_samples": int(X.shape[0]), "fits": []}
    model = None
    for eps in (0.05, 0.2):
        params = dict(eps=eps, min_samples=5)
        seconds, model = best_time(lambda p=params: DBSCAN(**p).fit(X))
        labels = model.labels_
        n_clusters = int(labels.max()) + 1
        n_noise = int((labels == -1).sum())
        print(
            f"  clustercore DBSCAN{params}: {n_clusters} clusters, {n_noise} noise "
            f"points, {len(model.core_sample_indices_)} core samples, "
            f"{seconds * 1e3:.2f} ms"
        )
        fit = {
            "params": params,
            "n_clusters": n_clusters,
            "n_noise": n_noise,
            "n_core": len(model.core_sample_indices_),
            "seconds": seconds,
        }
        if skc is not None:
            sk_seconds, sk = best_time(lambda p=params: skc.DBSCAN(**p).fit(X))
            same = bool(np.array_equal(sk.labels_, labels))
            _compare("DBSCAN", seconds, sk_seconds)
            print(f"  same labels as scikit-learn: {same}")
            fit["sklearn"] = {"seconds": sk_seconds, "same_labels": same}
        summary["fits"].append(fit)
    # the chapter trains a KNeighborsClassifier on the core samples to classify new
    # points; DBSCAN.predict does this directly (nearest core sample within eps)
    X_new = np.array([[-0.5, 0], [0, 0.5], [1, -0.1], [2, 1]])
    predicted = model.predict(X_new)
    print(f"  predict({X_new.tolist()}) = {predicted.tolist()}  (-1: no core near)")
    summary["predict"] = {"X": X_new.tolist(), "labels": predicted.tolist()}
    return summary


def mixture_section() -> dict:
    """Gaussian mixtures: 3 components, BIC/AIC for k = 1..10, anomalies."""
    from . import GaussianMixture
    from ._datasets import chapter_mixture_data

    X, _ = chapter_mixture_data()
    print(
        f"Gaussian mixture on the chapter's blobs: {X.shape[0]} points "
        "(two sheared, one round)"
    )
    params = dict(n_components=3, n_init=10, random_state=42)
    seconds, gm = best_time(lambda: GaussianMixture(**params).fit(X), repeats=3)
    order = np.argsort(gm.means_[:, 0])
    print(f"  clustercore GaussianMixture{params}: {seconds * 1e3:.2f} ms")
    print(f"  converged_ = {gm.converged_}, n_iter_ = {gm.n_iter_}")
    print("  weights_ = " + " ".join(f"{w:.3f}" for w in gm.weights_[order]))
    print("  means_ (sorted by x):")
    for m in gm.means_[order]:
        print(f"    [{m[0]:7.3f} {m[1]:7.3f}]")
    summary = {
        "n_samples": int(X.shape[0]),
        "params": params,
        "clustercore": {
            "seconds": seconds,
            "weights": gm.weights_.tolist(),
            "means": gm.means_.tolist(),
            "lower_bound": float(gm.lower_bound_),
            "n_iter": gm.n_iter_,
        },
    }
    skm = _sklearn("sklearn.mixture")
    if skm is not None:
        sk_seconds, sk = best_time(
            lambda: skm.GaussianMixture(**params).fit(X), repeats=3
        )
        _compare("GaussianMixture", seconds, sk_seconds)
        gap = abs(float(gm.lower_bound_) - float(sk.lower_bound_))
        print(
            f"  lower bound {gm.lower_bound_:.6f} (scikit-learn's differs by {gap:.1e})"
        )
        summary["sklearn"] = {
            "seconds": sk_seconds,
            "lower_bound": float(sk.lower_bound_),
        }

    # soft clustering and density: the chapter's two new points
    X_new = np.array([[0.0, 0.0], [6.0, -8.0]])
    proba = gm.predict_proba(X_new)
    print(f"  predict_proba({X_new.tolist()}) =")
    for row in proba:
        print("    " + " ".join(f"{p:.3f}" for p in row))

    # anomalies: the 2% of samples of lowest density
    densities = gm.score_samples(X)
    threshold = float(np.percentile(densities, 2))
    anomalies = np.flatnonzero(densities < threshold)
    print(
        f"  anomalies: {len(anomalies)} samples below the 2nd percentile of "
        f"score_samples ({threshold:.4f})"
    )
    summary["anomalies"] = {"threshold": threshold, "indices": anomalies.tolist()}

    # choosing the number of components
    ks = list(range(1, 11))
    models = [
        GaussianMixture(n_components=k, n_init=10, random_state=42).fit(X) for k in ks
    ]
    bic = [m.bic(X) for m in models]
    aic = [m.aic(X) for m in models]
    print("  k     BIC        AIC")
    for k, b, a in zip(ks, bic, aic, strict=True):
        print(f"  {k:2d} {b:10.2f} {a:10.2f}")
    best_bic, best_aic = ks[int(np.argmin(bic))], ks[int(np.argmin(aic))]
    print(f"  lowest BIC at k = {best_bic}, lowest AIC at k = {best_aic}")
    summary["selection"] = {
        "k": ks,
        "bic": bic,
        "aic": aic,
        "best_bic": best_bic,
        "best_aic": best_aic,
    }
    return summary


SECTIONS = {
    "kmeans": kmeans_section,
    "dbscan": dbscan_section,
    "mixture": mixture_section,
}


def demo(out: Path | None = None, sections=None) -> dict:
    """Run the demo sections (all by default); write DIR/<section>.json if out."""
    results = {}
    for name in sections or SECTIONS:
        results[name] = SECTIONS[name]()
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"{name}.json"
            path.write_text(json.dumps(results[name], indent=2))
            print(f"  wrote {path}")
        print()
    return results
