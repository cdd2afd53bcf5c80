"""The main job, ``python -m clustercore demo``: what it prints and writes."""

import json
import subprocess
import sys

import numpy as np
import sklearn.cluster as skc
import sklearn.metrics as skm_
import sklearn.mixture as skm
from clustercore._datasets import chapter_blobs, chapter_mixture_data, chapter_moons
from clustercore._demo import demo

SECTIONS = ["kmeans", "choosing_k", "minibatch", "segmentation", "dbscan", "mixture"]
PICTURES = [
    "kmeans_decision_regions",
    "choosing_k",
    "silhouette_diagrams",
    "minibatch",
    "segmentation",
    "dbscan",
    "gaussian_mixture",
]


def test_demo_sections_agree_with_sklearn(tmp_path, capsys):
    results = demo(tmp_path)
    assert list(results) == SECTIONS
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{s}.json" for s in SECTIONS] + [f"{p}.png" for p in PICTURES]
    )
    for section in SECTIONS:
        assert (
            json.loads((tmp_path / f"{section}.json").read_text()) == (results[section])
        )
    drawn = [p for r in results.values() for p in r.get("pictures", [])]
    assert sorted(drawn) == sorted(f"{p}.png" for p in PICTURES)
    for picture in PICTURES:  # real images: PNG signature, more than a blank page
        data = (tmp_path / f"{picture}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000

    X, _ = chapter_blobs()
    sk = skc.KMeans(5, n_init=10, random_state=42).fit(X)
    km = results["kmeans"]
    assert np.isclose(km["clustercore"]["inertia"], sk.inertia_, rtol=1e-9)
    assert km["sklearn"]["same_labels"]
    labels = sk.labels_
    assert np.isclose(km["clustercore"]["silhouette"], skm_.silhouette_score(X, labels))
    assert km["silhouette_step"]["sklearn_seconds"] > 0

    # choosing k: scikit-learn's inertia and silhouette per k, the chapter's k = 4
    choose = results["choosing_k"]
    assert choose["k"] == list(range(1, 10))
    for k in (2, 4, 7):
        sk = skc.KMeans(k, n_init=10, random_state=42).fit(X)
        assert np.isclose(choose["inertia"][k - 1], sk.inertia_, rtol=1e-9)
        assert np.isclose(
            choose["silhouette"][k - 1], skm_.silhouette_score(X, sk.labels_)
        )
    assert choose["best"] == {"elbow": 4, "silhouette": 4}

    # KMeans against MiniBatchKMeans: the same KMeans inertia as scikit-learn, a
    # mini-batch inertia close to it, and both falling with k
    mini = results["minibatch"]
    assert mini["k"] == list(range(1, 31))
    for k in (3, 12):
        sk = skc.KMeans(k, n_init=10, random_state=42).fit(X)
        assert np.isclose(mini["kmeans"]["inertia"][k - 1], sk.inertia_, rtol=1e-9)
    km_inertia = np.array(mini["kmeans"]["inertia"])
    mb_inertia = np.array(mini["minibatch"]["inertia"])
    assert (mb_inertia >= km_inertia * 0.9).all() and (
        mb_inertia < km_inertia * 1.2
    ).all()
    assert mb_inertia[-1] < mb_inertia[0] / 50
    assert mini["partial_fit"]["n_steps"] == 10
    assert mini["partial_fit"]["inertia"] < km_inertia[4] * 1.1
    assert mini["step"]["sklearn_seconds"] > 0

    # segmentation: a photo's colours for k = 10..2, as good as scikit-learn's
    fits = results["segmentation"]["fits"]
    assert [f["k"] for f in fits] == [10, 8, 6, 4, 2]
    inertia = [f["inertia"] for f in fits]
    assert inertia == sorted(inertia)  # fewer colours, larger inertia
    for f in fits:
        assert f["inertia"] <= f["sklearn_inertia"] * 1.01

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
    # the Bayesian mixture keeps 3 of its 10 components, with scikit-learn's weights
    bayes = mix["bayesian"]
    assert bayes["components_used"] == 3
    np.testing.assert_allclose(
        bayes["weights"], bayes["sklearn_weights"], rtol=1e-6, atol=1e-12
    )
    out = capsys.readouterr().out
    assert "7 clusters" in out and "2 clusters, 0 noise points" in out


def test_command_line_runs_one_section_into_a_new_folder(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "clustercore", "demo", "--only", "dbscan"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "DBSCAN on the chapter's moons" in run.stdout
    assert "K-Means" not in run.stdout
    (folder,) = tmp_path.iterdir()  # the folder it named, and said where it is
    assert folder.name.startswith("clustercore-demo-")
    assert str(folder) in run.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["dbscan.json", "dbscan.png"]
