/*
 * Software prefetch of scattered rows, for passes that visit particles in random order (the
 * Random Batch step at N ≫ cache): issuing the loads of rows needed a few batches ahead lets the
 * memory system overlap their misses instead of serving them one at a time.  No effect on results.
 */
#include "CNumerics.h"

void cnumerics_prefetch_rows_for_reading(const double *x, const int32_t *rows, long count, long d) {
    for (long k = 0; k < count; k++) __builtin_prefetch(x + (long)rows[k] * d, 0, 3);
}

void cnumerics_prefetch_rows_for_writing(double *y, const int32_t *rows, long count, long d) {
    for (long k = 0; k < count; k++) __builtin_prefetch(y + (long)rows[k] * d, 1, 3);
}
