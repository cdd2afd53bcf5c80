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
#include <type_traits>

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

// R x NV register blocks: NV = 2 for wide panels (12 accumulators), NV = 1 for narrow
// ones.
template <int NV> struct Block;
template <> struct Block<2> {
    static constexpr int rows = 6;
};
template <> struct Block<1> {
    static constexpr int rows = 8;
};

template <typename V, typename T> inline V load(const T *p) {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
}

template <typename V, typename T> inline void store(T *p, V v) {
    std::memcpy(p, &v, sizeof(V));
}

// All lanes = x. "x - 0" is exact for every x (-0.0 included), so the compiler folds it
// into one broadcast; "V{} + x" would keep a scalar add of +0.0 on the critical path.
template <typename V, typename T> inline V splat(T x) {
    return x - V{};
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

// W consecutive values of type T widened to a vector of W doubles... for T = double a
// plain load; for float, the W floats of a half-width vector converted.
typedef float f32h __attribute__((vector_size(CC_VBYTES / 2)));
inline f64v load_f64(const double *p) {
    return load<f64v>(p);
}
inline f64v load_f64(const float *p) {
    return __builtin_convertvector(load<f32h>(p), f64v);
}
constexpr int kW64 = CC_VBYTES / 8;

inline double hsum(f64v v) {
    double s = 0;
    for (int l = 0; l < kW64; ++l)
        s += v[l];
    return s;
}

// ---------------------------------------------------------------- centres in lanes

// acc[r][v] = sum_j x[r][j] * panel[j][v*W .. v*W+W)
template <typename T, int R, int NV>
inline void dot_block(const T *x, i64 ldx, i64 d, const T *panel,
                      typename VT<T>::V (&acc)[R][NV]) {
    using V = typename VT<T>::V;
    constexpr int W = VT<T>::W;
    constexpr int P = W * NV;
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < NV; ++v)
            acc[r][v] = V{};
    for (i64 j = 0; j < d; ++j) {
        V c[NV];
        for (int v = 0; v < NV; ++v)
            c[v] = load<V>(panel + j * P + v * W);
        for (int r = 0; r < R; ++r) {
            V xb = splat<V>(x[r * ldx + j]);
            for (int v = 0; v < NV; ++v)
                acc[r][v] += xb * c[v];
        }
    }
}

