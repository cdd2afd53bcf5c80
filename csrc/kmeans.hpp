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
#include <type_traits>
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

// Largest d for which the rows-in-lanes layout is used (measured: it wins up to 16).
constexpr i64 kRowLayoutMaxFeatures = 8;

template <typename T> inline const KernelSet<T> &kernels();
template <> inline const KernelSet<float> &kernels<float>() {
    return kernels_f32();
}
template <> inline const KernelSet<double> &kernels<double>() {
    return kernels_f64();
}

// Centres packed for the tile kernels (layouts in kernels.hpp), relative to an origin
// (null: zero), plus the plain row-major centres and their double squared norms for the
// CSR paths.
template <typename T> struct PackedCenters {
    const T *rows = nullptr; // k x d, row-major, not owned
    i64 k = 0, d = 0, n_panels = 0, panel_block = 1;
    Layout layout = Layout::wide;
    std::vector<T> packed, cnorm;
    std::vector<double> norm2;

    // The layout for k centres of d features: rows in lanes when d is small and k is
    // not tiny, else centres in lanes, in one vector (narrow) when they fit.
    static Layout choose(i64 k, i64 d) {
        const KernelSet<T> &ks = kernels<T>();
        if (d <= kRowLayoutMaxFeatures && d <= ks.max_row_features && k >= 4)
            return Layout::rows;
        return k <= ks.lanes ? Layout::narrow : Layout::wide;
    }

    // layout: forced, or chosen from (k, d) when null.
    void pack(const T *c, i64 k_, i64 d_, const double *origin, bool dense = true,
              const Layout *forced = nullptr) {
        rows = c;
        k = k_;
        d = d_;
        norm2.assign(static_cast<size_t>(k), 0.0);
        for (i64 c0 = 0; c0 < k; ++c0) {
            double s2 = 0;
            for (i64 j = 0; j < d; ++j)
                s2 += static_cast<double>(c[c0 * d + j]) * c[c0 * d + j];
            norm2[static_cast<size_t>(c0)] = s2;
        }
        if (!dense)
            return;
        layout = forced != nullptr ? *forced : choose(k, d);
        const i64 width = layout == Layout::rows
                              ? 1
                              : (layout == Layout::narrow ? 1 : 2) * kernels<T>().lanes;
        n_panels = (k + width - 1) / width;
        packed.assign(static_cast<size_t>(n_panels * width * d), T(0));
        cnorm.assign(static_cast<size_t>(n_panels * width),
                     std::numeric_limits<T>::infinity());
        for (i64 c0 = 0; c0 < k; ++c0) {
            const i64 p = c0 / width, l = c0 % width;
            double sq = 0, cross = 0;
            for (i64 j = 0; j < d; ++j) {
                const double o = origin != nullptr ? origin[j] : 0.0;
                const T v = static_cast<T>(static_cast<double>(c[c0 * d + j]) - o);
                // rows layout: -2 c' (exact), so the kernel's sum starts from cnorm
                packed[static_cast<size_t>((p * d + j) * width + l)] =
                    layout == Layout::rows ? static_cast<T>(-2 * v) : v;
                sq += static_cast<double>(v) * v;
                cross += o * v;
            }
            cnorm[static_cast<size_t>(c0)] = static_cast<T>(sq + 2.0 * cross);
        }
        // Keep the panels a block streams through small enough to stay in L2.
        const i64 panel_bytes =
            std::max<i64>(1, d * width * static_cast<i64>(sizeof(T)));
        panel_block = std::max<i64>(1, (192 * 1024) / panel_bytes);
    }

    TileArgs<T> tile(const T *x, i64 ldx, i64 m) const {
        return TileArgs<T>{x,
                           ldx,
                           m,
                           d,
                           layout,
                           packed.data(),
                           packed.data(),
                           cnorm.data(),
                           k,
                           n_panels,
                           panel_block};
    }
};

// ---------------------------------------------------------------- tile primitives
//
// Overloads for Dense (SIMD kernels) and Csr (scalar loops) rows [r0, r0 + m).

// labels[r]: the nearest centre, ties to the smallest index.
template <typename T>
inline void tile_assign(const Dense<T> &X, const PackedCenters<T> &pc, i64 r0, i64 m,
                        std::int32_t *labels) {
    kernels<T>().assign(pc.tile(X.data + r0 * X.d, X.d, m), labels);
}

template <typename T> inline double csr_dot(const Csr<T> &X, i64 i, const T *c) {
    double dot = 0;
    for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
        dot += static_cast<double>(X.data[p]) * c[X.indices[p]];
    return dot;
}

template <typename T>
inline void tile_assign(const Csr<T> &X, const PackedCenters<T> &pc, i64 r0, i64 m,
                        std::int32_t *labels) {
    for (i64 r = 0; r < m; ++r) {
        double best = std::numeric_limits<double>::infinity();
        std::int32_t arg = 0;
        for (i64 c = 0; c < pc.k; ++c) {
            const double dist = pc.norm2[static_cast<size_t>(c)] -
                                2.0 * csr_dot(X, r0 + r, pc.rows + c * pc.d);
            if (dist < best) {
                best = dist;
                arg = static_cast<std::int32_t>(c);
            }
        }
        labels[r] = arg;
    }
}

// out[r * ldo + c] = ||x_r - c||^2 for all packed centres, in double, clamped at 0,
// where xsq[i] = ||x_i - origin||^2 for the origin the centres were packed with.
template <typename T>
inline void tile_sqdist_all(const Dense<T> &X, const double *xsq,
                            const PackedCenters<T> &pc, i64 r0, i64 m, T *scratch,
                            double *out, i64 ldo) {
    kernels<T>().partial_distances(pc.tile(X.data + r0 * X.d, X.d, m), scratch, pc.k,
                                   1);
    for (i64 r = 0; r < m; ++r)
        for (i64 c = 0; c < pc.k; ++c)
            out[r * ldo + c] =
                std::max(0.0, xsq[r0 + r] + static_cast<double>(scratch[r * pc.k + c]));
}

