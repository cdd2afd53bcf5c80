// Distance tiles for AVX-512F; selected at run time.
#define CC_ISA_NS avx512
#define CC_VBYTES 64
#include "metrics_kernels_impl.hpp"
