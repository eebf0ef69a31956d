#include "CNumerics.h"
#include "vectorclones.h"
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

/* 16 blocks, one per lane, in two independent groups (the rounds of one group are a dependent
 * chain; two chains keep the multipliers busy). */
typedef uint32_t philox_lanes __attribute__((ext_vector_type(16)));
/* The same 512 bits as 8 pairs of lanes: pair i = lane 2i + 2^32 · lane 2i+1 (little-endian). */
typedef uint64_t philox_lane_pairs __attribute__((ext_vector_type(8)));
_Static_assert(CNUMERICS_PHILOX_BLOCKS == 32, "the refill below computes two groups of 16 blocks");


/* lo, hi = low and high words of the 32×32→64-bit products c·m, lane by lane: even lanes are
 * multiplied as the low halves of the pairs, odd lanes after a shift (one vpmuludq each), and
 * the words put back in lane order.  Macros, not functions: a 512-bit vector argument would
 * change the ABI of the baseline clone. */
#define PHILOX_MULTIPLY(c, m, lo, hi) do { \
        const philox_lane_pairs pairs_ = (philox_lane_pairs)(c); \
        const philox_lane_pairs even_ = (pairs_ & 0xffffffffu) * (uint64_t)(m); \
        const philox_lane_pairs odd_ = (pairs_ >> 32) * (uint64_t)(m); \
        (lo) = (philox_lanes)((even_ & 0xffffffffu) | (odd_ << 32)); \
        (hi) = (philox_lanes)((even_ >> 32) | (odd_ & 0xffffffff00000000u)); \
    } while (0)

/* One round of cnumerics_philox4x32_10 in every lane (key words k0, k1 of this round). */
#define PHILOX_ROUND(c0, c1, c2, c3, k0, k1) do { \
        philox_lanes lo0_, hi0_, lo1_, hi1_; \
        PHILOX_MULTIPLY(c0, PHILOX_M0, lo0_, hi0_); \
        PHILOX_MULTIPLY(c2, PHILOX_M1, lo1_, hi1_); \
        c0 = hi1_ ^ (c1) ^ (k0); \
        c1 = lo1_; \
        c2 = hi0_ ^ (c3) ^ (k1); \
        c3 = lo0_; \
    } while (0)

/* Words j = 0…3 of blocks first … first + 3 from the interleaved pairs (lo: words 0/1, hi: 2/3). */
#define PHILOX_FOUR_BLOCKS(w01, w23, first) \
    __builtin_shufflevector(w01, w23, first, first + 1, first + 16, first + 17, first + 2, first + 3, first + 18, first + 19, \
                            first + 4, first + 5, first + 20, first + 21, first + 6, first + 7, first + 22, first + 23)

/* Stores 16 blocks (word j of block b in lane b of cj) block after block at out[0..<64], by a
 * register transpose: interleave words 0/1 and 2/3 of each block, then take the (0, 1) and
 * (2, 3) pairs of four blocks at a time. */
#define PHILOX_STORE_BLOCKS(out, c0, c1, c2, c3) do { \
        const philox_lanes w01lo_ = __builtin_shufflevector(c0, c1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23); \
        const philox_lanes w01hi_ = __builtin_shufflevector(c0, c1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31); \
        const philox_lanes w23lo_ = __builtin_shufflevector(c2, c3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23); \
        const philox_lanes w23hi_ = __builtin_shufflevector(c2, c3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31); \
        const philox_lanes q0_ = PHILOX_FOUR_BLOCKS(w01lo_, w23lo_, 0), q1_ = PHILOX_FOUR_BLOCKS(w01lo_, w23lo_, 8); \
        const philox_lanes q2_ = PHILOX_FOUR_BLOCKS(w01hi_, w23hi_, 0), q3_ = PHILOX_FOUR_BLOCKS(w01hi_, w23hi_, 8); \
        memcpy((out), &q0_, 64); \
        memcpy((out) + 16, &q1_, 64); \
        memcpy((out) + 32, &q2_, 64); \
        memcpy((out) + 48, &q3_, 64); \
    } while (0)

/* Lane b of group g runs the ten rounds of cnumerics_philox4x32_10 on counter
 * (counter[0] + 16g + b mod 2^32, counter[1], counter[2], counter[3]): the same 32×32→64-bit
 * products, xors and key bumps, so its four words equal the scalar block bit for bit.  The words
 * are stored block after block (buffer[4k + j] = word j of block k), the order in which the
 * one-block generator emitted them. */
CNUMERICS_CLONES
static void philox_refill_lanes(cnumerics_philox_state *s) {
    philox_lanes a0, a1 = s->counter[1], a2 = s->counter[2], a3 = s->counter[3];
    philox_lanes b0, b1 = a1, b2 = a2, b3 = a3;
    for (int lane = 0; lane < 16; ++lane) {
        a0[lane] = s->counter[0] + (uint32_t)lane;
        b0[lane] = s->counter[0] + (uint32_t)(16 + lane);
    }
    uint32_t k0 = s->key[0], k1 = s->key[1];
    for (int round = 0; round < 10; ++round) {
        PHILOX_ROUND(a0, a1, a2, a3, k0, k1);
        PHILOX_ROUND(b0, b1, b2, b3, k0, k1);
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    PHILOX_STORE_BLOCKS(s->buffer, a0, a1, a2, a3);
    PHILOX_STORE_BLOCKS(s->buffer + 64, b0, b1, b2, b3);
}

/* Not itself cloned: the inline readers in CNumerics.h call it before this file defines it. */
void cnumerics_philox_refill(cnumerics_philox_state *s) {
    philox_refill_lanes(s);
    s->counter[0] += (uint32_t)CNUMERICS_PHILOX_BLOCKS;
    s->used = 0;
    s->logsFrom = CNUMERICS_PHILOX_BUFFER;
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
    s->logsFrom = CNUMERICS_PHILOX_BUFFER;
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
    s->logsFrom = CNUMERICS_PHILOX_BUFFER;
}

cnumerics_philox_state *cnumerics_philox_state_of(const gsl_rng *rng) {
    return rng->type == &philox_type ? (cnumerics_philox_state *)rng->state : NULL;
}