template <typename T>
inline void tile_sqdist_all(const Csr<T> &X, const double *xsq,
                            const PackedCenters<T> &pc, i64 r0, i64 m, T *, double *out,
                            i64 ldo) {
    for (i64 r = 0; r < m; ++r)
        for (i64 c = 0; c < pc.k; ++c)
            out[r * ldo + c] =
                std::max(0.0, xsq[r0 + r] + pc.norm2[static_cast<size_t>(c)] -
                                  2.0 * csr_dot(X, r0 + r, pc.rows + c * pc.d));
}

// part[c * m + r] = ||x_r - c||^2 - xsq_r (candidate-major) for all packed centres: the
// kernels' partial distance for dense data; for CSR (no origin, xsq = ||x||^2) ||c||^2
// - 2 x.c in double.
template <typename T>
inline void tile_partial(const Dense<T> &X, const PackedCenters<T> &pc, i64 r0, i64 m,
                         T *part) {
    kernels<T>().partial_distances(pc.tile(X.data + r0 * X.d, X.d, m), part, 1, m);
}

template <typename T>
inline void tile_partial(const Csr<T> &X, const PackedCenters<T> &pc, i64 r0, i64 m,
                         T *part) {
    for (i64 r = 0; r < m; ++r)
        for (i64 c = 0; c < pc.k; ++c)
            part[c * m + r] =
                static_cast<T>(pc.norm2[static_cast<size_t>(c)] -
                               2.0 * csr_dot(X, r0 + r, pc.rows + c * pc.d));
}

// out[r] = ||x_r - centers[labels[r]]||^2 from the differences, in double; cnorm2 =
// ||c||^2.
template <typename T>
inline void tile_sqdist_labelled(const Dense<T> &X, i64 r0, i64 m, const T *centers,
                                 const double *, const std::int32_t *labels,
                                 double *out) {
    kernels<T>().sqdist(X.data + r0 * X.d, X.d, m, X.d, centers, labels, nullptr, out);
}

template <typename T>
inline void tile_sqdist_labelled(const Csr<T> &X, i64 r0, i64 m, const T *centers,
                                 const double *cnorm2, const std::int32_t *labels,
                                 double *out) {
    for (i64 r = 0; r < m; ++r) {
        const i64 i = r0 + r;
        const T *c = centers + static_cast<i64>(labels[r]) * X.d;
        double s = cnorm2[labels[r]];
        for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p) {
            const double cj = c[X.indices[p]];
            const double diff = static_cast<double>(X.data[p]) - cj;
            s += diff * diff - cj * cj;
        }
        out[r] = std::max(0.0, s);
    }
}

// sums[labels[r]] += w x_r, wsum[labels[r]] += w, in double.
template <typename T>
inline void tile_accumulate(const Dense<T> &X, i64 r0, i64 m,
                            const std::int32_t *labels, const T *w, double *sums,
                            double *wsum) {
    kernels<T>().accumulate(X.data + r0 * X.d, X.d, m, X.d, labels, w + r0, sums, wsum);
}

template <typename T>
inline void tile_accumulate(const Csr<T> &X, i64 r0, i64 m, const std::int32_t *labels,
                            const T *w, double *sums, double *wsum) {
    for (i64 r = 0; r < m; ++r) {
        const i64 i = r0 + r;
        const double wi = w[i];
        double *s = sums + static_cast<i64>(labels[r]) * X.d;
        for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
            s[X.indices[p]] += wi * X.data[p];
        wsum[labels[r]] += wi;
    }
}

// out[r] = ||x_r - origin||^2 in double (origin null: zero).
template <typename T>
inline void tile_norms(const Dense<T> &X, i64 r0, i64 m, const double *origin,
                       double *out) {
    kernels<T>().sqdist(X.data + r0 * X.d, X.d, m, X.d, nullptr, nullptr, origin, out);
}

template <typename T>
inline void tile_norms(const Csr<T> &X, i64 r0, i64 m, const double *, double *out) {
    for (i64 r = 0; r < m; ++r) {
        double s = 0;
        for (std::int32_t p = X.indptr[r0 + r]; p < X.indptr[r0 + r + 1]; ++p)
            s += static_cast<double>(X.data[p]) * X.data[p];
        out[r] = s;
    }
}

template <typename T> inline void row_copy(const Dense<T> &X, i64 i, T *out) {
    std::copy(X.data + i * X.d, X.data + (i + 1) * X.d, out);
}

template <typename T> inline void row_copy(const Csr<T> &X, i64 i, T *out) {
    std::fill(out, out + X.d, T(0));
    for (std::int32_t p = X.indptr[i]; p < X.indptr[i + 1]; ++p)
        out[X.indices[p]] += X.data[p];
}

inline std::vector<double> squared_norms(const double *c, i64 k, i64 d) {
    std::vector<double> out(static_cast<size_t>(k));
    for (i64 i = 0; i < k; ++i) {
        double s = 0;
        for (i64 j = 0; j < d; ++j)
            s += c[i * d + j] * c[i * d + j];
        out[static_cast<size_t>(i)] = s;
    }
    return out;
}

template <typename T>
inline std::vector<double> squared_norms(const T *c, i64 k, i64 d) {
    std::vector<double> wide(c, c + k * d);
    return squared_norms(wide.data(), k, d);
}

// Rows per tile: up to kTileRows, fewer for wide rows so that a tile (read once by the
// assignment kernel and again by the accumulation) stays in L2; then a multiple of 12
// rows, the micro-kernels' row blocks.
inline i64 tile_rows_for(i64 d, size_t elem_size) {
    const i64 row_bytes = std::max<i64>(1, d * static_cast<i64>(elem_size));
    const i64 fit = (i64(192) << 10) / row_bytes;
    return fit >= kTileRows ? kTileRows : std::max<i64>(12, fit / 12 * 12);
}

// ---------------------------------------------------------------- block grid

// Rows split into blocks of a whole number of tiles. The grid depends on the shape (n,
// the tile rows and the bytes of per-block state) only: at most kMaxBlocks blocks and
// about kStateBudget bytes of state.
struct BlockGrid {
    static constexpr i64 kMaxBlocks = 64;
    static constexpr i64 kStateBudget = i64(64) << 20;
    i64 n = 0, rows = kTileRows, count = 0;

