/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-project.h"
#include "lq-wav.h"

G_BEGIN_DECLS

typedef void (*LqRenderProgressFunc) (double fraction, gpointer user_data);

typedef struct
{
  LqWavFormat format;   /* sample format of the file */
  guint rate;           /* output rate; 0 = the album's rate */
  double *track_lufs;   /* when not NULL: receives each placement's integrated loudness,
                         * measured on the rendered album (see lq_render_measure_tracks()) */
} LqRenderOptions;

gboolean lq_render_album        (LqProject             *project,
                                 GFile                 *file,
                                 const LqRenderOptions *options,
                                 GCancellable          *cancellable,
                                 LqRenderProgressFunc   progress,
                                 gpointer               progress_data,
                                 GError               **error);
void     lq_render_album_async  (LqProject             *project,
                                 GFile                 *file,
                                 const LqRenderOptions *options,
                                 GCancellable          *cancellable,
                                 LqRenderProgressFunc   progress,
                                 gpointer               progress_data,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data);
gboolean lq_render_album_finish (GAsyncResult          *result,
                                 GError               **error);

/* Per-track loudness measured on the rendered album (each track's span without the parts it
 * shares with its neighbours), LUFS; index = placement. */
double  *lq_render_measure_tracks (LqProject           *project,
                                   GCancellable        *cancellable,
                                   GError             **error);

/**
 * LqLoudnessSummary:
 * @integrated_lufs: gated integrated loudness, LUFS (-inf: nothing above the gates)
 * @lra_lu: loudness range, LU
 * @max_short_term_lufs: highest short-term (3 s) loudness, LUFS
 * @true_peak_dbtp: highest true peak over the channels, dBTP
 * @sample_peak_dbfs: highest sample peak over the channels, dBFS
 */
typedef struct
{
  double integrated_lufs;
  double lra_lu;
  double max_short_term_lufs;
  double true_peak_dbtp;
  double sample_peak_dbfs;
} LqLoudnessSummary;

/**
 * LqTrackLoudness:
 * @track: the track (a reference)
 * @index: its position in the project's track list when it was measured
 * @loudness: the track's span of the rendered album: from its start (after the part it shares
 *   with the previous track in a crossfade) to its end (before the part it shares with the
 *   next one)
 */
typedef struct
{
  LqTrack *track;
  guint index;
  LqLoudnessSummary loudness;
} LqTrackLoudness;

/**
 * LqAlbumLoudness:
 * @n_tracks: the tracks on the album (hidden ones are not)
 * @tracks: (array length=n_tracks): in album order
 * @album: the whole rendered album as one programme
 *
 * The album as delivered: after every track's chain, gains and fades, and the master chain.
 */
typedef struct
{
  guint n_tracks;
  LqTrackLoudness *tracks;
  LqLoudnessSummary album;
} LqAlbumLoudness;

LqAlbumLoudness *lq_render_measure        (LqProject           *project,
                                           GCancellable        *cancellable,
                                           GError             **error);
void             lq_render_measure_async  (LqProject           *project,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
LqAlbumLoudness *lq_render_measure_finish (GAsyncResult        *result,
                                           GError             **error);
void             lq_album_loudness_free   (LqAlbumLoudness     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqAlbumLoudness, lq_album_loudness_free)

gboolean lq_level_match          (LqProject            *project,
                                  GCancellable         *cancellable,
                                  GError              **error);

G_END_DECLS
