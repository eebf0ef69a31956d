#ifndef CNUMERICS_H
#define CNUMERICS_H
/*
 * The one C header the Swift code sees: GSL (random numbers, distributions,
 * statistics, fits, CDFs, linear algebra, odeiv2), the CBLAS declarations taken
 * from GSL's own header (never OpenBLAS's <cblas.h>, which clashes with it), and
 * LAPACKE.  Swift 6 cannot touch GSL's global tables, so they are exposed through
 * static inline accessors below.
 */
#include <stdint.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_cblas.h>
#include <lapacke.h>

/* ---- Philox4x32-10 as a GSL generator ------------------------------------ */

/// The Philox4x32-10 counter-based generator (Salmon et al., SC'11) registered as a
/// `gsl_rng_type`, so every GSL sampler can draw from it.  A stream is fixed by a
/// 64-bit key and a 96-bit stream identifier; the remaining 32 counter bits count
/// blocks of four 32-bit outputs (2^34 outputs per stream).
const gsl_rng_type *cnumerics_rng_philox4x32(void);

/// Positions a Philox generator at the start of stream (key, streamHigh, streamLow).
void cnumerics_philox_set_stream(gsl_rng *rng, uint64_t key, uint64_t streamHigh, uint32_t streamLow);

/// One Philox4x32-10 block: counter (4 words) and key (2 words) -> 4 output words.
void cnumerics_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);

/// Blocks computed per refill of the generator's buffer, and the outputs they hold.
#define CNUMERICS_PHILOX_BLOCKS 32
#define CNUMERICS_PHILOX_BUFFER (4 * CNUMERICS_PHILOX_BLOCKS)

/// The state of a Philox generator.  Outputs are emitted block after block (blocks k, k + 1, …
/// of the stream, four words each, in word order), exactly as a one-block-at-a-time generator
/// would emit them; only the buffering differs: `cnumerics_philox_refill` computes the next
/// CNUMERICS_PHILOX_BLOCKS blocks at once with vector lanes.
typedef struct {
    uint32_t buffer[CNUMERICS_PHILOX_BUFFER]; /* blocks counter[0] − BLOCKS … counter[0] − 1 */
    uint32_t counter[4]; /* counter[0]: index of the next block to compute; counter[1..3]: stream id */
    uint32_t key[2];
    uint32_t used;       /* outputs of buffer already returned (CNUMERICS_PHILOX_BUFFER = empty) */
    uint32_t logsFrom;   /* logs[k] holds log u_k for k ≥ logsFrom (CNUMERICS_PHILOX_BUFFER: none yet) */
    double logs[CNUMERICS_PHILOX_BUFFER];
} cnumerics_philox_state;

/// Computes the next CNUMERICS_PHILOX_BLOCKS blocks into `s->buffer` and resets `s->used`.
void cnumerics_philox_refill(cnumerics_philox_state *s);

/// The Philox state of `rng`, or NULL when `rng` is not a Philox generator.
cnumerics_philox_state *cnumerics_philox_state_of(const gsl_rng *rng);

/// The next 32-bit output: what gsl_rng_get returns for this generator, without the call
/// through the generator type's function pointer.
static inline uint32_t cnumerics_philox_next(cnumerics_philox_state *s) {
    if (__builtin_expect(s->used >= CNUMERICS_PHILOX_BUFFER, 0)) cnumerics_philox_refill(s);
    return s->buffer[s->used++];
}

/// 2^-32 (x + 1/2) for the next output x: in (0, 1), never 0 or 1.  This is the generator's
/// gsl_rng_uniform, and (since it is never 0, gsl_rng_uniform_pos draws once) its
/// gsl_rng_uniform_pos, bit for bit.
static inline double cnumerics_philox_double(cnumerics_philox_state *s) {
    return ((double)cnumerics_philox_next(s) + 0.5) * 2.3283064365386962890625e-10;
}

/// gsl_rng_uniform_int(rng, n) for 1 ≤ n ≤ 2^32 − 1, bit for bit and with the same draws:
/// scale = ⌊(2^32 − 1)/n⌋, k = ⌊x/scale⌋ for successive outputs x until k < n (GSL's unbiased
/// rejection; the generator's range is 2^32 − 1 and its minimum 0).
static inline uint32_t cnumerics_philox_uniform_int(cnumerics_philox_state *s, uint32_t n) {
    const uint32_t scale = 0xffffffffu / n;
    uint32_t k;
    do { k = cnumerics_philox_next(s) / scale; } while (k >= n);
    return k;
}

