"""The package namespace: public names imported on first use."""

import subprocess
import sys

import clustercore
import pytest


def _run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()


def test_import_is_lazy_and_every_public_name_resolves():
    # a fresh interpreter: importing the package, or the block kernels a dask
    # worker runs, loads neither scikit-learn nor dask ...
    assert _run(
        "import sys, clustercore, clustercore._blocks; "
        "print('sklearn' in sys.modules, 'dask' in sys.modules)"
    ) == ["False", "False"]
    # ... and each public name comes from its module on first use
    for name in clustercore.__all__:
        value = getattr(clustercore, name)
        assert getattr(value, "__name__", name) == name
    assert set(clustercore.__all__) == set(clustercore._LAZY)
    assert set(clustercore.__all__) <= set(dir(clustercore))


def test_dbscan_the_function_survives_its_module_import():
    # the module is _dbscan, so importing it never hides the function
    out = _run(
        "import clustercore._dbscan, clustercore; "
        "print(callable(clustercore.dbscan), clustercore.dbscan.__module__)"
    )
    assert out == ["True", "clustercore._dbscan"]


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="not_a_name"):
        clustercore.not_a_name  # noqa: B018
