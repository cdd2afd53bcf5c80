// dispatch.cpp - picks the kernel set for this CPU once, at first use.
#include <cstdlib>
#include <cstring>
#include <string>

#include "dbscan_kernels.hpp"
#include "gmm_kernels.hpp"
#include "kernels.hpp"
#include "metrics_kernels.hpp"

namespace cc {
namespace {

bool cpu_has(Isa isa) {
    switch (isa) {
    case Isa::base:
        return true;
#if defined(CLUSTERCORE_X86_DISPATCH)
    case Isa::avx2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#endif
    default:
        return false;
    }
}

const char *isa_name(Isa isa) {
    switch (isa) {
    case Isa::avx2:
        return "avx2";
    case Isa::avx512:
        return "avx512";
    default:
        return "base";
    }
}

bool parse_isa(const char *name, Isa *out) {
    for (Isa isa : {Isa::base, Isa::avx2, Isa::avx512}) {
        if (std::strcmp(name, isa_name(isa)) == 0) {
            *out = isa;
            return true;
        }
    }
    return false;
}

Isa best_isa() {
    const char *env = std::getenv("CLUSTERCORE_SIMD");
    Isa wanted;
    if (env != nullptr && parse_isa(env, &wanted) && cpu_has(wanted))
        return wanted;
    for (Isa isa : {Isa::avx512, Isa::avx2}) {
        if (cpu_has(isa))
            return isa;
    }
    return Isa::base;
}

Isa &current() {
    static Isa isa = best_isa();
    return isa;
}

// The set built for the selected instruction set.
template <class S>
const S &pick_set(Isa isa, const S &base_set, const S &avx2_set, const S &avx512_set) {
    if (isa == Isa::avx512)
        return avx512_set;
    if (isa == Isa::avx2)
        return avx2_set;
    return base_set;
}

} // namespace

const KernelSet<float> &kernels_f32() {
#if defined(CLUSTERCORE_X86_DISPATCH)
    return pick_set(current(), base::kernels_f32, avx2::kernels_f32,
                    avx512::kernels_f32);
#else
    return base::kernels_f32;
#endif
}

const KernelSet<double> &kernels_f64() {
#if defined(CLUSTERCORE_X86_DISPATCH)
    return pick_set(current(), base::kernels_f64, avx2::kernels_f64,
                    avx512::kernels_f64);
#else
    return base::kernels_f64;
#endif
}

const GmmKernelSet &gmm_kernels() {
#if defined(CLUSTERCORE_X86_DISPATCH)
    return pick_set(current(), base::gmm_kernels, avx2::gmm_kernels,
                    avx512::gmm_kernels);
#else
    return base::gmm_kernels;
#endif
}

const MetricKernelSet &metric_kernels() {
#if defined(CLUSTERCORE_X86_DISPATCH)
    return pick_set(current(), base::metric_kernels, avx2::metric_kernels,
                    avx512::metric_kernels);
#else
    return base::metric_kernels;
#endif
}

const DbscanKernelSet &dbscan_kernels() {
#if defined(CLUSTERCORE_X86_DISPATCH)
    return pick_set(current(), base::dbscan_kernels, avx2::dbscan_kernels,
                    avx512::dbscan_kernels);
#else
    return base::dbscan_kernels;
#endif
}

const char *selected_isa() {
    return isa_name(current());
}

const char *available_isas() {
    static const std::string names = [] {
        std::string s;
        for (Isa isa : {Isa::base, Isa::avx2, Isa::avx512}) {
            if (!cpu_has(isa))
                continue;
            if (!s.empty())
                s += ",";
            s += isa_name(isa);
        }
        return s;
    }();
    return names.c_str();
}

bool select_isa(const char *name) {
    Isa isa;
    if (!parse_isa(name, &isa) || !cpu_has(isa))
        return false;
    current() = isa;
    return true;
}

} // namespace cc
