"""Workloads shared by the suites (those of shared/bench/peers.py), and peers."""

import functools
import importlib

import numpy as np


@functools.lru_cache(maxsize=4)
def blobs(n, d, k, std=1.0, seed=0, dtype="float64"):
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(
        n_samples=n, n_features=d, centers=k, cluster_std=std, random_state=seed
    )
    return np.ascontiguousarray(X, dtype=dtype)


@functools.lru_cache(maxsize=1)
def chapter_blobs():
    """Chapter 9's five blobs (2000 points, seed 7)."""
    from sklearn.datasets import make_blobs

    centers = [[0.2, 2.3], [-1.5, 2.3], [-2.8, 1.8], [-2.8, 2.8], [-2.8, 1.3]]
    std = [0.4, 0.3, 0.1, 0.1, 0.1]
    X, _ = make_blobs(n_samples=2000, centers=centers, cluster_std=std, random_state=7)
    return X


def optional(module):
    """Import a peer, or raise NotImplementedError so asv skips the case."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise NotImplementedError(f"{module} is not installed") from exc


_PROBE = r"""
import json, sys
import numpy as np

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) * 1024

setup, call = sys.argv[1], sys.argv[2]
env = {}
exec(setup, env)                      # builds X and the fit function, warms imports
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")                     # reset the peak (VmHWM) to the current RSS
base = status("VmRSS")
exec(call, env)
print(json.dumps({"extra": status("VmHWM") - base, "x_bytes": env["X"].nbytes}))
"""


def extra_peak_memory(setup: str, call: str) -> dict:
    """Peak resident memory that ``call`` adds beyond what ``setup`` left, in bytes.

    Runs in a fresh Python process (Linux: the peak is reset through
    /proc/self/clear_refs after setup), so neither the data nor earlier benchmarks
    count. ``setup`` must define ``X``. Returns {"extra": bytes, "x_bytes": X.nbytes}.
    """
    import json
    import subprocess
    import sys
    from pathlib import Path

    if not Path("/proc/self/clear_refs").exists():
        raise NotImplementedError("needs Linux's /proc/self/clear_refs")
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, setup, call],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])
