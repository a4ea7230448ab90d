/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqMultiband: a 2- to 4-band compressor. An LqCrossover (Linkwitz-Riley 4th order, bands
 * summing to an allpass, flat within float rounding) splits the signal; each band goes through
 * its own LqCompressor (peak detector, stereo-linked, 6 dB knee by default, no lookahead: the
 * element has no latency) and the bands are summed.
 *
 * With every band below its threshold (or at ratio 1, or bypassed) the output is the input
 * through the crossover's allpass: a flat magnitude. A band's `bypass` fades its compressor's
 * mix to 0 (its gain is then exactly 1); `solo` keeps only the soloed bands (several may be
 * soloed), faded over LQ_MULTIBAND_FADE_MS so it never clicks.
 *
 * Changing the number of bands is a change of topology: the output fades to the dry input over
 * LQ_MULTIBAND_FADE_MS, the crossover is rebuilt, and the output fades back (a short blend of
 * the input with its allpassed self, no click). Crossover frequencies glide (see
 * lq-crossover.h); every other parameter is smoothed by the compressors.
 *
 * No allocation, locking or logging in the process call. Non-finite input samples are treated as
 * silence; state that turns non-finite is reset.
 */
#pragma once

#include <stddef.h>

#include "lq-compressor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LQ_MULTIBAND_MAX_BANDS 4
#define LQ_MULTIBAND_FADE_MS 10.0

typedef struct _LqMultiband LqMultiband;

/* A multiband compressor for `channels` (1 or 2) interleaved channels at `rate` Hz
 * (8000..384000) with `n_bands` (2..4) bands (crossovers at 120 Hz, 1 kHz, 6 kHz by default);
 * NULL on bad arguments or out of memory. */
LqMultiband *lq_multiband_new (unsigned channels, double rate, unsigned n_bands);
void lq_multiband_free (LqMultiband *self);

/* Number of bands, 2..4 (faded in, see above). Returns 0 on a bad value (nothing changes). */
int lq_multiband_set_n_bands (LqMultiband *self, unsigned n_bands);
/* The number of bands asked for. */
unsigned lq_multiband_get_n_bands (const LqMultiband *self);

/* Crossover `index` (0..2, between band index and index + 1) in Hz; see lq-crossover.h. */
void lq_multiband_set_crossover (LqMultiband *self, unsigned index, double hz);

/* Per band (0..3; settings of bands beyond n_bands are kept for later). Ranges as in
 * lq-compressor.h. */
void lq_multiband_set_threshold (LqMultiband *self, unsigned band, double db);
void lq_multiband_set_ratio (LqMultiband *self, unsigned band, double ratio);
void lq_multiband_set_attack (LqMultiband *self, unsigned band, double ms);
void lq_multiband_set_release (LqMultiband *self, unsigned band, double ms);
void lq_multiband_set_makeup (LqMultiband *self, unsigned band, double db);
void lq_multiband_set_solo (LqMultiband *self, unsigned band, int solo);
void lq_multiband_set_bypass (LqMultiband *self, unsigned band, int bypass);

/* The band's compressor, for settings beyond the ones above (knee, detector, link...). Do not
 * process or free it, and leave its mix and lookahead alone (bypass and latency use them). */
LqCompressor *lq_multiband_get_compressor (LqMultiband *self, unsigned band);

/* Gain reduction of a band in dB (>= 0), for meters. */
double lq_multiband_get_gain_reduction (const LqMultiband *self, unsigned band);

/* Jumps every smoothed parameter and fade to its target; for a fresh start. */
void lq_multiband_snap (LqMultiband *self);

/* Processes `frames` interleaved frames in place. */
void lq_multiband_process (LqMultiband *self, float *interleaved, size_t frames);

/* Clears all state (keeps the settings). */
void lq_multiband_reset (LqMultiband *self);

#ifdef __cplusplus
}
#endif
