/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Magnitude-matched second-order sections (M. Vicanek, "Matched Second Order Digital
 * Filters", 2016). The poles are the analogue poles mapped by impulse invariance,
 * z = exp(s T), which keeps their frequency and damping without the frequency warping of the
 * bilinear transform. The numerator is then found from its power spectrum: with
 * s = sin^2(w/2), phi0 = 1 - s, phi1 = s, phi2 = 4 s (1 - s), any section has
 *   |B(e^jw)|^2 = B0 phi0 + B1 phi1 + B2 phi2,
 *   B0 = (b0 + b1 + b2)^2, B1 = (b0 - b1 + b2)^2, B2 = -4 b0 b2,
 * so three conditions on |H|^2 (its value at DC, at Nyquist, at f0, or its slope at f0) fix
 * B0, B1, B2, and the minimum-phase b0, b1, b2 follow in closed form.
 *
 * Which conditions, per type (the choice that measured best against the prototypes):
 *   bell: DC, the peak value and a zero slope at f0 (Vicanek's peaking EQ). A cut is the
 *         exact inverse of the boost by the same amount, as for the analogue prototype.
 *   shelves: DC, f0 and Nyquist. The section is designed in the orientation whose poles lie
 *         below its zeros (low-shelf boost, high-shelf cut) and inverted for the other, so
 *         the impulse-invariant poles never sit above Nyquist.
 *   passes: Vicanek's low pass (DC and f0, b2 = 0) and high pass (double zero at DC, f0).
 */
#include "lq-biquad.h"

#include <math.h>

#include "lq-dsp-util.h"

/* An analogue biquad (n2 s^2 + n1 s + n0) / (d2 s^2 + d1 s + d0), frequency normalised to f0. */
typedef struct
{
  double n0, n1, n2; /* numerator */
  double d0, d1, d2; /* denominator */
} Prototype;

/* Digital denominator of the matched poles and its power spectrum coefficients. */
typedef struct
{
  double a1, a2;     /* denominator 1 + a1 z^-1 + a2 z^-2 */
  double A0, A1, A2; /* its power spectrum: A0 phi0 + A1 phi1 + A2 phi2 */
} Poles;

static void
poles_match (Poles *p, double wp, double qp)
{
  double zeta = 0.5 / qp;

  if (zeta < 1.0)
    p->a1 = -2.0 * exp (-zeta * wp) * cos (wp * sqrt (1.0 - zeta * zeta));
  else
    p->a1 = -2.0 * exp (-zeta * wp) * cosh (wp * sqrt (zeta * zeta - 1.0));
  p->a2 = exp (-2.0 * zeta * wp);
  p->A0 = (1.0 + p->a1 + p->a2) * (1.0 + p->a1 + p->a2);
  p->A1 = (1.0 - p->a1 + p->a2) * (1.0 - p->a1 + p->a2);
  p->A2 = -4.0 * p->a2;
}

/* The denominator's power at s = sin^2(w/2). */
static double
poles_power (const Poles *p, double s)
{
  return p->A0 * (1.0 - s) + p->A1 * s + p->A2 * 4.0 * (1.0 - s) * s;
}

/* |H(j W)|^2 of the prototype at normalised frequency W = f / f0. */
static double
prototype_power (const Prototype *p, double w)
{
  double nr = p->n0 - p->n2 * w * w, ni = p->n1 * w;
  double dr = p->d0 - p->d2 * w * w, di = p->d1 * w;

  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

/* Minimum-phase numerator from its power spectrum coefficients. Negative powers (which an
 * unreachable target can ask for) are clamped to the nearest realisable numerator. */
static void
numerator_from_power (LqBiquad *bq, double B0, double B1, double B2)
{
  double r0 = sqrt (fmax (B0, 0.0));
  double r1 = sqrt (fmax (B1, 0.0));
  double w = 0.5 * (r0 + r1);
  double disc = fmax (w * w + B2, 0.0);

  bq->b0 = 0.5 * (w + sqrt (disc));
  bq->b1 = 0.5 * (r0 - r1);
  bq->b2 = bq->b0 > 0.0 ? -B2 / (4.0 * bq->b0) : 0.0;
}

/* 1 / H: swaps numerator and denominator. Valid because our numerators are minimum phase. */
static void
section_invert (LqBiquad *bq)
{
  double g = 1.0 / bq->b0;
  LqBiquad inv = { g, bq->a1 * g, bq->a2 * g, bq->b1 * g, bq->b2 * g };

  *bq = inv;
}

/* Boost bell (A >= 1): the peak of A^4 = G^2 in power at w0 with zero slope there. */
static void
design_bell_boost (LqBiquad *bq, double w0, double a, double q)
{
  Poles p;
  double s0 = sin (0.5 * w0) * sin (0.5 * w0);
  double g2 = a * a * a * a;
  double r1, r2, B0, B1, B2;

  poles_match (&p, w0, a * q);
  r1 = poles_power (&p, s0) * g2;
  r2 = (-p.A0 + p.A1 + 4.0 * (1.0 - 2.0 * s0) * p.A2) * g2;
  B0 = p.A0;
  B2 = (r1 - r2 * s0 - B0) / (4.0 * s0 * s0);
  B1 = r2 + B0 + 4.0 * (2.0 * s0 - 1.0) * B2;
  numerator_from_power (bq, B0, B1, B2);
  bq->a1 = p.a1;
  bq->a2 = p.a2;
}

/* Any prototype matched at DC, at f0 and at Nyquist. */
static void
design_three_point (LqBiquad *bq, const Prototype *proto, double w0)
{
  Poles p;
  double wp = sqrt (proto->d0 / proto->d2);
  double qp = wp * proto->d2 / proto->d1;
  double s0 = sin (0.5 * w0) * sin (0.5 * w0);
  double B0, B1, B2;

  poles_match (&p, wp * w0, qp);
  B0 = p.A0 * prototype_power (proto, 0.0);
  B1 = p.A1 * prototype_power (proto, LQ_PI / w0);
  B2 = (poles_power (&p, s0) * prototype_power (proto, 1.0) - B0 * (1.0 - s0) - B1 * s0)
       / (4.0 * (1.0 - s0) * s0);
  numerator_from_power (bq, B0, B1, B2);
  bq->a1 = p.a1;
  bq->a2 = p.a2;
}

static void
design_low_shelf (LqBiquad *bq, double w0, double a, double q)
{
  /* A < 1 is the inverse of the boost by 1/A. */
  double b = a >= 1.0 ? a : 1.0 / a;
  double sb = sqrt (b);
  Prototype proto = { b * b, b * sb / q, b, 1.0, sb / q, b };

  design_three_point (bq, &proto, w0);
  if (a < 1.0)
    section_invert (bq);
}

static void
design_high_shelf (LqBiquad *bq, double w0, double a, double q)
{
  /* A > 1 is the inverse of the cut by 1/A. */
  double b = a <= 1.0 ? a : 1.0 / a;
  double sb = sqrt (b);
  Prototype proto = { b, b * sb / q, b * b, b, sb / q, 1.0 };

  design_three_point (bq, &proto, w0);
  if (a > 1.0)
    section_invert (bq);
}

static void
design_low_pass2 (LqBiquad *bq, double w0, double q)
{
  Poles p;
  double s0 = sin (0.5 * w0) * sin (0.5 * w0);
  double B0, B1;

  poles_match (&p, w0, q);
  B0 = p.A0;
  B1 = (poles_power (&p, s0) * q * q - B0 * (1.0 - s0)) / s0;
  numerator_from_power (bq, B0, B1, 0.0);
  bq->b2 = 0.0;
  bq->b1 = sqrt (B0) - bq->b0;
  bq->a1 = p.a1;
  bq->a2 = p.a2;
}

static void
design_high_pass2 (LqBiquad *bq, double w0, double q)
{
  Poles p;
  double s0 = sin (0.5 * w0) * sin (0.5 * w0);

  poles_match (&p, w0, q);
  bq->b0 = q * sqrt (poles_power (&p, s0)) / (4.0 * s0);
  bq->b1 = -2.0 * bq->b0;
  bq->b2 = bq->b0;
  bq->a1 = p.a1;
  bq->a2 = p.a2;
}

/* First order: pole at -w0 by impulse invariance, numerator matched at DC and f0 (-3 dB). */
static void
design_pass1 (LqBiquad *bq, double w0, int high)
{
  double a1 = -exp (-w0);
  double s0 = sin (0.5 * w0) * sin (0.5 * w0);
  double d0 = (1.0 + a1) * (1.0 + a1) * (1.0 - s0) + (1.0 - a1) * (1.0 - a1) * s0;

  if (high)
    {
      /* b0 (1 - z^-1) has power 4 b0^2 s. */
      bq->b0 = sqrt (0.5 * d0 / (4.0 * s0));
      bq->b1 = -bq->b0;
    }
  else
    {
      double B0 = (1.0 + a1) * (1.0 + a1);
      double B1 = fmax ((0.5 * d0 - B0 * (1.0 - s0)) / s0, 0.0);

      bq->b0 = 0.5 * (sqrt (B0) + sqrt (B1));
      bq->b1 = 0.5 * (sqrt (B0) - sqrt (B1));
    }
  bq->b2 = 0.0;
  bq->a1 = a1;
  bq->a2 = 0.0;
}

unsigned
lq_biquad_valid_slope (unsigned slope)
{
  if (slope < 9)
    return 6;
  if (slope < 18)
    return 12;
  if (slope < 30)
    return 24;
  if (slope < 42)
    return 36;
  return 48;
}

unsigned
lq_biquad_n_sections (LqBiquadType type, unsigned slope)
{
  unsigned order;

  if (type != LQ_BIQUAD_HIGH_PASS && type != LQ_BIQUAD_LOW_PASS)
    return 1;
  order = lq_biquad_valid_slope (slope) / 6;
  return order == 1 ? 1 : order / 2;
}

void
lq_biquad_set_identity (LqBiquad *section)
{
  section->b0 = 1.0;
  section->b1 = section->b2 = section->a1 = section->a2 = 0.0;
}

int
lq_biquad_is_identity (const LqBiquad *section)
{
  return section->b0 == 1.0 && section->b1 == 0.0 && section->b2 == 0.0 && section->a1 == 0.0
         && section->a2 == 0.0;
}

unsigned
lq_biquad_design (LqBiquad *sections, LqBiquadType type, double rate, double freq,
                  double gain_db, double q, unsigned slope)
{
  double w0, a;
  unsigned order, n, k;

  if (!(rate > 0.0))
    rate = 48000.0;
  if (!(freq >= LQ_BIQUAD_MIN_FREQ)) /* also catches NaN */
    freq = LQ_BIQUAD_MIN_FREQ;
  if (freq > LQ_BIQUAD_MAX_FREQ_RATIO * rate)
    freq = LQ_BIQUAD_MAX_FREQ_RATIO * rate;
  if (!(q >= LQ_BIQUAD_MIN_Q))
    q = LQ_BIQUAD_MIN_Q;
  if (q > LQ_BIQUAD_MAX_Q)
    q = LQ_BIQUAD_MAX_Q;
  if (!(fabs (gain_db) <= LQ_BIQUAD_MAX_GAIN_DB))
    gain_db = isnan (gain_db) ? 0.0 : copysign (LQ_BIQUAD_MAX_GAIN_DB, gain_db);

  w0 = 2.0 * LQ_PI * freq / rate;
  a = pow (10.0, gain_db / 40.0);

  switch (type)
    {
    case LQ_BIQUAD_LOW_SHELF:
    case LQ_BIQUAD_HIGH_SHELF:
    case LQ_BIQUAD_BELL:
    default:
      if (fabs (gain_db) < 1e-9)
        lq_biquad_set_identity (&sections[0]);
      else if (type == LQ_BIQUAD_LOW_SHELF)
        design_low_shelf (&sections[0], w0, a, q);
      else if (type == LQ_BIQUAD_HIGH_SHELF)
        design_high_shelf (&sections[0], w0, a, q);
      else if (a >= 1.0)
        design_bell_boost (&sections[0], w0, a, q);
      else
        {
          design_bell_boost (&sections[0], w0, 1.0 / a, q);
          section_invert (&sections[0]);
        }
      return 1;

    case LQ_BIQUAD_HIGH_PASS:
    case LQ_BIQUAD_LOW_PASS:
      order = lq_biquad_valid_slope (slope) / 6;
      if (order == 1)
        {
          design_pass1 (&sections[0], w0, type == LQ_BIQUAD_HIGH_PASS);
          return 1;
        }
      n = order / 2;
      for (k = 1; k <= n; k++)
        {
          double qk = 0.5 / cos ((2.0 * k - 1.0) * LQ_PI / (2.0 * order));

          if (k == n) /* the highest-Q section carries the resonance */
            qk *= q * 1.4142135623730951; /* q / sqrt(1/2) */
          if (type == LQ_BIQUAD_HIGH_PASS)
            design_high_pass2 (&sections[k - 1], w0, qk);
          else
            design_low_pass2 (&sections[k - 1], w0, qk);
        }
      return n;
    }
}

void
lq_biquad_response (const LqBiquad *s, double rate, double freq, double *re, double *im)
{
  double w = 2.0 * LQ_PI * freq / rate;
  double c1 = cos (w), s1 = -sin (w), c2 = cos (2.0 * w), s2 = -sin (2.0 * w);
  double nr = s->b0 + s->b1 * c1 + s->b2 * c2, ni = s->b1 * s1 + s->b2 * s2;
  double dr = 1.0 + s->a1 * c1 + s->a2 * c2, di = s->a1 * s1 + s->a2 * s2;
  double den = dr * dr + di * di;

  *re = (nr * dr + ni * di) / den;
  *im = (ni * dr - nr * di) / den;
}

void
lq_biquad_power (const LqBiquad *s, LqBiquadPower *p)
{
  double B0 = (s->b0 + s->b1 + s->b2) * (s->b0 + s->b1 + s->b2);
  double B1 = (s->b0 - s->b1 + s->b2) * (s->b0 - s->b1 + s->b2);
  double B2 = -4.0 * s->b0 * s->b2;
  double A0 = (1.0 + s->a1 + s->a2) * (1.0 + s->a1 + s->a2);
  double A1 = (1.0 - s->a1 + s->a2) * (1.0 - s->a1 + s->a2);
  double A2 = -4.0 * s->a2;

  /* B0 (1 - s) + B1 s + 4 B2 s (1 - s) */
  p->n0 = B0;
  p->n1 = B1 - B0 + 4.0 * B2;
  p->n2 = -4.0 * B2;
  p->d0 = A0;
  p->d1 = A1 - A0 + 4.0 * A2;
  p->d2 = -4.0 * A2;
}

void
lq_biquad_state_reset (LqBiquadState *state)
{
  state->x1 = state->x2 = state->y1 = state->y2 = 0.0;
}

void
lq_biquad_process (const LqBiquad *c, LqBiquadState *state, float *data, size_t frames,
                   size_t stride)
{
  double x1 = state->x1, x2 = state->x2, y1 = state->y1, y2 = state->y2;

  for (size_t i = 0; i < frames; i++)
    {
      double x = data[i * stride];
      double y = c->b0 * x + c->b1 * x1 + c->b2 * x2 - c->a2 * y2 - c->a1 * y1;

      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      data[i * stride] = (float) y;
    }
  if (!isfinite (y1) || !isfinite (y2) || !isfinite (x1) || !isfinite (x2))
    x1 = x2 = y1 = y2 = 0.0;
  /* Flush what has decayed below any audible (or representable in float) level. */
  if (fabs (y1) < 1e-30 && fabs (y2) < 1e-30 && fabs (x1) < 1e-30 && fabs (x2) < 1e-30)
    x1 = x2 = y1 = y2 = 0.0;
  state->x1 = x1;
  state->x2 = x2;
  state->y1 = y1;
  state->y2 = y2;
}
