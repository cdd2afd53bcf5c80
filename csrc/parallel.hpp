// parallel.hpp - the one parallel abstraction of clustercore.
//
// parallel_for(n_tasks, n_threads, f) calls f(task) once for every task in [0,
// n_tasks). Tasks are handed out dynamically, so which thread runs a task varies from
// run to run; callers make results independent of that by giving every task its own
// output slot and reducing the slots afterwards in task order. An exception thrown by f
// is caught inside the parallel region (remaining tasks are skipped) and the first one
// caught is rethrown on the calling thread.
//
// OpenMP is used when the build has it (so threadpoolctl and OMP_NUM_THREADS see and
// limit our pool); otherwise std::thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>

#ifdef _OPENMP
#include <omp.h>
#else
#include <thread>
#include <vector>
#endif

namespace cc {

inline bool have_openmp() {
#ifdef _OPENMP
    return true;
#else
    return false;
#endif
}

// Threads the runtime would use by default (honours OMP_NUM_THREADS and threadpoolctl
// limits).
inline int max_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    unsigned h = std::thread::hardware_concurrency();
    return h == 0 ? 1 : static_cast<int>(h);
#endif
}

class ExceptionSlot {
  public:
    void capture() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_)
            error_ = std::current_exception();
        failed_.store(true, std::memory_order_relaxed);
    }
    bool failed() const { return failed_.load(std::memory_order_relaxed); }
    void rethrow() const {
        if (error_)
            std::rethrow_exception(error_);
    }

  private:
    std::mutex mutex_;
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};
};

// Threads worth waking for `work` elementary operations: one below ~2^20 (a parallel
// region costs microseconds), else n_threads. Results never depend on the choice.
inline int threads_for_work(int n_threads, std::int64_t work) {
    return work < (std::int64_t(1) << 20) ? 1 : n_threads;
}

template <class F> void parallel_for(std::int64_t n_tasks, int n_threads, F &&f) {
    if (n_tasks <= 0)
        return;
    n_threads = static_cast<int>(
        std::max<std::int64_t>(1, std::min<std::int64_t>(n_threads, n_tasks)));
    if (n_threads == 1) {
        for (std::int64_t t = 0; t < n_tasks; ++t)
            f(t);
        return;
    }
    ExceptionSlot slot;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
    for (std::int64_t t = 0; t < n_tasks; ++t) {
        if (slot.failed())
            continue;
        try {
            f(t);
        } catch (...) {
            slot.capture();
        }
    }
#else
    std::atomic<std::int64_t> next{0};
    auto worker = [&]() {
        for (;;) {
            std::int64_t t = next.fetch_add(1, std::memory_order_relaxed);
            if (t >= n_tasks || slot.failed())
                return;
            try {
                f(t);
            } catch (...) {
                slot.capture();
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(n_threads - 1));
    for (int i = 1; i < n_threads; ++i)
        pool.emplace_back(worker);
    worker();
    for (auto &th : pool)
        th.join();
#endif
    slot.rethrow();
}

// parallel_for that can be stopped: the calling thread, between the tasks it runs
// itself, calls keep_going() (when set) about every 20 ms; once it returns false, no
// task starts any more and the call returns false. Tasks run at most once each, in any
// order, so callers give every task its own output, as for parallel_for.
template <class F>
bool parallel_for_until(std::int64_t n_tasks, int n_threads,
                        const std::function<bool()> &keep_going, F &&f) {
    if (n_tasks <= 0)
        return keep_going ? keep_going() : true;
    n_threads = static_cast<int>(
        std::max<std::int64_t>(1, std::min<std::int64_t>(n_threads, n_tasks)));
    using clock = std::chrono::steady_clock;
    const auto interval = std::chrono::milliseconds(20);
    std::atomic<std::int64_t> next{0};
    std::atomic<bool> stop{false};
    ExceptionSlot slot;
    // caller: true for the thread that called parallel_for_until
    auto worker = [&](bool caller) {
        auto last = clock::now();
        for (;;) {
            if (stop.load(std::memory_order_relaxed) || slot.failed())
                return;
            const std::int64_t t = next.fetch_add(1, std::memory_order_relaxed);
            if (t >= n_tasks)
                return;
            try {
                f(t);
                if (caller && keep_going && clock::now() - last >= interval) {
                    last = clock::now();
                    if (!keep_going())
                        stop.store(true, std::memory_order_relaxed);
                }
            } catch (...) {
                slot.capture();
            }
        }
    };
    if (n_threads == 1) {
        worker(true);
    } else {
#ifdef _OPENMP
#pragma omp parallel num_threads(n_threads)
        worker(omp_get_thread_num() == 0); // the encountering thread is thread 0
#else
        std::vector<std::thread> pool;
        pool.reserve(static_cast<std::size_t>(n_threads - 1));
        for (int i = 1; i < n_threads; ++i)
            pool.emplace_back(worker, false);
        worker(true);
        for (auto &th : pool)
            th.join();
#endif
    }
    slot.rethrow();
    if (!stop.load() && keep_going && !keep_going())
        return false;
    return !stop.load();
}

} // namespace cc
