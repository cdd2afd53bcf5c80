// kmeans.hpp - Lloyd iterations, inertia and k-means++ seeding over dense or CSR data.
//
// Python-free. Every reduction runs on a block grid that depends only on the problem
// shape (n, k, d), never on the thread count: each block accumulates its rows in row
// order into its own buffer, and the blocks are added in block order. Labels, centres
// and inertia are therefore bitwise identical for any number of threads.
//
// Semantics follow scikit-learn 1.9.1's Lloyd k-means (see the contract of lloyd_run),
// with sums accumulated in double for float data.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "kernels.hpp"
#include "parallel.hpp"

namespace cc {

using i64 = std::int64_t;

// ---------------------------------------------------------------- data views

// C-contiguous n x d matrix.
template <typename T> struct Dense {
    const T *data;
    i64 n, d;
};

// CSR matrix with 32-bit indices (what scikit-learn's KMeans accepts).
template <typename T> struct Csr {
    const T *data;
    const std::int32_t *indices;
    const std::int32_t *indptr;
    i64 n, d;
};

template <typename T> inline const KernelSet<T> &kernels();
template <> inline const KernelSet<float> &kernels<float>() {
    return kernels_f32();
}
template <> inline const KernelSet<double> &kernels<double>() {
    return kernels_f64();
}

// Centres packed for the tile kernels (layout in kernels.hpp), plus the plain row-major
// copy and double squared norms that the scalar paths use.
template <typename T> struct PackedCenters {
    const T *rows = nullptr; // k x d, row-major, not owned
    i64 k = 0, d = 0, n_panels = 0, panel_block = 1;
    int width = 1;
    std::vector<T> panels, cnorm;
    std::vector<double> norm2;

    void pack(const T *c, i64 k_, i64 d_) {
        rows = c;
        k = k_;
        d = d_;
        width = kernels<T>().panel_width;
        n_panels = (k + width - 1) / width;
        panels.assign(static_cast<size_t>(n_panels * d * width), T(0));
        cnorm.assign(static_cast<size_t>(n_panels * width),
                     std::numeric_limits<T>::infinity());
        norm2.assign(static_cast<size_t>(k), 0.0);
        for (i64 c0 = 0; c0 < k; ++c0) {
            const i64 p = c0 / width, l = c0 % width;
            T s = 0;
            double s2 = 0;
            for (i64 j = 0; j < d; ++j) {
                const T v = c[c0 * d + j];
                panels[static_cast<size_t>((p * d + j) * width + l)] = v;
                s += v * v;
                s2 += static_cast<double>(v) * v;
            }
            cnorm[static_cast<size_t>(c0)] = s;
            norm2[static_cast<size_t>(c0)] = s2;
        }
        // Keep the panels a block streams through small enough to stay in L2.
        const i64 panel_bytes =
            std::max<i64>(1, d * width * static_cast<i64>(sizeof(T)));
        panel_block = std::max<i64>(1, (192 * 1024) / panel_bytes);
    }

    TileArgs<T> tile(const T *x, i64 ldx, i64 m) const {
        return TileArgs<T>{x, ldx,      m,          d, panels.data(), cnorm.data(),
                           k, n_panels, panel_block};
    }
};

// ---------------------------------------------------------------- per-row primitives

// labels[r] for rows [r0, r0 + m): the nearest centre, ties to the smallest index.
template <typename T>
inline void tile_assign(const Dense<T> &X, const PackedCenters<T> &pc, i64 r0, i64 m,
                        std::int32_t *labels) {
    kernels<T>().assign(pc.tile(X.data + r0 * X.d, X.d, m), labels);
}

template <typename T>
inline void tile_assign(const Csr<T> &X, const PackedCenters<T> &pc, i64 r0, i64 m,
                        std::int32_t *labels) {
    for (i64 r = 0; r < m; ++r) {
        const i64 i = r0 + r;
        double best = std::numeric_limits<double>::infinity();
        std::int32_t arg = 0;
        for (i64 c = 0; c < pc.k; ++c) {
            const T *crow = pc.rows + c * pc.d;
            double dot = 0;
            for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
                dot += static_cast<double>(X.data[p]) * crow[X.indices[p]];
            const double dist = pc.norm2[static_cast<size_t>(c)] - 2.0 * dot;
            if (dist < best) {
                best = dist;
                arg = static_cast<std::int32_t>(c);
            }
        }
        labels[r] = arg;
    }
}

// out[r * ldo + c] = ||x_r - c||^2 for rows [r0, r0 + m) and all packed centres, in
// double, clamped at 0. xsq holds ||x_i||^2.
template <typename T>
inline void tile_sqdist(const Dense<T> &X, const double *xsq,
                        const PackedCenters<T> &pc, i64 r0, i64 m, T *scratch,
                        double *out, i64 ldo) {
    kernels<T>().partial_distances(pc.tile(X.data + r0 * X.d, X.d, m), scratch, pc.k);
    for (i64 r = 0; r < m; ++r)
        for (i64 c = 0; c < pc.k; ++c)
            out[r * ldo + c] =
                std::max(0.0, xsq[r0 + r] + static_cast<double>(scratch[r * pc.k + c]));
}

template <typename T>
inline void tile_sqdist(const Csr<T> &X, const double *xsq, const PackedCenters<T> &pc,
                        i64 r0, i64 m, T *, double *out, i64 ldo) {
    for (i64 r = 0; r < m; ++r) {
        const i64 i = r0 + r;
        for (i64 c = 0; c < pc.k; ++c) {
            const T *crow = pc.rows + c * pc.d;
            double dot = 0;
            for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
                dot += static_cast<double>(X.data[p]) * crow[X.indices[p]];
            out[r * ldo + c] =
                std::max(0.0, xsq[i] + pc.norm2[static_cast<size_t>(c)] - 2.0 * dot);
        }
    }
}

// ||x_i - c||^2 computed from the differences, in double. cnorm2 = ||c||^2 (CSR only).
template <typename T>
inline double row_sqdist(const Dense<T> &X, i64 i, const T *c, double) {
    const T *x = X.data + i * X.d;
    double s = 0;
    for (i64 j = 0; j < X.d; ++j) {
        const double diff = static_cast<double>(x[j]) - c[j];
        s += diff * diff;
    }
    return s;
}

template <typename T>
inline double row_sqdist(const Csr<T> &X, i64 i, const T *c, double cnorm2) {
    double s = cnorm2;
    for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p) {
        const double cj = c[X.indices[p]];
        const double diff = static_cast<double>(X.data[p]) - cj;
        s += diff * diff - cj * cj;
    }
    return std::max(0.0, s);
}

