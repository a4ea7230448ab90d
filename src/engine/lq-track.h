/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LQ_TYPE_TRACK (lq_track_get_type ())

G_DECLARE_FINAL_TYPE (LqTrack, lq_track, LQ, TRACK, GObject)

LqTrack     *lq_track_new              (GFile        *file);
GFile       *lq_track_get_file         (LqTrack      *self);
const char  *lq_track_get_title        (LqTrack      *self);
void         lq_track_set_title        (LqTrack      *self,
                                        const char   *title);
const char  *lq_track_get_performer    (LqTrack      *self);
void         lq_track_set_performer    (LqTrack      *self,
                                        const char   *performer);
guint64      lq_track_get_n_frames     (LqTrack      *self);
guint        lq_track_get_rate         (LqTrack      *self);
guint        lq_track_get_channels     (LqTrack      *self);
double       lq_track_get_duration     (LqTrack      *self);
gboolean     lq_track_get_missing      (LqTrack      *self);
gboolean     lq_track_probe            (LqTrack      *self,
                                        GCancellable *cancellable,
                                        GError      **error);

G_END_DECLS
