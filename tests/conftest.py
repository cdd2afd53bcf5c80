import numpy as np
import pytest
from clustercore import _core

ISAS = _core.build_info()["simd_available"].split(",")


@pytest.fixture
def rng():
    return np.random.default_rng(20261203)


@pytest.fixture(params=ISAS)
def isa(request):
    """Runs the test once per instruction set this CPU has (selected meanwhile)."""
    before = _core.build_info()["simd"]
    _core.select_simd(request.param)
    yield request.param
    _core.select_simd(before)
