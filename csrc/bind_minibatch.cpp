// bind_minibatch.cpp - Python bindings of mini-batch k-means (minibatch.hpp), float and
// double.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "bind_common.hpp"
#include "minibatch.hpp"

namespace cc {
namespace {

template <typename T>
void check_centers(const carray<T> &c, i64 d, const carray<double> &counts) {
    if (c.ndim() != 2 || static_cast<i64>(c.shape(1)) != d || c.shape(0) < 1)
        throw std::invalid_argument("centers have the wrong shape");
    check_vector(counts, static_cast<i64>(c.shape(0)), "counts");
}

const double *origin_or_null(const py::object &origin, i64 d) {
    if (origin.is_none())
        return nullptr;
    auto arr = origin.cast<carray<double>>();
    check_vector(arr, d, "origin");
    return arr.data();
}

// The fit loop from centres_init; on_step(step, inertia, ewa, n_reassigned,
// converged) runs on every step when given, and Ctrl-C is checked every 16 steps.
template <typename T, class View>
py::tuple fit_impl(const View &X, const carray<T> &w, const carray<T> &centers_init,
                   i64 batch, i64 n_steps, double tol, i64 max_no_improvement,
                   double ratio, std::uint64_t seed, const py::object &origin,
                   int n_threads, py::object on_step) {
    const i64 k = static_cast<i64>(centers_init.shape(0));
    carray<double> counts(k);
    std::fill(counts.mutable_data(), counts.mutable_data() + k, 0.0);
    check_centers(centers_init, X.d, counts);
    check_vector(w, X.n, "sample_weight");
    if (batch < 1 || batch > X.n || n_steps < 1)
        throw std::invalid_argument("batch must be in [1, n] and n_steps >= 1");
    carray<T> centers({k, X.d});
    std::copy(centers_init.data(), centers_init.data() + k * X.d,
              centers.mutable_data());
    MiniBatchParams p;
    p.batch = batch;
    p.n_steps = n_steps;
    p.tol = tol;
    p.max_no_improvement = max_no_improvement;
    p.reassignment_ratio = ratio;
    p.seed = seed;
    p.origin = origin_or_null(origin, X.d);
    p.n_threads = n_threads;
    const i64 every = on_step.is_none() ? 16 : 1;
    Interrupter check(std::move(on_step));
    MiniBatchResult r;
    {
        py::gil_scoped_release nogil;
        r = minibatch_fit(X, w.data(), centers.mutable_data(), counts.mutable_data(), k,
                          p, every, [&](const MiniBatchStepInfo &s) {
                              return check(s.step, s.inertia, s.ewa, s.n_reassigned,
                                           s.converged);
                          });
    }
    Interrupter::raise_if_stopped(r.stopped);
    return py::make_tuple(centers, counts, r.n_steps, r.ewa, r.first_inertia,
                          r.n_since_reassign);
}

// One step on a caller's batch (partial_fit): centres and counts updated in place.
template <typename T, class View>
py::tuple step_impl(const View &X, const carray<T> &w, carray<T> &centers,
                    carray<double> &counts, bool reassign, double ratio,
                    std::uint64_t seed, const py::object &origin, int n_threads) {
    check_centers(centers, X.d, counts);
    check_vector(w, X.n, "sample_weight");
    if (!centers.writeable() || !counts.writeable())
        throw std::invalid_argument("centers and counts must be writeable");
    const i64 k = static_cast<i64>(centers.shape(0));
    const double *o = origin_or_null(origin, X.d);
    Rng rng(seed);
    StepScratch<T> sc;
    StepResult r;
    {
        py::gil_scoped_release nogil;
        r = minibatch_step(X, w.data(), centers.mutable_data(), counts.mutable_data(),
                           k, o, reassign, ratio, false, rng, n_threads, sc);
    }
    return py::make_tuple(r.inertia, r.n_reassigned);
}

template <typename T> void register_dtype(py::module_ &m) {
    using A = carray<T>;
    using I = carray<std::int32_t>;
    using D = carray<double>;
    const py::none none;
    m.def(
        "minibatch_fit",
        [](const A &X, const A &w, const A &c, i64 batch, i64 n_steps, double tol,
           i64 mni, double ratio, std::uint64_t seed, const py::object &origin, int nt,
           py::object cb) {
            return fit_impl<T>(dense_view(X), w, c, batch, n_steps, tol, mni, ratio,
                               seed, origin, nt, std::move(cb));
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
        py::arg("centers").noconvert(), py::arg("batch_size"), py::arg("n_steps"),
        py::arg("tol"), py::arg("max_no_improvement"), py::arg("reassignment_ratio"),
        py::arg("seed"), py::arg("origin"), py::arg("n_threads"),
        py::arg("on_step") = none,
        "scikit-learn's MiniBatchKMeans.fit loop from the given centres, batches drawn "
        "with probability proportional to sample_weight. max_no_improvement < 0: "
        "never. Returns (centers, counts, n_steps, ewa_inertia, first_inertia, "
        "n_since_last_reassign).");
    m.def(
        "minibatch_fit_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, const A &w, const A &c,
           i64 batch, i64 n_steps, double tol, i64 mni, double ratio,
           std::uint64_t seed, int nt, py::object cb) {
            return fit_impl<T>(csr_view(data, ind, ptr, nc), w, c, batch, n_steps, tol,
                               mni, ratio, seed, py::none(), nt, std::move(cb));
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"),
        py::arg("sample_weight").noconvert(), py::arg("centers").noconvert(),
        py::arg("batch_size"), py::arg("n_steps"), py::arg("tol"),
        py::arg("max_no_improvement"), py::arg("reassignment_ratio"), py::arg("seed"),
        py::arg("n_threads"), py::arg("on_step") = none);
    m.def(
        "minibatch_step",
        [](const A &X, const A &w, A &c, D &counts, bool reassign, double ratio,
           std::uint64_t seed, const py::object &origin, int nt) {
            return step_impl<T>(dense_view(X), w, c, counts, reassign, ratio, seed,
                                origin, nt);
        },
        py::arg("X").noconvert(), py::arg("sample_weight").noconvert(),
        py::arg("centers").noconvert(), py::arg("counts").noconvert(),
        py::arg("reassign"), py::arg("reassignment_ratio"), py::arg("seed"),
        py::arg("origin"), py::arg("n_threads"),
        "One mini-batch step on the rows of X, updating centers and counts in place. "
        "Returns (batch_inertia, n_reassigned).");
    m.def(
        "minibatch_step_csr",
        [](const A &data, const I &ind, const I &ptr, i64 nc, const A &w, A &c,
           D &counts, bool reassign, double ratio, std::uint64_t seed, int nt) {
            return step_impl<T>(csr_view(data, ind, ptr, nc), w, c, counts, reassign,
                                ratio, seed, py::none(), nt);
        },
        py::arg("data").noconvert(), py::arg("indices").noconvert(),
        py::arg("indptr").noconvert(), py::arg("n_cols"),
        py::arg("sample_weight").noconvert(), py::arg("centers").noconvert(),
        py::arg("counts").noconvert(), py::arg("reassign"),
        py::arg("reassignment_ratio"), py::arg("seed"), py::arg("n_threads"));
}

} // namespace

void register_minibatch(py::module_ &m) {
    register_dtype<float>(m);
    register_dtype<double>(m);
}

} // namespace cc