/// log(2^-32 (x_k + 1/2)) for n 32-bit outputs x_k, vectorised (fdlibm's logarithm without its
/// branches): within 2 ulp of the C library's log as measured by the tests, not bit-identical to it.
void cnumerics_log_uniforms(const uint32_t *x, double *out, long n);

/// Fills s->logs for the buffered outputs not yet returned and sets s->logsFrom = s->used.
void cnumerics_philox_fill_logs(cnumerics_philox_state *s);

/// The next uniform u (the output cnumerics_philox_double would return, consumed alike) in *uniform
/// and an approximation of log u (cnumerics_log_uniforms, computed for the rest of the buffer at
/// once) as the result.
static inline double cnumerics_philox_log_uniform(cnumerics_philox_state *s, double *uniform) {
    if (__builtin_expect(s->used >= CNUMERICS_PHILOX_BUFFER, 0)) cnumerics_philox_refill(s);
    if (__builtin_expect(s->used < s->logsFrom, 0)) cnumerics_philox_fill_logs(s);
    const uint32_t k = s->used++;
    *uniform = ((double)s->buffer[k] + 0.5) * 2.3283064365386962890625e-10;
    return s->logs[k];
}

/* ---- accessors for GSL globals ------------------------------------------- */

static inline const gsl_odeiv2_step_type *cnumerics_odeiv2_step_rk8pd(void) { return gsl_odeiv2_step_rk8pd; }

/// The right-hand side signature of gsl_odeiv2 (kept here so Swift can form a
/// `@convention(c)` function with the right shape).
typedef int (*cnumerics_odeiv2_function)(double t, const double y[], double dydt[], void *params);

/// Allocates a gsl_odeiv2_system on the heap (the driver keeps the pointer).
gsl_odeiv2_system *cnumerics_odeiv2_system_alloc(cnumerics_odeiv2_function function, size_t dimension, void *params);
void cnumerics_odeiv2_system_free(gsl_odeiv2_system *system);

/* ---- process facts ------------------------------------------------------- */

/// Path of the shared object that provides `cblas_dgemm` in this process (dladdr),
/// written into buffer; returns 0 on success.
int cnumerics_cblas_dgemm_provider(char *buffer, size_t capacity);

/// Sets the OpenBLAS thread count if the BLAS in use is OpenBLAS; returns 1 if it was,
/// 0 otherwise.
int cnumerics_set_blas_threads(int threads);

/// OpenBLAS's configuration string, or "unknown".
const char *cnumerics_blas_config(void);

/* ---- vector kernels (pairkernels.c) -------------------------------------- */

/// out[i] = c/√(1 + a[i]) for i < n, `repeats` times over the same arrays: the throughput
/// microkernel of one square root and one division per element (the cost of one pair of the
/// smooth kernel).  Returns a checksum so the work cannot be elided.  O(n·repeats).
double cnumerics_sqrt_div_throughput(const double *a, double *out, long n, double c, long repeats);

/// The exact smooth-kernel sums for targets first … first + count − 1:
/// y_i = Σ_{j≠i} w·c·(x_i − x_j)/√(1 + ‖x_i − x_j‖²) over all n sources (row-major n×d, d ≤ 64),
/// with weightStrength = w·c.  Vectorised over 8 targets at a time; each target's sum runs over
/// j in increasing order with the same roundings as the scalar per-pair code (the j = i term is
/// an exact +0).  Overwrites rows first … first + count − 1 of y.  O(count·n·d).
void cnumerics_smooth_pair_sums(const double *x, long n, long d, long first, long count, double weightStrength,
                                double *y);

/// The smooth pair sums of `batches` consecutive batches of p rows each (row layout), each batch on its
/// own with the weight·strength `weightStrength`: bit-identical to cnumerics_smooth_pair_sums per batch,
/// with 8/p batches per vector.  Handles p ∈ {2, 4, 8}, d ≤ 8 and batches·p a multiple of 8 and returns
/// 1; returns 0 (and writes nothing) otherwise.
int cnumerics_smooth_batch_sums(const double *x, long batches, long p, long d, double weightStrength, double *y);

