// gmm_kernels.hpp - the Gaussian-mixture tile kernel, one build per instruction set.
//
// A tile is kGmmTile consecutive samples, stored feature-major in double (xt[j *
// kGmmTile + r] is feature j of sample r), so that SIMD lanes hold samples. For each
// sample and component c the kernel computes
//     logp[c] = cst[c] - 0.5 * ||(x - mean_c) U_c||^2
// where U_c is the upper-triangular Cholesky factor of the precision (P = U U^T; full:
// its own d x d matrix, tied: one shared matrix, diag: the diagonal, spherical: one
// scalar) and cst[c] holds everything constant (log weight, log det U_c, -d/2 log 2
// pi). Then lse = log sum_c exp(logp[c]) and the responsibilities r[c] = exp(logp[c] -
// lse).
//
// With accumulators, it adds the sufficient statistics of the tile, weighted by w r[c]
// and taken relative to the component's mean (which keeps the covariance update free
// of cancellation):
//     nk[c] += w r[c],   s1[c][j] += w r[c] a_j,   s2[c][...] += w r[c] a_i a_j
// with a = x - mean_c; s2 holds the upper triangle (i <= j, row by row) for full and
// tied, the squares a_j^2 for diag and spherical. Accumulators are vectors of `lanes`
// doubles (lane l sums the samples r = l mod lanes of every tile), summed across lanes
// by the caller in lane order, so the result depends on the instruction set but never
// on the thread that ran the tile. The scratch must start zeroed (its padding rows are
// read as zeros and never written).
#pragma once

#include <cstdint>

namespace cc {

constexpr std::int64_t kGmmTile = 128;

enum class CovType : int { full = 0, tied = 1, diag = 2, spherical = 3 };

// Entries of s2 per component.
inline std::int64_t gmm_s2_size(CovType type, std::int64_t d) {
    return type == CovType::full || type == CovType::tied ? d * (d + 1) / 2 : d;
}

// Accumulator entries per component: nk, s1 (d), s2.
inline std::int64_t gmm_stat_stride(CovType type, std::int64_t d) {
    return 1 + d + gmm_s2_size(type, d);
}

struct GmmTileArgs {
    const double *xt;    // in: d x kGmmTile, feature-major
    const double *w;     // in: kGmmTile sample weights (0 for padding past the data)
    std::int64_t d;      // in: features
    std::int64_t k;      // in: components
    CovType type;        // in
    const double *means; // in: k x d
    const double *chol;  // in: full k x d x d, tied d x d (upper, row-major), diag
                         //     k x d, spherical k
    const double *cst;   // in: k constants (see above)
    double *logp;        // out, optional: k x kGmmTile log-probabilities, logp[c]
    double *lse;         // out: kGmmTile values
    double *resp;        // out, optional (without acc): k x kGmmTile responsibilities
    double *acc;         // in/out, optional: k x stride x lanes accumulators
    double *scratch;     // work space of gmm_scratch_size(d, k) doubles
};

// Features rounded up to the outer-product block (4), for the scratch rows.
inline std::int64_t gmm_padded_features(std::int64_t d) {
    return (d + 3) / 4 * 4;
}

inline std::int64_t gmm_scratch_size(std::int64_t d, std::int64_t k) {
    return (2 * gmm_padded_features(d) + 2 * k) * kGmmTile;
}

struct GmmKernelSet {
    const char *isa;
    int lanes;
    void (*tile)(const GmmTileArgs &a);
};

// The set for the instruction set the k-means kernels use (dispatch.cpp).
const GmmKernelSet &gmm_kernels();

namespace base {
extern const GmmKernelSet gmm_kernels;
} // namespace base
#if defined(CLUSTERCORE_X86_DISPATCH)
namespace avx2 {
extern const GmmKernelSet gmm_kernels;
} // namespace avx2
namespace avx512 {
extern const GmmKernelSet gmm_kernels;
} // namespace avx512
#endif

} // namespace cc
