// bind_metrics.cpp - Python bindings of the cluster-metric kernels (metrics.hpp), for
// float and double samples.
#include <cstdint>
#include <string>

#include "bind_common.hpp"
#include "metrics.hpp"

namespace cc {
namespace {

PairMetric pair_metric(const std::string &name) {
    if (name == "euclidean")
        return PairMetric::euclidean;
    if (name == "manhattan")
        return PairMetric::manhattan;
    if (name == "cosine")
        return PairMetric::cosine;
    throw std::invalid_argument("unknown metric '" + name + "'");
}

template <typename T>
carray<double> sums_impl(const carray<T> &X, const carray<std::int32_t> &labels,
                         i64 n_clusters, const std::string &metric, int n_threads) {
    const Dense<T> v = dense_view(X);
    if (labels.ndim() != 2 || static_cast<i64>(labels.shape(1)) != v.n)
        throw std::invalid_argument("labels must be n_labelings x n_samples");
    if (n_clusters < 1)
        throw std::invalid_argument("n_clusters must be positive");
    const i64 K = static_cast<i64>(labels.shape(0));
    for (i64 e = 0; e < K * v.n; ++e)
        if (labels.data()[e] < 0 || labels.data()[e] >= n_clusters)
            throw std::invalid_argument("labels must lie in [0, n_clusters)");
    const PairMetric m = pair_metric(metric);
    carray<double> out({K, v.n, n_clusters});
    double *o = out.mutable_data();
    Interrupter check;
    bool done;
    {
        py::gil_scoped_release nogil; // the kernel touches no Python object
        done = silhouette_sums(v.data, v.n, v.d, labels.data(), K, n_clusters, m,
                               n_threads, o, [&] { return check(); });
    }
    Interrupter::raise_if_stopped(!done);
    return out;
}

} // namespace

void register_metrics(py::module_ &m) {
    const char *doc = "Per-cluster sums of distances from every sample, for K "
                      "labelings at once: (K, n, n_clusters).";
    m.def("silhouette_sums", &sums_impl<float>, py::arg("X").noconvert(),
          py::arg("labels").noconvert(), py::arg("n_clusters"), py::arg("metric"),
          py::arg("n_threads"), doc);
    m.def("silhouette_sums", &sums_impl<double>, py::arg("X").noconvert(),
          py::arg("labels").noconvert(), py::arg("n_clusters"), py::arg("metric"),
          py::arg("n_threads"), doc);
}

} // namespace cc
