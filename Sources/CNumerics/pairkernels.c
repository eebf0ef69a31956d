/*
 * Vector kernels of the exact O(N²) pair drift and the machine limit they are measured
 * against.  Each kernel is compiled three times (AVX-512, AVX2+FMA, baseline x86-64) and the
 * loader picks the widest the CPU supports (target_clones / ifunc).
 *
 * Floating-point contraction is off in this file: every kernel performs exactly the roundings
 * of the scalar Swift code it replaces (no fused multiply-add), so results are bit-identical to
 * the per-pair scalar path on every CPU, whatever the vector width.  The one exception, the
 * fused Newton's-third-law kernel (cnumerics_smooth_block_pair_fused), rounds its multiply-adds
 * once by explicit fused multiply-add (__builtin_elementwise_fma: an instruction in the AVX-512
 * and AVX2 clones, libm's correctly rounded fma() in the baseline clone), so it too gives the
 * same bits on every CPU.
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include <string.h>

#pragma clang fp contract(off)

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

/* The per-target sums of the 8 targets group … group + 7 (clamped to last) over every source j, in
 * increasing j.  d is a compile-time constant after inlining for d ≤ 16, so the targets' coordinates
 * and sums stay in registers. */
static inline __attribute__((always_inline)) void smooth_target_group(const double *x, long n, long d, long group,
                                                                       long last, double weightStrength, double *y) {
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
        return;
    }
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

/* Above d = 8 the targets' coordinates and sums no longer fit in registers beside ‖z‖²'s chain, and a
 * single ‖z‖² chain (d dependent additions, then the square root and division) leaves the vector units
 * idle.  So the sources run in blocks of 8: first the 8 independent ‖z‖² chains of the block, then per
 * coordinate the 8 terms of the block in increasing j.  z is recomputed in the second pass (the same
 * rounding), so every sum gets exactly the terms, order and roundings of `smooth_target_group`. */
#define SOURCE_BLOCK 8
static inline __attribute__((always_inline)) void smooth_target_group_wide(const double *x, long n, long d, long group,
                                                                            long last, double weightStrength, double *y) {
    v8d xi[d], acc[d];
    for (long c = 0; c < d; c++) {
        LOAD_TARGETS(xi[c], x, d, c, group, last);
        acc[c] = 0;
    }
    long j0 = 0;
    for (; j0 + SOURCE_BLOCK <= n; j0 += SOURCE_BLOCK) {
        const double *xj = x + j0 * d;
        v8d norm2[SOURCE_BLOCK], scale[SOURCE_BLOCK];
        for (int k = 0; k < SOURCE_BLOCK; k++) norm2[k] = 0;
        for (long c = 0; c < d; c++)
            for (int k = 0; k < SOURCE_BLOCK; k++) {
                const v8d z = xi[c] - xj[k * d + c];
                norm2[k] += z * z;
            }
        for (int k = 0; k < SOURCE_BLOCK; k++) scale[k] = weightStrength / __builtin_elementwise_sqrt(1 + norm2[k]);
        for (long c = 0; c < d; c++) {
            v8d sum = acc[c];
            for (int k = 0; k < SOURCE_BLOCK; k++) sum += scale[k] * (xi[c] - xj[k * d + c]);
            acc[c] = sum;
        }
    }
    for (long j = j0; j < n; j++) {
        const double *xj = x + j * d;
        v8d norm2 = 0;
        for (long c = 0; c < d; c++) { const v8d z = xi[c] - xj[c]; norm2 += z * z; }
        const v8d scale = weightStrength / __builtin_elementwise_sqrt(1 + norm2);
        for (long c = 0; c < d; c++) acc[c] += scale * (xi[c] - xj[c]);
    }
    for (long c = 0; c < d; c++) { STORE_TARGETS(y, d, c, group, last, acc[c]); }
}

#define SMOOTH_TARGET_CASE(D) case D: smooth_target_group(x, n, D, group, last, weightStrength, y); break;
#define SMOOTH_WIDE_CASE(D) case D: smooth_target_group_wide(x, n, D, group, last, weightStrength, y); break;

