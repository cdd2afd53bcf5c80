// Gaussian-mixture kernels for Baseline (SSE2 on x86-64); selected at run time.
#define CC_ISA_NS base
#define CC_VBYTES 16
#include "gmm_kernels_impl.hpp"
