/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqCrossover: a Linkwitz-Riley 4th-order (24 dB/oct) crossover giving 2, 3 or 4 bands, for
 * the multiband compressor (the imager builds its own network of the same sections).
 *
 * Each split at frequency f is LP4 = B_lp^2 and HP4 = B_hp^2, B a 2nd-order Butterworth
 * section (Q = 1/sqrt 2) made digital with the bilinear transform (prewarped at f). Then
 * LP4 + HP4 = AP(f), a 2nd-order allpass. The splits form a tree from the lowest frequency up,
 * and every band below a split gets that split's allpass, so each band carries the same phase
 * and the bands sum to the allpass AP(f1) AP(f2) AP(f3): a flat magnitude (the sum's error is
 * float rounding, under 1e-4 dB at 44.1 to 96 kHz; tests/dsp/test-crossover.c measures it).
 *
 * Closed form of each band's magnitude at frequency f, with W(f) = tan (pi f / rate):
 *   |LP4| = 1 / (1 + (W(f) / W(fc))^4),  |HP4| = 1 / (1 + (W(fc) / W(f))^4),
 * and |AP| = 1; band b is the path to it through the tree: the HP4 of every split below it
 * times the LP4 of the split above it (none for the top band), times allpasses.
 *
 * The sections are Simper's trapezoidal state-variable filters (the "SVF" below): the same
 * response as a biquad but with low coefficient sensitivity in float at low frequencies and
 * high rates, and safe to retune while running. The stereo network runs four lanes at once
 * (GCC/Clang vector extensions: SSE/NEON where available, plain C elsewhere): 2, 3 and 4 bands
 * cost 2, 4 and 7 four-lane sections per frame, mono or stereo; with AVX (chosen at run time
 * on x86-64, the same numbers bit for bit) 1, 2 and 3.5 eight-lane ones. The sections in
 * series run as a pipeline, each on a different frame, so none waits for the one before.
 *
 * Frequencies are smoothed (in octaves, 99.9 % in LQ_CROSSOVER_SMOOTH_MS), so moving a
 * crossover while playing makes no click. They should ascend (f1 < f2 < f3); any order still
 * sums flat. Changing the number of bands resets the state (a topology change: callers fade).
 *
 * No allocation, locking or logging in the process call; denormals are flushed while it runs.
 * Non-finite input samples are treated as silence; state that turns non-finite is reset.
 */
#pragma once

#include <stddef.h>

#include "lq-dsp-util.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LQ_CROSSOVER_MAX_BANDS 4
#define LQ_CROSSOVER_MIN_HZ 10.0
/* Upper limit of a crossover frequency, as a fraction of the sample rate. */
#define LQ_CROSSOVER_MAX_FRACTION 0.45
#define LQ_CROSSOVER_SMOOTH_MS 30.0
/* Frames between two coefficient updates while a frequency glides. */
#define LQ_CROSSOVER_GLIDE_FRAMES 32

/* ---- building blocks shared by the dynamics kernels ---- */

/* Four float lanes, processed together. */
typedef float LqV4 __attribute__ ((vector_size (16)));

/* One trapezoidal state-variable filter section (Andrew Simper, "Linear trapezoidal
 * integrated state variable filter", 2013): g = tan (pi f / rate), k = 1 / Q,
 * a1 = 1 / (1 + g (g + k)), a2 = g a1, and per sample
 *   v1 = a1 ic1 + a2 (v0 - ic2)   (band-pass)     ic1' = 2 v1 - ic1
 *   v2 = ic2 + g v1               (low-pass)      ic2' = 2 v2 - ic2
 *   high-pass = v0 - k v1 - v2,   allpass = v0 - 2 k v1.
 * The same equations are evaluated here in expanded form: every output is a direct linear
 * combination of the old state and the input, and each integrator adds to itself a linear
 * combination of them, with coefficients computed in double and rounded once. That keeps the
 * response (same states, same transfer functions) but makes each section one multiply and
 * one add deep from its input and its feedback two operations deep, so a chain of sections
 * pipelines instead of waiting on itself; and each lane can take its own response (low-pass
 * in two lanes, high-pass in the others...), which saves shuffles. */
typedef struct
{
  /* The state update, written so that each integrator adds a small increment to itself (its
   * coefficients are small numbers, exact to float precision however low f / rate is):
   *   e = v0 - ic2,  ic1' = (ic1 - p1 ic1) + b1 e,  ic2' = (ic2 + s21 ic1) + b2 e */
  float p1;  /* 2 - 2 a1 */
  float b1;  /* 2 a2 */
  float s21; /* 2 g a1 */
  float b2;  /* 2 g a2 */
  double a1; /* 1 / (1 + g (g + k)), for building outputs */
  double a2; /* g a1 */
  double g;  /* tan (pi f / rate) */
  double k;  /* 1 / Q */
} LqSvfCoeffs;