CNUMERICS_CLONES
void cnumerics_smooth_pair_sums(const double *x, long n, long d, long first, long count, double weightStrength,
                                double *y) {
    const long last = first + count - 1;
    for (long group = first; group <= last; group += 8) {
        /* a literal d per case up to 16 (the vectors live in registers or L1); a run-time d above */
        switch (d) {
        SMOOTH_TARGET_CASE(1) SMOOTH_TARGET_CASE(2) SMOOTH_TARGET_CASE(3) SMOOTH_TARGET_CASE(4)
        SMOOTH_TARGET_CASE(5) SMOOTH_TARGET_CASE(6) SMOOTH_TARGET_CASE(7) SMOOTH_TARGET_CASE(8)
        SMOOTH_WIDE_CASE(9) SMOOTH_WIDE_CASE(10) SMOOTH_WIDE_CASE(11) SMOOTH_WIDE_CASE(12)
        SMOOTH_WIDE_CASE(13) SMOOTH_WIDE_CASE(14) SMOOTH_WIDE_CASE(15) SMOOTH_WIDE_CASE(16)
        default: smooth_target_group_wide(x, n, d, group, last, weightStrength, y); break;
        }
    }
}

/* ---- Small batches, several per vector ------------------------------------------------------
 * `batches` consecutive batches of p ∈ {2, 4, 8} rows each (row layout, batch b at rows b·p … b·p + p − 1),
 * batches a multiple of 8/p: each group of 8 rows holds 8/p whole batches, one row per lane.  For
 * m = 0 … p − 1 every lane meets the row at position m of its own batch (a lane permutation), so each
 * row's sum runs over its batch in increasing position, its own +0 term included: exactly the terms,
 * order and roundings of cnumerics_smooth_pair_sums on that batch alone, p/8 of a vector square root
 * and division per row and position instead of one. */

/* Lane k of *out ← lane (k rounded down to a multiple of p) + m of v, p and m literals after inlining. */
static inline __attribute__((always_inline)) void batch_partner(const v8d *v, int p, int m, v8d *out) {
    for (int lane = 0; lane < 8; lane++) (*out)[lane] = (*v)[(lane & ~(p - 1)) + m];
}

static inline __attribute__((always_inline)) void smooth_batch_group(const double *x, long d, int p,
                                                                      double weightStrength, double *y) {
    v8d xi[d], acc[d], z[d];
    for (long c = 0; c < d; c++) {
        for (int lane = 0; lane < 8; lane++) xi[c][lane] = x[lane * d + c];
        acc[c] = 0;
    }
    for (int m = 0; m < p; m++) {
        for (long c = 0; c < d; c++) {
            v8d partner;
            batch_partner(&xi[c], p, m, &partner);
            z[c] = xi[c] - partner;
        }
        v8d scale;
        if (d == 2) {
            scale = weightStrength / __builtin_elementwise_sqrt(1 + z[0] * z[0] + z[1] * z[1]);
        } else {
            v8d norm2 = 0;
            for (long c = 0; c < d; c++) norm2 += z[c] * z[c];
            scale = weightStrength / __builtin_elementwise_sqrt(1 + norm2);
        }
        for (long c = 0; c < d; c++) acc[c] += scale * z[c];
    }
    for (long c = 0; c < d; c++)
        for (int lane = 0; lane < 8; lane++) y[lane * d + c] = acc[c][lane];
}

#define SMOOTH_BATCH_CASE(P, D) case D: smooth_batch_group(xg, D, P, weightStrength, yg); break;
#define SMOOTH_BATCH_GROUPS(P)                                                                      \
    for (long g = 0; g < groups; g++) {                                                             \
        const double *xg = x + g * 8 * d;                                                           \
        double *yg = y + g * 8 * d;                                                                 \
        switch (d) {                                                                                \
        SMOOTH_BATCH_CASE(P, 1) SMOOTH_BATCH_CASE(P, 2) SMOOTH_BATCH_CASE(P, 3) SMOOTH_BATCH_CASE(P, 4) \
        SMOOTH_BATCH_CASE(P, 5) SMOOTH_BATCH_CASE(P, 6) SMOOTH_BATCH_CASE(P, 7) SMOOTH_BATCH_CASE(P, 8) \
        default: return 0;                                                                          \
        }                                                                                           \
    }

