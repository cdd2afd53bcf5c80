// gmm.hpp - Gaussian mixtures by expectation-maximisation (Python-free).
//
// Parameters are kept in double whatever the data's dtype. One pass over the data
// (gmm_estep_stats) runs the E-step and gathers the M-step's sufficient statistics at
// once, tile by tile (gmm_kernels.hpp), so responsibilities exist for one tile at a
// time: extra memory is O(tile * k + k * d^2) per thread. Statistics are taken relative
// to the means the E-step used, and the M-step (gmm_mstep) turns them into the new
// parameters with scikit-learn's formulas:
//     nk' = nk + 10 eps,  mean = sum w r x / nk',  cov = sum w r (x - mean)(x - mean)^T
//     / nk' + reg_covar I (tied: summed over components, divided by sum nk'; diag: the
//     diagonal; spherical: its average),  weight = nk' / sum nk'
// and the precision's Cholesky factor U (P = U U^T, upper) from cov = L L^T, U = L^-T.
//
// Determinism: samples are cut into chunks of kGmmChunk rows; chunks are processed in
// rounds of kGmmRound, each chunk's statistics summed in row order and the chunks' in
// chunk order, so the result is the same for any number of threads.
#pragma once

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include "gmm_kernels.hpp"
#include "parallel.hpp"

namespace cc {

constexpr std::int64_t kGmmChunk = 1024; // rows; a multiple of kGmmTile
constexpr std::int64_t kGmmRound = 64;   // chunks per round between Ctrl-C checks

// Raised when a covariance is not positive definite (scikit-learn's "ill-defined
// empirical covariance" error).
struct GmmIllDefined : std::runtime_error {
    GmmIllDefined() : std::runtime_error("ill-defined empirical covariance") {}
};

inline std::int64_t gmm_cov_size(CovType type, std::int64_t k, std::int64_t d) {
    switch (type) {
    case CovType::full:
        return k * d * d;
    case CovType::tied:
        return d * d;
    case CovType::diag:
        return k * d;
    default:
        return k;
    }
}

struct GmmModel {
    std::int64_t k = 0, d = 0;
    CovType type = CovType::full;
    std::vector<double> weights;     // k
    std::vector<double> means;       // k x d
    std::vector<double> covariances; // gmm_cov_size entries
    std::vector<double> prec_chol;   // the same shape: U (full, tied: upper, row-major)
};

// Sufficient statistics of some samples relative to the means of an E-step.
struct GmmStats {
    std::int64_t k = 0, d = 0;
    CovType type = CovType::full;
    std::vector<double> acc; // k x gmm_stat_stride: nk, s1 (d), s2 (gmm_s2_size)
    double log_lik = 0;      // sum of w * log p(x)
    double weight = 0;       // sum of w

    GmmStats() = default;
    GmmStats(std::int64_t k_, std::int64_t d_, CovType t)
        : k(k_), d(d_), type(t), acc(static_cast<size_t>(k_ * gmm_stat_stride(t, d_))) {
    }

