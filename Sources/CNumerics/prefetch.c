/*
 * Software prefetch of scattered rows, for passes that visit particles in random order (the
 * Random Batch step at N ≫ cache): issuing the loads of rows needed a few batches ahead lets the
 * memory system overlap their misses instead of serving them one at a time.  No effect on results.
 *
 * Both prefetches are read hints to the second-level cache (locality 2: prefetcht1 on x86), not to
 * the first.  Our reading of the measurements below (not checked with hardware counters): at
 * N ≫ cache the random passes are limited by how many misses are in flight at once, and more are
 * when the prefetches target L2, since a prefetch into L1 holds one of the few L1 miss buffers until
 * its line arrives; the scatter's target rows take the same read hint instead of a write hint
 * (prefetchw), as a line no other core holds is read in the exclusive state and the later store
 * needs no second request.  Measured by `rbm-bench rbm-step` (AMD EPYC, 1 MiB L2 per core,
 * 32 MiB L3, one thread, d = 2), medians of 7 alternating runs at N = 10⁶: 21.8 ns per particle with
 * the L1 read hint and the write hint, 18.8 with the gather's hint to L2, 18.1 with both read hints
 * to L2; unchanged (≈ 13.3) at N = 10³…10⁵, where the rows are in cache.  Hints only: no effect on
 * results.
 */
#include "CNumerics.h"

void cnumerics_prefetch_rows_for_reading(const double *x, const int32_t *rows, long count, long d) {
    for (long k = 0; k < count; k++) __builtin_prefetch(x + (long)rows[k] * d, 0, 2);
}

void cnumerics_prefetch_rows_for_writing(double *y, const int32_t *rows, long count, long d) {
    for (long k = 0; k < count; k++) __builtin_prefetch(y + (long)rows[k] * d, 0, 2);
}
