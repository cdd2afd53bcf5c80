// Kernels for AVX-512F, compiled with -mavx512f -mfma and selected at run time.
#define CC_ISA_NS avx512
#define CC_VBYTES 64
#include "kernels_impl.hpp"
