"""``python -m clustercore demo``: chapter 9's walk-through, section by section.

Each section fits clustercore's estimators on the chapter's data, prints what the
chapter prints, times the same steps with scikit-learn beside clustercore's, draws the
chapter's pictures (PNG, with matplotlib) and returns a JSON-ready summary; everything
is written into one folder, ``DIR/<section>.json`` and ``DIR/<picture>.png``.
"""

from __future__ import annotations

import json
import time
import warnings
from datetime import datetime
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


def _step(name, seconds, sk_seconds=None):
    """One timed step, printed with scikit-learn's time beside it; its JSON."""
    line = f"  {name}: clustercore {seconds * 1e3:.1f} ms"
    if sk_seconds is not None:
        line += (
            f", scikit-learn {sk_seconds * 1e3:.1f} ms "
            f"({sk_seconds / seconds:.1f}x clustercore's time)"
        )
    print(line)
    return {"seconds": seconds, "sklearn_seconds": sk_seconds}


class Pictures:
    """Saves the sections' figures as PNG files into one folder (nothing without
    matplotlib, or without a folder)."""

    def __init__(self, out: Path | None):
        self.out = out
        self.plt = None
        if out is not None:
            try:
                import matplotlib

                matplotlib.use("Agg")
                import matplotlib.pyplot as plt
            except ImportError:
                print("matplotlib is not installed: no pictures (clustercore[plot])")
            else:
                self.plt = plt

    def figure(self, ncols=1, nrows=1, size=(6.0, 4.0)):
        """A new figure and its Axes, or (None, None) when nothing is drawn."""
        if self.plt is None:
            return None, None
        fig, axes = self.plt.subplots(
            nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False
        )
        return fig, axes.ravel()

    def save(self, fig, name, summary):
        if fig is None:
            return
        path = self.out / f"{name}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=80)
        self.plt.close(fig)
        summary.setdefault("pictures", []).append(path.name)
        print(f"  drew {path}")


def kmeans_section(pics: Pictures) -> dict:
    """K-Means on the chapter's five blobs: fit, predict, transform, silhouette."""
    from . import KMeans, plot, silhouette_score
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
    sil_seconds, sil = best_time(lambda: silhouette_score(X, km.labels_))
    print(f"  silhouette_score(X, labels_) = {sil:.4f}")
    summary = {
        "n_samples": int(X.shape[0]),
        "params": params,
        "clustercore": {
            "seconds": seconds,
            "inertia": km.inertia_,
            "n_iter": km.n_iter_,
            "cluster_centers": km.cluster_centers_.tolist(),
            "silhouette": sil,
        },
    }
    skc, skm = _sklearn("sklearn.cluster"), _sklearn("sklearn.metrics")
    if skc is not None:
        sk_seconds, sk = best_time(lambda: skc.KMeans(**params).fit(X))
        same = bool(np.array_equal(sk.labels_, km.labels_))
        _compare("KMeans", seconds, sk_seconds)
        print(f"  scikit-learn inertia_ = {sk.inertia_:.4f}; same labels: {same}")
        sk_sil_seconds, _ = best_time(lambda: skm.silhouette_score(X, km.labels_))
        summary["sklearn"] = {
            "seconds": sk_seconds,
            "inertia": sk.inertia_,
            "same_labels": same,
        }
        summary["silhouette_step"] = _step(
            "silhouette_score", sil_seconds, sk_sil_seconds
        )
    fig, (ax,) = pics.figure()
    if fig is not None:
        plot.decision_regions(km, X, ax=ax)
        ax.set_title("K-Means decision regions, k = 5")
    pics.save(fig, "kmeans_decision_regions", summary)
    return summary


