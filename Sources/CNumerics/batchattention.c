/*
 * Random Batch Attention for a group of equal-size batches in one call: per batch its keys are
 * gathered transposed and its values gathered as rows, then per query row the scores
 * s_j = β·Σ_c q_c k_jc (c in increasing order from +0, vectorised over eight keys j, four query
 * rows at once), the max-shifted weights ω_j = e^{s_j − m}·(j = own ? 1 : partnerWeight), and the
 * output o = scale·Σ_j ω_j v_j (j in increasing order from +0, vectorised over eight value
 * columns), scale = 1/Σ_j ω_j (softmax; the sum in eight lanes) or e^m/N (mean field).
 * Contraction off: every clone (AVX-512, AVX2, baseline) rounds the same way.
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include "expnonpositive.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

/* Four query rows of one batch (indices rows[0…3] < size, repeated when fewer are left; only the
 * first `live` are written): scores, weights and outputs. */
CNUMERICS_WIDE void four_rows(const double *q, const int32_t *members, const long rows[4], long live, long size,
                              long dk, long dv, const double *kt, const double *vb, double beta,
                              double partnerWeight, int meanField, long tokens, double *w, double *out) {
    const long lanes = (size + 7) / 8 * 8;
    const double *q0 = q + (long)members[rows[0]] * dk, *q1 = q + (long)members[rows[1]] * dk;
    const double *q2 = q + (long)members[rows[2]] * dk, *q3 = q + (long)members[rows[3]] * dk;
    double *w0 = w, *w1 = w + lanes, *w2 = w + 2 * lanes, *w3 = w + 3 * lanes;
    long j = 0;
    for (; j + 16 <= lanes; j += 16) { /* two key vectors: 6 loads per 8 multiply-adds */
        v8d a0 = (v8d)(0.0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (long c = 0; c < dk; c++) {
            v8d key, next;
            memcpy(&key, kt + c * lanes + j, 64);
            memcpy(&next, kt + c * lanes + j + 8, 64);
            const v8d x0 = (v8d)(q0[c]), x1 = (v8d)(q1[c]), x2 = (v8d)(q2[c]), x3 = (v8d)(q3[c]);
            a0 = __builtin_elementwise_fma(x0, key, a0), b0 = __builtin_elementwise_fma(x0, next, b0);
            a1 = __builtin_elementwise_fma(x1, key, a1), b1 = __builtin_elementwise_fma(x1, next, b1);
            a2 = __builtin_elementwise_fma(x2, key, a2), b2 = __builtin_elementwise_fma(x2, next, b2);
            a3 = __builtin_elementwise_fma(x3, key, a3), b3 = __builtin_elementwise_fma(x3, next, b3);
        }
        a0 *= beta, a1 *= beta, a2 *= beta, a3 *= beta, b0 *= beta, b1 *= beta, b2 *= beta, b3 *= beta;
        memcpy(w0 + j, &a0, 64), memcpy(w1 + j, &a1, 64), memcpy(w2 + j, &a2, 64), memcpy(w3 + j, &a3, 64);
        memcpy(w0 + j + 8, &b0, 64), memcpy(w1 + j + 8, &b1, 64), memcpy(w2 + j + 8, &b2, 64), memcpy(w3 + j + 8, &b3, 64);
    }
    for (; j < lanes; j += 8) {
        v8d a0 = (v8d)(0.0), a1 = a0, a2 = a0, a3 = a0;
        for (long c = 0; c < dk; c++) {
            v8d key;
            memcpy(&key, kt + c * lanes + j, 64);
            a0 = __builtin_elementwise_fma((v8d)(q0[c]), key, a0);
            a1 = __builtin_elementwise_fma((v8d)(q1[c]), key, a1);
            a2 = __builtin_elementwise_fma((v8d)(q2[c]), key, a2);
            a3 = __builtin_elementwise_fma((v8d)(q3[c]), key, a3);
        }
        a0 *= beta, a1 *= beta, a2 *= beta, a3 *= beta;
        memcpy(w0 + j, &a0, 64), memcpy(w1 + j, &a1, 64), memcpy(w2 + j, &a2, 64), memcpy(w3 + j, &a3, 64);
    }
    double scale[4];
    for (int r = 0; r < 4; r++) {
        double *row = w + r * lanes;
        for (long j = size; j < lanes; j++) row[j] = -INFINITY; /* padding keys: weight 0 */
        v8d top = (v8d)(-INFINITY);
        for (long j = 0; j < lanes; j += 8) {
            v8d s;
            memcpy(&s, row + j, 64);
            top = __builtin_elementwise_max(top, s);
        }
        double shift = -INFINITY;
        for (int l = 0; l < 8; l++) shift = top[l] >= shift ? top[l] : shift;
        v8d sums = (v8d)(0.0);
        for (long j = 0; j < lanes; j += 8) {
            v8d s, e;
            memcpy(&s, row + j, 64);
            EXP_NONPOSITIVE(e, s - shift);
            v8d factor = (v8d)(partnerWeight);
            if (rows[r] >= j && rows[r] < j + 8) factor[rows[r] - j] = 1.0;
            e *= factor;
            memcpy(row + j, &e, 64);
            sums += e;
        }
        const double total = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
        scale[r] = meanField ? exp(shift) / (double)tokens : 1 / total;
    }
    long c = 0;
    for (; c + 16 <= dv; c += 16) { /* two column vectors: 6 loads per 8 multiply-adds */
        v8d a0 = (v8d)(0.0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (long j = 0; j < size; j++) {
            v8d x, y;
            memcpy(&x, vb + j * dv + c, 64);
            memcpy(&y, vb + j * dv + c + 8, 64);
            const v8d u0 = (v8d)(w0[j]), u1 = (v8d)(w1[j]), u2 = (v8d)(w2[j]), u3 = (v8d)(w3[j]);
            a0 = __builtin_elementwise_fma(u0, x, a0), b0 = __builtin_elementwise_fma(u0, y, b0);
            a1 = __builtin_elementwise_fma(u1, x, a1), b1 = __builtin_elementwise_fma(u1, y, b1);
            a2 = __builtin_elementwise_fma(u2, x, a2), b2 = __builtin_elementwise_fma(u2, y, b2);
            a3 = __builtin_elementwise_fma(u3, x, a3), b3 = __builtin_elementwise_fma(u3, y, b3);
        }
        const v8d result[8] = {a0 * scale[0], a1 * scale[1], a2 * scale[2], a3 * scale[3],
                               b0 * scale[0], b1 * scale[1], b2 * scale[2], b3 * scale[3]};
        for (long r = 0; r < live; r++) {
            memcpy(out + (long)members[rows[r]] * dv + c, &result[r], 64);
            memcpy(out + (long)members[rows[r]] * dv + c + 8, &result[4 + r], 64);
        }
    }
    for (; c < dv; c += 8) {
        v8d a0 = (v8d)(0.0), a1 = a0, a2 = a0, a3 = a0;
        for (long j = 0; j < size; j++) {
            v8d x;
            memcpy(&x, vb + j * dv + c, 64); /* the buffer has 8 doubles of slack after the last row */
            a0 = __builtin_elementwise_fma((v8d)(w0[j]), x, a0);
            a1 = __builtin_elementwise_fma((v8d)(w1[j]), x, a1);
            a2 = __builtin_elementwise_fma((v8d)(w2[j]), x, a2);
            a3 = __builtin_elementwise_fma((v8d)(w3[j]), x, a3);
        }
        const v8d result[4] = {a0 * scale[0], a1 * scale[1], a2 * scale[2], a3 * scale[3]};
        const long width = dv - c < 8 ? dv - c : 8;
        for (long r = 0; r < live; r++) memcpy(out + (long)members[rows[r]] * dv + c, &result[r], width * 8);
    }
}

CNUMERICS_WIDE void batch_attention(const double *q, const double *k, const double *v, long dk, long dv,
                                     const int32_t *members, long batches, long size, double beta, double partnerWeight,
                                     int meanField, long tokens, double *scratch, double *out) {
    const long lanes = (size + 7) / 8 * 8;
    double *kt = scratch, *vb = kt + dk * lanes, *w = vb + size * dv + 8;
    memset(vb + size * dv, 0, 8 * sizeof(double));
    for (long b = 0; b < batches; b++) {
        const int32_t *batch = members + b * size;
        if (b + 1 < batches) /* the next batch's rows, every cache line, into L2 (see prefetch.c) */
            for (long j = 0; j < size; j++) {
                const long token = batch[size + j];
                for (long c = 0; c < dk; c += 8) {
                    __builtin_prefetch(q + token * dk + c, 0, 2);
                    __builtin_prefetch(k + token * dk + c, 0, 2);
                }
                for (long c = 0; c < dv; c += 8) {
                    __builtin_prefetch(v + token * dv + c, 0, 2);
                    __builtin_prefetch(out + token * dv + c, 0, 2);
                }
            }
        for (long j = 0; j < size; j++) {
            const double *key = k + (long)batch[j] * dk;
            for (long c = 0; c < dk; c++) kt[c * lanes + j] = key[c];
            memcpy(vb + j * dv, v + (long)batch[j] * dv, dv * sizeof(double));
        }
        for (long c = 0; c < dk; c++)
            for (long j = size; j < lanes; j++) kt[c * lanes + j] = 0;
        for (long first = 0; first < size; first += 4) {
            const long live = size - first < 4 ? size - first : 4;
            long rows[4];
            for (int r = 0; r < 4; r++) rows[r] = first + (r < live ? r : live - 1);
            four_rows(q, batch, rows, live, size, dk, dv, kt, vb, beta, partnerWeight, meanField, tokens, w, out);
        }
    }
}

CNUMERICS_CLONES
void cnumerics_batch_attention(const double *q, const double *k, const double *v, long dk, long dv,
                               const int32_t *members, long batches, long size, double beta, double partnerWeight,
                               int meanField, long tokens, double *scratch, double *out) {
    batch_attention(q, k, v, dk, dv, members, batches, size, beta, partnerWeight, meanField, tokens, scratch, out);
}

/* Not cloned: compiled for the baseline instruction set only (the default clone's code, fma() from libm). */
void cnumerics_batch_attention_baseline(const double *q, const double *k, const double *v, long dk, long dv,
                                        const int32_t *members, long batches, long size, double beta,
                                        double partnerWeight, int meanField, long tokens, double *scratch, double *out) {
    batch_attention(q, k, v, dk, dv, members, batches, size, beta, partnerWeight, meanField, tokens, scratch, out);
}
