// dbscan.hpp - DBSCAN with scikit-learn's exact labels in O(n) extra memory.
//
// Python-free. A k-d tree over the caller's rows answers range counts and range visits;
// neighbour lists are never stored. Steps:
//   1. core[i] = (sum of w_j over j with dist(i, j) <= eps) >= min_samples   (i itself
//   counts)
//   2. union-find over core-core pairs within eps; a root is always the smallest index
//   of its
//      component (links go from the larger root to the smaller, by compare-and-swap),
//      so the partition and the roots do not depend on the thread count;
//   3. clusters are numbered by their root in increasing order, which is scikit-learn's
//   order
//      (it grows clusters from core points in index order);
//   4. a border point takes the smallest cluster id among its core neighbours
//   (scikit-learn
//      grows the lowest-numbered cluster first, so that one claims it); others are
//      noise (-1).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "parallel.hpp"

namespace cc {

// Minkowski-family metrics, compared through a "reduced" distance that is monotone in
// the distance: sum |d|^p for finite p (squares for p = 2), max |d| for p = inf.
struct Metric {
    enum Kind { euclidean, manhattan, chebyshev, minkowski } kind = euclidean;
    double p = 2;

    double reduce_radius(double eps) const {
        switch (kind) {
        case euclidean:
            return eps * eps;
        case manhattan:
        case chebyshev:
            return eps;
        default:
            return std::pow(eps, p);
        }
    }
    // Reduced distance contribution of one coordinate gap (|gap| >= 0).
    double term(double gap) const {
        switch (kind) {
        case euclidean:
            return gap * gap;
        case manhattan:
        case chebyshev:
            return gap;
        default:
            return std::pow(gap, p);
        }
    }
    double combine(double acc, double t) const {
        return kind == chebyshev ? std::max(acc, t) : acc + t;
    }
};

// A k-d tree over n rows of X (row-major n x d, not owned: the caller keeps X alive).
// Nodes hold a contiguous range of `order` and the bounding box of their rows.
template <typename T> class KdTree {
  public:
    KdTree(const T *X, std::int64_t n, std::int64_t d, std::int64_t leaf_size = 32)
        : X_(X), n_(n), d_(d) {
        order_.resize(static_cast<size_t>(n));
        std::iota(order_.begin(), order_.end(), std::int64_t(0));
        leaf_ = std::max<std::int64_t>(1, leaf_size);
        if (n > 0)
            build(0, n);
    }

    // Calls f(j, reduced_distance) for every row j with reduced distance to q <= r,
    // until f returns false (f may also return void: visit all).
    template <class F> void visit(const T *q, double r, const Metric &m, F &&f) const {
        if (n_ == 0)
            return;
        std::int64_t stack[128]; // median splits: depth <= log2(n) < 64
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Node &nd = nodes_[static_cast<size_t>(stack[--top])];
            if (box_distance(nd, q, m) > r)
                continue;
            if (nd.left < 0) {
                for (std::int64_t p = nd.begin; p < nd.end; ++p) {
                    const std::int64_t j = order_[static_cast<size_t>(p)];
                    const double dist = row_distance(q, X_ + j * d_, m, r);
                    if (dist > r)
                        continue;
                    if constexpr (std::is_same<decltype(f(j, dist)), bool>::value) {
                        if (!f(j, dist))
                            return;
                    } else {
                        f(j, dist);
                    }
                }
            } else {
                stack[top++] = nd.right;
                stack[top++] = nd.left;
            }
        }
    }

    // Reduced distance between q and row y, with an early exit once it exceeds r.
    double row_distance(const T *q, const T *y, const Metric &m, double r) const {
        double acc = 0;
        for (std::int64_t k = 0; k < d_; ++k) {
            acc = m.combine(acc, m.term(std::fabs(static_cast<double>(q[k]) -
                                                  static_cast<double>(y[k]))));
            if (acc > r)
                return acc;
        }
        return acc;
    }

