// metrics.hpp - per-cluster sums of pairwise distances, for the silhouette
// (Python-free).
//
// silhouette_sums gives, for every sample i and cluster c of each of K labelings,
//     sums[L][i][c] = sum of dist(x_i, x_j) over the samples j with labels[L][j] == c
// (the sample itself included: distance 0). Distances are computed tile by tile and
// folded into the sums at once, so no n x n matrix ever exists: extra memory is the
// data transposed (n x d doubles) plus one tile per thread. One distance computation
// serves all K labelings (scan_k scores every k from the same pass). Each sample's sums
// are added in sample order by the task that owns the sample, so the result does not
// depend on the number of threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "metrics_kernels.hpp"
#include "parallel.hpp"

namespace cc {

constexpr std::int64_t kSilhouetteRows = 64;   // rows per task
constexpr std::int64_t kSilhouetteCols = 1024; // columns per distance tile

// X: n x d row-major; labels: K x n values in [0, n_clusters); out: K x n x n_clusters.
// Returns false if keep_going() said stop between rounds of tasks.
namespace metrics_detail {

using i64 = std::int64_t;

// Samples in the given order, feature-major (xt: d x n) and row-major (rows: n x d),
// in double; unit rows for cosine (zero rows stay zero).
template <typename T>
void load_samples(const T *X, i64 n, i64 d, const i64 *order, PairMetric metric,
                  std::vector<double> &xt, std::vector<double> &rows) {
    xt.assign(static_cast<size_t>(d * n), 0.0);
    rows.assign(static_cast<size_t>(n * d), 0.0);
    for (i64 p = 0; p < n; ++p) {
        const T *x = X + (order ? order[p] : p) * d;
        double scale = 1.0;
        if (metric == PairMetric::cosine) {
            double s = 0;
            for (i64 k = 0; k < d; ++k)
                s += static_cast<double>(x[k]) * static_cast<double>(x[k]);
            scale = s > 0 ? 1.0 / std::sqrt(s) : 1.0;
        }
        for (i64 k = 0; k < d; ++k) {
            const double v = static_cast<double>(x[k]) * scale;
            xt[static_cast<size_t>(k * n + p)] = v;
            rows[static_cast<size_t>(p * d + k)] = v;
        }
    }
}

// Runs body(task) for every task in rounds, keep_going() between them.
template <class Body>
bool rounds(i64 n_tasks, int n_threads, const std::function<bool()> &keep_going,
            Body &&body) {
    const i64 round = 64;
    for (i64 t0 = 0; t0 < n_tasks; t0 += round) {
        if (keep_going && !keep_going())
            return false;
        parallel_for(std::min(round, n_tasks - t0), n_threads,
                     [&](i64 t) { body(t0 + t); });
    }
    return true;
}

} // namespace metrics_detail

// X: n x d row-major; labels: K x n values in [0, n_clusters); out: K x n x n_clusters.
// Returns false if keep_going() said stop between rounds of tasks.
template <typename T>
bool silhouette_sums(const T *X, std::int64_t n, std::int64_t d,
                     const std::int32_t *labels, std::int64_t K,
                     std::int64_t n_clusters, PairMetric metric, int n_threads,
                     double *out, const std::function<bool()> &keep_going = nullptr) {
    using i64 = std::int64_t;
    const MetricKernelSet &ks = metric_kernels();
    const int R = ks.query_rows;
    const i64 n_tasks = (n + kSilhouetteRows - 1) / kSilhouetteRows;
    n_threads = threads_for_work(n_threads, n * n * d / 64);
    std::vector<double> xt, rows;
    if (K == 1) {
        // one labeling: samples sorted by cluster (a counting sort, stable), so each
        // cluster's sum is a range sum that never stores a distance
        std::vector<i64> start(static_cast<size_t>(n_clusters + 1), 0),
            order(static_cast<size_t>(n));
        for (i64 i = 0; i < n; ++i)
            ++start[static_cast<size_t>(labels[i]) + 1];
        for (i64 c = 0; c < n_clusters; ++c)
            start[static_cast<size_t>(c + 1)] += start[static_cast<size_t>(c)];
        std::vector<i64> next(start.begin(), start.end() - 1);
        for (i64 i = 0; i < n; ++i)
            order[static_cast<size_t>(next[static_cast<size_t>(labels[i])]++)] = i;
        metrics_detail::load_samples(X, n, d, order.data(), metric, xt, rows);
        return metrics_detail::rounds(n_tasks, n_threads, keep_going, [&](i64 task) {
            double sums[kQueryRows];
            const i64 e = std::min(n, (task + 1) * kSilhouetteRows);
            for (i64 p0 = task * kSilhouetteRows; p0 < e; p0 += R) {
                const int nr = static_cast<int>(std::min<i64>(R, e - p0));
                for (i64 c = 0; c < n_clusters; ++c) {
                    std::fill(sums, sums + nr, 0.0);
                    ks.range_sums(rows.data() + p0 * d, nr, d, xt.data(), n,
                                  start[static_cast<size_t>(c)],
                                  start[static_cast<size_t>(c + 1)], metric, sums);
                    for (int r = 0; r < nr; ++r)
                        out[order[static_cast<size_t>(p0 + r)] * n_clusters + c] =
                            sums[r];
                }
            }
        });
    }
    // several labelings: each distance tile is folded into every labeling's sums
    metrics_detail::load_samples(X, n, d, static_cast<const i64 *>(nullptr), metric, xt,
                                 rows);
    return metrics_detail::rounds(n_tasks, n_threads, keep_going, [&](i64 task) {
        constexpr int kCopies = 4; // split accumulators: no store-to-load chains
        std::vector<double> tile(static_cast<size_t>(R * kSilhouetteCols));
        std::vector<double> acc(static_cast<size_t>(K * kCopies * R * n_clusters));
        const i64 e = std::min(n, (task + 1) * kSilhouetteRows);
        for (i64 i0 = task * kSilhouetteRows; i0 < e; i0 += R) {
            const int nr = static_cast<int>(std::min<i64>(R, e - i0));
            std::fill(acc.begin(), acc.end(), 0.0);
            for (i64 j0 = 0; j0 < n; j0 += kSilhouetteCols) {
                const i64 m = std::min(kSilhouetteCols, n - j0);
                ks.distance_tile(rows.data() + i0 * d, nr, d, xt.data(), n, j0, m,
                                 metric, tile.data());
                for (i64 L = 0; L < K; ++L) {
                    const std::int32_t *lab = labels + L * n + j0;
                    double *a = acc.data() + L * kCopies * R * n_clusters;
                    for (int r = 0; r < nr; ++r) {
                        const double *dr = tile.data() + r * m;
                        double *ar = a + r * n_clusters;
                        i64 c = 0;
                        for (; c + kCopies <= m; c += kCopies)
                            for (int u = 0; u < kCopies; ++u)
                                ar[u * R * n_clusters + lab[c + u]] += dr[c + u];
                        for (; c < m; ++c)
                            ar[lab[c]] += dr[c];
                    }
                }
            }
            for (i64 L = 0; L < K; ++L)
                for (int r = 0; r < nr; ++r)
                    for (i64 c = 0; c < n_clusters; ++c) {
                        const double *a = acc.data() + L * kCopies * R * n_clusters +
                                          r * n_clusters + c;
                        double s = 0;
                        for (int u = 0; u < kCopies; ++u)
                            s += a[u * R * n_clusters];
                        out[(L * n + i0 + r) * n_clusters + c] = s;
                    }
        }
    });
}

} // namespace cc
