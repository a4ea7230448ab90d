/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-album-layout.h"
#include "lq-history.h"

G_BEGIN_DECLS

/*
 * The album timeline: every track as a block to scale (alternating between two lanes, so a
 * crossfade shows as the blocks' overlap), with its waveform (and the outline of the track as
 * heard, from its processed peaks once built), its fades as curves with a
 * handle to drag (edits go through the LqHistory, one undo step per drag; snapped to CD frames
 * in CD mode), the pauses between tracks, track-start (index 01), pause (index 00) and index
 * markers, the playhead, the loop region and the part the waveform view shows.
 *
 * Mouse: click a track to select it and seek there ("track-activated", "seek"), drag a fade
 * handle, drag elsewhere for a loop region ("loop-selected"), secondary click (or Shift+F10
 * / Menu) for the fade curves, Ctrl+scroll or pinch to zoom, scroll to move.
 */

#define LQ_TYPE_TIMELINE (lq_timeline_get_type ())

G_DECLARE_FINAL_TYPE (LqTimeline, lq_timeline, LQ, TIMELINE, GtkWidget)

GtkWidget *lq_timeline_new               (void);
void       lq_timeline_set_layout        (LqTimeline    *self,
                                          LqAlbumLayout *layout);
void       lq_timeline_set_history       (LqTimeline    *self,
                                          LqHistory     *history);
void       lq_timeline_set_position      (LqTimeline    *self,
                                          guint64        position);
void       lq_timeline_set_loop          (LqTimeline    *self,
                                          guint64        start,
                                          guint64        end);
void       lq_timeline_set_visible_range (LqTimeline    *self,
                                          guint64        start,
                                          guint64        end);
void       lq_timeline_set_selected      (LqTimeline    *self,
                                          int            track);
int        lq_timeline_get_selected      (LqTimeline    *self);
void       lq_timeline_set_playing_track (LqTimeline    *self,
                                          int            track);
void       lq_timeline_set_show_processed (LqTimeline   *self,
                                          gboolean       show);
void       lq_timeline_zoom              (LqTimeline    *self,
                                          double         factor,
                                          double         anchor_x);
void       lq_timeline_zoom_to_fit       (LqTimeline    *self);
guint64    lq_timeline_get_view_start    (LqTimeline    *self);
guint64    lq_timeline_get_view_end      (LqTimeline    *self);
double     lq_timeline_sample_to_x       (LqTimeline    *self,
                                          guint64        sample);
guint64    lq_timeline_x_to_sample       (LqTimeline    *self,
                                          double         x);
gboolean   lq_timeline_get_fade_handle   (LqTimeline    *self,
                                          guint          track,
                                          gboolean       fade_out,
                                          double        *x,
                                          double        *y);
void       lq_timeline_popup_menu        (LqTimeline    *self,
                                          int            track,
                                          double         x,
                                          double         y);

G_END_DECLS
