/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-history.h"
#include "lq-project.h"

G_BEGIN_DECLS

/*
 * The album sequencer's track list: a GtkListView over the project's tracks (rows are
 * LqTrackRow). Tracks are reordered by dragging a row onto another, or with Alt+Up and
 * Alt+Down, each move one undoable step in the LqHistory; the moved track stays selected.
 * Delete removes the selected track ("remove-requested", the window asks the history).
 *
 * Property "selected": the selected track's index, -1 for none.
 */

#define LQ_TYPE_TRACK_LIST (lq_track_list_get_type ())

G_DECLARE_FINAL_TYPE (LqTrackList, lq_track_list, LQ, TRACK_LIST, GtkWidget)

GtkWidget   *lq_track_list_new            (void);
void         lq_track_list_set_project    (LqTrackList *self,
                                           LqProject   *project,
                                           LqHistory   *history);
GtkListView *lq_track_list_get_list_view  (LqTrackList *self);
int          lq_track_list_get_selected   (LqTrackList *self);
void         lq_track_list_set_selected   (LqTrackList *self,
                                           int          position);
LqTrack     *lq_track_list_get_selected_track (LqTrackList *self);
gboolean     lq_track_list_move           (LqTrackList *self,
                                           guint        from,
                                           guint        to);
gboolean     lq_track_list_move_selected  (LqTrackList *self,
                                           int          delta);
void         lq_track_list_set_loudness   (LqTrackList *self,
                                           LqTrack     *track,
                                           double       integrated_lufs,
                                           double       true_peak_dbtp);
gboolean     lq_track_list_get_loudness   (LqTrackList *self,
                                           LqTrack     *track,
                                           double      *integrated_lufs,
                                           double      *true_peak_dbtp,
                                           gboolean    *stale);
void         lq_track_list_set_loudness_stale (LqTrackList *self,
                                           gboolean     stale);
void         lq_track_list_set_playing    (LqTrackList *self,
                                           int          position);

G_END_DECLS
