// dbscan.hpp - DBSCAN with scikit-learn's exact labels in O(n) extra memory.
//
// Python-free. A k-d tree (or, for euclidean distance in 1-3 dimensions, a grid of
// cells) answers range counts and range visits; neighbour lists are never stored.
//   1. core[i] = (sum of w_j over j with dist(i, j) <= eps) >= min_samples, i itself
//      included; the samples of one leaf walk the tree together (pruned by the
//      distance between boxes), then each checks the candidate leaves' boxes;
//   2. union-find over core-core pairs within eps. A root is always the smallest index
//      of its component (links go from the larger root to the smaller by
//      compare-and-swap), so the partition and the roots do not depend on the threads;
//   3. clusters are numbered by root in increasing order: scikit-learn's order, as it
//      grows clusters from core samples in index order;
//   4. a border sample takes the smallest cluster id among its core neighbours
//      (scikit-learn grows the lowest-numbered cluster first, so that one claims it);
//      the others are noise (-1).
// Distances are compared as scikit-learn compares them, in reduced form (squared
// euclidean against eps^2, sum |x - y|^p against eps^p), each a sum over coordinates
// in order, in double, so samples at exactly eps are neighbours here too.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "dbscan_kernels.hpp"
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
};

// dbscan_kernels.hpp takes the kind as an int
static_assert(Metric::euclidean == 0 && Metric::manhattan == 1 &&
                  Metric::chebyshev == 2 && Metric::minkowski == 3,
              "Metric::Kind values are part of the leaf kernels' contract");

// One coordinate's contribution to the reduced distance, and how contributions add up.
template <Metric::Kind K> inline double metric_term(double gap, double p) {
    if constexpr (K == Metric::euclidean)
        return gap * gap;
    else if constexpr (K == Metric::minkowski)
        return std::pow(std::fabs(gap), p);
    else
        return std::fabs(gap);
}

template <Metric::Kind K> inline double metric_combine(double acc, double t) {
    if constexpr (K == Metric::chebyshev)
        return std::max(acc, t);
    else
        return acc + t;
}

// Calls body(kind) with the metric's kind as a std::integral_constant, so that the hot
// loops are compiled once per kind.
template <Metric::Kind K> using MetricKind = std::integral_constant<Metric::Kind, K>;

template <class Body> decltype(auto) with_metric(const Metric &m, Body &&body) {
    switch (m.kind) {
    case Metric::euclidean:
        return body(MetricKind<Metric::euclidean>{});
    case Metric::manhattan:
        return body(MetricKind<Metric::manhattan>{});
    case Metric::chebyshev:
        return body(MetricKind<Metric::chebyshev>{});
    default:
        return body(MetricKind<Metric::minkowski>{});
    }
}

