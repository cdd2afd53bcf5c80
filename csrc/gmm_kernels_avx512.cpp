// Gaussian-mixture kernels for AVX-512F, compiled with -mavx512f -mavx2 -mfma; selected
// at run time.
#define CC_ISA_NS avx512
#define CC_VBYTES 64
#include "gmm_kernels_impl.hpp"
