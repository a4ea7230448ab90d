/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TPDF dither with error-feedback noise shaping. Per sample, in LSB units (v = x * 2^(bits-1)):
 *
 *   w    = v - sum_k h_k e[n - k]            (shaped feedback of past total errors)
 *   code = clamp (round (w + d))             (d = u1 + u2 - 1, u uniform in [0, 1))
 *   e[n] = code - w                          (rounding error plus dither)
 *
 * so the output noise is e filtered by 1 - sum h_k z^-k. The arithmetic is double so that
 * 24-bit codes (2^23) keep their fractional part exact.
 *
 * Speed: the error feedback is a serial chain from one sample to the next, so its latency sets
 * the pace. One and two channels (every use in Lacquer) run both channels' chains side by side
 * in one SSE2 register; the older errors are summed off the chain, and from the newest error
 * to the next one it is a multiply, a subtraction (w and w + d are both taken from
 * v - sum_{k>0} h_k e[n - k] - h_0 e[n - 1], side by side), the rounding (the 1.5 * 2^52
 * magic-number add and subtract: round half to even, like lrint; with SSE4.1, chosen at run
 * time, one roundpd, the same values) and the new error. The clamps
 * (codes to their range, the fed-back error to LQ_DITHER_ERR_MAX) and the silence timer can
 * only act in a block that holds a silent frame or a sample within LQ_DITHER_SAFE_LSB of full
 * scale; other blocks take a loop without them, which computes the same values, so the output
 * does not depend on how the stream is cut into calls. Per block, vector passes scale the
 * input to LSB (and find its range and silent frames) and draw the dither from a four-lane
 * xorshift32 (one vector per frame: two 23-bit uniforms for each of two channels,
 * d = (k1 + k2) / 2^23 - 1, exact in float); the loops are specialized for 0, 1 and 5 taps so
 * the error history lives in registers. More than two channels take a plain per-sample path
 * with one xorshift64* generator per channel.
 */
#include "lq-dither.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <smmintrin.h>
#define LQ_DITHER_HAVE_SSE41 1 /* a roundpd loop, used when the CPU has SSE4.1 */
#endif
#endif

#define LQ_DITHER_MAX_CHANNELS 8
#define LQ_DITHER_ERR_MAX 4.0 /* fed-back error bound (LSB): clipping can't make it run away */
#define LQ_DITHER_ROUND_MAGIC 6755399441055744.0 /* 1.5 * 2^52 */
#define LQ_DITHER_INLINE static inline __attribute__ ((always_inline))
#define LQ_DITHER_BLOCK 256 /* frames per pass of the 1- and 2-channel paths */
/* A block whose input stays this far (LSB) inside the code range cannot clamp: the feedback
 * adds at most sum |h| * LQ_DITHER_ERR_MAX (33.5 for Lipshitz), the dither and rounding 1.5. */
#define LQ_DITHER_SAFE_LSB 40.0f

typedef uint32_t lq_u4 __attribute__ ((vector_size (16)));
typedef int32_t lq_i4 __attribute__ ((vector_size (16)));
typedef float lq_f4 __attribute__ ((vector_size (16)));

#define LQ_F4_SEL(mask, a, b) ((lq_f4) (((lq_i4) (a) & (mask)) | ((lq_i4) (b) & ~(mask))))

/* a < b ? a : b and a > b ? a : b, four lanes: one instruction each with SSE. */
static inline lq_f4
f4_min (lq_f4 a, lq_f4 b)
{
#ifdef __SSE2__
  return (lq_f4) _mm_min_ps ((__m128) a, (__m128) b);
#else
  return LQ_F4_SEL (a < b, a, b);
#endif
}

static inline lq_f4
f4_max (lq_f4 a, lq_f4 b)
{
#ifdef __SSE2__
  return (lq_f4) _mm_max_ps ((__m128) a, (__m128) b);
#else
  return LQ_F4_SEL (a > b, a, b);
#endif
}

