/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-track.h"

G_BEGIN_DECLS

/*
 * One row of the track list: number (or a play icon for the track being heard), title,
 * length, and below them integrated loudness, true peak, level-match offset and ISRC. It
 * follows the track's properties; the loudness comes from the window's analysis ("…" until
 * measured).
 */

#define LQ_TYPE_TRACK_ROW (lq_track_row_get_type ())

G_DECLARE_FINAL_TYPE (LqTrackRow, lq_track_row, LQ, TRACK_ROW, GtkWidget)

GtkWidget *lq_track_row_new          (void);
void       lq_track_row_set_track    (LqTrackRow *self,
                                      LqTrack    *track);
LqTrack   *lq_track_row_get_track    (LqTrackRow *self);
void       lq_track_row_set_number   (LqTrackRow *self,
                                      guint       number);
guint      lq_track_row_get_number   (LqTrackRow *self);
void       lq_track_row_set_loudness (LqTrackRow *self,
                                      gboolean    measured,
                                      gboolean    stale,
                                      double      integrated_lufs,
                                      double      true_peak_dbtp);
void       lq_track_row_set_playing  (LqTrackRow *self,
                                      gboolean    playing);

char      *lq_format_db              (double      value,
                                      const char *unit);

G_END_DECLS