// A k-d tree over n rows of X (row-major n x d), split at medians until a leaf holds at
// most 2 * leaf_size rows (so between leaf_size and 2 * leaf_size as a rule, as in
// scikit-learn's trees). It keeps its own copy of the rows in tree order, each leaf
// stored column by column so that one query's distances to a leaf's rows are computed
// side by side; X itself is only read while building.
template <typename T> class KdTree {
  public:
    using i64 = std::int64_t;

    KdTree(const T *X, i64 n, i64 d, i64 leaf_size = 32)
        : n_(n), d_(d), leaf_(2 * std::max<i64>(1, leaf_size)) {
        order_.resize(static_cast<size_t>(n));
        std::iota(order_.begin(), order_.end(), i64(0));
        if (n == 0)
            return;
        nodes_.reserve(static_cast<size_t>(2 * (n / leaf_ + 1)));
        build(X, 0, n);
        // padded for the leaf scan, which reads a little past a leaf's last row
        rows_.resize(static_cast<size_t>(n * d + kLeafScanPad));
        for (const Node &nd : nodes_) {
            if (nd.left >= 0)
                continue;
            leaves_.push_back(&nd - nodes_.data());
            const i64 len = nd.end - nd.begin;
            T *out = rows_.data() + nd.begin * d;
            for (i64 p = nd.begin; p < nd.end; ++p) {
                const T *x = X + order_[static_cast<size_t>(p)] * d;
                for (i64 k = 0; k < d; ++k)
                    out[k * len + (p - nd.begin)] = x[k];
            }
        }
    }

    i64 size() const { return n_; }
    // order()[p]: the row of X at tree position p. Walking queries in this order keeps
    // consecutive queries near each other (and their tree paths in cache).
    const std::vector<i64> &order() const { return order_; }

    // Calls f(j, reduced_distance) for every row j within reduced distance r of q (d
    // doubles), nearer subtrees first, until f returns false (f may return void).
    template <Metric::Kind K, class F>
    void visit(const double *q, double r, double p, F &&f) const {
        if (n_ == 0 || box_distance<K>(0, q, p) > r)
            return;
        i64 stack[160]; // two entries per level at most; depth <= log2(n) + 1
        int top = 0;
        stack[top++] = 0;
        double acc[kBlock];
        while (top > 0) {
            const Node &nd = nodes_[static_cast<size_t>(stack[--top])];
            if (nd.left >= 0) {
                const double dl = box_distance<K>(nd.left, q, p);
                const double dr = box_distance<K>(nd.right, q, p);
                const bool left_first = dl <= dr;
                const i64 near = left_first ? nd.left : nd.right;
                const i64 far = left_first ? nd.right : nd.left;
                if ((left_first ? dr : dl) <= r)
                    stack[top++] = far;
                if ((left_first ? dl : dr) <= r)
                    stack[top++] = near;
                continue;
            }
            const i64 len = nd.end - nd.begin;
            const T *base = rows_.data() + nd.begin * d_;
            for (i64 b0 = 0; b0 < len; b0 += kBlock) {
                const i64 m = std::min<i64>(kBlock, len - b0);
                if (scan(q, base + b0, len, m, K, p, r, acc) == 0)
                    continue;
                for (i64 s = 0; s < m; ++s) {
                    if (!(acc[s] <= r))
                        continue;
                    const i64 j = order_[static_cast<size_t>(nd.begin + b0 + s)];
                    if constexpr (std::is_same<decltype(f(j, acc[s])), bool>::value) {
                        if (!f(j, acc[s]))
                            return;
                    } else {
                        f(j, acc[s]);
                    }
                }
            }
        }
    }

    // Leaves in tree order: leaves()[t] covers positions [leaf_begin(t), leaf_end(t)).
    const std::vector<i64> &leaves() const { return leaves_; }
    i64 leaf_begin(i64 t) const {
        return nodes_[static_cast<size_t>(leaves_[t])].begin;
    }
    i64 leaf_end(i64 t) const { return nodes_[static_cast<size_t>(leaves_[t])].end; }

    // The queries are the tree's own rows at the positions of leaf t (their own
    // coordinates, as doubles). Calls f(s, j, reduced_distance) for every row j within
    // reduced distance r of query s (position leaf_begin(t) + s) until f returns false
    // for that query. The leaf's queries share one walk down the tree, pruned by the
    // distance between boxes; each query then skips the leaves whose box is beyond r
    // from it. For each query, rows are reported in an order fixed by the tree alone.
    template <Metric::Kind K, class F>
    void visit_leaf(i64 t, double r, double p, F &&f) const {
        const i64 qn = leaves_[static_cast<size_t>(t)];
        const Node &qnode = nodes_[static_cast<size_t>(qn)];
        const i64 mq = qnode.end - qnode.begin;
        // the queries row by row (for the scan), and the active ones feature by
        // feature (for the box test, all at once); active[a] is the query in column a
        std::vector<double> qs(static_cast<size_t>(mq * d_)), qcols(qs.size());
        const T *cols = rows_.data() + qnode.begin * d_;
        for (i64 k = 0; k < d_; ++k)
            for (i64 s = 0; s < mq; ++s) {
                const double v = static_cast<double>(cols[k * mq + s]);
                qs[static_cast<size_t>(s * d_ + k)] = v;
                qcols[static_cast<size_t>(k * mq + s)] = v;
            }
        std::vector<i64> active(static_cast<size_t>(mq));
        std::iota(active.begin(), active.end(), i64(0));
        std::vector<double> reach(static_cast<size_t>(mq));
        std::vector<std::uint8_t> stopped(static_cast<size_t>(mq), 0);
        i64 n_active = mq;
        i64 stack[160];
        int top = 0;
        stack[top++] = 0;
        double acc[kBlock];
        while (top > 0 && n_active > 0) {
            const Node &nd = nodes_[static_cast<size_t>(stack[--top])];
            if (nd.left >= 0) {
                const double dl = box_box_distance<K>(nd.left, qn, p);
                const double dr = box_box_distance<K>(nd.right, qn, p);
                const bool left_first = dl <= dr;
                const i64 near = left_first ? nd.left : nd.right;
                const i64 far = left_first ? nd.right : nd.left;
                if ((left_first ? dr : dl) <= r)
                    stack[top++] = far;
                if ((left_first ? dl : dr) <= r)
                    stack[top++] = near;
                continue;
            }
            const i64 node = &nd - nodes_.data();
            const i64 len = nd.end - nd.begin;
            const T *base = rows_.data() + nd.begin * d_;
            leaf_kernels_->box_reduced(qcols.data(), mq, n_active, d_,
                                       lo_.data() + node * d_, hi_.data() + node * d_,
                                       K, p, reach.data());
            bool any_stopped = false;
            for (i64 a = 0; a < n_active; ++a) {
                if (!(reach[static_cast<size_t>(a)] <= r))
                    continue;
                const i64 s = active[static_cast<size_t>(a)];
                const double *q = qs.data() + s * d_;
                bool stop = false;
                for (i64 b0 = 0; !stop && b0 < len; b0 += kBlock) {
                    const i64 m = std::min<i64>(kBlock, len - b0);
                    if (scan(q, base + b0, len, m, K, p, r, acc) == 0)
                        continue;
                    for (i64 u = 0; u < m && !stop; ++u)
                        stop = acc[u] <= r &&
                               !f(s, order_[static_cast<size_t>(nd.begin + b0 + u)],
                                  acc[u]);
                }
                stopped[static_cast<size_t>(a)] = stop;
                any_stopped = any_stopped || stop;
            }
            if (!any_stopped)
                continue;
            // the queries f is done with leave the walk
            i64 kept = 0;
            for (i64 a = 0; a < n_active; ++a) {
                if (stopped[static_cast<size_t>(a)])
                    continue;
                active[static_cast<size_t>(kept)] = active[static_cast<size_t>(a)];
                for (i64 k = 0; k < d_; ++k)
                    qcols[static_cast<size_t>(k * mq + kept)] =
                        qcols[static_cast<size_t>(k * mq + a)];
                ++kept;
            }
            std::fill(stopped.begin(), stopped.begin() + n_active, 0);
            n_active = kept;
        }
    }

  private:
    static constexpr i64 kBlock = 64;

    // The leaf scan, in this CPU's widest vectors (dbscan_kernels.hpp); returns how
    // many of the m rows are within r.
    i64 scan(const double *q, const T *cols, i64 ld, i64 m, Metric::Kind K, double p,
             double r, double *acc) const {
        if constexpr (std::is_same<T, float>::value)
            return leaf_kernels_->leaf_reduced_f32(q, cols, ld, m, d_, K, p, r, acc);
        else
            return leaf_kernels_->leaf_reduced_f64(q, cols, ld, m, d_, K, p, r, acc);
    }

    // the reduced distance between the boxes of two nodes (0 where they overlap)
    template <Metric::Kind K> double box_box_distance(i64 a, i64 b, double p) const {
        const double *alo = lo_.data() + a * d_, *ahi = hi_.data() + a * d_;
        const double *blo = lo_.data() + b * d_, *bhi = hi_.data() + b * d_;
        double acc = 0;
        for (i64 k = 0; k < d_; ++k) {
            const double gap =
                std::max(0.0, std::max(alo[k] - bhi[k], blo[k] - ahi[k]));
            acc = metric_combine<K>(acc, metric_term<K>(gap, p));
        }
        return acc;
    }

    struct Node {
        i64 begin, end, left = -1, right = -1;
    };

    template <Metric::Kind K>
    double box_distance(i64 node, const double *q, double p) const {
        const double *lo = lo_.data() + node * d_;
        const double *hi = hi_.data() + node * d_;
        double acc = 0;
        for (i64 k = 0; k < d_; ++k) {
            const double gap = std::max(0.0, std::max(lo[k] - q[k], q[k] - hi[k]));
            acc = metric_combine<K>(acc, metric_term<K>(gap, p));
        }
        return acc;
    }

    i64 build(const T *X, i64 begin, i64 end) {
        const i64 id = static_cast<i64>(nodes_.size());
        nodes_.push_back(Node{begin, end});
        lo_.resize(static_cast<size_t>((id + 1) * d_));
        hi_.resize(static_cast<size_t>((id + 1) * d_));
        double *lo = lo_.data() + id * d_;
        double *hi = hi_.data() + id * d_;
        std::fill(lo, lo + d_, std::numeric_limits<double>::infinity());
        std::fill(hi, hi + d_, -std::numeric_limits<double>::infinity());
        for (i64 p = begin; p < end; ++p) {
            const T *x = X + order_[static_cast<size_t>(p)] * d_;
            for (i64 k = 0; k < d_; ++k) {
                lo[k] = std::min(lo[k], static_cast<double>(x[k]));
                hi[k] = std::max(hi[k], static_cast<double>(x[k]));
            }
        }
        if (end - begin <= leaf_)
            return id;
        i64 axis = 0;
        for (i64 k = 1; k < d_; ++k)
            if (hi[k] - lo[k] > hi[axis] - lo[axis])
                axis = k;
        if (!(hi[axis] > lo[axis]))
            return id; // all rows equal: one leaf
        const i64 mid = begin + (end - begin) / 2;
        std::nth_element(order_.begin() + begin, order_.begin() + mid,
                         order_.begin() + end, [&](i64 a, i64 b) {
                             const T va = X[a * d_ + axis], vb = X[b * d_ + axis];
                             return va < vb || (va == vb && a < b);
                         });
        const i64 l = build(X, begin, mid);
        const i64 r = build(X, mid, end);
        nodes_[static_cast<size_t>(id)].left = l;
        nodes_[static_cast<size_t>(id)].right = r;
        return id;
    }

    i64 n_, d_, leaf_;
    const DbscanKernelSet *leaf_kernels_ = &dbscan_kernels();
    std::vector<i64> order_;
    std::vector<Node> nodes_;
    std::vector<i64> leaves_;
    std::vector<double> lo_, hi_;
    std::vector<T> rows_;
};

