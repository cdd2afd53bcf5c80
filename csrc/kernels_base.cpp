// Kernels for any x86-64 (SSE2) or other CPU: 16-byte vectors.
#define CC_ISA_NS base
#define CC_VBYTES 16
#include "kernels_impl.hpp"
