"""scikit-learn's own estimator checks, with only the exemptions it makes itself."""

from clustercore import (
    DBSCAN,
    BayesianGaussianMixture,
    GaussianMixture,
    KMeans,
    MiniBatchKMeans,
)
from sklearn.utils.estimator_checks import parametrize_with_checks

# scikit-learn exempts KMeans and MiniBatchKMeans from these two checks too: weights are
# not equivalent to repeated samples because the random initialisation (and, for
# MiniBatchKMeans, the random batches) see the data differently.
_WEIGHTS_ARE_NOT_REPETITIONS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "sample_weight is not equivalent to removing/repeating samples"
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "sample_weight is not equivalent to removing/repeating samples"
    ),
}
EXPECTED_FAILURES = {
    "KMeans": _WEIGHTS_ARE_NOT_REPETITIONS,
    "MiniBatchKMeans": _WEIGHTS_ARE_NOT_REPETITIONS,
}


@parametrize_with_checks(
    [
        KMeans(n_clusters=2, n_init=2, max_iter=5),
        MiniBatchKMeans(n_clusters=2, n_init=2, max_iter=5, batch_size=10),
        GaussianMixture(max_iter=20),
        BayesianGaussianMixture(n_init=2, max_iter=5),
        DBSCAN(),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILURES.get(type(est).__name__, {}),
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
