/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqImager: mid/side width per band, mono bass and balance (see lq-imager.h). The work runs in
 * chunks of CHUNK frames: mid/side, the band split, the weighted sums, the mono-below split and
 * back to left/right, each a short loop over buffers that stay in the cache.
 */
#include "lq-imager.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lq-crossover.h"
#include "lq-dsp-util.h"

#define CHUNK 256

struct _LqImager
{
  unsigned channels;                 /* 1 or 2, interleaved */
  double rate;                       /* sample rate, Hz */

  /* Settings */
  unsigned n_req;                    /* bands asked for, 1..3 */
  double width[LQ_IMAGER_MAX_BANDS]; /* width asked for per band */
  double mono_hz;                    /* mono-below frequency, 0 = off */
  double balance;                    /* -1..1 */

  /* The running topology (changes only while the output is fully dry) */
  int running;                       /* the wet path is live (its filters hold valid state) */
  unsigned n_run;                    /* bands running */
  int mono_run;                      /* mono-below split running */
  LqCrossover *xo;                   /* band split of (M, S), used with 2 or 3 bands */
  LqCrossover *mono;                 /* mono-below split of (M', S') */

  /* Smoothing */
  double pole;                       /* per-frame pole of the width and balance smoothing */
  float fade_step;                   /* 1 / fade length in frames */
  float w_cur[LQ_IMAGER_MAX_BANDS];  /* width reached per band */
  float bal_cur;                     /* balance reached */
  float dry;                         /* fade position: 0 wet .. 1 dry input */

  /* Scratch, CHUNK frames of two channels each */
  float *ms;                         /* (M, S), then (M', S') and (M'', S'') */
  float *band[LQ_IMAGER_MAX_BANDS];  /* the bands of (M, S) */
  float *split[2];                   /* low and high band of the mono-below split */
};

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

LqImager *
lq_imager_new (unsigned channels, double rate, unsigned n_bands)
{
  LqImager *self;

  if (channels < 1 || channels > 2 || !(rate >= 8000.0 && rate <= 384000.0) || n_bands < 1
      || n_bands > LQ_IMAGER_MAX_BANDS)
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->rate = rate;
  self->n_req = self->n_run = n_bands;
  self->pole = exp (-6.907755278982137 / (LQ_IMAGER_SMOOTH_MS * 0.001 * rate));
  self->fade_step = (float) (1.0 / (LQ_IMAGER_FADE_MS * 0.001 * rate));
  self->dry = 1.0f;
  for (unsigned b = 0; b < LQ_IMAGER_MAX_BANDS; b++)
    self->width[b] = self->w_cur[b] = 1.0f;
  self->xo = lq_crossover_new (2, rate, 3);
  self->mono = lq_crossover_new (2, rate, 2);
  self->ms = calloc (CHUNK * 2, sizeof (float));
  if (self->xo == NULL || self->mono == NULL || self->ms == NULL)
    goto fail;
  lq_crossover_set_frequency (self->xo, 0, 120.0);
  lq_crossover_set_frequency (self->xo, 1, 2000.0);
  lq_crossover_set_frequency (self->mono, 0, 120.0);
  lq_crossover_snap (self->xo);
  lq_crossover_snap (self->mono);
  for (unsigned b = 0; b < LQ_IMAGER_MAX_BANDS; b++)
    if ((self->band[b] = calloc (CHUNK * 2, sizeof (float))) == NULL)
      goto fail;
  for (unsigned b = 0; b < 2; b++)
    if ((self->split[b] = calloc (CHUNK * 2, sizeof (float))) == NULL)
      goto fail;
  return self;

fail:
  lq_imager_free (self);
  return NULL;
}

void
lq_imager_free (LqImager *self)
{
  if (self == NULL)
    return;
  lq_crossover_free (self->xo);
  lq_crossover_free (self->mono);
  free (self->ms);
  for (unsigned b = 0; b < LQ_IMAGER_MAX_BANDS; b++)
    free (self->band[b]);
  for (unsigned b = 0; b < 2; b++)
    free (self->split[b]);
  free (self);
}

