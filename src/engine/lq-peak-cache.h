/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-project.h"

G_BEGIN_DECLS

/*
 * LqPeakCache: the waveform overview of an audio file, per channel min/max/RMS at several
 * resolutions (mipmap levels), kept on disk so that a project opens with its waveforms at
 * once.
 *
 * Level 0 holds one entry per LQ_PEAK_CACHE_FRAMES_PER_PEAK frames; each next level merges
 * LQ_PEAK_CACHE_FACTOR entries of the one below, up to a level of a single entry. An entry
 * takes 12 bytes per channel (float min, max and mean square, as in lq-peaks.h), and the
 * levels above 0 add a third: about 330 KB per stereo minute at 44.1 kHz (Audacity's
 * summary files are of the same order).
 *
 * Reading a window of N pixels (lq_peak_cache_read()) picks the coarsest level whose entries
 * are not wider than a pixel and merges the entries under each pixel: at most
 * LQ_PEAK_CACHE_FACTOR + 1 entries per pixel, so it costs O(N) however long the window is.
 * A pixel covers whole entries, so it may reach up to one entry (at most the level's
 * resolution, returned by the call) beyond its exact span on either side. Zoomed in further
 * than LQ_PEAK_CACHE_FRAMES_PER_PEAK frames per pixel, read the samples themselves.
 *
 * The cache file lives in `cache_dir` (the GSettings cache location when set, else
 * lq_peak_cache_get_default_dir()), named after a SHA-256 of the source's URI; it records the
 * source's URI, size and modification time (to the microsecond), and is valid only while they
 * match: a changed source is decoded again and its cache rewritten. The file is written
 * atomically (a crash never leaves a half-written cache) in native byte order, and read
 * back with one mmap(); a corrupt or foreign file is ignored and rebuilt.
 *
 * An LqPeakCache is immutable and reference-counted; it may be shared between threads.
 */

#define LQ_PEAK_CACHE_FRAMES_PER_PEAK 256
#define LQ_PEAK_CACHE_FACTOR 4

typedef struct _LqPeakCache LqPeakCache;
typedef struct _LqPeakCacheBuilder LqPeakCacheBuilder;

char *lq_peak_cache_get_default_dir (void);
gboolean lq_peak_cache_prune (const char    *cache_dir,
                              guint64        max_bytes,
                              guint         *removed,
                              GCancellable  *cancellable,
                              GError       **error);
char *lq_peak_cache_get_path_for (GFile      *source,
                                  const char *cache_dir);

/* Building from frames as they are decoded (the analysis pass can feed it too). */
LqPeakCacheBuilder *lq_peak_cache_builder_new    (guint               channels,
                                                  guint               rate);
void                lq_peak_cache_builder_add    (LqPeakCacheBuilder *self,
                                                  const float        *interleaved,
                                                  gsize               frames);
LqPeakCache        *lq_peak_cache_builder_end    (LqPeakCacheBuilder *self);
void                lq_peak_cache_builder_free   (LqPeakCacheBuilder *self);

gboolean      lq_peak_cache_save        (LqPeakCache          *self,
                                         GFile                *source,
                                         const char           *cache_dir,
                                         GCancellable         *cancellable,
                                         GError              **error);
LqPeakCache  *lq_peak_cache_load        (GFile                *source,
                                         const char           *cache_dir,
                                         GError              **error);
LqPeakCache  *lq_peak_cache_open        (GFile                *source,
                                         const char           *cache_dir,
                                         GCancellable         *cancellable,
                                         GError              **error);
void          lq_peak_cache_open_async  (GFile                *source,
                                         const char           *cache_dir,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
LqPeakCache  *lq_peak_cache_open_finish (GAsyncResult         *result,
                                         GError              **error);

LqPeakCache  *lq_peak_cache_ref         (LqPeakCache          *self);
void          lq_peak_cache_unref       (LqPeakCache          *self);

guint         lq_peak_cache_get_channels         (LqPeakCache *self);
guint         lq_peak_cache_get_rate             (LqPeakCache *self);
guint64       lq_peak_cache_get_n_frames         (LqPeakCache *self);
guint         lq_peak_cache_get_n_levels         (LqPeakCache *self);
guint64       lq_peak_cache_get_level_resolution (LqPeakCache *self,
                                                  guint        level);
gboolean      lq_peak_cache_is_from_disk         (LqPeakCache *self);

guint64       lq_peak_cache_read        (LqPeakCache          *self,
                                         guint                 channel,
                                         guint64               start,
                                         guint64               end,
                                         guint                 n_pixels,
                                         float                *min,
                                         float                *max,
                                         float                *rms);

/*
 * Processed peaks: the waveform of a track as it is heard on the album (decoded, trimmed, mixed
 * from its stems, through its chain, with its gain, match gain and fades: rendered by
 * lq_album_render_track(), the code behind playback and export). Stereo at the album rate;
 * frame 0 is the placement's first sample (LqPlacement.start on the album), and the cache
 * has the same entries and levels as a source cache, so the two are read alike.
 *
 * The async call copies what it needs from @project (the track, its neighbour's crossfade
 * curve) in the calling thread, so the project may be edited while the worker renders. It
 * costs the track's render time (about a second for 4 minutes) and, transiently, the
 * rendered track in memory (8 bytes per album frame); the result lives in memory only.
 *
 * lq_peak_cache_get_processed_key() names what the processed peaks depend on (a SHA-256 of
 * the source files' identity, the trims, the chain, gains, fades and curves): equal keys
 * give equal peaks, so a caller can keep them and skip a rebuild (e.g. after undo).
 */
char         *lq_peak_cache_get_processed_key      (LqProject            *project,
                                                    guint                 track);
LqPeakCache  *lq_peak_cache_build_processed        (LqProject            *project,
                                                    guint                 track,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
void          lq_peak_cache_build_processed_async  (LqProject            *project,
                                                    guint                 track,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
LqPeakCache  *lq_peak_cache_build_processed_finish (GAsyncResult         *result,
                                                    GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqPeakCache, lq_peak_cache_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqPeakCacheBuilder, lq_peak_cache_builder_free)

G_END_DECLS
