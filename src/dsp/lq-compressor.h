/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqCompressor: a feed-forward bus compressor.
 *
 * Signal flow per frame:
 *
 *   detector input = input -> sidechain high-pass (2nd-order Butterworth, optional)
 *   level           peak: x^2, or rms: mean of x^2 over a one-pole window of
 *                   LQ_COMPRESSOR_RMS_MS, read as 10 log10 (2 ms) so that a sine reads its
 *                   peak level in both modes (the AES17 convention)
 *   stereo link     level_c += link (max (level_L, level_R) - level_c)
 *   gain computer   reduction c = x - curve (x) in dB (the static curve below)
 *   ballistics      the smooth decoupled peak detector of Giannoulis, Massberg and Reiss
 *                   ("Digital dynamic range compressor design", JAES 2012) on c:
 *                     y1 = max (c, c + aR (y1 - c))    release, time constant `release`
 *                     y  = y1 + aA (y - y1)            attack, time constant `attack`
 *                   with a = exp (-1 / (tau rate)): after a step in c, y covers 1 - 1/e
 *                   (63.2 %) of the change in one time constant. Release after the attack
 *                   stage has settled follows y1, so its measured time constant is about
 *                   release + attack.
 *   auto-release    a second, slow stage ys follows y1 with time constant
 *                   LQ_COMPRESSOR_AUTO_RELEASE_FACTOR x release (clamped to
 *                   [LQ_COMPRESSOR_AUTO_SLOW_MIN_MS, LQ_COMPRESSOR_AUTO_SLOW_MAX_MS]) and the
 *                   attack stage follows max (y1, ys): short peaks recover with `release`,
 *                   long stretches of compression recover with the slow time constant
 *                   (program-dependent, like the dual time constant of analogue bus
 *                   compressors).
 *   gain            g = 10^(-y / 20); out = dry + mix (g makeup dry - dry), dry being the input
 *                   delayed by the lookahead (so the mix is a parallel blend, time-aligned).
 *
 * Static curve (Giannoulis et al., quadratic soft knee of width W around threshold T, ratio R),
 * input level x and output level y in dB, before makeup:
 *   y = x                                        for 2 (x - T) < -W
 *   y = x + (1/R - 1) (x - T + W/2)^2 / (2 W)    for 2 |x - T| <= W
 *   y = T + (x - T) / R                          for 2 (x - T) > W
 *
 * Cost: per frame only the sidechain filter, the squared level, the gain ramp and the delay
 * line run. The gain computer and the ballistics run once per sub-block of
 * LQ_COMPRESSOR_SUB_BLOCK frames (0.36 ms at 44.1 kHz) on the block's peak power (or, for rms,
 * its mean power into the one-pole average), with every pole raised to the block length (exact
 * for a level held over the block); the gain then ramps linearly across the block to the value
 * computed for it, so it never steps, and a peak is met by the end of its own block. The level
 * stays linear (a power) until it crosses the knee's lower end, so quiet passages take no
 * logarithm; above it, dB comes from lq_fast_log2() and the gain goes back with
 * lq_fast_exp2() (below), not libm. Both are exact to better than 0.00002 dB (bounds below,
 * checked by tests/dsp/test-compressor.c against libm). Makeup (in dB) and mix glide with a
 * one-pole (99.9 % in LQ_COMPRESSOR_SMOOTH_MS) at the block rate, inside the same ramp;
 * threshold, ratio and knee act through the attack/release ballistics, so changing them never
 * steps the gain. Below the knee, with makeup 0 and any mix, the gain is exactly 1: the output
 * is the input, bit for bit (delayed by the lookahead).
 *
 * The lookahead delays the audio (not the detector) by lookahead ms, rounded to frames; it is
 * the kernel's latency. Changing it while running moves the delay at once: a longer delay
 * repeats the frames in between (LqAudioFilter drops exactly those, so the element's output
 * stays seamless and aligned), a shorter one skips them.
 *
 * Non-finite input samples are treated as silence (output 0 in their place); state that turns
 * non-finite is reset. Denormals are flushed while a process call runs.
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  LQ_COMPRESSOR_DETECTOR_PEAK, /* instantaneous sample level */
  LQ_COMPRESSOR_DETECTOR_RMS,  /* mean square over LQ_COMPRESSOR_RMS_MS */
} LqCompressorDetector;

