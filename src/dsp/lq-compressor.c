/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqCompressor: feed-forward compressor with a log-domain smooth decoupled detector (see
 * lq-compressor.h for the signal flow, the curve and the error bounds of the fast log/exp).
 *
 * The work is split by rate: per frame only what must be (the sidechain filter, the squared
 * level, the gain ramp and the delay line: a few operations that vectorize); per sub-block of
 * LQ_COMPRESSOR_SUB_BLOCK frames the rest (the peak or mean of the level, one fast log, the
 * gain computer, the ballistics with poles raised to the sub-block length, one fast exp). The
 * gain at the end of each sub-block is that of its loudest frame, and the gain ramps linearly to
 * it across the sub-block, so it never steps.
 */
#include "lq-compressor.h"
#include "lq-compressor-private.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lq-crossover.h"
#include "lq-dsp-util.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define LQ_HAVE_SSE 1
#endif

/* 10 log10 (p) = DB_PER_LOG2_POWER log2 (p); gain = 2^(-reduction_db * LOG2_PER_DB). */
#define DB_PER_LOG2_POWER 3.0102999566398120f
#define LOG2_PER_DB 0.16609640474436813f
/* Below this reduction (dB) the gain is exactly 1. */
#define GR_FLOOR_DB 1e-6f

/* Plain comparisons (libm's fmaxf/fminf are calls, for their NaN rules; values here are
 * finite). */
static inline float
max_f (float a, float b)
{
  return a > b ? a : b;
}

static inline float
min_f (float a, float b)
{
  return a < b ? a : b;
}

/* The sidechain high-pass advanced two frames at a time (s = [ic1 ic2], input v0 then v1):
 *   s'' = s + (A^2 - I) s + A B v0 + B v1,   y(v0) = d v0 + c s,   y(v1) = d v1 + c A s + c B v0
 * with A, B the one-frame update of lq_svf4_update(). Its feedback is then two operations deep
 * per two frames instead of per frame (the SVF's own feedback allows one frame per ~9 cycles);
 * the coefficients are computed in double from the one-frame ones and rounded once, the
 * increment form keeps them small numbers as there. Every lane holds the same values. */
typedef struct
{
  LqV4 d11, d12, d21, d22; /* A^2 - I */
  LqV4 ab1, ab2;           /* A B: weight of the first frame's input */
  LqV4 b1, b2;             /* B: weight of the second frame's input */
  LqV4 f1, f2;             /* c A: the second frame's output from the old state */
  LqV4 e0;                 /* c B: the second frame's output from the first input */
} Sc2;

/* Poles of the ballistics for one sub-block length m: each a per-frame pole raised to m. */
typedef struct
{
  float att;  /* attack pole^m */
  float rel;  /* release pole^m */
  float slow; /* 1 - auto-release slow pole^m */
  float rms;  /* 1 - mean-square pole^m */
  float smooth; /* makeup/mix smoothing pole^m */
} Poles;

struct _LqCompressor
{
  unsigned channels; /* 1 or 2, interleaved */
  double rate;       /* sample rate, Hz */

  /* Settings (as asked for) */
  double threshold_db;             /* T */
  double ratio;                    /* R >= 1 */
  double knee_db;                  /* W >= 0 */
  double attack_ms;                /* attack time constant */
  double release_ms;               /* release time constant */
  int auto_release;                /* program-dependent release on */
  double sc_hz;                    /* sidechain high-pass, 0 = off */
  float link;                      /* 0 independent .. 1 fully linked */
  LqCompressorDetector detector;   /* peak or rms */
  size_t lookahead;                /* audio delay, frames */

  /* Derived from the settings */
  float knee_lo;      /* T - W/2, dB: below it there is no reduction */
  float knee_lo_pow;  /* the same as a power (2 ms or x^2), for a test without a log */
  float knee_hi;      /* T + W/2, dB: above it the straight line of slope 1/R */
  float slope;        /* 1/R - 1 (<= 0) */
  float inv_2w;       /* 1 / (2 W), 0 for a hard knee */
  double pole_att;    /* per-frame attack pole, exp (-1 / (attack rate)) */
  double pole_rel;    /* per-frame release pole */
  double pole_slow;   /* per-frame auto-release slow stage pole */
  double pole_rms;    /* per-frame mean-square pole */
  double pole_smooth; /* per-frame makeup/mix smoothing pole */
  Poles sub;          /* the poles for a whole sub-block */
  Poles part;         /* the poles for a last, shorter sub-block of part_m frames */
  unsigned part_m;    /* its length; 0 when not computed since the times last changed */
  LqSvfCoeffs sc;     /* sidechain high-pass state update */
  LqSvfOut sc_hp;     /* sidechain high-pass output (every lane) */
  Sc2 sc2;            /* the same, two frames per step */
  double makeup_db;   /* makeup asked for, dB */
  double mix;         /* wet amount asked for, 0..1 */

