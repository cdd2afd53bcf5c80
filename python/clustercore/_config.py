"""Build and runtime configuration."""

from __future__ import annotations

import sys

from . import _core
from ._validation import effective_n_threads


def build_info() -> dict:
    """What this build of clustercore is and what it will use now.

    Returns
    -------
    info : dict
        ``version``, ``compiler``, ``openmp`` (bool), ``simd`` (the instruction set the
        kernels use on this CPU), ``simd_available``, and ``n_threads`` (threads a fit
        started now would use, after ``OMP_NUM_THREADS`` and threadpoolctl limits).

    Examples
    --------
    >>> import clustercore
    >>> sorted(clustercore.build_info())[:3]
    ['compiler', 'max_threads', 'n_threads']
    """
    info = dict(_core.build_info())
    info["n_threads"] = effective_n_threads()
    return info


def show_config(file=None) -> None:
    """Print :func:`build_info` and the versions of the runtime dependencies.

    Examples
    --------
    >>> import clustercore
    >>> clustercore.show_config()  # doctest: +SKIP
    """
    import numpy
    import sklearn
    import threadpoolctl

    info = build_info()
    lines = [f"clustercore {info.pop('version')}"]
    lines += [f"  {key}: {value}" for key, value in info.items()]
    lines.append("dependencies")
    for mod in (numpy, sklearn, threadpoolctl):
        lines.append(f"  {mod.__name__}: {mod.__version__}")
    lines.append(f"  python: {sys.version.split()[0]}")
    patch = sys.modules.get("clustercore.patch")
    names = patch.patched_names() if patch is not None else []
    lines.append(f"scikit-learn names patched: {len(names)}")
    lines += [f"  {name}" for name in names]
    print("\n".join(lines), file=file)
