// minibatch.hpp - mini-batch k-means (Sculley 2010) as scikit-learn 1.9.1 runs it, with
// the whole loop in C++.
//
// Python-free. One step takes a batch of rows, assigns them with the Lloyd kernels
// (kmeans.hpp), and moves each centre to the running mean of every sample it has been
// given so far: c <- (c * count + sum of w x) / (count + sum of w), count += sum of w.
// Centres of low count are then moved onto random batch rows (scikit-learn's "random
// reassignment"). The fit draws its batches with replacement, with probability
// proportional to the sample weights, from a seeded xoshiro256** generator, and stops
// early on scikit-learn's two criteria (see MiniBatchParams).
//
// Every sum of a step is taken on the fixed block grid of lloyd_pass, and the update
// runs on the calling thread, so centres, counts and inertias are bitwise identical for
// any number of threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include "kmeans.hpp"

namespace cc {

// xoshiro256** (Blackman and Vigna), seeded through splitmix64: the same stream on
// every platform and compiler, unlike the distributions of <random>.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) {
        for (std::uint64_t &s : s_) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            s = z ^ (z >> 31);
        }
    }

    std::uint64_t next() {
        const std::uint64_t out = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return out;
    }

    // Uniform in [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // Uniform in [0, n), without bias (the draws below 2^64 mod n are rejected), n
    // >= 1.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t reject = (0 - n) % n;
        for (;;) {
            const std::uint64_t r = next();
            if (r >= reject)
                return r % n;
        }
    }

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    }
    std::uint64_t s_[4];
};

// Draws indices in [0, n) with probability proportional to w (>= 0, some > 0) in O(1)
// each: Vose's alias method. All-equal weights need no table.
class WeightedSampler {
  public:
    template <typename T> WeightedSampler(const T *w, i64 n) : n_(n) {
        bool equal = true;
        for (i64 i = 1; i < n && equal; ++i)
            equal = w[i] == w[0];
        if (equal)
            return;
        double total = 0;
        for (i64 i = 0; i < n; ++i)
            total += static_cast<double>(w[i]);
        prob_.resize(static_cast<size_t>(n));
        alias_.assign(static_cast<size_t>(n), 0);
        std::vector<i64> small, large;
        for (i64 i = 0; i < n; ++i) {
            const double p = static_cast<double>(w[i]) * static_cast<double>(n) / total;
            prob_[static_cast<size_t>(i)] = p;
            (p < 1.0 ? small : large).push_back(i);
        }
        while (!small.empty() && !large.empty()) {
            const i64 s = small.back(), l = large.back();
            small.pop_back();
            alias_[static_cast<size_t>(s)] = l;
            double &pl = prob_[static_cast<size_t>(l)];
            pl = (pl + prob_[static_cast<size_t>(s)]) - 1.0;
            if (pl < 1.0) {
                large.pop_back();
                small.push_back(l);
            }
        }
        // what is left has probability 1 up to rounding
        for (i64 i : large)
            prob_[static_cast<size_t>(i)] = 1.0;
        for (i64 i : small)
            prob_[static_cast<size_t>(i)] = 1.0;
    }

    i64 draw(Rng &rng) const {
        const i64 i = static_cast<i64>(rng.below(static_cast<std::uint64_t>(n_)));
        if (prob_.empty())
            return i;
        return rng.uniform() < prob_[static_cast<size_t>(i)]
                   ? i
                   : alias_[static_cast<size_t>(i)];
    }

  private:
    i64 n_;
    std::vector<double> prob_;
    std::vector<i64> alias_;
};

// ---------------------------------------------------------------- one step

// Buffers one step reuses from the last.
template <typename T> struct StepScratch {
    std::vector<std::int32_t> labels;
    std::vector<T> old;
    std::vector<i64> order;
    LloydStats stats;
};

struct StepResult {
    double inertia =
        0;            // sum of w ||x - c||^2 over the batch, against the centres before
    double shift = 0; // sum over centres of the squared move (when asked)
    i64 n_reassigned = 0;
};

