// gmm_kernels_impl.hpp - the Gaussian-mixture tile kernel (gmm_kernels.hpp), compiled
// once per instruction set.
//
// Included only by gmm_kernels_<isa>.cpp, which define CC_ISA_NS and CC_VBYTES and
// compile with that instruction set's flags; like kernels_impl.hpp it calls no
// standard-library template, so nothing compiled for a wide instruction set can be
// picked by the linker for a narrow one.
//
// Lanes hold samples: a tile of kGmmTile samples is NV = kGmmTile / W vectors. The
// E-step runs over sub-blocks of SG vectors, so SG independent chains keep the FMA
// units busy and each broadcast coefficient feeds SG multiply-adds. The statistics of
// full and tied covariances are an outer-product sum over the tile's samples, done as
// a small GEMM: B x B blocks of accumulators stay in registers for the whole tile.
#include <cstdint>
#include <cstring>

#include "gmm_kernels.hpp"

#ifndef CC_ISA_NS
#error "define CC_ISA_NS and CC_VBYTES before including gmm_kernels_impl.hpp"
#endif

namespace cc {
namespace CC_ISA_NS {
namespace {

using i64 = std::int64_t;

typedef double dv __attribute__((vector_size(CC_VBYTES)));
typedef long long lv __attribute__((vector_size(CC_VBYTES)));

constexpr int W = CC_VBYTES / 8;
constexpr i64 T = kGmmTile;
constexpr int NV = static_cast<int>(T) / W; // vectors per tile row
constexpr int SG = 4;                       // vectors per E-step sub-block
static_assert(NV % SG == 0, "the tile must be a whole number of sub-blocks");
// Columns of U per pass of the E-step, and the outer-product block: about 16
// accumulator vectors (AVX-512 has 32 registers, AVX2 and SSE2 16).
constexpr int JB = W >= 8 ? 4 : 2;
constexpr int B = W >= 8 ? 4 : 2;

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

inline dv vmax(dv a, dv b) {
    const lv gt = a > b;
    return (dv)(((lv)a & gt) | ((lv)b & ~gt));
}

// exp(x) for x <= 0, to about one unit in the last place: x = k ln 2 + r with |r| <=
// ln 2 / 2, exp(r) by its Taylor series to degree 12 (remainder below 2e-16), times
// 2^k assembled in the exponent bits. Below -708 (where exp(x) leaves the normal
// range) it returns 0.
inline dv vexp(dv x) {
    const double magic = 6755399441055744.0; // 1.5 * 2^52: adding it rounds to integer
    const dv lo = splat(-708.0);
    const lv tiny = x < lo;
    x = vmax(x, lo);
    const dv t = x * splat(1.4426950408889634) + splat(magic);
    const dv kf = t - splat(magic);
    const lv ki = (lv)t - (lv)splat(magic);
    const dv r = (x - kf * splat(6.93147180369123816490e-01)) -
                 kf * splat(1.90821492927058770002e-10);
    dv p = splat(1.0 / 479001600.0);
    p = p * r + splat(1.0 / 39916800.0);
    p = p * r + splat(1.0 / 3628800.0);
    p = p * r + splat(1.0 / 362880.0);
    p = p * r + splat(1.0 / 40320.0);
    p = p * r + splat(1.0 / 5040.0);
    p = p * r + splat(1.0 / 720.0);
    p = p * r + splat(1.0 / 120.0);
    p = p * r + splat(1.0 / 24.0);
    p = p * r + splat(1.0 / 6.0);
    p = p * r + splat(0.5);
    p = p * r + splat(1.0);
    p = p * r + splat(1.0);
    const lv bias = ki + 1023;
    const dv scale = (dv)(bias << 52);
    return (dv)((lv)(p * scale) & ~tiny);
}

// maha[g] += sum over columns j0 .. j0 + NC - 1 of y_j^2 for the SG vectors of a
// sub-block, y_j = sum_{i <= j} a_i U_ij (a: rows of the differences, stride T; U: d x
// d upper, whose zeros below the diagonal are skipped).
template <int NC>
inline void tri_columns(const double *a, const double *U, i64 d, i64 j0, dv *maha) {
    dv y[NC][SG] = {};
    for (i64 i = 0; i < j0 + NC; ++i) {
        dv ai[SG];
        for (int g = 0; g < SG; ++g)
            ai[g] = ld(a + i * T + g * W);
        for (int jj = 0; jj < NC; ++jj) {
            if (i > j0 + jj)
                continue;
            const dv u = splat(U[i * d + j0 + jj]);
            for (int g = 0; g < SG; ++g)
                y[jj][g] += ai[g] * u;
        }
    }
    for (int jj = 0; jj < NC; ++jj)
        for (int g = 0; g < SG; ++g)
            maha[g] += y[jj][g] * y[jj][g];
}

// logp[c * T + r] for every component: cst - half the Mahalanobis distance through
// the Cholesky factor of the precision.
void log_prob(const GmmTileArgs &a, double *logp, double *diff) {
    const i64 d = a.d;
    for (i64 c = 0; c < a.k; ++c) {
        const double *mu = a.means + c * d;
        const dv cst = splat(a.cst[c]);
        for (int sb = 0; sb < NV; sb += SG) {
            const double *xt = a.xt + sb * W;
            dv maha[SG] = {};
            if (a.type == CovType::full || a.type == CovType::tied) {
                const double *U = a.chol + (a.type == CovType::full ? c * d * d : 0);
                double *df = diff + sb * W;
                for (i64 j = 0; j < d; ++j) {
                    const dv m = splat(mu[j]);
                    for (int g = 0; g < SG; ++g)
                        st(df + j * T + g * W, ld(xt + j * T + g * W) - m);
                }
                i64 j0 = 0;
                for (; j0 + JB <= d; j0 += JB)
                    tri_columns<JB>(df, U, d, j0, maha);
                for (; j0 < d; ++j0)
                    tri_columns<1>(df, U, d, j0, maha);
            } else if (a.type == CovType::diag) {
                const double *U = a.chol + c * d;
                for (i64 j = 0; j < d; ++j) {
                    const dv m = splat(mu[j]), u = splat(U[j]);
                    for (int g = 0; g < SG; ++g) {
                        const dv y = (ld(xt + j * T + g * W) - m) * u;
                        maha[g] += y * y;
                    }
                }
            } else {
                for (i64 j = 0; j < d; ++j) {
                    const dv m = splat(mu[j]);
                    for (int g = 0; g < SG; ++g) {
                        const dv t = ld(xt + j * T + g * W) - m;
                        maha[g] += t * t;
                    }
                }
                const dv p = splat(a.chol[c] * a.chol[c]);
                for (int g = 0; g < SG; ++g)
                    maha[g] *= p;
            }
            for (int g = 0; g < SG; ++g)
                st(logp + c * T + (sb + g) * W, cst - 0.5 * maha[g]);
        }
    }
}

// lse and the responsibilities from logp (max-shifted, so no exp overflows).
void normalise(const GmmTileArgs &a, const double *logp, double *resp) {
    for (int v = 0; v < NV; ++v) {
        const i64 o = v * W;
        dv mx = ld(logp + o);
        for (i64 c = 1; c < a.k; ++c)
            mx = vmax(mx, ld(logp + c * T + o));
        dv s = dv{};
        for (i64 c = 0; c < a.k; ++c) {
            const dv e = vexp(ld(logp + c * T + o) - mx);
            st(resp + c * T + o, e);
            s += e;
        }
        double sl[W], ml[W];
        std::memcpy(sl, &s, sizeof(dv));
        std::memcpy(ml, &mx, sizeof(dv));
        for (int l = 0; l < W; ++l)
            ml[l] += __builtin_log(sl[l]);
        st(a.lse + o, ld(ml));
        const dv inv = 1.0 / s;
        for (i64 c = 0; c < a.k; ++c)
            st(resp + c * T + o, ld(resp + c * T + o) * inv);
    }
}

// s2 += the upper triangle of rd diff^T over the tile (rd, diff: dpad x T rows, the
// padding rows zero), B x B accumulator blocks held in registers across all samples.
void outer_sum(const double *rd, const double *diff, i64 d, double *s2) {
    const i64 dpad = (d + B - 1) / B * B;
    for (i64 ib = 0; ib < dpad; ib += B) {
        for (i64 jb = ib; jb < dpad; jb += B) {
            dv c[B][B] = {};
            for (int v = 0; v < NV; ++v) {
                dv x[B], y[B];
                for (int p = 0; p < B; ++p)
                    x[p] = ld(rd + (ib + p) * T + v * W);
                for (int q = 0; q < B; ++q)
                    y[q] = ld(diff + (jb + q) * T + v * W);
                for (int p = 0; p < B; ++p)
                    for (int q = 0; q < B; ++q)
                        c[p][q] += x[p] * y[q];
            }
            for (int p = 0; p < B; ++p) {
                const i64 i = ib + p;
                for (int q = 0; q < B; ++q) {
                    const i64 j = jb + q;
                    if (i > j || j >= d)
                        continue;
                    double *e = s2 + (i * d - i * (i - 1) / 2 + (j - i)) * W;
                    st(e, ld(e) + c[p][q]);
                }
            }
        }
    }
}

// Adds the tile's weighted statistics relative to each component's mean.
// resp is overwritten with w * resp.
void accumulate(const GmmTileArgs &a, double *resp, double *diff, double *rd) {
    const i64 d = a.d;
    const i64 stride = gmm_stat_stride(a.type, d);
    const bool outer = a.type == CovType::full || a.type == CovType::tied;
    for (i64 c = 0; c < a.k; ++c) {
        const double *mu = a.means + c * d;
        double *acc = a.acc + c * stride * W;
        double *s2 = acc + (1 + d) * W;
        // rw = w r for the tile's samples, once per component
        double *rw = resp + c * T;
        dv n = ld(acc);
        for (int v = 0; v < NV; ++v) {
            const dv t = ld(rw + v * W) * ld(a.w + v * W);
            st(rw + v * W, t);
            n += t;
        }
        st(acc, n);
        for (i64 j = 0; j < d; ++j) {
            const dv m = splat(mu[j]);
            dv s1 = ld(acc + (1 + j) * W), sq = dv{};
            for (int v = 0; v < NV; ++v) {
                const dv t = ld(a.xt + j * T + v * W) - m;
                const dv rt = ld(rw + v * W) * t;
                s1 += rt;
                if (outer) {
                    st(diff + j * T + v * W, t);
                    st(rd + j * T + v * W, rt);
                } else {
                    sq += rt * t;
                }
            }
            st(acc + (1 + j) * W, s1);
            if (!outer)
                st(s2 + j * W, ld(s2 + j * W) + sq);
        }
        if (outer)
            outer_sum(rd, diff, d, s2);
    }
}

void tile(const GmmTileArgs &a) {
    const i64 dpad = gmm_padded_features(a.d);
    double *diff = a.scratch;
    double *rd = diff + dpad * T;
    double *logp = a.logp != nullptr ? a.logp : rd + dpad * T;
    double *resp = a.resp != nullptr ? a.resp : rd + dpad * T + a.k * T;
    log_prob(a, logp, diff);
    normalise(a, logp, resp);
    if (a.acc != nullptr)
        accumulate(a, resp, diff, rd);
}

#define CC_STR2(x) #x
#define CC_STR(x) CC_STR2(x)

} // namespace

const GmmKernelSet gmm_kernels = {CC_STR(CC_ISA_NS), W, &tile};

} // namespace CC_ISA_NS
} // namespace cc
