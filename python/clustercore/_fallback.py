"""Notes of the calls clustercore hands to scikit-learn's own code.

Some inputs take scikit-learn's implementation inside clustercore (DBSCAN on sparse X
or with a metric the C++ engine lacks; the silhouette with such a metric), and under
:func:`clustercore.patch_sklearn` so does array-API input. While the patch is on, each
(estimator, reason) pair is reported once, as a :class:`SklearnFallbackWarning`.
"""

from __future__ import annotations

import threading
import warnings


class SklearnFallbackWarning(UserWarning):
    """A call of a patched scikit-learn name ran scikit-learn's own implementation."""


_lock = threading.Lock()
_reported: set[tuple[str, str]] = set()
_patch_active = False


def set_patch_active(active: bool) -> None:
    global _patch_active
    with _lock:
        _patch_active = active
        _reported.clear()


def note(where: str, reason: str) -> None:
    """Record that `where` ran scikit-learn's code because of `reason`; warns the first
    time under the patch."""
    with _lock:
        if not _patch_active or (where, reason) in _reported:
            return
        _reported.add((where, reason))
    warnings.warn(
        f"clustercore: {where} runs scikit-learn's implementation for {reason}",
        SklearnFallbackWarning,
        stacklevel=3,
    )
