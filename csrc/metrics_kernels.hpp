// metrics_kernels.hpp - pairwise-distance tiles for the cluster metrics, one build per
// instruction set.
//
// distance_tile computes the distances from R query rows to m consecutive samples:
//     out[r * m + c] = dist(q_r, x_{j0 + c}),  0 <= r < R, 0 <= c < m
// where the samples are stored feature-major (xt[k * ld + j] is feature k of sample j)
// so that SIMD lanes hold samples. Distances are computed from coordinate differences
// (euclidean, manhattan) in double, features summed in order, so a distance does not
// depend on the tile it falls in; cosine takes rows already scaled to unit length and
// gives 1 - q.x clipped to [0, 2]. range_sums adds the distances to a range of samples
// (a cluster, once samples are sorted by label) in lane order, tail last.
#pragma once

#include <cstdint>

namespace cc {

enum class PairMetric : int { euclidean = 0, manhattan = 1, cosine = 2 };

constexpr int kQueryRows = 8; // R of the kernels, at most

struct MetricKernelSet {
    const char *isa;
    int query_rows; // the R that fills this instruction set's registers
    void (*distance_tile)(const double *q, int R, std::int64_t d, const double *xt,
                          std::int64_t ld, std::int64_t j0, std::int64_t m,
                          PairMetric metric, double *out);
    // out[r] += sum of dist(q_r, x_j) over j0 <= j < j1, without storing distances
    void (*range_sums)(const double *q, int R, std::int64_t d, const double *xt,
                       std::int64_t ld, std::int64_t j0, std::int64_t j1,
                       PairMetric metric, double *out);
};

const MetricKernelSet &metric_kernels();

namespace base {
extern const MetricKernelSet metric_kernels;
} // namespace base
#if defined(CLUSTERCORE_X86_DISPATCH)
namespace avx2 {
extern const MetricKernelSet metric_kernels;
} // namespace avx2
namespace avx512 {
extern const MetricKernelSet metric_kernels;
} // namespace avx512
#endif

} // namespace cc
