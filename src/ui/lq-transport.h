/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-player.h"
#include "lq-project.h"

G_BEGIN_DECLS

/*
 * The window's transport: play, pause, seek, a loop region and a J/K/L shuttle over an
 * LqPlayer. After structural edits (lq_transport_invalidate()) the transport makes a new
 * player: shortly while playing, from the same position, else at the next play. Positions are album samples (LqSequence).
 *
 * The audio sink is a GStreamer bin description ("autoaudiosink", "pulsesink device=x",
 * "fakesink sync=true"): the window takes it from the LACQUER_AUDIO_SINK environment variable
 * when set, else from the GSettings key `audio-sink`. Its output device is the GSettings key
 * `audio-device` (followed while running) unless lq_transport_set_device() set one.
 *
 * Edits: lq_transport_invalidate() first hands parameter edits to the running player
 * (lq_player_sync(): live and click-free); only structural edits make a new player.
 *
 * Properties: position, length, playing, shuttle-speed (-8..8: negative scans backwards,
 * 0 stopped, 1 normal play), loop-start, loop-end, loop-enabled, player (the LqPlayer now,
 * for its "meter" signal).
 * Signals: "error" (GError) when playback fails.
 */

#define LQ_TYPE_TRANSPORT (lq_transport_get_type ())

G_DECLARE_FINAL_TYPE (LqTransport, lq_transport, LQ, TRANSPORT, GObject)

#define LQ_TRANSPORT_MAX_SHUTTLE 8

LqTransport *lq_transport_new               (void);
void         lq_transport_set_project       (LqTransport  *self,
                                             LqProject    *project);
void         lq_transport_set_sink          (LqTransport  *self,
                                             const char   *description);
const char  *lq_transport_get_sink          (LqTransport  *self);
void         lq_transport_set_device        (LqTransport  *self,
                                             const char   *device);
char        *lq_transport_dup_device        (LqTransport  *self);
void         lq_transport_invalidate        (LqTransport  *self);

gboolean     lq_transport_play              (LqTransport  *self,
                                             GError      **error);
void         lq_transport_pause             (LqTransport  *self);
gboolean     lq_transport_toggle            (LqTransport  *self,
                                             GError      **error);
void         lq_transport_stop              (LqTransport  *self);
void         lq_transport_seek              (LqTransport  *self,
                                             guint64       sample);
gboolean     lq_transport_shuttle           (LqTransport  *self,
                                             int           direction,
                                             GError      **error);

guint64      lq_transport_get_position      (LqTransport  *self);
guint64      lq_transport_get_length        (LqTransport  *self);
guint        lq_transport_get_rate          (LqTransport  *self);
gboolean     lq_transport_get_playing       (LqTransport  *self);
LqPlayer    *lq_transport_get_player        (LqTransport  *self);
int          lq_transport_get_shuttle_speed (LqTransport  *self);

void         lq_transport_set_loop          (LqTransport  *self,
                                             guint64       start,
                                             guint64       end);
guint64      lq_transport_get_loop_start    (LqTransport  *self);
guint64      lq_transport_get_loop_end      (LqTransport  *self);
void         lq_transport_set_loop_enabled  (LqTransport  *self,
                                             gboolean      enabled);
gboolean     lq_transport_get_loop_enabled  (LqTransport  *self);

char        *lq_format_time                 (guint64       samples,
                                             guint         rate);
char        *lq_format_msf                  (guint64       samples,
                                             guint         rate);

G_END_DECLS