struct DbscanResult {
    std::vector<std::uint8_t> core;
    std::vector<std::int64_t> labels;
    bool stopped = false; // keep_going() said stop: the result is incomplete
};

// Smallest-index root, with path halving; safe to call concurrently with unite().
// I is the index type (int32 where the grid keeps its arrays small).
template <typename I> inline I uf_find(std::vector<std::atomic<I>> &parent, I i) {
    for (;;) {
        I p = parent[static_cast<size_t>(i)].load(std::memory_order_relaxed);
        if (p == i)
            return i;
        const I gp = parent[static_cast<size_t>(p)].load(std::memory_order_relaxed);
        if (gp != p)
            parent[static_cast<size_t>(i)].compare_exchange_weak(
                p, gp, std::memory_order_relaxed);
        i = gp;
    }
}

template <typename I>
inline void uf_unite(std::vector<std::atomic<I>> &parent, I a, I b) {
    for (;;) {
        a = uf_find(parent, a);
        b = uf_find(parent, b);
        if (a == b)
            return;
        if (a < b)
            std::swap(a, b); // link the larger root under the smaller
        I expected = a;
        if (parent[static_cast<size_t>(a)].compare_exchange_strong(
                expected, b, std::memory_order_relaxed))
            return;
    }
}

inline void atomic_min(std::atomic<std::int64_t> &slot, std::int64_t v) {
    std::int64_t cur = slot.load(std::memory_order_relaxed);
    while (v < cur && !slot.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    }
}

// parallel_for with keep_going() (if set) called on the calling thread every few
// milliseconds; false stops early and returns false.
template <class F>
bool parallel_rounds(std::int64_t n_tasks, int n_threads,
                     const std::function<bool()> &keep_going, F &&f) {
    return parallel_for_until(n_tasks, n_threads, keep_going, std::forward<F>(f));
}

// Clusters numbered by root (the smallest index of the component), in increasing
// order; parent must hold the final union-find forest.
inline void number_clusters(std::vector<std::atomic<std::int64_t>> &parent,
                            DbscanResult &res) {
    const std::int64_t n = static_cast<std::int64_t>(res.core.size());
    std::int64_t n_clusters = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        if (!res.core[static_cast<size_t>(i)])
            continue;
        const std::int64_t root = uf_find(parent, i);
        // a root is visited before every other member of its component
        res.labels[static_cast<size_t>(i)] =
            root == i ? n_clusters++ : res.labels[static_cast<size_t>(root)];
    }
}

