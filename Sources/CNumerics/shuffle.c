/*
 * Fisher–Yates shuffle of 32-bit indices that draws exactly the numbers gsl_ran_shuffle draws
 * (j = gsl_rng_uniform_int(r, i + 1) for i = n − 1, …, 1) and performs the same swaps, so the
 * permutation is identical; it differs in speed only: the draws run AHEAD iterations early and
 * the element each will swap is prefetched, so at N ≫ cache the swaps' misses overlap instead of
 * stalling one after another; swaps move 4 bytes at once instead of GSL's byte loop.
 */
#include "CNumerics.h"

enum { SHUFFLE_AHEAD = 32 };

/* gsl_rng_uniform_int(r, bound); for a Philox generator (philox ≠ NULL) its inline equivalent,
 * which returns the same value after the same draws without GSL's call through the type. */
static inline __attribute__((always_inline)) size_t draw_below(const gsl_rng *r, cnumerics_philox_state *philox,
                                                               size_t bound) {
    return philox ? cnumerics_philox_uniform_int(philox, (uint32_t)bound) : gsl_rng_uniform_int(r, bound);
}

static inline __attribute__((always_inline)) void shuffle(const gsl_rng *r, cnumerics_philox_state *philox,
                                                          int32_t *a, size_t n) {
    const size_t iterations = n - 1;
    size_t ahead[SHUFFLE_AHEAD];
    size_t drawn = 0;
    for (; drawn < iterations && drawn < SHUFFLE_AHEAD; drawn++) {
        ahead[drawn] = draw_below(r, philox, n - drawn);
        __builtin_prefetch(a + ahead[drawn], 1, 3);
    }
    for (size_t t = 0; t < iterations; t++) {
        const size_t i = n - 1 - t, j = ahead[t % SHUFFLE_AHEAD];
        if (drawn < iterations) {
            /* iteration `drawn` swaps index n − 1 − drawn with a draw below n − drawn */
            const size_t next = draw_below(r, philox, n - drawn);
            ahead[drawn % SHUFFLE_AHEAD] = next;
            __builtin_prefetch(a + next, 1, 3);
            drawn++;
        }
        const int32_t held = a[i];
        a[i] = a[j];
        a[j] = held;
    }
}

void cnumerics_shuffle_int32(const gsl_rng *r, int32_t *a, size_t n) {
    if (n < 2) return;
    cnumerics_philox_state *philox = cnumerics_philox_state_of(r);
    /* every bound is ≤ n; the inline draw covers bounds up to 2^32 − 1, GSL's range check the rest */
    if (philox && n <= 0xffffffffu) shuffle(r, philox, a, n);
    else shuffle(r, NULL, a, n);
}