CNUMERICS_CLONES
int cnumerics_smooth_batch_sums(const double *x, long batches, long p, long d, double weightStrength, double *y) {
    if ((p != 2 && p != 4 && p != 8) || d < 1 || d > 8 || (batches * p) % 8 != 0) return 0;
    const long groups = batches * p / 8;
    switch (p) {
    case 2: SMOOTH_BATCH_GROUPS(2) break;
    case 4: SMOOTH_BATCH_GROUPS(4) break;
    default: SMOOTH_BATCH_GROUPS(8) break;
    }
    return 1;
}

/* ---- Newton's third law: block pairs of the smooth kernel ----------------------------------
 * Positions and sums in column layout: coordinate c of particle i at xs[c·stride + i], stride a
 * multiple of 8, particles n … stride − 1 padding (finite positions, masked out of every pair).
 * An 8×8 tile pairs the targets of group a (lanes) with those of group b, rotating b's lanes one
 * place at a time: in rotation r lane k meets lane k + r (mod 8) of b, so after 8 rotations every
 * pair of the tile has been met once and b's vectors are back in order.  Each pair's term
 * t = w·c·z/√(1+‖z‖²), z = x_a − x_b, is added to a and subtracted from b: K(−z) = −K(z) bit for
 * bit (fl(x_b − x_a) = −fl(x_a − x_b), and ‖z‖² is the same), so every particle receives exactly
 * the terms of the per-target sum, in another order. */

#define ROTATE8(v) __builtin_shufflevector((v), (v), 1, 2, 3, 4, 5, 6, 7, 0)

/* 1 in the lanes of group `first` that hold one of the n particles, 0 in padding lanes. */
#define VALID_LANES(v, first, n) for (int lane = 0; lane < 8; lane++) (v)[lane] = (first) + lane < (n) ? 1.0 : 0.0

/* *scale ← the pair scale w·c/√(1+‖z‖²) with the roundings of the per-target kernel (d = 2 sums
 * 1 + z0² + z1² left to right; other d form ‖z‖² first).  Written through a pointer: a 512-bit vector
 * return value would change the ABI of the baseline clone. */
static inline __attribute__((always_inline)) void smooth_scale(const v8d *z, long d, double weightStrength, v8d *scale) {
    if (d == 2) {
        *scale = weightStrength / __builtin_elementwise_sqrt(1 + z[0] * z[0] + z[1] * z[1]);
        return;
    }
    v8d norm2 = 0;
    for (long c = 0; c < d; c++) norm2 += z[c] * z[c];
    *scale = weightStrength / __builtin_elementwise_sqrt(1 + norm2);
}

/* Group a against the groups b ∈ [bFirst, bEnd) (b > a), and against itself first if `withSelf`.
 * d is a compile-time constant after inlining for d = 2 and 3, so the vectors live in registers. */