/* One channel's state, copied into locals for a block. */
typedef struct
{
  uint64_t rng;                 /* xorshift64* state, never 0 (more than two channels only) */
  double e[LQ_DITHER_MAX_TAPS]; /* past total errors, newest first */
} ChannelState;

struct _LqDither
{
  unsigned rate;       /* sample rate in Hz (for the silence timer) */
  unsigned channels;   /* 1..8 */
  unsigned bits;       /* target word length */
  LqDitherShape shape; /* noise-shaping filter in use */
  int mute;            /* nonzero: exact zeros on digital silence */
  uint64_t seed;       /* seed the generators restart from */
  double h[LQ_DITHER_MAX_TAPS]; /* error-feedback taps of `shape` */
  unsigned n_taps;              /* taps in use, 0 for flat TPDF */
  ChannelState chan[LQ_DITHER_MAX_CHANNELS]; /* per-channel generator and error history */
  uint32_t lanes[4];  /* four xorshift32 states, never 0 (one and two channels) */
  size_t zero_run;    /* consecutive all-zero input frames, saturated at mute_frames */
  int sse41;          /* the stereo float loop rounds with SSE4.1 (same output) */
  size_t mute_frames; /* silent frames before the output mutes */
  float v[LQ_DITHER_BLOCK * 2]; /* scratch: the block's input in LSB */
  float d[LQ_DITHER_BLOCK * 2]; /* scratch: the TPDF value of each channel per frame */
};

static uint64_t
splitmix64 (uint64_t x)
{
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

LQ_DITHER_INLINE uint64_t
xorshift64s (uint64_t *state)
{
  uint64_t x = *state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545f4914f6cdd1dull;
}

unsigned
lq_dither_shape_taps (LqDitherShape shape, double *h)
{
  static const double lipshitz[] = { 2.033, -2.165, 1.959, -1.590, 0.6149 };

  switch (shape)
    {
    case LQ_DITHER_SHAPE_FIRST_ORDER:
      h[0] = 1.0;
      return 1;
    case LQ_DITHER_SHAPE_LIPSHITZ:
      memcpy (h, lipshitz, sizeof lipshitz);
      return 5;
    case LQ_DITHER_SHAPE_NONE:
    case LQ_DITHER_N_SHAPES:
    default:
      return 0;
    }
}

LqDither *
lq_dither_new (unsigned rate, unsigned channels)
{
  LqDither *self;

  if (channels < 1 || channels > LQ_DITHER_MAX_CHANNELS || rate < 8000 || rate > 768000)
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->rate = rate;
  self->channels = channels;
  self->bits = LQ_DITHER_BITS_DEFAULT;
  self->shape = LQ_DITHER_SHAPE_NONE;
  self->mute = 1;
  self->mute_frames = (size_t) lround (LQ_DITHER_MUTE_MS * 0.001 * rate);
  self->seed = LQ_DITHER_SEED_DEFAULT;
#ifdef LQ_DITHER_HAVE_SSE41
  __builtin_cpu_init ();
  self->sse41 = __builtin_cpu_supports ("sse4.1") && getenv ("LQ_DITHER_NO_SSE41") == NULL;
#endif
  lq_dither_reset (self);
  return self;
}

void
lq_dither_free (LqDither *self)
{
  free (self);
}

void
lq_dither_set_bits (LqDither *self, unsigned bits)
{
  bits = bits < LQ_DITHER_BITS_MIN ? LQ_DITHER_BITS_MIN : bits;
  self->bits = bits > LQ_DITHER_BITS_MAX ? LQ_DITHER_BITS_MAX : bits;
}

unsigned
lq_dither_get_bits (const LqDither *self)
{
  return self->bits;
}

void
lq_dither_set_shape (LqDither *self, LqDitherShape shape)
{
  if ((unsigned) shape >= LQ_DITHER_N_SHAPES)
    shape = LQ_DITHER_SHAPE_NONE;
  if (shape == self->shape)
    return;
  self->shape = shape;
  self->n_taps = lq_dither_shape_taps (shape, self->h);
  /* The feedback history of another filter means nothing to this one; at most a few LSB of
   * noise change, no click. */
  for (unsigned c = 0; c < LQ_DITHER_MAX_CHANNELS; c++)
    memset (self->chan[c].e, 0, sizeof self->chan[c].e);
}

void
lq_dither_set_mute_silence (LqDither *self, int mute)
{
  self->mute = mute != 0;
}

void
lq_dither_set_seed (LqDither *self, uint64_t seed)
{
  self->seed = seed;
  for (unsigned c = 0; c < LQ_DITHER_MAX_CHANNELS; c++)
    {
      uint64_t x = splitmix64 (seed + 0x9e3779b97f4a7c15ull * c);

      self->chan[c].rng = x != 0 ? x : 1;
    }
  for (unsigned l = 0; l < 4; l++)
    {
      uint32_t x = (uint32_t) (splitmix64 (seed ^ (0xd1b54a32d192ed03ull * (l + 1))) >> 16);

      self->lanes[l] = x != 0 ? x : 0x2545f491u + l;
    }
}

void
lq_dither_reset (LqDither *self)
{
  for (unsigned c = 0; c < LQ_DITHER_MAX_CHANNELS; c++)
    memset (self->chan[c].e, 0, sizeof self->chan[c].e);
  self->n_taps = lq_dither_shape_taps (self->shape, self->h);
  self->zero_run = self->mute_frames; /* a stream that starts silent stays exactly silent */
  lq_dither_set_seed (self, self->seed);
}

typedef enum
{
  OUT_FLOAT,
  OUT_S16,
  OUT_S32,
} OutKind;

typedef struct
{
  double scale;     /* 2^(bits - 1) */
  double inv_scale; /* its inverse */
  double lo, hi;    /* code range */
  double in_lo, in_hi; /* input range kept (a little beyond full scale) */
  double e_lo, e_hi;   /* fed-back error range */
  double h[LQ_DITHER_MAX_TAPS]; /* feedback taps */
  float safe_lo, safe_hi;         /* input range (LSB) of blocks that cannot clamp */
} Params;

/* Written so that GCC emits minsd/maxsd (the bounds in registers, the compare in this order). */
LQ_DITHER_INLINE double
clamp (double v, double lo, double hi)
{
  v = v < lo ? lo : v;
  return hi < v ? hi : v;
}

LQ_DITHER_INLINE void
clear_errors (ChannelState *s)
{
  for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)
    s->e[k] = 0.0; /* not memset: that would keep the state out of registers */
}