def choosing_k_section(pics: Pictures) -> dict:
    """Choosing k on the five blobs: the elbow, the silhouette, silhouette diagrams."""
    from . import plot, scan_k
    from ._datasets import chapter_blobs

    X, _ = chapter_blobs()
    ks = list(range(1, 10))
    print(f"Choosing k on the chapter's blobs: KMeans for k = {ks[0]}..{ks[-1]}")
    seconds, scan = best_time(
        lambda: scan_k(X, ks, n_init=10, random_state=42), repeats=3
    )
    print("   k    inertia  silhouette")
    for k, inertia, sil in zip(scan.k, scan.inertia, scan.silhouette, strict=True):
        print(f"  {k:2d} {inertia:10.2f}  {sil:10.4f}")
    print(
        f"  elbow at k = {scan.best['elbow']}, "
        f"best silhouette at k = {scan.best['silhouette']}"
    )
    summary = {
        "k": scan.k,
        "inertia": scan.inertia,
        # JSON has no NaN: no silhouette for k = 1
        "silhouette": [None if np.isnan(v) else v for v in scan.silhouette],
        "best": scan.best,
    }
    skc, skm = _sklearn("sklearn.cluster"), _sklearn("sklearn.metrics")
    sk_seconds = None
    if skc is not None:

        def sklearn_scan():
            out = []
            for k in ks:
                m = skc.KMeans(k, n_init=10, random_state=42).fit(X)
                sil = skm.silhouette_score(X, m.labels_) if k > 1 else float("nan")
                out.append((m.inertia_, sil))
            return out

        sk_seconds, sk = best_time(sklearn_scan, repeats=3)
        np.testing.assert_allclose(scan.inertia, [i for i, _ in sk], rtol=1e-9)
        np.testing.assert_allclose(scan.silhouette, [s for _, s in sk], rtol=1e-9)
        print("  scikit-learn gives the same inertia and silhouette for every k")
    summary["step"] = _step("scan_k (9 fits and silhouettes)", seconds, sk_seconds)

    fig, (ax_elbow, ax_sil) = pics.figure(ncols=2)
    if fig is not None:
        plot.elbow(scan, ax=ax_elbow)
        plot.silhouette_scores(scan, ax=ax_sil)
    pics.save(fig, "choosing_k", summary)
    fig, axes = pics.figure(ncols=2, nrows=2, size=(5.0, 4.0))
    if fig is not None:
        for ax, k in zip(axes, (3, 4, 5, 6), strict=True):
            plot.silhouette_diagram(X, scan.models[scan.k.index(k)].labels_, ax=ax)
    pics.save(fig, "silhouette_diagrams", summary)
    return summary


def minibatch_section(pics: Pictures) -> dict:
    """KMeans against MiniBatchKMeans for k = 1..30, 10 inits each: inertia and
    training time (the chapter's figure 9-6), then MiniBatchKMeans.partial_fit over
    the data in ten pieces."""
    from . import KMeans, MiniBatchKMeans, plot
    from ._datasets import chapter_blobs

    X, _ = chapter_blobs()
    ks = list(range(1, 31))
    print(f"KMeans against MiniBatchKMeans on the chapter's blobs, k = 1..{ks[-1]}")
    rows = []
    for k in ks:
        params = dict(n_clusters=k, n_init=10, random_state=42)
        km_seconds, km = best_time(lambda p=params: KMeans(**p).fit(X), 2)
        mb_seconds, mb = best_time(lambda p=params: MiniBatchKMeans(**p).fit(X), 2)
        rows.append((km.inertia_, mb.inertia_, km_seconds, mb_seconds))
    km_inertia, mb_inertia, km_time, mb_time = (
        [row[i] for row in rows] for i in range(4)
    )
    print("   k  KMeans inertia  MiniBatch inertia  KMeans ms  MiniBatch ms")
    for k, row in zip(ks, rows, strict=True):
        print(
            f"  {k:2d} {row[0]:14.2f} {row[1]:18.2f} {row[2] * 1e3:10.2f} "
            f"{row[3] * 1e3:13.2f}"
        )
    summary = {
        "k": ks,
        "kmeans": {"inertia": km_inertia, "seconds": km_time},
        "minibatch": {"inertia": mb_inertia, "seconds": mb_time},
    }
    skc = _sklearn("sklearn.cluster")
    sk_seconds = None
    if skc is not None:
        sk_seconds, _ = best_time(
            lambda: [
                skc.MiniBatchKMeans(k, n_init=10, random_state=42).fit(X) for k in ks
            ],
            1,
        )
    summary["step"] = _step(
        f"MiniBatchKMeans for k = 1..{ks[-1]}", sum(mb_time), sk_seconds
    )

    # data that arrives in pieces: one partial_fit per piece
    model = MiniBatchKMeans(5, random_state=42)
    for piece in np.array_split(X, 10):
        model.partial_fit(piece)
    inertia = -model.score(X)
    print(
        f"  partial_fit over 10 pieces of {len(X) // 10} rows: inertia on all of X "
        f"{inertia:.2f} (KMeans: {km_inertia[ks.index(5)]:.2f})"
    )
    summary["partial_fit"] = {
        "n_pieces": 10,
        "n_steps": model.n_steps_,
        "inertia": inertia,
    }

    fig, (ax_inertia, ax_time) = pics.figure(ncols=2)
    if fig is not None:
        plot.compare_k(
            ks,
            {"KMeans": km_inertia, "MiniBatchKMeans": mb_inertia},
            ylabel="Inertia",
            ax=ax_inertia,
            log=True,
        )
        plot.compare_k(
            ks,
            {
                "KMeans": [t * 1e3 for t in km_time],
                "MiniBatchKMeans": [t * 1e3 for t in mb_time],
            },
            ylabel="Training time (ms)",
            ax=ax_time,
        )
    pics.save(fig, "minibatch", summary)
    return summary