static inline __attribute__((always_inline)) void smooth_group_row(const double *xs, double *ys, long stride, long n,
                                                                    long d, long a, int withSelf, long bFirst,
                                                                    long bEnd, double weightStrength) {
    v8d xa[d], ya[d], xb[d], yb[d], z[d];
    for (long c = 0; c < d; c++) {
        memcpy(&xa[c], xs + c * stride + a, 64);
        memcpy(&ya[c], ys + c * stride + a, 64);
    }
    v8d validA;
    VALID_LANES(validA, a, n);
    const int partialA = a + 8 > n;
    if (withSelf) {
        /* rotations 1 … 7 of the group against itself: each ordered pair once, only lane k updated */
        v8d validB = validA;
        for (long c = 0; c < d; c++) xb[c] = xa[c];
        for (int r = 1; r < 8; r++) {
            for (long c = 0; c < d; c++) { xb[c] = ROTATE8(xb[c]); z[c] = xa[c] - xb[c]; }
            validB = ROTATE8(validB);
            v8d scale;
            smooth_scale(z, d, weightStrength, &scale);
            if (partialA) scale = scale * (validA * validB);
            for (long c = 0; c < d; c++) ya[c] += scale * z[c];
        }
    }
    for (long b = bFirst; b < bEnd; b += 8) {
        for (long c = 0; c < d; c++) {
            memcpy(&xb[c], xs + c * stride + b, 64);
            memcpy(&yb[c], ys + c * stride + b, 64);
        }
        const int partial = partialA || b + 8 > n;
        v8d validB;
        VALID_LANES(validB, b, n);
        for (int r = 0; r < 8; r++) {
            for (long c = 0; c < d; c++) z[c] = xa[c] - xb[c];
            v8d scale;
            smooth_scale(z, d, weightStrength, &scale);
            if (partial) scale = scale * (validA * validB);
            for (long c = 0; c < d; c++) {
                const v8d term = scale * z[c];
                ya[c] += term;
                yb[c] -= term;
                xb[c] = ROTATE8(xb[c]);
                yb[c] = ROTATE8(yb[c]);
            }
            validB = ROTATE8(validB);
        }
        for (long c = 0; c < d; c++) memcpy(ys + c * stride + b, &yb[c], 64);
    }
    for (long c = 0; c < d; c++) memcpy(ys + c * stride + a, &ya[c], 64);
}

CNUMERICS_CLONES
void cnumerics_smooth_block_pair(const double *xs, double *ys, long stride, long n, long d, long aFirst, long aEnd,
                                 long bFirst, long bEnd, double weightStrength) {
    const int diagonal = aFirst == bFirst;
    for (long a = aFirst; a < aEnd; a += 8) {
        const long first = diagonal ? a + 8 : bFirst;
        /* a literal d per case, so each tile's vectors live in registers */
        switch (d) {
        case 1: smooth_group_row(xs, ys, stride, n, 1, a, diagonal, first, bEnd, weightStrength); break;
        case 2: smooth_group_row(xs, ys, stride, n, 2, a, diagonal, first, bEnd, weightStrength); break;
        case 3: smooth_group_row(xs, ys, stride, n, 3, a, diagonal, first, bEnd, weightStrength); break;
        case 4: smooth_group_row(xs, ys, stride, n, 4, a, diagonal, first, bEnd, weightStrength); break;
        case 5: smooth_group_row(xs, ys, stride, n, 5, a, diagonal, first, bEnd, weightStrength); break;
        case 6: smooth_group_row(xs, ys, stride, n, 6, a, diagonal, first, bEnd, weightStrength); break;
        case 7: smooth_group_row(xs, ys, stride, n, 7, a, diagonal, first, bEnd, weightStrength); break;
        case 8: smooth_group_row(xs, ys, stride, n, 8, a, diagonal, first, bEnd, weightStrength); break;
        default: return;
        }
    }
}

/* ---- Newton's third law with fused multiply-add, any d (used above d = 8) --------------------
 * The same 8×8 tiles, rotations, masking and column layout as cnumerics_smooth_block_pair, but in
 * two passes per tile so that no vector array of length d lives in registers (at d = 16 the four
 * arrays xa, ya, xb, yb would need 64 vector registers; spilled, that kernel ran slower than the
 * per-target sums): pass 1 runs over the coordinates and forms the 8 rotations' ‖z‖² chains,
 * ‖z‖² = fma(z_c, z_c, ‖z‖²) for c = 0 … d − 1 from +0 (z_c = fl(x_a,c − x_b,c), recomputed in pass 2
 * with the same rounding); then the 8 scales s = w·c/√(1 + ‖z‖²) (independent square roots and
 * divisions); pass 2 runs over the coordinates again, y_a,c ← fma(s, z_c, y_a,c) and
 * y_b,c ← fma(s, −z_c, y_b,c) rotation by rotation (one negated multiply-add instruction).  −z_c is
 * fl(x_b,c − x_a,c), and ‖z‖² is the same from either side, so each particle receives, in another
 * order, exactly the fused terms of its own fused per-target sum.  Two a-groups share each b-group's
 * rotations (a double tile): per coordinate and double tile 16 fused multiply-adds and 16
 * subtractions for the ‖z‖² chains, 32 and 16 for the sums, and 23 lane rotations, for 128 unordered
 * pairs. */

