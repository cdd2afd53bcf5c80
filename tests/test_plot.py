"""The pictures: rendered with Agg, checked by what was drawn."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import sklearn.metrics as skm  # noqa: E402
from clustercore import DBSCAN, GaussianMixture, KMeans, plot, scan_k  # noqa: E402
from clustercore._datasets import (  # noqa: E402
    chapter_blobs,
    chapter_mixture_data,
    chapter_moons,
)
from matplotlib.collections import PolyCollection  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def blobs_scan():
    X, _ = chapter_blobs()
    return X, scan_k(X, range(1, 10), n_init=3, random_state=42)


def _render(ax):
    ax.figure.canvas.draw()  # everything drawn must also render
    return ax


def _marker(ax):
    """The (x, y) of the one ring that marks a chosen k."""
    rings = [line for line in ax.lines if line.get_markerfacecolor() == "none"]
    assert len(rings) == 1
    return rings[0].get_xdata()[0], rings[0].get_ydata()[0]


def test_elbow_curve_marks_the_elbow(blobs_scan):
    X, scan = blobs_scan
    ax = _render(plot.elbow(scan))
    curve = ax.lines[0]
    np.testing.assert_array_equal(curve.get_xdata(), scan.k)
    np.testing.assert_array_equal(curve.get_ydata(), scan.inertia)
    assert _marker(ax) == (4, scan.inertia[3])
    assert ax.get_ylabel() == "Inertia"
    assert "elbow (k=4)" in [t.get_text() for t in ax.get_legend().get_texts()]
    # given k values and a k to mark, on the caller's Axes
    fig, axes = plt.subplots(1, 2)
    assert plot.elbow(scan.k, scan.inertia, ax=axes[1], mark=6) is axes[1]
    assert _marker(axes[1])[0] == 6 and not axes[0].lines
    assert len(plot.elbow(scan, mark=False).lines) == 1


def test_silhouette_scores_skip_undefined_k(blobs_scan):
    X, scan = blobs_scan
    ax = _render(plot.silhouette_scores(scan))
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), scan.k[1:])  # not k=1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), scan.silhouette[1:])
    assert _marker(ax)[0] == scan.best["silhouette"] == 4


@pytest.mark.parametrize("k", [3, 5])
def test_silhouette_diagram_one_knife_per_cluster(k):
    X, _ = chapter_blobs()
    labels = KMeans(k, n_init=3, random_state=0).fit(X).labels_
    ax = _render(plot.silhouette_diagram(X, labels))
    knives = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(knives) == k
    # each knife spans its cluster's samples, sorted coefficients as widths
    s = skm.silhouette_samples(X, labels)
    for c, knife in enumerate(knives):
        widths = knife.get_paths()[0].vertices[:, 0]
        assert widths.max() == pytest.approx(s[labels == c].max(), rel=1e-10)
        assert min(widths.min(), 0) == pytest.approx(min(s[labels == c].min(), 0))
    (mean_line,) = ax.lines
    assert mean_line.get_xdata()[0] == pytest.approx(s.mean(), rel=1e-10)
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(c) for c in range(k)]
    assert ax.get_title() == f"$k={k}$"


def test_silhouette_diagram_takes_given_coefficients_and_any_labels():
    labels = np.array(["b", "a", "b", "a", "c", "c"])
    s = np.array([0.5, 0.2, 0.1, 0.4, -0.3, 0.9])
    ax = _render(plot.silhouette_diagram(None, labels, silhouette=s))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(s.mean())


def test_information_criteria_mark_both_minima():
    X, _ = chapter_mixture_data()
    scan = scan_k(X, range(1, 7), model="gmm", silhouette=False, random_state=0)
    ax = _render(plot.information_criteria(scan))
    curves = [line for line in ax.lines if line.get_markerfacecolor() != "none"]
    rings = [line for line in ax.lines if line.get_markerfacecolor() == "none"]
    np.testing.assert_allclose(curves[0].get_ydata(), scan.bic)
    np.testing.assert_allclose(curves[1].get_ydata(), scan.aic)
    best = scan.best["bic"], scan.best["aic"]
    assert [r.get_xdata()[0] for r in rings] == [np.argmin(scan.bic) + 1, best[1]]
    assert best[0] == np.argmin(scan.bic) + 1 and best[1] == np.argmin(scan.aic) + 1
    assert [r.get_ydata()[0] for r in rings] == [min(scan.bic), min(scan.aic)]


def test_decision_regions_follow_predict():
    X, _ = chapter_blobs()
    km = KMeans(5, n_init=3, random_state=42).fit(X)
    ax = _render(plot.decision_regions(km, X, resolution=50))
    offsets = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) == 5]
    np.testing.assert_allclose(offsets[-1], km.cluster_centers_)
    # the filled regions are KMeans.predict on the grid: 5 regions, levels cover 0-4
    filled = ax.collections[0]
    assert filled.levels.min() <= 0 and filled.levels.max() >= 4
    (points,) = ax.lines
    np.testing.assert_array_equal(points.get_xdata(), X[:, 0])


def test_dbscan_core_border_noise():
    X, _ = chapter_moons()
    db = DBSCAN(eps=0.05).fit(X)
    ax = _render(plot.dbscan(db, X))
    drawn = {c.get_label(): c for c in ax.collections}
    core = np.zeros(len(X), bool)
    core[db.core_sample_indices_] = True
    noise = db.labels_ == -1
    np.testing.assert_array_equal(drawn["core"].get_offsets(), X[core])
    np.testing.assert_array_equal(drawn["noise"].get_offsets(), X[noise])
    assert len(drawn["border"].get_offsets()) == (~core & ~noise).sum()
    # core and border samples of one cluster share a colour scale
    assert drawn["core"].norm.vmax == drawn["border"].norm.vmax == db.labels_.max()


def test_gaussian_mixture_marks_the_anomalies():
    X, _ = chapter_mixture_data()
    gm = GaussianMixture(3, n_init=2, random_state=42).fit(X)
    ax = _render(plot.gaussian_mixture(gm, X, resolution=60))
    drawn = {c.get_label(): c for c in ax.collections if c.get_label()}
    densities = gm.score_samples(X)
    expected = X[densities < np.percentile(densities, 2)]
    label = f"anomalies ({len(expected)})"
    np.testing.assert_array_equal(drawn[label].get_offsets(), expected)
    np.testing.assert_allclose(drawn["means"].get_offsets(), gm.means_)
    mask = np.zeros(len(X), bool)
    mask[:3] = True
    ax = plot.gaussian_mixture(gm, X, anomalies=mask, resolution=20)
    assert any(c.get_label() == "anomalies (3)" for c in ax.collections)
    ax = plot.gaussian_mixture(gm, X, anomalies=None, resolution=20)
    assert not any(c.get_label().startswith("anomalies") for c in ax.collections)


def test_compare_k_draws_one_curve_per_model():
    ks = list(range(1, 21))
    curves = {
        "KMeans": [100.0 / k for k in ks],
        "MiniBatchKMeans": [110.0 / k for k in ks],
    }
    ax = _render(plot.compare_k(ks, curves, ylabel="Inertia", log=True))
    assert [line.get_label() for line in ax.lines] == list(curves)
    for line, values in zip(ax.lines, curves.values(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), ks)
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "Inertia"
    assert len(ax.get_xticks()) <= 10
    with pytest.raises(ValueError, match="has 2 values for 20 k values"):
        plot.compare_k(ks, {"short": [1.0, 2.0]}, ylabel="x")
