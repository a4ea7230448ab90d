/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqImager: stereo width per band, mono bass and balance, in mid/side.
 *
 *   M = (L + R) / 2, S = (L - R) / 2
 *   bands: a Linkwitz-Riley 4th-order split (up to 3 bands, the sections and glides of
 *          LqCrossover) of M and S alike;
 *          M' = sum of the M bands (= M through the crossover's allpass),
 *          S' = sum of width_b x the S bands   (width 0 mono .. 1 unchanged .. 2 twice as wide)
 *   mono-below f: a 2-band LR4 split of M' and S' at f; the low band of S' is dropped:
 *          M'' = M'_lo + M'_hi (an allpass), S'' = S'_hi, so below f the output is mono while
 *          above it the side signal is kept (apart from the allpass phase shared by M and S)
 *   L = M'' + S'', R = M'' - S'', then balance b (-1..1): L x min (1, 1 - b), R x min (1, 1 + b)
 *
 * Because the LR4 bands are in phase with each other, the side signal's magnitude response is
 * exactly sum_b width_b |band_b (f)| (times |HP4 (f)| of the mono-below split), the mid's is 1.
 * (The kernel computes these same transfer functions with one network of twelve sections on
 * M and S, see lq-imager.c: the mid path is its allpasses, not the sum of its bands.)
 *
 * Transparency: at width 1 in every band, mono-below 0 (off) and balance 0 the output is the
 * input, bit for bit (the kernel does nothing). Leaving that state, or changing the topology
 * (number of bands, mono-below on/off), fades over LQ_IMAGER_FADE_MS through the dry input, so
 * it never clicks; widths and balance are smoothed (99.9 % in LQ_IMAGER_SMOOTH_MS) and the
 * crossover frequencies glide. At width 0 everywhere, L and R are identical.
 *
 * Mono input passes through untouched (there is no width or balance to change).
 *
 * No allocation, locking or logging in the process call. Non-finite input samples are treated as
 * silence; state that turns non-finite is reset. (In the transparent state the input, whatever
 * it holds, passes unchanged: there is no state to poison.)
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LQ_IMAGER_MAX_BANDS 3
#define LQ_IMAGER_FADE_MS 20.0
#define LQ_IMAGER_SMOOTH_MS 20.0
#define LQ_IMAGER_MAX_WIDTH 2.0

typedef struct _LqImager LqImager;

/* An imager for `channels` (1 or 2) interleaved channels at `rate` Hz (8000..384000) with
 * `n_bands` (1..3) bands (crossovers at 120 Hz and 2 kHz by default), width 1, mono-below off,
 * balance 0; NULL on bad arguments or out of memory. */
LqImager *lq_imager_new (unsigned channels, double rate, unsigned n_bands);
void lq_imager_free (LqImager *self);

/* Number of bands, 1..3 (a topology change, faded). Returns 0 on a bad value. */
int lq_imager_set_n_bands (LqImager *self, unsigned n_bands);
unsigned lq_imager_get_n_bands (const LqImager *self);
/* Crossover `index` (0..1) in Hz, see lq-crossover.h. */
void lq_imager_set_crossover (LqImager *self, unsigned index, double hz);
/* Width of band 0..2, clamped to 0..LQ_IMAGER_MAX_WIDTH; NaN is ignored. */
void lq_imager_set_width (LqImager *self, unsigned band, double width);
/* Mono below `hz` (0 = off, else clamped to 10..1000 Hz). */
void lq_imager_set_mono_below (LqImager *self, double hz);
/* Balance -1 (left only) .. 0 (centre) .. 1 (right only). */
void lq_imager_set_balance (LqImager *self, double balance);

/* Jumps every smoothed parameter and fade to its target; for a fresh start. */
void lq_imager_snap (LqImager *self);

/* Processes `frames` interleaved frames in place. */
void lq_imager_process (LqImager *self, float *interleaved, size_t frames);

/* Clears the filter state (keeps the settings). */
void lq_imager_reset (LqImager *self);

#ifdef __cplusplus
}
#endif
