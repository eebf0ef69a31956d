/*
 * The elementwise pass of the tiled online softmax (exact attention): per row of a score tile,
 * the running maximum, the exponentials e^{s − m}, their sum and the rescaling factor of what was
 * accumulated before.  Compiled for AVX-512, AVX2 and baseline x86-64 (target_clones); no fused
 * multiply-add (contraction off), so every CPU rounds the same way.
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include "expnonpositive.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

CNUMERICS_WIDE void exp_nonpositive(const double *x, double *out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d v, e;
        memcpy(&v, x + i, 64);
        EXP_NONPOSITIVE(e, v);
        memcpy(out + i, &e, 64);
    }
    if (i < n) {
        v8d v = (v8d)(0.0), e;
        for (long k = i; k < n; k++) v[k - i] = x[k];
        EXP_NONPOSITIVE(e, v);
        for (long k = i; k < n; k++) out[k] = e[k - i];
    }
}

CNUMERICS_CLONES
void cnumerics_exp_nonpositive(const double *x, double *out, long n) { exp_nonpositive(x, out, n); }

/* The largest of s[0 … n−1] (−∞ if n = 0): eight lanes, then across lanes. */
CNUMERICS_WIDE double largest(const double *s, long n) {
    v8d lanes = (v8d)(-INFINITY);
    long j = 0;
    for (; j + 8 <= n; j += 8) {
        v8d v;
        memcpy(&v, s + j, 64);
        lanes = __builtin_elementwise_max(lanes, v);
    }
    double m = -INFINITY;
    for (int l = 0; l < 8; l++) m = fmax(m, lanes[l]);
    for (; j < n; j++) m = fmax(m, s[j]);
    return m;
}

/* s[j] ← e^{s[j] − shift} for j < n, the terms added to `sums` (lane j mod 8 of the full vectors, the
 * tail as one padded vector). */
CNUMERICS_WIDE void exponentiate(double *s, long n, double shift, v8d *sums) {
    long j = 0;
    for (; j + 8 <= n; j += 8) {
        v8d v, e;
        memcpy(&v, s + j, 64);
        EXP_NONPOSITIVE(e, v - shift);
        memcpy(s + j, &e, 64);
        *sums += e;
    }
    if (j < n) {
        v8d v = (v8d)(-INFINITY), e;
        for (long k = j; k < n; k++) v[k - j] = s[k];
        EXP_NONPOSITIVE(e, v - shift);
        for (long k = j; k < n; k++) s[k] = e[k - j];
        *sums += e;
    }
}

/* e^x for one x ≤ 0, by the same vector code. */
CNUMERICS_WIDE double exp_one(double x) {
    v8d p = (v8d)(0.0), e;
    p[0] = x;
    EXP_NONPOSITIVE(e, p);
    return e[0];
}

/*
 * One pass instead of two after the first tile: the running maximum m of the earlier tiles is
 * usually the maximum of this one too, so the weights e^{s − m} are computed while checking, eight
 * scores at a time, that none exceeds m.  At the first vector that does, the rest of the row is
 * scanned for its maximum m′, the weights already written are multiplied by e^{m − m′}, and the
 * row continues with m′.  The first tile of a row (m = −∞) takes the maximum first.
 */
CNUMERICS_WIDE void softmax_tile(double *scores, long rows, long columns, long ld, double *rowMax, double *rowSum,
                                 double *output, long outputColumns, long outputLd) {
    for (long r = 0; r < rows; r++) {
        double *s = scores + r * ld;
        const double previous = rowMax[r];
        v8d sums = (v8d)(0.0);
        long j = 0;
        if (previous != -INFINITY) {
            for (; j + 8 <= columns; j += 8) {
                v8d v, e;
                memcpy(&v, s + j, 64);
                const v8l above = v > previous;
                if (__builtin_reduce_or(above) != 0) break;
                EXP_NONPOSITIVE(e, v - previous);
                memcpy(s + j, &e, 64);
                sums += e;
            }
        }
        /* s[j …] untouched: its maximum decides the shift of the whole tile */
        const double shift = fmax(previous, largest(s + j, columns - j));
        if (shift != previous && j > 0) {
            const double factor = exp_one(previous - shift);
            for (long k = 0; k < j; k++) s[k] *= factor;
            sums *= factor;
        }
        exponentiate(s + j, columns - j, shift, &sums);
        const double tileSum = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
        /* rescale what the earlier tiles accumulated to the new maximum */
        if (previous == -INFINITY) {
            rowSum[r] = tileSum;
        } else {
            const double alpha = exp_one(previous - shift);
            if (alpha != 1.0) {
                double *o = output + r * outputLd;
                for (long c = 0; c < outputColumns; c++) o[c] *= alpha;
            }
            rowSum[r] = rowSum[r] * alpha + tileSum;
        }
        rowMax[r] = shift;
    }
}

CNUMERICS_CLONES
void cnumerics_softmax_tile(double *scores, long rows, long columns, long ld, double *rowMax, double *rowSum,
                            double *output, long outputColumns, long outputLd) {
    softmax_tile(scores, rows, columns, ld, rowMax, rowSum, output, outputColumns, outputLd);
}