// acc += w * x_i
template <typename T>
inline void row_axpy(const Dense<T> &X, i64 i, double w, double *acc) {
    const T *x = X.data + i * X.d;
    for (i64 j = 0; j < X.d; ++j)
        acc[j] += w * x[j];
}

template <typename T>
inline void row_axpy(const Csr<T> &X, i64 i, double w, double *acc) {
    for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
        acc[X.indices[p]] += w * X.data[p];
}

template <typename T> inline void row_copy(const Dense<T> &X, i64 i, T *out) {
    std::copy(X.data + i * X.d, X.data + (i + 1) * X.d, out);
}

template <typename T> inline void row_copy(const Csr<T> &X, i64 i, T *out) {
    std::fill(out, out + X.d, T(0));
    for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
        out[X.indices[p]] = X.data[p];
}

// ---------------------------------------------------------------- block grid

// Rows split into blocks of a whole number of tiles. The grid depends on n and on the
// bytes of per-block state only; at most kMaxBlocks blocks and about kStateBudget bytes
// of state.
struct BlockGrid {
    static constexpr i64 kMaxBlocks = 64;
    static constexpr i64 kStateBudget = i64(64) << 20;
    i64 n = 0, rows = kTileRows, count = 0;

    BlockGrid(i64 n_, i64 state_bytes_per_block) : n(n_) {
        const i64 cap = std::max<i64>(
            1, std::min<i64>(kMaxBlocks,
                             kStateBudget / std::max<i64>(1, state_bytes_per_block)));
        const i64 want = (n + cap - 1) / cap;
        rows = std::max<i64>(kTileRows, (want + kTileRows - 1) / kTileRows * kTileRows);
        count = (n + rows - 1) / rows;
    }
    i64 begin(i64 b) const { return b * rows; }
    i64 end(i64 b) const { return std::min(n, (b + 1) * rows); }
};