// One mini-batch step on the rows of `batch` (weights w) against centres (k x d,
// in/out) with per-centre counts (in/out, double). reassign: consider the random
// reassignment of low-count centres (scikit-learn's _random_reassign() said so); ratio:
// its reassignment_ratio. rng draws the batch rows that replace them.
template <class View, typename T>
StepResult minibatch_step(const View &batch, const T *w, T *centers, double *counts,
                          i64 k, const double *origin, bool reassign, double ratio,
                          bool want_shift, Rng &rng, int n_threads,
                          StepScratch<T> &sc) {
    const i64 d = batch.d, m = batch.n;
    StepResult res;
    sc.labels.assign(static_cast<size_t>(m), -1);
    lloyd_pass(batch, w, centers, k, origin, sc.labels.data(), Pass::full, true,
               threads_for_work(n_threads, m * k * d), sc.stats);
    res.inertia = sc.stats.inertia;
    if (want_shift)
        sc.old.assign(centers, centers + k * d);
    for (i64 c = 0; c < k; ++c) {
        const double wsum = sc.stats.weights[static_cast<size_t>(c)];
        if (!(wsum > 0))
            continue; // scikit-learn only updates centres that received weight
        const double before = counts[c], after = before + wsum;
        const double *sums = sc.stats.sums.data() + c * d;
        for (i64 j = 0; j < d; ++j)
            centers[c * d + j] = static_cast<T>(
                (static_cast<double>(centers[c * d + j]) * before + sums[j]) / after);
        counts[c] = after;
    }
    if (reassign && ratio > 0) {
        const double top = *std::max_element(counts, counts + k);
        std::vector<std::uint8_t> low(static_cast<size_t>(k), 0);
        i64 n_low = 0;
        for (i64 c = 0; c < k; ++c)
            n_low += low[static_cast<size_t>(c)] = counts[c] < ratio * top;
        // at most half a batch: the ones of lowest count (ties: lowest index) go first
        const i64 cap = static_cast<i64>(0.5 * static_cast<double>(m));
        if (n_low > cap) {
            sc.order.resize(static_cast<size_t>(k));
            std::iota(sc.order.begin(), sc.order.end(), i64(0));
            std::stable_sort(sc.order.begin(), sc.order.end(),
                             [&](i64 a, i64 b) { return counts[a] < counts[b]; });
            for (i64 r = cap; r < k; ++r)
                low[static_cast<size_t>(sc.order[static_cast<size_t>(r)])] = 0;
            n_low = cap;
        }
        if (n_low > 0) {
            // distinct batch rows, uniformly: a partial Fisher-Yates shuffle
            std::vector<i64> pick(static_cast<size_t>(m));
            std::iota(pick.begin(), pick.end(), i64(0));
            for (i64 r = 0; r < n_low; ++r)
                std::swap(pick[static_cast<size_t>(r)],
                          pick[static_cast<size_t>(
                              r + static_cast<i64>(
                                      rng.below(static_cast<std::uint64_t>(m - r))))]);
            double floor = std::numeric_limits<double>::infinity();
            for (i64 c = 0; c < k; ++c)
                if (!low[static_cast<size_t>(c)])
                    floor = std::min(floor, counts[c]);
            if (!(floor < std::numeric_limits<double>::infinity())) // all were low
                floor = *std::min_element(counts, counts + k);
            i64 r = 0;
            for (i64 c = 0; c < k; ++c) {
                if (!low[static_cast<size_t>(c)])
                    continue;
                row_copy(batch, pick[static_cast<size_t>(r++)], centers + c * d);
                // scikit-learn's reset: not too small, or the centre would be
                // reassigned again at once
                counts[c] = floor;
            }
            res.n_reassigned = n_low;
        }
    }
    if (want_shift)
        for (i64 e = 0; e < k * d; ++e) {
            const double diff =
                static_cast<double>(centers[e]) - sc.old[static_cast<size_t>(e)];
            res.shift += diff * diff;
        }
    return res;
}

// ---------------------------------------------------------------- the fit loop

struct MiniBatchParams {
    i64 batch = 1024; // rows per step (<= n)
    i64 n_steps = 1;  // at most; (max_iter * n) // batch
    double tol = 0;   // absolute: stop when a step moves the centres by <= tol (if > 0)
    i64 max_no_improvement = 10; // stop after this many steps without a new lowest
                                 // smoothed inertia; < 0: never
    double reassignment_ratio = 0.01;
    std::uint64_t seed = 0;
    const double *origin = nullptr; // dense data: what centres are packed relative to
    int n_threads = 1;
};

struct MiniBatchStepInfo {
    i64 step;         // 1-based
    double inertia;   // mean squared distance of the batch's rows (before the update)
    double ewa;       // smoothed inertia (NaN on the first step, which is not counted)
    i64 n_reassigned; // centres moved onto batch rows this step
    int converged;    // 0: no; 1: small centre change; 2: no improvement
};

struct MiniBatchResult {
    i64 n_steps = 0;
    double ewa = std::numeric_limits<double>::quiet_NaN(); // NaN when 1 step ran
    double first_inertia = 0; // mean batch inertia of the first step
    i64 n_since_reassign = 0; // scikit-learn's _n_since_last_reassign at the end
    bool stopped = false;     // progress asked to stop (Ctrl-C)
};

