/*
 * The elementwise pass of the tiled online softmax (exact attention): per row of a score tile,
 * the running maximum, the exponentials e^{s − m}, their sum and the rescaling factor of what was
 * accumulated before.  Compiled for AVX-512, AVX2 and baseline x86-64 (target_clones); no fused
 * multiply-add (contraction off), so every CPU rounds the same way.
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

/* Full-width (512-bit) registers in the AVX-512 clone: the x86-64-v4 tuning otherwise splits the
 * eight-lane vectors into halves, doubling the instructions the out-of-order window must hold
 * (measured: the exponential pass 10–25 % faster).  Same operations, same roundings.  The bodies are
 * inlined helpers because clang accepts the width attribute on inlined code, not on a clone. */
#if defined(__clang__)
#define CNUMERICS_WIDE static inline __attribute__((always_inline, min_vector_width(512)))
#else
#define CNUMERICS_WIDE static inline __attribute__((always_inline))
#endif

/*
 * e^x for x ≤ 0 (eight lanes): x = n·ln2 + r with n = round(x/ln2), |r| ≤ ln2/2, ln2 split in a
 * high part exact in 32 bits and a low part (Cody–Waite); e^r = 1 + (r + r²·q(r)) with q the
 * Taylor polynomial Σ_{i=2}^{13} rⁱ⁻²/i! (truncation < 1e-17 relative), evaluated by Estrin's scheme
 * (pairs, then r², r⁴, r⁸: depth 8 instead of Horner's 24, so the exponentials of one row overlap
 * instead of waiting on each other); adding 1 last keeps the rounding of the small part below
 * 0.5 ulp of the result.  Times 2^n assembled in the exponent bits.  Lanes with x < −708 give 0 (the
 * true value is below 2^−1021, negligible against the row's maximum term e^0 = 1).  Error against
 * the exact value at most 0.98 ulp in 4·10⁶ random points of [−708, 0] (the test checks ≤ 1 ulp
 * against libm's exp).  A macro: a 512-bit vector argument would change the ABI of the baseline
 * clone.
 */
#define EXP_NONPOSITIVE(result, xin)                                                               \
    do {                                                                                           \
        const v8d x_ = (xin) < -708.0 ? (v8d)(-708.0) : (xin);                                     \
        const v8d shifter_ = (v8d)(0x1.8p52);                                                      \
        const v8d t_ = x_ * 1.4426950408889634 + shifter_;                                         \
        const v8d n_ = t_ - shifter_;                                                              \
        const v8d r_ = (x_ - n_ * 0x1.62e42fee00000p-1) - n_ * 0x1.a39ef35793c76p-33;              \
        const v8d r2_ = r_ * r_, r4_ = r2_ * r2_, r8_ = r4_ * r4_;                                 \
        const v8d a0_ = r_ * (1.0 / 6.0) + 0.5;                                                    \
        const v8d a1_ = r_ * (1.0 / 120.0) + 1.0 / 24.0;                                           \
        const v8d a2_ = r_ * (1.0 / 5040.0) + 1.0 / 720.0;                                         \
        const v8d a3_ = r_ * (1.0 / 362880.0) + 1.0 / 40320.0;                                     \
        const v8d a4_ = r_ * (1.0 / 39916800.0) + 1.0 / 3628800.0;                                 \
        const v8d a5_ = r_ * (1.0 / 6227020800.0) + 1.0 / 479001600.0;                             \
        const v8d b0_ = a1_ * r2_ + a0_, b1_ = a3_ * r2_ + a2_, b2_ = a5_ * r2_ + a4_;             \
        const v8d q_ = (b1_ * r4_ + b0_) + b2_ * r8_;                                              \
        const v8d p_ = (q_ * r2_ + r_) + 1.0;                                                      \
        v8l bits_;                                                                                 \
        memcpy(&bits_, &t_, 64);                                                                   \
        bits_ = (bits_ + 1023) << 52;                                                              \
        v8d scale_;                                                                                \
        memcpy(&scale_, &bits_, 64);                                                               \
        const v8d e_ = p_ * scale_;                                                                \
        (result) = (xin) < -708.0 ? (v8d)(0.0) : e_;                                               \
    } while (0)

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
