// bgm.hpp - variational Bayesian Gaussian mixtures (Python-free), on the EM loop and
// tile kernels of gmm.hpp.
//
// scikit-learn 1.9.1's BayesianGaussianMixture, step for step. The posterior is a
// Dirichlet (or a stick-breaking Dirichlet process) over the weights, a Gaussian over
// each mean (precision beta_c times the component's) and a Wishart over each precision
// (nu_c degrees of freedom). Only the E-step constants differ from maximum likelihood:
//     cst_c = E[log pi_c] + log det U_c - d/2 log(2 pi) - d/2 log nu_c
//             + 1/2 (d log 2 + sum_i psi((nu_c - i) / 2) - d / beta_c),
// with U_c the Cholesky factor of (covariance_c)^-1 as for maximum likelihood, so the
// same tile kernel runs. The M-step is the maximum-likelihood moments plus the priors.
// The lower bound needs sum_n w_n sum_c r log r, which follows from the E-step's
// statistics without a second pass:
//     sum_c r_c log r_c = sum_c r_c (cst_c - maha_c / 2) - lse,
//     sum_n w_n r_nc maha_nc = trace(P_c S2_c)
// where S2_c are the second moments about the E-step's means.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <vector>

#include "gmm.hpp"

namespace cc {

// psi(x), x > 0: the recurrence up to x >= 6, then the asymptotic series (relative
// error below 1e-15).
inline double digamma(double x) {
    double acc = 0;
    while (x < 6) {
        acc -= 1 / x;
        x += 1;
    }
    const double f = 1 / (x * x);
    const double series =
        f * (-1.0 / 12 +
             f * (1.0 / 120 +
                  f * (-1.0 / 252 +
                       f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760))))));
    return acc + std::log(x) - 0.5 / x + series;
}

struct BgmPriors {
    bool dirichlet_process = true; // else a Dirichlet distribution over the weights
    double weight_concentration = 1;
    double mean_precision = 1;
    std::vector<double> mean;       // d
    double degrees_of_freedom = 1;  // > d - 1
    std::vector<double> covariance; // full, tied: d x d; diag: d; spherical: 1
};

// The variational posterior beyond the GmmModel (whose means, covariances and
// prec_chol are the posterior's; its weights are E[pi]).
struct BgmPosterior {
    std::vector<double> concentration_a; // k: Dirichlet, or the sticks' 1 + nk
    std::vector<double> concentration_b; // k: the sticks' alpha + later nk (process)
    std::vector<double> mean_precision;  // k
    std::vector<double> dof;             // k (tied: 1)
};

class BgmVariational {
  public:
    BgmVariational(BgmPriors priors, double reg_covar, BgmPosterior &post)
        : pr_(std::move(priors)), reg_covar_(reg_covar), post_(post) {}

    // E[log pi_c] + the Wishart's expected terms, for the tile kernel.
    std::vector<double> constants(const GmmModel &m) const {
        std::vector<double> cst = gmm_constants(m, false);
        const std::vector<double> lw = expected_log_weights();
        const double d = static_cast<double>(m.d);
        for (std::int64_t c = 0; c < m.k; ++c) {
            const double nu = dof(c),
                         beta = post_.mean_precision[static_cast<size_t>(c)];
            double log_lambda = d * std::log(2.0);
            for (std::int64_t i = 0; i < m.d; ++i)
                log_lambda += digamma(0.5 * (nu - static_cast<double>(i)));
            cst[static_cast<size_t>(c)] += lw[static_cast<size_t>(c)] -
                                           0.5 * d * std::log(nu) +
                                           0.5 * (log_lambda - d / beta);
        }
        return cst;
    }

    // The M-step from the E-step's statistics; returns the lower bound of the new
    // posterior with the E-step's responsibilities (scikit-learn's order).
    double update(const GmmStats &st, const std::vector<double> &cst,
                  const double *shift, GmmModel &m) {
        const double neg_entropy = sum_r_log_r(st, cst, m);
        mstep(st, shift, m);
        return -neg_entropy - log_wishart_norms(m) - log_weight_norm() -
               0.5 * static_cast<double>(m.d) * sum_log(post_.mean_precision);
    }