    BlockGrid(i64 n_, i64 state_bytes_per_block, i64 tile_rows = kTileRows) : n(n_) {
        const i64 cap = std::max<i64>(
            1, std::min<i64>(kMaxBlocks,
                             kStateBudget / std::max<i64>(1, state_bytes_per_block)));
        const i64 want = (n + cap - 1) / cap;
        rows = std::max<i64>(tile_rows, (want + tile_rows - 1) / tile_rows * tile_rows);
        count = (n + rows - 1) / rows;
    }
    i64 begin(i64 b) const { return b * rows; }
    i64 end(i64 b) const { return std::min(n, (b + 1) * rows); }
};

// ---------------------------------------------------------------- column statistics

// Column means and (population) variances, in double, two passes on a fixed block grid.
template <typename T>
void column_mean_var(const Dense<T> &X, bool want_var, int n_threads, double *mean,
                     double *var) {
    const i64 d = X.d;
    const BlockGrid grid(X.n, d * static_cast<i64>(sizeof(double)));
    std::vector<double> part(static_cast<size_t>(grid.count * d));
    auto reduce = [&](double *out) {
        for (i64 j = 0; j < d; ++j) {
            double s = 0;
            for (i64 b = 0; b < grid.count; ++b)
                s += part[static_cast<size_t>(b * d + j)];
            out[j] = s / static_cast<double>(X.n);
        }
    };
    parallel_for(grid.count, n_threads, [&](i64 b) {
        double *p = part.data() + b * d;
        std::fill(p, p + d, 0.0);
        for (i64 i = grid.begin(b); i < grid.end(b); ++i)
            for (i64 j = 0; j < d; ++j)
                p[j] += X.data[i * d + j];
    });
    reduce(mean);
    if (!want_var)
        return;
    parallel_for(grid.count, n_threads, [&](i64 b) {
        double *p = part.data() + b * d;
        std::fill(p, p + d, 0.0);
        for (i64 i = grid.begin(b); i < grid.end(b); ++i)
            for (i64 j = 0; j < d; ++j) {
                const double diff = X.data[i * d + j] - mean[j];
                p[j] += diff * diff;
            }
    });
    reduce(var);
}

// out[i] = ||x_i - origin||^2 in double (origin null: zero).
template <class View>
void row_norms_sq(const View &X, const double *origin, int n_threads, double *out) {
    const i64 n_tiles = (X.n + kTileRows - 1) / kTileRows;
    parallel_for(n_tiles, n_threads, [&](i64 t) {
        const i64 r0 = t * kTileRows;
        tile_norms(X, r0, std::min(kTileRows, X.n - r0), origin, out + r0);
    });
}

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

    // Per-block buffers of the pass that filled these stats, kept so that a loop
    // reusing one LloydStats allocates (and page-faults) them once.
    struct Scratch {
        std::vector<double> state, inertia;
        std::vector<i64> changed;
        void prepare(i64 blocks, i64 slot) {
            state.resize(static_cast<size_t>(blocks * slot));
            inertia.resize(static_cast<size_t>(blocks));
            changed.resize(static_cast<size_t>(blocks));
        }
    } scratch;
};

// Totals of a pass over a block grid: inertia and label changes added in block order,
// and out[e] += the blocks' state[b * slot + e] in block order for every e < slot
// (elements in parallel). The order is fixed by the grid, so the sums do not depend on
// the threads.
inline void reduce_blocks(const LloydStats::Scratch &sc, i64 count, i64 slot,
                          int n_threads, double *out, LloydStats &totals) {
    totals.inertia = 0;
    totals.n_changed = 0;
    for (i64 b = 0; b < count; ++b) {
        totals.inertia += sc.inertia[static_cast<size_t>(b)];
        totals.n_changed += sc.changed[static_cast<size_t>(b)];
    }
    const i64 chunk = 4096;
    parallel_for((slot + chunk - 1) / chunk, n_threads, [&](i64 t) {
        const i64 e0 = t * chunk, e1 = std::min(slot, e0 + chunk);
        for (i64 e = e0; e < e1; ++e) {
            double acc = out[e];
            for (i64 b = 0; b < count; ++b)
                acc += sc.state[static_cast<size_t>(b * slot + e)];
            out[e] = acc;
        }
    });
}

enum class Pass {
    full,        // assign labels, accumulate sums/weights (and inertia if asked)
    assign_only, // assign labels (and inertia if asked); sums/weights left empty
    inertia_only // labels are given; inertia only
};

// One pass over X against centres (k x d). origin: what the centres are packed relative
// to (dense data only; null for zero). Inertia is computed when want_inertia (else 0).
template <class View, typename T>
void lloyd_pass(const View &X, const T *w, const T *centers, i64 k,
                const double *origin, std::int32_t *labels, Pass pass,
                bool want_inertia, int n_threads, LloydStats &out) {
    const i64 d = X.d;
    const bool accumulate = pass == Pass::full;
    const bool assign = pass != Pass::inertia_only;
    want_inertia = want_inertia || pass == Pass::inertia_only;
    const i64 slot = accumulate ? k * d + k : 0;
    const i64 tile = tile_rows_for(d, sizeof(T));
    const BlockGrid grid(X.n, (slot + 2) * static_cast<i64>(sizeof(double)), tile);
    PackedCenters<T> pc;
    if (assign)
        pc.pack(centers, k, d, origin, std::is_same<View, Dense<T>>::value);
    LloydStats::Scratch &sc = out.scratch;
    sc.prepare(grid.count, slot);
    const std::vector<double> cnorm2 = squared_norms(centers, k, d);

    parallel_for(grid.count, n_threads, [&](i64 b) {
        double *sums = sc.state.data() + b * slot;
        double *wsum = sums + k * d;
        std::fill(sums, sums + slot, 0.0);
        double inertia = 0;
        i64 changed = 0;
        std::int32_t tile_labels[kTileRows];
        double dist[kTileRows];
        for (i64 r0 = grid.begin(b); r0 < grid.end(b); r0 += tile) {
            const i64 m = std::min(tile, grid.end(b) - r0);
            std::int32_t *lab = labels + r0;
            if (assign) {
                tile_assign(X, pc, r0, m, tile_labels);
                for (i64 r = 0; r < m; ++r) {
                    changed += tile_labels[r] != lab[r];
                    lab[r] = tile_labels[r];
                }
            }
            if (accumulate)
                tile_accumulate(X, r0, m, lab, w, sums, wsum);
            if (want_inertia) {
                tile_sqdist_labelled(X, r0, m, centers, cnorm2.data(), lab, dist);
                for (i64 r = 0; r < m; ++r)
                    inertia += static_cast<double>(w[r0 + r]) * dist[r];
            }
        }
        sc.inertia[static_cast<size_t>(b)] = inertia;
        sc.changed[static_cast<size_t>(b)] = changed;
    });

    std::vector<double> total(static_cast<size_t>(slot), 0.0);
    reduce_blocks(out.scratch, grid.count, slot, n_threads, total.data(), out);
    out.sums.assign(total.begin(), total.begin() + (accumulate ? k * d : 0));
    out.weights.assign(total.begin() + (accumulate ? k * d : 0), total.end());
}

