/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqGain: gain and scheduled fades. The envelope of each block is built in chunks of at most
 * LQ_GAIN_ANCHOR frames: each chunk starts from the exact closed form of the curve and runs a
 * double-precision recurrence (phasor rotation or constant ratio), so no sin/pow is evaluated
 * per sample and the error never accumulates beyond one chunk (see lq-gain.h).
 */
#include "lq-gain.h"

#include <math.h>
#include <stdlib.h>

#include "lq-dsp-util.h"

typedef struct
{
  int64_t start;     /* first stream position of the fade */
  int64_t length;    /* samples; 0 = no fade */
  LqFadeCurve curve; /* shape */
} Fade;

struct _LqGain
{
  unsigned channels;           /* 1 or 2, interleaved */
  double rate;                 /* sample rate, Hz */
  int64_t position;            /* stream position of the next frame processed */
  LqSmoother gain;             /* linear gain, smoothed towards the target set in dB */
  Fade fade_in;                /* scheduled fade-in */
  Fade fade_out;               /* scheduled fade-out */
  double env[LQ_GAIN_ANCHOR];  /* scratch: fade envelope of the current chunk */
};

/* Above this the gain is clamped; below LQ_GAIN_MIN_DB it is silence. */
#define LQ_GAIN_MAX_DB 24.0
#define LQ_GAIN_MIN_DB (-200.0)

double
lq_fade_curve (LqFadeCurve curve, double x)
{
  double r;

  if (!(x > 0.0)) /* also NaN */
    return 0.0;
  if (x >= 1.0)
    return 1.0;

  switch (curve)
    {
    case LQ_FADE_EQUAL_POWER:
      return sin (x * LQ_PI / 2.0);
    case LQ_FADE_LOGARITHMIC:
      r = pow (10.0, LQ_FADE_LOG_FLOOR_DB / 20.0);
      return (pow (r, 1.0 - x) - r) / (1.0 - r);
    case LQ_FADE_S_CURVE:
      return 0.5 - 0.5 * cos (x * LQ_PI);
    case LQ_FADE_LINEAR:
    default:
      return x;
    }
}

/* env[i] *= curve (u0 + i * du) for i < n, with u0 and every u0 + i * du inside [0, 1]. Exact
 * closed form at i = 0, then a recurrence in double precision. */
static void
multiply_curve (LqFadeCurve curve, double u0, double du, double *env, size_t n)
{
  double c, s, cd, sd, t, e, k, r, inv;

  switch (curve)
    {
    case LQ_FADE_EQUAL_POWER:
    case LQ_FADE_S_CURVE:
      /* A unit phasor at angle theta = u0 * w, rotated by du * w per sample. */
      t = curve == LQ_FADE_S_CURVE ? LQ_PI : LQ_PI / 2.0;
      c = cos (u0 * t);
      s = sin (u0 * t);
      cd = cos (du * t);
      sd = sin (du * t);
      if (curve == LQ_FADE_EQUAL_POWER)
        for (size_t i = 0; i < n; i++)
          {
            env[i] *= fmax (s, 0.0);
            t = c * cd - s * sd;
            s = s * cd + c * sd;
            c = t;
          }
      else
        for (size_t i = 0; i < n; i++)
          {
            env[i] *= fmax (0.5 - 0.5 * c, 0.0);
            t = c * cd - s * sd;
            s = s * cd + c * sd;
            c = t;
          }
      break;

    case LQ_FADE_LOGARITHMIC:
      r = pow (10.0, LQ_FADE_LOG_FLOOR_DB / 20.0);
      inv = 1.0 / (1.0 - r);
      e = pow (r, 1.0 - u0); /* r^(1 - u), multiplied by r^du per sample */
      k = pow (r, -du);
      for (size_t i = 0; i < n; i++)
        {
          env[i] *= fmax ((e - r) * inv, 0.0);
          e *= k;
        }
      break;

    case LQ_FADE_LINEAR:
    default:
      for (size_t i = 0; i < n; i++)
        env[i] *= u0 + (double) i * du;
      break;
    }
}

static void
fill_ones (double *env, size_t n)
{
  for (size_t i = 0; i < n; i++)
    env[i] = 1.0;
}

static void
fill_zeros (double *env, size_t n)
{
  for (size_t i = 0; i < n; i++)
    env[i] = 0.0;
}

/* Applies `fade` (fade-in when `in`, else fade-out) to the envelope of the n frames from stream
 * position p. `*active` tells whether env holds anything yet (else it is all ones). */
static void
apply_fade (const Fade *fade, int in, int64_t p, size_t n, double *env, int *active)
{
  int64_t s = fade->start, e = fade->start + fade->length; /* the fade covers [s, e) */
  int64_t end = p + (int64_t) n;
  size_t a, b;

  if (fade->length <= 0)
    return;
  /* Unity everywhere in the chunk: after a fade-in, before a fade-out. */
  if ((in && p >= e) || (!in && end <= s))
    return;
  if (!*active)
    {
      fill_ones (env, n);
      *active = 1;
    }

  /* Chunk indices [0, a) are before the fade, [a, b) inside, [b, n) after. */
  a = s <= p ? 0 : (s >= end ? n : (size_t) (s - p));
  b = e <= p ? 0 : (e >= end ? n : (size_t) (e - p));

  if (in)
    fill_zeros (env, a);
  else
    fill_zeros (env + b, n - b);

  if (b > a)
    {
      double inv_len = 1.0 / (double) fade->length;
      double x0 = (double) (p + (int64_t) a - s) * inv_len;

      if (in)
        multiply_curve (fade->curve, x0, inv_len, env + a, b - a);
      else
        multiply_curve (fade->curve, 1.0 - x0, -inv_len, env + a, b - a);
    }
}

