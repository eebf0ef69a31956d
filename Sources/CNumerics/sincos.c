/*
 * Trigonometric random features multiply by sin ωᵀx and cos ωᵀx of the same angles: one glibc
 * sincos per angle reduces the argument once for both values (glibc's sincos shares sin's and
 * cos's reduction and kernels, so the values are theirs bit for bit; the tests check it).
 */
#define _GNU_SOURCE
#include "CNumerics.h"
#include <math.h>

void cnumerics_multiply_by_sincos(const double *angles, long n, double *bySine, double *byCosine) {
    for (long i = 0; i < n; i++) {
        double s, c;
        sincos(angles[i], &s, &c);
        bySine[i] *= s;
        byCosine[i] *= c;
    }
}
