// kernels_impl.hpp - register-blocked distance kernels, compiled once per instruction
// set.
//
// Included only by kernels_<isa>.cpp, which define CC_ISA_NS (namespace) and CC_VBYTES
// (vector width in bytes) and compile with that instruction set's flags. Everything
// here lives in the ISA's own namespace and calls no standard-library template, so no
// inline function compiled for a wider instruction set can be picked by the linker for
// a narrower one.
//
// The micro-kernel keeps an R x NV block of accumulator vectors (R rows, NV vectors of
// W lanes of centres) in registers and streams the packed panel once per feature: R*NV
// fused multiply-adds per NV loads and R broadcasts. The running minimum is kept per
// lane; each lane sees centres in increasing index order and replaces its minimum only
// on a strictly smaller value, so the final lane reduction yields the smallest index
// among exact ties.
#include <cstdint>
#include <cstring>

#include "kernels.hpp"

#ifndef CC_ISA_NS
#error "define CC_ISA_NS and CC_VBYTES before including kernels_impl.hpp"
#endif

namespace cc {
namespace CC_ISA_NS {
namespace {

using i64 = std::int64_t;

typedef double f64v __attribute__((vector_size(CC_VBYTES)));
typedef long long i64v __attribute__((vector_size(CC_VBYTES)));
typedef float f32v __attribute__((vector_size(CC_VBYTES)));
typedef int i32v __attribute__((vector_size(CC_VBYTES)));

template <typename T> struct VT;
template <> struct VT<double> {
    using V = f64v;
    using I = i64v;
    using S = long long;
    static constexpr int W = CC_VBYTES / 8;
};
template <> struct VT<float> {
    using V = f32v;
    using I = i32v;
    using S = int;
    static constexpr int W = CC_VBYTES / 4;
};

constexpr int kRows = 6;    // R: rows per micro-tile
constexpr int kVectors = 2; // NV: vectors of centres per panel

template <typename V, typename T> inline V load(const T *p) {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
}

template <typename V, typename I> inline V select(I mask, V a, V b) {
    return (V)(((I)a & mask) | ((I)b & ~mask));
}

template <typename T> inline typename VT<T>::I lane_iota() {
    typename VT<T>::I v;
    for (int l = 0; l < VT<T>::W; ++l)
        v[l] = l;
    return v;
}

// acc[r][v] = sum_j x[r][j] * panel[j][v*W .. v*W+W)
template <typename T, int R>
inline void dot_block(const T *x, i64 ldx, i64 d, const T *panel,
                      typename VT<T>::V (&acc)[R][kVectors]) {
    using V = typename VT<T>::V;
    constexpr int W = VT<T>::W;
    constexpr int P = W * kVectors;
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < kVectors; ++v)
            acc[r][v] = V{};
    for (i64 j = 0; j < d; ++j) {
        V c[kVectors];
        for (int v = 0; v < kVectors; ++v)
            c[v] = load<V>(panel + j * P + v * W);
        for (int r = 0; r < R; ++r) {
            V xb = V{} + x[r * ldx + j];
            for (int v = 0; v < kVectors; ++v)
                acc[r][v] += xb * c[v];
        }
    }
}

template <typename T, int R>
inline void micro_assign(const T *x, i64 ldx, i64 d, const T *panel, const T *cn,
                         i64 base, typename VT<T>::V *best,
                         typename VT<T>::I *best_idx) {
    using V = typename VT<T>::V;
    using I = typename VT<T>::I;
    using S = typename VT<T>::S;
    constexpr int W = VT<T>::W;
    V acc[R][kVectors];
    dot_block<T, R>(x, ldx, d, panel, acc);
    const I iota = lane_iota<T>();
    for (int v = 0; v < kVectors; ++v) {
        const V cnv = load<V>(cn + v * W);
        const I idx = iota + static_cast<S>(base + v * W);
        for (int r = 0; r < R; ++r) {
            V dist = cnv - (acc[r][v] + acc[r][v]);
            I m = (I)(dist < best[r]);
            best[r] = select(m, dist, best[r]);
            best_idx[r] = select(m, idx, best_idx[r]);
        }
    }
}

template <typename T, int R>
inline void micro_distances(const T *x, i64 ldx, i64 d, const T *panel, const T *cn,
                            i64 n_valid, T *out, i64 ldo) {
    using V = typename VT<T>::V;
    constexpr int W = VT<T>::W;
    V acc[R][kVectors];
    dot_block<T, R>(x, ldx, d, panel, acc);
    for (int v = 0; v < kVectors; ++v) {
        const V cnv = load<V>(cn + v * W);
        i64 lanes = n_valid - v * W;
        if (lanes <= 0)
            break;
        if (lanes > W)
            lanes = W;
        for (int r = 0; r < R; ++r) {
            V dist = cnv - (acc[r][v] + acc[r][v]);
            for (i64 l = 0; l < lanes; ++l)
                out[r * ldo + v * W + l] = dist[l];
        }
    }
}

template <typename T> void assign(const TileArgs<T> &a, std::int32_t *labels) {
    using V = typename VT<T>::V;
    using I = typename VT<T>::I;
    constexpr int W = VT<T>::W;
    constexpr int P = W * kVectors;
    alignas(64) V best[kTileRows];
    alignas(64) I best_idx[kTileRows];
    const T inf = __builtin_inf();
    for (i64 r = 0; r < a.m; ++r) {
        best[r] = V{} + inf;
        best_idx[r] = I{};
    }
    const i64 panel_size = a.d * P;
    for (i64 p0 = 0; p0 < a.n_panels; p0 += a.panel_block) {
        const i64 p1 =
            p0 + a.panel_block < a.n_panels ? p0 + a.panel_block : a.n_panels;
        for (i64 r0 = 0; r0 < a.m; r0 += kRows) {
            const i64 rr = a.m - r0 < kRows ? a.m - r0 : kRows;
            const T *xr = a.x + r0 * a.ldx;
            for (i64 p = p0; p < p1; ++p) {
                const T *panel = a.panels + p * panel_size;
                const T *cn = a.cnorm + p * P;
                switch (rr) {
                case 6:
                    micro_assign<T, 6>(xr, a.ldx, a.d, panel, cn, p * P, best + r0,
                                       best_idx + r0);
                    break;
                case 5:
                    micro_assign<T, 5>(xr, a.ldx, a.d, panel, cn, p * P, best + r0,
                                       best_idx + r0);
                    break;
                case 4:
                    micro_assign<T, 4>(xr, a.ldx, a.d, panel, cn, p * P, best + r0,
                                       best_idx + r0);
                    break;
                case 3:
                    micro_assign<T, 3>(xr, a.ldx, a.d, panel, cn, p * P, best + r0,
                                       best_idx + r0);
                    break;
                case 2:
                    micro_assign<T, 2>(xr, a.ldx, a.d, panel, cn, p * P, best + r0,
                                       best_idx + r0);
                    break;
                default:
                    micro_assign<T, 1>(xr, a.ldx, a.d, panel, cn, p * P, best + r0,
                                       best_idx + r0);
                    break;
                }
            }
        }
    }
    for (i64 r = 0; r < a.m; ++r) {
        T bv = best[r][0];
        long long bi = best_idx[r][0];
        for (int l = 1; l < W; ++l) {
            const T v = best[r][l];
            const long long i = best_idx[r][l];
            if (v < bv || (v == bv && i < bi)) {
                bv = v;
                bi = i;
            }
        }
        labels[r] = static_cast<std::int32_t>(bi);
    }
}

template <typename T> void partial_distances(const TileArgs<T> &a, T *out, i64 ldo) {
    constexpr int P = VT<T>::W * kVectors;
    const i64 panel_size = a.d * P;
    for (i64 r0 = 0; r0 < a.m; r0 += kRows) {
        const i64 rr = a.m - r0 < kRows ? a.m - r0 : kRows;
        const T *xr = a.x + r0 * a.ldx;
        for (i64 p = 0; p < a.n_panels; ++p) {
            const T *panel = a.panels + p * panel_size;
            const T *cn = a.cnorm + p * P;
            T *o = out + r0 * ldo + p * P;
            const i64 nv = a.k - p * P;
            switch (rr) {
            case 6:
                micro_distances<T, 6>(xr, a.ldx, a.d, panel, cn, nv, o, ldo);
                break;
            case 5:
                micro_distances<T, 5>(xr, a.ldx, a.d, panel, cn, nv, o, ldo);
                break;
            case 4:
                micro_distances<T, 4>(xr, a.ldx, a.d, panel, cn, nv, o, ldo);
                break;
            case 3:
                micro_distances<T, 3>(xr, a.ldx, a.d, panel, cn, nv, o, ldo);
                break;
            case 2:
                micro_distances<T, 2>(xr, a.ldx, a.d, panel, cn, nv, o, ldo);
                break;
            default:
                micro_distances<T, 1>(xr, a.ldx, a.d, panel, cn, nv, o, ldo);
                break;
            }
        }
    }
}

#define CC_STR2(x) #x
#define CC_STR(x) CC_STR2(x)

} // namespace

const KernelSet<float> kernels_f32 = {CC_STR(CC_ISA_NS), VT<float>::W * kVectors,
                                      &assign<float>, &partial_distances<float>};
const KernelSet<double> kernels_f64 = {CC_STR(CC_ISA_NS), VT<double>::W * kVectors,
                                       &assign<double>, &partial_distances<double>};

} // namespace CC_ISA_NS
} // namespace cc