    void add(const GmmStats &o) {
        for (size_t i = 0; i < acc.size(); ++i)
            acc[i] += o.acc[i];
        log_lik += o.log_lik;
        weight += o.weight;
    }
};

// The samples: n x d row-major X, and weights (null: all 1).
template <typename T> struct GmmData {
    const T *X;
    std::int64_t n, d;
    const double *w;
};

namespace gmm_detail {

using i64 = std::int64_t;

// log det U per component (the sum of the logs of U's diagonal).
inline std::vector<double> log_det_chol(const GmmModel &m) {
    std::vector<double> out(static_cast<size_t>(m.k));
    for (i64 c = 0; c < m.k; ++c) {
        double s = 0;
        if (m.type == CovType::full || m.type == CovType::tied) {
            const double *U =
                m.prec_chol.data() + (m.type == CovType::full ? c * m.d * m.d : 0);
            for (i64 j = 0; j < m.d; ++j)
                s += std::log(U[j * m.d + j]);
        } else if (m.type == CovType::diag) {
            for (i64 j = 0; j < m.d; ++j)
                s += std::log(m.prec_chol[static_cast<size_t>(c * m.d + j)]);
        } else {
            s = static_cast<double>(m.d) *
                std::log(m.prec_chol[static_cast<size_t>(c)]);
        }
        out[static_cast<size_t>(c)] = s;
    }
    return out;
}

// Loads rows [r0, r0 + m) of X into the feature-major tile xt and their weights into
// wt; rows past m are zeros of weight 0.
template <typename T>
void load_tile(const GmmData<T> &data, i64 r0, i64 m, double *xt, double *wt) {
    const i64 d = data.d, Tn = kGmmTile;
    for (i64 r = 0; r < Tn; ++r) {
        if (r < m) {
            const T *x = data.X + (r0 + r) * d;
            for (i64 j = 0; j < d; ++j)
                xt[j * Tn + r] = static_cast<double>(x[j]);
            wt[r] = data.w != nullptr ? data.w[r0 + r] : 1.0;
        } else {
            for (i64 j = 0; j < d; ++j)
                xt[j * Tn + r] = 0.0;
            wt[r] = 0.0;
        }
    }
}

// Tile buffers of one task.
struct TileBuffers {
    std::vector<double> xt, wt, lse, scratch;
    TileBuffers(i64 d, i64 k)
        : xt(static_cast<size_t>(d * kGmmTile)), wt(static_cast<size_t>(kGmmTile)),
          lse(static_cast<size_t>(kGmmTile)),
          scratch(static_cast<size_t>(gmm_scratch_size(d, k))) {}
};

inline GmmTileArgs tile_args(const GmmModel &m, const std::vector<double> &cst,
                             TileBuffers &b) {
    GmmTileArgs a{};
    a.xt = b.xt.data();
    a.w = b.wt.data();
    a.d = m.d;
    a.k = m.k;
    a.type = m.type;
    a.means = m.means.data();
    a.chol = m.prec_chol.data();
    a.cst = cst.data();
    a.lse = b.lse.data();
    a.scratch = b.scratch.data();
    return a;
}

// Runs body(chunk) for every chunk, in rounds with keep_going() between them, then
// calls merge(chunk) for the round's chunks in order. Returns false if stopped.
template <class Body, class Merge>
bool for_chunks(i64 n, int n_threads, const std::function<bool()> &keep_going,
                Body &&body, Merge &&merge) {
    const i64 n_chunks = (n + kGmmChunk - 1) / kGmmChunk;
    for (i64 c0 = 0; c0 < n_chunks; c0 += kGmmRound) {
        if (keep_going && !keep_going())
            return false;
        const i64 nc = std::min(kGmmRound, n_chunks - c0);
        parallel_for(nc, n_threads, [&](i64 t) { body(c0 + t, t); });
        for (i64 t = 0; t < nc; ++t)
            merge(c0 + t, t);
    }
    return true;
}

// In-place Cholesky a = L L^T of a d x d matrix (lower triangle written, upper
// cleared); false if a is not positive definite.
inline bool cholesky(double *a, i64 d) {
    for (i64 j = 0; j < d; ++j) {
        double s = a[j * d + j];
        for (i64 p = 0; p < j; ++p)
            s -= a[j * d + p] * a[j * d + p];
        if (!(s > 0.0))
            return false;
        const double ljj = std::sqrt(s);
        a[j * d + j] = ljj;
        for (i64 i = j + 1; i < d; ++i) {
            double t = a[i * d + j];
            for (i64 p = 0; p < j; ++p)
                t -= a[i * d + p] * a[j * d + p];
            a[i * d + j] = t / ljj;
        }
        for (i64 i = 0; i < j; ++i)
            a[i * d + j] = 0.0;
    }
    return true;
}

// U = L^-T for the lower factor L (d x d): upper triangular, row-major.
inline void inverse_transpose(const double *L, i64 d, double *U) {
    std::fill(U, U + d * d, 0.0);
    for (i64 col = 0; col < d; ++col) { // solve L z = e_col, z = column col of L^-1
        for (i64 i = col; i < d; ++i) {
            double s = i == col ? 1.0 : 0.0;
            for (i64 p = col; p < i; ++p)
                s -= L[i * d + p] * U[col * d + p];
            U[col * d + i] = s / L[i * d + i]; // (L^-1)[i][col] = U[col][i]
        }
    }
}

} // namespace gmm_detail

// The precision Cholesky factors of m.covariances; throws GmmIllDefined when a
// covariance is not positive definite.
inline void gmm_precision_cholesky(GmmModel &m) {
    using i64 = std::int64_t;
    const i64 d = m.d;
    m.prec_chol.assign(m.covariances.size(), 0.0);
    if (m.type == CovType::full || m.type == CovType::tied) {
        const i64 n_mat = m.type == CovType::full ? m.k : 1;
        std::vector<double> L(static_cast<size_t>(d * d));
        for (i64 c = 0; c < n_mat; ++c) {
            std::copy(m.covariances.begin() + c * d * d,
                      m.covariances.begin() + (c + 1) * d * d, L.begin());
            if (!gmm_detail::cholesky(L.data(), d))
                throw GmmIllDefined();
            gmm_detail::inverse_transpose(L.data(), d, m.prec_chol.data() + c * d * d);
        }
        return;
    }
    for (size_t i = 0; i < m.covariances.size(); ++i) {
        if (!(m.covariances[i] > 0.0))
            throw GmmIllDefined();
        m.prec_chol[i] = 1.0 / std::sqrt(m.covariances[i]);
    }
}

// E-step constants: log weight (if with_weights) + log det U - d/2 log(2 pi).
inline std::vector<double> gmm_constants(const GmmModel &m, bool with_weights) {
    std::vector<double> cst = gmm_detail::log_det_chol(m);
    const double half_log_2pi = 0.5 * std::log(2.0 * 3.14159265358979323846);
    for (std::int64_t c = 0; c < m.k; ++c) {
        double &v = cst[static_cast<size_t>(c)];
        v -= static_cast<double>(m.d) * half_log_2pi;
        if (with_weights)
            v += std::log(m.weights[static_cast<size_t>(c)]);
    }
    return cst;
}

// One pass: E-step under m and the sufficient statistics relative to m.means. Returns
// false (stats incomplete) if keep_going() said stop.
// cst: the E-step's per-component constants (gmm_constants, or a variational
// mixture's expected ones).
template <typename T>
bool gmm_estep_stats(const GmmData<T> &data, const GmmModel &m,
                     const std::vector<double> &cst, int n_threads, GmmStats &out,
                     const std::function<bool()> &keep_going = nullptr) {
    using i64 = std::int64_t;
    const GmmKernelSet &ks = gmm_kernels();
    const i64 W = ks.lanes, stride = gmm_stat_stride(m.type, m.d);
    const i64 n_acc = m.k * stride;
    out = GmmStats(m.k, m.d, m.type);
    std::vector<GmmStats> slots(static_cast<size_t>(kGmmRound),
                                GmmStats(m.k, m.d, m.type));
    n_threads = threads_for_work(n_threads, data.n * m.k * stride);
    return gmm_detail::for_chunks(
        data.n, n_threads, keep_going,
        [&](i64 chunk, i64 slot) {
            gmm_detail::TileBuffers b(m.d, m.k);
            std::vector<double> acc(static_cast<size_t>(n_acc * W), 0.0);
            GmmTileArgs a = gmm_detail::tile_args(m, cst, b);
            a.acc = acc.data();
            GmmStats &s = slots[static_cast<size_t>(slot)];
            s.log_lik = s.weight = 0;
            const i64 e = std::min(data.n, (chunk + 1) * kGmmChunk);
            for (i64 r0 = chunk * kGmmChunk; r0 < e; r0 += kGmmTile) {
                const i64 mrows = std::min(kGmmTile, e - r0);
                gmm_detail::load_tile(data, r0, mrows, b.xt.data(), b.wt.data());
                ks.tile(a);
                for (i64 r = 0; r < mrows; ++r) {
                    s.log_lik +=
                        b.wt[static_cast<size_t>(r)] * b.lse[static_cast<size_t>(r)];
                    s.weight += b.wt[static_cast<size_t>(r)];
                }
            }
            for (i64 i = 0; i < n_acc; ++i) {
                double v = 0;
                for (i64 l = 0; l < W; ++l)
                    v += acc[static_cast<size_t>(i * W + l)];
                s.acc[static_cast<size_t>(i)] = v;
            }
        },
        [&](i64, i64 slot) { out.add(slots[static_cast<size_t>(slot)]); });
}

template <typename T>
bool gmm_estep_stats(const GmmData<T> &data, const GmmModel &m, int n_threads,
                     GmmStats &out, const std::function<bool()> &keep_going = nullptr) {
    return gmm_estep_stats(data, m, gmm_constants(m, true), n_threads, out, keep_going);
}

// Per sample: lse (log p(x)), the most probable component, and optionally the
// responsibilities (n x k, row-major). Any output may be null. cst: the E-step's
// constants (as for gmm_estep_stats).
template <typename T>
bool gmm_score(const GmmData<T> &data, const GmmModel &m,
               const std::vector<double> &cst, int n_threads, double *lse,
               std::int64_t *labels, double *resp,
               const std::function<bool()> &keep_going = nullptr) {
    using i64 = std::int64_t;
    const GmmKernelSet &ks = gmm_kernels();
    n_threads = threads_for_work(n_threads, data.n * m.k * m.d * (m.d + 1));
    return gmm_detail::for_chunks(
        data.n, n_threads, keep_going,
        [&](i64 chunk, i64) {
            gmm_detail::TileBuffers b(m.d, m.k);
            std::vector<double> logp(static_cast<size_t>(m.k * kGmmTile));
            std::vector<double> rt(static_cast<size_t>(m.k * kGmmTile));
            GmmTileArgs a = gmm_detail::tile_args(m, cst, b);
            a.logp = logp.data();
            a.resp = rt.data();
            const i64 e = std::min(data.n, (chunk + 1) * kGmmChunk);
            for (i64 r0 = chunk * kGmmChunk; r0 < e; r0 += kGmmTile) {
                const i64 mrows = std::min(kGmmTile, e - r0);
                gmm_detail::load_tile(data, r0, mrows, b.xt.data(), b.wt.data());
                ks.tile(a);
                for (i64 r = 0; r < mrows; ++r) {
                    if (lse != nullptr)
                        lse[r0 + r] = b.lse[static_cast<size_t>(r)];
                    if (labels != nullptr) { // first of equal maxima, as np.argmax
                        i64 best = 0;
                        for (i64 c = 1; c < m.k; ++c)
                            if (logp[static_cast<size_t>(c * kGmmTile + r)] >
                                logp[static_cast<size_t>(best * kGmmTile + r)])
                                best = c;
                        labels[r0 + r] = best;
                    }
                    if (resp != nullptr)
                        for (i64 c = 0; c < m.k; ++c)
                            resp[(r0 + r) * m.k + c] =
                                rt[static_cast<size_t>(c * kGmmTile + r)];
                }
            }
        },
        [](i64, i64) {});
}

// Statistics relative to shift (k x d) from given responsibilities: labels (one-hot,
// -1 for none) or a dense n x k resp, for the initialisations.
template <typename T>
void gmm_resp_stats(const GmmData<T> &data, const std::int64_t *labels,
                    const double *resp, const double *shift, std::int64_t k,
                    CovType type, int n_threads, GmmStats &out) {
    using i64 = std::int64_t;
    const i64 d = data.d, stride = gmm_stat_stride(type, d);
    const bool outer = type == CovType::full || type == CovType::tied;
    out = GmmStats(k, d, type);
    std::vector<GmmStats> slots(static_cast<size_t>(kGmmRound), GmmStats(k, d, type));
    gmm_detail::for_chunks(
        data.n, threads_for_work(n_threads, data.n * k * stride), nullptr,
        [&](i64 chunk, i64 slot) {
            GmmStats &s = slots[static_cast<size_t>(slot)];
            std::fill(s.acc.begin(), s.acc.end(), 0.0);
            s.log_lik = s.weight = 0;
            std::vector<double> a(static_cast<size_t>(d));
            const i64 e = std::min(data.n, (chunk + 1) * kGmmChunk);
            for (i64 i = chunk * kGmmChunk; i < e; ++i) {
                const double wi = data.w != nullptr ? data.w[i] : 1.0;
                s.weight += wi;
                for (i64 c = 0; c < k; ++c) {
                    double r;
                    if (labels != nullptr) {
                        if (labels[i] != c)
                            continue;
                        r = 1.0;
                    } else {
                        r = resp[i * k + c];
                    }
                    const double rw = r * wi;
                    double *acc = s.acc.data() + c * stride;
                    acc[0] += rw;
                    for (i64 j = 0; j < d; ++j) {
                        a[static_cast<size_t>(j)] =
                            static_cast<double>(data.X[i * d + j]) - shift[c * d + j];
                        acc[1 + j] += rw * a[static_cast<size_t>(j)];
                    }
                    double *s2 = acc + 1 + d;
                    if (outer) {
                        for (i64 p = 0; p < d; ++p)
                            for (i64 q = p; q < d; ++q)
                                *s2++ += rw * a[static_cast<size_t>(p)] *
                                         a[static_cast<size_t>(q)];
                    } else {
                        for (i64 j = 0; j < d; ++j)
                            s2[j] += rw * a[static_cast<size_t>(j)] *
                                     a[static_cast<size_t>(j)];
                    }
                }
            }
        },
        [&](i64, i64 slot) { out.add(slots[static_cast<size_t>(slot)]); });
}

// scikit-learn's _estimate_gaussian_parameters from the statistics (taken relative to
// shift, k x d): out.weights[c] = nk + 10 eps (not normalised), out.means, and
// out.covariances with reg_covar added; returns the sum of the weights.
inline double gmm_moments(const GmmStats &st, const double *shift, double reg_covar,
                          GmmModel &out) {
    using i64 = std::int64_t;
    const i64 k = st.k, d = st.d, stride = gmm_stat_stride(st.type, d);
    out.k = k;
    out.d = d;
    out.type = st.type;
    out.weights.assign(static_cast<size_t>(k), 0.0);
    out.means.assign(static_cast<size_t>(k * d), 0.0);
    out.covariances.assign(static_cast<size_t>(gmm_cov_size(st.type, k, d)), 0.0);
    std::vector<double> delta(static_cast<size_t>(d));
    double nk_sum = 0;
    for (i64 c = 0; c < k; ++c) {
        const double *acc = st.acc.data() + c * stride;
        const double nk = acc[0], nke = nk + 10 * DBL_EPSILON;
        nk_sum += nke;
        out.weights[static_cast<size_t>(c)] = nke;
        const double *s1 = acc + 1, *s2 = acc + 1 + d;
        for (i64 j = 0; j < d; ++j) {
            const double mu = (s1[j] + shift[c * d + j] * nk) / nke;
            out.means[static_cast<size_t>(c * d + j)] = mu;
            delta[static_cast<size_t>(j)] = mu - shift[c * d + j];
        }
        // sum w r (a - delta)(a - delta)^T = s2 - s1 delta^T - delta s1^T + nk delta
        // delta^T, for a = x - shift
        auto centred = [&](i64 p, i64 q, double s2pq) {
            const double dp = delta[static_cast<size_t>(p)],
                         dq = delta[static_cast<size_t>(q)];
            return s2pq - s1[p] * dq - dp * s1[q] + nk * dp * dq;
        };
        if (st.type == CovType::full || st.type == CovType::tied) {
            double *C =
                out.covariances.data() + (st.type == CovType::full ? c * d * d : 0);
            const double scale = st.type == CovType::full ? 1.0 / nke : 1.0;
            for (i64 p = 0, e = 0; p < d; ++p)
                for (i64 q = p; q < d; ++q, ++e) {
                    const double v = centred(p, q, s2[e]) * scale;
                    C[p * d + q] += v;
                    if (q != p)
                        C[q * d + p] += v;
                }
        } else {
            double *C = out.covariances.data() + (st.type == CovType::diag ? c * d : c);
            for (i64 j = 0; j < d; ++j) {
                const double v = centred(j, j, s2[j]) / nke;
                if (st.type == CovType::diag)
                    C[j] = v + reg_covar;
                else
                    C[0] += v + reg_covar;
            }
            if (st.type == CovType::spherical)
                C[0] /= static_cast<double>(d);
        }
    }
    if (st.type == CovType::full || st.type == CovType::tied) {
        const i64 n_mat = st.type == CovType::full ? k : 1;
        for (i64 c = 0; c < n_mat; ++c) {
            double *C = out.covariances.data() + c * d * d;
            if (st.type == CovType::tied)
                for (i64 e = 0; e < d * d; ++e)
                    C[e] /= nk_sum;
            for (i64 j = 0; j < d; ++j)
                C[j * d + j] += reg_covar;
        }
    }
    return nk_sum;
}

// The M-step: new weights, means, covariances and precision factors of `out` from the
// statistics (taken relative to shift, k x d). weight_total > 0 divides the weights by
// it (scikit-learn's initialisation divides by n_samples) instead of by their sum.
// Throws GmmIllDefined.
inline void gmm_mstep(const GmmStats &st, const double *shift, double reg_covar,
                      double weight_total, GmmModel &out) {
    const double nk_sum = gmm_moments(st, shift, reg_covar, out);
    const double wsum = weight_total > 0 ? weight_total : nk_sum;
    for (double &w : out.weights)
        w /= wsum;
    gmm_precision_cholesky(out);
}

struct GmmEmResult {
    std::int64_t n_iter = 0;
    bool converged = false;
    bool stopped = false; // on_iter or keep_going said stop
    std::vector<double> lower_bounds;
};

// Maximum likelihood: the E-step constants of the model itself, and the bound is the
// mean log-likelihood of the E-step (before the M-step), as in scikit-learn.
struct GmmMaximumLikelihood {
    double reg_covar = 1e-6;