int
lq_imager_set_n_bands (LqImager *self, unsigned n_bands)
{
  if (n_bands < 1 || n_bands > LQ_IMAGER_MAX_BANDS)
    return 0;
  self->n_req = n_bands;
  return 1;
}

unsigned
lq_imager_get_n_bands (const LqImager *self)
{
  return self->n_req;
}

void
lq_imager_set_crossover (LqImager *self, unsigned index, double hz)
{
  if (index < LQ_IMAGER_MAX_BANDS - 1)
    lq_crossover_set_frequency (self->xo, index, hz);
}

void
lq_imager_set_width (LqImager *self, unsigned band, double width)
{
  if (band >= LQ_IMAGER_MAX_BANDS || isnan (width))
    return;
  self->width[band] = width < 0.0 ? 0.0 : width > LQ_IMAGER_MAX_WIDTH ? LQ_IMAGER_MAX_WIDTH : width;
}

void
lq_imager_set_mono_below (LqImager *self, double hz)
{
  if (isnan (hz))
    return;
  if (hz <= 0.0)
    {
      self->mono_hz = 0.0;
      return;
    }
  self->mono_hz = hz < 10.0 ? 10.0 : hz > 1000.0 ? 1000.0 : hz;
  lq_crossover_set_frequency (self->mono, 0, self->mono_hz);
}

void
lq_imager_set_balance (LqImager *self, double balance)
{
  if (isnan (balance))
    return;
  self->balance = balance < -1.0 ? -1.0 : balance > 1.0 ? 1.0 : balance;
}

static int
is_identity (const LqImager *self)
{
  if (self->mono_hz > 0.0 || self->balance != 0.0)
    return 0;
  for (unsigned b = 0; b < self->n_req; b++)
    if (self->width[b] != 1.0)
      return 0;
  return 1;
}

static int
topology_ok (const LqImager *self)
{
  return self->running && self->n_run == self->n_req && self->mono_run == (self->mono_hz > 0.0);
}

/* Starts the wet path with the topology asked for (only while the output is dry). */
static void
switch_topology (LqImager *self)
{
  self->n_run = self->n_req;
  self->mono_run = self->mono_hz > 0.0;
  if (self->n_run >= 2)
    lq_crossover_set_n_bands (self->xo, self->n_run);
  lq_crossover_reset (self->xo);
  lq_crossover_reset (self->mono);
  lq_crossover_snap (self->xo);
  lq_crossover_snap (self->mono);
  for (unsigned b = 0; b < LQ_IMAGER_MAX_BANDS; b++)
    self->w_cur[b] = (float) self->width[b];
  self->bal_cur = (float) self->balance;
  self->running = 1;
}

void
lq_imager_snap (LqImager *self)
{
  if (self->channels != 2)
    return;
  if (is_identity (self))
    {
      self->running = 0;
      self->dry = 1.0f;
    }
  else
    {
      switch_topology (self);
      self->dry = 0.0f;
    }
}

void
lq_imager_reset (LqImager *self)
{
  lq_crossover_reset (self->xo);
  lq_crossover_reset (self->mono);
}

static inline float
smoothstep (float d)
{
  return d * d * (3.0f - 2.0f * d);
}

static inline float
approach (float cur, double target, double pole)
{
  double v = target + (cur - target) * pole;

  return fabs (v - target) < 1e-6 ? (float) target : (float) v;
}

