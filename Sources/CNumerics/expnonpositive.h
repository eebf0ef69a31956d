/*
 * Shared by the softmax kernels of this target (not exported to Swift): the eight-lane exponential
 * of non-positive arguments and the attribute that gives inlined helpers full-width registers.
 * Include after vectorclones.h; the including file switches contraction off (the roundings are
 * then the same in every clone).
 */
#ifndef CNUMERICS_EXP_NONPOSITIVE_H
#define CNUMERICS_EXP_NONPOSITIVE_H

#include <string.h>

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

#endif
