"""GaussianMixture and BayesianGaussianMixture against scikit-learn on the reference
workloads, side by side.

scikit-learn runs twice: as installed, and with BLAS limited to one thread (its faster
setting on two cores, where OpenBLAS threads compete with everything else). Every fit
runs exactly 50 EM iterations (tol=0) from the same k-means initialisation; the final
lower bound is tracked so speed is never read without the fit.
"""

import warnings

from .common import blobs, extra_peak_memory, optional

# name: (data factory, n_components, covariance_type, estimator)
WORKLOADS = {
    "G1": (lambda: blobs(100_000, 8, 10), 10, "full", "GaussianMixture"),
    "G2": (lambda: blobs(100_000, 8, 10), 10, "diag", "GaussianMixture"),
    "G3": (lambda: blobs(20_000, 32, 16), 16, "full", "GaussianMixture"),
    # the variational model (Dirichlet process prior) on G1's data
    "B1": (lambda: blobs(100_000, 8, 10), 10, "full", "BayesianGaussianMixture"),
}
IMPLEMENTATIONS = ["clustercore", "sklearn", "sklearn-blas1"]


def _fitter(impl, k, cov, estimator):
    module = "clustercore" if impl == "clustercore" else "sklearn.mixture"
    Mixture = getattr(optional(module), estimator)
    kw = dict(n_components=k, covariance_type=cov, max_iter=50, tol=0, random_state=0)

    def fit(X):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 50 iterations: "did not converge"
            if impl == "sklearn-blas1":
                from threadpoolctl import threadpool_limits

                with threadpool_limits(1, user_api="blas"):
                    return Mixture(**kw).fit(X).lower_bound_
            return Mixture(**kw).fit(X).lower_bound_

    return fit


class GaussianMixtureFit:
    params = (list(WORKLOADS), IMPLEMENTATIONS)
    param_names = ["workload", "impl"]
    timeout = 900
    number = 1
    repeat = (1, 3, 60.0)
    rounds = 1
    warmup_time = 0

    def setup(self, workload, impl):
        make, k, cov, estimator = WORKLOADS[workload]
        self.X = make()
        self.fit = _fitter(impl, k, cov, estimator)

    def time_fit(self, workload, impl):
        self.fit(self.X)

    def peakmem_fit(self, workload, impl):
        self.fit(self.X)

    def track_lower_bound(self, workload, impl):
        return float(self.fit(self.X))

    track_lower_bound.unit = "lower bound"


_MEMORY_SETUP = """
import warnings
import numpy as np
warnings.simplefilter("ignore")
X = np.random.default_rng(0).normal(size=(1_000_000, 8))
from {module} import GaussianMixture
fit = lambda: GaussianMixture(10, max_iter=5, tol=0, init_params="random_from_data",
                              random_state=0).fit(X)
GaussianMixture(2, max_iter=1).fit(X[:100])
"""


class GaussianMixtureMemory:
    """Extra peak memory of 5 EM iterations on 1M x 8 with 10 full components, as a
    multiple of the size of X (scikit-learn holds several n x k arrays and an n x d
    temporary per component; clustercore one tile of responsibilities per thread)."""

    params = (["clustercore", "sklearn"],)
    param_names = ["impl"]
    timeout = 900
    number = 1
    repeat = 1

    def track_extra_peak_memory(self, impl):
        module = "clustercore" if impl == "clustercore" else "sklearn.mixture"
        m = extra_peak_memory(_MEMORY_SETUP.format(module=module), "fit()")
        return m["extra"] / m["x_bytes"]

    track_extra_peak_memory.unit = "x size of X"
