/*
 * Natural logarithms of the generator's uniforms u = 2^-32 (x + 1/2), eight at a time: the
 * logarithm of fdlibm's e_log.c (Sun Microsystems, 1993) without its branches, for the normal
 * numbers in (0, 1) these u are.  u = 2^k·m with m in [√2/2, √2), f = m − 1 (exact), s = f/(2 + f),
 * log m = f − (f²/2 − s·(f²/2 + R(s²))) with fdlibm's minimax polynomial R, log u = k·ln2_hi −
 * ((f²/2 − (s·(f²/2 + R) + k·ln2_lo)) − f).  fdlibm bounds this formula's error by 1 ulp; the test
 * measures at most 2 ulp against the C library's log over 2^20 outputs and the extremes, and the
 * geometric skipper relies on 2^6 ulp at most (GeometricSkipper.swift).
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include <string.h>

#pragma clang fp contract(off)

static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
static const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                    Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                    Lg7 = 1.479819860511658591e-01;

CNUMERICS_CLONES
void cnumerics_log_uniforms(const uint32_t *x, double *out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d u;
        for (int lane = 0; lane < 8; lane++) u[lane] = ((double)x[i + lane] + 0.5) * 2.3283064365386962890625e-10;
        v8l bits;
        memcpy(&bits, &u, 64);
        v8l k = (bits >> 52) - 1023;
        v8l mantissa = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
        /* m in [1, 2); halve it (and raise k) above √2 ≈ 1.6a09e667f3bcc: m then in [√2/2, √2) */
        v8l high = mantissa > 0x3ff6a09e667f3bccLL;
        mantissa -= high & 0x0010000000000000LL;
        k -= high; /* high is −1 in the lanes it holds */
        v8d m;
        memcpy(&m, &mantissa, 64);
        const v8d f = m - 1;
        const v8d s = f / (2 + f);
        const v8d dk = __builtin_convertvector(k, v8d);
        const v8d z = s * s, w = z * z;
        const v8d t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
        const v8d t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
        const v8d r = t2 + t1, hfsq = 0.5 * f * f;
        const v8d logU = dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f);
        memcpy(out + i, &logU, 64);
    }
    for (; i < n; i++) {
        double u = ((double)x[i] + 0.5) * 2.3283064365386962890625e-10;
        long long bits;
        memcpy(&bits, &u, 8);
        long long k = (bits >> 52) - 1023, mantissa = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
        if (mantissa > 0x3ff6a09e667f3bccLL) { mantissa -= 0x0010000000000000LL; k += 1; }
        double m;
        memcpy(&m, &mantissa, 8);
        const double f = m - 1, s = f / (2 + f), dk = (double)k, z = s * s, w = z * z;
        const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6)), t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
        const double r = t2 + t1, hfsq = 0.5 * f * f;
        out[i] = dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f);
    }
}

void cnumerics_philox_fill_logs(cnumerics_philox_state *s) {
    cnumerics_log_uniforms(s->buffer + s->used, s->logs + s->used, CNUMERICS_PHILOX_BUFFER - s->used);
    s->logsFrom = s->used;
}