/* Input sample in LSB units: non-finite counts as 0; clamped a little beyond full scale so the
 * rounding and the feedback stay in range whatever comes in. */
LQ_DITHER_INLINE double
to_lsb (float x, const Params *p)
{
  double v = isfinite (x) ? (double) x * p->scale : 0.0;

  return clamp (v, p->in_lo, p->in_hi);
}

/* One sample of one channel with `n_taps` (a constant where inlined) feedback taps and dither
 * d. Only the newest error is in the serial chain; the older ones are summed first. */
LQ_DITHER_INLINE double
step (ChannelState *s, double v, double d, const Params *p, unsigned n_taps)
{
  double w = v, code;

  for (unsigned k = n_taps; k-- > 1;)
    w -= p->h[k] * s->e[k];
  if (n_taps > 0)
    w -= p->h[0] * s->e[0];
  code = clamp ((w + d + LQ_DITHER_ROUND_MAGIC) - LQ_DITHER_ROUND_MAGIC, p->lo, p->hi);
  if (n_taps > 0)
    {
      for (unsigned k = n_taps; k-- > 1;)
        s->e[k] = s->e[k - 1];
      s->e[0] = clamp (code - w, p->e_lo, p->e_hi);
    }
  return code;
}

/* TPDF from one 64-bit draw: the sum of two uniform values in [0, 1), minus 1. */
LQ_DITHER_INLINE double
tpdf64 (uint64_t *rng)
{
  uint64_t r = xorshift64s (rng);

  return ((double) (uint32_t) r + (double) (r >> 32)) * (1.0 / 4294967296.0) - 1.0;
}

