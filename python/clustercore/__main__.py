"""Command line: ``python -m clustercore demo [--out DIR]`` and ``... config``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def _best_time(fn, repeats=5):
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def demo(out: Path | None) -> dict:
    """Chapter 9's K-Means walk-through on its five blobs, timed against sklearn."""
    from . import KMeans
    from ._datasets import chapter_blobs

    X, y = chapter_blobs()
    print(f"K-Means on the chapter's blobs: {X.shape[0]} points, 5 centres, seed 7")
    params = dict(n_clusters=5, n_init=10, random_state=42)
    seconds, km = _best_time(lambda: KMeans(**params).fit(X))
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
    try:
        from sklearn.cluster import KMeans as SkKMeans
    except ImportError:  # pragma: no cover - scikit-learn is a dependency
        SkKMeans = None
    if SkKMeans is not None:
        sk_seconds, sk = _best_time(lambda: SkKMeans(**params).fit(X))
        same = bool(np.array_equal(sk.labels_, km.labels_))
        print(
            f"  scikit-learn KMeans, same fit: {sk_seconds * 1e3:.2f} ms "
            f"({sk_seconds / seconds:.1f}x clustercore's time)"
        )
        print(f"  scikit-learn inertia_ = {sk.inertia_:.4f}; same labels: {same}")
        summary["sklearn"] = {
            "seconds": sk_seconds,
            "inertia": sk.inertia_,
            "same_labels": same,
        }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        path = out / "kmeans_demo.json"
        path.write_text(json.dumps(summary, indent=2))
        print(f"  wrote {path}")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clustercore")
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="chapter 9's clustering walk-through")
    p_demo.add_argument("--out", type=Path, default=None, help="write results here")
    sub.add_parser("config", help="print the build configuration")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo(args.out)
    else:
        from . import show_config

        show_config()
    return 0


if __name__ == "__main__":
    sys.exit(main())