/// Newton's third law for the smooth kernel K(z) = c·z/√(1+‖z‖²), which is antisymmetric: adds to ys,
/// for every pair (i, j) with i in [aFirst, aEnd) and j in [bFirst, bEnd), t = w·c·(x_i − x_j)/√(1+‖x_i − x_j‖²)
/// to particle i and −t to particle j, each pair evaluated once (one square root and one division);
/// when aFirst == bFirst the block is paired with itself (every pair i ≠ j of it once).  Column layout:
/// coordinate c of particle i at xs[c·stride + i] (and ys), stride and the bounds multiples of 8,
/// particles n … stride − 1 padding (finite, masked out).  1 ≤ d ≤ 8 (any other d: no effect).  weightStrength = w·c.  Each term has the
/// roundings of cnumerics_smooth_pair_sums; only the order in which a particle's terms are added differs.
/// The order is fixed by the arguments alone.  O((aEnd − aFirst)·(bEnd − bFirst)·d).
void cnumerics_smooth_block_pair(const double *xs, double *ys, long stride, long n, long d, long aFirst, long aEnd,
                                 long bFirst, long bEnd, double weightStrength);

/// Newton's third law for the smooth kernel with fused multiply-adds, any d ≥ 1 (d < 1: no effect):
/// the arguments, layout, masking and 8×8 tiles of cnumerics_smooth_block_pair, but
/// ‖z‖² = fma(z_c, z_c, ‖z‖²) over c = 0 … d − 1 from +0, z = fl(x_i − x_j), and the pair's terms added
/// as y_i,c ← fma(s, fl(x_i,c − x_j,c), y_i,c) and y_j,c ← fma(s, fl(x_j,c − x_i,c), y_j,c),
/// s = w·c/√(1 + ‖z‖²): each particle receives the terms of its own fused per-target sum, one rounding
/// per multiply-add, in an order fixed by the arguments alone.  Every clone (AVX-512, AVX2, baseline
/// with libm fma) gives the same bits.  Against the unfused per-pair sums each coordinate differs by at
/// most 2(γ_{N−1} + γ_{d+4})·Σ_{j≠i}|t_ij| to first order in u (t_ij the unfused terms,
/// γ_m = m·u/(1 − m·u), u = 2⁻⁵³).  Two passes over the coordinates per tile (the ‖z‖² chains, then the
/// sums), two a-groups per b-group, so no d-long vector array lives in registers.
/// O((aEnd − aFirst)·(bEnd − bFirst)·d).
void cnumerics_smooth_block_pair_fused(const double *xs, double *ys, long stride, long n, long d, long aFirst,
                                       long aEnd, long bFirst, long bEnd, double weightStrength);

/// cnumerics_smooth_block_pair_fused compiled for x86-64-v3 (AVX2 and FMA instructions) only, for the
/// ISA-independence test: on an AVX-512 CPU the loader never picks the AVX2 clone.  Runs it and returns
/// 1 if the CPU supports x86-64-v3; returns 0 and writes nothing otherwise (and off x86-64 Linux).
int cnumerics_smooth_block_pair_fused_avx2(const double *xs, double *ys, long stride, long n, long d, long aFirst,
                                           long aEnd, long bFirst, long bEnd, double weightStrength);

/// cnumerics_smooth_block_pair_fused compiled for the baseline x86-64 instruction set only (no
/// target clones; fma() from libm): the ISA-independence test compares its bits with the clone the
/// loader picked.  Same contract and result.
void cnumerics_smooth_block_pair_fused_baseline(const double *xs, double *ys, long stride, long n, long d, long aFirst,
                                                long aEnd, long bFirst, long bEnd, double weightStrength);

