/*
 * Shared by the vectorised kernels of this target (not exported to Swift): eight-lane double and
 * integer vectors, and the attribute that compiles a kernel three times (AVX-512, AVX2 + FMA,
 * baseline x86-64) so that the loader picks the widest the CPU supports (target_clones / ifunc).
 * A kernel's arithmetic is the same in every clone; files that must also round alike switch
 * floating-point contraction off themselves.
 */
#ifndef CNUMERICS_VECTOR_CLONES_H
#define CNUMERICS_VECTOR_CLONES_H

#include <stdint.h>

typedef double v8d __attribute__((ext_vector_type(8)));
typedef int64_t v8l __attribute__((ext_vector_type(8)));

#if defined(__x86_64__) && defined(__linux__)
#define CNUMERICS_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CNUMERICS_CLONES
#endif

#endif