/* scale[r] ← the scale of rotation r (lane k of a with lane k + r of b) of the tile (a, b), masked. */
static inline __attribute__((always_inline)) void fused_tile_scales(const double *xs, long stride, long n, long d, long a,
                                                                    long b, double weightStrength, v8d *scale) {
    v8d norm2[8];
    for (int r = 0; r < 8; r++) norm2[r] = 0;
    for (long c = 0; c < d; c++) {
        v8d xa, xb;
        memcpy(&xa, xs + c * stride + a, 64);
        memcpy(&xb, xs + c * stride + b, 64);
        for (int r = 0; r < 8; r++) {
            const v8d z = xa - xb;
            norm2[r] = __builtin_elementwise_fma(z, z, norm2[r]);
            xb = ROTATE8(xb);
        }
    }
    for (int r = 0; r < 8; r++) scale[r] = weightStrength / __builtin_elementwise_sqrt(1 + norm2[r]);
    if (a + 8 > n || b + 8 > n) {
        v8d validA, validB;
        VALID_LANES(validA, a, n);
        VALID_LANES(validB, b, n);
        for (int r = 0; r < 8; r++) {
            scale[r] = scale[r] * (validA * validB);
            validB = ROTATE8(validB);
        }
    }
}

/* Group a against group b ≠ a. */
static inline __attribute__((always_inline)) void fused_tile(const double *xs, double *ys, long stride, long n, long d,
                                                             long a, long b, double weightStrength) {
    v8d scale[8];
    fused_tile_scales(xs, stride, n, d, a, b, weightStrength, scale);
    for (long c = 0; c < d; c++) {
        v8d xa, xb, ya, yb;
        memcpy(&xa, xs + c * stride + a, 64);
        memcpy(&xb, xs + c * stride + b, 64);
        memcpy(&ya, ys + c * stride + a, 64);
        memcpy(&yb, ys + c * stride + b, 64);
        for (int r = 0; r < 8; r++) {
            const v8d z = xa - xb;
            ya = __builtin_elementwise_fma(scale[r], z, ya);
            yb = __builtin_elementwise_fma(scale[r], -z, yb);
            xb = ROTATE8(xb);
            yb = ROTATE8(yb);
        }
        memcpy(ys + c * stride + a, &ya, 64);
        memcpy(ys + c * stride + b, &yb, 64);
    }
}

/* Pass 2 of a double tile for coordinates c … c + width − 1 (width 1 or 2, a literal after inlining). */
static inline __attribute__((always_inline)) void fused_double_tile_sums(const double *xs, double *ys, long stride,
                                                                         long c, int width, long a, long b,
                                                                         const v8d *scale0, const v8d *scale1) {
    v8d xa0[2], xa1[2], xb[2], ya0[2], ya1[2], yb[2];
    for (int u = 0; u < width; u++) {
        memcpy(&xa0[u], xs + (c + u) * stride + a, 64);
        memcpy(&xa1[u], xs + (c + u) * stride + a + 8, 64);
        memcpy(&xb[u], xs + (c + u) * stride + b, 64);
        memcpy(&ya0[u], ys + (c + u) * stride + a, 64);
        memcpy(&ya1[u], ys + (c + u) * stride + a + 8, 64);
        memcpy(&yb[u], ys + (c + u) * stride + b, 64);
    }
    for (int r = 0; r < 8; r++) {
        for (int u = 0; u < width; u++) {
            const v8d z0 = xa0[u] - xb[u], z1 = xa1[u] - xb[u];
            ya0[u] = __builtin_elementwise_fma(scale0[r], z0, ya0[u]);
            ya1[u] = __builtin_elementwise_fma(scale1[r], z1, ya1[u]);
            yb[u] = __builtin_elementwise_fma(scale0[r], -z0, yb[u]);
            yb[u] = __builtin_elementwise_fma(scale1[r], -z1, yb[u]);
            xb[u] = ROTATE8(xb[u]);
            yb[u] = ROTATE8(yb[u]);
        }
    }
    for (int u = 0; u < width; u++) {
        memcpy(ys + (c + u) * stride + a, &ya0[u], 64);
        memcpy(ys + (c + u) * stride + a + 8, &ya1[u], 64);
        memcpy(ys + (c + u) * stride + b, &yb[u], 64);
    }
}

