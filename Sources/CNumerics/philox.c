#include "CNumerics.h"

/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11).  Constants from the paper / Random123. */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void cnumerics_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

typedef struct {
    uint32_t counter[4]; /* counter[0]: block index; counter[1..3]: stream id */
    uint32_t key[2];
    uint32_t buffer[4];
    int used;            /* outputs of buffer already returned (4 = empty) */
} philox_state;

static void philox_refill(philox_state *s) {
    cnumerics_philox4x32_10(s->counter, s->key, s->buffer);
    s->counter[0] += 1u;
    s->used = 0;
}

static unsigned long philox_get(void *vstate) {
    philox_state *s = (philox_state *)vstate;
    if (s->used >= 4) philox_refill(s);
    return (unsigned long)s->buffer[s->used++];
}

static double philox_get_double(void *vstate) {
    /* 2^-32 * (x + 0.5): never 0 or 1, as GSL's samplers expect of uniform_pos. */
    return ((double)philox_get(vstate) + 0.5) * 2.3283064365386962890625e-10;
}

/* gsl_rng_set(rng, seed): key = seed, stream id 0. */
static void philox_set(void *vstate, unsigned long seed) {
    philox_state *s = (philox_state *)vstate;
    uint64_t k = (uint64_t)seed;
    s->key[0] = (uint32_t)k;
    s->key[1] = (uint32_t)(k >> 32);
    s->counter[0] = s->counter[1] = s->counter[2] = s->counter[3] = 0u;
    s->used = 4;
}

static const gsl_rng_type philox_type = {
    "philox4x32-10", 0xffffffffUL, 0UL, sizeof(philox_state),
    &philox_set, &philox_get, &philox_get_double
};

const gsl_rng_type *cnumerics_rng_philox4x32(void) { return &philox_type; }

void cnumerics_philox_set_stream(gsl_rng *rng, uint64_t key, uint64_t streamHigh, uint32_t streamLow) {
    philox_state *s = (philox_state *)rng->state;
    s->key[0] = (uint32_t)key;
    s->key[1] = (uint32_t)(key >> 32);
    s->counter[0] = 0u;
    s->counter[1] = streamLow;
    s->counter[2] = (uint32_t)streamHigh;
    s->counter[3] = (uint32_t)(streamHigh >> 32);
    s->used = 4;
}