LQ_DITHER_INLINE void
put (void *out, size_t index, double code, const Params *p, OutKind kind)
{
  if (kind == OUT_FLOAT)
    ((float *) out)[index] = (float) (code * p->inv_scale);
  else if (kind == OUT_S16)
    ((int16_t *) out)[index] = (int16_t) code;
  else
    ((int32_t *) out)[index] = (int32_t) code;
}

/* The silence timer: returns nonzero when this frame is muted. */
LQ_DITHER_INLINE int
muted (size_t *zero_run, int silent, size_t mute_frames, size_t threshold)
{
  *zero_run = silent ? (*zero_run < mute_frames ? *zero_run + 1 : *zero_run) : 0;
  return *zero_run >= threshold;
}

/* The input of a block in LSB units, and its dither values (one per channel and frame). Both
 * loops are vector code. Returns nonzero when the block can take the unchecked loop: no silent frame
 * (so the silence timer restarts at the first frame and never mutes) and every sample at least
 * LQ_DITHER_SAFE_LSB inside the code range (so no clamp can act). */
static int
prepare_block (LqDither *self, const float *in, size_t frames, const Params *p)
{
  const float scale = (float) p->scale, in_lo = (float) p->in_lo, in_hi = (float) p->in_hi;
  const size_t n = frames * self->channels;
  const lq_f4 vscale = { scale, scale, scale, scale }, zero = { 0 };
  const lq_f4 vin_lo = zero + in_lo, vin_hi = zero + in_hi, fmax = zero + 3.4e38f;
  float *vv = self->v;
  lq_f4 lo = zero + p->safe_hi, hi = zero + p->safe_lo;
  lq_i4 silent = { 0 };
  size_t k = 0;
  lq_u4 st;

  /* Four samples (two stereo frames) at a time, then the rest one by one; min/max and the
   * silence test as lane masks (the compiler would not vectorize them as reductions). */
  for (; k + 4 <= n; k += 4)
    {
      lq_f4 x, v;
      lq_i4 z;

      memcpy (&x, in + k, sizeof x);
      /* Non-finite: +0 (the mask clears it); then the clamps (v is never NaN here). */
      v = (lq_f4) ((lq_i4) (x * vscale) & ((lq_f4) ((lq_i4) x & 0x7fffffff) <= fmax));
      v = f4_min (f4_max (v, vin_lo), vin_hi);
      memcpy (vv + k, &v, sizeof v);
      lo = f4_min (v, lo);
      hi = f4_max (v, hi);
      z = v == zero;
      if (self->channels == 2)
        z &= __builtin_shuffle (z, (lq_i4) { 1, 0, 3, 2 }); /* both samples of a frame */
      silent |= z;
    }
  for (; k < n; k++)
    {
      float x = in[k];
      float v = fabsf (x) <= 3.4e38f ? x * scale : 0.0f; /* NaN, Inf: silence */

      v = v < in_lo ? in_lo : v;
      v = in_hi < v ? in_hi : v;
      vv[k] = v;
      lo[0] = v < lo[0] ? v : lo[0];
      hi[0] = hi[0] < v ? v : hi[0];
    }
  /* A tail frame (stereo: n % 4 == 2 covers one whole frame; mono: each sample is one). */
  for (size_t i = (n & ~(size_t) 3) / self->channels; i < frames; i++)
    silent[0] |= self->channels == 2 ? vv[2 * i] == 0.0f && vv[2 * i + 1] == 0.0f
                                     : vv[i] == 0.0f;

  /* Per frame one draw of the four lanes: d = (k1 + k2) / 2^23 - 1 from the 23-bit values of
   * lanes 0 and 1 (first channel) and 2 and 3 (second), exact in float. */
  memcpy (&st, self->lanes, sizeof st);
  for (size_t i = 0; i < frames; i++)
    {
      lq_i4 r;
      lq_f4 d;

      st ^= st << 13;
      st ^= st >> 17;
      st ^= st << 5;
      r = (lq_i4) (st >> 9); /* 23 random bits */
      r += __builtin_shuffle (r, (lq_i4) { 1, 0, 3, 2 });
      d = __builtin_convertvector (r, lq_f4) * 0x1p-23f - 1.0f;
      d = __builtin_shuffle (d, (lq_i4) { 0, 2, 1, 3 });
      memcpy (self->d + 2 * i, &d, 2 * sizeof (float));
    }
  memcpy (self->lanes, &st, sizeof st);
  for (int l = 1; l < 4; l++)
    {
      silent[0] |= silent[l];
      lo[0] = lo[l] < lo[0] ? lo[l] : lo[0];
      hi[0] = hi[0] < hi[l] ? hi[l] : hi[0];
    }
  return !silent[0] && lo[0] >= p->safe_lo && hi[0] <= p->safe_hi;
}

