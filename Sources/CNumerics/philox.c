#include "CNumerics.h"
#include <string.h>

/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11).  Constants from the paper / Random123. */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* The scalar reference: one block.  The generator below computes the same blocks in bulk. */
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

/* ---- bulk refill: CNUMERICS_PHILOX_BLOCKS blocks at once, one block per vector lane ------ */

typedef uint32_t philox_lanes __attribute__((ext_vector_type(CNUMERICS_PHILOX_BLOCKS)));
typedef uint64_t philox_wide_lanes __attribute__((ext_vector_type(CNUMERICS_PHILOX_BLOCKS)));
_Static_assert(CNUMERICS_PHILOX_BLOCKS == 16, "the transpose below is written for 16 lanes");

#if defined(__x86_64__) && defined(__linux__)
#define PHILOX_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PHILOX_CLONES
#endif

/* Lane b runs the ten rounds of cnumerics_philox4x32_10 on counter (counter[0] + b mod 2^32,
 * counter[1], counter[2], counter[3]): the same 32×32→64-bit products, xors and key bumps, so
 * each lane's four words equal the scalar block bit for bit.  The words are stored block after
 * block (buffer[4b + j] = word j of block b), the order the one-block generator emitted them. */
PHILOX_CLONES
static void philox_refill_lanes(cnumerics_philox_state *s) {
    philox_lanes c0, c1 = s->counter[1], c2 = s->counter[2], c3 = s->counter[3];
    for (int b = 0; b < CNUMERICS_PHILOX_BLOCKS; ++b) c0[b] = s->counter[0] + (uint32_t)b;
    uint32_t k0 = s->key[0], k1 = s->key[1];
    for (int round = 0; round < 10; ++round) {
        const philox_wide_lanes p0 = __builtin_convertvector(c0, philox_wide_lanes) * (uint64_t)PHILOX_M0;
        const philox_wide_lanes p1 = __builtin_convertvector(c2, philox_wide_lanes) * (uint64_t)PHILOX_M1;
        const philox_lanes hi0 = __builtin_convertvector(p0 >> 32, philox_lanes);
        const philox_lanes lo0 = __builtin_convertvector(p0, philox_lanes);
        const philox_lanes hi1 = __builtin_convertvector(p1 >> 32, philox_lanes);
        const philox_lanes lo1 = __builtin_convertvector(p1, philox_lanes);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    /* Transpose the 4 × 16 words to block order with register shuffles: interleave words 0/1 and
     * 2/3 of each block, then take the (0, 1) and (2, 3) pairs of four blocks at a time. */
    const philox_lanes w01lo = __builtin_shufflevector(c0, c1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const philox_lanes w01hi = __builtin_shufflevector(c0, c1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const philox_lanes w23lo = __builtin_shufflevector(c2, c3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const philox_lanes w23hi = __builtin_shufflevector(c2, c3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
#define PHILOX_FOUR_BLOCKS(lo, hi, first) \
    __builtin_shufflevector(lo, hi, first, first + 1, first + 16, first + 17, first + 2, first + 3, first + 18, first + 19, \
                            first + 4, first + 5, first + 20, first + 21, first + 6, first + 7, first + 22, first + 23)
    const philox_lanes blocks0to3 = PHILOX_FOUR_BLOCKS(w01lo, w23lo, 0);
    const philox_lanes blocks4to7 = PHILOX_FOUR_BLOCKS(w01lo, w23lo, 8);
    const philox_lanes blocks8to11 = PHILOX_FOUR_BLOCKS(w01hi, w23hi, 0);
    const philox_lanes blocks12to15 = PHILOX_FOUR_BLOCKS(w01hi, w23hi, 8);
#undef PHILOX_FOUR_BLOCKS
    memcpy(s->buffer, &blocks0to3, sizeof blocks0to3);
    memcpy(s->buffer + 16, &blocks4to7, sizeof blocks4to7);
    memcpy(s->buffer + 32, &blocks8to11, sizeof blocks8to11);
    memcpy(s->buffer + 48, &blocks12to15, sizeof blocks12to15);
}

/* Not itself cloned: the inline readers in CNumerics.h call it before this file defines it. */
void cnumerics_philox_refill(cnumerics_philox_state *s) {
    philox_refill_lanes(s);
    s->counter[0] += (uint32_t)CNUMERICS_PHILOX_BLOCKS;
    s->used = 0;
}

/* ---- the GSL generator type --------------------------------------------------------------- */

static unsigned long philox_get(void *vstate) {
    return (unsigned long)cnumerics_philox_next((cnumerics_philox_state *)vstate);
}

static double philox_get_double(void *vstate) {
    return cnumerics_philox_double((cnumerics_philox_state *)vstate);
}

/* gsl_rng_set(rng, seed): key = seed, stream id 0. */
static void philox_set(void *vstate, unsigned long seed) {
    cnumerics_philox_state *s = (cnumerics_philox_state *)vstate;
    uint64_t k = (uint64_t)seed;
    s->key[0] = (uint32_t)k;
    s->key[1] = (uint32_t)(k >> 32);
    s->counter[0] = s->counter[1] = s->counter[2] = s->counter[3] = 0u;
    s->used = CNUMERICS_PHILOX_BUFFER;
}

static const gsl_rng_type philox_type = {
    "philox4x32-10", 0xffffffffUL, 0UL, sizeof(cnumerics_philox_state),
    &philox_set, &philox_get, &philox_get_double
};

const gsl_rng_type *cnumerics_rng_philox4x32(void) { return &philox_type; }

void cnumerics_philox_set_stream(gsl_rng *rng, uint64_t key, uint64_t streamHigh, uint32_t streamLow) {
    cnumerics_philox_state *s = (cnumerics_philox_state *)rng->state;
    s->key[0] = (uint32_t)key;
    s->key[1] = (uint32_t)(key >> 32);
    s->counter[0] = 0u;
    s->counter[1] = streamLow;
    s->counter[2] = (uint32_t)streamHigh;
    s->counter[3] = (uint32_t)(streamHigh >> 32);
    s->used = CNUMERICS_PHILOX_BUFFER;
}

cnumerics_philox_state *cnumerics_philox_state_of(const gsl_rng *rng) {
    return rng->type == &philox_type ? (cnumerics_philox_state *)rng->state : NULL;
}
