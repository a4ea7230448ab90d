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
 */

#define LQ_TYPE_PEAK_STORE (lq_peak_store_get_type ())

G_DECLARE_FINAL_TYPE (LqPeakStore, lq_peak_store, LQ, PEAK_STORE, GObject)

LqPeakStore *lq_peak_store_new    (const char  *cache_dir);
LqPeakCache *lq_peak_store_lookup (LqPeakStore *self,
                                   GFile       *file);
void         lq_peak_store_insert (LqPeakStore *self,
                                   GFile       *file,
                                   LqPeakCache *peaks);

G_END_DECLS
