/*
 * The elementwise pass of the tiled online softmax (exact attention): per row of a score tile,
 * the running maximum, the exponentials e^{s − m}, their sum and the rescaling factor of what was
 * accumulated before.  Compiled for AVX-512, AVX2 and baseline x86-64 (target_clones); no fused
 * multiply-add (contraction off), so every CPU rounds the same way.
 */
#include "CNumerics.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

typedef double v8d __attribute__((ext_vector_type(8)));
typedef int64_t v8l __attribute__((ext_vector_type(8)));

#if defined(__x86_64__) && defined(__linux__)
#define CNUMERICS_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CNUMERICS_CLONES
#endif

/*
 * e^x for x ≤ 0 (eight lanes): x = n·ln2 + r with n = round(x/ln2), |r| ≤ ln2/2, ln2 split in a
 * high part exact in 32 bits and a low part (Cody–Waite), e^r by its Taylor polynomial of degree 13
 * (truncation < 1e-17 relative) in Horner form, times 2^n assembled in the exponent bits.  Lanes
 * with x < −708 give 0 (the true value is below 2^−1021, negligible against the row's maximum
 * term e^0 = 1).  Maximum error about 2 ulp.  A macro: a 512-bit vector argument would change the
 * ABI of the baseline clone.
 */
#define EXP_NONPOSITIVE(result, xin)                                                               \
    do {                                                                                           \
        const v8d x_ = (xin) < -708.0 ? (v8d)(-708.0) : (xin);                                     \
        const v8d shifter_ = (v8d)(0x1.8p52);                                                      \
        const v8d t_ = x_ * 1.4426950408889634 + shifter_;                                         \
        const v8d n_ = t_ - shifter_;                                                              \
        const v8d r_ = (x_ - n_ * 0x1.62e42fee00000p-1) - n_ * 0x1.a39ef35793c76p-33;              \
        v8d p_ = (v8d)(1.0 / 6227020800.0);                                                        \
        p_ = p_ * r_ + 1.0 / 479001600.0;                                                          \
        p_ = p_ * r_ + 1.0 / 39916800.0;                                                           \
        p_ = p_ * r_ + 1.0 / 3628800.0;                                                            \
        p_ = p_ * r_ + 1.0 / 362880.0;                                                             \
        p_ = p_ * r_ + 1.0 / 40320.0;                                                              \
        p_ = p_ * r_ + 1.0 / 5040.0;                                                               \
        p_ = p_ * r_ + 1.0 / 720.0;                                                                \
        p_ = p_ * r_ + 1.0 / 120.0;                                                                \
        p_ = p_ * r_ + 1.0 / 24.0;                                                                 \
        p_ = p_ * r_ + 1.0 / 6.0;                                                                  \
        p_ = p_ * r_ + 0.5;                                                                        \
        p_ = p_ * r_ + 1.0;                                                                        \
        p_ = p_ * r_ + 1.0;                                                                        \
        v8l bits_;                                                                                 \
        memcpy(&bits_, &t_, 64);                                                                   \
        bits_ = (bits_ + 1023) << 52;                                                              \
        v8d scale_;                                                                                \
        memcpy(&scale_, &bits_, 64);                                                               \
        const v8d e_ = p_ * scale_;                                                                \
        (result) = (xin) < -708.0 ? (v8d)(0.0) : e_;                                               \
    } while (0)

CNUMERICS_CLONES
void cnumerics_exp_nonpositive(const double *x, double *out, long n) {
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
void cnumerics_softmax_tile(double *scores, long rows, long columns, long ld, double *rowMax, double *rowSum,
                            double *output, long outputColumns, long outputLd) {
    for (long r = 0; r < rows; r++) {
        double *s = scores + r * ld;
        /* tile maximum: eight lanes, then across lanes */
        v8d lanes = (v8d)(-INFINITY);
        long j = 0;
        for (; j + 8 <= columns; j += 8) {
            v8d v;
            memcpy(&v, s + j, 64);
            lanes = __builtin_elementwise_max(lanes, v);
        }
        double tileMax = -INFINITY;
        for (int l = 0; l < 8; l++) tileMax = fmax(tileMax, lanes[l]);
        for (; j < columns; j++) tileMax = fmax(tileMax, s[j]);
        const double previous = rowMax[r];
        const double shift = fmax(previous, tileMax);
        /* e^{s − m}, summed in eight lanes (each lane adds every eighth term in order) */
        v8d sums = (v8d)(0.0);
        j = 0;
        for (; j + 8 <= columns; j += 8) {
            v8d v, e;
            memcpy(&v, s + j, 64);
            EXP_NONPOSITIVE(e, v - shift);
            memcpy(s + j, &e, 64);
            sums += e;
        }
        if (j < columns) {
            v8d v = (v8d)(-INFINITY), e;
            for (long k = j; k < columns; k++) v[k - j] = s[k];
            EXP_NONPOSITIVE(e, v - shift);
            for (long k = j; k < columns; k++) s[k] = e[k - j];
            sums += e;
        }
        const double tileSum = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
        /* rescale what the earlier tiles accumulated to the new maximum */
        if (previous == -INFINITY) {
            rowSum[r] = tileSum;
        } else {
            v8d p = (v8d)(0.0), e;
            p[0] = previous - shift;
            EXP_NONPOSITIVE(e, p);
            const double alpha = e[0];
            if (alpha != 1.0) {
                double *o = output + r * outputLd;
                for (long c = 0; c < outputColumns; c++) o[c] *= alpha;
            }
            rowSum[r] = rowSum[r] * alpha + tileSum;
        }
        rowMax[r] = shift;
    }
}
