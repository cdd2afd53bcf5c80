// kernels.hpp - the distance kernels behind every k-means step, one set per instruction
// set.
//
// A "tile" is up to kTileRows consecutive rows of a dense row-major matrix X. Centres
// are packed into panels of P = panel_width centres: panel p holds, for each feature j,
// the P values C[p*P + l][j] (l = 0..P-1) contiguously, zero for the padding centres
// past k. cnorm holds
// ||c||^2 for each packed centre, +inf for padding, so a padding centre never wins.
//
// For a row x and a centre c, the kernels compute the partial squared distance
//     D(x, c) = ||c||^2 - 2 x.c          (||x||^2 omitted: it does not change the
//     argmin)
// with the features summed in order j = 0..d-1. The value of D(x, c) depends only on x,
// c and the instruction set, never on the row's position in the tile or on the thread
// count.
#pragma once

#include <cstdint>

namespace cc {

constexpr std::int64_t kTileRows = 256;

template <typename T> struct TileArgs {
    const T *x;               // in: first row of the tile
    std::int64_t ldx;         // in: row stride of x, in elements
    std::int64_t m;           // in: rows in the tile, 1..kTileRows
    std::int64_t d;           // in: features
    const T *panels;          // in: packed centres, n_panels * d * P
    const T *cnorm;           // in: n_panels * P squared norms (+inf for padding)
    std::int64_t k;           // in: real centres (<= n_panels * P)
    std::int64_t n_panels;    // in
    std::int64_t panel_block; // in: panels processed together for cache reuse (>= 1)
};

// Function table of one instruction set.
template <typename T> struct KernelSet {
    const char *isa;
    int panel_width;
    // labels[r] = smallest index c minimising D(x_r, c).
    void (*assign)(const TileArgs<T> &a, std::int32_t *labels);
    // out[r * ldo + c] = D(x_r, c) for c < k.
    void (*partial_distances)(const TileArgs<T> &a, T *out, std::int64_t ldo);
};

// Instruction sets compiled into this build, in order of preference.
enum class Isa { base = 0, avx2 = 1, avx512 = 2 };

// The kernels for the best instruction set this CPU supports (or the one named by the
// CLUSTERCORE_SIMD environment variable: "base", "avx2", "avx512", if it is supported).
const KernelSet<float> &kernels_f32();
const KernelSet<double> &kernels_f64();
// Name of the instruction set selected, and the list available on this CPU in this
// build.
const char *selected_isa();
const char *available_isas();
// Force an instruction set for testing; returns false if this CPU or build lacks it.
bool select_isa(const char *name);

namespace base {
extern const KernelSet<float> kernels_f32;
extern const KernelSet<double> kernels_f64;
} // namespace base
#if defined(CLUSTERCORE_X86_DISPATCH)
namespace avx2 {
extern const KernelSet<float> kernels_f32;
extern const KernelSet<double> kernels_f64;
} // namespace avx2
namespace avx512 {
extern const KernelSet<float> kernels_f32;
extern const KernelSet<double> kernels_f64;
} // namespace avx512
#endif

} // namespace cc
