"""Print peer_time / clustercore_time from the newest asv results of this machine.

    python ratios.py [results_dir]

Above 1 means clustercore is faster. Only cases measured in the same run are compared.
"""

import json
import sys
from pathlib import Path


def newest_result(results_dir: Path) -> dict:
    files = [p for p in results_dir.glob("*/*.json") if p.name != "machine.json"]
    if not files:
        sys.exit(f"no asv results under {results_dir}")
    return json.loads(max(files, key=lambda p: p.stat().st_mtime).read_text())


def table(result: dict, benchmark: str) -> list[tuple]:
    entry = result["results"].get(benchmark)
    if entry is None:
        return []
    values, params = entry[0], entry[1]
    if len(params) == 1:  # the implementation is the only parameter
        params = [["'" + benchmark.split(".")[1] + "'"], params[0]]
    names = [n.strip("'") for n in params[0]]
    impls = [i.strip("'") for i in params[1]]
    grid = {}
    for i, name in enumerate(names):
        for j, impl in enumerate(impls):
            v = values[i * len(impls) + j]
            if v is not None and v == v:  # skipped cases are None or NaN
                grid[(name, impl)] = v
    rows = []
    for name in names:
        ours = grid.get((name, "clustercore"))
        for impl in impls:
            t = grid.get((name, impl))
            if t is None:
                continue
            ratio = t / ours if ours else float("nan")
            rows.append((name, impl, t, ratio))
    return rows


def main():
    results_dir = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "results"
    )
    result = newest_result(results_dir)
    print(f"{'workload':20s}{'impl':13s}{'time':>12s}{'ratio':>9s}")
    for bench in (
        "kmeans.KMeansFit.time_fit",
        "minibatch.MiniBatchFit.time_fit",
        "dbscan.DBSCANFit.time_fit",
        "mixture.GaussianMixtureFit.time_fit",
        "metrics.SilhouetteScore.time_silhouette_score",
        "dask_cluster.DaskKMeans.time_fit",
        "dask_cluster.DaskGaussianMixture.time_fit",
    ):
        for name, impl, t, ratio in table(result, bench):
            print(f"{name:20s}{impl:13s}{t * 1e3:10.1f}ms{ratio:8.2f}x")


if __name__ == "__main__":
    main()