// DBSCAN over n rows of X (row-major n x d) with a k-d tree. w: sample weights (null:
// all 1). keep_going() is called between rounds of work; false stops (res.stopped).
template <typename T>
DbscanResult dbscan(const T *X, std::int64_t n, std::int64_t d, const double *w,
                    double eps, double min_samples, const Metric &metric,
                    std::int64_t leaf_size, int n_threads,
                    const std::function<bool()> &keep_going = nullptr) {
    using i64 = std::int64_t;
    const KdTree<T> tree(X, n, d, leaf_size);
    const std::vector<i64> &order = tree.order();
    const double r = metric.reduce_radius(eps), pw = metric.p;
    DbscanResult res;
    res.core.assign(static_cast<size_t>(n), 0);
    res.labels.assign(static_cast<size_t>(n), -1);
    const i64 chunk = 32; // queries per task: dense data makes every query long
    const i64 n_chunks = (n + chunk - 1) / chunk;
    const bool monotone =
        w == nullptr || std::all_of(w, w + n, [](double v) { return v >= 0; });
    // lonely[i]: no other sample within eps (such a non-core sample is noise)
    std::vector<std::uint8_t> lonely(static_cast<size_t>(n), 0);
    // Every pass walks the queries in tree order, task t taking positions
    // [t * chunk, (t + 1) * chunk).
    auto for_queries = [&](auto &&body) {
        return parallel_rounds(n_chunks, n_threads, keep_going, [&](i64 t) {
            std::vector<double> q(static_cast<size_t>(d));
            for (i64 pos = t * chunk; pos < std::min(n, (t + 1) * chunk); ++pos) {
                const i64 i = order[static_cast<size_t>(pos)];
                for (i64 k = 0; k < d; ++k)
                    q[static_cast<size_t>(k)] = static_cast<double>(X[i * d + k]);
                body(i, q.data());
            }
        });
    };
    std::vector<std::atomic<i64>> parent(static_cast<size_t>(n));
    for (i64 i = 0; i < n; ++i)
        parent[static_cast<size_t>(i)].store(i, std::memory_order_relaxed);

    const bool done = with_metric(metric, [&](auto kind) {
        constexpr Metric::Kind K = decltype(kind)::value;
        // 1. core samples; with no negative weight a count only grows, so it stops
        // as soon as it is enough
        // and the queries of one leaf walk the tree together
        const i64 n_leaves = static_cast<i64>(tree.leaves().size());
        if (!parallel_rounds(n_leaves, n_threads, keep_going, [&](i64 t) {
                const i64 b = tree.leaf_begin(t), mq = tree.leaf_end(t) - b;
                std::vector<double> count(static_cast<size_t>(mq), 0.0);
                std::vector<std::uint8_t> other(static_cast<size_t>(mq), 0);
                tree.template visit_leaf<K>(t, r, pw, [&](i64 s, i64 j, double) {
                    double &c = count[static_cast<size_t>(s)];
                    c += w ? w[j] : 1.0;
                    other[static_cast<size_t>(s)] |=
                        j != order[static_cast<size_t>(b + s)];
                    return !(monotone && c >= min_samples);
                });
                for (i64 s = 0; s < mq; ++s) {
                    const i64 i = order[static_cast<size_t>(b + s)];
                    res.core[static_cast<size_t>(i)] =
                        count[static_cast<size_t>(s)] >= min_samples;
                    lonely[static_cast<size_t>(i)] = !other[static_cast<size_t>(s)];
                }
            }))
            return false;

        // 2. union-find over core-core pairs within eps
        if (!for_queries([&](i64 i, const double *q) {
                if (!res.core[static_cast<size_t>(i)])
                    return;
                tree.template visit<K>(q, r, pw, [&](i64 j, double) {
                    if (j < i && res.core[static_cast<size_t>(j)])
                        uf_unite(parent, i, j);
                });
            }))
            return false;
        number_clusters(parent, res);

        // 4. border samples: the smallest cluster id among core neighbours, searched
        // from whichever side has fewer samples to query (parent is free again)
        i64 n_core = 0, n_border = 0;
        for (i64 i = 0; i < n; ++i) {
            n_core += res.core[static_cast<size_t>(i)];
            n_border +=
                !res.core[static_cast<size_t>(i)] && !lonely[static_cast<size_t>(i)];
        }
        if (n_core < n_border) {
            const i64 none = std::numeric_limits<i64>::max();
            for (i64 i = 0; i < n; ++i)
                parent[static_cast<size_t>(i)].store(none, std::memory_order_relaxed);
            if (!for_queries([&](i64 i, const double *q) {
                    if (!res.core[static_cast<size_t>(i)])
                        return;
                    const i64 id = res.labels[static_cast<size_t>(i)];
                    tree.template visit<K>(q, r, pw, [&](i64 j, double) {
                        if (!res.core[static_cast<size_t>(j)])
                            atomic_min(parent[static_cast<size_t>(j)], id);
                    });
                }))
                return false;
            for (i64 i = 0; i < n; ++i)
                if (!res.core[static_cast<size_t>(i)]) {
                    const i64 v =
                        parent[static_cast<size_t>(i)].load(std::memory_order_relaxed);
                    res.labels[static_cast<size_t>(i)] = v == none ? -1 : v;
                }
            return true;
        }
        return for_queries([&](i64 i, const double *q) {
            if (res.core[static_cast<size_t>(i)] || lonely[static_cast<size_t>(i)])
                return;
            i64 best = -1;
            tree.template visit<K>(q, r, pw, [&](i64 j, double) {
                if (!res.core[static_cast<size_t>(j)])
                    return;
                const i64 id = res.labels[static_cast<size_t>(j)];
                if (best < 0 || id < best)
                    best = id;
            });
            res.labels[static_cast<size_t>(i)] = best;
        });
    });
    res.stopped = !done;
    return res;
}