/* The responses a lane can take. */
typedef enum
{
  LQ_SVF_LP, /* low-pass, v2 */
  LQ_SVF_BP, /* band-pass, v1 */
  LQ_SVF_HP, /* high-pass, v0 - k v1 - v2 */
  LQ_SVF_AP, /* allpass, v0 - 2 k v1 */
} LqSvfResponse;

/* Per-lane output coefficients: y = d v0 + c1 ic1 + c2 ic2. */
typedef struct
{
  LqV4 d;  /* input weight */
  LqV4 c1; /* ic1 weight */
  LqV4 c2; /* ic2 weight */
} LqSvfOut;

/* State of up to four lanes of one SVF section. */
typedef struct
{
  LqV4 ic1; /* first integrator's state */
  LqV4 ic2; /* second integrator's state */
} LqSvf4;

/* Computes coefficients for frequency `hz` (clamped to (0, 0.49 rate)) and damping k. */
void lq_svf_coeffs (LqSvfCoeffs *c, double hz, double rate, double k);
/* Output coefficients giving response r[lane] in each lane. */
void lq_svf_out (LqSvfOut *o, const LqSvfCoeffs *c, const LqSvfResponse r[4]);

/* The output of the current sample (before lq_svf4_update). */
static inline LqV4
lq_svf4_out (const LqSvf4 *s, const LqSvfOut *o, LqV4 v0)
{
  return o->d * v0 + (o->c1 * s->ic1 + o->c2 * s->ic2);
}

/* Advances the state by one sample of input v0: ic1' = 2 v1 - ic1, ic2' = 2 v2 - ic2. */
static inline void
lq_svf4_update (LqSvf4 *s, const LqSvfCoeffs *c, LqV4 v0)
{
  LqV4 e = v0 - s->ic2;
  LqV4 ic1 = (s->ic1 - c->p1 * s->ic1) + c->b1 * e;
  LqV4 ic2 = (s->ic2 + c->s21 * s->ic1) + c->b2 * e;

  s->ic1 = ic1;
  s->ic2 = ic2;
}

/* One sample: the output with coefficients o, then the state update. */
static inline LqV4
lq_svf4_tick (LqSvf4 *s, const LqSvfCoeffs *c, const LqSvfOut *o, LqV4 v0)
{
  LqV4 y = lq_svf4_out (s, o, v0);

  lq_svf4_update (s, c, v0);
  return y;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* AVX building blocks. Kernels that have them build an AVX version of their hot loop (with
 * target ("avx"), no FMA, so that it computes the same numbers as the SSE2 one, bit for bit)
 * and choose it at run time with lq_have_avx (). */
#include <immintrin.h>

#define LQ_HAVE_AVX_PATH 1
#define LQ_AVX_INLINE static inline __attribute__ ((always_inline, target ("avx")))

/* Eight float lanes: two LqV4 side by side. */
typedef float LqV8 __attribute__ ((vector_size (32)));
typedef int LqV8i __attribute__ ((vector_size (32)));

static inline int
lq_have_avx (void)
{
  return __builtin_cpu_supports ("avx");
}

LQ_AVX_INLINE LqV8
lq_v8_join (LqV4 lo, LqV4 hi)
{
  return (LqV8) _mm256_insertf128_ps (_mm256_castps128_ps256 ((__m128) lo), (__m128) hi, 1);
}

LQ_AVX_INLINE LqV4
lq_v8_lo (LqV8 v)
{
  return (LqV4) _mm256_castps256_ps128 ((__m256) v);
}

LQ_AVX_INLINE LqV4
lq_v8_hi (LqV8 v)
{
  return (LqV4) _mm256_extractf128_ps ((__m256) v, 1);
}
#endif

/* lq_denormals_off () / lq_denormals_restore () for kernels that call each other (LqMultiband
 * runs an LqCrossover and LqCompressors): the control register is written only when flush-to-
 * zero is not on yet, and put back only if it was written (writing it costs far more than
 * reading it). The same effect. */
static inline unsigned
lq_v4_denormals_off (void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  unsigned state = _mm_getcsr ();

  if ((state & 0x8040) != 0x8040) /* FTZ (bit 15) | DAZ (bit 6) */
    _mm_setcsr (state | 0x8040);
  return state;
#else
  return lq_denormals_off ();
#endif
}

static inline void
lq_v4_denormals_restore (unsigned state)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if ((state & 0x8040) != 0x8040)
    _mm_setcsr (state);
#else
  lq_denormals_restore (state);
#endif
}

