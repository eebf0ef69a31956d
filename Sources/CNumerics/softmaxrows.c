/*
 * Row normalisation of a score matrix into attention weights, eight rows at a time:
 * s_ij ← β·s_ij, m_i = max_j s_ij, e_ij = e^{s_ij − m_i} (cnumerics_exp_nonpositive), the row sum in
 * eight fixed lanes (cnumerics_lane_sum), then s_ij ← e_ij·scale_i with scale_i = 1/Σ_j e_ij (softmax)
 * or e^{m_i}/n (mean field).  Optionally the block of eight rows is written transposed (one 8-wide
 * store per column) and each column's squares are accumulated over the rows in increasing order.
 * Contraction off: the roundings are those of the scalar loop doing the same steps.
 */
#include "CNumerics.h"
#include <math.h>
#include <string.h>

#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__)
#define CNUMERICS_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CNUMERICS_CLONES
#endif

CNUMERICS_CLONES
void cnumerics_softmax_rows(double *s, long rows, long n, double beta, int meanField, double *transposed,
                            double *columnSquares) {
    for (long first = 0; first < rows; first += 8) {
        const long last = first + 8 < rows ? first + 8 : rows;
        for (long i = first; i < last; i++) {
            double *row = s + i * n;
            double shift = -INFINITY;
            for (long j = 0; j < n; j++) {
                row[j] *= beta;
                shift = row[j] >= shift ? row[j] : shift;
            }
            for (long j = 0; j < n; j++) row[j] -= shift;
            cnumerics_exp_nonpositive(row, row, n);
            const double total = cnumerics_lane_sum(row, n);
            const double scale = meanField ? exp(shift) / (double)n : 1 / total;
            for (long j = 0; j < n; j++) row[j] *= scale;
        }
        if (columnSquares)
            for (long i = first; i < last; i++) {
                const double *row = s + i * n;
                for (long j = 0; j < n; j++) columnSquares[j] += row[j] * row[j];
            }
        if (transposed)
            for (long j = 0; j < n; j++)
                for (long i = first; i < last; i++) transposed[j * rows + i] = s[i * n + j];
    }
}