/* Groups a and a + 8 against group b (b ∉ {a, a + 8}): the rotations of x_b and y_b serve both; in
 * each rotation y_b receives group a's term, then group a + 8's. */
static inline __attribute__((always_inline)) void fused_double_tile(const double *xs, double *ys, long stride, long n,
                                                                    long d, long a, long b, double weightStrength) {
    v8d norm0[8], norm1[8], scale0[8], scale1[8];
    for (int r = 0; r < 8; r++) norm0[r] = norm1[r] = 0;
    for (long c = 0; c < d; c++) {
        v8d xa0, xa1, xb;
        memcpy(&xa0, xs + c * stride + a, 64);
        memcpy(&xa1, xs + c * stride + a + 8, 64);
        memcpy(&xb, xs + c * stride + b, 64);
        for (int r = 0; r < 8; r++) {
            const v8d z0 = xa0 - xb, z1 = xa1 - xb;
            norm0[r] = __builtin_elementwise_fma(z0, z0, norm0[r]);
            norm1[r] = __builtin_elementwise_fma(z1, z1, norm1[r]);
            xb = ROTATE8(xb);
        }
    }
    for (int r = 0; r < 8; r++) {
        scale0[r] = weightStrength / __builtin_elementwise_sqrt(1 + norm0[r]);
        scale1[r] = weightStrength / __builtin_elementwise_sqrt(1 + norm1[r]);
    }
    if (a + 16 > n || b + 8 > n) {
        v8d valid0, valid1, validB;
        VALID_LANES(valid0, a, n);
        VALID_LANES(valid1, a + 8, n);
        VALID_LANES(validB, b, n);
        for (int r = 0; r < 8; r++) {
            scale0[r] = scale0[r] * (valid0 * validB);
            scale1[r] = scale1[r] * (valid1 * validB);
            validB = ROTATE8(validB);
        }
    }
    /* Two coordinates at a time (then a last odd one): y_b's chain of 16 multiply-adds and 8 rotations
     * per coordinate is long, and two chains side by side keep the vector units busy.  Each
     * coordinate's operations and order are those of the one-at-a-time loop. */
    long c = 0;
    for (; c + 2 <= d; c += 2) fused_double_tile_sums(xs, ys, stride, c, 2, a, b, scale0, scale1);
    if (c < d) fused_double_tile_sums(xs, ys, stride, c, 1, a, b, scale0, scale1);
}

/* Group a against itself: rotations 1 … 7, each ordered pair once, only lane k updated. */
static inline __attribute__((always_inline)) void fused_self_tile(const double *xs, double *ys, long stride, long n,
                                                                  long d, long a, double weightStrength) {
    v8d norm2[8], scale[8];
    for (int r = 1; r < 8; r++) norm2[r] = 0;
    for (long c = 0; c < d; c++) {
        v8d xa, xb;
        memcpy(&xa, xs + c * stride + a, 64);
        xb = xa;
        for (int r = 1; r < 8; r++) {
            xb = ROTATE8(xb);
            const v8d z = xa - xb;
            norm2[r] = __builtin_elementwise_fma(z, z, norm2[r]);
        }
    }
    v8d validA, validB;
    VALID_LANES(validA, a, n);
    validB = validA;
    for (int r = 1; r < 8; r++) {
        validB = ROTATE8(validB);
        scale[r] = weightStrength / __builtin_elementwise_sqrt(1 + norm2[r]);
        if (a + 8 > n) scale[r] = scale[r] * (validA * validB);
    }
    for (long c = 0; c < d; c++) {
        v8d xa, xb, ya;
        memcpy(&xa, xs + c * stride + a, 64);
        memcpy(&ya, ys + c * stride + a, 64);
        xb = xa;
        for (int r = 1; r < 8; r++) {
            xb = ROTATE8(xb);
            ya = __builtin_elementwise_fma(scale[r], xa - xb, ya);
        }
        memcpy(ys + c * stride + a, &ya, 64);
    }
}

