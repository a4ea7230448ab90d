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
 * Speed: per block, a vector pass scales the input to LSB and another draws the dither from a
 * four-lane xorshift32 (one vector per frame: two uniforms for each of two channels), so only
 * the error feedback is left in the serial loop; the stereo loop runs both channels' feedback
 * chains side by side; the loops are specialized for 0, 1 and 5 taps so the error history
 * lives in registers; rounding is the 1.5 * 2^52 magic-number add (round half to even, like
 * lrint) and the clamps are min/max, so nothing branches but the silence test. More than two
 * channels take a plain per-sample path with one xorshift64* generator per channel.
 */
#include "lq-dither.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LQ_DITHER_MAX_CHANNELS 8
#define LQ_DITHER_ERR_MAX 4.0 /* fed-back error bound (LSB): clipping can't make it run away */
#define LQ_DITHER_ROUND_MAGIC 6755399441055744.0 /* 1.5 * 2^52 */
#define LQ_DITHER_INLINE static inline __attribute__ ((always_inline))
#define LQ_DITHER_BLOCK 256 /* frames per pass of the 1- and 2-channel paths */

typedef uint32_t lq_u4 __attribute__ ((vector_size (16)));
typedef float lq_f4 __attribute__ ((vector_size (16)));

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
  size_t mute_frames; /* silent frames before the output mutes */
  float v[LQ_DITHER_BLOCK * 2]; /* scratch: the block's input in LSB */
  float u[LQ_DITHER_BLOCK * 4]; /* scratch: four uniform values in [0, 1) per frame */
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

/* The input of a block in LSB units, and its dither's uniform values. Both loops vectorize. */
static void
prepare_block (LqDither *self, const float *in, size_t frames, const Params *p)
{
  const float scale = (float) p->scale, in_lo = (float) p->in_lo, in_hi = (float) p->in_hi;
  lq_u4 st;

  for (size_t k = 0; k < frames * self->channels; k++)
    {
      float x = in[k];
      float v = fabsf (x) <= 3.4e38f ? x * scale : 0.0f; /* NaN, Inf: silence */

      v = v < in_lo ? in_lo : v;
      self->v[k] = in_hi < v ? in_hi : v;
    }

  memcpy (&st, self->lanes, sizeof st);
  for (size_t i = 0; i < frames; i++)
    {
      lq_f4 f;

      st ^= st << 13;
      st ^= st >> 17;
      st ^= st << 5;
      f = (lq_f4) ((st >> 9) | 0x3f800000u) - 1.0f; /* 23 random mantissa bits */
      memcpy (self->u + 4 * i, &f, sizeof f);
    }
  memcpy (self->lanes, &st, sizeof st);
}

/* The block loop, for 1 or 2 channels; `kind` and `n_taps` are constants at each call, so the
 * compiler makes a specialized loop for each. */
