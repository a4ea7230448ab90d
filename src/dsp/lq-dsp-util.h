/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Small inline helpers shared by the DSP kernels: level conversions, denormal guards and a
 * one-pole parameter smoother. Plain C, no GLib, safe to call from a process loop.
 */
#pragma once

#include <math.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LQ_PI 3.14159265358979323846

/* A tiny offset added to recursive state so that decaying filters never reach denormal
 * numbers (they are 100x slower on x86). Far below 24-bit resolution (-400 dBFS). */
#define LQ_DENORMAL_GUARD 1e-20f

static inline double
lq_db_to_gain (double db)
{
  return pow (10.0, db / 20.0);
}

static inline double
lq_gain_to_db (double gain)
{
  return gain > 0.0 ? 20.0 * log10 (gain) : -INFINITY;
}

static inline float
lq_flush_denormal (float x)
{
  return fabsf (x) < 1e-30f ? 0.0f : x;
}

/* One-pole smoother for parameter changes: reaches 99.9 % of a step in about `ms`. */
typedef struct
{
  double current; /* value applied to the last sample */
  double target;  /* value asked for */
  double coeff;   /* per-sample approach factor, 0 = jump at once */
} LqSmoother;

static inline void
lq_smoother_init (LqSmoother *s, double value, double ms, double rate)
{
  s->current = value;
  s->target = value;
  s->coeff = ms > 0.0 ? exp (-6.907755278982137 / (ms * 0.001 * rate)) : 0.0;
}

static inline void
lq_smoother_set (LqSmoother *s, double target)
{
  s->target = target;
}

static inline void
lq_smoother_jump (LqSmoother *s, double value)
{
  s->current = s->target = value;
}

static inline double
lq_smoother_next (LqSmoother *s)
{
  s->current = s->target + (s->current - s->target) * s->coeff;
  if (fabs (s->current - s->target) < 1e-9)
    s->current = s->target;
  return s->current;
}

static inline int
lq_smoother_settled (const LqSmoother *s)
{
  return s->current == s->target;
}

/* Whether any of the n floats is NaN or infinite (a vectorizable scan of the exponent bits). */
static inline int
lq_has_nonfinite (const float *x, size_t n)
{
  const unsigned *bits = (const unsigned *) (const void *) x;
  unsigned bad = 0;

  for (size_t i = 0; i < n; i++)
    bad |= (bits[i] & 0x7f800000u) == 0x7f800000u;
  return bad != 0;
}

/* Flush-to-zero / denormals-are-zero for the calling thread while a process call runs:
 * `state = lq_denormals_off ()` ... `lq_denormals_restore (state)`. A no-op off x86. */
unsigned lq_denormals_off (void);
void lq_denormals_restore (unsigned state);

#ifdef __cplusplus
}
#endif