/* One sample of one channel with `n_taps` (a constant where inlined) feedback taps: x the
 * input in LSB, d the dither. Returns the code. The older errors are summed off the chain;
 * from the newest error to the next it is a multiply, a subtraction, the rounding (two
 * additions) and the new error: w (for the error) and w + d (for the rounding) are both taken
 * from a - h0 e0, side by side. `checked` (a constant too) applies the clamps; the unchecked
 * loop only runs where they cannot act, so both give the same values. The stereo loop does
 * the same operations on both channels in one SSE2 register. */
LQ_DITHER_INLINE double
step1 (double *e, double x, double d, const Params *p, unsigned n_taps, int checked)
{
  double rest = 0.0, a, t, w, wd, code;

  for (unsigned k = n_taps; k-- > 1;)
    rest += p->h[k] * e[k];
  a = x - rest;
  t = n_taps > 0 ? p->h[0] * e[0] : 0.0;
  w = a - t;
  wd = (a + d) - t;
  code = (wd + LQ_DITHER_ROUND_MAGIC) - LQ_DITHER_ROUND_MAGIC; /* half to even, like lrint */
  if (checked)
    code = clamp (code, p->lo, p->hi);
  if (n_taps > 0)
    {
      double err = code - w;

      if (checked)
        err = clamp (err, p->e_lo, p->e_hi);
      for (unsigned k = n_taps; k-- > 1;)
        e[k] = e[k - 1];
      e[0] = err;
    }
  return code;
}

#ifdef __SSE2__
/* The stereo block loop, both channels in one SSE2 register; `kind`, `n_taps` and `checked`
 * are constants at each call, so the compiler makes a specialized loop for each. Written once
 * as a macro for two ways of rounding to an integer (half to even): ROUND_MAGIC, the
 * 1.5 * 2^52 add and subtract (SSE2), and ROUND_SSE41, roundpd (SSE4.1, chosen at run time:
 * one operation instead of two on the error feedback's chain). They give the same values, but
 * roundpd keeps the sign of a code rounded to zero from below (-0): the output adds +0, which
 * makes it +0 as the magic numbers do (the fed-back error is the same number either way). */