// ---------------------------------------------------------------------------------
// Euclidean DBSCAN in 1 to 3 dimensions on a grid of cells of side just under
// eps / sqrt(d): two samples of one cell are always within eps, so a cell holding
// min_samples weight makes all its samples core (with no negative weight), the core
// samples of a cell belong to one cluster (union-find runs over cells), and a border
// sample only needs one hit per neighbouring cell. Cells are kept sorted by a packed
// key, so the cells of one row of neighbours are contiguous and are found by cursors
// that only move forward. Labels are the same as dbscan()'s.

namespace grid_detail {

using i64 = std::int64_t;
using i32 = std::int32_t;
using u64 = std::uint64_t;

template <int D, typename T> struct Grid {
    double side = 0, lo[D] = {};
    int bits = 0;
    i64 extent[D] = {}; // largest cell coordinate in each dimension
    // Positions and rows fit in int32 (the grid refuses larger n), which keeps the
    // extra memory near 2 x X even when most cells hold one sample.
    std::vector<u64> key;   // per cell, increasing
    std::vector<i32> start; // per cell, its first position; n_cells + 1 entries
    std::vector<i32> idx;   // per position, the sample's row in X
    std::vector<T> pts;     // per position, the sample's coordinates
    // Rows of neighbouring cells: offsets in the leading D - 1 dimensions, and how far
    // the last coordinate may differ.
    struct Row {
        i64 off[D > 1 ? D - 1 : 1];
        i64 reach;
    };
    std::vector<Row> rows;

    i64 n_cells() const { return static_cast<i64>(key.size()); }
    i64 coord(u64 k, int dim) const {
        return static_cast<i64>((k >> (bits * (D - 1 - dim))) & ((u64(1) << bits) - 1));
    }
    // Squared distance from x to cell c's box, widened a little for the rounding of
    // cell coordinates, so it never exceeds the distance to any sample of the cell.
    double box_dist2(const T *x, i64 c) const {
        const u64 k = key[static_cast<size_t>(c)];
        double s = 0;
        for (int dim = 0; dim < D; ++dim) {
            const double b0 = lo[dim] + static_cast<double>(coord(k, dim)) * side;
            const double v = static_cast<double>(x[dim]);
            const double gap =
                std::max(0.0, std::max(b0 - v, v - (b0 + side)) - 1e-4 * side);
            s += gap * gap;
        }
        return s;
    }
};

// Sorts v, in two halves side by side when that pays, then merges them.
template <class V> void sort_maybe_parallel(V &v, int n_threads) {
    if (n_threads < 2 || v.size() < (size_t(1) << 16)) {
        std::sort(v.begin(), v.end());
        return;
    }
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    parallel_for(2, 2, [&](i64 t) {
        if (t == 0)
            std::sort(v.begin(), mid);
        else
            std::sort(mid, v.end());
    });
    std::inplace_merge(v.begin(), mid, v.end());
}

// Builds the grid, or returns false if the coordinates do not fit its packed keys (or
// would lose precision in them).
template <int D, typename T>
bool build_grid(const T *X, i64 n, double eps, int n_threads, Grid<D, T> &g) {
    if (n >= std::numeric_limits<i32>::max())
        return false;
    g.side = eps / std::sqrt(static_cast<double>(D)) * (1.0 - 1e-5);
    g.bits = D == 1 ? 62 : D == 2 ? 31 : 21;
    double hi[D];
    for (int k = 0; k < D; ++k) {
        g.lo[k] = std::numeric_limits<double>::infinity();
        hi[k] = -std::numeric_limits<double>::infinity();
    }
    for (i64 i = 0; i < n; ++i)
        for (int k = 0; k < D; ++k) {
            g.lo[k] = std::min(g.lo[k], static_cast<double>(X[i * D + k]));
            hi[k] = std::max(hi[k], static_cast<double>(X[i * D + k]));
        }
    const double limit = std::ldexp(1.0, std::min(g.bits, 31)) - 2;
    for (int k = 0; k < D; ++k) {
        const double span = std::floor((hi[k] - g.lo[k]) / g.side);
        // the cell coordinates must be exact enough that a cell's samples stay
        // within eps of each other (the side keeps a 1e-5 margin for that)
        if (!(span < limit) ||
            !(std::max(std::fabs(g.lo[k]), std::fabs(hi[k])) / g.side < limit))
            return false;
        g.extent[k] = static_cast<i64>(span);
    }
    std::vector<std::pair<u64, i32>> keyed(static_cast<size_t>(n));
    parallel_for((n + 4095) / 4096, threads_for_work(n_threads, n * 8), [&](i64 t) {
        for (i64 i = t * 4096; i < std::min(n, (t + 1) * 4096); ++i) {
            u64 key = 0;
            for (int k = 0; k < D; ++k) {
                const double c =
                    std::floor((static_cast<double>(X[i * D + k]) - g.lo[k]) / g.side);
                key = (key << g.bits) |
                      static_cast<u64>(std::min<i64>(static_cast<i64>(c), g.extent[k]));
            }
            keyed[static_cast<size_t>(i)] = {key, static_cast<i32>(i)};
        }
    });
    sort_maybe_parallel(keyed, n_threads);
    i64 n_cells = 0;
    for (i64 p = 0; p < n; ++p)
        n_cells += p == 0 || keyed[static_cast<size_t>(p)].first !=
                                 keyed[static_cast<size_t>(p - 1)].first;
    g.key.reserve(static_cast<size_t>(n_cells));
    g.start.reserve(static_cast<size_t>(n_cells + 1));
    g.idx.resize(static_cast<size_t>(n));
    for (i64 p = 0; p < n; ++p) {
        const u64 key = keyed[static_cast<size_t>(p)].first;
        if (p == 0 || key != g.key.back()) {
            g.key.push_back(key);
            g.start.push_back(static_cast<i32>(p));
        }
        g.idx[static_cast<size_t>(p)] = keyed[static_cast<size_t>(p)].second;
    }
    g.start.push_back(static_cast<i32>(n));
    std::vector<std::pair<u64, i32>>().swap(keyed);
    g.pts.resize(static_cast<size_t>(n * D));
    for (i64 p = 0; p < n; ++p)
        for (int k = 0; k < D; ++k)
            g.pts[static_cast<size_t>(p * D + k)] =
                X[g.idx[static_cast<size_t>(p)] * D + k];
    // Rows: every cell whose nearest point to this cell's box is within eps (counted
    // with the shrunk side, so a little generous).
    const i64 R = 3;
    auto gap2 = [&](i64 o) {
        const double g1 =
            static_cast<double>(std::max<i64>(0, std::abs(o) - 1)) * g.side;
        return g1 * g1;
    };
    const i64 n_lead = D > 1 ? D - 1 : 0;
    i64 lead[2] = {-R, -R};
    for (;;) {
        double lead_gap = 0;
        for (i64 k = 0; k < n_lead; ++k)
            lead_gap += gap2(lead[k]);
        i64 reach = -1;
        for (i64 o = 0; o <= R; ++o)
            if (lead_gap + gap2(o) <= eps * eps)
                reach = o;
        if (reach >= 0) {
            typename Grid<D, T>::Row row{};
            for (i64 k = 0; k < n_lead; ++k)
                row.off[k] = lead[k];
            row.reach = reach;
            g.rows.push_back(row);
        }
        i64 k = n_lead - 1;
        while (k >= 0 && lead[k] == R)
            lead[k--] = -R;
        if (k < 0)
            break;
        ++lead[k];
    }
    return true;
}

// Finds the neighbouring cells of cells visited in increasing order, one cursor per
// row of neighbours; each cursor only moves forward.
template <int D, typename T> class NeighbourWalker {
  public:
    explicit NeighbourWalker(const Grid<D, T> &g) : g_(g), cursor_(g.rows.size(), -1) {}

    // Calls f(nb) for every cell near cell c (c itself included), in increasing order
    // within each row.
    template <class F> void for_each(i64 c, F &&f) {
        const u64 key = g_.key[static_cast<size_t>(c)];
        i64 cc[D];
        for (int k = 0; k < D; ++k)
            cc[k] = g_.coord(key, k);
        for (size_t r = 0; r < g_.rows.size(); ++r) {
            const auto &row = g_.rows[r];
            u64 base = 0;
            bool inside = true;
            for (int k = 0; k < D - 1; ++k) {
                const i64 v = cc[k] + row.off[k];
                inside = inside && v >= 0 && v <= g_.extent[k];
                base = (base << g_.bits) | static_cast<u64>(std::max<i64>(v, 0));
            }
            if (!inside)
                continue;
            const i64 last_lo = std::max<i64>(0, cc[D - 1] - row.reach);
            const i64 last_hi = std::min<i64>(g_.extent[D - 1], cc[D - 1] + row.reach);
            const u64 klo = (base << g_.bits) | static_cast<u64>(last_lo);
            const u64 khi = (base << g_.bits) | static_cast<u64>(last_hi);
            i64 &cur = cursor_[r];
            const i64 n_cells = g_.n_cells();
            if (cur < 0) {
                cur = std::lower_bound(g_.key.begin(), g_.key.end(), klo) -
                      g_.key.begin();
            } else {
                int steps = 0;
                while (cur < n_cells && g_.key[static_cast<size_t>(cur)] < klo &&
                       ++steps < 8)
                    ++cur;
                if (cur < n_cells && g_.key[static_cast<size_t>(cur)] < klo)
                    cur = std::lower_bound(g_.key.begin() + cur, g_.key.end(), klo) -
                          g_.key.begin();
            }
            for (i64 nb = cur; nb < n_cells && g_.key[static_cast<size_t>(nb)] <= khi;
                 ++nb)
                f(nb);
        }
    }

  private:
    const Grid<D, T> &g_;
    std::vector<i64> cursor_;
};

template <int D, typename T> inline double dist2(const T *a, const T *b) {
    double s = 0;
    for (int k = 0; k < D; ++k) {
        const double diff = static_cast<double>(a[k]) - static_cast<double>(b[k]);
        s += diff * diff;
    }
    return s;
}

template <int D, typename T>
bool dbscan_grid_d(const T *X, i64 n, const double *w, double eps, double min_samples,
                   int n_threads, const std::function<bool()> &keep_going,
                   DbscanResult &res) {
    Grid<D, T> g;
    if (!build_grid<D>(X, n, eps, n_threads, g))
        return false;
    const double r2 = eps * eps;
    const i64 n_cells = g.n_cells();
    const bool monotone =
        w == nullptr || std::all_of(w, w + n, [](double v) { return v >= 0; });
    auto weight = [&](i64 pos) { return w ? w[g.idx[static_cast<size_t>(pos)]] : 1.0; };
    auto beg = [&](i64 c) { return static_cast<i64>(g.start[static_cast<size_t>(c)]); };
    auto end = [&](i64 c) {
        return static_cast<i64>(g.start[static_cast<size_t>(c) + 1]);
    };
    auto at = [&](i64 pos) { return g.pts.data() + pos * D; };
    res.core.assign(static_cast<size_t>(n), 0);
    res.labels.assign(static_cast<size_t>(n), -1);
    // core flags by position while the passes run; copied out by row at the end
    std::vector<std::uint8_t> core(static_cast<size_t>(n), 0);
    const i64 chunk = 64;
    const i64 n_chunks = (n_cells + chunk - 1) / chunk;
    auto for_cells = [&](auto &&body) {
        return parallel_rounds(n_chunks, n_threads, keep_going, [&](i64 t) {
            NeighbourWalker<D, T> walk(g);
            for (i64 c = t * chunk; c < std::min(n_cells, (t + 1) * chunk); ++c)
                body(c, walk);
        });
    };

    // 1. core samples
    if (!for_cells([&](i64 c, NeighbourWalker<D, T> &walk) {
            double own = 0;
            for (i64 p = beg(c); p < end(c); ++p)
                own += weight(p);
            if (monotone && own >= min_samples) {
                std::fill(core.begin() + beg(c), core.begin() + end(c), 1);
                return;
            }
            for (i64 p = beg(c); p < end(c); ++p) {
                // the cell's own samples are all within eps
                double count = own;
                bool done = false;
                walk.for_each(c, [&](i64 nb) {
                    if (done || nb == c)
                        return;
                    for (i64 q = beg(nb); q < end(nb); ++q) {
                        if (dist2<D>(at(p), at(q)) <= r2)
                            count += weight(q);
                        if (monotone && count >= min_samples) {
                            done = true;
                            return;
                        }
                    }
                });
                core[static_cast<size_t>(p)] = count >= min_samples;
            }
        }))
        return res.stopped = true;

    // 2. union-find over the cells that hold core samples (numbered compactly, in cell
    // order, so sparse data with few core cells keeps these arrays small): a cell's
    // core samples are one piece; two cells join at the first core pair within eps
    std::vector<i32> core_cell(static_cast<size_t>(n_cells), -1);
    i32 n_core_cells = 0;
    for (i64 c = 0; c < n_cells; ++c)
        if (std::any_of(core.begin() + beg(c), core.begin() + end(c),
                        [](std::uint8_t v) { return v != 0; }))
            core_cell[static_cast<size_t>(c)] = n_core_cells++;
    auto cell_id = [&](i64 c) { return core_cell[static_cast<size_t>(c)]; };
    std::vector<std::atomic<i32>> parent(static_cast<size_t>(n_core_cells));
    for (i32 c = 0; c < n_core_cells; ++c)
        parent[static_cast<size_t>(c)].store(c, std::memory_order_relaxed);
    if (!for_cells([&](i64 c, NeighbourWalker<D, T> &walk) {
            const i32 a = cell_id(c);
            if (a < 0)
                return;
            walk.for_each(c, [&](i64 nb) {
                const i32 b = cell_id(nb);
                if (nb <= c || b < 0 || uf_find(parent, a) == uf_find(parent, b))
                    return;
                for (i64 p = beg(c); p < end(c); ++p) {
                    if (!core[static_cast<size_t>(p)] || g.box_dist2(at(p), nb) > r2)
                        continue;
                    for (i64 q = beg(nb); q < end(nb); ++q)
                        if (core[static_cast<size_t>(q)] &&
                            dist2<D>(at(p), at(q)) <= r2) {
                            uf_unite(parent, a, b);
                            return;
                        }
                }
            });
        }))
        return res.stopped = true;

    // 3. clusters in order of their smallest core sample index (scikit-learn's)
    const i32 none = std::numeric_limits<i32>::max();
    std::vector<i32> cluster(static_cast<size_t>(n_core_cells), none);
    for (i64 c = 0; c < n_cells; ++c) { // first: per root, its smallest core row
        if (cell_id(c) < 0)
            continue;
        i32 &f = cluster[static_cast<size_t>(uf_find(parent, cell_id(c)))];
        for (i64 p = beg(c); p < end(c); ++p)
            if (core[static_cast<size_t>(p)])
                f = std::min(f, g.idx[static_cast<size_t>(p)]);
    }
    {
        std::vector<std::pair<i32, i32>> roots; // (first core row, root)
        for (i32 c = 0; c < n_core_cells; ++c)
            if (uf_find(parent, c) == c)
                roots.emplace_back(cluster[static_cast<size_t>(c)], c);
        std::sort(roots.begin(), roots.end());
        for (size_t id = 0; id < roots.size(); ++id)
            cluster[static_cast<size_t>(roots[id].second)] = static_cast<i32>(id);
    }
    // a root is the smallest member of its set, so it is renamed before the others
    for (i32 c = 0; c < n_core_cells; ++c) {
        const i32 root = uf_find(parent, c);
        if (root != c)
            cluster[static_cast<size_t>(c)] = cluster[static_cast<size_t>(root)];
    }
    std::vector<std::atomic<i32>>().swap(parent);

    // 4. border samples: the smallest cluster id among core neighbours; every cell's
    // core samples share one id, so a cell is checked only if it could lower the best
    if (!for_cells([&](i64 c, NeighbourWalker<D, T> &walk) {
            for (i64 p = beg(c); p < end(c); ++p) {
                const i64 i = g.idx[static_cast<size_t>(p)];
                if (core[static_cast<size_t>(p)]) {
                    res.labels[static_cast<size_t>(i)] =
                        cluster[static_cast<size_t>(cell_id(c))];
                    continue;
                }
                i64 best = -1;
                walk.for_each(c, [&](i64 nb) {
                    if (cell_id(nb) < 0)
                        return;
                    const i64 id = cluster[static_cast<size_t>(cell_id(nb))];
                    if ((best >= 0 && id >= best) || g.box_dist2(at(p), nb) > r2)
                        return;
                    for (i64 q = beg(nb); q < end(nb); ++q)
                        if (core[static_cast<size_t>(q)] &&
                            dist2<D>(at(p), at(q)) <= r2) {
                            best = id;
                            return;
                        }
                });
                res.labels[static_cast<size_t>(i)] = best;
            }
        }))
        return res.stopped = true;
    for (i64 p = 0; p < n; ++p)
        res.core[static_cast<size_t>(g.idx[static_cast<size_t>(p)])] =
            core[static_cast<size_t>(p)];
    return true;
}

} // namespace grid_detail

