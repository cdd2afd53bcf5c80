// DBSCAN leaf scan for Baseline (SSE2 on x86-64); selected at run time.
#define CC_ISA_NS base
#include "dbscan_kernels_impl.hpp"