  private:
    struct Node {
        std::int64_t begin, end, left = -1, right = -1;
        std::vector<double> lo, hi;
    };

    double box_distance(const Node &nd, const T *q, const Metric &m) const {
        double acc = 0;
        for (std::int64_t k = 0; k < d_; ++k) {
            const double v = q[k];
            double gap = 0;
            if (v < nd.lo[static_cast<size_t>(k)])
                gap = nd.lo[static_cast<size_t>(k)] - v;
            else if (v > nd.hi[static_cast<size_t>(k)])
                gap = v - nd.hi[static_cast<size_t>(k)];
            acc = m.combine(acc, m.term(gap));
        }
        return acc;
    }

    std::int64_t build(std::int64_t begin, std::int64_t end) {
        const std::int64_t id = static_cast<std::int64_t>(nodes_.size());
        nodes_.push_back(Node{begin, end, -1, -1,
                              std::vector<double>(static_cast<size_t>(d_)),
                              std::vector<double>(static_cast<size_t>(d_))});
        std::vector<double> lo(static_cast<size_t>(d_),
                               std::numeric_limits<double>::infinity());
        std::vector<double> hi(static_cast<size_t>(d_),
                               -std::numeric_limits<double>::infinity());
        for (std::int64_t p = begin; p < end; ++p) {
            const T *x = X_ + order_[static_cast<size_t>(p)] * d_;
            for (std::int64_t k = 0; k < d_; ++k) {
                lo[static_cast<size_t>(k)] =
                    std::min(lo[static_cast<size_t>(k)], static_cast<double>(x[k]));
                hi[static_cast<size_t>(k)] =
                    std::max(hi[static_cast<size_t>(k)], static_cast<double>(x[k]));
            }
        }
        nodes_[static_cast<size_t>(id)].lo = lo;
        nodes_[static_cast<size_t>(id)].hi = hi;
        if (end - begin <= leaf_)
            return id;
        std::int64_t axis = 0;
        for (std::int64_t k = 1; k < d_; ++k)
            if (hi[static_cast<size_t>(k)] - lo[static_cast<size_t>(k)] >
                hi[static_cast<size_t>(axis)] - lo[static_cast<size_t>(axis)])
                axis = k;
        if (!(hi[static_cast<size_t>(axis)] > lo[static_cast<size_t>(axis)]))
            return id; // all equal
        const std::int64_t mid = begin + (end - begin) / 2;
        std::nth_element(order_.begin() + begin, order_.begin() + mid,
                         order_.begin() + end, [&](std::int64_t a, std::int64_t b) {
                             const T va = X_[a * d_ + axis], vb = X_[b * d_ + axis];
                             return va < vb || (va == vb && a < b);
                         });
        const std::int64_t l = build(begin, mid);
        const std::int64_t r = build(mid, end);
        nodes_[static_cast<size_t>(id)].left = l;
        nodes_[static_cast<size_t>(id)].right = r;
        return id;
    }

    const T *X_;
    std::int64_t n_, d_, leaf_ = 32;
    std::vector<std::int64_t> order_;
    std::vector<Node> nodes_;
};

struct DbscanResult {
    std::vector<std::uint8_t> core;
    std::vector<std::int64_t> labels;
};

// Smallest-index root, with path halving; safe to call concurrently with unite().
inline std::int64_t uf_find(std::vector<std::atomic<std::int64_t>> &parent,
                            std::int64_t i) {
    for (;;) {
        std::int64_t p = parent[static_cast<size_t>(i)].load(std::memory_order_relaxed);
        if (p == i)
            return i;
        const std::int64_t gp =
            parent[static_cast<size_t>(p)].load(std::memory_order_relaxed);
        if (gp != p)
            parent[static_cast<size_t>(i)].compare_exchange_weak(
                p, gp, std::memory_order_relaxed);
        i = gp;
    }
}

