// dbscan_kernels.hpp - the k-d tree's leaf scan, one build per instruction set.
//
// leaf_reduced computes the reduced distances (dbscan.hpp's Metric) from one query to
// the m rows of a leaf block stored feature-major (cols[k * ld + s] is feature k of
// row s):
//     acc[s] = sum_k term(q[k] - cols[k * ld + s])   (max_k for chebyshev)
// features added in order, in double, with no fused multiply-add, so every build gives
// the same bits as the baseline (samples at exactly eps stay neighbours everywhere).
// It returns how many rows are within r (acc[s] <= r). In many dimensions it stops
// once every row is farther than r (the values of acc are then only known to exceed
// r).
//
// box_reduced computes the reduced distances from m queries stored feature-major
// (qcols[k * ld + s]) to the box [lo, hi] (0 inside it), in the same way, so that a
// box's distance never exceeds the distance to any row inside it.
#pragma once

#include <cstdint>

namespace cc {

// leaf_reduced reads up to this many elements past the end of a block's last row:
// the arrays it reads must be padded by as much.
constexpr std::int64_t kLeafScanPad = 16;

struct DbscanKernelSet {
    const char *isa;
    std::int64_t (*leaf_reduced_f64)(const double *q, const double *cols,
                                     std::int64_t ld, std::int64_t m, std::int64_t d,
                                     int kind, double p, double r, double *acc);
    std::int64_t (*leaf_reduced_f32)(const double *q, const float *cols,
                                     std::int64_t ld, std::int64_t m, std::int64_t d,
                                     int kind, double p, double r, double *acc);
    void (*box_reduced)(const double *qcols, std::int64_t ld, std::int64_t m,
                        std::int64_t d, const double *lo, const double *hi, int kind,
                        double p, double *out);
};

const DbscanKernelSet &dbscan_kernels();

namespace base {
extern const DbscanKernelSet dbscan_kernels;
} // namespace base
#if defined(CLUSTERCORE_X86_DISPATCH)
namespace avx2 {
extern const DbscanKernelSet dbscan_kernels;
} // namespace avx2
namespace avx512 {
extern const DbscanKernelSet dbscan_kernels;
} // namespace avx512
#endif

} // namespace cc