// ---------------------------------------------------------------- Lloyd step

// Sufficient statistics of one assignment pass, all in double:
//   sums[c*d + j] = sum of w_i x_ij over rows labelled c,  weights[c] = sum of w_i,
//   inertia = sum of w_i ||x_i - C[label_i]||^2 (against the centres passed in),
//   n_changed = rows whose label differs from the label they had on entry.
// These add across disjoint row sets, which is what a distributed reduction needs.
struct LloydStats {
    std::vector<double> sums, weights;
    double inertia = 0;
    i64 n_changed = 0;
};

enum class Pass {
    full,        // assign labels, accumulate sums/weights and inertia
    assign_only, // assign labels and inertia; sums/weights left empty
    inertia_only // labels are given; inertia only
};

template <class View, typename T>
void lloyd_pass(const View &X, const T *w, const T *centers, i64 k,
                std::int32_t *labels, Pass pass, int n_threads, LloydStats &out) {
    const i64 d = X.d;
    const bool accumulate = pass == Pass::full;
    const i64 slot = accumulate ? k * d + k : 0;
    const BlockGrid grid(X.n, (slot + 2) * static_cast<i64>(sizeof(double)));
    PackedCenters<T> pc;
    if (pass != Pass::inertia_only)
        pc.pack(centers, k, d);
    std::vector<double> block_state(static_cast<size_t>(grid.count * slot));
    std::vector<double> block_inertia(static_cast<size_t>(grid.count));
    std::vector<i64> block_changed(static_cast<size_t>(grid.count));
    std::vector<double> cnorm2(static_cast<size_t>(k));
    for (i64 c = 0; c < k; ++c) {
        double s = 0;
        for (i64 j = 0; j < d; ++j)
            s += static_cast<double>(centers[c * d + j]) * centers[c * d + j];
        cnorm2[static_cast<size_t>(c)] = s;
    }

    parallel_for(grid.count, n_threads, [&](i64 b) {
        double *sums = block_state.data() + b * slot;
        double *wsum = sums + k * d;
        double inertia = 0;
        i64 changed = 0;
        std::int32_t tile_labels[kTileRows];
        for (i64 r0 = grid.begin(b); r0 < grid.end(b); r0 += kTileRows) {
            const i64 m = std::min(kTileRows, grid.end(b) - r0);
            if (pass != Pass::inertia_only)
                tile_assign(X, pc, r0, m, tile_labels);
            for (i64 r = 0; r < m; ++r) {
                const i64 i = r0 + r;
                std::int32_t lab = labels[i];
                if (pass != Pass::inertia_only) {
                    changed += tile_labels[r] != lab;
                    lab = tile_labels[r];
                    labels[i] = lab;
                }
                const double wi = w[i];
                inertia += wi * row_sqdist(X, i, centers + lab * d,
                                           cnorm2[static_cast<size_t>(lab)]);
                if (accumulate) {
                    row_axpy(X, i, wi, sums + lab * d);
                    wsum[lab] += wi;
                }
            }
        }
        block_inertia[static_cast<size_t>(b)] = inertia;
        block_changed[static_cast<size_t>(b)] = changed;
    });

    out.inertia = 0;
    out.n_changed = 0;
    for (i64 b = 0; b < grid.count; ++b) {
        out.inertia += block_inertia[static_cast<size_t>(b)];
        out.n_changed += block_changed[static_cast<size_t>(b)];
    }
    out.sums.assign(static_cast<size_t>(accumulate ? k * d : 0), 0.0);
    out.weights.assign(static_cast<size_t>(accumulate ? k : 0), 0.0);
    if (!accumulate)
        return;
    // Element ranges are reduced in parallel; each element adds the blocks in block
    // order.
    const i64 chunk = 4096;
    parallel_for((slot + chunk - 1) / chunk, n_threads, [&](i64 t) {
        const i64 e0 = t * chunk, e1 = std::min(slot, e0 + chunk);
        for (i64 e = e0; e < e1; ++e) {
            double s = 0;
            for (i64 b = 0; b < grid.count; ++b)
                s += block_state[static_cast<size_t>(b * slot + e)];
            if (e < k * d)
                out.sums[static_cast<size_t>(e)] = s;
            else
                out.weights[static_cast<size_t>(e - k * d)] = s;
        }
    });
}

