// DBSCAN leaf scan for AVX-512F, compiled with -mavx512f; selected at run time.
#define CC_ISA_NS avx512
#include "dbscan_kernels_impl.hpp"