// Samples that may take the place of an empty cluster: the farthest from their
// assigned (old) centres, with what moving them needs. Candidates of disjoint row sets
// (blocks of a distributed array) can be concatenated before relocate_from_candidates.
struct RelocationCandidates {
    std::vector<double> dist;        // squared distance to the assigned centre
    std::vector<i64> index;          // the sample's row (plus the caller's offset)
    std::vector<std::int32_t> label; // its cluster
    std::vector<double> weight;      // its weight
    std::vector<double> rows;        // its features (m x d, the data's values)

    i64 size() const { return static_cast<i64>(dist.size()); }
};

// The m samples of X farthest from their centres (ties: lowest index), their indices
// offset by index_offset.
template <class View, typename T>
RelocationCandidates farthest_samples(const View &X, const T *w, const T *centers_old,
                                      i64 k, const std::int32_t *labels, i64 m,
                                      i64 index_offset, int n_threads) {
    const i64 d = X.d;
    RelocationCandidates out;
    m = std::min(m, X.n);
    if (m <= 0)
        return out;
    const std::vector<double> cnorm2 = squared_norms(centers_old, k, d);
    std::vector<double> dist(static_cast<size_t>(X.n));
    const i64 n_tiles = (X.n + kTileRows - 1) / kTileRows;
    parallel_for(n_tiles, n_threads, [&](i64 t) {
        const i64 r0 = t * kTileRows;
        tile_sqdist_labelled(X, r0, std::min(kTileRows, X.n - r0), centers_old,
                             cnorm2.data(), labels + r0, dist.data() + r0);
    });
    std::vector<i64> order(static_cast<size_t>(X.n));
    std::iota(order.begin(), order.end(), i64(0));
    std::partial_sort(order.begin(), order.begin() + m, order.end(), [&](i64 a, i64 b) {
        const double da = dist[static_cast<size_t>(a)],
                     db = dist[static_cast<size_t>(b)];
        return da > db || (da == db && a < b);
    });
    std::vector<T> row(static_cast<size_t>(d));
    for (i64 e = 0; e < m; ++e) {
        const i64 i = order[static_cast<size_t>(e)];
        out.dist.push_back(dist[static_cast<size_t>(i)]);
        out.index.push_back(i + index_offset);
        out.label.push_back(labels[i]);
        out.weight.push_back(static_cast<double>(w[i]));
        row_copy(X, i, row.data());
        for (i64 j = 0; j < d; ++j)
            out.rows.push_back(static_cast<double>(row[static_cast<size_t>(j)]));
    }
    return out;
}

// Clusters with zero weight take the candidates farthest from their centres, farthest
// first, ties to the lowest sample index, as scikit-learn does; nothing moves when
// every sample sits exactly on its centre. Updates stats.sums/weights in place;
// returns clusters relocated.
inline i64 relocate_from_candidates(const RelocationCandidates &cand, i64 k, i64 d,
                                    LloydStats &stats) {
    std::vector<i64> empty;
    for (i64 c = 0; c < k; ++c)
        if (stats.weights[static_cast<size_t>(c)] == 0)
            empty.push_back(c);
    if (empty.empty() || cand.size() == 0 ||
        *std::max_element(cand.dist.begin(), cand.dist.end()) == 0)
        return 0;
    std::vector<i64> order(static_cast<size_t>(cand.size()));
    std::iota(order.begin(), order.end(), i64(0));
    std::sort(order.begin(), order.end(), [&](i64 a, i64 b) {
        const double da = cand.dist[static_cast<size_t>(a)],
                     db = cand.dist[static_cast<size_t>(b)];
        return da > db || (da == db && cand.index[static_cast<size_t>(a)] <
                                           cand.index[static_cast<size_t>(b)]);
    });
    const i64 n_far = std::min<i64>(static_cast<i64>(empty.size()), cand.size());
    for (i64 e = 0; e < n_far; ++e) {
        const i64 c_new = empty[static_cast<size_t>(e)];
        const i64 s = order[static_cast<size_t>(e)];
        const i64 c_old = cand.label[static_cast<size_t>(s)];
        const double wi = cand.weight[static_cast<size_t>(s)];
        const double *row = cand.rows.data() + s * d;
        for (i64 j = 0; j < d; ++j) {
            const double v = row[j] * wi;
            stats.sums[static_cast<size_t>(c_old * d + j)] -= v;
            stats.sums[static_cast<size_t>(c_new * d + j)] = v;
        }
        stats.weights[static_cast<size_t>(c_new)] = wi;
        stats.weights[static_cast<size_t>(c_old)] -= wi;
    }
    return n_far;
}

