// Distance tiles for AVX2 + FMA; selected at run time.
#define CC_ISA_NS avx2
#define CC_VBYTES 32
#include "metrics_kernels_impl.hpp"
