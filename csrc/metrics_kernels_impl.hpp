// metrics_kernels_impl.hpp - distance tiles (metrics_kernels.hpp), compiled once per
// instruction set.
//
// Included only by metrics_kernels_<isa>.cpp, which define CC_ISA_NS and CC_VBYTES and
// compile with that instruction set's flags; no standard-library template is called.
// The R query rows are register-blocked against one vector of W samples at a time:
// each loaded sample vector feeds R accumulators.
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "metrics_kernels.hpp"

#ifndef CC_ISA_NS
#error "define CC_ISA_NS and CC_VBYTES before including metrics_kernels_impl.hpp"
#endif

namespace cc {
namespace CC_ISA_NS {
namespace {

using i64 = std::int64_t;

typedef double dv __attribute__((vector_size(CC_VBYTES)));
typedef long long lv __attribute__((vector_size(CC_VBYTES)));
constexpr int W = CC_VBYTES / 8;

inline dv ld(const double *p) {
    dv v;
    std::memcpy(&v, p, sizeof(dv));
    return v;
}

inline void st(double *p, dv v) {
    std::memcpy(p, &v, sizeof(dv));
}

inline dv splat(double x) {
    return x - dv{};
}

inline dv vabs(dv x) {
    return (dv)((lv)x & ~(lv)splat(-0.0));
}

// sqrt of every lane, as one instruction where the ISA has it (no spill to memory).
// AVX-512's vsqrtpd retires 8 lanes per ~16 cycles and would take half the time of a
// silhouette; its 2^-14 reciprocal-sqrt estimate refined by one Newton step for 1/sqrt
// (2^-28) and one residual step for sqrt (s + (x - s*s) * y/2, the residual taken
// with an FMA) is within an ulp or so of the rounded sqrt, in a third of the time.
inline dv vsqrt(dv x) {
#if defined(__AVX512F__) && CC_VBYTES == 64
    const __m512d v = (__m512d)x;
    __m512d y = _mm512_rsqrt14_pd(v);
    const __m512d half_v = _mm512_mul_pd(v, _mm512_set1_pd(0.5));
    y = _mm512_mul_pd(
        y, _mm512_fnmadd_pd(_mm512_mul_pd(half_v, y), y, _mm512_set1_pd(1.5)));
    __m512d s = _mm512_mul_pd(v, y);
    const __m512d residual = _mm512_fnmadd_pd(s, s, v);
    s = _mm512_fmadd_pd(residual, _mm512_mul_pd(y, _mm512_set1_pd(0.5)), s);
    // zeros (self-distances), subnormals and inf leave the estimate's range: those
    // lanes, rare, take the exact instruction
    const __mmask8 odd =
        _mm512_cmp_pd_mask(v, _mm512_set1_pd(__DBL_MIN__), _CMP_LT_OQ) |
        _mm512_cmp_pd_mask(v, _mm512_set1_pd(__DBL_MAX__), _CMP_GT_OQ);
    if (odd)
        s = _mm512_mask_sqrt_pd(s, odd, v);
    return (dv)s;
#elif defined(__AVX__) && CC_VBYTES == 32
    return (dv)_mm256_sqrt_pd((__m256d)x);
#elif defined(__SSE2__) && CC_VBYTES == 16
    return (dv)_mm_sqrt_pd((__m128d)x);
#else
    double t[W];
    std::memcpy(t, &x, sizeof(dv));
    for (int l = 0; l < W; ++l)
        t[l] = __builtin_sqrt(t[l]);
    return ld(t);
#endif
}

inline double scalar_distance(const double *q, i64 d, const double *xt, i64 ld_, i64 j,
                              PairMetric metric) {
    double s = 0;
    for (i64 k = 0; k < d; ++k) {
        const double x = xt[k * ld_ + j];
        if (metric == PairMetric::euclidean) {
            const double t = x - q[k];
            s += t * t;
        } else if (metric == PairMetric::manhattan) {
            const double t = x - q[k];
            s += t < 0 ? -t : t;
        } else {
            s += x * q[k];
        }
    }
    if (metric == PairMetric::euclidean)
        return __builtin_sqrt(s);
    if (metric == PairMetric::cosine) {
        s = 1.0 - s;
        return s < 0 ? 0.0 : (s > 2 ? 2.0 : s);
    }
    return s;
}

// The distances from R query rows to the W samples at xt + j (feature-major).
template <int R, PairMetric M>
inline void block(const double *q, i64 d, const double *xt, i64 ld_, i64 j, dv *v) {
    dv acc[R] = {};
    for (i64 k = 0; k < d; ++k) {
        const dv x = ld(xt + k * ld_ + j);
        for (int r = 0; r < R; ++r) {
            if (M == PairMetric::cosine) {
                acc[r] += x * splat(q[r * d + k]);
            } else {
                const dv t = x - splat(q[r * d + k]);
                acc[r] += M == PairMetric::euclidean ? t * t : vabs(t);
            }
        }
    }
    for (int r = 0; r < R; ++r) {
        dv a = acc[r];
        if (M == PairMetric::euclidean) {
            a = vsqrt(a);
        } else if (M == PairMetric::cosine) {
            a = splat(1.0) - a;
            a = (dv)((lv)a & ~(lv)(a < splat(0.0))); // max(a, 0)
            const lv big = a > splat(2.0);
            a = (dv)(((lv)splat(2.0) & big) | ((lv)a & ~big));
        }
        v[r] = a;
    }
}

template <int R, PairMetric M>
void tile_r(const double *q, i64 d, const double *xt, i64 ld_, i64 j0, i64 m,
            double *out) {
    i64 c = 0;
    for (; c + W <= m; c += W) {
        dv v[R];
        block<R, M>(q, d, xt, ld_, j0 + c, v);
        for (int r = 0; r < R; ++r)
            st(out + r * m + c, v[r]);
    }
    for (; c < m; ++c)
        for (int r = 0; r < R; ++r)
            out[r * m + c] = scalar_distance(q + r * d, d, xt, ld_, j0 + c, M);
}

template <int R, PairMetric M>
void sums_r(const double *q, i64 d, const double *xt, i64 ld_, i64 j0, i64 j1,
            double *out) {
    dv s[R] = {};
    i64 j = j0;
    for (; j + W <= j1; j += W) {
        dv v[R];
        block<R, M>(q, d, xt, ld_, j, v);
        for (int r = 0; r < R; ++r)
            s[r] += v[r];
    }
    for (int r = 0; r < R; ++r) {
        double lanes[W];
        std::memcpy(lanes, &s[r], sizeof(dv));
        double t = 0;
        for (int l = 0; l < W; ++l)
            t += lanes[l];
        for (i64 jj = j; jj < j1; ++jj)
            t += scalar_distance(q + r * d, d, xt, ld_, jj, M);
        out[r] += t;
    }
}

// Calls F<R, M> for the run-time R (1 .. kQueryRows) and metric.
#define CC_DISPATCH(F, ...)                                                            \
    switch (metric) {                                                                  \
    case PairMetric::manhattan:                                                        \
        return by_rows<PairMetric::manhattan>(R, [&](auto rr) {                        \
            F<decltype(rr)::value, PairMetric::manhattan>(__VA_ARGS__);                \
        });                                                                            \
    case PairMetric::cosine:                                                           \
        return by_rows<PairMetric::cosine>(R, [&](auto rr) {                           \
            F<decltype(rr)::value, PairMetric::cosine>(__VA_ARGS__);                   \
        });                                                                            \
    default:                                                                           \
        return by_rows<PairMetric::euclidean>(R, [&](auto rr) {                        \
            F<decltype(rr)::value, PairMetric::euclidean>(__VA_ARGS__);                \
        });                                                                            \
    }

template <int N> struct Int {
    static constexpr int value = N;
};

template <PairMetric M, class Body> void by_rows(int R, Body &&body) {
    switch (R) {
    case 8:
        return body(Int<8>{});
    case 7:
        return body(Int<7>{});
    case 6:
        return body(Int<6>{});
    case 5:
        return body(Int<5>{});
    case 4:
        return body(Int<4>{});
    case 3:
        return body(Int<3>{});
    case 2:
        return body(Int<2>{});
    default:
        return body(Int<1>{});
    }
}

void distance_tile(const double *q, int R, i64 d, const double *xt, i64 ld_, i64 j0,
                   i64 m, PairMetric metric, double *out) {
    CC_DISPATCH(tile_r, q, d, xt, ld_, j0, m, out)
}

void range_sums(const double *q, int R, i64 d, const double *xt, i64 ld_, i64 j0,
                i64 j1, PairMetric metric,
                double *out){CC_DISPATCH(sums_r, q, d, xt, ld_, j0, j1, out)}

#undef CC_DISPATCH

#define CC_STR2(x) #x
#define CC_STR(x) CC_STR2(x)

} // namespace

const MetricKernelSet metric_kernels = {CC_STR(CC_ISA_NS), W >= 8 ? 8 : 4,
                                        &distance_tile, &range_sums};

} // namespace CC_ISA_NS
} // namespace cc
