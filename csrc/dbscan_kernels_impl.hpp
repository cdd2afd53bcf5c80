// dbscan_kernels_impl.hpp - the leaf scan (dbscan_kernels.hpp), compiled once per
// instruction set.
//
// Included only by dbscan_kernels_<isa>.cpp, which define CC_ISA_NS and compile with
// that instruction set's flags and -ffp-contract=off; no standard-library template is
// called (an inline template compiled here could be picked by the linker for code
// running on any CPU). The loops over the rows of a block are left to the compiler's
// vectoriser.
#include <cmath>
#include <cstdint>

#include "dbscan_kernels.hpp"

#ifndef CC_ISA_NS
#error "define CC_ISA_NS before including dbscan_kernels_impl.hpp"
#endif

namespace cc {
namespace CC_ISA_NS {
namespace {

using i64 = std::int64_t;

// the values of dbscan.hpp's Metric::Kind
enum Kind : int { euclidean = 0, manhattan = 1, chebyshev = 2, minkowski = 3 };

template <int K, typename T>
void leaf(const double *q, const T *cols, i64 ld, i64 m, i64 d, double p, double r,
          double *acc) {
    for (i64 s = 0; s < m; ++s)
        acc[s] = 0;
    for (i64 k = 0; k < d; ++k) {
        const T *col = cols + k * ld;
        const double qk = q[k];
        for (i64 s = 0; s < m; ++s) {
            const double gap = qk - static_cast<double>(col[s]);
            if (K == euclidean) {
                acc[s] += gap * gap;
            } else if (K == minkowski) {
                acc[s] += std::pow(std::fabs(gap), p);
            } else {
                const double t = std::fabs(gap);
                acc[s] = K == chebyshev ? (t > acc[s] ? t : acc[s]) : acc[s] + t;
            }
        }
        if ((k & 15) == 15 && k + 1 < d) {
            bool all_far = true;
            for (i64 s = 0; s < m; ++s)
                all_far = all_far && acc[s] > r;
            if (all_far)
                return;
        }
    }
}

template <typename T>
void leaf_reduced(const double *q, const T *cols, i64 ld, i64 m, i64 d, int kind,
                  double p, double r, double *acc) {
    switch (kind) {
    case manhattan:
        return leaf<manhattan>(q, cols, ld, m, d, p, r, acc);
    case chebyshev:
        return leaf<chebyshev>(q, cols, ld, m, d, p, r, acc);
    case minkowski:
        return leaf<minkowski>(q, cols, ld, m, d, p, r, acc);
    default:
        return leaf<euclidean>(q, cols, ld, m, d, p, r, acc);
    }
}

#define CC_STR2(x) #x
#define CC_STR(x) CC_STR2(x)

} // namespace

const DbscanKernelSet dbscan_kernels = {CC_STR(CC_ISA_NS), &leaf_reduced<double>,
                                        &leaf_reduced<float>};

} // namespace CC_ISA_NS
} // namespace cc
