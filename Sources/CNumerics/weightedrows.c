/*
 * A weighted combination of rows, out = Σ_b w[b]·v_{r(b)}, each of the dv entries summed over
 * b = 0 … count − 1 in order from +0 with the roundings of the scalar loop (contraction off, no
 * fused multiply-add): bit-identical to `out[a] = 0; for b: out[a] += w[b]·v[r(b)·dv + a]`, whatever
 * the vector width.  Eight entries per vector, kept in a register across the whole sum.
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include <string.h>

#pragma clang fp contract(off)

CNUMERICS_CLONES
void cnumerics_weighted_rows(const double *w, const long *rows, long count, const double *v, long dv, double *out) {
    long a = 0;
    for (; a + 8 <= dv; a += 8) {
        v8d acc = 0;
        for (long b = 0; b < count; b++) {
            v8d x;
            memcpy(&x, v + (rows ? rows[b] : b) * dv + a, 64);
            acc += w[b] * x;
        }
        memcpy(out + a, &acc, 64);
    }
    if (a < dv) {
        const long width = dv - a;
        v8d acc = 0;
        for (long b = 0; b < count; b++) {
            const double *row = v + (rows ? rows[b] : b) * dv + a;
            v8d x = 0;
            for (long k = 0; k < width; k++) x[k] = row[k];
            acc += w[b] * x;
        }
        for (long k = 0; k < width; k++) out[a + k] = acc[k];
    }
}
