// Gaussian-mixture kernels for AVX2 + FMA, compiled with -mavx2 -mfma; selected at run
// time.
#define CC_ISA_NS avx2
#define CC_VBYTES 32
#include "gmm_kernels_impl.hpp"