// Clusters with zero weight take the samples farthest from their assigned (old) centre,
// farthest first, ties to the lowest sample index, as scikit-learn does. Nothing moves
// when every sample sits exactly on its centre. Updates stats.sums/weights in place;
// returns clusters relocated.
template <class View, typename T>
i64 relocate_empty_clusters(const View &X, const T *w, const T *centers_old, i64 k,
                            const std::int32_t *labels, int n_threads,
                            LloydStats &stats) {
    const i64 d = X.d;
    std::vector<i64> empty;
    for (i64 c = 0; c < k; ++c)
        if (stats.weights[static_cast<size_t>(c)] == 0)
            empty.push_back(c);
    if (empty.empty())
        return 0;
    std::vector<double> cnorm2(static_cast<size_t>(k));
    for (i64 c = 0; c < k; ++c) {
        double s = 0;
        for (i64 j = 0; j < d; ++j)
            s += static_cast<double>(centers_old[c * d + j]) * centers_old[c * d + j];
        cnorm2[static_cast<size_t>(c)] = s;
    }
    std::vector<double> dist(static_cast<size_t>(X.n));
    const i64 chunk = 4096;
    parallel_for((X.n + chunk - 1) / chunk, n_threads, [&](i64 t) {
        for (i64 i = t * chunk; i < std::min(X.n, (t + 1) * chunk); ++i)
            dist[static_cast<size_t>(i)] =
                row_sqdist(X, i, centers_old + labels[i] * d,
                           cnorm2[static_cast<size_t>(labels[i])]);
    });
    if (*std::max_element(dist.begin(), dist.end()) == 0)
        return 0;
    const i64 n_far = std::min<i64>(static_cast<i64>(empty.size()), X.n);
    std::vector<i64> order(static_cast<size_t>(X.n));
    std::iota(order.begin(), order.end(), i64(0));
    std::partial_sort(order.begin(), order.begin() + n_far, order.end(),
                      [&](i64 a, i64 b) {
                          const double da = dist[static_cast<size_t>(a)],
                                       db = dist[static_cast<size_t>(b)];
                          return da > db || (da == db && a < b);
                      });
    std::vector<double> x(static_cast<size_t>(d));
    std::vector<T> row(static_cast<size_t>(d));
    for (i64 e = 0; e < n_far; ++e) {
        const i64 c_new = empty[static_cast<size_t>(e)];
        const i64 i = order[static_cast<size_t>(e)];
        const i64 c_old = labels[i];
        const double wi = w[i];
        row_copy(X, i, row.data());
        for (i64 j = 0; j < d; ++j) {
            const double v = static_cast<double>(row[static_cast<size_t>(j)]) * wi;
            stats.sums[static_cast<size_t>(c_old * d + j)] -= v;
            stats.sums[static_cast<size_t>(c_new * d + j)] = v;
        }
        stats.weights[static_cast<size_t>(c_new)] = wi;
        stats.weights[static_cast<size_t>(c_old)] -= wi;
    }
    return n_far;
}

