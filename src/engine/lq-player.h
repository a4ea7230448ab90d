/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-project.h"

G_BEGIN_DECLS

#define LQ_TYPE_PLAYER (lq_player_get_type ())

G_DECLARE_FINAL_TYPE (LqPlayer, lq_player, LQ, PLAYER, GObject)

/*
 * Playback of the album: an appsrc fed by an LqAlbumReader (the same timeline code as the
 * render), a tee with the live meters (lqloudness, lqspectrum, lqphase when available), and
 * the audio sink. Seekable, gapless across track boundaries, with an optional loop region.
 *
 * Signals: "eos" when the album has played to its end, "error" (a GError) when playback failed,
 * "meter" (a GstStructure from a meter element) at display rate; all on the main context.
 */
LqPlayer   *lq_player_new           (LqProject   *project,
                                     GstElement  *sink,
                                     GError     **error);
GstElement *lq_player_get_pipeline  (LqPlayer    *self);
gboolean    lq_player_play          (LqPlayer    *self);
gboolean    lq_player_pause         (LqPlayer    *self);
void        lq_player_stop          (LqPlayer    *self);
gboolean    lq_player_seek          (LqPlayer    *self,
                                     guint64      sample);
guint64     lq_player_get_position  (LqPlayer    *self);
guint64     lq_player_get_length    (LqPlayer    *self);
void        lq_player_set_loop      (LqPlayer    *self,
                                     guint64      start,
                                     guint64      end);
gboolean    lq_player_get_playing   (LqPlayer    *self);

G_END_DECLS