LqGain *
lq_gain_new (unsigned channels, double rate)
{
  LqGain *self;

  if (channels < 1 || channels > 2 || !(rate >= 8000.0 && rate <= 384000.0))
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->rate = rate;
  lq_smoother_init (&self->gain, 1.0, LQ_GAIN_SMOOTH_MS, rate);
  self->fade_in.curve = LQ_FADE_LINEAR;
  self->fade_out.curve = LQ_FADE_LINEAR;
  return self;
}

void
lq_gain_free (LqGain *self)
{
  free (self);
}

void
lq_gain_set_gain_db (LqGain *self, double db)
{
  if (isnan (db))
    return;
  if (db > LQ_GAIN_MAX_DB)
    db = LQ_GAIN_MAX_DB;
  lq_smoother_set (&self->gain, db < LQ_GAIN_MIN_DB ? 0.0 : lq_db_to_gain (db));
}

void
lq_gain_snap (LqGain *self)
{
  lq_smoother_jump (&self->gain, self->gain.target);
}

static void
set_fade (Fade *fade, int64_t start, int64_t length, LqFadeCurve curve)
{
  fade->start = start;
  fade->length = length > 0 ? length : 0;
  fade->curve = (unsigned) curve < LQ_FADE_N_CURVES ? curve : LQ_FADE_LINEAR;
}

void
lq_gain_set_fade_in (LqGain *self, int64_t start, int64_t length, LqFadeCurve curve)
{
  set_fade (&self->fade_in, start, length, curve);
}

void
lq_gain_set_fade_out (LqGain *self, int64_t start, int64_t length, LqFadeCurve curve)
{
  set_fade (&self->fade_out, start, length, curve);
}

void
lq_gain_set_position (LqGain *self, int64_t position)
{
  self->position = position;
}

int64_t
lq_gain_get_position (const LqGain *self)
{
  return self->position;
}

double
lq_gain_envelope_at (const LqGain *self, int64_t p)
{
  double g = 1.0;
  const Fade *in = &self->fade_in, *out = &self->fade_out;

  if (in->length > 0)
    g *= lq_fade_curve (in->curve, (double) (p - in->start) / (double) in->length);
  if (out->length > 0)
    g *= lq_fade_curve (out->curve, 1.0 - (double) (p - out->start) / (double) out->length);
  return g;
}

void
lq_gain_reset (LqGain *self)
{
  lq_gain_snap (self);
}

/* out = finite (x) ? x * g : 0 over n interleaved samples. */
static void
scale_const (float *x, size_t n, float g)
{
  for (size_t i = 0; i < n; i++)
    x[i] = isfinite (x[i]) ? x[i] * g : 0.0f;
}

void
lq_gain_process (LqGain *self, float *interleaved, size_t frames)
{
  const unsigned ch = self->channels;
  LqSmoother sm = self->gain;
  int64_t p = self->position;
  double *env = self->env;

  for (size_t done = 0; done < frames;)
    {
      size_t n = frames - done < LQ_GAIN_ANCHOR ? frames - done : LQ_GAIN_ANCHOR;
      float *x = interleaved + done * ch;
      int active = 0;

      apply_fade (&self->fade_in, 1, p, n, env, &active);
      apply_fade (&self->fade_out, 0, p, n, env, &active);

      if (lq_smoother_settled (&sm) && !active)
        {
          /* The common case: a constant gain (at 0 dB, x * 1.0f is exact). */
          scale_const (x, n * ch, (float) sm.current);
        }
      else if (lq_smoother_settled (&sm))
        {
          const double g = sm.current;

          if (ch == 2)
            for (size_t i = 0; i < n; i++)
              {
                float gi = (float) (g * env[i]);
                x[2 * i] = isfinite (x[2 * i]) ? x[2 * i] * gi : 0.0f;
                x[2 * i + 1] = isfinite (x[2 * i + 1]) ? x[2 * i + 1] * gi : 0.0f;
              }
          else
            for (size_t i = 0; i < n; i++)
              x[i] = isfinite (x[i]) ? x[i] * (float) (g * env[i]) : 0.0f;
        }
      else
        {
          for (size_t i = 0; i < n; i++)
            {
              float gi = (float) (lq_smoother_next (&sm) * (active ? env[i] : 1.0));
              for (unsigned c = 0; c < ch; c++)
                {
                  float v = x[i * ch + c];
                  x[i * ch + c] = isfinite (v) ? v * gi : 0.0f;
                }
            }
        }

      p += (int64_t) n;
      done += n;
    }

  self->gain = sm;
  self->position = p;
}
