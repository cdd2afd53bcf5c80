"""The main job, ``python -m clustercore demo``: what it prints and writes."""

import json
import subprocess
import sys

import numpy as np
import sklearn.cluster as skc
from clustercore._datasets import chapter_blobs, chapter_moons
from clustercore._demo import demo


def test_demo_sections_agree_with_sklearn(tmp_path, capsys):
    results = demo(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dbscan.json", "kmeans.json"]
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