    std::vector<double> constants(const GmmModel &m) const {
        return gmm_constants(m, true);
    }
    // The M-step from the E-step's statistics (relative to shift = the E-step's means,
    // under constants cst); returns the new lower bound.
    double update(const GmmStats &st, const std::vector<double> &, const double *shift,
                  GmmModel &m) {
        gmm_mstep(st, shift, reg_covar, 0.0, m);
        return st.log_lik / st.weight;
    }
};

// EM from m until |change of the lower bound| < tol or max_iter iterations, the
// bound and the M-step given by the model's Policy (GmmMaximumLikelihood, or
// BgmVariational in bgm.hpp); lower_bound is the bound the run starts from (-inf for a
// fresh start). on_iter(iter, lower_bound, change) runs after every iteration on the
// calling thread and returns false to stop; keep_going() runs between rounds of a
// pass.
template <typename T, class Policy, class OnIter>
GmmEmResult gmm_em(const GmmData<T> &data, GmmModel &m, Policy &policy,
                   std::int64_t max_iter, double tol, double lower_bound, int n_threads,
                   OnIter &&on_iter,
                   const std::function<bool()> &keep_going = nullptr) {
    GmmEmResult res;
    GmmStats st;
    std::vector<double> shift;
    for (std::int64_t it = 1; it <= max_iter; ++it) {
        const std::vector<double> cst = policy.constants(m);
        if (!gmm_estep_stats(data, m, cst, n_threads, st, keep_going)) {
            res.stopped = true;
            return res;
        }
        shift = m.means;
        const double bound = policy.update(st, cst, shift.data(), m);
        const double change = bound - lower_bound;
        lower_bound = bound;
        res.lower_bounds.push_back(bound);
        res.n_iter = it;
        if (!on_iter(it, bound, change)) {
            res.stopped = true;
            return res;
        }
        if (std::fabs(change) < tol) {
            res.converged = true;
            break;
        }
    }
    return res;
}

} // namespace cc
