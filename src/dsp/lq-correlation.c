/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Phase correlation, mid/side levels and the goniometer scope: see lq-correlation.h. */
#include "lq-correlation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCOPE_MASK (LQ_CORRELATION_SCOPE_POINTS - 1)

struct LqCorrelation
{
  /* Settings */
  double rate;         /* sample rate in Hz */
  unsigned channels;   /* 1 or 2 */
  double coeff;        /* per-sample weight of the old average: exp (-1 / (tau rate)) */
  unsigned decimation; /* scope keeps one frame in this many */

  /* Running averages (exponential) */
  double ll; /* <L^2> */
  double rr; /* <R^2> */
  double lr; /* <L R> */

  /* Integrated sums since the reset */
  double sum_ll;  /* sum of L^2 */
  double sum_rr;  /* sum of R^2 */
  double sum_lr;  /* sum of L R */
  uint64_t count; /* frames summed */

  /* Scope */
  float *scope;        /* LQ_CORRELATION_SCOPE_POINTS (L, R) pairs, a power-of-two ring */
  uint64_t written;    /* pairs ever written; the next goes to written & SCOPE_MASK */
  uint64_t taken;      /* value of `written` at the last lq_correlation_take_scope() */
  unsigned skip;       /* frames to skip before the next scope point */
};

LqCorrelation *
lq_correlation_new (double rate, unsigned channels)
{
  LqCorrelation *self;

  if (!(rate >= 8000.0 && rate <= 384000.0) || channels < 1 || channels > 2)
    return NULL;
  self = calloc (1, sizeof (LqCorrelation));
  if (self == NULL)
    return NULL;
  self->scope = calloc (2 * LQ_CORRELATION_SCOPE_POINTS, sizeof (float));
  if (self->scope == NULL)
    {
      free (self);
      return NULL;
    }
  self->rate = rate;
  self->channels = channels;
  self->decimation = 1;
  lq_correlation_set_time_constant (self, 300.0);
  return self;
}

void
lq_correlation_free (LqCorrelation *self)
{
  if (self == NULL)
    return;
  free (self->scope);
  free (self);
}

void
lq_correlation_set_time_constant (LqCorrelation *self, double ms)
{
  if (!(ms >= 1.0))
    ms = 1.0;
  if (ms > 60000.0)
    ms = 60000.0;
  self->coeff = exp (-1.0 / (ms * 0.001 * self->rate));
}

void
lq_correlation_set_scope_decimation (LqCorrelation *self, unsigned decimation)
{
  self->decimation = decimation < 1 ? 1 : decimation;
  if (self->skip >= self->decimation)
    self->skip = self->decimation - 1;
}

void
lq_correlation_process (LqCorrelation *self, const float *interleaved, size_t frames)
{
  /* Work on locals, store back at the end. */
  const unsigned ch = self->channels;
  const double a = self->coeff, b = 1.0 - a;
  double ll = self->ll, rr = self->rr, lr = self->lr;
  double sll = 0.0, srr = 0.0, slr = 0.0; /* this block's sums, added once (less rounding) */
  uint64_t written = self->written;
  unsigned skip = self->skip;

  for (size_t i = 0; i < frames; i++)
    {
      double l = 0.0, r = 0.0;

      if (interleaved != NULL)
        {
          float x = interleaved[i * ch];
          float y = interleaved[i * ch + ch - 1];
          l = isfinite (x) ? x : 0.0;
          r = isfinite (y) ? y : 0.0;
        }
      ll = a * ll + b * l * l;
      rr = a * rr + b * r * r;
      lr = a * lr + b * l * r;
      sll += l * l;
      srr += r * r;
      slr += l * r;

      if (skip == 0)
        {
          float *p = self->scope + 2 * (written & SCOPE_MASK);
          p[0] = (float) l;
          p[1] = (float) r;
          written++;
          skip = self->decimation;
        }
      skip--;
    }

  /* In a long silence the averages decay towards denormals: stop them at zero. */
  self->ll = ll < 1e-30 ? 0.0 : ll;
  self->rr = rr < 1e-30 ? 0.0 : rr;
  self->lr = fabs (lr) < 1e-30 ? 0.0 : lr;
  self->sum_ll += sll;
  self->sum_rr += srr;
  self->sum_lr += slr;
  self->count += frames;
  self->written = written;
  self->skip = skip;
}

void
lq_correlation_reset (LqCorrelation *self)
{
  self->ll = self->rr = self->lr = 0.0;
  self->sum_ll = self->sum_rr = self->sum_lr = 0.0;
  self->count = 0;
  self->written = self->taken = 0;
  self->skip = 0;
}

static double
correlation_of (double ll, double rr, double lr)
{
  double c;

  if (ll < LQ_CORRELATION_SILENCE || rr < LQ_CORRELATION_SILENCE)
    return 0.0;
  c = lr / sqrt (ll * rr);
  return c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
}

static double
ms_to_db (double ms)
{
  return ms > 0.0 ? 10.0 * log10 (ms) : -INFINITY;
}

double
lq_correlation_get_correlation (const LqCorrelation *self)
{
  return correlation_of (self->ll, self->rr, self->lr);
}

double
lq_correlation_get_mid_db (const LqCorrelation *self)
{
  return ms_to_db ((self->ll + 2.0 * self->lr + self->rr) * 0.25);
}

double
lq_correlation_get_side_db (const LqCorrelation *self)
{
  return ms_to_db ((self->ll - 2.0 * self->lr + self->rr) * 0.25);
}

double
lq_correlation_get_integrated_correlation (const LqCorrelation *self)
{
  double n = self->count > 0 ? (double) self->count : 1.0;

  return correlation_of (self->sum_ll / n, self->sum_rr / n, self->sum_lr / n);
}

double
lq_correlation_get_integrated_mid_db (const LqCorrelation *self)
{
  double n = self->count > 0 ? (double) self->count : 1.0;

  return ms_to_db ((self->sum_ll + 2.0 * self->sum_lr + self->sum_rr) * 0.25 / n);
}

double
lq_correlation_get_integrated_side_db (const LqCorrelation *self)
{
  double n = self->count > 0 ? (double) self->count : 1.0;

  return ms_to_db ((self->sum_ll - 2.0 * self->sum_lr + self->sum_rr) * 0.25 / n);
}

size_t
lq_correlation_take_scope (LqCorrelation *self, float *xy, size_t max_points)
{
  uint64_t n = self->written - self->taken;
  uint64_t start;

  if (n > LQ_CORRELATION_SCOPE_POINTS)
    n = LQ_CORRELATION_SCOPE_POINTS;
  if (n > max_points)
    n = max_points;
  start = self->written - n;
  for (uint64_t i = 0; i < n; i++)
    {
      const float *p = self->scope + 2 * ((start + i) & SCOPE_MASK);
      xy[2 * i] = p[0];
      xy[2 * i + 1] = p[1];
    }
  self->taken = self->written;
  return (size_t) n;
}