inline void uf_unite(std::vector<std::atomic<std::int64_t>> &parent, std::int64_t a,
                     std::int64_t b) {
    for (;;) {
        a = uf_find(parent, a);
        b = uf_find(parent, b);
        if (a == b)
            return;
        if (a < b)
            std::swap(a, b); // link the larger root under the smaller
        std::int64_t expected = a;
        if (parent[static_cast<size_t>(a)].compare_exchange_strong(
                expected, b, std::memory_order_relaxed))
            return;
    }
}

// DBSCAN over n rows of X (row-major n x d). w: sample weights (null: all 1).
template <typename T>
DbscanResult dbscan(const T *X, std::int64_t n, std::int64_t d, const double *w,
                    double eps, double min_samples, const Metric &metric,
                    std::int64_t leaf_size, int n_threads) {
    const KdTree<T> tree(X, n, d, leaf_size);
    const double r = metric.reduce_radius(eps);
    DbscanResult res;
    res.core.assign(static_cast<size_t>(n), 0);
    res.labels.assign(static_cast<size_t>(n), -1);
    const std::int64_t chunk = 256;
    const std::int64_t n_chunks = (n + chunk - 1) / chunk;
    bool monotone = true;
    for (std::int64_t i = 0; w != nullptr && i < n; ++i)
        if (w[i] < 0)
            monotone = false;

    // 1. core points (each count is summed in the tree's fixed visiting order)
    parallel_for(n_chunks, n_threads, [&](std::int64_t t) {
        for (std::int64_t i = t * chunk; i < std::min(n, (t + 1) * chunk); ++i) {
            // With no negative weight the count only grows: stop once it is enough.
            double count = 0;
            tree.visit(X + i * d, r, metric, [&](std::int64_t j, double) {
                count += w ? w[j] : 1.0;
                return !(monotone && count >= min_samples);
            });
            res.core[static_cast<size_t>(i)] = count >= min_samples;
        }
    });

    // 2. union-find over core-core pairs within eps
    std::vector<std::atomic<std::int64_t>> parent(static_cast<size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        parent[static_cast<size_t>(i)].store(i, std::memory_order_relaxed);
    parallel_for(n_chunks, n_threads, [&](std::int64_t t) {
        for (std::int64_t i = t * chunk; i < std::min(n, (t + 1) * chunk); ++i) {
            if (!res.core[static_cast<size_t>(i)])
                continue;
            tree.visit(X + i * d, r, metric, [&](std::int64_t j, double) {
                if (j < i && res.core[static_cast<size_t>(j)])
                    uf_unite(parent, i, j);
            });
        }
    });

    // 3. clusters numbered by root (its smallest index), in increasing order
    std::vector<std::int64_t> cluster_of_root(static_cast<size_t>(n), -1);
    std::int64_t n_clusters = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        if (!res.core[static_cast<size_t>(i)])
            continue;
        const std::int64_t root = uf_find(parent, i);
        std::int64_t &id = cluster_of_root[static_cast<size_t>(root)];
        if (id < 0)
            id = n_clusters++;
        res.labels[static_cast<size_t>(i)] = id;
    }

    // 4. border points: the smallest cluster id among core neighbours
    parallel_for(n_chunks, n_threads, [&](std::int64_t t) {
        for (std::int64_t i = t * chunk; i < std::min(n, (t + 1) * chunk); ++i) {
            if (res.core[static_cast<size_t>(i)])
                continue;
            std::int64_t best = -1;
            tree.visit(X + i * d, r, metric, [&](std::int64_t j, double) {
                if (!res.core[static_cast<size_t>(j)])
                    return;
                const std::int64_t id = res.labels[static_cast<size_t>(j)];
                if (best < 0 || id < best)
                    best = id;
            });
            res.labels[static_cast<size_t>(i)] = best;
        }
    });
    return res;
}

