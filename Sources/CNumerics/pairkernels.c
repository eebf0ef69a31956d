/*
 * Vector kernels of the exact O(N²) pair drift and the machine limit they are measured
 * against.  Each kernel is compiled three times (AVX-512, AVX2+FMA, baseline x86-64) and the
 * loader picks the widest the CPU supports (target_clones / ifunc).
 *
 * Floating-point contraction is off in this file: every kernel performs exactly the roundings
 * of the scalar Swift code it replaces (no fused multiply-add), so results are bit-identical to
 * the per-pair scalar path on every CPU, whatever the vector width.
 */
#include "CNumerics.h"
#include <string.h>

#pragma clang fp contract(off)

typedef double v8d __attribute__((ext_vector_type(8)));

#if defined(__x86_64__) && defined(__linux__)
#define CNUMERICS_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CNUMERICS_CLONES
#endif

CNUMERICS_CLONES
double cnumerics_sqrt_div_throughput(const double *a, double *out, long n, double c, long repeats) {
    double checksum = 0;
    for (long r = 0; r < repeats; r++) {
        long i = 0;
        for (; i + 32 <= n; i += 32) {
            /* four independent vectors per iteration keep the divider and square-root units busy */
            v8d a0, a1, a2, a3;
            memcpy(&a0, a + i, 64); memcpy(&a1, a + i + 8, 64); memcpy(&a2, a + i + 16, 64); memcpy(&a3, a + i + 24, 64);
            v8d o0 = c / __builtin_elementwise_sqrt(1 + a0), o1 = c / __builtin_elementwise_sqrt(1 + a1);
            v8d o2 = c / __builtin_elementwise_sqrt(1 + a2), o3 = c / __builtin_elementwise_sqrt(1 + a3);
            memcpy(out + i, &o0, 64); memcpy(out + i + 8, &o1, 64); memcpy(out + i + 16, &o2, 64); memcpy(out + i + 24, &o3, 64);
        }
        for (; i < n; i++) out[i] = c / __builtin_sqrt(1 + a[i]);
        checksum += out[r % n];
    }
    return checksum;
}

/* Coordinate c of the 8 targets group … group + 7 (clamped to last) into lanes of v, and back.
 * Macros, not functions: a 512-bit vector argument would change the ABI of the baseline clone. */
#define LOAD_TARGETS(v, x, d, c, group, last) \
    for (int lane = 0; lane < 8; lane++) (v)[lane] = (x)[((group) + lane <= (last) ? (group) + lane : (last)) * (d) + (c)]
#define STORE_TARGETS(y, d, c, group, last, v) \
    for (int lane = 0; lane < 8 && (group) + lane <= (last); lane++) (y)[((group) + lane) * (d) + (c)] = (v)[lane]

CNUMERICS_CLONES
void cnumerics_smooth_pair_sums(const double *x, long n, long d, long first, long count, double weightStrength,
                                double *y) {
    const long last = first + count - 1;
    for (long group = first; group <= last; group += 8) {
        if (d == 2) {
            v8d xi0, xi1;
            LOAD_TARGETS(xi0, x, 2, 0, group, last);
            LOAD_TARGETS(xi1, x, 2, 1, group, last);
            v8d acc0 = 0, acc1 = 0;
            for (long j = 0; j < n; j++) {
                const v8d z0 = xi0 - x[2 * j], z1 = xi1 - x[2 * j + 1];
                const v8d scale = weightStrength / __builtin_elementwise_sqrt(1 + z0 * z0 + z1 * z1);
                acc0 += scale * z0;
                acc1 += scale * z1;
            }
            STORE_TARGETS(y, 2, 0, group, last, acc0);
            STORE_TARGETS(y, 2, 1, group, last, acc1);
        } else {
            v8d xi[d], z[d], acc[d];
            for (long c = 0; c < d; c++) {
                LOAD_TARGETS(xi[c], x, d, c, group, last);
                acc[c] = 0;
            }
            for (long j = 0; j < n; j++) {
                const double *xj = x + j * d;
                v8d norm2 = 0;
                for (long c = 0; c < d; c++) { z[c] = xi[c] - xj[c]; norm2 += z[c] * z[c]; }
                const v8d scale = weightStrength / __builtin_elementwise_sqrt(1 + norm2);
                for (long c = 0; c < d; c++) acc[c] += scale * z[c];
            }
            for (long c = 0; c < d; c++) { STORE_TARGETS(y, d, c, group, last, acc[c]); }
        }
    }
}
