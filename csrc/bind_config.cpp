// bind_config.cpp - build and runtime facts for show_config(), and the ISA switch used
// in tests.
#include <string>

#include "bind_common.hpp"

#ifndef CLUSTERCORE_VERSION
#define CLUSTERCORE_VERSION "unknown"
#endif

namespace cc {

namespace {
std::string compiler() {
#if defined(__clang__)
    return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
    return std::string("gcc ") + __VERSION__;
#elif defined(_MSC_VER)
    return "msvc " + std::to_string(_MSC_VER);
#else
    return "unknown";
#endif
}
} // namespace

void register_config(py::module_ &m) {
    m.def("build_info", [] {
        py::dict d;
        d["version"] = CLUSTERCORE_VERSION;
        d["compiler"] = compiler();
        d["openmp"] = have_openmp();
#ifdef _OPENMP
        d["openmp_version"] = _OPENMP;
#endif
        d["simd"] = selected_isa();
        d["simd_available"] = available_isas();
        d["max_threads"] = max_threads();
        return d;
    });
    m.def(
        "max_threads", &max_threads,
        "Threads the parallel runtime would use now (OMP_NUM_THREADS, threadpoolctl).");
    m.def(
        "select_simd",
        [](const std::string &name) {
            if (!select_isa(name.c_str()))
                throw std::invalid_argument("instruction set not available: " + name);
        },
        py::arg("name"),
        "Force the kernels of one instruction set (tests only; not thread-safe).");
}

} // namespace cc