LQ_DITHER_INLINE void
process_fixed (LqDither *self, const float *in, void *out, OutKind kind, unsigned n_taps,
               const Params *p, size_t frames)
{
  const unsigned ch = self->channels;
  const size_t threshold = self->mute ? self->mute_frames : (size_t) -1;
  const size_t mute_frames = self->mute_frames;
  ChannelState s0 = self->chan[0], s1 = self->chan[1];
  size_t zero_run = self->zero_run;

  for (size_t done = 0; done < frames;)
    {
      size_t todo = frames - done < LQ_DITHER_BLOCK ? frames - done : LQ_DITHER_BLOCK;
      const float *v = self->v, *u = self->u;

      prepare_block (self, in + done * ch, todo, p);
#ifdef __SSE2__
      if (ch == 2)
        {
          /* Both channels in one register of two doubles: the same arithmetic as step(). */
          const __m128d lo = _mm_set1_pd (p->lo), hi = _mm_set1_pd (p->hi);
          const __m128d e_lo = _mm_set1_pd (p->e_lo), e_hi = _mm_set1_pd (p->e_hi);
          const __m128d magic = _mm_set1_pd (LQ_DITHER_ROUND_MAGIC);
          __m128d e[LQ_DITHER_MAX_TAPS], hk[LQ_DITHER_MAX_TAPS];

          for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)
            {
              e[k] = _mm_set_pd (s1.e[k], s0.e[k]);
              hk[k] = _mm_set1_pd (p->h[k]);
            }
          for (size_t i = 0; i < todo; i++)
            {
              double codes[2];

              int silent = v[2 * i] == 0.0f && v[2 * i + 1] == 0.0f;

              if (muted (&zero_run, silent, mute_frames, threshold))
                {
                  for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)
                    e[k] = _mm_setzero_pd ();
                  codes[0] = codes[1] = 0.0;
                }
              else
                {
                  __m128 vv = _mm_castsi128_ps (_mm_loadl_epi64 ((const __m128i *) (v + 2 * i)));
                  __m128d w = _mm_cvtps_pd (vv);
                  __m128 uu = _mm_loadu_ps (u + 4 * i);
                  /* (u0 + u1, u2 + u3) - 1 */
                  __m128 pair = _mm_add_ps (uu, _mm_shuffle_ps (uu, uu, _MM_SHUFFLE (2, 3, 0, 1)));
                  __m128 sums = _mm_shuffle_ps (pair, pair, _MM_SHUFFLE (2, 0, 2, 0));
                  __m128d d = _mm_cvtps_pd (_mm_sub_ps (sums, _mm_set1_ps (1.0f)));
                  __m128d code;

                  for (unsigned k = n_taps; k-- > 1;)
                    w = _mm_sub_pd (w, _mm_mul_pd (hk[k], e[k]));
                  if (n_taps > 0)
                    w = _mm_sub_pd (w, _mm_mul_pd (hk[0], e[0]));
                  code = _mm_sub_pd (_mm_add_pd (_mm_add_pd (w, d), magic), magic);
                  code = _mm_min_pd (_mm_max_pd (code, lo), hi);
                  if (n_taps > 0)
                    {
                      for (unsigned k = n_taps; k-- > 1;)
                        e[k] = e[k - 1];
                      e[0] = _mm_min_pd (_mm_max_pd (_mm_sub_pd (code, w), e_lo), e_hi);
                    }
                  _mm_storeu_pd (codes, code);
                }
              put (out, (done + i) * 2, codes[0], p, kind);
              put (out, (done + i) * 2 + 1, codes[1], p, kind);
            }
          for (unsigned k = 0; k < LQ_DITHER_MAX_TAPS; k++)
            {
              _mm_storel_pd (&s0.e[k], e[k]);
              _mm_storeh_pd (&s1.e[k], e[k]);
            }
        }
#else
      if (ch == 2)
        {
          for (size_t i = 0; i < todo; i++)
            {
              double c0 = 0.0, c1 = 0.0;

              int silent = v[2 * i] == 0.0f && v[2 * i + 1] == 0.0f;

              if (muted (&zero_run, silent, mute_frames, threshold))
                {
                  clear_errors (&s0);
                  clear_errors (&s1);
                }
              else
                {
                  double d0 = u[4 * i] + u[4 * i + 1] - 1.0f;
                  double d1 = u[4 * i + 2] + u[4 * i + 3] - 1.0f;

                  c0 = step (&s0, v[2 * i], d0, p, n_taps);
                  c1 = step (&s1, v[2 * i + 1], d1, p, n_taps);
                }
              put (out, (done + i) * 2, c0, p, kind);
              put (out, (done + i) * 2 + 1, c1, p, kind);
            }
        }
#endif
      else
        {
          for (size_t i = 0; i < todo; i++)
            {
              double c0 = 0.0;

              if (muted (&zero_run, v[i] == 0.0f, mute_frames, threshold))
                clear_errors (&s0);
              else
                c0 = step (&s0, v[i], (double) (u[4 * i] + u[4 * i + 1] - 1.0f), p, n_taps);
              put (out, done + i, c0, p, kind);
            }
        }
      done += todo;
    }
  self->chan[0] = s0;
  self->chan[1] = s1;
  self->zero_run = zero_run;
}

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

  if (self->channels > 2)
    process_generic (self, in, out, kind, &p, frames);
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
