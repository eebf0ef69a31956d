/*
 * Software prefetch of scattered rows, for passes that visit particles in random order (the
 * Random Batch step at N ≫ cache): issuing the loads of rows needed a few batches ahead lets the
 * memory system overlap their misses instead of serving them one at a time.  No effect on results.
 *
 * Both prefetches are read hints to the second-level cache (locality 2: prefetcht1 on x86), not to
 * the first: at N ≫ cache the passes are limited by how many misses can be in flight at once, and
 * a prefetch into L1 holds one of the few L1 miss buffers until its line arrives, while a prefetch
 * into L2 does not, so more rows are fetched concurrently.  The scatter's target rows are
 * prefetched for reading as well: on the machine measured a write prefetch (prefetchw) fills L1
 * only and was as slow as the L1 read hint, while a line read into L2 that no other core holds
 * arrives in the exclusive state, so the later store needs no further request.  Measured by
 * `rbm-bench rbm-step` (AMD EPYC, 1 MiB L2 per core, 32 MiB L3), one thread, N = 10⁶, d = 2:
 * 21.6–23.2 ns per particle with both hints to L1 (read and write), 18.2–19.0 with the gather's
 * hint to L2, 17.7–18.1 with both to L2; unchanged (≈ 13.3) at N = 10³…10⁵, where the rows are in cache.
 */
#include "CNumerics.h"

void cnumerics_prefetch_rows_for_reading(const double *x, const int32_t *rows, long count, long d) {
    for (long k = 0; k < count; k++) __builtin_prefetch(x + (long)rows[k] * d, 0, 2);
}

void cnumerics_prefetch_rows_for_writing(double *y, const int32_t *rows, long count, long d) {
    for (long k = 0; k < count; k++) __builtin_prefetch(y + (long)rows[k] * d, 0, 2);
}
