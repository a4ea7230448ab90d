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

gboolean lq_level_match          (LqProject            *project,
                                  GCancellable         *cancellable,
                                  GError              **error);

G_END_DECLS