// Euclidean DBSCAN on the grid when d is 1 to 3. Returns false (res untouched) when
// the grid cannot be used; true when res holds the result (or res.stopped is set).
template <typename T>
bool dbscan_grid(const T *X, std::int64_t n, std::int64_t d, const double *w,
                 double eps, double min_samples, int n_threads, DbscanResult &res,
                 const std::function<bool()> &keep_going = nullptr) {
    if (n == 0)
        return false;
    switch (d) {
    case 1:
        return grid_detail::dbscan_grid_d<1>(X, n, w, eps, min_samples, n_threads,
                                             keep_going, res);
    case 2:
        return grid_detail::dbscan_grid_d<2>(X, n, w, eps, min_samples, n_threads,
                                             keep_going, res);
    case 3:
        return grid_detail::dbscan_grid_d<3>(X, n, w, eps, min_samples, n_threads,
                                             keep_going, res);
    default:
        return false;
    }
}

// ---------------------------------------------------------------------------------
// DBSCAN on given distances: row i of a dense n x n matrix, or the stored entries of
// row i of a sparse graph (absent entries are not neighbours; the diagonal always
// counts, with its stored value or 0, as scikit-learn makes it explicit). j is a
// neighbour of i when the value is <= eps, compared in the values' own type as NumPy
// compares them. Such a relation need not be symmetric, so clusters are grown exactly
// as scikit-learn grows them: from each unlabelled core sample in index order, through
// the neighbourhoods of the core samples reached. Extra memory is O(n).