template <typename T, int R, int NV>
inline void micro_assign(const T *x, i64 ldx, i64 d, const T *panel, const T *cn,
                         i64 base, typename VT<T>::V *best,
                         typename VT<T>::I *best_idx) {
    using V = typename VT<T>::V;
    using I = typename VT<T>::I;
    using S = typename VT<T>::S;
    constexpr int W = VT<T>::W;
    V acc[R][NV];
    dot_block<T, R, NV>(x, ldx, d, panel, acc);
    const I iota = lane_iota<T>();
    for (int v = 0; v < NV; ++v) {
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

template <typename T, int R, int NV>
inline void micro_distances(const T *x, i64 ldx, i64 d, const T *panel, const T *cn,
                            i64 n_valid, T *out, i64 rs, i64 cs) {
    using V = typename VT<T>::V;
    constexpr int W = VT<T>::W;
    V acc[R][NV];
    dot_block<T, R, NV>(x, ldx, d, panel, acc);
    for (int v = 0; v < NV; ++v) {
        const V cnv = load<V>(cn + v * W);
        i64 lanes = n_valid - v * W;
        if (lanes <= 0)
            break;
        if (lanes > W)
            lanes = W;
        for (int r = 0; r < R; ++r) {
            V dist = cnv - (acc[r][v] + acc[r][v]);
            for (i64 l = 0; l < lanes; ++l)
                out[r * rs + (v * W + l) * cs] = dist[l];
        }
    }
}

// Calls f(integral_constant<rr>) for rr = rows (1..R) with a compile-time row count.
template <int R, class F> inline void with_rows(i64 rows, F &&f) {
    if constexpr (R > 1) {
        if (rows < R)
            return with_rows<R - 1>(rows, f);
    }
    f(std::integral_constant<int, R>{});
}

template <typename T, int NV>
void assign_panels(const TileArgs<T> &a, std::int32_t *labels) {
    using V = typename VT<T>::V;
    using I = typename VT<T>::I;
    constexpr int W = VT<T>::W;
    constexpr int P = W * NV;
    constexpr int R = Block<NV>::rows;
    alignas(64) V best[kTileRows];
    alignas(64) I best_idx[kTileRows];
    const T inf = __builtin_inf();
    for (i64 r = 0; r < a.m; ++r) {
        best[r] = splat<V>(inf);
        best_idx[r] = I{};
    }
    const i64 panel_size = a.d * P;
    for (i64 p0 = 0; p0 < a.n_panels; p0 += a.panel_block) {
        const i64 p1 =
            p0 + a.panel_block < a.n_panels ? p0 + a.panel_block : a.n_panels;
        for (i64 r0 = 0; r0 < a.m; r0 += R) {
            const T *xr = a.x + r0 * a.ldx;
            with_rows<R>(a.m - r0, [&](auto rr) {
                for (i64 p = p0; p < p1; ++p)
                    micro_assign<T, decltype(rr)::value, NV>(
                        xr, a.ldx, a.d, a.panels + p * panel_size, a.cnorm + p * P,
                        p * P, best + r0, best_idx + r0);
            });
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

template <typename T, int NV>
void distances_panels(const TileArgs<T> &a, T *out, i64 rs, i64 cs) {
    constexpr int P = VT<T>::W * NV;
    constexpr int R = Block<NV>::rows;
    const i64 panel_size = a.d * P;
    for (i64 r0 = 0; r0 < a.m; r0 += R) {
        const T *xr = a.x + r0 * a.ldx;
        with_rows<R>(a.m - r0, [&](auto rr) {
            for (i64 p = 0; p < a.n_panels; ++p)
                micro_distances<T, decltype(rr)::value, NV>(
                    xr, a.ldx, a.d, a.panels + p * panel_size, a.cnorm + p * P,
                    a.k - p * P, out + r0 * rs + p * P * cs, rs, cs);
        });
    }
}

// ---------------------------------------------------------------- rows in lanes (small
// d)
//
// For few features the tile is transposed so that each lane holds one row; centres are
// broadcast one at a time from a.centers. Every lane then scans the centres in index
// order with a strict comparison: no horizontal reduction, and ties still go to the
// lowest index.

constexpr int kRowVectors = 4; // row vectors in flight, to hide the FMA latency
constexpr int kMaxRowFeatures = 16;

// Calls emit(r0, xt) for each group of kRowVectors * W rows of the tile, where xt holds
// the group transposed: xt[u][j] lane l = x[r0 + u*W + l][j] (zero past the tile's
// end). The whole tile is transposed once through memory first, which is cheaper than
// inserting lanes.
template <typename T, class Emit>
inline void rows_kernel(const TileArgs<T> &a, Emit &&emit) {
    using V = typename VT<T>::V;
    constexpr int W = VT<T>::W;
    constexpr int G = W * kRowVectors;
    constexpr i64 kPadded = (kTileRows + G - 1) / G * G;
    alignas(64) T buf[kMaxRowFeatures * kPadded];
    const i64 d = a.d, mp = (a.m + G - 1) / G * G;
    i64 done = 0;
    if (d == 2 && a.ldx == 2) {
        // Two features: split W interleaved (x, y) pairs with two shuffles.
        using I = typename VT<T>::I;
        I even, odd;
        for (int l = 0; l < W; ++l) {
            even[l] = 2 * l;
            odd[l] = 2 * l + 1;
        }
        for (; done + W <= a.m; done += W) {
            const V lo = load<V>(a.x + 2 * done), hi = load<V>(a.x + 2 * done + W);
            store(buf + done, __builtin_shuffle(lo, hi, even));
            store(buf + kPadded + done, __builtin_shuffle(lo, hi, odd));
        }
    }
    for (i64 j = 0; j < d; ++j) {
        T *row = buf + j * kPadded;
        for (i64 r = done; r < a.m; ++r)
            row[r] = a.x[r * a.ldx + j];
        for (i64 r = a.m; r < mp; ++r)
            row[r] = T(0);
    }
    for (i64 r0 = 0; r0 < a.m; r0 += G) {
        V xt[kRowVectors][kMaxRowFeatures];
        for (int u = 0; u < kRowVectors; ++u)
            for (i64 j = 0; j < d; ++j)
                xt[u][j] = load<V>(buf + j * kPadded + r0 + u * W);
        emit(r0, xt);
    }
}

// D(x, c) for the kRowVectors * W rows held transposed in xt. The rows layout stores
// -2 c', so D = cnorm + sum_j x_j (-2 c'_j) is one FMA chain per lane.
template <typename T>
inline void rows_distance(const TileArgs<T> &a, i64 c,
                          const typename VT<T>::V (&xt)[kRowVectors][kMaxRowFeatures],
                          typename VT<T>::V (&acc)[kRowVectors]) {
    using V = typename VT<T>::V;
    const T *cr = a.centers + c * a.d;
    const V cn = splat<V>(a.cnorm[c]);
    for (int u = 0; u < kRowVectors; ++u)
        acc[u] = cn;
    for (i64 j = 0; j < a.d; ++j) {
        const V cj = splat<V>(cr[j]);
        for (int u = 0; u < kRowVectors; ++u)
            acc[u] += xt[u][j] * cj;
    }
}

template <typename T> void assign_rows(const TileArgs<T> &a, std::int32_t *labels) {
    using V = typename VT<T>::V;
    using I = typename VT<T>::I;
    using S = typename VT<T>::S;
    constexpr int W = VT<T>::W;
    const T inf = __builtin_inf();
    rows_kernel<T>(a, [&](i64 r0, V(&xt)[kRowVectors][kMaxRowFeatures]) {
        V best[kRowVectors];
        I best_idx[kRowVectors];
        for (int u = 0; u < kRowVectors; ++u) {
            best[u] = splat<V>(inf);
            best_idx[u] = I{};
        }
        for (i64 c = 0; c < a.k; ++c) {
            V acc[kRowVectors];
            rows_distance<T>(a, c, xt, acc);
            const I ci = splat<I>(static_cast<S>(c));
            for (int u = 0; u < kRowVectors; ++u) {
                const V dist = acc[u];
                I m = (I)(dist < best[u]);
                best[u] = select(m, dist, best[u]);
                best_idx[u] = select(m, ci, best_idx[u]);
            }
        }
        alignas(64) S idx[W * kRowVectors];
        for (int u = 0; u < kRowVectors; ++u)
            store(idx + u * W, best_idx[u]);
        const i64 n = a.m - r0 < W * kRowVectors ? a.m - r0 : W * kRowVectors;
        for (i64 r = 0; r < n; ++r)
            labels[r0 + r] = static_cast<std::int32_t>(idx[r]);
    });
}

template <typename T>
void distances_rows(const TileArgs<T> &a, T *out, i64 rs, i64 cs) {
    using V = typename VT<T>::V;
    constexpr int W = VT<T>::W;
    rows_kernel<T>(a, [&](i64 r0, V(&xt)[kRowVectors][kMaxRowFeatures]) {
        for (i64 c = 0; c < a.k; ++c) {
            V acc[kRowVectors];
            rows_distance<T>(a, c, xt, acc);
            alignas(64) T dist[W * kRowVectors];
            for (int u = 0; u < kRowVectors; ++u)
                store(dist + u * W, acc[u]);
            const i64 n = a.m - r0 < W * kRowVectors ? a.m - r0 : W * kRowVectors;
            for (i64 r = 0; r < n; ++r)
                out[(r0 + r) * rs + c * cs] = dist[r];
        }
    });
}

template <typename T> void assign(const TileArgs<T> &a, std::int32_t *labels) {
    if (a.layout == Layout::rows)
        assign_rows<T>(a, labels);
    else if (a.layout == Layout::narrow)
        assign_panels<T, 1>(a, labels);
    else
        assign_panels<T, 2>(a, labels);
}

template <typename T>
void partial_distances(const TileArgs<T> &a, T *out, i64 rs, i64 cs) {
    if (a.layout == Layout::rows)
        distances_rows<T>(a, out, rs, cs);
    else if (a.layout == Layout::narrow)
        distances_panels<T, 1>(a, out, rs, cs);
    else
        distances_panels<T, 2>(a, out, rs, cs);
}

// ---------------------------------------------------------------- per-row double loops

// sums[labels[r]*d + j] += w[r] * x[r][j]; wsum[labels[r]] += w[r].
template <typename T, int D>
void accumulate_small(const T *x, i64 ldx, i64 m, const std::int32_t *labels,
                      const T *w, double *sums, double *wsum) {
    for (i64 r = 0; r < m; ++r) {
        const T *xr = x + r * ldx;
        const double wr = w[r];
        double *s = sums + static_cast<i64>(labels[r]) * D;
        for (int j = 0; j < D; ++j)
            s[j] += wr * static_cast<double>(xr[j]);
        wsum[labels[r]] += wr;
    }
}

template <typename T>
void accumulate(const T *x, i64 ldx, i64 m, i64 d, const std::int32_t *labels,
                const T *w, double *sums, double *wsum) {
    switch (d) { // few features: fixed, fully unrolled rows
    case 1:
        return accumulate_small<T, 1>(x, ldx, m, labels, w, sums, wsum);
    case 2:
        return accumulate_small<T, 2>(x, ldx, m, labels, w, sums, wsum);
    case 3:
        return accumulate_small<T, 3>(x, ldx, m, labels, w, sums, wsum);
    case 4:
        return accumulate_small<T, 4>(x, ldx, m, labels, w, sums, wsum);
    default:
        break;
    }
    for (i64 r = 0; r < m; ++r) {
        const T *xr = x + r * ldx;
        const double wr = w[r];
        double *s = sums + static_cast<i64>(labels[r]) * d;
        const f64v wv = splat<f64v>(wr);
        i64 j = 0;
        for (; j + kW64 <= d; j += kW64)
            store(s + j, load<f64v>(s + j) + wv * load_f64(xr + j));
        for (; j < d; ++j)
            s[j] += wr * static_cast<double>(xr[j]);
        wsum[labels[r]] += wr;
    }
}

// out[r] = sum_j (x[r][j] - ref_r[j])^2 in double, where ref_r = centers + labels[r]*d,
// or origin (double, may be null for zero) when labels is null.
template <typename T>
void sqdist(const T *x, i64 ldx, i64 m, i64 d, const T *centers,
            const std::int32_t *labels, const double *origin, double *out) {
    for (i64 r = 0; r < m; ++r) {
        const T *xr = x + r * ldx;
        f64v acc = f64v{};
        double tail = 0;
        i64 j = 0;
        if (labels != nullptr) {
            const T *c = centers + static_cast<i64>(labels[r]) * d;
            for (; j + kW64 <= d; j += kW64) {
                const f64v diff = load_f64(xr + j) - load_f64(c + j);
                acc += diff * diff;
            }
            for (; j < d; ++j) {
                const double diff =
                    static_cast<double>(xr[j]) - static_cast<double>(c[j]);
                tail += diff * diff;
            }
        } else if (origin != nullptr) {
            for (; j + kW64 <= d; j += kW64) {
                const f64v diff = load_f64(xr + j) - load<f64v>(origin + j);
                acc += diff * diff;
            }
            for (; j < d; ++j) {
                const double diff = static_cast<double>(xr[j]) - origin[j];
                tail += diff * diff;
            }
        } else {
            for (; j + kW64 <= d; j += kW64) {
                const f64v v = load_f64(xr + j);
                acc += v * v;
            }
            for (; j < d; ++j)
                tail += static_cast<double>(xr[j]) * xr[j];
        }
        out[r] = d >= kW64 ? hsum(acc) + tail : tail;
    }
}

// k-means++ bookkeeping for one tile of m rows and nc candidates, candidate-major:
//   v = max(0, xsq[r] + part[t * ldp + r]);  dist[t * ldd + r] = v;
//   acc[t] += sum_r w[r] * min(closest[r], v)
// Lanes take rows in a fixed pattern and are added in a fixed order: deterministic.
template <typename T>
void pp_potentials(const T *part, i64 ldp, i64 m, i64 nc, const double *xsq, const T *w,
                   const double *closest, double *dist, i64 ldd, double *acc) {
    const f64v zero = f64v{};
    for (i64 t = 0; t < nc; ++t) {
        const T *pt = part + t * ldp;
        double *dt = dist != nullptr ? dist + t * ldd : nullptr;
        f64v sum = f64v{};
        i64 r = 0;
        for (; r + kW64 <= m; r += kW64) {
            f64v v = load<f64v>(xsq + r) + load_f64(pt + r);
            v = select((i64v)(v < zero), zero, v);
            if (dist != nullptr)
                store(dt + r, v);
            const f64v cl = load<f64v>(closest + r);
            sum += load_f64(w + r) * select((i64v)(cl < v), cl, v);
        }
        double tail = 0;
        for (; r < m; ++r) {
            double v = xsq[r] + static_cast<double>(pt[r]);
            v = v < 0 ? 0 : v;
            if (dist != nullptr)
                dt[r] = v;
            tail += static_cast<double>(w[r]) * (closest[r] < v ? closest[r] : v);
        }
        acc[t] += hsum(sum) + tail;
    }
}

#define CC_STR2(x) #x
#define CC_STR(x) CC_STR2(x)

} // namespace

const KernelSet<float> kernels_f32 = {CC_STR(CC_ISA_NS),
                                      VT<float>::W,
                                      kMaxRowFeatures,
                                      &assign<float>,
                                      &partial_distances<float>,
                                      &accumulate<float>,
                                      &sqdist<float>,
                                      &pp_potentials<float>};
const KernelSet<double> kernels_f64 = {CC_STR(CC_ISA_NS),
                                       VT<double>::W,
                                       kMaxRowFeatures,
                                       &assign<double>,
                                       &partial_distances<double>,
                                       &accumulate<double>,
                                       &sqdist<double>,
                                       &pp_potentials<double>};

} // namespace CC_ISA_NS
} // namespace cc