#define ROUND_MAGIC(x) _mm_sub_pd (_mm_add_pd ((x), magic), magic)
#define ROUND_SSE41(x) _mm_round_pd ((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define LQ_DITHER_DEFINE_RUN_STEREO(NAME, ATTRIBUTES, ROUND)                                      \
  ATTRIBUTES static inline void                                                                   \
  NAME (LqDither *self, void *out, size_t base, OutKind kind, unsigned n_taps, int checked,       \
        const Params *p, size_t todo, double *e0, double *e1, size_t *zero_run_io)                \
  {                                                                                               \
    const float *v = self->v, *dd = self->d;                                                      \
    const size_t threshold = self->mute ? self->mute_frames : (size_t) -1;                        \
    const size_t mute_frames = self->mute_frames;                                                 \
    const __m128d zero = _mm_setzero_pd ();                                                       \
    const __m128d lo = _mm_set1_pd (p->lo), hi = _mm_set1_pd (p->hi);                             \
    const __m128d e_lo = _mm_set1_pd (p->e_lo), e_hi = _mm_set1_pd (p->e_hi);                     \
    const __m128d magic = _mm_set1_pd (LQ_DITHER_ROUND_MAGIC);                                    \
    const __m128d inv_scale = _mm_set1_pd (p->inv_scale);                                         \
    size_t zero_run = *zero_run_io;                                                               \
    __m128d e[LQ_DITHER_MAX_TAPS], hk[LQ_DITHER_MAX_TAPS];                                        \
                                                                                                  \
    (void) magic;                                                                                 \
    for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)                                             \
      {                                                                                           \
        e[k] = _mm_set_pd (e1[k], e0[k]);                                                         \
        hk[k] = _mm_set1_pd (p->h[k]);                                                            \
      }                                                                                           \
    for (size_t i = 0; i < todo; i++)                                                             \
      {                                                                                           \
        __m128d code = zero;                                                                      \
                                                                                                  \
        if (checked                                                                               \
            && muted (&zero_run, v[2 * i] == 0.0f && v[2 * i + 1] == 0.0f, mute_frames,           \
                      threshold))                                                                 \
          {                                                                                       \
            for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)                                     \
              e[k] = zero;                                                                        \
          }                                                                                       \
        else                                                                                      \
          {                                                                                       \
            __m128d x = _mm_cvtps_pd (                                                            \
              _mm_castsi128_ps (_mm_loadl_epi64 ((const __m128i *) (v + 2 * i))));                \
            __m128d d = _mm_cvtps_pd (                                                            \
              _mm_castsi128_ps (_mm_loadl_epi64 ((const __m128i *) (dd + 2 * i))));               \
            __m128d rest = zero, a, t, w, wd;                                                     \
                                                                                                  \
            for (unsigned k = n_taps; k-- > 1;)                                                   \
              rest = _mm_add_pd (rest, _mm_mul_pd (hk[k], e[k]));                                 \
            a = _mm_sub_pd (x, rest);                                                             \
            t = n_taps > 0 ? _mm_mul_pd (hk[0], e[0]) : zero;                                     \
            w = _mm_sub_pd (a, t);                                                                \
            wd = _mm_sub_pd (_mm_add_pd (a, d), t);                                               \
            code = ROUND (wd);                                                                    \
            if (checked)                                                                          \
              code = _mm_min_pd (_mm_max_pd (code, lo), hi);                                      \
            if (n_taps > 0)                                                                       \
              {                                                                                   \
                __m128d err = _mm_sub_pd (code, w);                                               \
                                                                                                  \
                if (checked)                                                                      \
                  err = _mm_min_pd (_mm_max_pd (err, e_lo), e_hi);                                \
                for (unsigned k = n_taps; k-- > 1;)                                               \
                  e[k] = e[k - 1];                                                                \
                e[0] = err;                                                                       \
              }                                                                                   \
            code = _mm_add_pd (code, zero); /* -0 to +0 */                                        \
          }                                                                                       \
        if (kind == OUT_FLOAT)                                                                    \
          _mm_storel_pi ((__m64 *) ((float *) out + (base + i) * 2),                              \
                         _mm_cvtpd_ps (_mm_mul_pd (code, inv_scale)));                            \
        else                                                                                      \
          {                                                                                       \
            double codes[2];                                                                      \
                                                                                                  \
            _mm_storeu_pd (codes, code);                                                          \
            put (out, (base + i) * 2, codes[0], p, kind);                                         \
            put (out, (base + i) * 2 + 1, codes[1], p, kind);                                     \
          }                                                                                       \
      }                                                                                           \
    for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)                                             \
      {                                                                                           \
        _mm_storel_pd (&e0[k], e[k]);                                                             \
        _mm_storeh_pd (&e1[k], e[k]);                                                             \
      }                                                                                           \
    /* Unchecked: no frame was silent, so the timer restarted and stays at 0. */                  \
    *zero_run_io = checked ? zero_run : 0;                                                        \
  }

