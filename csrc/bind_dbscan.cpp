// bind_dbscan.cpp - Python bindings of the DBSCAN engine (dbscan.hpp), float and
// double.
#include <cstdint>
#include <string>

#include "bind_common.hpp"
#include "dbscan.hpp"

namespace cc {
namespace {

Metric make_metric(const std::string &name, double p) {
    Metric m;
    if (name == "euclidean")
        m.kind = Metric::euclidean;
    else if (name == "manhattan")
        m.kind = Metric::manhattan;
    else if (name == "chebyshev")
        m.kind = Metric::chebyshev;
    else if (name == "minkowski") {
        if (!(p >= 1))
            throw std::invalid_argument("minkowski needs p >= 1");
        m.kind = Metric::minkowski;
        m.p = p;
    } else
        throw std::invalid_argument("unsupported metric: " + name);
    return m;
}

template <typename T>
py::tuple fit_impl(const carray<T> &X, const py::object &weights, double eps,
                   double min_samples, const std::string &metric, double p,
                   std::int64_t leaf_size, int n_threads) {
    const Dense<T> v = dense_view(X);
    const double *w = nullptr;
    carray<double> warr;
    if (!weights.is_none()) {
        warr = weights.cast<carray<double>>();
        check_vector(warr, v.n, "sample_weight");
        w = warr.data();
    }
    const Metric m = make_metric(metric, p);
    DbscanResult r;
    {
        py::gil_scoped_release nogil; // the engine touches no Python object
        // Euclidean in 1-3 dimensions: the grid (falls back to the tree if it cannot).
        if (!(m.kind == Metric::euclidean &&
              dbscan_grid(v.data, v.n, v.d, w, eps, min_samples, n_threads, r)))
            r = dbscan(v.data, v.n, v.d, w, eps, min_samples, m, leaf_size, n_threads);
    }
    py::array_t<bool> core(v.n);
    py::array_t<std::int64_t> labels(v.n);
    std::copy(r.core.begin(), r.core.end(), core.mutable_data());
    std::copy(r.labels.begin(), r.labels.end(), labels.mutable_data());
    return py::make_tuple(core, labels);
}

template <typename T>
py::array predict_impl(const carray<T> &core_X, const carray<std::int64_t> &core_labels,
                       const carray<T> &Q, double eps, const std::string &metric,
                       double p, std::int64_t leaf_size, int n_threads) {
    const Dense<T> c = dense_view(core_X), q = dense_view(Q);
    check_vector(core_labels, c.n, "core labels");
    if (c.d != q.d)
        throw std::invalid_argument("feature counts differ");
    const Metric m = make_metric(metric, p);
    py::array_t<std::int64_t> out(q.n);
    {
        py::gil_scoped_release nogil;
        dbscan_predict(c.data, core_labels.data(), c.n, c.d, q.data, q.n, eps, m,
                       leaf_size, n_threads, out.mutable_data());
    }
    return out;
}

template <typename T> void register_dtype(py::module_ &m) {
    m.def("dbscan", &fit_impl<T>, py::arg("X").noconvert(), py::arg("sample_weight"),
          py::arg("eps"), py::arg("min_samples"), py::arg("metric"), py::arg("p"),
          py::arg("leaf_size"), py::arg("n_threads"),
          "DBSCAN with a k-d tree: (core mask, labels). Metrics: euclidean, manhattan, "
          "chebyshev, "
          "minkowski (p >= 1).");
    m.def("dbscan_predict", &predict_impl<T>, py::arg("core_X").noconvert(),
          py::arg("core_labels").noconvert(), py::arg("X").noconvert(), py::arg("eps"),
          py::arg("metric"), py::arg("p"), py::arg("leaf_size"), py::arg("n_threads"),
          "Label of the nearest core sample within eps, else -1.");
}

} // namespace

void register_dbscan(py::module_ &m) {
    register_dtype<float>(m);
    register_dtype<double>(m);
}

} // namespace cc