/* The block pair with fused multiply-adds (the clones and the baseline entry point inline it): the
 * a-groups two at a time (a trailing odd one alone); on the diagonal each pair of groups first meets
 * itself (two self tiles and the tile between them), then the groups after it. */
static inline __attribute__((always_inline)) void smooth_block_pair_fused(const double *xs, double *ys, long stride,
                                                                          long n, long d, long aFirst, long aEnd,
                                                                          long bFirst, long bEnd,
                                                                          double weightStrength) {
    const int diagonal = aFirst == bFirst;
    long a = aFirst;
    for (; a + 16 <= aEnd; a += 16) {
        long first = bFirst;
        if (diagonal) {
            fused_self_tile(xs, ys, stride, n, d, a, weightStrength);
            fused_self_tile(xs, ys, stride, n, d, a + 8, weightStrength);
            fused_tile(xs, ys, stride, n, d, a, a + 8, weightStrength);
            first = a + 16;
        }
        for (long b = first; b < bEnd; b += 8) fused_double_tile(xs, ys, stride, n, d, a, b, weightStrength);
    }
    for (; a < aEnd; a += 8) {
        long first = bFirst;
        if (diagonal) {
            fused_self_tile(xs, ys, stride, n, d, a, weightStrength);
            first = a + 8;
        }
        for (long b = first; b < bEnd; b += 8) fused_tile(xs, ys, stride, n, d, a, b, weightStrength);
    }
}

CNUMERICS_CLONES
void cnumerics_smooth_block_pair_fused(const double *xs, double *ys, long stride, long n, long d, long aFirst,
                                       long aEnd, long bFirst, long bEnd, double weightStrength) {
    if (d < 1) return;
    smooth_block_pair_fused(xs, ys, stride, n, d, aFirst, aEnd, bFirst, bEnd, weightStrength);
}

/* Not cloned: compiled for x86-64-v3 (AVX2 and FMA instructions) only, and run only if the CPU has it:
 * on an AVX-512 machine the loader never picks the AVX2 clone, and without this entry no test would run
 * that code. */
#if defined(__x86_64__) && defined(__linux__)
__attribute__((target("arch=x86-64-v3")))
static void smooth_block_pair_fused_avx2(const double *xs, double *ys, long stride, long n, long d, long aFirst,
                                         long aEnd, long bFirst, long bEnd, double weightStrength) {
    smooth_block_pair_fused(xs, ys, stride, n, d, aFirst, aEnd, bFirst, bEnd, weightStrength);
}
#endif

int cnumerics_smooth_block_pair_fused_avx2(const double *xs, double *ys, long stride, long n, long d, long aFirst,
                                           long aEnd, long bFirst, long bEnd, double weightStrength) {
#if defined(__x86_64__) && defined(__linux__)
    if (!__builtin_cpu_supports("x86-64-v3")) return 0;
    if (d >= 1) smooth_block_pair_fused_avx2(xs, ys, stride, n, d, aFirst, aEnd, bFirst, bEnd, weightStrength);
    return 1;
#else
    (void)xs; (void)ys; (void)stride; (void)n; (void)d; (void)aFirst; (void)aEnd; (void)bFirst; (void)bEnd;
    (void)weightStrength;
    return 0;
#endif
}

/* Not cloned: compiled for the baseline instruction set only (the default clone's code, fma() from libm). */
void cnumerics_smooth_block_pair_fused_baseline(const double *xs, double *ys, long stride, long n, long d, long aFirst,
                                                long aEnd, long bFirst, long bEnd, double weightStrength) {
    if (d < 1) return;
    smooth_block_pair_fused(xs, ys, stride, n, d, aFirst, aEnd, bFirst, bEnd, weightStrength);
}

void cnumerics_rows_to_columns(const double *x, long n, long d, long stride, double *xs) {
    if (d == 2) { /* the default studies' case: one pass, a literal stride in the row layout */
        for (long i = 0; i < n; i++) { xs[i] = x[2 * i]; xs[stride + i] = x[2 * i + 1]; }
        for (long i = n; i < stride; i++) xs[i] = xs[stride + i] = 0;
        return;
    }
    for (long c = 0; c < d; c++) {
        double *column = xs + c * stride;
        for (long i = 0; i < n; i++) column[i] = x[i * d + c];
        for (long i = n; i < stride; i++) column[i] = 0;
    }
}