// centers[c] = sums[c] / weights[c] for clusters of positive weight; a cluster still
// without weight is placed on the centre of the heaviest cluster (first one on ties).
template <typename T>
void centers_from_stats(const LloydStats &s, i64 k, i64 d, T *centers) {
    i64 heaviest = 0;
    for (i64 c = 1; c < k; ++c)
        if (s.weights[static_cast<size_t>(c)] >
            s.weights[static_cast<size_t>(heaviest)])
            heaviest = c;
    for (i64 c = 0; c < k; ++c) {
        const double wc = s.weights[static_cast<size_t>(c)];
        if (!(wc > 0))
            continue;
        const double alpha = 1.0 / wc;
        for (i64 j = 0; j < d; ++j)
            centers[c * d + j] =
                static_cast<T>(s.sums[static_cast<size_t>(c * d + j)] * alpha);
    }
    for (i64 c = 0; c < k; ++c)
        if (!(s.weights[static_cast<size_t>(c)] > 0) && c != heaviest)
            std::copy(centers + heaviest * d, centers + (heaviest + 1) * d,
                      centers + c * d);
}

// ---------------------------------------------------------------- one Lloyd run

struct LloydParams {
    i64 max_iter = 300;
    double tol = 0; // absolute: compared with the total squared centre shift
    int n_threads = 1;
};

struct IterInfo {
    i64 iter;       // 0-based
    double inertia; // objective of the new labels against the centres before the update
    double shift;   // sum over centres of the squared move
    i64 n_changed;  // labels that changed in this iteration
};

struct LloydResult {
    i64 n_iter = 0;
    double inertia = 0;
    bool strict_convergence = false;
    bool stopped = false; // the progress callback asked to stop (e.g. Ctrl-C)
};

// Lloyd's algorithm from the given centres (in/out, k x d). Each iteration assigns
// every sample to its nearest centre, relocates empty clusters, and moves centres to
// the weighted means. It stops when no label changes ("strict convergence") or when the
// total squared centre shift is
// <= tol, or after max_iter iterations; unless it converged strictly, a last assignment
// makes labels consistent with the final centres. The returned inertia is that of the
// final labels and centres. progress(info) runs after every iteration on the calling
// thread; returning false stops.
template <class View, typename T>
LloydResult lloyd_run(const View &X, const T *w, T *centers, i64 k,
                      std::int32_t *labels, const LloydParams &p,
                      const std::function<bool(const IterInfo &)> &progress) {
    const i64 d = X.d;
    std::fill(labels, labels + X.n, std::int32_t(-1));
    std::vector<T> next(static_cast<size_t>(k * d));
    LloydStats stats;
    LloydResult res;
    for (i64 it = 0; it < p.max_iter; ++it) {
        lloyd_pass(X, w, centers, k, labels, Pass::full, p.n_threads, stats);
        relocate_empty_clusters(X, w, centers, k, labels, p.n_threads, stats);
        std::copy(centers, centers + k * d, next.begin());
        centers_from_stats(stats, k, d, next.data());
        double shift = 0;
        for (i64 e = 0; e < k * d; ++e) {
            const double diff =
                static_cast<double>(next[static_cast<size_t>(e)]) - centers[e];
            shift += diff * diff;
        }
        std::copy(next.begin(), next.end(), centers);
        res.n_iter = it + 1;
        if (progress &&
            !progress(IterInfo{it, stats.inertia, shift, stats.n_changed})) {
            res.stopped = true;
            return res;
        }
        if (stats.n_changed == 0) {
            res.strict_convergence = true;
            break;
        }
        if (shift <= p.tol)
            break;
    }
    lloyd_pass(X, w, centers, k, labels,
               res.strict_convergence ? Pass::inertia_only : Pass::assign_only,
               p.n_threads, stats);
    res.inertia = stats.inertia;
    return res;
}

