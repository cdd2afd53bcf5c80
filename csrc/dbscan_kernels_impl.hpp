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

// Rows are taken kTile at a time with their sums held in registers; the last tile
// reads past row m (the caller's arrays are padded) and its extra lanes are dropped.
constexpr i64 kTile = kLeafScanPad;

template <int K> inline double term(double gap, double p) {
    if (K == euclidean)
        return gap * gap;
    if (K == minkowski)
        return std::pow(std::fabs(gap), p);
    return std::fabs(gap);
}

template <int K> inline double combine(double acc, double t) {
    if (K == chebyshev)
        return t > acc ? t : acc;
    return acc + t;
}

template <int K, typename T>
i64 leaf(const double *q, const T *cols, i64 ld, i64 m, i64 d, double p, double r,
         double *acc) {
    i64 hits = 0;
    for (i64 s0 = 0; s0 < m; s0 += kTile) {
        const i64 w = m - s0 < kTile ? m - s0 : kTile;
        double a[kTile];
        for (i64 u = 0; u < kTile; ++u)
            a[u] = 0;
        for (i64 k = 0; k < d; ++k) {
            const T *col = cols + k * ld + s0;
            const double qk = q[k];
            for (i64 u = 0; u < kTile; ++u)
                a[u] = combine<K>(a[u], term<K>(qk - static_cast<double>(col[u]), p));
            if ((k & 15) == 15 && k + 1 < d) {
                bool all_far = true;
                for (i64 u = 0; u < w; ++u)
                    all_far = all_far && a[u] > r;
                if (all_far)
                    break;
            }
        }
        for (i64 u = 0; u < w; ++u) {
            acc[s0 + u] = a[u];
            hits += a[u] <= r;
        }
    }
    return hits;
}

template <typename T>
i64 leaf_reduced(const double *q, const T *cols, i64 ld, i64 m, i64 d, int kind,
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

template <int K>
void box(const double *qcols, i64 ld, i64 m, i64 d, const double *lo, const double *hi,
         double p, double *out) {
    for (i64 s = 0; s < m; ++s)
        out[s] = 0;
    for (i64 k = 0; k < d; ++k) {
        const double *col = qcols + k * ld;
        const double l = lo[k], h = hi[k];
        for (i64 s = 0; s < m; ++s) {
            const double below = l - col[s], above = col[s] - h;
            double gap = below > above ? below : above;
            gap = gap > 0 ? gap : 0;
            if (K == euclidean)
                out[s] += gap * gap;
            else if (K == minkowski)
                out[s] += std::pow(gap, p);
            else if (K == chebyshev)
                out[s] = gap > out[s] ? gap : out[s];
            else
                out[s] += gap;
        }
    }
}

void box_reduced(const double *qcols, i64 ld, i64 m, i64 d, const double *lo,
                 const double *hi, int kind, double p, double *out) {
    switch (kind) {
    case manhattan:
        return box<manhattan>(qcols, ld, m, d, lo, hi, p, out);
    case chebyshev:
        return box<chebyshev>(qcols, ld, m, d, lo, hi, p, out);
    case minkowski:
        return box<minkowski>(qcols, ld, m, d, lo, hi, p, out);
    default:
        return box<euclidean>(qcols, ld, m, d, lo, hi, p, out);
    }
}

#define CC_STR2(x) #x
#define CC_STR(x) CC_STR2(x)

} // namespace

const DbscanKernelSet dbscan_kernels = {CC_STR(CC_ISA_NS), &leaf_reduced<double>,
                                        &leaf_reduced<float>, &box_reduced};

} // namespace CC_ISA_NS
} // namespace cc