def segmentation_section(pics: Pictures) -> dict:
    """Colour segmentation: the pixels of a photo clustered by colour, k = 10..2."""
    from . import KMeans

    try:
        from sklearn.datasets import load_sample_image

        image = load_sample_image("china.jpg")
    except ImportError as exc:  # Pillow missing: scikit-learn cannot read the JPEG
        print(f"Colour segmentation skipped: {exc}")
        return {"skipped": str(exc)}
    h, w, _ = image.shape
    X = image.reshape(-1, 3) / 255.0
    print(
        f"Colour segmentation of scikit-learn's sample photo china.jpg: {h}x{w} "
        f"pixels, {len(X)} colours clustered"
    )
    skc = _sklearn("sklearn.cluster")
    summary = {"shape": [h, w], "fits": []}
    segmented = {}
    for k in (10, 8, 6, 4, 2):
        seconds, km = best_time(lambda k=k: KMeans(k, random_state=42).fit(X), 1)
        segmented[k] = km.cluster_centers_[km.labels_].reshape(image.shape)
        fit = {"k": k, "inertia": km.inertia_}
        sk_seconds = None
        if skc is not None:
            sk_seconds, sk = best_time(
                lambda k=k: skc.KMeans(k, random_state=42).fit(X), 1
            )
            fit["sklearn_inertia"] = sk.inertia_
        name = f"KMeans(k={k:2d}), inertia {km.inertia_:9.2f}"
        fit.update(_step(name, seconds, sk_seconds))
        summary["fits"].append(fit)
    fig, axes = pics.figure(ncols=3, nrows=2, size=(3.2, 2.4))
    if fig is not None:
        panels = [("original", image)] + [
            (f"{k} colours", segmented[k]) for k in segmented
        ]
        for ax, (title, picture) in zip(axes, panels, strict=True):
            ax.imshow(picture)
            ax.set_title(title)
            ax.axis("off")
    pics.save(fig, "segmentation", summary)
    return summary


def dbscan_section(pics: Pictures) -> dict:
    """DBSCAN on the chapter's moons with eps 0.05 and 0.2, then predict."""
    from . import DBSCAN, plot
    from ._datasets import chapter_moons

    X, _ = chapter_moons()
    print(f"DBSCAN on the chapter's moons: {X.shape[0]} points, noise 0.05, seed 42")
    skc = _sklearn("sklearn.cluster")
    summary = {"n_samples": int(X.shape[0]), "fits": []}
    fig, axes = pics.figure(ncols=2)
    model = None
    for i, eps in enumerate((0.05, 0.2)):
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
        if fig is not None:
            plot.dbscan(model, X, ax=axes[i])
    pics.save(fig, "dbscan", summary)
    # the chapter trains a KNeighborsClassifier on the core samples to classify new
    # points; DBSCAN.predict does this directly (nearest core sample within eps)
    X_new = np.array([[-0.5, 0], [0, 0.5], [1, -0.1], [2, 1]])
    predicted = model.predict(X_new)
    print(f"  predict({X_new.tolist()}) = {predicted.tolist()}  (-1: no core near)")
    summary["predict"] = {"X": X_new.tolist(), "labels": predicted.tolist()}
    return summary