LQ_DITHER_DEFINE_RUN_STEREO (run_stereo, __attribute__ ((always_inline)), ROUND_MAGIC)
#ifdef LQ_DITHER_HAVE_SSE41
LQ_DITHER_DEFINE_RUN_STEREO (run_stereo_sse41, __attribute__ ((always_inline, target ("sse4.1"))),
                             ROUND_SSE41)
#endif
#endif

/* The block loop, for 1 or 2 channels; `kind`, `n_taps` and `checked` are constants at each
 * call, so the compiler makes a specialized loop for each. */
LQ_DITHER_INLINE void
run_block (LqDither *self, void *out, size_t base, OutKind kind, unsigned n_taps, int checked,
           const Params *p, size_t todo, double *e0, double *e1, size_t *zero_run_io)
{
  const float *v = self->v, *dd = self->d;
  const size_t threshold = self->mute ? self->mute_frames : (size_t) -1;
  const size_t mute_frames = self->mute_frames;
  size_t zero_run = *zero_run_io;

  if (self->channels == 2)
    {
#ifdef __SSE2__
      run_stereo (self, out, base, kind, n_taps, checked, p, todo, e0, e1, zero_run_io);
      return;
#else
      for (size_t i = 0; i < todo; i++)
        {
          double c0 = 0.0, c1 = 0.0;

          if (checked
              && muted (&zero_run, v[2 * i] == 0.0f && v[2 * i + 1] == 0.0f, mute_frames,
                        threshold))
            {
              for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)
                e0[k] = e1[k] = 0.0;
            }
          else
            {
              c0 = step1 (e0, v[2 * i], dd[2 * i], p, n_taps, checked);
              c1 = step1 (e1, v[2 * i + 1], dd[2 * i + 1], p, n_taps, checked);
            }
          put (out, (base + i) * 2, c0, p, kind);
          put (out, (base + i) * 2 + 1, c1, p, kind);
        }
#endif
    }
  else
    {
      double s[LQ_DITHER_MAX_TAPS];

      memcpy (s, e0, sizeof s);
      for (size_t i = 0; i < todo; i++)
        {
          double c0 = 0.0;

          if (checked && muted (&zero_run, v[i] == 0.0f, mute_frames, threshold))
            {
              for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)
                s[k] = 0.0;
            }
          else
            c0 = step1 (s, v[i], dd[2 * i], p, n_taps, checked);
          put (out, base + i, c0, p, kind);
        }
      memcpy (e0, s, sizeof s);
    }
  /* Unchecked: no frame was silent, so the timer restarted and stays at 0. */
  *zero_run_io = checked ? zero_run : 0;
}

/* One and two channels. */
LQ_DITHER_INLINE void
process_fixed (LqDither *self, const float *in, void *out, OutKind kind, unsigned n_taps,
               const Params *p, size_t frames)
{
  const unsigned ch = self->channels;
  size_t zero_run = self->zero_run;

  for (size_t done = 0; done < frames;)
    {
      size_t todo = frames - done < LQ_DITHER_BLOCK ? frames - done : LQ_DITHER_BLOCK;

      if (prepare_block (self, in + done * ch, todo, p))
        run_block (self, out, done, kind, n_taps, 0, p, todo, self->chan[0].e, self->chan[1].e,
                   &zero_run);
      else
        run_block (self, out, done, kind, n_taps, 1, p, todo, self->chan[0].e, self->chan[1].e,
                   &zero_run);
      done += todo;
    }
  self->zero_run = zero_run;
}

#ifdef LQ_DITHER_HAVE_SSE41
/* Stereo float output (what lqdither runs) with roundpd: process_fixed() for each tap count. */
__attribute__ ((always_inline, target ("sse4.1"))) static inline void
stereo_sse41 (LqDither *self, const float *in, float *out, unsigned n_taps, const Params *p,
              size_t frames)
{
  size_t zero_run = self->zero_run;

  for (size_t done = 0; done < frames;)
    {
      size_t todo = frames - done < LQ_DITHER_BLOCK ? frames - done : LQ_DITHER_BLOCK;

      if (prepare_block (self, in + done * 2, todo, p))
        run_stereo_sse41 (self, out, done, OUT_FLOAT, n_taps, 0, p, todo, self->chan[0].e,
                          self->chan[1].e, &zero_run);
      else
        run_stereo_sse41 (self, out, done, OUT_FLOAT, n_taps, 1, p, todo, self->chan[0].e,
                          self->chan[1].e, &zero_run);
      done += todo;
    }
  self->zero_run = zero_run;
}

