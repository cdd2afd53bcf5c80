// bind_gmm.cpp - Python bindings of the Gaussian-mixture engine (gmm.hpp), for float
// and double samples; parameters are always float64 arrays.
#include <cstdint>
#include <string>
#include <vector>

#include "bgm.hpp"
#include "bind_common.hpp"
#include "gmm.hpp"

namespace cc {
namespace {

CovType cov_type(const std::string &name) {
    if (name == "full")
        return CovType::full;
    if (name == "tied")
        return CovType::tied;
    if (name == "diag")
        return CovType::diag;
    if (name == "spherical")
        return CovType::spherical;
    throw std::invalid_argument("unknown covariance type '" + name + "'");
}

std::vector<py::ssize_t> cov_shape(CovType t, i64 k, i64 d) {
    switch (t) {
    case CovType::full:
        return {k, d, d};
    case CovType::tied:
        return {d, d};
    case CovType::diag:
        return {k, d};
    default:
        return {k};
    }
}

template <typename T> std::vector<double> copy_of(const carray<T> &a) {
    return std::vector<double>(a.data(), a.data() + a.size());
}

GmmModel model_from(const std::string &type, const carray<double> &weights,
                    const carray<double> &means, const carray<double> &prec_chol) {
    GmmModel m;
    m.type = cov_type(type);
    if (means.ndim() != 2 || means.shape(0) < 1 || means.shape(1) < 1)
        throw std::invalid_argument("means must be a non-empty 2-D array");
    m.k = static_cast<i64>(means.shape(0));
    m.d = static_cast<i64>(means.shape(1));
    check_vector(weights, m.k, "weights");
    if (static_cast<i64>(prec_chol.size()) != gmm_cov_size(m.type, m.k, m.d))
        throw std::invalid_argument("precisions_cholesky has the wrong size");
    m.weights = copy_of(weights);
    m.means = copy_of(means);
    m.prec_chol = copy_of(prec_chol);
    return m;
}

template <typename T>
GmmData<T> data_from(const carray<T> &X, const py::object &w, i64 d_expected,
                     carray<double> &keep) {
    const Dense<T> v = dense_view(X);
    if (d_expected >= 0 && v.d != d_expected)
        throw std::invalid_argument("X has the wrong number of features");
    const double *wp = nullptr;
    if (!w.is_none()) {
        keep = w.cast<carray<double>>();
        check_vector(keep, v.n, "sample_weight");
        wp = keep.data();
    }
    return GmmData<T>{v.data, v.n, v.d, wp};
}

py::tuple model_arrays(const GmmModel &m) {
    carray<double> weights(m.k), means({m.k, m.d});
    carray<double> cov(cov_shape(m.type, m.k, m.d)), chol(cov_shape(m.type, m.k, m.d));
    std::copy(m.weights.begin(), m.weights.end(), weights.mutable_data());
    std::copy(m.means.begin(), m.means.end(), means.mutable_data());
    std::copy(m.covariances.begin(), m.covariances.end(), cov.mutable_data());
    std::copy(m.prec_chol.begin(), m.prec_chol.end(), chol.mutable_data());
    return py::make_tuple(weights, means, cov, chol);
}

py::tuple stats_arrays(const GmmStats &s) {
    const i64 stride = gmm_stat_stride(s.type, s.d);
    carray<double> acc({s.k, stride});
    std::copy(s.acc.begin(), s.acc.end(), acc.mutable_data());
    return py::make_tuple(acc, s.log_lik, s.weight);
}

template <typename T>
py::tuple em_impl(const carray<T> &X, const py::object &w, const std::string &type,
                  const carray<double> &weights, const carray<double> &means,
                  const carray<double> &prec_chol, i64 max_iter, double tol,
                  double reg_covar, double lower_bound, int n_threads,
                  py::object on_iter) {
    GmmModel m = model_from(type, weights, means, prec_chol);
    carray<double> keep;
    const GmmData<T> data = data_from(X, w, m.d, keep);
    Interrupter check(std::move(on_iter));
    GmmEmResult r;
    {
        py::gil_scoped_release nogil; // Python is reached only through `check`
        GmmMaximumLikelihood policy{reg_covar};
        r = gmm_em(
            data, m, policy, max_iter, tol, lower_bound, n_threads,
            [&](i64 it, double bound, double change) {
                return check(it, bound, change);
            },
            [&] { return check.signals_only(); });
    }
    Interrupter::raise_if_stopped(r.stopped);
    py::list bounds;
    for (double b : r.lower_bounds)
        bounds.append(b);
    return py::make_tuple(model_arrays(m), r.n_iter, r.converged, bounds);
}

template <typename T>
py::tuple score_impl(const carray<T> &X, const std::string &type,
                     const carray<double> &weights, const carray<double> &means,
                     const carray<double> &prec_chol, bool want_resp, int n_threads) {
    const GmmModel m = model_from(type, weights, means, prec_chol);
    carray<double> keep;
    const GmmData<T> data = data_from(X, py::none(), m.d, keep);
    carray<double> lse(data.n);
    carray<std::int64_t> labels(data.n);
    py::object resp = py::none();
    double *rp = nullptr;
    if (want_resp) {
        carray<double> r({data.n, m.k});
        rp = r.mutable_data();
        resp = r;
    }
    Interrupter check;
    bool done;
    {
        py::gil_scoped_release nogil;
        done = gmm_score(data, m, gmm_constants(m, true), n_threads, lse.mutable_data(),
                         labels.mutable_data(), rp, [&] { return check(); });
    }
    Interrupter::raise_if_stopped(!done);
    return py::make_tuple(lse, labels, resp);
}

template <typename T>
py::tuple estep_stats_impl(const carray<T> &X, const py::object &w,
                           const std::string &type, const carray<double> &weights,
                           const carray<double> &means, const carray<double> &prec_chol,
                           int n_threads) {
    const GmmModel m = model_from(type, weights, means, prec_chol);
    carray<double> keep;
    const GmmData<T> data = data_from(X, w, m.d, keep);
    GmmStats s;
    Interrupter check;
    bool done;
    {
        py::gil_scoped_release nogil;
        done = gmm_estep_stats(data, m, n_threads, s, [&] { return check(); });
    }
    Interrupter::raise_if_stopped(!done);
    return stats_arrays(s);
}

template <typename T>
py::tuple resp_stats_impl(const carray<T> &X, const py::object &w,
                          const py::object &labels, const py::object &resp,
                          const carray<double> &shift, const std::string &type,
                          int n_threads) {
    if (shift.ndim() != 2)
        throw std::invalid_argument("shift must be 2-D");
    const i64 k = static_cast<i64>(shift.shape(0));
    carray<double> keep;
    const GmmData<T> data = data_from(X, w, static_cast<i64>(shift.shape(1)), keep);
    carray<std::int64_t> lab;
    carray<double> r;
    const std::int64_t *lp = nullptr;
    const double *rp = nullptr;
    if (!labels.is_none()) {
        lab = labels.cast<carray<std::int64_t>>();
        check_vector(lab, data.n, "labels");
        lp = lab.data();
    } else {
        r = resp.cast<carray<double>>();
        if (r.ndim() != 2 || static_cast<i64>(r.shape(0)) != data.n ||
            static_cast<i64>(r.shape(1)) != k)
            throw std::invalid_argument("resp must be n_samples x n_components");
        rp = r.data();
    }
    GmmStats s;
    {
        py::gil_scoped_release nogil;
        gmm_resp_stats(data, lp, rp, shift.data(), k, cov_type(type), n_threads, s);
    }
    return stats_arrays(s);
}

py::tuple mstep_impl(const carray<double> &acc, const carray<double> &shift,
                     const std::string &type, double reg_covar, double weight_total) {
    const CovType t = cov_type(type);
    if (shift.ndim() != 2 || acc.ndim() != 2 || acc.shape(0) != shift.shape(0))
        throw std::invalid_argument("statistics and shift do not match");
    GmmStats s(static_cast<i64>(shift.shape(0)), static_cast<i64>(shift.shape(1)), t);
    if (static_cast<i64>(acc.shape(1)) != gmm_stat_stride(t, s.d))
        throw std::invalid_argument("statistics have the wrong width");
    std::copy(acc.data(), acc.data() + acc.size(), s.acc.begin());
    GmmModel m;
    gmm_mstep(s, shift.data(), reg_covar, weight_total, m);
    return model_arrays(m);
}

// ---------------------------------------------------------------- variational

carray<double> vec(const std::vector<double> &v) {
    carray<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

// (dirichlet_process, weight_concentration, mean_precision, mean, degrees_of_freedom,
// covariance) as scikit-learn's fitted *_prior_ attributes.
BgmPriors priors_from(const py::tuple &t, CovType type, i64 d) {
    if (t.size() != 6)
        throw std::invalid_argument("priors must have 6 entries");
    BgmPriors p;
    p.dirichlet_process = t[0].cast<bool>();
    p.weight_concentration = t[1].cast<double>();
    p.mean_precision = t[2].cast<double>();
    p.mean = copy_of(t[3].cast<carray<double>>());
    p.degrees_of_freedom = t[4].cast<double>();
    p.covariance = copy_of(t[5].cast<carray<double>>());
    const i64 want = type == CovType::full || type == CovType::tied ? d * d
                     : type == CovType::diag                        ? d
                                                                    : 1;
    if (static_cast<i64>(p.mean.size()) != d ||
        static_cast<i64>(p.covariance.size()) != want)
        throw std::invalid_argument("priors have the wrong shapes");
    return p;
}

// (concentration_a, concentration_b, mean_precision, degrees_of_freedom)
BgmPosterior posterior_from(const py::tuple &t, CovType type, i64 k) {
    if (t.size() != 4)
        throw std::invalid_argument("posterior must have 4 entries");
    BgmPosterior q;
    q.concentration_a = copy_of(t[0].cast<carray<double>>());
    q.concentration_b = copy_of(t[1].cast<carray<double>>());
    q.mean_precision = copy_of(t[2].cast<carray<double>>());
    q.dof = copy_of(t[3].cast<carray<double>>());
    const size_t n_dof = type == CovType::tied ? 1 : static_cast<size_t>(k);
    if (q.concentration_a.size() != static_cast<size_t>(k) ||
        q.concentration_b.size() != static_cast<size_t>(k) ||
        q.mean_precision.size() != static_cast<size_t>(k) || q.dof.size() != n_dof)
        throw std::invalid_argument("posterior has the wrong shapes");
    return q;
}

py::tuple posterior_arrays(const BgmPosterior &q) {
    return py::make_tuple(vec(q.concentration_a), vec(q.concentration_b),
                          vec(q.mean_precision), vec(q.dof));
}

py::tuple moments_impl(const carray<double> &acc, const carray<double> &shift,
                       const std::string &type, double reg_covar) {
    const CovType t = cov_type(type);
    if (shift.ndim() != 2 || acc.ndim() != 2 || acc.shape(0) != shift.shape(0))
        throw std::invalid_argument("statistics and shift do not match");
    GmmStats s(static_cast<i64>(shift.shape(0)), static_cast<i64>(shift.shape(1)), t);
    if (static_cast<i64>(acc.shape(1)) != gmm_stat_stride(t, s.d))
        throw std::invalid_argument("statistics have the wrong width");
    std::copy(acc.data(), acc.data() + acc.size(), s.acc.begin());
    GmmModel m;
    gmm_moments(s, shift.data(), reg_covar, m);
    carray<double> cov(cov_shape(t, m.k, m.d)), means({m.k, m.d});
    std::copy(m.covariances.begin(), m.covariances.end(), cov.mutable_data());
    std::copy(m.means.begin(), m.means.end(), means.mutable_data());
    return py::make_tuple(vec(m.weights), means, cov);
}

py::tuple bgm_posterior_impl(const carray<double> &nk, const carray<double> &means,
                             const carray<double> &covariances, const std::string &type,
                             const py::tuple &priors) {
    GmmModel mom;
    mom.type = cov_type(type);
    if (means.ndim() != 2)
        throw std::invalid_argument("means must be 2-D");
    mom.k = static_cast<i64>(means.shape(0));
    mom.d = static_cast<i64>(means.shape(1));
    check_vector(nk, mom.k, "nk");
    if (static_cast<i64>(covariances.size()) != gmm_cov_size(mom.type, mom.k, mom.d))
        throw std::invalid_argument("covariances have the wrong size");
    mom.weights = copy_of(nk);
    mom.means = copy_of(means);
    mom.covariances = copy_of(covariances);
    BgmPosterior post;
    BgmVariational v(priors_from(priors, mom.type, mom.d), 0.0, post);
    GmmModel m;
    v.from_moments(mom, m);
    return py::make_tuple(posterior_arrays(post), model_arrays(m));
}

GmmModel bgm_model(const std::string &type, const carray<double> &means,
                   const carray<double> &prec_chol, const py::tuple &priors,
                   const py::tuple &posterior, BgmPriors &pr, BgmPosterior &post) {
    carray<double> ones(means.ndim() == 2 ? means.shape(0) : 0);
    std::fill(ones.mutable_data(), ones.mutable_data() + ones.size(), 1.0);
    GmmModel m = model_from(type, ones, means, prec_chol);
    pr = priors_from(priors, m.type, m.d);
    post = posterior_from(posterior, m.type, m.k);
    return m;
}

template <typename T>
py::tuple bgm_em_impl(const carray<T> &X, const py::object &w, const std::string &type,
                      const py::tuple &priors, const py::tuple &posterior,
                      const carray<double> &means, const carray<double> &prec_chol,
                      i64 max_iter, double tol, double reg_covar, double lower_bound,
                      int n_threads, py::object on_iter) {
    BgmPriors pr;
    BgmPosterior post;
    GmmModel m = bgm_model(type, means, prec_chol, priors, posterior, pr, post);
    carray<double> keep;
    const GmmData<T> data = data_from(X, w, m.d, keep);
    Interrupter check(std::move(on_iter));
    GmmEmResult r;
    {
        py::gil_scoped_release nogil; // Python is reached only through `check`
        BgmVariational policy(pr, reg_covar, post);
        r = gmm_em(
            data, m, policy, max_iter, tol, lower_bound, n_threads,
            [&](i64 it, double bound, double change) {
                return check(it, bound, change);
            },
            [&] { return check.signals_only(); });
    }
    Interrupter::raise_if_stopped(r.stopped);
    py::list bounds;
    for (double b : r.lower_bounds)
        bounds.append(b);
    return py::make_tuple(posterior_arrays(post), model_arrays(m), r.n_iter,
                          r.converged, bounds);
}

template <typename T>
py::tuple bgm_score_impl(const carray<T> &X, const std::string &type,
                         const py::tuple &priors, const py::tuple &posterior,
                         const carray<double> &means, const carray<double> &prec_chol,
                         bool want_resp, int n_threads) {
    BgmPriors pr;
    BgmPosterior post;
    const GmmModel m = bgm_model(type, means, prec_chol, priors, posterior, pr, post);
    const BgmVariational v(pr, 0.0, post);
    carray<double> keep;
    const GmmData<T> data = data_from(X, py::none(), m.d, keep);
    carray<double> lse(data.n);
    carray<std::int64_t> labels(data.n);
    py::object resp = py::none();
    double *rp = nullptr;
    if (want_resp) {
        carray<double> r({data.n, m.k});
        rp = r.mutable_data();
        resp = r;
    }
    Interrupter check;
    bool done;
    {
        py::gil_scoped_release nogil;
        done = gmm_score(data, m, v.constants(m), n_threads, lse.mutable_data(),
                         labels.mutable_data(), rp, [&] { return check(); });
    }
    Interrupter::raise_if_stopped(!done);
    return py::make_tuple(lse, labels, resp);
}

template <typename T> void register_dtype(py::module_ &m) {
    m.def("gmm_em", &em_impl<T>, py::arg("X").noconvert(), py::arg("sample_weight"),
          py::arg("covariance_type"), py::arg("weights").noconvert(),
          py::arg("means").noconvert(), py::arg("precisions_cholesky").noconvert(),
          py::arg("max_iter"), py::arg("tol"), py::arg("reg_covar"),
          py::arg("lower_bound"), py::arg("n_threads"), py::arg("on_iter"),
          "EM iterations: ((weights, means, covariances, precisions_cholesky), "
          "n_iter, converged, lower_bounds).");
    m.def("gmm_score", &score_impl<T>, py::arg("X").noconvert(),
          py::arg("covariance_type"), py::arg("weights").noconvert(),
          py::arg("means").noconvert(), py::arg("precisions_cholesky").noconvert(),
          py::arg("want_resp"), py::arg("n_threads"),
          "Per sample: (log p(x), most probable component, responsibilities or "
          "None).");
    m.def("gmm_estep_stats", &estep_stats_impl<T>, py::arg("X").noconvert(),
          py::arg("sample_weight"), py::arg("covariance_type"),
          py::arg("weights").noconvert(), py::arg("means").noconvert(),
          py::arg("precisions_cholesky").noconvert(), py::arg("n_threads"),
          "One E-step and the M-step's statistics relative to the means: (stats "
          "(k x (1 + d + s2)), sum of w log p(x), sum of w).");
    m.def("gmm_resp_stats", &resp_stats_impl<T>, py::arg("X").noconvert(),
          py::arg("sample_weight"), py::arg("labels"), py::arg("resp"),
          py::arg("shift").noconvert(), py::arg("covariance_type"),
          py::arg("n_threads"),
          "Statistics relative to shift from one-hot labels or a dense resp.");
    m.def("bgm_em", &bgm_em_impl<T>, py::arg("X").noconvert(), py::arg("sample_weight"),
          py::arg("covariance_type"), py::arg("priors"), py::arg("posterior"),
          py::arg("means").noconvert(), py::arg("precisions_cholesky").noconvert(),
          py::arg("max_iter"), py::arg("tol"), py::arg("reg_covar"),
          py::arg("lower_bound"), py::arg("n_threads"), py::arg("on_iter"),
          "Variational EM iterations: (posterior, (weights, means, covariances, "
          "precisions_cholesky), n_iter, converged, lower_bounds).");
    m.def("bgm_score", &bgm_score_impl<T>, py::arg("X").noconvert(),
          py::arg("covariance_type"), py::arg("priors"), py::arg("posterior"),
          py::arg("means").noconvert(), py::arg("precisions_cholesky").noconvert(),
          py::arg("want_resp"), py::arg("n_threads"),
          "Per sample under the variational posterior: (log-sum-exp of the weighted "
          "log-probabilities, most probable component, responsibilities or None).");
}

} // namespace

void register_gmm(py::module_ &m) {
    // a ValueError subclass; the Python layer words scikit-learn's message
    py::register_exception<GmmIllDefined>(m, "IllDefinedCovariance", PyExc_ValueError);
    register_dtype<float>(m);
    register_dtype<double>(m);
    m.def("gmm_mstep", &mstep_impl, py::arg("stats").noconvert(),
          py::arg("shift").noconvert(), py::arg("covariance_type"),
          py::arg("reg_covar"), py::arg("weight_total"),
          "M-step from statistics relative to shift: (weights, means, covariances, "
          "precisions_cholesky).");
    m.def("gmm_moments", &moments_impl, py::arg("stats").noconvert(),
          py::arg("shift").noconvert(), py::arg("covariance_type"),
          py::arg("reg_covar"),
          "scikit-learn's _estimate_gaussian_parameters from statistics relative to "
          "shift: (nk + 10 eps, means, covariances with reg_covar).");
    m.def("bgm_posterior", &bgm_posterior_impl, py::arg("nk").noconvert(),
          py::arg("means").noconvert(), py::arg("covariances").noconvert(),
          py::arg("covariance_type"), py::arg("priors"),
          "The variational posterior from Gaussian moments: ((concentration_a, "
          "concentration_b, mean_precision, degrees_of_freedom), (weights, means, "
          "covariances, precisions_cholesky)).");
}

} // namespace cc
