// Kernels for AVX2 + FMA, compiled with -mavx2 -mfma and selected at run time.
#define CC_ISA_NS avx2
#define CC_VBYTES 32
#include "kernels_impl.hpp"
