/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Second-order sections (biquads) for equalisers and crossovers, designed to match the
 * magnitude of their analogue prototypes up to Nyquist (no "cramping" of bells and shelves
 * near fs/2), after M. Vicanek, "Matched Second Order Digital Filters" (2016):
 * poles by impulse invariance, zeros by matching |H|^2 at chosen frequencies.
 *
 * The analogue prototypes, with s = j f / f0 and A = 10^(gain_db / 40):
 *   bell        H(s) = (s^2 + s A/Q + 1) / (s^2 + s/(A Q) + 1)      peak/dip of gain_db at f0
 *   low shelf   H(s) = A (s^2 + s sqrt(A)/Q + A) / (A s^2 + s sqrt(A)/Q + 1)   gain_db at DC
 *   high shelf  H(s) = A (A s^2 + s sqrt(A)/Q + 1) / (s^2 + s sqrt(A)/Q + A)   gain_db at HF
 *   high pass   Butterworth of order n = slope / 6: prod_k s^2 / (s^2 + s/Q_k + 1) (n = 1: s/(s+1))
 *   low pass    Butterworth of order n = slope / 6: prod_k 1 / (s^2 + s/Q_k + 1)   (n = 1: 1/(s+1))
 * with Q_k = 1 / (2 cos((2k - 1) pi / (2n))), k = 1..n/2. For the passes, q is a resonance:
 * the section with the highest Q_k has it multiplied by q / sqrt(1/2), so q = 0.7071 is a
 * pure Butterworth and, at 12 dB/oct, the single section's Q is q itself.
 *
 * Coefficients are for y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2].
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A band with the steepest slope (48 dB/oct) needs this many sections. */
#define LQ_BIQUAD_MAX_SECTIONS 4

typedef enum
{
  LQ_BIQUAD_BELL,
  LQ_BIQUAD_LOW_SHELF,
  LQ_BIQUAD_HIGH_SHELF,
  LQ_BIQUAD_HIGH_PASS,
  LQ_BIQUAD_LOW_PASS,
} LqBiquadType;

typedef struct
{
  double b0, b1, b2; /* numerator (feed-forward) */
  double a1, a2;     /* denominator (feedback), a0 = 1 */
} LqBiquad;

/* Direct form I state of one section for one channel. */
typedef struct
{
  double x1, x2; /* last two inputs */
  double y1, y2; /* last two outputs */
} LqBiquadState;

/* Limits that the design clamps its arguments to. */
#define LQ_BIQUAD_MIN_FREQ 5.0     /* Hz */
#define LQ_BIQUAD_MAX_FREQ_RATIO 0.49 /* of the sample rate */
#define LQ_BIQUAD_MIN_Q 0.1
#define LQ_BIQUAD_MAX_Q 40.0
#define LQ_BIQUAD_MAX_GAIN_DB 48.0

/* Designs one band as a cascade of sections. slope (dB/oct: 6, 12, 24, 36 or 48) matters for
 * the passes only; gain_db for bells and shelves only. Out-of-range values are clamped.
 * Returns the number of sections written to `sections` (1..LQ_BIQUAD_MAX_SECTIONS). A bell or
 * shelf at 0 dB gives one exact identity section. Uses libm: not for every sample. */
unsigned lq_biquad_design (LqBiquad *sections, LqBiquadType type, double rate, double freq,
                           double gain_db, double q, unsigned slope);

/* The number of sections lq_biquad_design() gives for this type and slope. */
unsigned lq_biquad_n_sections (LqBiquadType type, unsigned slope);

/* Rounds a slope in dB/oct to one that is supported (6, 12, 24, 36, 48). */
unsigned lq_biquad_valid_slope (unsigned slope);

/* The exact identity section: b0 = 1, everything else 0. */
void lq_biquad_set_identity (LqBiquad *section);
int lq_biquad_is_identity (const LqBiquad *section);

/* Complex response of a section at `freq` Hz: H(e^{j 2 pi freq / rate}). */
void lq_biquad_response (const LqBiquad *section, double rate, double freq, double *re,
                         double *im);

/* |H|^2 of a section as a function of s = sin^2(w / 2), which a caller can tabulate once per
 * frequency grid: |H|^2 = (n0 + n1 s + n2 s^2) / (d0 + d1 s + d2 s^2). */
typedef struct
{
  double n0, n1, n2; /* numerator polynomial in s */
  double d0, d1, d2; /* denominator polynomial in s */
} LqBiquadPower;

void lq_biquad_power (const LqBiquad *section, LqBiquadPower *power);

static inline double
lq_biquad_power_eval (const LqBiquadPower *p, double s)
{
  return (p->n0 + s * (p->n1 + s * p->n2)) / (p->d0 + s * (p->d1 + s * p->d2));
}

/* Filters `frames` samples of one channel in place (stride: distance between samples, 1 for
 * mono, 2 for one channel of interleaved stereo) through one section. A plain reference loop
 * for other kernels (side-chain filters and the like); LqEq has faster cascades of its own. */
void lq_biquad_process (const LqBiquad *section, LqBiquadState *state, float *data,
                        size_t frames, size_t stride);

void lq_biquad_state_reset (LqBiquadState *state);

#ifdef __cplusplus
}
#endif
