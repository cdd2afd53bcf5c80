// DBSCAN leaf scan for AVX2, compiled with -mavx2 -mfma; selected at run time.
#define CC_ISA_NS avx2
#include "dbscan_kernels_impl.hpp"
