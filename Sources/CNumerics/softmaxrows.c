/*
 * Row normalisation of a score matrix into attention weights, eight rows at a time:
 * s_ij ← β·s_ij, m_i = max_j s_ij, e_ij = e^{s_ij − m_i} (cnumerics_exp_nonpositive), the row sum in
 * eight fixed lanes (cnumerics_lane_sum), then s_ij ← e_ij·scale_i with scale_i = 1/Σ_j e_ij (softmax)
 * or e^{m_i}/n (mean field).  Optionally the block of eight rows is written transposed (one 8-wide
 * store per column) and each column's squares are accumulated over the rows in increasing order.
 * Contraction off: the roundings are those of the scalar loop doing the same steps.
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include <math.h>
#include <string.h>

#pragma clang fp contract(off)

CNUMERICS_CLONES
void cnumerics_softmax_rows(double *s, long rows, long n, double beta, int meanField, double *transposed,
                            double *columnSquares) {
    for (long first = 0; first < rows; first += 8) {
        const long last = first + 8 < rows ? first + 8 : rows;
        for (long i = first; i < last; i++) {
            double *row = s + i * n;
            /* the maximum in eight lanes: max is exact, so only NaN could make the order matter, and
             * maxnum (like the scalar `s ≥ m ? s : m` from m = −∞) skips NaN */
            v8d lanes = (v8d)(-INFINITY);
            long j = 0;
            for (; j + 8 <= n; j += 8) {
                v8d v;
                memcpy(&v, row + j, 64);
                v *= beta;
                memcpy(row + j, &v, 64);
                lanes = __builtin_elementwise_max(lanes, v);
            }
            double shift = -INFINITY;
            for (int lane = 0; lane < 8; lane++) shift = lanes[lane] >= shift ? lanes[lane] : shift;
            for (; j < n; j++) {
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
        if (transposed) {
            if (last - first == 8) {
                /* one 8-wide store per column of the block */
                for (long j = 0; j < n; j++) {
                    v8d column;
                    for (int lane = 0; lane < 8; lane++) column[lane] = s[(first + lane) * n + j];
                    memcpy(transposed + j * rows + first, &column, 64);
                }
            } else {
                for (long j = 0; j < n; j++)
                    for (long i = first; i < last; i++) transposed[j * rows + i] = s[i * n + j];
            }
        }
    }
}
