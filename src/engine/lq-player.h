/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "lq-ab.h"
#include "lq-project.h"

G_BEGIN_DECLS

/**
 * LqReferencePosition:
 * @LQ_REFERENCE_POSITION_SHARED: a reference plays at the album's position (same sample
 *   offset from the start); a loop region applies to it too
 * @LQ_REFERENCE_POSITION_OWN: the album and each reference keep their own position; switching
 *   back continues where that source was left
 */
typedef enum
{
  LQ_REFERENCE_POSITION_SHARED,
  LQ_REFERENCE_POSITION_OWN,
} LqReferencePosition;

#define LQ_TYPE_REFERENCE_POSITION (lq_reference_position_get_type ())
GType lq_reference_position_get_type (void) G_GNUC_CONST;

/* GEnum for LqAbSide (lq-ab.h), nicks "processed" and "unprocessed" */
#define LQ_TYPE_AB_SIDE (lq_ab_side_get_type ())
GType lq_ab_side_get_type (void) G_GNUC_CONST;

#define LQ_TYPE_PLAYER (lq_player_get_type ())

G_DECLARE_FINAL_TYPE (LqPlayer, lq_player, LQ, PLAYER, GObject)

/*
 * Playback of the album: an appsrc fed by an LqAb (processed and unprocessed album read in
 * lockstep, the same timeline code as the render) or a selected reference, a tee with the live
 * meters (lqloudness, lqspectrum, lqphase when available) on what is heard, and the audio sink.
 * Seekable, gapless across track boundaries, with an optional loop region.
 *
 * Signals: "eos" when the album has played to its end, "error" (a GError) when playback failed,
 * "meter" (a GstStructure from a meter element: lqloudness, lqspectrum and lqphase each every
 * 100 ms of audio, together, so a window redraws its meters once for the three); all on the
 * main context.
 * The meters see what is heard (A, B or a reference). A second lqspectrum runs on the
 * UNPROCESSED album signal (always, whatever is heard); its messages reach "meter" with the
 * structure renamed to "source-spectrum" (same fields as "lqspectrum" messages).
 *
 * Properties (all notify on the main context, so a UI can bind to them):
 * "ab-side" (LqAbSide), "match" (gboolean, default TRUE), "match-gain" (double dB, read-only:
 * the gain applied to what is heard now), "reference" (LqTrack or NULL for the album),
 * "reference-position" (LqReferencePosition), "measured" (gboolean, read-only).
 *
 * Live edits: parameter edits (element properties, bypass, track gain and match gain, in the
 * track chains and the master chain) are picked up by lq_player_sync() (main thread), which
 * applies them to the running chains without a rebuild or a click (the elements and the track
 * gain ramp their parameters); they are heard after ~25-40 ms of queued audio plus the sink's
 * buffer. It returns FALSE when the project's structure changed (elements added, removed,
 * reordered or reset to defaults; tracks added, removed, reordered or hidden; trims, pauses,
 * crossfades, fade lengths and curves, stems) and a new player is needed. The track chains
 * run in the feeding thread (LQ_ALBUM_READER_LIVE): after a seek a track's chain restarts
 * 500 ms before the new position.
 *
 * A/B: the album is read through LqAb, processed and unprocessed in lockstep: a switch
 * ("ab-side") is a LQ_AB_CROSSFADE_MS crossfade at the same album sample, loudness-matched
 * when "match" is on and the loudness is measured (lq_player_measure_async()).
 *
 * References (tracks of lq_project_get_references()): "reference" crossfades to one (or back
 * to the album with NULL). It is turned up or down to the processed album as heard: match
 * gain = L(processed) + (A's own match gain, <= 0) - L(reference); a quieter reference is
 * raised no further than its true peak allows (to -0.1 dBTP), so it never clips at the sink. A reference is decoded
 * whole by a worker the first time it is selected (the album plays on until it is ready);
 * the last REF_CACHE (3) stay decoded, so switching back and forth is immediate. In
 * LQ_REFERENCE_POSITION_SHARED mode it plays at the album's position and a loop region
 * applies to it too. In LQ_REFERENCE_POSITION_OWN mode the album and each reference keep
 * their own position, and while a reference is heard lq_player_get_position() and
 * lq_player_seek() address the reference (no loop, EOS at its end). Edits of a reference
 * track's own settings are not followed by a running player.
 *
 * Audio device: lq_player_configure_sink() sets a sink's `device` (the GSettings key
 * `audio-device`); LqTransport calls it on the sinks it makes.
 */
LqPlayer   *lq_player_new           (LqProject   *project,
                                     GstElement  *sink,
                                     GError     **error);
GstElement *lq_player_get_pipeline  (LqPlayer    *self);
LqProject  *lq_player_get_project   (LqPlayer    *self);
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

gboolean    lq_player_sync          (LqPlayer    *self);

void        lq_player_set_ab_side   (LqPlayer    *self,
                                     LqAbSide     side);
LqAbSide    lq_player_get_ab_side   (LqPlayer    *self);
void        lq_player_set_match     (LqPlayer    *self,
                                     gboolean     match);
gboolean    lq_player_get_match     (LqPlayer    *self);
double      lq_player_get_match_gain (LqPlayer   *self);
gboolean    lq_player_set_reference (LqPlayer    *self,
                                     LqTrack     *reference,
                                     GError     **error);
LqTrack    *lq_player_get_reference (LqPlayer    *self);
gboolean    lq_player_get_reference_ready (LqPlayer *self);
void        lq_player_set_reference_position (LqPlayer            *self,
                                              LqReferencePosition  mode);
LqReferencePosition lq_player_get_reference_position (LqPlayer *self);
void        lq_player_measure_async (LqPlayer            *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean    lq_player_measure_finish (LqPlayer           *self,
                                      GAsyncResult       *result,
                                      GError            **error);
gboolean    lq_player_get_measured  (LqPlayer    *self);
double      lq_player_get_loudness  (LqPlayer    *self,
                                     LqTrack     *reference,
                                     LqAbSide     side);

void        lq_player_configure_sink (GstElement *sink,
                                      const char *device);

G_END_DECLS