    // The posterior from statistics (relative to shift). Throws GmmIllDefined.
    void mstep(const GmmStats &st, const double *shift, GmmModel &m) {
        GmmModel mom;
        gmm_moments(st, shift, reg_covar_, mom);
        from_moments(mom, m);
    }

    // The posterior from scikit-learn's _estimate_gaussian_parameters (mom.weights:
    // nk + 10 eps, mom.means, mom.covariances with reg_covar): its _estimate_weights,
    // _estimate_means and _estimate_precisions. Throws GmmIllDefined.
    void from_moments(const GmmModel &mom, GmmModel &m) {
        using i64 = std::int64_t;
        const i64 k = mom.k, d = mom.d;
        const std::vector<double> &nk = mom.weights;
        m.k = k;
        m.d = d;
        m.type = mom.type;
        post_.concentration_a.assign(static_cast<size_t>(k), 0.0);
        post_.concentration_b.assign(static_cast<size_t>(k), 0.0);
        if (pr_.dirichlet_process) {
            double later = 0; // sum of nk after c
            for (i64 c = k - 1; c >= 0; --c) {
                post_.concentration_a[static_cast<size_t>(c)] =
                    1.0 + nk[static_cast<size_t>(c)];
                post_.concentration_b[static_cast<size_t>(c)] =
                    pr_.weight_concentration + later;
                later += nk[static_cast<size_t>(c)];
            }
        } else {
            for (i64 c = 0; c < k; ++c)
                post_.concentration_a[static_cast<size_t>(c)] =
                    pr_.weight_concentration + nk[static_cast<size_t>(c)];
        }
        post_.mean_precision.resize(static_cast<size_t>(k));
        m.means.assign(static_cast<size_t>(k * d), 0.0);
        for (i64 c = 0; c < k; ++c) {
            const double n = nk[static_cast<size_t>(c)];
            const double beta = pr_.mean_precision + n;
            post_.mean_precision[static_cast<size_t>(c)] = beta;
            for (i64 j = 0; j < d; ++j)
                m.means[static_cast<size_t>(c * d + j)] =
                    (pr_.mean_precision * pr_.mean[static_cast<size_t>(j)] +
                     n * mom.means[static_cast<size_t>(c * d + j)]) /
                    beta;
        }
        wishart(nk, mom, m);
        m.weights = weights();
        gmm_precision_cholesky(m);
    }

    // E[pi] as scikit-learn reports weights_.
    std::vector<double> weights() const {
        const size_t k = post_.concentration_a.size();
        std::vector<double> w(k);
        double total = 0;
        if (pr_.dirichlet_process) {
            double stick = 1; // prod of (b / (a + b)) of the earlier sticks
            for (size_t c = 0; c < k; ++c) {
                const double a = post_.concentration_a[c], b = post_.concentration_b[c];
                w[c] = a / (a + b) * stick;
                stick *= b / (a + b);
                total += w[c];
            }
        } else {
            for (size_t c = 0; c < k; ++c)
                total += w[c] = post_.concentration_a[c];
        }
        for (double &v : w)
            v /= total;
        return w;
    }

  private:
    double dof(std::int64_t c) const {
        return post_.dof.size() == 1 ? post_.dof[0] : post_.dof[static_cast<size_t>(c)];
    }

    static double sum_log(const std::vector<double> &v) {
        double s = 0;
        for (double x : v)
            s += std::log(x);
        return s;
    }