// ---------------------------------------------------------------- k-means++

// Greedy k-means++ (Arthur & Vassilvitskii, with local trials as in scikit-learn). The
// random draws come from the caller so that a NumPy RandomState can drive it with
// scikit-learn's exact stream: first = index of the first centre; uniforms = (k-1) *
// trials values in [0, 1). At step c, candidate t is the first sample whose running sum
// of w_i D(x_i)^2 reaches uniforms[(c-1)*trials + t] * potential; the candidate that
// most lowers the potential wins (first on ties). xsq = ||x_i||^2. Writes k centres
// (rows of X) and their indices.
template <class View, typename T>
void kmeans_plusplus(const View &X, const T *w, const double *xsq, i64 k, i64 first,
                     const double *uniforms, i64 trials, int n_threads, T *centers,
                     i64 *indices, const std::function<bool()> &keep_going = nullptr) {
    const i64 n = X.n, d = X.d;
    constexpr i64 kBlockRows = 8 * kTileRows;
    const i64 n_blocks = (n + kBlockRows - 1) / kBlockRows;
    std::vector<double> closest(static_cast<size_t>(n));
    std::vector<double> block_pot(
        static_cast<size_t>(n_blocks * std::max<i64>(trials, 1)));
    std::vector<double> block_sum(static_cast<size_t>(n_blocks));
    std::vector<T> cand(static_cast<size_t>(std::max<i64>(trials, 1) * d));
    PackedCenters<T> pc;

    // Distances of all samples to the packed candidates, block by block; emit(i,
    // dist_row).
    auto for_each_distance_row = [&](auto &&emit_block) {
        parallel_for(n_blocks, n_threads, [&](i64 b) {
            std::vector<T> scratch(static_cast<size_t>(kTileRows * pc.k));
            std::vector<double> dist(static_cast<size_t>(kTileRows * pc.k));
            const i64 e = std::min(n, (b + 1) * kBlockRows);
            for (i64 r0 = b * kBlockRows; r0 < e; r0 += kTileRows) {
                const i64 m = std::min(kTileRows, e - r0);
                tile_sqdist(X, xsq, pc, r0, m, scratch.data(), dist.data(), pc.k);
                emit_block(b, r0, m, dist.data());
            }
        });
    };
    // closest = min(closest, dist to the single packed centre); block sums of w *
    // closest.
    auto absorb = [&](bool first_centre) {
        std::fill(block_sum.begin(), block_sum.end(), 0.0);
        for_each_distance_row([&](i64 b, i64 r0, i64 m, const double *dist) {
            double s = 0;
            for (i64 r = 0; r < m; ++r) {
                double &cl = closest[static_cast<size_t>(r0 + r)];
                cl = first_centre ? dist[r] : std::min(cl, dist[r]);
                s += static_cast<double>(w[r0 + r]) * cl;
            }
            block_sum[static_cast<size_t>(b)] += s;
        });
    };
    auto take = [&](i64 c, i64 i) {
        row_copy(X, i, centers + c * d);
        indices[c] = i;
    };

    take(0, first);
    pc.pack(centers, 1, d);
    absorb(true);
    double pot = 0;
    for (double s : block_sum)
        pot += s;

    std::vector<i64> cand_idx(static_cast<size_t>(trials));
    for (i64 c = 1; c < k; ++c) {
        if (keep_going && !keep_going())
            return;
        // Locate the candidates on the cumulative sum, block sums first.
        for (i64 t = 0; t < trials; ++t) {
            const double target = uniforms[(c - 1) * trials + t] * pot;
            i64 b = 0;
            double run = 0;
            while (b + 1 < n_blocks && run + block_sum[static_cast<size_t>(b)] < target)
                run += block_sum[static_cast<size_t>(b++)];
            i64 found = n - 1; // rounding may leave the target past the last sample
            for (i64 i = b * kBlockRows; i < n; ++i) {
                run += static_cast<double>(w[i]) * closest[static_cast<size_t>(i)];
                if (run >= target) {
                    found = i;
                    break;
                }
            }
            cand_idx[static_cast<size_t>(t)] = found;
            row_copy(X, found, cand.data() + t * d);
        }
        // Potential after adding each candidate.
        pc.pack(cand.data(), trials, d);
        for_each_distance_row([&](i64 b, i64 r0, i64 m, const double *dist) {
            double *bp = block_pot.data() + b * trials;
            if (r0 == b * kBlockRows)
                std::fill(bp, bp + trials, 0.0);
            for (i64 r = 0; r < m; ++r) {
                const double cl = closest[static_cast<size_t>(r0 + r)];
                const double wi = w[r0 + r];
                for (i64 t = 0; t < trials; ++t)
                    bp[t] += wi * std::min(cl, dist[r * trials + t]);
            }
        });
        i64 best = 0;
        double best_pot = std::numeric_limits<double>::infinity();
        for (i64 t = 0; t < trials; ++t) {
            double s = 0;
            for (i64 b = 0; b < n_blocks; ++b)
                s += block_pot[static_cast<size_t>(b * trials + t)];
            if (s < best_pot) {
                best_pot = s;
                best = t;
            }
        }
        take(c, cand_idx[static_cast<size_t>(best)]);
        pc.pack(centers + c * d, 1, d);
        absorb(false);
        pot = best_pot;
    }
}

