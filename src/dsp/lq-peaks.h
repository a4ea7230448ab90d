/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Waveform peaks: min, max and mean square of each channel over fixed spans of frames, the
 * building blocks of the waveform peak cache (src/engine/lq-peak-cache.h).
 *
 * LqPeaks turns a stream of frames into level-0 entries of `frames_per_peak` frames each;
 * lq_peaks_reduce() makes the next, coarser level from a finished one, and
 * lq_peaks_aggregate() merges a run of entries (what a pixel of the waveform shows).
 *
 * A level is an array of entries, `channels` LqPeak per entry (channel-interleaved); entry j
 * of a level with resolution r covers frames [j r, min ((j + 1) r, total_frames)), so only the
 * last entry may be partial and the mean squares are weighted by the frames each covers.
 *
 * Non-finite input samples count as 0. No allocation after lq_peaks_new().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  float min;   /* lowest sample */
  float max;   /* highest sample */
  float power; /* mean of the squared samples (RMS = sqrt (power)) */
} LqPeak;

typedef struct LqPeaks LqPeaks;

/* `channels` 1..32, `frames_per_peak` >= 1. NULL on bad arguments or out of memory. */
LqPeaks *lq_peaks_new (unsigned channels, unsigned frames_per_peak);
void lq_peaks_free (LqPeaks *self);

/* Adds `frames` frames and writes each entry completed by them to `out` (room for
 * (frames / frames_per_peak + 1) x channels LqPeak is always enough). Returns the number of
 * entries written. */
size_t lq_peaks_process (LqPeaks *self, const float *interleaved, size_t frames, LqPeak *out);

/* Writes the partial entry of the frames left over (if any) to `out` and starts over.
 * Returns the number of entries written (0 or 1). */
size_t lq_peaks_flush (LqPeaks *self, LqPeak *out);

/* Frames added since the creation. */
uint64_t lq_peaks_get_n_frames (const LqPeaks *self);

/* Merges entries [first, first + count) of channel `channel` of a level of resolution
 * `frames_per_peak` over a stream of `total_frames` frames into `out`. count >= 1 and the
 * entries must exist. */
void lq_peaks_aggregate (const LqPeak *level, unsigned channels, unsigned channel,
                         uint64_t frames_per_peak, uint64_t total_frames, size_t first,
                         size_t count, LqPeak *out);

/* Builds the level of resolution frames_per_peak x factor from the `n_in` entries of `in`
 * into `out` (room for ceil (n_in / factor) x channels). Returns the number of entries. */
size_t lq_peaks_reduce (const LqPeak *in, size_t n_in, unsigned channels,
                        uint64_t frames_per_peak, uint64_t total_frames, unsigned factor,
                        LqPeak *out);

#ifdef __cplusplus
}
#endif