template <typename T, typename I> struct DistanceRows {
    const T *data;              // dense: n x n row-major; sparse: the stored values
    const I *indices;           // sparse only (null for dense)
    const std::int64_t *indptr; // sparse only
    std::int64_t n;

    // Calls f(j) for every neighbour j of i.
    template <class F> void for_each(std::int64_t i, T eps, F &&f) const {
        if (indices == nullptr) {
            const T *row = data + i * n;
            for (std::int64_t j = 0; j < n; ++j)
                if (row[j] <= eps)
                    f(j);
            return;
        }
        T diagonal = 0;
        for (std::int64_t e = indptr[i]; e < indptr[i + 1]; ++e) {
            const std::int64_t j = static_cast<std::int64_t>(indices[e]);
            if (j == i)
                diagonal += data[e];
            else if (data[e] <= eps)
                f(j);
        }
        if (diagonal <= eps)
            f(i);
    }
};

template <typename T, typename I>
DbscanResult dbscan_precomputed(const DistanceRows<T, I> &rows, const double *w,
                                double eps, double min_samples, int n_threads,
                                const std::function<bool()> &keep_going = nullptr) {
    using i64 = std::int64_t;
    const i64 n = rows.n;
    const T eps_t = static_cast<T>(eps);
    DbscanResult res;
    res.core.assign(static_cast<size_t>(n), 0);
    res.labels.assign(static_cast<size_t>(n), -1);
    const i64 chunk = 64;
    if (!parallel_rounds((n + chunk - 1) / chunk, n_threads, keep_going, [&](i64 t) {
            for (i64 i = t * chunk; i < std::min(n, (t + 1) * chunk); ++i) {
                double count = 0;
                rows.for_each(i, eps_t, [&](i64 j) { count += w ? w[j] : 1.0; });
                res.core[static_cast<size_t>(i)] = count >= min_samples;
            }
        })) {
        res.stopped = true;
        return res;
    }
    // Growing clusters one after another; a sample is labelled when first reached
    // (scikit-learn labels it when it leaves the stack: the same set of samples).
    std::vector<i64> stack;
    i64 n_clusters = 0, since_check = 0;
    for (i64 seed = 0; seed < n; ++seed) {
        if (res.labels[static_cast<size_t>(seed)] >= 0 ||
            !res.core[static_cast<size_t>(seed)])
            continue;
        res.labels[static_cast<size_t>(seed)] = n_clusters;
        stack.push_back(seed);
        while (!stack.empty()) {
            const i64 i = stack.back();
            stack.pop_back();
            if (!res.core[static_cast<size_t>(i)])
                continue;
            rows.for_each(i, eps_t, [&](i64 j) {
                if (res.labels[static_cast<size_t>(j)] < 0) {
                    res.labels[static_cast<size_t>(j)] = n_clusters;
                    stack.push_back(j);
                }
            });
            if (++since_check == 4096) {
                since_check = 0;
                if (keep_going && !keep_going()) {
                    res.stopped = true;
                    return res;
                }
            }
        }
        ++n_clusters;
    }
    return res;
}