static void
process_chunk (LqImager *self, float *x, size_t m)
{
  float *ms = self->ms;
  const int identity = is_identity (self);
  float target_dry, w0[LQ_IMAGER_MAX_BANDS], dw[LQ_IMAGER_MAX_BANDS], b0, db;
  double pole;

  if (self->dry >= 1.0f)
    {
      if (identity)
        {
          /* Transparent: nothing to do, and the filters start afresh when it ends. */
          self->running = 0;
          return;
        }
      if (!topology_ok (self))
        switch_topology (self);
    }
  target_dry = identity || !topology_ok (self) ? 1.0f : 0.0f;

  /* Width and balance ramps across the chunk towards their smoothed values. */
  pole = pow (self->pole, (double) m);
  for (unsigned b = 0; b < self->n_run; b++)
    {
      w0[b] = self->w_cur[b];
      self->w_cur[b] = approach (self->w_cur[b], self->width[b], pole);
      dw[b] = (self->w_cur[b] - w0[b]) / (float) m;
    }
  b0 = self->bal_cur;
  self->bal_cur = approach (self->bal_cur, self->balance, pole);
  db = (self->bal_cur - b0) / (float) m;

  for (size_t i = 0; i < m; i++)
    {
      ms[2 * i] = 0.5f * (x[2 * i] + x[2 * i + 1]);
      ms[2 * i + 1] = 0.5f * (x[2 * i] - x[2 * i + 1]);
    }

  /* Width per band. */
  if (self->n_run == 1)
    for (size_t i = 0; i < m; i++)
      ms[2 * i + 1] *= w0[0] + (float) (i + 1) * dw[0];
  else
    {
      const float *p0 = self->band[0], *p1 = self->band[1], *p2 = self->band[2];

      lq_crossover_process (self->xo, ms, self->band, m);
      if (self->n_run == 2)
        for (size_t i = 0; i < m; i++)
          {
            float k = (float) (i + 1);

            ms[2 * i] = p0[2 * i] + p1[2 * i];
            ms[2 * i + 1] = (w0[0] + k * dw[0]) * p0[2 * i + 1] + (w0[1] + k * dw[1]) * p1[2 * i + 1];
          }
      else
        for (size_t i = 0; i < m; i++)
          {
            float k = (float) (i + 1);

            ms[2 * i] = p0[2 * i] + p1[2 * i] + p2[2 * i];
            ms[2 * i + 1] = (w0[0] + k * dw[0]) * p0[2 * i + 1] + (w0[1] + k * dw[1]) * p1[2 * i + 1]
                            + (w0[2] + k * dw[2]) * p2[2 * i + 1];
          }
    }

  /* Mono below: the side signal keeps only its high band. */
  if (self->mono_run)
    {
      const float *lo = self->split[0], *hi = self->split[1];

      lq_crossover_process (self->mono, ms, self->split, m);
      for (size_t i = 0; i < m; i++)
        {
          ms[2 * i] = lo[2 * i] + hi[2 * i];
          ms[2 * i + 1] = hi[2 * i + 1];
        }
    }

  /* Back to left/right, balance, and the fade against the dry input. */
  if (db == 0.0f && b0 == 0.0f && self->dry == 0.0f && target_dry == 0.0f)
    for (size_t i = 0; i < m; i++)
      {
        x[2 * i] = ms[2 * i] + ms[2 * i + 1];
        x[2 * i + 1] = ms[2 * i] - ms[2 * i + 1];
      }
  else
    for (size_t i = 0; i < m; i++)
      {
        float bal = b0 + (float) (i + 1) * db;
        float gl = bal > 0.0f ? 1.0f - bal : 1.0f, gr = bal < 0.0f ? 1.0f + bal : 1.0f;
        float l = (ms[2 * i] + ms[2 * i + 1]) * gl, r = (ms[2 * i] - ms[2 * i + 1]) * gr, d;

        if (self->dry != target_dry)
          self->dry = self->dry < target_dry ? min_f (target_dry, self->dry + self->fade_step)
                                             : max_f (target_dry, self->dry - self->fade_step);
        d = smoothstep (self->dry);
        x[2 * i] = l + d * (x[2 * i] - l);
        x[2 * i + 1] = r + d * (x[2 * i + 1] - r);
      }
  if (self->dry >= 1.0f && identity)
    self->running = 0;
}

void
lq_imager_process (LqImager *self, float *interleaved, size_t frames)
{
  size_t n = frames * self->channels;
  unsigned fpu;

  if (self->channels != 2 || (self->dry >= 1.0f && is_identity (self)))
    {
      self->running = 0;
      return; /* bit-transparent */
    }
  fpu = lq_denormals_off ();
  if (lq_has_nonfinite (interleaved, n))
    for (size_t i = 0; i < n; i++)
      if (!isfinite (interleaved[i]))
        interleaved[i] = 0.0f;
  for (size_t off = 0; off < frames; off += CHUNK)
    process_chunk (self, interleaved + off * 2, frames - off < CHUNK ? frames - off : CHUNK);
  lq_denormals_restore (fpu);
}