    std::vector<double> expected_log_weights() const {
        const size_t k = post_.concentration_a.size();
        std::vector<double> out(k);
        if (pr_.dirichlet_process) {
            double earlier = 0; // sum of psi(b) - psi(a + b) over the earlier sticks
            for (size_t c = 0; c < k; ++c) {
                const double a = post_.concentration_a[c], b = post_.concentration_b[c];
                const double psi_sum = digamma(a + b);
                out[c] = digamma(a) - psi_sum + earlier;
                earlier += digamma(b) - psi_sum;
            }
        } else {
            double total = 0;
            for (double a : post_.concentration_a)
                total += a;
            const double psi_total = digamma(total);
            for (size_t c = 0; c < k; ++c)
                out[c] = digamma(post_.concentration_a[c]) - psi_total;
        }
        return out;
    }

    // The Wishart posterior: dof and covariances (the scale matrix over dof).
    void wishart(const std::vector<double> &nk, const GmmModel &mom, GmmModel &m) {
        using i64 = std::int64_t;
        const i64 k = mom.k, d = mom.d;
        const double b0 = pr_.mean_precision, nu0 = pr_.degrees_of_freedom;
        const double *m0 = pr_.mean.data();
        m.covariances.assign(static_cast<size_t>(gmm_cov_size(mom.type, k, d)), 0.0);
        std::vector<double> diff(static_cast<size_t>(d));
        auto diff_of = [&](i64 c) {
            for (i64 j = 0; j < d; ++j)
                diff[static_cast<size_t>(j)] =
                    mom.means[static_cast<size_t>(c * d + j)] - m0[j];
        };
        const double *psi0 = pr_.covariance.data();
        if (mom.type == CovType::tied) {
            double nk_sum = 0;
            for (double v : nk)
                nk_sum += v;
            const double share = nk_sum / static_cast<double>(k);
            post_.dof.assign(1, nu0 + share);
            double *C = m.covariances.data();
            // sum_c (nk / beta)_c diff_c diff_c^T, in component order
            std::vector<double> outer(static_cast<size_t>(d * d), 0.0);
            for (i64 c = 0; c < k; ++c) {
                diff_of(c);
                const double f = nk[static_cast<size_t>(c)] /
                                 post_.mean_precision[static_cast<size_t>(c)];
                for (i64 p = 0; p < d; ++p)
                    for (i64 q = 0; q < d; ++q)
                        outer[static_cast<size_t>(p * d + q)] +=
                            f * diff[static_cast<size_t>(p)] *
                            diff[static_cast<size_t>(q)];
            }
            for (i64 e = 0; e < d * d; ++e)
                C[e] = (psi0[e] + mom.covariances[static_cast<size_t>(e)] * share +
                        b0 / static_cast<double>(k) * outer[static_cast<size_t>(e)]) /
                       post_.dof[0];
            return;
        }
        post_.dof.resize(static_cast<size_t>(k));
        for (i64 c = 0; c < k; ++c) {
            const double n = nk[static_cast<size_t>(c)];
            const double nu = nu0 + n;
            post_.dof[static_cast<size_t>(c)] = nu;
            const double f = b0 / post_.mean_precision[static_cast<size_t>(c)];
            diff_of(c);
            if (mom.type == CovType::full) {
                const double *S = mom.covariances.data() + c * d * d;
                double *C = m.covariances.data() + c * d * d;
                for (i64 p = 0; p < d; ++p)
                    for (i64 q = 0; q < d; ++q)
                        C[p * d + q] = (psi0[p * d + q] + n * S[p * d + q] +
                                        n * f * diff[static_cast<size_t>(p)] *
                                            diff[static_cast<size_t>(q)]) /
                                       nu;
            } else if (mom.type == CovType::diag) {
                const double *S = mom.covariances.data() + c * d;
                double *C = m.covariances.data() + c * d;
                for (i64 j = 0; j < d; ++j)
                    C[j] = (psi0[j] + n * (S[j] + f * diff[static_cast<size_t>(j)] *
                                                      diff[static_cast<size_t>(j)])) /
                           nu;
            } else { // spherical
                double mean_sq = 0;
                for (i64 j = 0; j < d; ++j)
                    mean_sq +=
                        diff[static_cast<size_t>(j)] * diff[static_cast<size_t>(j)];
                mean_sq /= static_cast<double>(d);
                m.covariances[static_cast<size_t>(c)] =
                    (psi0[0] +
                     n * (mom.covariances[static_cast<size_t>(c)] + f * mean_sq)) /
                    nu;
            }
        }
    }