__attribute__ ((target ("sse4.1"))) static void
process_stereo_sse41 (LqDither *self, const float *in, float *out, const Params *p,
                      size_t frames)
{
  if (self->n_taps == 0)
    stereo_sse41 (self, in, out, 0, p, frames);
  else if (self->n_taps == 1)
    stereo_sse41 (self, in, out, 1, p, frames);
  else
    stereo_sse41 (self, in, out, LQ_DITHER_MAX_TAPS, p, frames);
}
#endif

static void
process_generic (LqDither *self, const float *in, void *out, OutKind kind, const Params *p,
                 size_t frames)
{
  const unsigned ch = self->channels;
  const size_t threshold = self->mute ? self->mute_frames : (size_t) -1;

  for (size_t i = 0; i < frames; i++)
    {
      int silent = 1;

      for (unsigned c = 0; c < ch; c++)
        silent &= to_lsb (in[i * ch + c], p) == 0.0;
      if (muted (&self->zero_run, silent, self->mute_frames, threshold))
        {
          for (unsigned c = 0; c < ch; c++)
            {
              clear_errors (&self->chan[c]);
              put (out, i * ch + c, 0.0, p, kind);
            }
          continue;
        }
      for (unsigned c = 0; c < ch; c++)
        {
          double v = to_lsb (in[i * ch + c], p);
          double d = tpdf64 (&self->chan[c].rng);

          put (out, i * ch + c, step (&self->chan[c], v, d, p, self->n_taps), p, kind);
        }
    }
}

LQ_DITHER_INLINE void
process_codes (LqDither *self, const float *in, void *out, OutKind kind, size_t frames)
{
  Params p;

  p.scale = ldexp (1.0, (int) self->bits - 1);
  p.inv_scale = 1.0 / p.scale;
  p.lo = -p.scale;
  p.hi = p.scale - 1.0;
  p.in_lo = p.lo - 64.0;
  p.in_hi = p.hi + 64.0;
  p.e_lo = -LQ_DITHER_ERR_MAX;
  p.e_hi = LQ_DITHER_ERR_MAX;
  memcpy (p.h, self->h, sizeof p.h);
  p.safe_lo = (float) p.lo + LQ_DITHER_SAFE_LSB;
  p.safe_hi = (float) p.hi - LQ_DITHER_SAFE_LSB;

  if (self->channels > 2)
    process_generic (self, in, out, kind, &p, frames);
#ifdef LQ_DITHER_HAVE_SSE41
  else if (self->sse41 && self->channels == 2 && kind == OUT_FLOAT)
    process_stereo_sse41 (self, in, out, &p, frames);
#endif
  else if (self->n_taps == 0)
    process_fixed (self, in, out, kind, 0, &p, frames);
  else if (self->n_taps == 1)
    process_fixed (self, in, out, kind, 1, &p, frames);
  else
    process_fixed (self, in, out, kind, LQ_DITHER_MAX_TAPS, &p, frames);
}

void
lq_dither_process (LqDither *self, float *interleaved, size_t frames)
{
  process_codes (self, interleaved, interleaved, OUT_FLOAT, frames);
}

void
lq_dither_process_s16 (LqDither *self, const float *in, int16_t *out, size_t frames)
{
  if (self->bits > 16)
    return;
  process_codes (self, in, out, OUT_S16, frames);
}

void
lq_dither_process_s32 (LqDither *self, const float *in, int32_t *out, size_t frames)
{
  process_codes (self, in, out, OUT_S32, frames);
}