// For each query row: the label of the nearest core sample within eps (ties to the
// lowest core index), else -1. core_X holds the core samples (row-major n_core x d).
template <typename T>
void dbscan_predict(const T *core_X, const std::int64_t *core_labels,
                    std::int64_t n_core, std::int64_t d, const T *Q, std::int64_t nq,
                    double eps, const Metric &metric, std::int64_t leaf_size,
                    int n_threads, std::int64_t *out) {
    using i64 = std::int64_t;
    const KdTree<T> tree(core_X, n_core, d, leaf_size);
    const double r = metric.reduce_radius(eps);
    const i64 chunk = 256;
    with_metric(metric, [&](auto kind) {
        constexpr Metric::Kind K = decltype(kind)::value;
        parallel_for((nq + chunk - 1) / chunk, n_threads, [&](i64 t) {
            std::vector<double> q(static_cast<size_t>(d));
            for (i64 i = t * chunk; i < std::min(nq, (t + 1) * chunk); ++i) {
                for (i64 k = 0; k < d; ++k)
                    q[static_cast<size_t>(k)] = static_cast<double>(Q[i * d + k]);
                double best_d = std::numeric_limits<double>::infinity();
                i64 best_j = -1;
                tree.template visit<K>(q.data(), r, metric.p, [&](i64 j, double dist) {
                    if (dist < best_d || (dist == best_d && j < best_j)) {
                        best_d = dist;
                        best_j = j;
                    }
                });
                out[i] = best_j < 0 ? -1 : core_labels[best_j];
            }
        });
    });
}

} // namespace cc
