// bind_kmeans.cpp - Python bindings of the k-means kernels (kmeans.hpp), float and
// double.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "bind_common.hpp"

namespace cc {
namespace {

// An optional origin: None, or a float64 vector of length d.
const double *origin_ptr(const py::object &origin, i64 d) {
    if (origin.is_none())
        return nullptr;
    auto arr = origin.cast<carray<double>>();
    check_vector(arr, d, "origin");
    return arr.data();
}

template <typename T, class View>
py::tuple lloyd_impl(const View &X, const carray<T> &w, const carray<T> &centers_init,
                     i64 max_iter, double tol, const py::object &origin, int n_threads,
                     py::object on_iter, int prune = 1,
                     const py::object &xsq = py::none()) {
    const i64 k = static_cast<i64>(centers_init.shape(0));
    if (centers_init.ndim() != 2 || static_cast<i64>(centers_init.shape(1)) != X.d ||
        k < 1)
        throw std::invalid_argument("centers have the wrong shape");
    check_vector(w, X.n, "sample_weight");
    carray<T> centers({k, X.d});
    std::copy(centers_init.data(), centers_init.data() + k * X.d,
              centers.mutable_data());
    carray<std::int32_t> labels(X.n);
    T *c = centers.mutable_data();
    std::int32_t *lab = labels.mutable_data();
    const bool track_inertia = !on_iter.is_none(); // before on_iter is moved from
    Interrupter check(std::move(on_iter));
    LloydParams p;
    p.max_iter = max_iter;
    p.tol = tol;
    p.n_threads = n_threads;
    p.origin = origin_ptr(origin, X.d);
    p.track_inertia = track_inertia;
    if (prune < 0 || prune > 2)
        throw std::invalid_argument(
            "prune must be 0 (never), 1 (automatic) or 2 (always)");
    p.prune = static_cast<Prune>(prune);
    if (!xsq.is_none()) {
        auto norms = xsq.cast<carray<double>>();
        check_vector(norms, X.n, "x_squared_norms");
        p.xsq = norms.data();
    }
    LloydResult r;
    {
        py::gil_scoped_release
            nogil; // the run touches no Python object but through `check`
        r = lloyd_run(X, w.data(), c, k, lab, p, [&](const IterInfo &it) {
            return check(it.iter, it.inertia, it.shift, it.n_changed);
        });
    }
    Interrupter::raise_if_stopped(r.stopped);
    return py::make_tuple(centers, labels, r.inertia, r.n_iter, r.strict_convergence);
}

template <typename T, class View>
py::tuple labels_inertia_impl(const View &X, const carray<T> &w,
                              const carray<T> &centers, const py::object &origin,
                              int n_threads) {
    const i64 k = static_cast<i64>(centers.shape(0));
    if (centers.ndim() != 2 || static_cast<i64>(centers.shape(1)) != X.d || k < 1)
        throw std::invalid_argument("centers have the wrong shape");
    check_vector(w, X.n, "sample_weight");
    carray<std::int32_t> labels(X.n);
    const double *o = origin_ptr(origin, X.d);
    LloydStats stats;
    {
        py::gil_scoped_release nogil;
        lloyd_pass(X, w.data(), centers.data(), k, o, labels.mutable_data(),
                   Pass::assign_only, true, n_threads, stats);
    }
    return py::make_tuple(labels, stats.inertia);
}

template <typename T, class View>
py::tuple block_stats_impl(const View &X, const carray<T> &w, const carray<T> &centers,
                           const py::object &origin, int n_threads,
                           const py::object &labels_in, bool want_inertia = true) {
    const i64 k = static_cast<i64>(centers.shape(0));
    if (centers.ndim() != 2 || static_cast<i64>(centers.shape(1)) != X.d || k < 1)
        throw std::invalid_argument("centers have the wrong shape");
    check_vector(w, X.n, "sample_weight");
    carray<std::int32_t> labels(X.n);
    if (labels_in.is_none()) {
        std::fill(labels.mutable_data(), labels.mutable_data() + X.n, std::int32_t(-1));
    } else {
        auto before = labels_in.cast<carray<std::int32_t>>();
        check_vector(before, X.n, "labels");
        std::copy(before.data(), before.data() + X.n, labels.mutable_data());
    }
    const double *o = origin_ptr(origin, X.d);
    LloydStats stats;
    {
        py::gil_scoped_release nogil;
        lloyd_pass(X, w.data(), centers.data(), k, o, labels.mutable_data(), Pass::full,
                   want_inertia, n_threads, stats);
    }
    py::array_t<double> sums({k, X.d});
    py::array_t<double> weights(k);
    std::copy(stats.sums.begin(), stats.sums.end(), sums.mutable_data());
    std::copy(stats.weights.begin(), stats.weights.end(), weights.mutable_data());
    return py::make_tuple(sums, weights, stats.inertia, labels, stats.n_changed);
}

template <typename T, class View>
py::tuple farthest_impl(const View &X, const carray<T> &w, const carray<T> &centers,
                        const carray<std::int32_t> &labels, i64 m, i64 offset,
                        int n_threads) {
    const i64 k = static_cast<i64>(centers.shape(0));
    if (centers.ndim() != 2 || static_cast<i64>(centers.shape(1)) != X.d || k < 1)
        throw std::invalid_argument("centers have the wrong shape");
    check_vector(w, X.n, "sample_weight");
    check_vector(labels, X.n, "labels");
    RelocationCandidates c;
    {
        py::gil_scoped_release nogil;
        c = farthest_samples(X, w.data(), centers.data(), k, labels.data(), m, offset,
                             n_threads);
    }
    const i64 n = c.size();
    carray<double> dist(n), weight(n), rows({n, X.d});
    carray<std::int64_t> index(n);
    carray<std::int32_t> label(n);
    std::copy(c.dist.begin(), c.dist.end(), dist.mutable_data());
    std::copy(c.weight.begin(), c.weight.end(), weight.mutable_data());
    std::copy(c.rows.begin(), c.rows.end(), rows.mutable_data());
    std::copy(c.index.begin(), c.index.end(), index.mutable_data());
    std::copy(c.label.begin(), c.label.end(), label.mutable_data());
    return py::make_tuple(dist, index, label, weight, rows);
}

// The Lloyd update from summed statistics: relocation of empty clusters onto the
// candidates (if any), then the weighted means. Returns (centers, shift,
// n_relocated).
template <typename T>
py::tuple update_impl(const carray<double> &sums, const carray<double> &weights,
                      const carray<T> &centers, const py::object &candidates) {
    const i64 k = static_cast<i64>(centers.shape(0));
    const i64 d = centers.ndim() == 2 ? static_cast<i64>(centers.shape(1)) : -1;
    if (d < 1 || static_cast<i64>(sums.size()) != k * d)
        throw std::invalid_argument("sums and centers do not match");
    check_vector(weights, k, "weights");
    LloydStats stats;
    stats.sums.assign(sums.data(), sums.data() + k * d);
    stats.weights.assign(weights.data(), weights.data() + k);
    i64 moved = 0;
    if (!candidates.is_none()) {
        const py::tuple t = candidates.cast<py::tuple>();
        if (t.size() != 5)
            throw std::invalid_argument("candidates must be 5 arrays");
        RelocationCandidates c;
        auto dist = t[0].cast<carray<double>>();
        auto index = t[1].cast<carray<std::int64_t>>();
        auto label = t[2].cast<carray<std::int32_t>>();
        auto weight = t[3].cast<carray<double>>();
        auto rows = t[4].cast<carray<double>>();
        const i64 m = static_cast<i64>(dist.size());
        check_vector(index, m, "candidate indices");
        check_vector(label, m, "candidate labels");
        check_vector(weight, m, "candidate weights");
        if (static_cast<i64>(rows.size()) != m * d)
            throw std::invalid_argument("candidate rows have the wrong shape");
        for (i64 i = 0; i < m; ++i)
            if (label.data()[i] < 0 || label.data()[i] >= k)
                throw std::invalid_argument("candidate label out of range");
        c.dist.assign(dist.data(), dist.data() + m);
        c.index.assign(index.data(), index.data() + m);
        c.label.assign(label.data(), label.data() + m);
        c.weight.assign(weight.data(), weight.data() + m);
        c.rows.assign(rows.data(), rows.data() + m * d);
        moved = relocate_from_candidates(c, k, d, stats);
    }
    carray<T> next({k, d});
    const double shift = lloyd_update(stats, centers.data(), k, d, next.mutable_data());
    return py::make_tuple(next, shift, moved);
}

template <typename T, class View>
py::tuple plusplus_impl(const View &X, const carray<T> &w, const carray<double> &xsq,
                        const py::object &origin, i64 k, i64 first,
                        const carray<double> &uniforms, i64 trials, int n_threads) {
    check_vector(w, X.n, "sample_weight");
    check_vector(xsq, X.n, "x_squared_norms");
    if (k < 1 || k > X.n)
        throw std::invalid_argument("n_clusters out of range");
    if (first < 0 || first >= X.n)
        throw std::invalid_argument("first centre index out of range");
    if (trials < 1)
        throw std::invalid_argument("n_local_trials must be >= 1");
    check_vector(uniforms, (k - 1) * trials, "uniforms");
    carray<T> centers({k, X.d});
    py::array_t<i64> indices(k);
    Interrupter check;
    const double *o = origin_ptr(origin, X.d);
    bool stopped = false;
    {
        py::gil_scoped_release nogil;
        kmeans_plusplus(X, w.data(), xsq.data(), o, k, first, uniforms.data(), trials,
                        n_threads, centers.mutable_data(), indices.mutable_data(),
                        [&] { return !(stopped = !check()); });
    }
    Interrupter::raise_if_stopped(stopped);
    return py::make_tuple(centers, indices);
}

template <typename T, class View>
py::array distances_impl(const View &X, const carray<T> &centers, bool squared,
                         int n_threads) {
    const i64 k = static_cast<i64>(centers.shape(0));
    if (centers.ndim() != 2 || static_cast<i64>(centers.shape(1)) != X.d)
        throw std::invalid_argument("centers have the wrong shape");
    carray<T> out({X.n, k});
    {
        py::gil_scoped_release nogil;
        euclidean_to_centers(X, centers.data(), k, !squared, n_threads,
                             out.mutable_data());
    }
    return out;
}

template <class View>
py::array row_norms_impl(const View &X, const py::object &origin, int n_threads) {
    py::array_t<double> out(X.n);
    const double *o = origin_ptr(origin, X.d);
    {
        py::gil_scoped_release nogil;
        row_norms_sq(X, o, n_threads, out.mutable_data());
    }
    return out;
}

template <typename T>
py::tuple mean_var_impl(const carray<T> &X, bool want_var, int n_threads) {
    const Dense<T> v = dense_view(X);
    py::array_t<double> mean(v.d), var(v.d);
    {
        py::gil_scoped_release nogil;
        column_mean_var(v, want_var, n_threads, mean.mutable_data(),
                        var.mutable_data());
    }
    if (!want_var)
        return py::make_tuple(mean, py::none());
    return py::make_tuple(mean, var);
}

// Registers one dtype. Dense functions take X and an optional origin (float64, length
// d: the point the centres are packed relative to, normally the column means); the
// *_csr twins take (data, indices, indptr, n_cols) and no origin.
template <typename T> void register_dtype(py::module_ &m) {
    using A = carray<T>;
    using I = carray<std::int32_t>;
    using D = carray<double>;
    const py::none none;
    m.def(
        "lloyd",
        [](const A &X, const A &w, const A &c, i64 max_iter, double tol,
           const py::object &origin, int nt, py::object cb, int prune,
           const py::object &xsq) {
            return lloyd_impl<T>(dense_view(X), w, c, max_iter, tol, origin, nt,
                                 std::move(cb), prune, xsq);
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
        py::arg("centers").noconvert(), py::arg("max_iter"), py::arg("tol"),
        py::arg("origin"), py::arg("n_threads"), py::arg("on_iter") = none,
        py::arg("prune") = 1, py::arg("x_squared_norms") = none,
        "Lloyd's algorithm from the given centres. on_iter(iter, inertia, shift, "
        "n_changed) runs "
        "after every iteration. Returns (centers, labels, inertia, n_iter, strict).");
    m.def(
        "lloyd_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, const A &w, const A &c,
           i64 max_iter, double tol, int nt, py::object cb) {
            return lloyd_impl<T>(csr_view(data, ind, ptr, nc), w, c, max_iter, tol,
                                 py::none(), nt, std::move(cb));
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"),
        py::arg("sample_weight").noconvert(), py::arg("centers").noconvert(),
        py::arg("max_iter"), py::arg("tol"), py::arg("n_threads"),
        py::arg("on_iter") = none);
    m.def(
        "labels_inertia",
        [](const A &X, const A &w, const A &c, const py::object &origin, int nt) {
            return labels_inertia_impl<T>(dense_view(X), w, c, origin, nt);
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
        py::arg("centers").noconvert(), py::arg("origin"), py::arg("n_threads"),
        "Nearest centre of every row and the weighted inertia: (labels, inertia).");
    m.def(
        "labels_inertia_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, const A &w, const A &c,
           int nt) {
            return labels_inertia_impl<T>(csr_view(data, ind, ptr, nc), w, c,
                                          py::none(), nt);
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"),
        py::arg("sample_weight").noconvert(), py::arg("centers").noconvert(),
        py::arg("n_threads"));
    m.def(
        "lloyd_block_stats",
        [](const A &X, const A &w, const A &c, const py::object &origin, int nt,
           const py::object &labels, bool want_inertia) {
            return block_stats_impl<T>(dense_view(X), w, c, origin, nt, labels,
                                       want_inertia);
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
        py::arg("centers").noconvert(), py::arg("origin"), py::arg("n_threads"),
        py::arg("labels") = none, py::arg("want_inertia") = true,
        "Sufficient statistics of one Lloyd step on a block, in double: (sums, "
        "weights, inertia (0 unless want_inertia), labels, n_changed); n_changed "
        "counts the labels that differ from the given ones (all, without them).");
    m.def(
        "lloyd_block_stats_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, const A &w, const A &c,
           int nt, const py::object &labels) {
            return block_stats_impl<T>(csr_view(data, ind, ptr, nc), w, c, py::none(),
                                       nt, labels);
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"),
        py::arg("sample_weight").noconvert(), py::arg("centers").noconvert(),
        py::arg("n_threads"), py::arg("labels") = none);
    m.def(
        "kmeans_farthest",
        [](const A &X, const A &w, const A &c, const carray<std::int32_t> &labels,
           i64 m_, i64 offset, int nt) {
            return farthest_impl<T>(dense_view(X), w, c, labels, m_, offset, nt);
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
        py::arg("centers").noconvert(), py::arg("labels").noconvert(), py::arg("m"),
        py::arg("offset"), py::arg("n_threads"),
        "The m samples farthest from their centres, candidates for empty clusters: "
        "(squared distances, indices + offset, labels, weights, rows).");
    m.def(
        "lloyd_update",
        [](const D &sums, const D &weights, const A &c, const py::object &cand) {
            return update_impl<T>(sums, weights, c, cand);
        },
        py::arg("sums").noconvert(), py::arg("weights").noconvert(),
        py::arg("centers").noconvert(), py::arg("candidates") = none,
        "The Lloyd update from summed block statistics, as the in-memory fit makes "
        "it: (centers, total squared shift, clusters relocated).");
    m.def(
        "kmeans_plusplus",
        [](const A &X, const A &w, const D &xsq, const py::object &origin, i64 k,
           i64 first, const D &u, i64 trials, int nt) {
            return plusplus_impl<T>(dense_view(X), w, xsq, origin, k, first, u, trials,
                                    nt);
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
        py::arg("x_squared_norms").noconvert(), py::arg("origin"),
        py::arg("n_clusters"), py::arg("first"), py::arg("uniforms").noconvert(),
        py::arg("n_local_trials"), py::arg("n_threads"),
        "Greedy k-means++ driven by the given random draws: (centers, indices). "
        "x_squared_norms are ||x - origin||^2.");
    m.def(
        "kmeans_plusplus_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, const A &w, const D &xsq,
           i64 k, i64 first, const D &u, i64 trials, int nt) {
            return plusplus_impl<T>(csr_view(data, ind, ptr, nc), w, xsq, py::none(), k,
                                    first, u, trials, nt);
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"),
        py::arg("sample_weight").noconvert(), py::arg("x_squared_norms").noconvert(),
        py::arg("n_clusters"), py::arg("first"), py::arg("uniforms").noconvert(),
        py::arg("n_local_trials"), py::arg("n_threads"));
    m.def(
        "distances",
        [](const A &X, const A &c, bool squared, int nt) {
            return distances_impl<T>(dense_view(X), c, squared, nt);
        },
        py::arg("X").noconvert(), py::arg("centers").noconvert(), py::arg("squared"),
        py::arg("n_threads"),
        "Euclidean distances of every row to every centre, from the differences in "
        "double.");
    m.def(
        "distances_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, const A &c, bool squared,
           int nt) {
            return distances_impl<T>(csr_view(data, ind, ptr, nc), c, squared, nt);
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"),
        py::arg("centers").noconvert(), py::arg("squared"), py::arg("n_threads"));
    m.def(
        "row_norms",
        [](const A &X, const py::object &origin, int nt) {
            return row_norms_impl(dense_view(X), origin, nt);
        },
        py::arg("X").noconvert(), py::arg("origin"), py::arg("n_threads"),
        "||x - origin||^2 of every row, in double.");
    m.def(
        "row_norms_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, int nt) {
            return row_norms_impl(csr_view(data, ind, ptr, nc), py::none(), nt);
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"), py::arg("n_threads"));
    m.def(
        "column_mean_var",
        [](const A &X, bool want_var, int nt) {
            return mean_var_impl<T>(X, want_var, nt);
        },
        py::arg("X").noconvert(), py::arg("want_var"), py::arg("n_threads"),
        "Column means and population variances (None unless want_var), in double.");
}

} // namespace

void register_kmeans(py::module_ &m) {
    register_dtype<float>(m);
    register_dtype<double>(m);
}

} // namespace cc
