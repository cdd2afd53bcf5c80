// kernels.hpp - the distance kernels behind every k-means step, one set per instruction
// set.
//
// A "tile" is up to kTileRows consecutive rows of a dense row-major matrix X. For a row
// x and a centre c, the kernels compute the partial squared distance
//     D(x, c) = cnorm[c] - 2 x.c'
// where c' is the packed (usually centred) centre and cnorm[c] its constant term;
// callers set c' = c - o and cnorm[c] = ||c - o||^2 + 2 o.(c - o) for an origin o (the
// data mean), so that D(x, c) = ||x - c||^2 - ||x - o||^2: the argmin over c is
// unchanged, and no large common offset of the data is squared. Features are summed in
// order j = 0..d-1, so the value of D(x, c) depends only on x, c, the instruction set
// and the layout (itself a function of k and d): never on the row's place in the tile
// or on the thread count.
//
// Layouts of the packed centres:
//   rows   (d <= max_row_features): each SIMD lane holds one row of X; centres
//          are read one at a time from `centers` (k x d row-major, holding -2 c')
//          and cnorm (k values), and D = cnorm + x.(-2 c') in one FMA chain.
//   narrow / wide: lanes hold centres. Panels of P = lanes (narrow) or 2 * lanes (wide)
//          centres: panel p holds, for each feature j, the P values c'[p*P + l][j]
//          contiguously, zero for padding centres past k, whose cnorm is +inf.
#pragma once

#include <cstdint>

namespace cc {

constexpr std::int64_t kTileRows = 256;

enum class Layout { rows, narrow, wide };

template <typename T> struct TileArgs {
    const T *x;               // in: first row of the tile
    std::int64_t ldx;         // in: row stride of x, in elements
    std::int64_t m;           // in: rows in the tile, 1..kTileRows
    std::int64_t d;           // in: features
    Layout layout;            // in: how the centres are packed
    const T *centers;         // in: rows layout: k x d centres c'
    const T *panels;          // in: panel layouts: n_panels * d * P
    const T *cnorm;           // in: constant terms (rows: k; panels: n_panels * P)
    std::int64_t k;           // in: real centres
    std::int64_t n_panels;    // in: panel layouts
    std::int64_t panel_block; // in: panels processed together for cache reuse (>= 1)
};

// Function table of one instruction set.
template <typename T> struct KernelSet {
    const char *isa;
    int lanes;            // SIMD lanes of T
    int max_row_features; // largest d the rows layout takes
    // labels[r] = smallest index c minimising D(x_r, c).
    void (*assign)(const TileArgs<T> &a, std::int32_t *labels);
    // out[r * rs + c * cs] = D(x_r, c) for c < k (rs = k, cs = 1: row-major).
    void (*partial_distances)(const TileArgs<T> &a, T *out, std::int64_t rs,
                              std::int64_t cs);
    // sums[labels[r] * d + j] += w[r] * x[r][j]; wsum[labels[r]] += w[r]; in double.
    void (*accumulate)(const T *x, std::int64_t ldx, std::int64_t m, std::int64_t d,
                       const std::int32_t *labels, const T *w, double *sums,
                       double *wsum);
    // out[r] = ||x_r - ref_r||^2 in double; ref_r = centers[labels[r]] if labels, else
    // the origin (double; null means zero).
    void (*sqdist)(const T *x, std::int64_t ldx, std::int64_t m, std::int64_t d,
                   const T *centers, const std::int32_t *labels, const double *origin,
                   double *out);
    // k-means++ step on a tile, candidate-major (see pp_potentials in
    // kernels_impl.hpp): dist[t*ldd + r] = max(0, xsq[r] + part[t*ldp + r]); acc[t] +=
    // sum_r w[r] min(closest[r], dist[t*ldd + r]).
    void (*pp_potentials)(const T *part, std::int64_t ldp, std::int64_t m,
                          std::int64_t nc, const double *xsq, const T *w,
                          const double *closest, double *dist, std::int64_t ldd,
                          double *acc);
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