/* RMS detector window: time constant of the one-pole mean-square average, ms. */
#define LQ_COMPRESSOR_RMS_MS 10.0
/* Auto-release: slow stage time constant = factor x release, clamped (ms). */
#define LQ_COMPRESSOR_AUTO_RELEASE_FACTOR 8.0
#define LQ_COMPRESSOR_AUTO_SLOW_MIN_MS 300.0
#define LQ_COMPRESSOR_AUTO_SLOW_MAX_MS 3000.0
/* Longest lookahead, ms. */
#define LQ_COMPRESSOR_MAX_LOOKAHEAD_MS 20.0
/* Frames per gain computation (see "Cost" above). */
#define LQ_COMPRESSOR_SUB_BLOCK 16
/* Smoothing of makeup and mix, ms to 99.9 %. */
#define LQ_COMPRESSOR_SMOOTH_MS 20.0

typedef struct _LqCompressor LqCompressor;

/* The static curve (see above): output level in dB for input level `in_db`, before makeup.
 * Ratio < 1 reads as 1; knee < 0 as 0. */
double lq_compressor_curve (double threshold_db, double ratio, double knee_db, double in_db);

/* log2 (x) for finite x > 0 (x <= 0 returns -1000): the exponent from the bits, then
 * 2 atanh (t) / ln 2 with t = (m - 1) / (m + 1), m in [sqrt 1/2, sqrt 2), as a 4-term series.
 * Truncation error < 3.1e-8 (natural-log units), i.e. < 1.4e-7 dB on a power; the float
 * rounding of the result (the exponent grows with the distance from 0 dB) dominates: measured
 * < 1e-5 dB for powers above -104 dB (where the gain computer works), < 2e-5 dB down to -240. */
float lq_fast_log2 (float x);
/* 2^x for x in [-126, 127] (clamped): 2^round(x) from the bits times a degree-6 Taylor
 * polynomial of e^(f ln 2), |f| <= 1/2: truncation < 1.7e-7 relative; measured with float
 * rounding < 5e-6 dB. */
float lq_fast_exp2 (float x);

/* A compressor for `channels` (1 or 2) interleaved channels at `rate` Hz (8000..384000); NULL on
 * bad arguments or out of memory. Defaults: threshold -18 dB, ratio 2, knee 6 dB, attack 10 ms,
 * release 150 ms, no auto-release, makeup 0 dB, no sidechain high-pass, link 1, peak detector,
 * mix 1, lookahead 0. */
LqCompressor *lq_compressor_new (unsigned channels, double rate);
void lq_compressor_free (LqCompressor *self);

/* Setters clamp to the documented ranges and ignore NaN. */
void lq_compressor_set_threshold (LqCompressor *self, double db);   /* -80..0 dB */
void lq_compressor_set_ratio (LqCompressor *self, double ratio);    /* 1..100 */
void lq_compressor_set_knee (LqCompressor *self, double db);        /* 0..24 dB */
void lq_compressor_set_attack (LqCompressor *self, double ms);      /* 0..500 ms (0 = instant) */
void lq_compressor_set_release (LqCompressor *self, double ms);     /* 1..5000 ms */
void lq_compressor_set_auto_release (LqCompressor *self, int enabled);
void lq_compressor_set_makeup (LqCompressor *self, double db);      /* -24..+24 dB, smoothed */
void lq_compressor_set_sidechain_hpf (LqCompressor *self, double hz); /* 0 = off, else 10..2000 Hz */
void lq_compressor_set_link (LqCompressor *self, double link);      /* 0..1 */
void lq_compressor_set_detector (LqCompressor *self, LqCompressorDetector detector);
void lq_compressor_set_mix (LqCompressor *self, double mix);        /* 0..1, smoothed */
void lq_compressor_set_lookahead (LqCompressor *self, double ms);   /* 0..LQ_COMPRESSOR_MAX_LOOKAHEAD_MS */

/* Jumps smoothed parameters to their targets; for a fresh start. */
void lq_compressor_snap (LqCompressor *self);

/* The lookahead in frames: the kernel's latency. */
size_t lq_compressor_get_latency (const LqCompressor *self);

/* Current gain reduction in dB (>= 0; the largest of the channels), for meters: the value
 * applied to the last frame processed (before mix and makeup). */
double lq_compressor_get_gain_reduction (const LqCompressor *self);

/* Processes `frames` interleaved frames in place. */
void lq_compressor_process (LqCompressor *self, float *interleaved, size_t frames);

/* Clears envelopes, filters and the lookahead line (keeps the settings). */
void lq_compressor_reset (LqCompressor *self);

#ifdef __cplusplus
}
#endif