// Clusters with zero weight take the samples of X farthest from their assigned (old)
// centres (relocate_from_candidates). Returns clusters relocated.
template <class View, typename T>
i64 relocate_empty_clusters(const View &X, const T *w, const T *centers_old, i64 k,
                            const std::int32_t *labels, int n_threads,
                            LloydStats &stats) {
    i64 n_empty = 0;
    for (i64 c = 0; c < k; ++c)
        n_empty += stats.weights[static_cast<size_t>(c)] == 0;
    if (n_empty == 0)
        return 0;
    const RelocationCandidates cand =
        farthest_samples(X, w, centers_old, k, labels, n_empty, 0, n_threads);
    return relocate_from_candidates(cand, k, X.d, stats);
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

// The Lloyd update from a pass's statistics (empty clusters already relocated): next =
// the weighted means (centers_from_stats, from a copy of centers). Returns the total
// squared move of the centres, the quantity compared with tol.
template <typename T>
double lloyd_update(const LloydStats &stats, const T *centers, i64 k, i64 d, T *next) {
    std::copy(centers, centers + k * d, next);
    centers_from_stats(stats, k, d, next);
    double shift = 0;
    for (i64 e = 0; e < k * d; ++e) {
        const double diff = static_cast<double>(next[e]) - centers[e];
        shift += diff * diff;
    }
    return shift;
}

// ---------------------------------------------------------------- pruned assignment

// Bounds pay off when the rows they settle save more than the rows they rescan cost:
// a rescanned row (gathered, then its best and second-best centre found) costs several
// times what the register-tiled full pass spends on it, the more so the larger k and
// the smaller d. Measured (200k-row blobs, 30 iterations, from k-means++ or from the
// first rows; unpruned time / pruned time): d = 2-4, 0.1-1.1; d = 8, 0.1-2; d = 16,
// 1.2-1.6 for k <= 64 but 0.45-0.9 for k >= 256; d >= 24, 1-1.5; d >= 48, 1.4-3.9.
inline bool prune_pays(i64 k, i64 d) {
    return k > 1 && (d >= 24 || (d >= 16 && k <= 64));
}

// Hamerly's bounds (Hamerly 2010) for the assignment step of dense data. Per sample:
// upper[i] bounds the distance to its centre, lower[i] the distance to every other
// centre. A sample whose bounds prove that no other centre can be nearer keeps its
// label without any distance being computed; the others are rescanned over all centres
// with the same kernels as the unpruned pass. The proof carries a margin for the
// rounding of the computed distances, so the labels are those the full scan would give
// (same argmin, ties to the lowest index).
struct Bounds {
    std::vector<double> upper, lower, xsq; // xsq = ||x - origin||^2
    bool valid = false;                    // false: the next pass rescans every sample
    // Running sums and weights per cluster for the current labels: a pass adds only the
    // rows whose label changed. Rebuilt in full when !sums_valid (first pass,
    // relocation).
    std::vector<double> running; // [sums (k*d), weights (k), member counts (k)]
    bool sums_valid = false;
};

// Half the distance from each centre to its nearest other centre.
template <typename T> std::vector<double> half_gaps(const T *centers, i64 k, i64 d) {
    std::vector<double> s(static_cast<size_t>(k),
                          std::numeric_limits<double>::infinity());
    for (i64 a = 0; a < k; ++a)
        for (i64 b = a + 1; b < k; ++b) {
            double d2 = 0;
            for (i64 j = 0; j < d; ++j) {
                const double diff =
                    static_cast<double>(centers[a * d + j]) - centers[b * d + j];
                d2 += diff * diff;
            }
            const double h = 0.5 * std::sqrt(d2);
            s[static_cast<size_t>(a)] = std::min(s[static_cast<size_t>(a)], h);
            s[static_cast<size_t>(b)] = std::min(s[static_cast<size_t>(b)], h);
        }
    return s;
}

// A full Pass::full over dense X (labels, sums, weights, n_changed; inertia if asked)
// that skips the samples the bounds settle, and refreshes the bounds of the others.
template <typename T>
void pruned_pass(const Dense<T> &X, const T *w, const T *centers, i64 k,
                 const double *origin, std::int32_t *labels, bool accumulate,
                 bool want_inertia, int n_threads, Bounds &bd, LloydStats &out) {
    const i64 d = X.d;
    const i64 slot = k * d + 2 * k; // sums, weights, member counts
    const i64 tile = tile_rows_for(d, sizeof(T));
    const BlockGrid grid(X.n, (slot + 2) * static_cast<i64>(sizeof(double)), tile);
    PackedCenters<T> pc;
    pc.pack(centers, k, d, origin);
    const std::vector<double> s = half_gaps(centers, k, d);
    double cmax2 = 0; // largest ||c - origin||^2, for the rounding margin
    for (i64 c = 0; c < k; ++c) {
        double q = 0;
        for (i64 j = 0; j < d; ++j) {
            const double v =
                static_cast<double>(centers[c * d + j]) - (origin ? origin[j] : 0.0);
            q += v * v;
        }
        cmax2 = std::max(cmax2, q);
    }
    // Computed squared distances are within ~ (d + 4) eps (||x - o||^2 + ||c - o||^2)
    // of the true ones; four times that keeps every pruning decision on the safe side.
    const double gamma =
        4.0 * static_cast<double>(d + 4) * std::numeric_limits<T>::epsilon();
    const bool valid = bd.valid;
    const bool incremental = bd.sums_valid || !accumulate; // no full accumulation
    LloydStats::Scratch &sc = out.scratch;
    sc.prepare(grid.count, slot);
    const std::vector<double> cnorm2 = squared_norms(centers, k, d);

    parallel_for(grid.count, n_threads, [&](i64 b) {
        double *sums = sc.state.data() + b * slot;
        double *wsum = sums + k * d;
        double *count = wsum + k;
        std::fill(sums, sums + slot, 0.0);
        std::vector<T> gathered(static_cast<size_t>(tile * d));
        std::vector<T> dist(static_cast<size_t>(tile * k));
        std::vector<i64> rescan(static_cast<size_t>(tile));
        double inertia = 0;
        i64 changed = 0;
        double sq[kTileRows];
        for (i64 r0 = grid.begin(b); r0 < grid.end(b); r0 += tile) {
            const i64 m = std::min(tile, grid.end(b) - r0);
            i64 nr = 0;
            for (i64 i = r0; i < r0 + m; ++i) {
                if (valid) {
                    const double u = bd.upper[static_cast<size_t>(i)];
                    const double bound = std::max(s[static_cast<size_t>(labels[i])],
                                                  bd.lower[static_cast<size_t>(i)]);
                    const double margin =
                        gamma * (bd.xsq[static_cast<size_t>(i)] + cmax2);
                    if (u * u + margin < bound * bound)
                        continue; // settled: label stays
                }
                rescan[static_cast<size_t>(nr++)] = i;
            }
            for (i64 q = 0; q < nr; ++q)
                std::copy(X.data + rescan[static_cast<size_t>(q)] * d,
                          X.data + (rescan[static_cast<size_t>(q)] + 1) * d,
                          gathered.begin() + q * d);
            if (nr > 0)
                kernels<T>().partial_distances(pc.tile(gathered.data(), d, nr),
                                               dist.data(), k, 1);
            for (i64 q = 0; q < nr; ++q) {
                const i64 i = rescan[static_cast<size_t>(q)];
                const T *row = dist.data() + q * k;
                i64 best = 0;
                T b1 = row[0], b2 = std::numeric_limits<T>::infinity();
                for (i64 c = 1; c < k; ++c) {
                    const T v = row[c];
                    if (v < b1) {
                        b2 = b1;
                        b1 = v;
                        best = c;
                    } else if (v < b2) {
                        b2 = v;
                    }
                }
                const double xs = bd.xsq[static_cast<size_t>(i)];
                bd.upper[static_cast<size_t>(i)] =
                    std::sqrt(std::max(0.0, xs + static_cast<double>(b1)));
                bd.lower[static_cast<size_t>(i)] =
                    k > 1 ? std::sqrt(std::max(0.0, xs + static_cast<double>(b2)))
                          : std::numeric_limits<double>::infinity();
                const std::int32_t was = labels[i];
                if (was != best) {
                    ++changed;
                    if (incremental &&
                        accumulate) { // move the row's weight from its old cluster
                        const std::int32_t to = static_cast<std::int32_t>(best);
                        const T wi = w[i], neg = static_cast<T>(-w[i]);
                        const T *xr = gathered.data() + q * d;
                        kernels<T>().accumulate(xr, d, 1, d, &was, &neg, sums, wsum);
                        kernels<T>().accumulate(xr, d, 1, d, &to, &wi, sums, wsum);
                        count[was] -= 1;
                        count[to] += 1;
                    }
                }
                labels[i] = static_cast<std::int32_t>(best);
            }
            if (!incremental) {
                tile_accumulate(X, r0, m, labels + r0, w, sums, wsum);
                for (i64 r = 0; r < m; ++r)
                    count[labels[r0 + r]] += 1;
            }
            if (want_inertia) {
                tile_sqdist_labelled(X, r0, m, centers, cnorm2.data(), labels + r0, sq);
                for (i64 r = 0; r < m; ++r)
                    inertia += static_cast<double>(w[r0 + r]) * sq[r];
            }
        }
        sc.inertia[static_cast<size_t>(b)] = inertia;
        sc.changed[static_cast<size_t>(b)] = changed;
    });
    bd.valid = true;

    // Onto the running totals when incremental (the blocks then hold changes), else
    // from zero.
    if (!incremental || !accumulate)
        bd.running.assign(static_cast<size_t>(slot), 0.0);
    reduce_blocks(out.scratch, grid.count, accumulate ? slot : 0, n_threads,
                  bd.running.data(), out);
    if (!accumulate)
        return;
    double *sums = bd.running.data(), *weights = sums + k * d, *counts = weights + k;
    // A cluster left with no member is empty exactly, whatever rounding the running
    // sums kept (relocation tests weights == 0).
    for (i64 c = 0; c < k; ++c)
        if (counts[c] == 0) {
            weights[c] = 0;
            std::fill(sums + c * d, sums + (c + 1) * d, 0.0);
        }
    bd.sums_valid = true;
    out.sums.assign(sums, sums + k * d);
    out.weights.assign(weights, weights + k);
}

// After the centres moved from old to new: upper grows by its centre's move, lower
// shrinks by the largest move of any other centre.
template <typename T>
void move_bounds(const T *old_c, const T *new_c, i64 k, i64 d,
                 const std::int32_t *labels, i64 n, int n_threads, Bounds &bd) {
    std::vector<double> delta(static_cast<size_t>(k));
    i64 top = 0;
    for (i64 c = 0; c < k; ++c) {
        double q = 0;
        for (i64 j = 0; j < d; ++j) {
            const double diff =
                static_cast<double>(new_c[c * d + j]) - old_c[c * d + j];
            q += diff * diff;
        }
        delta[static_cast<size_t>(c)] = std::sqrt(q);
        if (delta[static_cast<size_t>(c)] > delta[static_cast<size_t>(top)])
            top = c;
    }
    double second = 0;
    for (i64 c = 0; c < k; ++c)
        if (c != top)
            second = std::max(second, delta[static_cast<size_t>(c)]);
    const double first = delta[static_cast<size_t>(top)];
    const i64 chunk = 8192;
    parallel_for((n + chunk - 1) / chunk, n_threads, [&](i64 t) {
        for (i64 i = t * chunk; i < std::min(n, (t + 1) * chunk); ++i) {
            const i64 a = labels[i];
            bd.upper[static_cast<size_t>(i)] += delta[static_cast<size_t>(a)];
            bd.lower[static_cast<size_t>(i)] = std::max(
                0.0, bd.lower[static_cast<size_t>(i)] - (a == top ? second : first));
        }
    });
}

// ---------------------------------------------------------------- one Lloyd run

// When the assignment uses Hamerly's bounds: never, when prune_pays(k, d), or always.
enum class Prune { never, automatic, always };

struct LloydParams {
    i64 max_iter = 300;
    double tol = 0; // absolute: compared with the total squared centre shift
    bool track_inertia = false; // compute the inertia of every iteration (for progress)
    const double *origin = nullptr; // dense data: what centres are packed relative to
    Prune prune = Prune::automatic; // dense data: when to use Hamerly's bounds
    const double *xsq = nullptr;    // dense data: ||x - origin||^2 if already known
    int n_threads = 1;
};

struct IterInfo {
    i64 iter;       // 0-based
    double inertia; // objective of the new labels against the centres before the update
                    // (NaN unless track_inertia)
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
// One Pass::full, pruned with the bounds for dense data (CSR: never pruned).
template <typename T>
void full_pass(const Dense<T> &X, const T *w, const T *centers, i64 k,
               const LloydParams &p, std::int32_t *labels, Bounds *bd,
               LloydStats &stats) {
    if (bd != nullptr)
        pruned_pass(X, w, centers, k, p.origin, labels, true, p.track_inertia,
                    p.n_threads, *bd, stats);
    else
        lloyd_pass(X, w, centers, k, p.origin, labels, Pass::full, p.track_inertia,
                   p.n_threads, stats);
}

template <typename T>
void full_pass(const Csr<T> &X, const T *w, const T *centers, i64 k,
               const LloydParams &p, std::int32_t *labels, Bounds *,
               LloydStats &stats) {
    lloyd_pass(X, w, centers, k, p.origin, labels, Pass::full, p.track_inertia,
               p.n_threads, stats);
}

// The last assignment of a run that did not converge strictly, with the bounds (dense
// only).
template <typename T>
void final_pruned_pass(const Dense<T> &X, const T *w, const T *centers, i64 k,
                       const LloydParams &p, std::int32_t *labels, Bounds &bd,
                       LloydStats &stats) {
    pruned_pass(X, w, centers, k, p.origin, labels, false, true, p.n_threads, bd,
                stats);
}

template <typename T>
void final_pruned_pass(const Csr<T> &, const T *, const T *, i64, const LloydParams &,
                       std::int32_t *, Bounds &, LloydStats &) {}

template <class View, typename T>
LloydResult lloyd_run(const View &X, const T *w, T *centers, i64 k,
                      std::int32_t *labels, const LloydParams &params,
                      const std::function<bool(const IterInfo &)> &progress) {
    const i64 d = X.d;
    std::fill(labels, labels + X.n, std::int32_t(-1));
    std::vector<T> next(static_cast<size_t>(k * d));
    LloydParams p = params;
    p.n_threads = threads_for_work(p.n_threads, X.n * k * d);
    LloydStats stats;
    LloydResult res;
    Bounds bounds;
    Bounds *bd = nullptr;
    const bool worth =
        p.prune == Prune::always || (p.prune == Prune::automatic && prune_pays(k, d));
    if (worth && k > 1 && std::is_same<View, Dense<T>>::value) {
        bd = &bounds;
        bounds.upper.assign(static_cast<size_t>(X.n), 0.0);
        bounds.lower.assign(static_cast<size_t>(X.n), 0.0);
        if (p.xsq != nullptr) {
            bounds.xsq.assign(p.xsq, p.xsq + X.n);
        } else {
            bounds.xsq.resize(static_cast<size_t>(X.n));
            row_norms_sq(X, p.origin, p.n_threads, bounds.xsq.data());
        }
    }
    for (i64 it = 0; it < p.max_iter; ++it) {
        full_pass(X, w, centers, k, p, labels, bd, stats);
        if (relocate_empty_clusters(X, w, centers, k, labels, p.n_threads, stats) > 0 &&
            bd != nullptr)
            bd->sums_valid =
                false; // stats no longer match the labels: rebuild next pass
        const double shift = lloyd_update(stats, centers, k, d, next.data());
        if (bd != nullptr)
            move_bounds(centers, next.data(), k, d, labels, X.n, p.n_threads, *bd);
        std::copy(next.begin(), next.end(), centers);
        res.n_iter = it + 1;
        const double inertia =
            p.track_inertia ? stats.inertia : std::numeric_limits<double>::quiet_NaN();
        if (progress && !progress(IterInfo{it, inertia, shift, stats.n_changed})) {
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
    if (bd != nullptr && !res.strict_convergence)
        final_pruned_pass(X, w, centers, k, p, labels, *bd, stats);
    else
        lloyd_pass(X, w, centers, k, p.origin, labels,
                   res.strict_convergence ? Pass::inertia_only : Pass::assign_only,
                   true, p.n_threads, stats);
    res.inertia = stats.inertia;
    return res;
}

// ---------------------------------------------------------------- k-means++

// Greedy k-means++ (Arthur & Vassilvitskii, with local trials as in scikit-learn). The
// random draws come from the caller so that a NumPy RandomState can drive it with
// scikit-learn's exact stream: first = index of the first centre; uniforms = (k-1) *
// trials values in [0, 1). At step c, candidate t is the first sample whose running sum
// of w_i D(x_i)^2 reaches uniforms[(c-1)*trials + t] * potential; the candidate that
// most lowers the potential wins (first on ties). xsq[i] = ||x_i - origin||^2 (dense
// data: origin may be null for zero; CSR: no origin). Writes k centres (rows of X) and
// their indices. keep_going() runs between centres; false stops.
//
// Each step is one pass over X that computes the distances to the step's candidates and
// every candidate's potential, and folds the previous winner into `closest` on the way
// (its distances are computed again rather than stored: n x trials doubles of memory
// traffic cost more). All packs use one layout, so a centre's distances are the same in
// every pack it is part of.
template <class View, typename T>
void kmeans_plusplus(const View &X, const T *w, const double *xsq, const double *origin,
                     i64 k, i64 first, const double *uniforms, i64 trials,
                     int n_threads, T *centers, i64 *indices,
                     const std::function<bool()> &keep_going = nullptr) {
    const i64 n = X.n, d = X.d;
    trials = std::max<i64>(trials, 1);
    n_threads = threads_for_work(n_threads, n * d * trials);
    const bool dense = std::is_same<View, Dense<T>>::value;
    const Layout layout = PackedCenters<T>::choose(trials + 1, d);
    const i64 tile = tile_rows_for(d, sizeof(T));
    const i64 block_rows = tile * std::max<i64>(1, 2048 / tile);
    const i64 n_blocks = (n + block_rows - 1) / block_rows;
    std::vector<double> closest(static_cast<size_t>(n),
                                std::numeric_limits<double>::infinity());
    std::vector<double> block_pot(static_cast<size_t>(n_blocks * (trials + 1)));
    std::vector<double> block_sum(static_cast<size_t>(n_blocks));
    std::vector<T> packed_rows(
        static_cast<size_t>((trials + 1) * d)); // [winner, candidates]
    std::vector<i64> cand_idx(static_cast<size_t>(trials));
    PackedCenters<T> pc;
    bool have_winner =
        false; // row 0 of packed_rows: the last winner, not yet in closest

    // closest[i] = min(closest[i], distance to packed centre 0) for rows of a tile.
    auto fold = [&](i64 r0, i64 m, const T *part) {
        for (i64 r = 0; r < m; ++r) {
            const double v = std::max(0.0, xsq[r0 + r] + static_cast<double>(part[r]));
            double &cl = closest[static_cast<size_t>(r0 + r)];
            cl = std::min(cl, v);
        }
    };
    // One pass over X with pc = [winner if any, nc candidates]: fold the winner, then
    // the block potentials sum_i w_i min(closest_i, dist_it) of the candidates.
    auto pass = [&](i64 nc) {
        const i64 off = have_winner ? 1 : 0;
        parallel_for(n_blocks, n_threads, [&](i64 b) {
            std::vector<T> part(static_cast<size_t>(tile * (nc + off)));
            std::vector<double> acc(static_cast<size_t>(nc), 0.0);
            const i64 e = std::min(n, (b + 1) * block_rows);
            for (i64 r0 = b * block_rows; r0 < e; r0 += tile) {
                const i64 m = std::min(tile, e - r0);
                tile_partial(X, pc, r0, m, part.data());
                if (have_winner)
                    fold(r0, m, part.data());
                kernels<T>().pp_potentials(part.data() + off * m, m, m, nc, xsq + r0,
                                           w + r0, closest.data() + r0, nullptr, 0,
                                           acc.data());
            }
            std::copy(acc.begin(), acc.end(), block_pot.begin() + b * trials);
        });
    };
    auto take = [&](i64 c, i64 i) {
        row_copy(X, i, centers + c * d);
        indices[c] = i;
    };

    take(0, first);
    std::copy(centers, centers + d,
              packed_rows.begin() + d); // the first centre as a candidate
    pc.pack(packed_rows.data() + d, 1, d, origin, dense, &layout);
    pass(1);
    double pot = 0;
    for (i64 b = 0; b < n_blocks; ++b) {
        block_sum[static_cast<size_t>(b)] = block_pot[static_cast<size_t>(b * trials)];
        pot += block_sum[static_cast<size_t>(b)];
    }
    std::copy(centers, centers + d, packed_rows.begin());
    have_winner = true;

    PackedCenters<T> winner;
    std::vector<T> part(static_cast<size_t>(tile));
    std::vector<char> folded(static_cast<size_t>(n_blocks));
    for (i64 c = 1; c < k; ++c) {
        if (keep_going && !keep_going())
            return;
        winner.pack(packed_rows.data(), 1, d, origin, dense, &layout);
        // Locate the candidates on the cumulative sum of w * closest, block sums first.
        // A block the search enters gets the pending winner folded into closest first
        // (once per step; the pass folds it again, which changes nothing).
        std::fill(folded.begin(), folded.end(), 0);
        for (i64 t = 0; t < trials; ++t) {
            const double target = uniforms[(c - 1) * trials + t] * pot;
            i64 b = 0;
            double run = 0;
            while (b + 1 < n_blocks && run + block_sum[static_cast<size_t>(b)] < target)
                run += block_sum[static_cast<size_t>(b++)];
            i64 found = n - 1; // rounding may leave the target past the last sample
            for (; b < n_blocks && found == n - 1; ++b) {
                const i64 e = std::min(n, (b + 1) * block_rows);
                if (!folded[static_cast<size_t>(b)]) {
                    for (i64 r0 = b * block_rows; r0 < e; r0 += tile) {
                        const i64 m = std::min(tile, e - r0);
                        tile_partial(X, winner, r0, m, part.data());
                        fold(r0, m, part.data());
                    }
                    folded[static_cast<size_t>(b)] = 1;
                }
                for (i64 i = b * block_rows; i < e; ++i) {
                    run += static_cast<double>(w[i]) * closest[static_cast<size_t>(i)];
                    if (run >= target) {
                        found = i;
                        break;
                    }
                }
            }
            cand_idx[static_cast<size_t>(t)] = found;
            row_copy(X, found, packed_rows.data() + (1 + t) * d);
        }
        pc.pack(packed_rows.data(), trials + 1, d, origin, dense, &layout);
        pass(trials);
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
        for (i64 b = 0; b < n_blocks; ++b)
            block_sum[static_cast<size_t>(b)] =
                block_pot[static_cast<size_t>(b * trials + best)];
        std::copy(packed_rows.begin() + (1 + best) * d,
                  packed_rows.begin() + (2 + best) * d, packed_rows.begin());
        pot = best_pot;
    }
}

// ---------------------------------------------------------------- distances for
// transform

// out[i * k + c] = ||x_i - c|| (squared if !root), from the differences, in double.
template <class View, typename T, typename O>
void euclidean_to_centers(const View &X, const T *centers, i64 k, bool root,
                          int n_threads, O *out) {
    const std::vector<double> cnorm2 = squared_norms(centers, k, X.d);
    const i64 n_tiles = (X.n + kTileRows - 1) / kTileRows;
    parallel_for(n_tiles, n_threads, [&](i64 t) {
        const i64 r0 = t * kTileRows, m = std::min(kTileRows, X.n - r0);
        std::int32_t lab[kTileRows];
        double dist[kTileRows];
        for (i64 c = 0; c < k; ++c) {
            std::fill(lab, lab + m, static_cast<std::int32_t>(c));
            tile_sqdist_labelled(X, r0, m, centers, cnorm2.data(), lab, dist);
            for (i64 r = 0; r < m; ++r)
                out[(r0 + r) * k + c] =
                    static_cast<O>(root ? std::sqrt(dist[r]) : dist[r]);
        }
    });
}

} // namespace cc