  /* State */
  double makeup_cur;  /* makeup reached, dB (smoothed in dB: even steps in loudness) */
  double mix_cur;     /* wet amount reached */
  LqSvf4 sc_state;    /* sidechain high-pass, lanes 0-1 = channels */
  float ms[2];        /* mean square per channel (rms detector) */
  float y1[2];        /* peak stage of the detector: reduction in dB with release */
  float ys[2];        /* slow auto-release stage, dB */
  float y[2];         /* attack stage: the reduction applied, dB */
  float gain[2];      /* total gain (reduction, makeup, mix) reached at the last frame */
  float gr;           /* reduction at the last sub-block, dB (meter) */
  float *ring;        /* lookahead delay line, (mask + 1) frames x channels */
  size_t mask;        /* ring length in frames - 1 (a power of two - 1) */
  size_t pos;         /* next write position in frames */
};

double
lq_compressor_curve (double threshold_db, double ratio, double knee_db, double in_db)
{
  double slope, d;

  if (!(ratio > 1.0))
    ratio = 1.0;
  if (!(knee_db > 0.0))
    knee_db = 0.0;
  slope = 1.0 / ratio - 1.0;
  d = in_db - threshold_db;
  if (2.0 * d < -knee_db)
    return in_db;
  if (2.0 * fabs (d) <= knee_db && knee_db > 0.0)
    return in_db + slope * (d + knee_db / 2.0) * (d + knee_db / 2.0) / (2.0 * knee_db);
  return threshold_db + d / ratio;
}

static inline float
fast_log2 (float x)
{
  union { float f; uint32_t u; } v = { x };
  int e;
  float m, t, t2;

  if (!(x > 0.0f))
    return -1000.0f;
  e = (int) ((v.u >> 23) & 0xff) - 127;
  v.u = (v.u & 0x007fffffu) | 0x3f800000u; /* m in [1, 2) */
  m = v.f;
  if (m >= 1.41421356f)
    {
      m *= 0.5f;
      e += 1;
    }
  t = (m - 1.0f) / (m + 1.0f);
  t2 = t * t;
  /* ln m = 2 (t + t^3/3 + t^5/5 + t^7/7); times 1 / ln 2 */
  return (float) e
         + t * (2.8853900817779268f
                + t2 * (0.9617966939259756f + t2 * (0.5770780163555854f + t2 * 0.4121985831111324f)));
}

static inline float
fast_exp2 (float x)
{
  union { float f; uint32_t u; } v;
  int n;
  float f, u;

  if (!(x > -126.0f)) /* also NaN */
    x = -126.0f;
  if (x > 127.0f)
    x = 127.0f;
  n = (int) (x + 128.5f) - 128; /* round (x): the sum is positive, so the cast floors */
  f = x - (float) n;
  u = f * 0.69314718055994531f;
  v.u = (uint32_t) (n + 127) << 23;
  return v.f
         * (1.0f
            + u * (1.0f
                   + u * (0.5f
                          + u * (1.0f / 6.0f
                                 + u * (1.0f / 24.0f + u * (1.0f / 120.0f + u * (1.0f / 720.0f)))))));
}

float
lq_fast_log2 (float x)
{
  return fast_log2 (x);
}

float
lq_fast_exp2 (float x)
{
  return fast_exp2 (x);
}

static double
pole (double ms, double rate)
{
  return ms > 0.0 ? exp (-1.0 / (ms * 0.001 * rate)) : 0.0;
}

static void
poles_for (const LqCompressor *self, unsigned m, Poles *p)
{
  p->att = (float) pow (self->pole_att, m);
  p->rel = (float) pow (self->pole_rel, m);
  p->slow = (float) (1.0 - pow (self->pole_slow, m));
  p->rms = (float) (1.0 - pow (self->pole_rms, m));
  p->smooth = (float) pow (self->pole_smooth, m);
}