void cnumerics_columns_to_rows(const double *xs, long n, long d, long stride, double *x) {
    if (d == 2) {
        for (long i = 0; i < n; i++) { x[2 * i] = xs[i]; x[2 * i + 1] = xs[stride + i]; }
        return;
    }
    for (long i = 0; i < n; i++)
        for (long c = 0; c < d; c++) x[i * d + c] = xs[c * stride + i];
}

/* ---- sampled sums: each target over its own list of sources ----------------------------------
 * Eight targets in the lanes; lane t walks its list sources[starts[t] …] in order, so every target
 * adds exactly the terms of the scalar per-target loop, in the same order, with the same roundings.
 * Lanes whose list has ended, and sources equal to the target, add +0 (the term's bits masked to
 * zero): a sum that starts at +0 never becomes −0 under round-to-nearest, so adding +0 leaves it
 * unchanged; a j = i term is dropped even when non-finite, as the scalar loop skips it. */

/* The eight targets group … group + 7 (clamped to last); d is a literal after inlining for small d. */
static inline __attribute__((always_inline)) void smooth_listed_group(const double *x, long d, long first, long last,
                                                                       long group, const int32_t *sources,
                                                                       const long *starts, const long *lengths,
                                                                       double weightStrength, double *y) {
    {
        v8l target, length;
        long start[8], longest = 0;
        for (int lane = 0; lane < 8; lane++) {
            const int live = group + lane <= last;
            target[lane] = live ? group + lane : last;
            length[lane] = live ? lengths[group + lane - first] : 0;
            start[lane] = live ? starts[group + lane - first] : 0;
            if (length[lane] > longest) longest = length[lane];
        }
        v8d xi[d], xj[d], z[d], acc[d];
        for (long c = 0; c < d; c++) {
            LOAD_TARGETS(xi[c], x, d, c, group, last);
            acc[c] = 0;
        }
        for (long k = 0; k < longest; k++) {
            v8l source;
            for (int lane = 0; lane < 8; lane++)
                source[lane] = k < length[lane] ? sources[start[lane] + k] : target[lane];
            const v8l keep = (source != target) & ((v8l)k < length);
            for (long c = 0; c < d; c++)
                for (int lane = 0; lane < 8; lane++) xj[c][lane] = x[source[lane] * d + c];
            v8d scale;
            if (d == 2) {
                for (long c = 0; c < 2; c++) z[c] = xi[c] - xj[c];
                scale = weightStrength / __builtin_elementwise_sqrt(1 + z[0] * z[0] + z[1] * z[1]);
            } else {
                v8d norm2 = 0;
                for (long c = 0; c < d; c++) { z[c] = xi[c] - xj[c]; norm2 += z[c] * z[c]; }
                scale = weightStrength / __builtin_elementwise_sqrt(1 + norm2);
            }
            for (long c = 0; c < d; c++) {
                const v8l term = (v8l)(scale * z[c]) & keep;
                acc[c] += (v8d)term;
            }
        }
        for (long c = 0; c < d; c++) { STORE_TARGETS(y, d, c, group, last, acc[c]); }
    }
}

CNUMERICS_CLONES
void cnumerics_smooth_listed_sums(const double *x, long d, long first, long count, const int32_t *sources,
                                  const long *starts, const long *lengths, double weightStrength, double *y) {
    const long last = first + count - 1;
    for (long group = first; group <= last; group += 8) {
        switch (d) {
        case 1: smooth_listed_group(x, 1, first, last, group, sources, starts, lengths, weightStrength, y); break;
        case 2: smooth_listed_group(x, 2, first, last, group, sources, starts, lengths, weightStrength, y); break;
        case 3: smooth_listed_group(x, 3, first, last, group, sources, starts, lengths, weightStrength, y); break;
        default: smooth_listed_group(x, d, first, last, group, sources, starts, lengths, weightStrength, y); break;
        }
    }
}