    // sum_n w_n sum_c r_nc log r_nc of the E-step that produced st, under cst and the
    // model m it ran with (before the M-step).
    static double sum_r_log_r(const GmmStats &st, const std::vector<double> &cst,
                              const GmmModel &m) {
        using i64 = std::int64_t;
        const i64 k = st.k, d = st.d, stride = gmm_stat_stride(st.type, d);
        double total = -st.log_lik;
        std::vector<double> P(static_cast<size_t>(d * d));
        for (i64 c = 0; c < k; ++c) {
            const double *acc = st.acc.data() + c * stride;
            const double *s2 = acc + 1 + d;
            double trace = 0;
            if (st.type == CovType::full || st.type == CovType::tied) {
                const double *U =
                    m.prec_chol.data() + (st.type == CovType::full ? c * d * d : 0);
                for (i64 p = 0; p < d; ++p) // P = U U^T, U upper
                    for (i64 q = p; q < d; ++q) {
                        double v = 0;
                        for (i64 r = q; r < d; ++r)
                            v += U[p * d + r] * U[q * d + r];
                        P[static_cast<size_t>(p * d + q)] = v;
                    }
                for (i64 p = 0, e = 0; p < d; ++p)
                    for (i64 q = p; q < d; ++q, ++e)
                        trace += (q == p ? 1.0 : 2.0) *
                                 P[static_cast<size_t>(p * d + q)] * s2[e];
            } else {
                for (i64 j = 0; j < d; ++j) {
                    const double u = st.type == CovType::diag
                                         ? m.prec_chol[static_cast<size_t>(c * d + j)]
                                         : m.prec_chol[static_cast<size_t>(c)];
                    trace += u * u * s2[j];
                }
            }
            total += acc[0] * cst[static_cast<size_t>(c)] - 0.5 * trace;
        }
        return total;
    }

    // sum over components of log B(W_c, nu_c), scikit-learn's _log_wishart_norm (tied:
    // k times the shared one).
    double log_wishart_norms(const GmmModel &m) const {
        const std::vector<double> log_det = gmm_detail::log_det_chol(m);
        const double d = static_cast<double>(m.d);
        auto norm = [&](double nu, double log_det_c) {
            double g = 0;
            for (std::int64_t i = 0; i < m.d; ++i)
                g += std::lgamma(0.5 * (nu - static_cast<double>(i)));
            const double ld = log_det_c - 0.5 * d * std::log(nu);
            return -(nu * ld + nu * d * 0.5 * std::log(2.0) + g);
        };
        if (m.type == CovType::tied)
            return static_cast<double>(m.k) * norm(post_.dof[0], log_det[0]);
        double s = 0;
        for (std::int64_t c = 0; c < m.k; ++c)
            s += norm(post_.dof[static_cast<size_t>(c)],
                      log_det[static_cast<size_t>(c)]);
        return s;
    }

    double log_weight_norm() const {
        const size_t k = post_.concentration_a.size();
        if (pr_.dirichlet_process) {
            double s = 0; // - sum of log Beta(a, b)
            for (size_t c = 0; c < k; ++c) {
                const double a = post_.concentration_a[c], b = post_.concentration_b[c];
                s -= std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
            }
            return s;
        }
        double total = 0, g = 0;
        for (double a : post_.concentration_a) {
            total += a;
            g += std::lgamma(a);
        }
        return std::lgamma(total) - g;
    }

    BgmPriors pr_;
    double reg_covar_;
    BgmPosterior &post_;
};

} // namespace cc