// Rows `idx` of X as a batch view, gathered into buffers the caller keeps.
template <typename T> struct Gather {
    std::vector<T> rows; // dense
    std::vector<T> data; // CSR
    std::vector<std::int32_t> indices, indptr;

    Dense<T> operator()(const Dense<T> &X, const std::vector<i64> &idx) {
        const i64 d = X.d, m = static_cast<i64>(idx.size());
        rows.resize(static_cast<size_t>(m * d));
        for (i64 r = 0; r < m; ++r)
            std::copy(X.data + idx[static_cast<size_t>(r)] * d,
                      X.data + (idx[static_cast<size_t>(r)] + 1) * d,
                      rows.data() + r * d);
        return Dense<T>{rows.data(), m, d};
    }

    Csr<T> operator()(const Csr<T> &X, const std::vector<i64> &idx) {
        const i64 m = static_cast<i64>(idx.size());
        indptr.assign(1, 0);
        data.clear();
        indices.clear();
        for (i64 r = 0; r < m; ++r) {
            const i64 i = idx[static_cast<size_t>(r)];
            data.insert(data.end(), X.data + X.indptr[i], X.data + X.indptr[i + 1]);
            indices.insert(indices.end(), X.indices + X.indptr[i],
                           X.indices + X.indptr[i + 1]);
            indptr.push_back(static_cast<std::int32_t>(data.size()));
        }
        return Csr<T>{data.data(), indices.data(), indptr.data(), m, X.d};
    }
};

// scikit-learn's MiniBatchKMeans.fit loop from the given centres (in/out, k x d) and
// counts (in/out; zero for a new fit). Batches of p.batch rows are drawn with
// replacement, with probability proportional to w, and weigh 1 each. progress(info)
// runs on the calling thread every `progress_every` steps and at the last; false stops.
template <class View, typename T>
MiniBatchResult
minibatch_fit(const View &X, const T *w, T *centers, double *counts, i64 k,
              const MiniBatchParams &p, i64 progress_every,
              const std::function<bool(const MiniBatchStepInfo &)> &progress) {
    MiniBatchResult res;
    Rng rng(p.seed);
    const WeightedSampler sampler(w, X.n);
    const std::vector<T> ones(static_cast<size_t>(p.batch), T(1));
    std::vector<i64> idx(static_cast<size_t>(p.batch));
    Gather<T> gather;
    StepScratch<T> sc;
    const double alpha = std::min(1.0, static_cast<double>(p.batch) * 2.0 /
                                           static_cast<double>(X.n + 1));
    bool have_ewa = false, have_min = false;
    double ewa = 0, ewa_min = 0;
    i64 no_improvement = 0, since_reassign = 0;
    for (i64 step = 0; step < p.n_steps; ++step) {
        for (i64 &i : idx)
            i = sampler.draw(rng);
        const auto batch = gather(X, idx);
        // scikit-learn's _random_reassign(), asked before the step
        since_reassign += p.batch;
        bool reassign = false;
        if (std::any_of(counts, counts + k, [](double c) { return c == 0; }) ||
            since_reassign >= 10 * k) {
            since_reassign = 0;
            reassign = true;
        }
        const StepResult st =
            minibatch_step(batch, ones.data(), centers, counts, k, p.origin, reassign,
                           p.reassignment_ratio, p.tol > 0, rng, p.n_threads, sc);
        res.n_steps = step + 1;
        // scikit-learn's _mini_batch_convergence
        MiniBatchStepInfo info{step + 1, st.inertia / static_cast<double>(p.batch),
                               std::numeric_limits<double>::quiet_NaN(),
                               st.n_reassigned, 0};
        if (step == 0) {
            res.first_inertia = info.inertia;
        } else {
            ewa = have_ewa ? ewa * (1 - alpha) + info.inertia * alpha : info.inertia;
            have_ewa = true;
            info.ewa = ewa;
            if (p.tol > 0 && st.shift <= p.tol) {
                info.converged = 1;
            } else {
                if (!have_min || ewa < ewa_min) {
                    no_improvement = 0;
                    ewa_min = ewa;
                    have_min = true;
                } else {
                    ++no_improvement;
                }
                if (p.max_no_improvement >= 0 && no_improvement >= p.max_no_improvement)
                    info.converged = 2;
            }
        }
        const bool last = info.converged != 0 || step + 1 == p.n_steps;
        if ((last || (step + 1) % progress_every == 0) && progress && !progress(info)) {
            res.stopped = true;
            break;
        }
        if (info.converged != 0)
            break;
    }
    if (have_ewa)
        res.ewa = ewa;
    res.n_since_reassign = since_reassign;
    return res;
}

} // namespace cc