// ---------------------------------------------------------------- helpers for
// predict/transform

// out[i * k + c] = ||x_i - c||  (squared if !root), from the differences, in double.
template <class View, typename T, typename O>
void euclidean_to_centers(const View &X, const T *centers, i64 k, bool root,
                          int n_threads, O *out) {
    const i64 d = X.d;
    std::vector<double> cnorm2(static_cast<size_t>(k));
    for (i64 c = 0; c < k; ++c) {
        double s = 0;
        for (i64 j = 0; j < d; ++j)
            s += static_cast<double>(centers[c * d + j]) * centers[c * d + j];
        cnorm2[static_cast<size_t>(c)] = s;
    }
    const i64 chunk = 1024;
    parallel_for((X.n + chunk - 1) / chunk, n_threads, [&](i64 t) {
        for (i64 i = t * chunk; i < std::min(X.n, (t + 1) * chunk); ++i)
            for (i64 c = 0; c < k; ++c) {
                const double s =
                    row_sqdist(X, i, centers + c * d, cnorm2[static_cast<size_t>(c)]);
                out[i * k + c] = static_cast<O>(root ? std::sqrt(s) : s);
            }
    });
}

template <typename T> inline double row_norm2(const Dense<T> &X, i64 i) {
    const T *x = X.data + i * X.d;
    double s = 0;
    for (i64 j = 0; j < X.d; ++j)
        s += static_cast<double>(x[j]) * x[j];
    return s;
}

template <typename T> inline double row_norm2(const Csr<T> &X, i64 i) {
    double s = 0;
    for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
        s += static_cast<double>(X.data[p]) * X.data[p];
    return s;
}

// out[i] = ||x_i||^2 in double.
template <class View> void row_norms_sq(const View &X, int n_threads, double *out) {
    const i64 chunk = 4096;
    parallel_for((X.n + chunk - 1) / chunk, n_threads, [&](i64 t) {
        for (i64 i = t * chunk; i < std::min(X.n, (t + 1) * chunk); ++i)
            out[i] = row_norm2(X, i);
    });
}

} // namespace cc
