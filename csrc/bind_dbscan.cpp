// bind_dbscan.cpp - Python bindings of the DBSCAN engine (dbscan.hpp), float and
// double.
#include <cstdint>
#include <functional>
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

py::tuple result_arrays(const DbscanResult &r, std::int64_t n) {
    py::array_t<bool> core(n);
    py::array_t<std::int64_t> labels(n);
    std::copy(r.core.begin(), r.core.end(), core.mutable_data());
    std::copy(r.labels.begin(), r.labels.end(), labels.mutable_data());
    return py::make_tuple(core, labels);
}

const double *weights_ptr(const py::object &weights, std::int64_t n,
                          carray<double> &keep) {
    if (weights.is_none())
        return nullptr;
    keep = weights.cast<carray<double>>();
    check_vector(keep, n, "sample_weight");
    return keep.data();
}

template <typename T>
py::tuple fit_impl(const carray<T> &X, const py::object &weights, double eps,
                   double min_samples, const std::string &metric, double p,
                   std::int64_t leaf_size, int n_threads) {
    const Dense<T> v = dense_view(X);
    carray<double> keep;
    const double *w = weights_ptr(weights, v.n, keep);
    const Metric m = make_metric(metric, p);
    DbscanResult r;
    Interrupter check; // Ctrl-C between rounds of work
    {
        py::gil_scoped_release nogil; // the engine touches no Python object
        const std::function<bool()> keep_going = [&] { return check(); };
        // Euclidean in 1-3 dimensions: the grid (falls back to the tree if it cannot).
        if (!(m.kind == Metric::euclidean &&
              dbscan_grid(v.data, v.n, v.d, w, eps, min_samples, n_threads, r,
                          keep_going)))
            r = dbscan(v.data, v.n, v.d, w, eps, min_samples, m, leaf_size, n_threads,
                       keep_going);
    }
    Interrupter::raise_if_stopped(r.stopped);
    return result_arrays(r, v.n);
}

template <typename T, typename I>
py::tuple run_precomputed(const DistanceRows<T, I> &rows, const py::object &weights,
                          double eps, double min_samples, int n_threads) {
    carray<double> keep;
    const double *w = weights_ptr(weights, rows.n, keep);
    Interrupter check;
    DbscanResult r;
    {
        py::gil_scoped_release nogil;
        const std::function<bool()> keep_going = [&] { return check(); };
        r = dbscan_precomputed(rows, w, eps, min_samples, n_threads, keep_going);
    }
    Interrupter::raise_if_stopped(r.stopped);
    return result_arrays(r, rows.n);
}

template <typename T>
py::tuple precomputed_dense(const carray<T> &D, const py::object &weights, double eps,
                            double min_samples, int n_threads) {
    if (D.ndim() != 2 || D.shape(0) != D.shape(1))
        throw std::invalid_argument("the distance matrix must be square");
    const DistanceRows<T, std::int32_t> rows{D.data(), nullptr, nullptr,
                                             static_cast<std::int64_t>(D.shape(0))};
    return run_precomputed(rows, weights, eps, min_samples, n_threads);
}

template <typename T, typename I>
py::tuple precomputed_csr(const carray<T> &data, const carray<I> &indices,
                          const carray<std::int64_t> &indptr, const py::object &weights,
                          double eps, double min_samples, int n_threads) {
    if (indptr.ndim() != 1 || indptr.shape(0) < 1)
        throw std::invalid_argument("indptr must be 1-D and non-empty");
    const std::int64_t n = static_cast<std::int64_t>(indptr.shape(0)) - 1;
    const std::int64_t nnz = static_cast<std::int64_t>(data.shape(0));
    if (indices.shape(0) != data.shape(0) || indptr.at(0) != 0 || indptr.at(n) != nnz)
        throw std::invalid_argument("inconsistent CSR arrays");
    for (std::int64_t e = 0; e < nnz; ++e)
        if (indices.data()[e] < 0 || indices.data()[e] >= n)
            throw std::invalid_argument("column index out of range");
    for (std::int64_t i = 0; i < n; ++i)
        if (indptr.data()[i + 1] < indptr.data()[i])
            throw std::invalid_argument("indptr must not decrease");
    const DistanceRows<T, I> rows{data.data(), indices.data(), indptr.data(), n};
    return run_precomputed(rows, weights, eps, min_samples, n_threads);
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

template <typename T> void for_index_types(py::module_ &m) {
    const char *doc = "DBSCAN on a sparse CSR distance graph (only stored entries are "
                      "neighbours): (core mask, labels).";
    m.def("dbscan_precomputed_csr", &precomputed_csr<T, std::int32_t>,
          py::arg("data").noconvert(), py::arg("indices").noconvert(),
          py::arg("indptr").noconvert(), py::arg("sample_weight"), py::arg("eps"),
          py::arg("min_samples"), py::arg("n_threads"), doc);
    m.def("dbscan_precomputed_csr", &precomputed_csr<T, std::int64_t>,
          py::arg("data").noconvert(), py::arg("indices").noconvert(),
          py::arg("indptr").noconvert(), py::arg("sample_weight"), py::arg("eps"),
          py::arg("min_samples"), py::arg("n_threads"), doc);
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
    m.def("dbscan_precomputed", &precomputed_dense<T>, py::arg("D").noconvert(),
          py::arg("sample_weight"), py::arg("eps"), py::arg("min_samples"),
          py::arg("n_threads"),
          "DBSCAN on a dense square distance matrix: (core mask, labels).");
    for_index_types<T>(m);
}

} // namespace

void register_dbscan(py::module_ &m) {
    register_dtype<float>(m);
    register_dtype<double>(m);
}

} // namespace cc
