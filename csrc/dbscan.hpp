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
