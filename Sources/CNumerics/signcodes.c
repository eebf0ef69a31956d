/*
 * Sign-random-projection codes (the YOSO hash): for each of n vectors x_i (row-major n×d) and
 * τ hyperplanes r_b (row-major τ×d), bit b of the code is 1[⟨r_b, x_i⟩ ≥ 0], most significant first.
 * Vectorised over 8 vectors at a time; each dot product is summed over c = 0 … d − 1 in order from
 * +0, with the roundings of the scalar loop (contraction off, no fused multiply-add), so every
 * code equals the scalar one bit for bit, whatever the vector width.
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include <string.h>

#pragma clang fp contract(off)

CNUMERICS_CLONES
void cnumerics_sign_codes(const double *x, long n, long d, const double *planes, long bits, long *codes) {
    for (long group = 0; group < n; group += 8) {
        const long lanes = n - group < 8 ? n - group : 8;
        v8d xt[d];
        for (long c = 0; c < d; c++)
            for (int lane = 0; lane < 8; lane++) xt[c][lane] = lane < lanes ? x[(group + lane) * d + c] : 0;
        v8l code = 0;
        for (long b = 0; b < bits; b++) {
            const double *r = planes + b * d;
            v8d dot = 0;
            for (long c = 0; c < d; c++) dot += r[c] * xt[c];
            code = (code << 1) | ((dot >= 0) & 1);
        }
        for (int lane = 0; lane < lanes; lane++) codes[group + lane] = code[lane];
    }
}