/// The smooth-kernel sums of targets first … first + count − 1, each over its own list of sources:
/// y_i = Σ_k w·c·(x_i − x_j)/√(1 + ‖x_i − x_j‖²), j = sources[starts[t] + k], k = 0 … lengths[t] − 1 in
/// that order, t = i − first, terms with j = i skipped (x row-major, d ≤ 64; weightStrength = w·c).
/// Vectorised over 8 targets (lanes gather their sources); each target's terms, order and roundings
/// are those of the scalar per-target loop, so the result is bit-identical to it.  Overwrites rows
/// first … first + count − 1 of y.  O(Σ lengths · d).
void cnumerics_smooth_listed_sums(const double *x, long d, long first, long count, const int32_t *sources,
                                  const long *starts, const long *lengths, double weightStrength, double *y);

/// xs[c·stride + i] = x[i·d + c] for i < n (row-major n×d to column layout), xs[c·stride + i] = 0 for
/// n ≤ i < stride.  O(stride·d).
void cnumerics_rows_to_columns(const double *x, long n, long d, long stride, double *xs);

/// x[i·d + c] = xs[c·stride + i] for i < n: column layout back to row-major n×d.  O(n·d).
void cnumerics_columns_to_rows(const double *xs, long n, long d, long stride, double *x);

/* ---- vectorised sum and maximum (lanesum.c) ------------------------------------ */

/// Σ x[0..<n] in eight lanes (lane l adds x[l], x[l + 8], … in order), the lanes combined pairwise,
/// then the n mod 8 trailing values in order: an order fixed by n alone, so bit-identical on every
/// CPU; error at most (n/8 + 3 + n mod 8)·ε·Σ|x[i]| (ε = 2⁻⁵²), against (n − 1)·ε·Σ|x[i]| in order.  O(n).
double cnumerics_lane_sum(const double *x, long n);

/// max x[0..<n] in eight lanes, NaN entries skipped (−∞ when n = 0 or every entry is NaN): the value of
/// the sequential `m = x ≥ m ? x : m` from m = −∞, except that a maximum of zero may carry either
/// sign.  O(n).
double cnumerics_lane_max(const double *x, long n);

/* ---- weighted combination of rows (weightedrows.c) ------------------------------ */

/// out[a] = Σ_b w[b]·v[r(b)·dv + a] for a < dv, r(b) = rows[b] (or b when rows is NULL), each entry
/// summed over b = 0 … count − 1 in order from +0 with the roundings of the scalar loop (no fused
/// multiply-add): bit-identical to it; vectorised over eight entries.  Overwrites out[0..<dv].
/// O(count·dv).
void cnumerics_weighted_rows(const double *w, const long *rows, long count, const double *v, long dv, double *out);

/* ---- Random Batch Attention for a run of batches (batchattention.c) -------------- */

/// For each of `batches` batches of `size` tokens (batch b: token indices members[b·size …
/// b·size + size − 1]) and each token i of it: s_j = β·Σ_c q_ic k_jc over the batch's tokens j
/// (c = 0 … dk − 1 in order from +0 by fused multiply-adds), m = max_j s_j,
/// ω_j = e^{s_j − m}·(j = i ? 1 : partnerWeight) (the exponential of cnumerics_exp_nonpositive),
/// out row i = scale·Σ_j ω_j v_j (j in batch order from +0 by fused multiply-adds), scale =
/// 1/Σ_j ω_j (summed in eight lanes) or e^m/tokens (meanField ≠ 0).  q, k: row-major tokens×dk;
/// v, out: tokens×dv.  scratch: at least L·(dk + 4) + size·dv + 8 doubles, L = size rounded up to a
/// multiple of 8.  Same roundings in every clone (fused multiply-adds are libm's fma() in the
/// baseline one).  O(batches·size·(size·(dk + dv))).
void cnumerics_batch_attention(const double *q, const double *k, const double *v, long dk, long dv,
                               const int32_t *members, long batches, long size, double beta, double partnerWeight,
                               int meanField, long tokens, double *scratch, double *out);

/// cnumerics_batch_attention compiled for the baseline x86-64 instruction set only (no target
/// clones; fma() from libm): the ISA-independence test compares its bits with the clone the loader
/// picked.  Same contract and result.
void cnumerics_batch_attention_baseline(const double *q, const double *k, const double *v, long dk, long dv,
                                        const int32_t *members, long batches, long size, double beta,
                                        double partnerWeight, int meanField, long tokens, double *scratch, double *out);