/* Whether any of the n floats is NaN or infinite, like lq_has_nonfinite () but cheaper: x - x
 * is +0 for every finite x (denormals too) and NaN for the others, so the bits of x - x OR-ed
 * over the buffer are 0 exactly when all are finite (two vector operations per four floats). */
static inline int
lq_v4_has_nonfinite (const float *x, size_t n)
{
  typedef int LqV4Bits __attribute__ ((vector_size (16)));
  LqV4Bits acc0 = { 0, 0, 0, 0 }, acc1 = { 0, 0, 0, 0 };
  size_t i = 0;
  int bad = 0;

  for (; i + 8 <= n; i += 8)
    {
      LqV4 a, b;

      __builtin_memcpy (&a, x + i, sizeof a);
      __builtin_memcpy (&b, x + i + 4, sizeof b);
      acc0 |= (LqV4Bits) (a - a);
      acc1 |= (LqV4Bits) (b - b);
    }
  acc0 |= acc1;
  for (; i < n; i++)
    {
      float d = x[i] - x[i];
      int bits;

      __builtin_memcpy (&bits, &d, sizeof bits);
      bad |= bits;
    }
  return (bad | acc0[0] | acc0[1] | acc0[2] | acc0[3]) != 0;
}


/* One crossover frequency: asked for, gliding towards it in octaves (99.9 % in
 * LQ_CROSSOVER_SMOOTH_MS, one step per LQ_CROSSOVER_GLIDE_FRAMES frames), and the Butterworth
 * SVF section (k = sqrt 2) at the frequency in use. LqCrossover is built of these; a kernel
 * with a network of its own (LqImager) uses them to glide exactly like it. */
typedef struct
{
  double hz;          /* the frequency asked for, clamped to [LQ_CROSSOVER_MIN_HZ,
                         LQ_CROSSOVER_MAX_FRACTION rate] */
  double target;      /* log2 (hz) */
  double current;     /* log2 of the frequency in use (glides towards target) */
  LqSvfCoeffs coeffs; /* SVF state update at `current` */
} LqCrossoverPoint;

/* At `hz` (clamped), settled. */
void lq_crossover_point_init (LqCrossoverPoint *p, double hz, double rate);
/* A new frequency to glide to (clamped); NaN is ignored. */
void lq_crossover_point_set (LqCrossoverPoint *p, double hz, double rate);
/* Jumps to the frequency asked for. */
void lq_crossover_point_snap (LqCrossoverPoint *p, double rate);
/* The approach factor of one glide step at `rate`. */
double lq_crossover_glide_factor (double rate);
/* One glide step (call it before each LQ_CROSSOVER_GLIDE_FRAMES frames while the point is not
 * settled, current != target). Returns 1 if the coefficients changed. */
int lq_crossover_point_glide (LqCrossoverPoint *p, double rate, double factor);


/* ---- the crossover ---- */

typedef struct _LqCrossover LqCrossover;

/* A crossover for `channels` (1 or 2) interleaved channels at `rate` Hz (8000..384000) with
 * `n_bands` (2..4) bands and default frequencies 120 Hz, 1 kHz, 6 kHz (those that apply);
 * NULL on bad arguments or out of memory. */
LqCrossover *lq_crossover_new (unsigned channels, double rate, unsigned n_bands);
void lq_crossover_free (LqCrossover *self);

/* Changes the number of bands (2..4); resets the state when it changes. Returns 0 on a bad
 * value (nothing changes), 1 otherwise. */
int lq_crossover_set_n_bands (LqCrossover *self, unsigned n_bands);
unsigned lq_crossover_get_n_bands (const LqCrossover *self);

/* Crossover `index` (0..2: between band index and index + 1) in Hz, clamped to
 * [LQ_CROSSOVER_MIN_HZ, LQ_CROSSOVER_MAX_FRACTION rate]; smoothed. NaN is ignored. */
void lq_crossover_set_frequency (LqCrossover *self, unsigned index, double hz);
/* The frequency asked for (not the smoothed value). */
double lq_crossover_get_frequency (const LqCrossover *self, unsigned index);

/* Jumps the frequencies to their targets (no smoothing); for a fresh start. */
void lq_crossover_snap (LqCrossover *self);

/* Splits `frames` interleaved frames of `in` into n_bands buffers `bands[b]` (each interleaved
 * like `in`, `frames` frames). `in` may be one of the band buffers. */
void lq_crossover_process (LqCrossover *self, const float *in, float *const *bands,
                           size_t frames);

/* Clears the filter state (keeps the settings). */
void lq_crossover_reset (LqCrossover *self);

#ifdef __cplusplus
}
#endif