def mixture_section(pics: Pictures) -> dict:
    """Gaussian mixtures: 3 components, BIC/AIC for k = 1..10, anomalies, and a
    Bayesian mixture given 10 components."""
    from sklearn.exceptions import ConvergenceWarning

    from . import GaussianMixture, density_anomalies, plot, scan_k
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
    found = density_anomalies(gm, X, 2)
    anomalies = np.flatnonzero(found.mask)
    print(
        f"  anomalies: {len(anomalies)} samples below the 2nd percentile of "
        f"score_samples ({found.threshold:.4f})"
    )
    summary["anomalies"] = {
        "threshold": found.threshold,
        "indices": anomalies.tolist(),
    }

    # choosing the number of components
    ks = list(range(1, 11))
    scan_seconds, scan = best_time(
        lambda: scan_k(
            X, ks, model="gmm", silhouette=False, n_init=10, random_state=42
        ),
        repeats=1,
    )
    print("  k     BIC        AIC")
    for k, b, a in zip(ks, scan.bic, scan.aic, strict=True):
        print(f"  {k:2d} {b:10.2f} {a:10.2f}")
    best_bic, best_aic = scan.best["bic"], scan.best["aic"]
    print(f"  lowest BIC at k = {best_bic}, lowest AIC at k = {best_aic}")
    sk_scan_seconds = None
    if skm is not None:

        def sklearn_scan():
            return [
                skm.GaussianMixture(k, n_init=10, random_state=42).fit(X).bic(X)
                for k in ks
            ]

        sk_scan_seconds, _ = best_time(sklearn_scan, repeats=1)
    summary["selection"] = {
        "k": ks,
        "bic": scan.bic,
        "aic": scan.aic,
        "best_bic": best_bic,
        "best_aic": best_aic,
        **_step("BIC/AIC for k = 1..10 (10 inits each)", scan_seconds, sk_scan_seconds),
    }
    # Bayesian mixture: ten components offered, the unneeded ones get no weight
    from . import BayesianGaussianMixture

    bgm_params = dict(n_components=10, n_init=10, random_state=42)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # as in the chapter
        bgm_seconds, bgm = best_time(
            lambda: BayesianGaussianMixture(**bgm_params).fit(X), repeats=1
        )
    used = int((bgm.weights_ > 0.01).sum())
    print(f"  BayesianGaussianMixture{bgm_params}:")
    print("  weights_ = " + " ".join(f"{w:.2f}" for w in bgm.weights_))
    print(f"  {used} components keep their weight (the data has 3 blobs)")
    summary["bayesian"] = {
        "params": bgm_params,
        "weights": bgm.weights_.tolist(),
        "components_used": used,
        "lower_bound": float(bgm.lower_bound_),
    }
    sk_bgm_seconds = None
    if skm is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sk_bgm_seconds, sk_bgm = best_time(
                lambda: skm.BayesianGaussianMixture(**bgm_params).fit(X), repeats=1
            )
        summary["bayesian"]["sklearn_weights"] = sk_bgm.weights_.tolist()
    summary["bayesian"].update(
        _step("BayesianGaussianMixture (10 inits)", bgm_seconds, sk_bgm_seconds)
    )

    fig, axes = pics.figure(ncols=3)
    if fig is not None:
        plot.gaussian_mixture(gm, X, ax=axes[0], anomalies=found.mask)
        plot.information_criteria(scan, ax=axes[1])
        plot.gaussian_mixture(bgm, X, ax=axes[2], anomalies=None)
        axes[2].set_title(f"BayesianGaussianMixture: {used} of 10 components used")
    pics.save(fig, "gaussian_mixture", summary)
    return summary


SECTIONS = {
    "kmeans": kmeans_section,
    "choosing_k": choosing_k_section,
    "minibatch": minibatch_section,
    "segmentation": segmentation_section,
    "dbscan": dbscan_section,
    "mixture": mixture_section,
}


def default_out() -> Path:
    """A new folder for the demo's files: clustercore-demo-<date-time>[-n]."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path, n = Path(f"clustercore-demo-{stamp}"), 1
    while path.exists():
        n += 1
        path = Path(f"clustercore-demo-{stamp}-{n}")
    return path


def demo(out: Path | None = None, sections=None) -> dict:
    """Run the demo sections (all by default), writing DIR/<section>.json and the
    pictures into ``out`` (nothing is written if out is None)."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        print(f"Writing the results and pictures into {out.resolve()}\n")
    pics = Pictures(out)
    results = {}
    for name in sections or SECTIONS:
        results[name] = SECTIONS[name](pics)
        if out is not None:
            path = out / f"{name}.json"
            path.write_text(json.dumps(results[name], indent=2, allow_nan=False))
            print(f"  wrote {path}")
        print()
    if out is not None:
        print(f"Results and pictures are in {out.resolve()}")
    return results