static double
clampd (double v, double lo, double hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static void
update_curve (LqCompressor *self)
{
  double w = self->knee_db;

  self->knee_lo = (float) (self->threshold_db - w / 2.0);
  self->knee_hi = (float) (self->threshold_db + w / 2.0);
  self->knee_lo_pow = (float) pow (10.0, (self->threshold_db - w / 2.0) / 10.0);
  self->slope = (float) (1.0 / self->ratio - 1.0);
  self->inv_2w = w > 0.0 ? (float) (1.0 / (2.0 * w)) : 0.0f;
}

static void
update_times (LqCompressor *self)
{
  double slow = clampd (LQ_COMPRESSOR_AUTO_RELEASE_FACTOR * self->release_ms,
                        LQ_COMPRESSOR_AUTO_SLOW_MIN_MS, LQ_COMPRESSOR_AUTO_SLOW_MAX_MS);

  self->pole_att = pole (self->attack_ms, self->rate);
  self->pole_rel = pole (self->release_ms, self->rate);
  self->pole_slow = pole (slow, self->rate);
  poles_for (self, LQ_COMPRESSOR_SUB_BLOCK, &self->sub);
  self->part_m = 0;
}

/* A 2nd-order Butterworth high-pass at hz for the detector. */
static void
set_sidechain_coeffs (LqCompressor *self, double hz)
{
  static const LqSvfResponse hp[4] = { LQ_SVF_HP, LQ_SVF_HP, LQ_SVF_HP, LQ_SVF_HP };

  double p1, b1, s21, b2, c1, c2;
  Sc2 *k = &self->sc2;

  lq_svf_coeffs (&self->sc, hz, self->rate, 1.4142135623730951);
  lq_svf_out (&self->sc_hp, &self->sc, hp);

  /* A = [[1 - p1, -b1], [s21, 1 - b2]], B = [b1, b2], c = [c1, c2] (see Sc2). */
  p1 = self->sc.p1;
  b1 = self->sc.b1;
  s21 = self->sc.s21;
  b2 = self->sc.b2;
  c1 = self->sc_hp.c1[0];
  c2 = self->sc_hp.c2[0];
  k->d11 = (LqV4) { 0 } + (float) (-2.0 * p1 + p1 * p1 - b1 * s21);
  k->d12 = (LqV4) { 0 } + (float) (-b1 * (2.0 - p1 - b2));
  k->d21 = (LqV4) { 0 } + (float) (s21 * (2.0 - p1 - b2));
  k->d22 = (LqV4) { 0 } + (float) (-b1 * s21 - 2.0 * b2 + b2 * b2);
  k->ab1 = (LqV4) { 0 } + (float) (b1 * (1.0 - p1 - b2));
  k->ab2 = (LqV4) { 0 } + (float) (s21 * b1 + b2 - b2 * b2);
  k->b1 = (LqV4) { 0 } + (float) b1;
  k->b2 = (LqV4) { 0 } + (float) b2;
  k->f1 = (LqV4) { 0 } + (float) (c1 * (1.0 - p1) + c2 * s21);
  k->f2 = (LqV4) { 0 } + (float) (-c1 * b1 + c2 * (1.0 - b2));
  k->e0 = (LqV4) { 0 } + (float) (c1 * b1 + c2 * b2);
}

LqCompressor *
lq_compressor_new (unsigned channels, double rate)
{
  LqCompressor *self;
  size_t len = 1;

  if (channels < 1 || channels > 2 || !(rate >= 8000.0 && rate <= 384000.0))
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  while (len < (size_t) ceil (LQ_COMPRESSOR_MAX_LOOKAHEAD_MS * 0.001 * rate) + 1)
    len <<= 1;
  self->ring = calloc (len * channels, sizeof (float));
  if (self->ring == NULL)
    {
      free (self);
      return NULL;
    }
  self->mask = len - 1;
  self->channels = channels;
  self->rate = rate;
  self->threshold_db = -18.0;
  self->ratio = 2.0;
  self->knee_db = 6.0;
  self->attack_ms = 10.0;
  self->release_ms = 150.0;
  self->link = 1.0f;
  self->detector = LQ_COMPRESSOR_DETECTOR_PEAK;
  self->pole_rms = pole (LQ_COMPRESSOR_RMS_MS, rate);
  /* One-pole smoothing reaching 99.9 % (ln 1000 time constants) in LQ_COMPRESSOR_SMOOTH_MS. */
  self->pole_smooth = pole (LQ_COMPRESSOR_SMOOTH_MS / 6.907755278982137, rate);
  self->mix = self->mix_cur = 1.0;
  self->gain[0] = self->gain[1] = 1.0f;
  set_sidechain_coeffs (self, 20.0);
  update_curve (self);
  update_times (self);
  return self;
}

void
lq_compressor_free (LqCompressor *self)
{
  if (self == NULL)
    return;
  free (self->ring);
  free (self);
}

void
lq_compressor_set_threshold (LqCompressor *self, double db)
{
  if (isnan (db))
    return;
  self->threshold_db = clampd (db, -80.0, 0.0);
  update_curve (self);
}

void
lq_compressor_set_ratio (LqCompressor *self, double ratio)
{
  if (isnan (ratio))
    return;
  self->ratio = clampd (ratio, 1.0, 100.0);
  update_curve (self);
}

void
lq_compressor_set_knee (LqCompressor *self, double db)
{
  if (isnan (db))
    return;
  self->knee_db = clampd (db, 0.0, 24.0);
  update_curve (self);
}

void
lq_compressor_set_attack (LqCompressor *self, double ms)
{
  if (isnan (ms))
    return;
  self->attack_ms = clampd (ms, 0.0, 500.0);
  update_times (self);
}

void
lq_compressor_set_release (LqCompressor *self, double ms)
{
  if (isnan (ms))
    return;
  self->release_ms = clampd (ms, 1.0, 5000.0);
  update_times (self);
}

void
lq_compressor_set_auto_release (LqCompressor *self, int enabled)
{
  self->auto_release = enabled != 0;
}

void
lq_compressor_set_makeup (LqCompressor *self, double db)
{
  if (isnan (db))
    return;
  self->makeup_db = clampd (db, -24.0, 24.0);
}

void
lq_compressor_set_sidechain_hpf (LqCompressor *self, double hz)
{
  if (isnan (hz))
    return;
  hz = hz <= 0.0 ? 0.0 : clampd (hz, 10.0, 2000.0);
  if (hz == self->sc_hz)
    return;
  if (self->sc_hz == 0.0)
    memset (&self->sc_state, 0, sizeof self->sc_state);
  self->sc_hz = hz;
  if (hz > 0.0)
    set_sidechain_coeffs (self, hz);
}

void
lq_compressor_set_link (LqCompressor *self, double link)
{
  if (isnan (link))
    return;
  self->link = (float) clampd (link, 0.0, 1.0);
}

void
lq_compressor_set_detector (LqCompressor *self, LqCompressorDetector detector)
{
  if (detector != LQ_COMPRESSOR_DETECTOR_PEAK && detector != LQ_COMPRESSOR_DETECTOR_RMS)
    return;
  if (detector != self->detector)
    {
      self->detector = detector;
      self->ms[0] = self->ms[1] = 0.0f;
    }
}

void
lq_compressor_set_mix (LqCompressor *self, double mix)
{
  if (isnan (mix))
    return;
  self->mix = clampd (mix, 0.0, 1.0);
}

void
lq_compressor_set_lookahead (LqCompressor *self, double ms)
{
  if (isnan (ms))
    return;
  ms = clampd (ms, 0.0, LQ_COMPRESSOR_MAX_LOOKAHEAD_MS);
  self->lookahead = (size_t) llround (ms * 0.001 * self->rate);
  if (self->lookahead > self->mask)
    self->lookahead = self->mask;
}

void
lq_compressor_snap (LqCompressor *self)
{
  self->makeup_cur = self->makeup_db;
  self->mix_cur = self->mix;
}

size_t
lq_compressor_get_latency (const LqCompressor *self)
{
  return self->lookahead;
}

double
lq_compressor_get_gain_reduction (const LqCompressor *self)
{
  return self->gr;
}

void
lq_compressor_reset (LqCompressor *self)
{
  memset (&self->sc_state, 0, sizeof self->sc_state);
  memset (self->ms, 0, sizeof self->ms);
  memset (self->y1, 0, sizeof self->y1);
  memset (self->ys, 0, sizeof self->ys);
  memset (self->y, 0, sizeof self->y);
  self->gr = 0.0f;
  self->gain[0] = self->gain[1] = (float) (1.0 + self->mix * (lq_db_to_gain (self->makeup_db) - 1.0));
  memset (self->ring, 0, (self->mask + 1) * self->channels * sizeof (float));
  self->pos = 0;
  lq_compressor_snap (self);
}

/* The gain computer's constants, copied into a local for the loop. */
typedef struct
{
  float lo_pow;    /* knee_lo as a power */
  float lo;        /* knee_lo, dB */
  float hi;        /* knee_hi, dB */
  float threshold; /* T, dB */
  float slope;     /* 1/R - 1 */
  float inv_2w;    /* 1 / (2 W) */
} Curve;

/* Envelopes of one channel, copied into locals for the loop. */
typedef struct
{
  float ms; /* mean square (rms detector) */
  float y1; /* peak stage, dB */
  float ys; /* slow auto-release stage, dB */
  float y;  /* attack stage, dB */
} Env;

/* Reduction in dB asked for by the gain computer at level power `p`. */
static inline float
reduction (const Curve *cv, float p)
{
  float x, d;

  if (!(p > cv->lo_pow))
    return 0.0f;
  x = DB_PER_LOG2_POWER * fast_log2 (p);
  if (x >= cv->hi)
    return -cv->slope * (x - cv->threshold);
  d = x - cv->lo;
  return d > 0.0f ? -cv->slope * d * d * cv->inv_2w : 0.0f;
}

/* The ballistics over one sub-block on reduction `r`: returns the smoothed reduction, dB. */
static inline float
ballistics (Env *e, float r, const Poles *p, int auto_release)
{
  float y1 = r + p->rel * (e->y1 - r), t;

  y1 = y1 > r ? y1 : r;
  e->y1 = y1;
  t = y1;
  if (auto_release)
    {
      e->ys += p->slow * (y1 - e->ys);
      t = e->ys > t ? e->ys : t;
    }
  e->y = t + p->att * (e->y - t);
  return e->y;
}

static inline float
reduction_to_gain (float y)
{
  return y > GR_FLOOR_DB ? fast_exp2 (-y * LOG2_PER_DB) : 1.0f;
}

static inline LqV4
v4_max (LqV4 a, LqV4 b)
{
#ifdef LQ_HAVE_SSE
  return (LqV4) _mm_max_ps ((__m128) a, (__m128) b);
#else
  LqV4 r;
  for (int i = 0; i < 4; i++)
    r[i] = a[i] > b[i] ? a[i] : b[i];
  return r;
#endif
}

static inline LqV4
v4_load (const float *p)
{
  LqV4 v;

  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
v4_store (float *p, LqV4 v)
{
  memcpy (p, &v, sizeof v);
}

/* The level of m frames of channel(s) x: per channel, the peak power (or, for rms, the summed
 * power) into pk[]. Four floats at a time: two stereo frames or four mono ones. */
static inline __attribute__ ((always_inline)) void
block_level (const float *x, unsigned m, const unsigned ch, const int rms, float *pk)
{
  const unsigned n = m * ch;
  LqV4 acc = { 0.0f, 0.0f, 0.0f, 0.0f };
  unsigned i = 0;

  if (!rms)
    {
      /* The peak: four maxima in flight instead of one chain of them (the maximum does not
       * depend on the order, so this is the same value). */
      LqV4 acc1 = acc, acc2 = acc, acc3 = acc;

      for (; i + 16 <= n; i += 16)
        {
          LqV4 v0 = v4_load (x + i), v1 = v4_load (x + i + 4);
          LqV4 v2 = v4_load (x + i + 8), v3 = v4_load (x + i + 12);

          acc = v4_max (acc, v0 * v0);
          acc1 = v4_max (acc1, v1 * v1);
          acc2 = v4_max (acc2, v2 * v2);
          acc3 = v4_max (acc3, v3 * v3);
        }
      acc = v4_max (v4_max (acc, acc1), v4_max (acc2, acc3));
    }
  for (; i + 4 <= n; i += 4)
    {
      LqV4 v = v4_load (x + i);
      acc = rms ? acc + v * v : v4_max (acc, v * v);
    }
  if (ch == 2)
    {
      pk[0] = rms ? acc[0] + acc[2] : max_f (acc[0], acc[2]);
      pk[1] = rms ? acc[1] + acc[3] : max_f (acc[1], acc[3]);
    }
  else
    pk[0] = rms ? (acc[0] + acc[1]) + (acc[2] + acc[3])
                : max_f (max_f (acc[0], acc[1]), max_f (acc[2], acc[3]));
  for (; i < n; i++)
    {
      float q = x[i] * x[i];
      unsigned c = ch == 2 ? i & 1 : 0;
      pk[c] = rms ? pk[c] + q : max_f (pk[c], q);
    }
}

/* x[i] *= g0 + (i + 1) dg per channel over m frames (the gain ramp), four floats at a time. */
static inline __attribute__ ((always_inline)) void
apply_ramp (float *x, unsigned m, const unsigned ch, const float *g0, const float *dg)
{
  const unsigned n = m * ch;
  const LqV4 base = ch == 2 ? (LqV4) { g0[0], g0[1], g0[0], g0[1] } : (LqV4) { g0[0], g0[0], g0[0], g0[0] };
  const LqV4 d = ch == 2 ? (LqV4) { dg[0], dg[1], dg[0], dg[1] } : (LqV4) { dg[0], dg[0], dg[0], dg[0] };
  const LqV4 step = ch == 2 ? (LqV4) { 2.0f, 2.0f, 2.0f, 2.0f } : (LqV4) { 4.0f, 4.0f, 4.0f, 4.0f };
  LqV4 idx = ch == 2 ? (LqV4) { 1.0f, 1.0f, 2.0f, 2.0f } : (LqV4) { 1.0f, 2.0f, 3.0f, 4.0f };
  unsigned i = 0;

  for (; i + 4 <= n; i += 4)
    {
      v4_store (x + i, v4_load (x + i) * (base + idx * d));
      idx += step;
    }
  for (; i < n; i++)
    {
      unsigned c = ch == 2 ? i & 1 : 0;
      x[i] *= g0[c] + (float) (i / ch + 1) * dg[c];
    }
}

/* Sub-blocks per pass: the passes below keep their per-block values in local arrays. */
#define MAX_SUBS 64

/* Up to MAX_SUBS sub-blocks (frames <= MAX_SUBS x LQ_COMPRESSOR_SUB_BLOCK) for `ch` channels,
 * one gain for all of them when `linked`. The work goes in passes over all the sub-blocks (the
 * levels; the gain computer, whose logarithms are independent of each other; the ballistics,
 * the only serial part; the gains; the ramps), so the slow operations of different blocks
 * overlap instead of waiting on each other. */
static inline __attribute__ ((always_inline)) void
run_chunk (LqCompressor *self, float *x, size_t frames, const Curve *cv, Env *env,
           const unsigned ch, const int linked, LqCompressorRamp *ramp)
{
  const unsigned sub = LQ_COMPRESSOR_SUB_BLOCK;
  const int rms = self->detector == LQ_COMPRESSOR_DETECTOR_RMS;
  const int auto_release = self->auto_release;
  const unsigned nsub = (unsigned) ((frames + sub - 1) / sub);
  const unsigned m_last = (unsigned) (frames - (size_t) (nsub - 1) * sub);
  const unsigned nc = ch == 1 || linked ? 1 : 2; /* gain channels */
  float lvl[2][MAX_SUBS], red[2][MAX_SUBS], target[2][MAX_SUBS];
  Poles last;

  if (m_last == sub)
    last = self->sub;
  else
    {
      /* Buffers of a constant size end on the same short sub-block: keep its poles (five
       * pow() calls) from one call to the next. */
      if (self->part_m != m_last)
        {
          poles_for (self, m_last, &self->part);
          self->part_m = m_last;
        }
      last = self->part;
    }

  /* 1. The level of each block: peak power or summed power per channel. */
  if (self->sc_hz > 0.0)
    {
      const LqSvfCoeffs sc = self->sc;
      const LqSvfOut out = self->sc_hp;
      const Sc2 k = self->sc2;
      LqSvf4 st = self->sc_state;

      for (unsigned j = 0; j < nsub; j++)
        {
          const float *xj = x + (size_t) j * sub * ch;
          unsigned m = j + 1 < nsub ? sub : m_last;
          LqV4 acc = { 0.0f, 0.0f, 0.0f, 0.0f };
          unsigned i = 0;

          for (; i + 2 <= m; i += 2)
            {
              LqV4 v0 = { xj[i * ch], ch == 2 ? xj[i * ch + 1] : 0.0f, 0.0f, 0.0f };
              LqV4 v1 = { xj[(i + 1) * ch], ch == 2 ? xj[(i + 1) * ch + 1] : 0.0f, 0.0f, 0.0f };
              LqV4 y0 = lq_svf4_out (&st, &out, v0);
              LqV4 y1 = out.d * v1 + (k.e0 * v0 + (k.f1 * st.ic1 + k.f2 * st.ic2));
              LqV4 ic1 = (k.d11 * st.ic1 + k.d12 * st.ic2) + (st.ic1 + (k.ab1 * v0 + k.b1 * v1));
              LqV4 ic2 = (k.d21 * st.ic1 + k.d22 * st.ic2) + (st.ic2 + (k.ab2 * v0 + k.b2 * v1));

              st.ic1 = ic1;
              st.ic2 = ic2;
              acc = rms ? acc + y0 * y0 : v4_max (acc, y0 * y0);
              acc = rms ? acc + y1 * y1 : v4_max (acc, y1 * y1);
            }
          for (; i < m; i++)
            {
              LqV4 v = { xj[i * ch], ch == 2 ? xj[i * ch + 1] : 0.0f, 0.0f, 0.0f };
              LqV4 hp = lq_svf4_tick (&st, &sc, &out, v);

              acc = rms ? acc + hp * hp : v4_max (acc, hp * hp);
            }
          lvl[0][j] = acc[0];
          lvl[1][j] = acc[1];
        }
      self->sc_state = st;
    }
  else
    for (unsigned j = 0; j < nsub; j++)
      {
        float pk[2] = { 0.0f, 0.0f };

        block_level (x + (size_t) j * sub * ch, j + 1 < nsub ? sub : m_last, ch, rms, pk);
        lvl[0][j] = pk[0];
        lvl[1][j] = pk[1];
      }

  /* 2. rms: the one-pole mean square, read as 2 x mean square (a sine reads its peak). */
  if (rms)
    for (unsigned c = 0; c < ch; c++)
      {
        float ms = env[c].ms;

        for (unsigned j = 0; j < nsub; j++)
          {
            unsigned m = j + 1 < nsub ? sub : m_last;
            float b = j + 1 < nsub ? self->sub.rms : last.rms;

            ms += b * (lvl[c][j] / (float) m - ms);
            lvl[c][j] = 2.0f * ms;
          }
        env[c].ms = ms;
      }

  /* 3. Linking, then the gain computer: independent per block. */
  if (ch == 2)
    for (unsigned j = 0; j < nsub; j++)
      {
        float pm = lvl[0][j] > lvl[1][j] ? lvl[0][j] : lvl[1][j];

        if (linked)
          lvl[0][j] = pm;
        else
          for (unsigned c = 0; c < 2; c++)
            lvl[c][j] += self->link * (pm - lvl[c][j]);
      }
  for (unsigned c = 0; c < nc; c++)
    for (unsigned j = 0; j < nsub; j++)
      red[c][j] = reduction (cv, lvl[c][j]);

  /* 4. The ballistics: the serial part, short. */
  for (unsigned c = 0; c < nc; c++)
    {
      Env e = env[c];

      for (unsigned j = 0; j + 1 < nsub; j++)
        red[c][j] = ballistics (&e, red[c][j], &self->sub, auto_release);
      red[c][nsub - 1] = ballistics (&e, red[c][nsub - 1], &last, auto_release);
      env[c] = e;
    }
  self->gr = red[0][nsub - 1];
  if (nc == 2 && red[1][nsub - 1] > self->gr)
    self->gr = red[1][nsub - 1];

  /* 5. The gain at the end of each block: reduction, makeup and mix (these two glide). */
  if (self->makeup_cur == self->makeup_db && self->mix_cur == self->mix)
    {
      float mk = self->makeup_cur == 0.0 ? 1.0f : fast_exp2 ((float) self->makeup_cur * LOG2_PER_DB);
      float mix = (float) self->mix_cur;

      for (unsigned c = 0; c < nc; c++)
        for (unsigned j = 0; j < nsub; j++)
          target[c][j] = 1.0f + mix * (reduction_to_gain (red[c][j]) * mk - 1.0f);
    }
  else
    for (unsigned j = 0; j < nsub; j++)
      {
        const Poles *po = j + 1 < nsub ? &self->sub : &last;
        float mk;

        self->makeup_cur = self->makeup_db + (self->makeup_cur - self->makeup_db) * po->smooth;
        self->mix_cur = self->mix + (self->mix_cur - self->mix) * po->smooth;
        if (fabs (self->makeup_cur - self->makeup_db) < 1e-6)
          self->makeup_cur = self->makeup_db;
        if (fabs (self->mix_cur - self->mix) < 1e-7)
          self->mix_cur = self->mix;
        mk = self->makeup_cur == 0.0 ? 1.0f : fast_exp2 ((float) self->makeup_cur * LOG2_PER_DB);
        for (unsigned c = 0; c < nc; c++)
          target[c][j] = 1.0f + (float) self->mix_cur * (reduction_to_gain (red[c][j]) * mk - 1.0f);
      }
  if (nc == 1 && ch == 2)
    memcpy (target[1], target[0], nsub * sizeof (float));

  /* 6. The audio: through the lookahead delay, then the gain ramping across each block from
   * the previous block's value to its own. */
  if (self->lookahead > 0)
    {
      float *ring = self->ring;
      size_t mask = self->mask, pos = self->pos, la = self->lookahead;

      for (size_t i = 0; i < frames; i++)
        {
          size_t r = (pos - la) & mask;

          for (unsigned c = 0; c < ch; c++)
            {
              ring[pos * ch + c] = x[i * ch + c];
              x[i * ch + c] = ring[r * ch + c];
            }
          pos = (pos + 1) & mask;
        }
      self->pos = pos;
    }
  for (unsigned j = 0; j < nsub; j++)
    {
      unsigned m = j + 1 < nsub ? sub : m_last;
      float g0[2], dg[2];

      for (unsigned c = 0; c < ch; c++)
        {
          g0[c] = j == 0 ? self->gain[c] : target[c][j - 1];
          dg[c] = (target[c][j] - g0[c]) * (m == sub ? 1.0f / (float) sub : 1.0f / (float) m);
        }
      if (ramp != NULL)
        {
          /* The caller applies it (a unity ramp, x * 1, leaves x as skipping does). */
          ramp[j].g0[0] = g0[0];
          ramp[j].dg[0] = dg[0];
          ramp[j].g0[1] = ch == 2 ? g0[1] : g0[0];
          ramp[j].dg[1] = ch == 2 ? dg[1] : dg[0];
          continue;
        }
      if (dg[0] == 0.0f && g0[0] == 1.0f && (ch == 1 || (dg[1] == 0.0f && g0[1] == 1.0f)))
        continue; /* unity: bit-transparent */
      apply_ramp (x + (size_t) j * sub * ch, m, ch, g0, dg);
    }
  for (unsigned c = 0; c < ch; c++)
    self->gain[c] = target[c][nsub - 1];
}

/* The loop over chunks for `ch` channels, one gain for all of them when `linked`. */
static inline __attribute__ ((always_inline)) void
run (LqCompressor *self, float *x, size_t frames, const unsigned ch, const int linked,
     LqCompressorRamp *ramp)
{
  const Curve cv = { self->knee_lo_pow, self->knee_lo, self->knee_hi, (float) self->threshold_db,
                     self->slope, self->inv_2w };
  const size_t chunk = (size_t) MAX_SUBS * LQ_COMPRESSOR_SUB_BLOCK;
  Env env[2] = { { self->ms[0], self->y1[0], self->ys[0], self->y[0] },
                 { self->ms[1], self->y1[1], self->ys[1], self->y[1] } };

  for (size_t off = 0; off < frames; off += chunk)
    run_chunk (self, x + off * ch, frames - off < chunk ? frames - off : chunk, &cv, env, ch,
               linked, ramp != NULL ? ramp + off / LQ_COMPRESSOR_SUB_BLOCK : NULL);

  /* Linked, channel 1 shares channel 0's envelopes: keep them so unlinking later is smooth. */
  if (ch == 2 && linked)
    {
      env[1].y1 = env[0].y1;
      env[1].ys = env[0].ys;
      env[1].y = env[0].y;
    }
  for (unsigned c = 0; c < 2; c++)
    {
      self->ms[c] = env[c].ms;
      self->y1[c] = env[c].y1;
      self->ys[c] = env[c].ys;
      self->y[c] = env[c].y;
    }
}

static int
state_finite (const LqCompressor *self)
{
  LqV4 acc = self->sc_state.ic1 * 0.0f + self->sc_state.ic2 * 0.0f;
  float f = acc[0] + acc[1];

  for (unsigned c = 0; c < 2; c++)
    f += self->ms[c] * 0.0f + self->y1[c] * 0.0f + self->ys[c] * 0.0f + self->y[c] * 0.0f
         + self->gain[c] * 0.0f;
  return f == 0.0f;
}

void
lq_compressor_process (LqCompressor *self, float *interleaved, size_t frames)
{
  size_t n = frames * self->channels;
  unsigned fpu;

  if (frames == 0)
    return;
  fpu = lq_v4_denormals_off ();
  if (lq_v4_has_nonfinite (interleaved, n))
    for (size_t i = 0; i < n; i++)
      if (!isfinite (interleaved[i]))
        interleaved[i] = 0.0f;

  if (self->channels == 1)
    run (self, interleaved, frames, 1, 1, NULL);
  else if (self->link >= 1.0f)
    run (self, interleaved, frames, 2, 1, NULL);
  else
    run (self, interleaved, frames, 2, 0, NULL);

  if (!state_finite (self))
    {
      lq_compressor_reset (self);
      for (size_t i = 0; i < n; i++)
        if (!isfinite (interleaved[i]))
          interleaved[i] = 0.0f;
    }
  lq_v4_denormals_restore (fpu);
}

int
_lq_compressor_process_ramps (LqCompressor *self, float *x, size_t frames,
                              LqCompressorRamp *ramp)
{
  const unsigned sub = LQ_COMPRESSOR_SUB_BLOCK, ch = self->channels;
  const size_t nsub = (frames + sub - 1) / sub;
  unsigned fpu;
  int ok;

  if (frames == 0)
    return 0;
  fpu = lq_v4_denormals_off ();
  if (ch == 1)
    run (self, x, frames, 1, 1, ramp);
  else if (self->link >= 1.0f)
    run (self, x, frames, 2, 1, ramp);
  else
    run (self, x, frames, 2, 0, ramp);
  ok = state_finite (self);
  if (!ok)
    {
      /* Rare: finish as lq_compressor_process() does (the same ramps applied, then the reset
       * and the bad samples as silence), and leave the caller unity ramps. */
      for (size_t j = 0; j < nsub; j++)
        {
          unsigned m = j + 1 < nsub ? sub : (unsigned) (frames - (nsub - 1) * sub);

          if (!(ramp[j].dg[0] == 0.0f && ramp[j].g0[0] == 1.0f
                && (ch == 1 || (ramp[j].dg[1] == 0.0f && ramp[j].g0[1] == 1.0f))))
            apply_ramp (x + j * sub * ch, m, ch, ramp[j].g0, ramp[j].dg);
          for (unsigned c = 0; c < 2; c++)
            {
              ramp[j].g0[c] = 1.0f;
              ramp[j].dg[c] = 0.0f;
            }
        }
      lq_compressor_reset (self);
      for (size_t i = 0; i < frames * ch; i++)
        if (!isfinite (x[i]))
          x[i] = 0.0f;
    }
  lq_v4_denormals_restore (fpu);
  return !ok;
}
