// Distance tiles for any x86-64 (SSE2) or other CPU; selected at run time.
#define CC_ISA_NS base
#define CC_VBYTES 16
#include "metrics_kernels_impl.hpp"
