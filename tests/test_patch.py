"""patch_sklearn: scikit-learn's names resolve to clustercore's, and back."""

import os
import pickle
import subprocess
import sys
import textwrap

import clustercore
import numpy as np
import pytest
import sklearn.cluster
import sklearn.metrics
import sklearn.mixture
from clustercore.patch import SklearnFallbackWarning, patched_names
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .reference import blobs

ORIGINALS = {
    ("sklearn.cluster", "KMeans"): sklearn.cluster.KMeans,
    ("sklearn.cluster", "MiniBatchKMeans"): sklearn.cluster.MiniBatchKMeans,
    ("sklearn.cluster", "DBSCAN"): sklearn.cluster.DBSCAN,
    ("sklearn.cluster", "k_means"): sklearn.cluster.k_means,
    ("sklearn.cluster", "kmeans_plusplus"): sklearn.cluster.kmeans_plusplus,
    ("sklearn.cluster", "dbscan"): sklearn.cluster.dbscan,
    ("sklearn.mixture", "GaussianMixture"): sklearn.mixture.GaussianMixture,
    (
        "sklearn.mixture",
        "BayesianGaussianMixture",
    ): sklearn.mixture.BayesianGaussianMixture,
    ("sklearn.metrics", "silhouette_score"): sklearn.metrics.silhouette_score,
    ("sklearn.metrics", "silhouette_samples"): sklearn.metrics.silhouette_samples,
    (
        "sklearn.metrics",
        "calinski_harabasz_score",
    ): sklearn.metrics.calinski_harabasz_score,
    ("sklearn.metrics", "davies_bouldin_score"): sklearn.metrics.davies_bouldin_score,
}


@pytest.fixture
def patched():
    clustercore.patch_sklearn()
    yield
    clustercore.unpatch_sklearn()


def test_every_name_resolves_to_clustercore(patched):
    for (module, name), original in ORIGINALS.items():
        now = getattr(sys.modules[module], name)
        assert now is not original
        ours = getattr(clustercore, name)
        if isinstance(ours, type):
            assert issubclass(now, ours)
        else:
            assert now.__wrapped__ is ours
    # a `from` import run after the patch sees it too
    from sklearn.cluster import KMeans
    from sklearn.metrics.cluster import silhouette_score

    assert issubclass(KMeans, clustercore.KMeans)
    assert silhouette_score.__wrapped__ is clustercore.silhouette_score
    assert len(patched_names()) == 16


def test_unpatch_restores_scikit_learn():
    clustercore.patch_sklearn()
    clustercore.patch_sklearn()  # twice changes nothing
    clustercore.unpatch_sklearn()
    for (module, name), original in ORIGINALS.items():
        assert getattr(sys.modules[module], name) is original
    assert patched_names() == []


def test_context_manager_patches_for_a_block():
    with clustercore.sklearn_patched():
        assert issubclass(sklearn.cluster.DBSCAN, clustercore.DBSCAN)
    assert sklearn.cluster.DBSCAN is ORIGINALS[("sklearn.cluster", "DBSCAN")]


def test_patched_results_are_clustercore_results(patched):
    X = blobs(2000, d=3, k=4, seed=1)
    ours = clustercore.KMeans(4, random_state=0).fit(X)
    pipe = make_pipeline(StandardScaler(), sklearn.cluster.KMeans(4, random_state=0))
    pipe.fit(X)
    direct = sklearn.cluster.KMeans(4, random_state=0).fit(X)
    np.testing.assert_array_equal(direct.labels_, ours.labels_)
    assert direct.inertia_ == ours.inertia_
    assert isinstance(pipe[-1], clustercore.KMeans)
    copy = clone(direct)
    assert type(copy) is type(direct) and copy.get_params() == direct.get_params()
    again = pickle.loads(pickle.dumps(direct))
    np.testing.assert_array_equal(again.predict(X), direct.predict(X))
    labels = direct.labels_
    assert sklearn.metrics.silhouette_score(X, labels) == clustercore.silhouette_score(
        X, labels
    )
    # scikit-learn's own GaussianMixture initialises with sklearn.cluster.KMeans: under
    # the patch that is clustercore's, and nothing loops
    gm = ORIGINALS[("sklearn.mixture", "GaussianMixture")](3, random_state=0).fit(X)
    assert gm.converged_


def test_unsupported_metric_falls_back_and_warns_once(patched):
    X = blobs(300, d=2, k=3, seed=2)

    def l1(a, b):
        return np.abs(a - b).sum()

    expected = ORIGINALS[("sklearn.cluster", "DBSCAN")](eps=0.8, metric=l1).fit(X)
    with pytest.warns(SklearnFallbackWarning, match="DBSCAN runs scikit-learn's"):
        first = sklearn.cluster.DBSCAN(eps=0.8, metric=l1).fit(X)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once: the second call is silent
        second = sklearn.cluster.DBSCAN(eps=0.8, metric=l1).fit(X)
    np.testing.assert_array_equal(first.labels_, expected.labels_)
    np.testing.assert_array_equal(second.labels_, expected.labels_)
    labels = expected.labels_
    with pytest.warns(SklearnFallbackWarning, match="silhouette_samples"):
        value = sklearn.metrics.silhouette_score(X, labels, metric="braycurtis")
    sk = ORIGINALS[("sklearn.metrics", "silhouette_score")]
    assert value == pytest.approx(sk(X, labels, metric="braycurtis"), rel=1e-12)


def test_no_warning_without_the_patch():
    import warnings

    X = blobs(200, d=2, k=2, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clustercore.DBSCAN(eps=0.5, metric="braycurtis").fit(X)


def test_show_config_lists_the_patched_names(patched, capsys):
    clustercore.show_config()
    out = capsys.readouterr().out
    assert "scikit-learn names patched: 16" in out
    assert "sklearn.mixture.BayesianGaussianMixture" in out


def test_array_api_input_runs_scikit_learn(tmp_path):
    pytest.importorskip("array_api_strict")
    script = tmp_path / "array_api.py"
    script.write_text(
        textwrap.dedent(
            """
            import warnings
            import numpy as np
            import sklearn
            import array_api_strict as xp
            import clustercore
            from clustercore.patch import SklearnFallbackWarning

            clustercore.patch_sklearn()
            from sklearn.mixture import GaussianMixture

            X = np.random.default_rng(0).normal(size=(300, 2))
            with sklearn.config_context(array_api_dispatch=True):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    gm = GaussianMixture(2, init_params="random_from_data",
                                         random_state=0).fit(xp.asarray(X))
                    labels = gm.predict(xp.asarray(X))
            assert type(labels).__module__.startswith("array_api_strict")
            assert isinstance(gm, clustercore.GaussianMixture)
            assert any(issubclass(w.category, SklearnFallbackWarning) for w in caught)
            print("ok")
            """
        )
    )
    env = dict(os.environ, SCIPY_ARRAY_API="1")
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_command_line_runs_a_script_patched(tmp_path):
    script = tmp_path / "user_script.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from sklearn.cluster import KMeans
            print(KMeans.__module__, sys.argv[1:], __name__)
            """
        )
    )
    run = subprocess.run(
        [sys.executable, "-m", "clustercore.patch", str(script), "a", "b"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split() == ["clustercore.patch", "['a',", "'b']", "__main__"]