/* ---- attention weights from scores (softmaxrows.c) ------------------------------ */

/// For each row i < rows of the score matrix s (row-major rows×n): s_ij ← β·s_ij, m_i = max_j s_ij,
/// s_ij ← e^{s_ij − m_i} by cnumerics_exp_nonpositive, then s_ij ← s_ij·scale_i with scale_i =
/// 1/(cnumerics_lane_sum of the row) (softmax) or e^{m_i}/n (meanField ≠ 0).  If `transposed` is not
/// NULL it receives the weights as an n×rows matrix; if `columnSquares` is not NULL, columnSquares[j]
/// += s_ij² over i in increasing order.  Same roundings as the scalar loop of these steps (no fused
/// multiply-add).  O(rows·n).
void cnumerics_softmax_rows(double *s, long rows, long n, double beta, int meanField, double *transposed,
                            double *columnSquares);

/* ---- sign-random-projection codes (signcodes.c) ----------------------------- */

/// codes[i] = Σ_b 2^{bits−1−b}·1[⟨r_b, x_i⟩ ≥ 0] for the n rows x_i of x (row-major n×d) and the `bits`
/// hyperplanes r_b of planes (row-major bits×d), bits ≤ 62: the YOSO hash codes.  Each dot product is
/// summed over c in increasing order from +0 with the roundings of the scalar loop (no fused
/// multiply-add), so the codes are bit-identical to it; vectorised over 8 rows (d·64 bytes of stack).
/// O(n·bits·d).
void cnumerics_sign_codes(const double *x, long n, long d, const double *planes, long bits, long *codes);

/* ---- tiled online softmax (softmaxtile.c) --------------------------------- */

/// out[i] = e^{x[i]} for x[i] ≤ 0 (0 below −708), measured within 1 ulp of libm on [−708, 0] (0.98 ulp of the exact value; callers state their bounds with 2 ulp to spare), vectorised.  O(n).
void cnumerics_exp_nonpositive(const double *x, double *out, long n);

/// One key tile of the online softmax, for each of `rows` rows r of the score tile (row stride ld):
/// m′ = max(rowMax[r], max_j s_rj); s_rj ← e^{s_rj − m′}; α = e^{rowMax[r] − m′} (0 on the first
/// tile, marked by rowMax[r] = −∞); output row r (outputColumns values, stride outputLd) ← α·itself;
/// rowSum[r] ← α·rowSum[r] + Σ_j s_rj; rowMax[r] ← m′.  O(rows·(columns + outputColumns)).
void cnumerics_softmax_tile(double *scores, long rows, long columns, long ld, double *rowMax, double *rowSum,
                            double *output, long outputColumns, long outputLd);

/* ---- software prefetch (prefetch.c) ------------------------------------------ */

/// Prefetches the row (d doubles) of x at each of the `count` row indices into the second-level cache,
/// for a gather whose scattered reads should not wait on each other.  A hint only.  O(count).
void cnumerics_prefetch_rows_for_reading(const double *x, const int32_t *rows, long count, long d);

/// Prefetches the row (d doubles) of y at each of the `count` row indices into the second-level cache,
/// for a scatter (a read hint: see prefetch.c for why not a write hint).  A hint only.  O(count).
void cnumerics_prefetch_rows_for_writing(double *y, const int32_t *rows, long count, long d);

/* ---- shuffle (shuffle.c) ------------------------------------------------------ */

/// Shuffles a[0..<n] in place with exactly the draws and swaps of gsl_ran_shuffle(r, a, n, 4), so
/// the permutation is the same bit for bit; the draws run ahead and prefetch their targets.  O(n).
void cnumerics_shuffle_int32(const gsl_rng *r, int32_t *a, size_t n);

/* ---- sines and cosines together (sincos.c) ------------------------------------- */

/// bySine[i] *= sin(angles[i]) and byCosine[i] *= cos(angles[i]) for i < n, from one glibc sincos
/// call per angle (one argument reduction for both).  glibc's sincos returns sin and cos bit for
/// bit (the same reduction and kernels; tested against sin and cos), so the products are those of
/// the two separate calls.  O(n).
void cnumerics_multiply_by_sincos(const double *angles, long n, double *bySine, double *byCosine);

#endif
