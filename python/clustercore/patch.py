"""Run existing scikit-learn code on clustercore: :func:`patch_sklearn`.

After ``clustercore.patch_sklearn()``, the clustering names of scikit-learn resolve to
clustercore's: ``sklearn.cluster.KMeans``, ``MiniBatchKMeans``, ``DBSCAN``,
``k_means``, ``kmeans_plusplus``, ``dbscan``, ``sklearn.mixture.GaussianMixture``,
``BayesianGaussianMixture`` and ``sklearn.metrics.silhouette_score``,
``silhouette_samples``, ``calinski_harabasz_score`` and ``davies_bouldin_score`` (also
under ``sklearn.metrics.cluster``), including for ``from sklearn.cluster import KMeans``
run after the patch, in pipelines and through ``clone``. ``unpatch_sklearn()`` restores
scikit-learn's; ``with sklearn_patched(): ...`` patches for a block.

A call clustercore cannot serve runs scikit-learn's implementation for that call and
says so once per reason (:class:`SklearnFallbackWarning`): array-API input (with
scikit-learn's ``array_api_dispatch`` on and an array that is not NumPy's), DBSCAN on
sparse data or with a metric its engine lacks, the silhouette with such a metric.

From the command line, ``python -m clustercore.patch script.py [args]`` runs a script
with the patch on.
"""

from __future__ import annotations

import functools
import importlib
import sys
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

from . import _fallback
from ._fallback import SklearnFallbackWarning

__all__ = [
    "SklearnFallbackWarning",
    "patch_sklearn",
    "patched_names",
    "sklearn_patched",
    "unpatch_sklearn",
]

# public scikit-learn namespace -> names it exports that clustercore replaces
_TARGETS = {
    "sklearn.cluster": [
        "KMeans",
        "MiniBatchKMeans",
        "DBSCAN",
        "k_means",
        "kmeans_plusplus",
        "dbscan",
    ],
    "sklearn.mixture": ["GaussianMixture", "BayesianGaussianMixture"],
    "sklearn.metrics": [
        "silhouette_score",
        "silhouette_samples",
        "calinski_harabasz_score",
        "davies_bouldin_score",
    ],
    "sklearn.metrics.cluster": [
        "silhouette_score",
        "silhouette_samples",
        "calinski_harabasz_score",
        "davies_bouldin_score",
    ],
}

_originals: dict[tuple[str, str], object] = {}  # (module, name) -> scikit-learn's
_replacements: dict[str, object] = {}  # name -> clustercore's patched object

_ESTIMATOR_METHODS = (
    "fit",
    "fit_predict",
    "fit_transform",
    "partial_fit",
    "predict",
    "predict_proba",
    "transform",
    "score",
    "score_samples",
    "sample",
    "bic",
    "aic",
)


def _array_api_reason(*arrays):
    """Why scikit-learn must take the call, for array-API input, or None."""
    import sklearn

    if not sklearn.get_config().get("array_api_dispatch", False):
        return None
    for a in arrays:
        if a is None or isinstance(a, np.ndarray) or sp.issparse(a):
            continue
        if hasattr(a, "__array_namespace__"):
            return f"array-API input ({type(a).__module__}.{type(a).__name__})"
    return None


def _patched_class(ours, sklearn_class):
    """A subclass of clustercore's estimator whose calls go to a scikit-learn estimator
    of the same parameters when clustercore cannot serve them."""

    def delegate(self, name, args, kwargs):
        est = sklearn_class(**self.get_params())
        out = getattr(est, name)(*args, **kwargs)
        # the fitted attributes, so that the model reads like scikit-learn's
        for key, value in vars(est).items():
            if key.endswith("_") and not key.startswith("_"):
                setattr(self, key, value)
        self._sklearn_estimator = est
        return self if out is est else out

    namespace = {"__module__": __name__, "__doc__": ours.__doc__}
    for name in _ESTIMATOR_METHODS:
        method = getattr(ours, name, None)
        if method is None or not callable(method):
            continue
        fits = name.startswith("fit") or name == "partial_fit"

        def wrapper(self, *args, _name=name, _method=method, _fits=fits, **kwargs):
            est = self.__dict__.get("_sklearn_estimator")
            if est is not None and not _fits:  # scikit-learn fitted it: it answers
                return getattr(est, _name)(*args, **kwargs)
            reason = _array_api_reason(*args[:1], kwargs.get("X"))
            if reason is not None and _fits:
                _fallback.note(ours.__name__, reason)
                return delegate(self, _name, args, kwargs)
            if _fits and _name != "partial_fit":
                self.__dict__.pop("_sklearn_estimator", None)
            return _method(self, *args, **kwargs)

        namespace[name] = functools.wraps(method)(wrapper)
    return type(ours.__name__, (ours,), namespace)


def _patched_function(ours, sklearn_function):
    @functools.wraps(ours)
    def wrapper(*args, **kwargs):
        reason = _array_api_reason(*args[:2], kwargs.get("X"))
        if reason is not None:
            _fallback.note(ours.__name__, reason)
            return sklearn_function(*args, **kwargs)
        return ours(*args, **kwargs)

    wrapper.__module__ = __name__
    return wrapper


def _build():
    """clustercore's replacement for every target name, built once."""
    if _replacements:
        return _replacements
    import clustercore

    for module_name, names in _TARGETS.items():
        module = importlib.import_module(module_name)
        for name in names:
            if name in _replacements:
                continue
            ours = getattr(clustercore, name)
            theirs = _originals.get((module_name, name), getattr(module, name))
            if isinstance(ours, type):
                _replacements[name] = _patched_class(ours, theirs)
            else:
                _replacements[name] = _patched_function(ours, theirs)
    return _replacements


def __getattr__(name):
    # the patched classes live here, so that their instances pickle (and unpickle in
    # a process that has not patched yet)
    replacement = _build().get(name)
    if replacement is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return replacement


def patch_sklearn() -> None:
    """Make scikit-learn's clustering estimators and metrics clustercore's (see the
    module docstring for the names). Calling it again changes nothing."""
    replacements = _build()
    for module_name, names in _TARGETS.items():
        module = importlib.import_module(module_name)
        for name in names:
            current = getattr(module, name)
            if current is not replacements[name]:
                _originals[(module_name, name)] = current
                setattr(module, name, replacements[name])
    _fallback.set_patch_active(True)


def unpatch_sklearn() -> None:
    """Restore scikit-learn's own estimators and metrics."""
    for (module_name, name), original in _originals.items():
        setattr(sys.modules[module_name], name, original)
    _originals.clear()
    _fallback.set_patch_active(False)


def patched_names() -> list[str]:
    """The scikit-learn names that resolve to clustercore now, as 'module.name'."""
    return sorted(f"{module}.{name}" for module, name in _originals)


@contextmanager
def sklearn_patched():
    """``with sklearn_patched(): ...`` runs the block with the patch on, then
    restores what was there before."""
    was_patched = bool(_originals)
    patch_sklearn()
    try:
        yield
    finally:
        if not was_patched:
            unpatch_sklearn()


def main(argv=None) -> int:
    """``python -m clustercore.patch script.py [args...]``: run a script with the
    patch on, as ``python script.py [args...]`` would."""
    import runpy

    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m clustercore.patch script.py [args...]")
        return 0 if argv else 2
    from clustercore import patch  # the package's module, not this __main__ copy

    patch.patch_sklearn()
    sys.argv = list(argv)
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
