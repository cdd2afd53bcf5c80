"""The main job, ``python -m clustercore demo``: what it prints and writes."""

import json
import subprocess
import sys

import numpy as np
import sklearn.cluster as skc
import sklearn.mixture as skm
from clustercore._datasets import chapter_blobs, chapter_mixture_data, chapter_moons
from clustercore._demo import demo


def test_demo_sections_agree_with_sklearn(tmp_path, capsys):
    results = demo(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dbscan.json",
        "kmeans.json",
        "mixture.json",
    ]
    assert json.loads((tmp_path / "kmeans.json").read_text()) == results["kmeans"]

    X, _ = chapter_blobs()
    sk = skc.KMeans(5, n_init=10, random_state=42).fit(X)
    km = results["kmeans"]
    assert np.isclose(km["clustercore"]["inertia"], sk.inertia_, rtol=1e-9)
    assert km["sklearn"]["same_labels"]

    X, _ = chapter_moons()
    for fit in results["dbscan"]["fits"]:
        labels = skc.DBSCAN(**fit["params"]).fit(X).labels_
        assert fit["n_clusters"] == labels.max() + 1
        assert fit["n_noise"] == (labels == -1).sum()
        assert fit["sklearn"]["same_labels"]
    # the chapter's numbers: eps=0.05 finds 7 clusters and noise, eps=0.2 the 2 moons
    assert [f["n_clusters"] for f in results["dbscan"]["fits"]] == [7, 2]
    assert results["dbscan"]["fits"][0]["n_noise"] > 0
    # mixtures: scikit-learn's model, the 2% anomalies, BIC and AIC choose 3
    X, _ = chapter_mixture_data()
    mix = results["mixture"]
    sk = skm.GaussianMixture(**mix["params"]).fit(X)
    np.testing.assert_allclose(mix["clustercore"]["means"], sk.means_, rtol=1e-7)
    densities = sk.score_samples(X)
    expected = np.flatnonzero(densities < np.percentile(densities, 2))
    assert mix["anomalies"]["indices"] == expected.tolist()
    assert mix["selection"]["best_bic"] == mix["selection"]["best_aic"] == 3
    sk_bic = [
        skm.GaussianMixture(k, n_init=10, random_state=42).fit(X).bic(X)
        for k in (2, 3, 4)
    ]
    np.testing.assert_allclose(mix["selection"]["bic"][1:4], sk_bic, rtol=1e-7)
    out = capsys.readouterr().out
    assert "7 clusters" in out and "2 clusters, 0 noise points" in out


def test_command_line_runs_one_section(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "clustercore", "demo", "--only", "dbscan"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "DBSCAN on the chapter's moons" in run.stdout
    assert "K-Means" not in run.stdout
