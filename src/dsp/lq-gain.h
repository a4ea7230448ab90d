/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqGain: sample-accurate gain with scheduled fades, for the album sequencer.
 *
 * The kernel keeps its own position: the stream sample index of the next frame it processes
 * (0 = the first sample of the stream). A fade is scheduled in those positions, so it lands on
 * the same sample however the audio is cut into blocks; after a seek the caller moves the
 * position with lq_gain_set_position() and the fade resumes at the right gain.
 *
 * Output sample at position p = in * gain(p) * fade_in(p) * fade_out(p), where, with a fade
 * from `start` S over `length` L samples and x = (p - S) / L:
 *
 *   fade_in(p)  = 0 for p < S,  lq_fade_curve (curve, x)     for S <= p < S + L,  1 after
 *   fade_out(p) = 1 for p < S,  lq_fade_curve (curve, 1 - x) for S <= p < S + L,  0 after
 *
 * so a fade-in's first sample is silent and it reaches unity exactly at S + L; a fade-out
 * leaves unity at S and its first silent sample is S + L. A length of 0 disables the fade
 * (gain 1 everywhere). Both fades may overlap (a short clip); the gains multiply.
 *
 * `gain` is in dB and smoothed (a one-pole approach, 99.9 % in LQ_GAIN_SMOOTH_MS) so moving it
 * while playing makes no click; fades are not smoothed: they are the envelope themselves.
 * At 0 dB with no fade active the output is bit-identical to the input.
 *
 * Precision: the fade envelope is evaluated without per-sample sin/pow: the kernel computes
 * the exact closed form (lq_fade_curve()) every LQ_GAIN_ANCHOR frames and runs a recurrence in
 * double precision in between (a phasor rotation for the sine shapes, a constant ratio for the
 * logarithmic one). The error against the closed form is below 1e-12 (relative to full scale),
 * far under float resolution (6e-8): the envelope is, for every purpose, exact.
 *
 * Non-finite input samples are output as 0 and do not affect later samples.
 * The kernel is thread-compatible (no locks): set parameters from the thread that processes,
 * or serialize the calls.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fade shapes, all rising from 0 at x = 0 to 1 at x = 1 (fade-outs use x -> 1 - x). */
typedef enum
{
  LQ_FADE_LINEAR,      /* x: constant amplitude rate; sums to 1 in a crossfade */
  LQ_FADE_EQUAL_POWER, /* sin (x pi / 2): in^2 + out^2 = 1 in a crossfade (constant power) */
  LQ_FADE_LOGARITHMIC, /* a straight line in dB from LQ_FADE_LOG_FLOOR_DB to 0 dB, offset so
                        * that it starts at exactly 0 (see lq_fade_curve()) */
  LQ_FADE_S_CURVE,     /* raised cosine (1 - cos (x pi)) / 2: gentle at both ends */
} LqFadeCurve;

#define LQ_FADE_N_CURVES 4

/* The level where the logarithmic curve starts (fade-in) or ends (fade-out), in dB. */
#define LQ_FADE_LOG_FLOOR_DB (-60.0)

/* Smoothing time of `gain` changes, in ms (time to reach 99.9 % of a step). */
#define LQ_GAIN_SMOOTH_MS 20.0

/* Frames between two exact evaluations of the envelope (see Precision above). */
#define LQ_GAIN_ANCHOR 1024

typedef struct _LqGain LqGain;

/* The curve itself, so the engine and the UI draw exactly what the kernel plays: the gain
 * (linear, 0..1) of a fade-in at position x in 0..1 (clamped). Closed forms, with
 * r = 10^(LQ_FADE_LOG_FLOOR_DB / 20):
 *   linear       x
 *   equal-power  sin (x pi / 2)
 *   logarithmic  (r^(1 - x) - r) / (1 - r)    (dB-linear from -60 dB, pulled to 0 at x = 0)
 *   s-curve      (1 - cos (x pi)) / 2
 * An unknown curve value reads as linear. */
double lq_fade_curve (LqFadeCurve curve, double x);

/* A new kernel for `channels` (1 or 2) interleaved channels at `rate` Hz (8000..384000);
 * NULL on bad arguments or out of memory. Starts at position 0, gain 0 dB, no fades. */
LqGain *lq_gain_new (unsigned channels, double rate);
void lq_gain_free (LqGain *self);

/* Gain in dB, smoothed. -inf (or anything below -200 dB) is silence, values above +24 dB are
 * clamped to +24, NaN is ignored. */
void lq_gain_set_gain_db (LqGain *self, double db);
/* Jumps to the target gain at once (no smoothing); for a fresh start. */
void lq_gain_snap (LqGain *self);

/* Schedules the fade-in / fade-out: `start` and `length` in samples (stream positions, see
 * above); length 0 disables the fade. Takes effect at the next process call. */
void lq_gain_set_fade_in (LqGain *self, int64_t start, int64_t length, LqFadeCurve curve);
void lq_gain_set_fade_out (LqGain *self, int64_t start, int64_t length, LqFadeCurve curve);

/* The stream position (sample index) of the next frame processed. */
void lq_gain_set_position (LqGain *self, int64_t position);
int64_t lq_gain_get_position (const LqGain *self);

/* The fade envelope fade_in(p) * fade_out(p) at stream position p (closed form; no gain). */
double lq_gain_envelope_at (const LqGain *self, int64_t position);

/* Processes `frames` interleaved frames in place and advances the position by `frames`. */
void lq_gain_process (LqGain *self, float *interleaved, size_t frames);

/* Forgets the smoothing state (gain jumps to its target); keeps the position and the fades. */
void lq_gain_reset (LqGain *self);

#ifdef __cplusplus
}
#endif
