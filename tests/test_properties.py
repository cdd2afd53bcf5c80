"""Property checks (tests/property_cases.py) in a child process: a crash of the kernels
fails a test instead of killing the run."""

import subprocess
import sys
from pathlib import Path

import pytest

from . import property_cases

CASES = Path(__file__).with_name("property_cases.py")


@pytest.mark.parametrize("check", [c.__name__ for c in property_cases.CHECKS])
def test_property_in_a_child_process(check):
    run = subprocess.run(
        [sys.executable, str(CASES), check], capture_output=True, text=True
    )
    assert run.returncode == 0, (
        f"{check} exited with {run.returncode}\n{run.stdout}\n{run.stderr[-4000:]}"
    )
    assert f"{check}: ok" in run.stdout
