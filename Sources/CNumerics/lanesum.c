/*
 * A fixed-order vectorised sum: eight lanes, lane l adding x[l], x[l + 8], x[l + 16], … in order
 * from +0, the lanes then combined as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)), and the
 * n mod 8 trailing values added last, in order.  The order depends on n alone (not on the vector
 * width the loader picks), so the result is the same bit for bit on every CPU.  The lane maximum
 * is exact, so its order does not matter (NaN entries are skipped, as by maxnum).
 */
#include "CNumerics.h"
#include "vectorclones.h"
#include <string.h>

#pragma clang fp contract(off)

CNUMERICS_CLONES
double cnumerics_lane_sum(const double *x, long n) {
    v8d lanes = 0;
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d v;
        memcpy(&v, x + i, 64);
        lanes += v;
    }
    double total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (; i < n; i++) total += x[i];
    return total;
}

CNUMERICS_CLONES
double cnumerics_lane_max(const double *x, long n) {
    v8d lanes = (v8d)(-__builtin_inf());
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d v;
        memcpy(&v, x + i, 64);
        lanes = __builtin_elementwise_max(lanes, v);
    }
    double largest = -__builtin_inf();
    for (int lane = 0; lane < 8; lane++) largest = lanes[lane] >= largest ? lanes[lane] : largest;
    for (; i < n; i++) largest = x[i] >= largest ? x[i] : largest;
    return largest;
}
