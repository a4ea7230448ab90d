/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-peak-cache.h"

G_BEGIN_DECLS

/*
 * The waveform peaks of the window's tracks: an LqPeakCache per source file, opened (or built
 * by decoding, in a worker thread) on first use. lq_peak_store_lookup() never blocks: it
 * returns NULL while the peaks load and the store emits "loaded" (the GFile) when they are
 * there, so a view redraws.
 *
 * Processed peaks: for the project set with lq_peak_store_set_project(), the waveform of each
 * track as heard (its chain, gain, match gain and fades; see
 * lq_peak_cache_build_processed_async()). After lq_peak_store_invalidate_processed() (the
 * project changed), a track whose inputs changed loses its processed peaks at once
 * (lq_peak_store_lookup_processed() returns NULL, so views fall back to the gain and fades
 * outline) and is rebuilt once edits have paused for the debounce delay (500 ms), one track
 * at a time in a worker thread; a build whose track changed again is cancelled. Peaks are
 * remembered by what they depend on (lq_peak_cache_get_processed_key()), so undoing an edit
 * finds them again without a build. "processed" (the LqTrack) is emitted when a track's
 * processed peaks arrive.
 */

#define LQ_TYPE_PEAK_STORE (lq_peak_store_get_type ())

G_DECLARE_FINAL_TYPE (LqPeakStore, lq_peak_store, LQ, PEAK_STORE, GObject)

LqPeakStore *lq_peak_store_new    (const char  *cache_dir);
void         lq_peak_store_set_cache_dir (LqPeakStore *self,
                                          const char  *cache_dir);
const char  *lq_peak_store_get_cache_dir (LqPeakStore *self);
LqPeakCache *lq_peak_store_lookup (LqPeakStore *self,
                                   GFile       *file);
void         lq_peak_store_insert (LqPeakStore *self,
                                   GFile       *file,
                                   LqPeakCache *peaks);

void         lq_peak_store_set_project          (LqPeakStore *self,
                                                 LqProject   *project);
void         lq_peak_store_invalidate_processed (LqPeakStore *self);
LqPeakCache *lq_peak_store_lookup_processed     (LqPeakStore *self,
                                                 LqTrack     *track);
void         lq_peak_store_set_processed_delay  (LqPeakStore *self,
                                                 guint        msec);
guint        lq_peak_store_get_n_processed_builds (LqPeakStore *self);

G_END_DECLS