// The same DBSCAN for euclidean distance in 1 to 3 dimensions, on a grid of cells of
// side slightly under eps / sqrt(d): two samples in one cell are always within eps, so
// a cell holding min_samples weight makes all its samples core (with no negative
// weight), and the core samples of a cell form one piece of a cluster. Only
// neighbouring cells are searched, and two cells join as soon as one core pair between
// them is within eps. Labels are the same as dbscan()'s. Returns false (and leaves res
// alone) if the coordinates do not fit the grid's integer cell indices.
template <typename T>
bool dbscan_grid(const T *X, std::int64_t n, std::int64_t d, const double *w,
                 double eps, double min_samples, int n_threads, DbscanResult &res) {
    using i64 = std::int64_t;
    if (d < 1 || d > 3 || n == 0)
        return false;
    const double side = eps / std::sqrt(static_cast<double>(d)) * (1.0 - 1e-9);
    const double r2 = eps * eps;
    std::vector<std::array<i64, 3>> key(static_cast<size_t>(n),
                                        std::array<i64, 3>{0, 0, 0});
    for (i64 i = 0; i < n; ++i)
        for (i64 k = 0; k < d; ++k) {
            const double c = std::floor(static_cast<double>(X[i * d + k]) / side);
            if (!(std::fabs(c) < 4e18))
                return false;
            key[static_cast<size_t>(i)][static_cast<size_t>(k)] = static_cast<i64>(c);
        }
    std::vector<i64> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), i64(0));
    std::sort(order.begin(), order.end(), [&](i64 a, i64 b) {
        return key[static_cast<size_t>(a)] < key[static_cast<size_t>(b)] ||
               (key[static_cast<size_t>(a)] == key[static_cast<size_t>(b)] && a < b);
    });
    // cells: [start[c], start[c+1]) of order, in key order
    std::vector<i64> start;
    std::vector<std::array<i64, 3>> cell_key;
    for (i64 p = 0; p < n; ++p) {
        const auto &kk = key[static_cast<size_t>(order[static_cast<size_t>(p)])];
        if (p == 0 || kk != cell_key.back()) {
            start.push_back(p);
            cell_key.push_back(kk);
        }
    }
    const i64 n_cells = static_cast<i64>(cell_key.size());
    start.push_back(n);
    // Offsets of the cells that can hold a point within eps of a point of this cell.
    std::vector<std::array<i64, 3>> offsets;
    const i64 reach =
        static_cast<i64>(std::ceil(std::sqrt(static_cast<double>(d)))) + 1;
    for (i64 a = -reach; a <= reach; ++a)
        for (i64 b = (d > 1 ? -reach : 0); b <= (d > 1 ? reach : 0); ++b)
            for (i64 c = (d > 2 ? -reach : 0); c <= (d > 2 ? reach : 0); ++c) {
                const i64 o[3] = {a, b, c};
                double gap2 = 0;
                for (i64 k = 0; k < d; ++k) {
                    const double g =
                        static_cast<double>(std::max<i64>(0, std::abs(o[k]) - 1)) *
                        side;
                    gap2 += g * g;
                }
                if (gap2 <= r2)
                    offsets.push_back({a, b, c});
            }
    auto find_cell = [&](const std::array<i64, 3> &kk) -> i64 {
        auto it = std::lower_bound(cell_key.begin(), cell_key.end(), kk);
        return (it != cell_key.end() && *it == kk)
                   ? static_cast<i64>(it - cell_key.begin())
                   : -1;
    };
    auto neighbours = [&](i64 c, std::vector<i64> &out) {
        out.clear();
        for (const auto &o : offsets) {
            std::array<i64, 3> kk = cell_key[static_cast<size_t>(c)];
            for (i64 k = 0; k < d; ++k)
                kk[static_cast<size_t>(k)] += o[static_cast<size_t>(k)];
            const i64 nb = find_cell(kk);
            if (nb >= 0)
                out.push_back(nb);
        }
    };
    auto dist2 = [&](i64 a, i64 b) {
        double s2 = 0;
        for (i64 k = 0; k < d; ++k) {
            const double diff =
                static_cast<double>(X[a * d + k]) - static_cast<double>(X[b * d + k]);
            s2 += diff * diff;
        }
        return s2;
    };
    bool monotone = true;
    for (i64 i = 0; w != nullptr && i < n; ++i)
        if (w[i] < 0)
            monotone = false;
    res.core.assign(static_cast<size_t>(n), 0);
    res.labels.assign(static_cast<size_t>(n), -1);
    const i64 chunk = 64;
    const i64 n_chunks = (n_cells + chunk - 1) / chunk;

    // 1. core samples
    parallel_for(n_chunks, n_threads, [&](i64 t) {
        std::vector<i64> nbs;
        for (i64 c = t * chunk; c < std::min(n_cells, (t + 1) * chunk); ++c) {
            double own = 0;
            for (i64 p = start[static_cast<size_t>(c)];
                 p < start[static_cast<size_t>(c) + 1]; ++p)
                own += w ? w[order[static_cast<size_t>(p)]] : 1.0;
            if (monotone && own >= min_samples) {
                for (i64 p = start[static_cast<size_t>(c)];
                     p < start[static_cast<size_t>(c) + 1]; ++p)
                    res.core[static_cast<size_t>(order[static_cast<size_t>(p)])] = 1;
                continue;
            }
            neighbours(c, nbs);
            for (i64 p = start[static_cast<size_t>(c)];
                 p < start[static_cast<size_t>(c) + 1]; ++p) {
                const i64 i = order[static_cast<size_t>(p)];
                double count = 0;
                bool done = false;
                for (i64 nb : nbs) {
                    for (i64 q = start[static_cast<size_t>(nb)];
                         q < start[static_cast<size_t>(nb) + 1]; ++q) {
                        const i64 j = order[static_cast<size_t>(q)];
                        if (dist2(i, j) <= r2)
                            count += w ? w[j] : 1.0;
                        if (monotone && count >= min_samples) {
                            done = true;
                            break;
                        }
                    }
                    if (done)
                        break;
                }
                res.core[static_cast<size_t>(i)] = count >= min_samples;
            }
        }
    });

    // 2. union: the core samples of a cell together; neighbouring cells by one close
    // core pair
    std::vector<std::atomic<i64>> parent(static_cast<size_t>(n));
    for (i64 i = 0; i < n; ++i)
        parent[static_cast<size_t>(i)].store(i, std::memory_order_relaxed);
    std::vector<i64> first_core(static_cast<size_t>(n_cells), -1);
    for (i64 c = 0; c < n_cells; ++c)
        for (i64 p = start[static_cast<size_t>(c)];
             p < start[static_cast<size_t>(c) + 1]; ++p)
            if (res.core[static_cast<size_t>(order[static_cast<size_t>(p)])]) {
                const i64 i = order[static_cast<size_t>(p)];
                if (first_core[static_cast<size_t>(c)] < 0)
                    first_core[static_cast<size_t>(c)] = i;
                else
                    uf_unite(parent, first_core[static_cast<size_t>(c)], i);
            }
    parallel_for(n_chunks, n_threads, [&](i64 t) {
        std::vector<i64> nbs;
        for (i64 c = t * chunk; c < std::min(n_cells, (t + 1) * chunk); ++c) {
            if (first_core[static_cast<size_t>(c)] < 0)
                continue;
            neighbours(c, nbs);
            for (i64 nb : nbs) {
                if (nb <= c || first_core[static_cast<size_t>(nb)] < 0)
                    continue;
                if (uf_find(parent, first_core[static_cast<size_t>(c)]) ==
                    uf_find(parent, first_core[static_cast<size_t>(nb)]))
                    continue;
                bool joined = false;
                for (i64 p = start[static_cast<size_t>(c)];
                     p < start[static_cast<size_t>(c) + 1] && !joined; ++p) {
                    const i64 i = order[static_cast<size_t>(p)];
                    if (!res.core[static_cast<size_t>(i)])
                        continue;
                    for (i64 q = start[static_cast<size_t>(nb)];
                         q < start[static_cast<size_t>(nb) + 1]; ++q) {
                        const i64 j = order[static_cast<size_t>(q)];
                        if (res.core[static_cast<size_t>(j)] && dist2(i, j) <= r2) {
                            uf_unite(parent, i, j);
                            joined = true;
                            break;
                        }
                    }
                }
            }
        }
    });

    // 3. clusters numbered by root (its smallest index), in increasing order
    std::vector<i64> cluster_of_root(static_cast<size_t>(n), -1);
    i64 n_clusters = 0;
    for (i64 i = 0; i < n; ++i) {
        if (!res.core[static_cast<size_t>(i)])
            continue;
        const i64 root = uf_find(parent, i);
        i64 &id = cluster_of_root[static_cast<size_t>(root)];
        if (id < 0)
            id = n_clusters++;
        res.labels[static_cast<size_t>(i)] = id;
    }

    // 4. border samples: the smallest cluster id among core neighbours
    parallel_for(n_chunks, n_threads, [&](i64 t) {
        std::vector<i64> nbs;
        for (i64 c = t * chunk; c < std::min(n_cells, (t + 1) * chunk); ++c) {
            bool any_border = false;
            for (i64 p = start[static_cast<size_t>(c)];
                 p < start[static_cast<size_t>(c) + 1]; ++p)
                any_border =
                    any_border ||
                    !res.core[static_cast<size_t>(order[static_cast<size_t>(p)])];
            if (!any_border)
                continue;
            neighbours(c, nbs);
            for (i64 p = start[static_cast<size_t>(c)];
                 p < start[static_cast<size_t>(c) + 1]; ++p) {
                const i64 i = order[static_cast<size_t>(p)];
                if (res.core[static_cast<size_t>(i)])
                    continue;
                i64 best = -1;
                for (i64 nb : nbs)
                    for (i64 q = start[static_cast<size_t>(nb)];
                         q < start[static_cast<size_t>(nb) + 1]; ++q) {
                        const i64 j = order[static_cast<size_t>(q)];
                        if (!res.core[static_cast<size_t>(j)] || dist2(i, j) > r2)
                            continue;
                        const i64 id = res.labels[static_cast<size_t>(j)];
                        if (best < 0 || id < best)
                            best = id;
                    }
                res.labels[static_cast<size_t>(i)] = best;
            }
        }
    });
    return true;
}

// For each query row: the label of the nearest core sample within eps (ties to the
// lowest core index), else -1. core_X holds the core samples (row-major n_core x d).
template <typename T>
void dbscan_predict(const T *core_X, const std::int64_t *core_labels,
                    std::int64_t n_core, std::int64_t d, const T *Q, std::int64_t nq,
                    double eps, const Metric &metric, std::int64_t leaf_size,
                    int n_threads, std::int64_t *out) {
    const KdTree<T> tree(core_X, n_core, d, leaf_size);
    const double r = metric.reduce_radius(eps);
    const std::int64_t chunk = 256;
    parallel_for((nq + chunk - 1) / chunk, n_threads, [&](std::int64_t t) {
        for (std::int64_t i = t * chunk; i < std::min(nq, (t + 1) * chunk); ++i) {
            double best_d = std::numeric_limits<double>::infinity();
            std::int64_t best_j = -1;
            tree.visit(Q + i * d, r, metric, [&](std::int64_t j, double dist) {
                if (dist < best_d || (dist == best_d && j < best_j)) {
                    best_d = dist;
                    best_j = j;
                }
            });
            out[i] = best_j < 0 ? -1 : core_labels[best_j];
        }
    });
}

} // namespace cc
