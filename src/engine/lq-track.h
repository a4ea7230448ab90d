/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-chain.h"
#include "lq-gain.h"

G_BEGIN_DECLS

#define LQ_TYPE_FADE_CURVE (lq_fade_curve_get_type ())
GType lq_fade_curve_get_type (void);

#define LQ_TYPE_STEM (lq_stem_get_type ())
G_DECLARE_FINAL_TYPE (LqStem, lq_stem, LQ, STEM, GObject)

LqStem         *lq_stem_new            (GFile  *file);
GFile          *lq_stem_get_file       (LqStem *self);
LqChainElement *lq_stem_get_strip      (LqStem *self);

#define LQ_TYPE_TRACK (lq_track_get_type ())

G_DECLARE_FINAL_TYPE (LqTrack, lq_track, LQ, TRACK, GObject)

/*
 * One track of the album. Positions and lengths are integer sample counts at the album's
 * rate (see LqProject:rate); n-frames and rate are the source's own.
 *
 * Properties: file, title, performer, songwriter, composer, isrc, hidden; in-point and
 * out-point (trims, album-rate samples into the source; out-point 0 = the end); gain (manual
 * offset, dB) and match-gain (set by level matching, dB); fade-in, fade-out (lengths) with
 * fade-in-curve, fade-out-curve; pause (silence before the track) or crossfade (overlap with
 * the previous track, which then wins over pause) with crossfade-curve; chain (the track's
 * processing); stems (when not empty, the track is the mix of these files, each through an
 * lqstrip, instead of `file`); indexes (index 02.. positions from the track start).
 */

LqTrack     *lq_track_new              (GFile        *file);
LqTrack     *lq_track_new_for_stems    (GFile       **files,
                                        guint         n_files);
GFile       *lq_track_get_file         (LqTrack      *self);
const char  *lq_track_get_title        (LqTrack      *self);
void         lq_track_set_title        (LqTrack      *self,
                                        const char   *title);
const char  *lq_track_get_performer    (LqTrack      *self);
void         lq_track_set_performer    (LqTrack      *self,
                                        const char   *performer);
const char  *lq_track_get_isrc         (LqTrack      *self);
guint64      lq_track_get_n_frames     (LqTrack      *self);
guint        lq_track_get_rate         (LqTrack      *self);
guint        lq_track_get_channels     (LqTrack      *self);
double       lq_track_get_duration     (LqTrack      *self);
gboolean     lq_track_get_missing      (LqTrack      *self);
guint64      lq_track_get_in_point     (LqTrack      *self);
guint64      lq_track_get_out_point    (LqTrack      *self);
double       lq_track_get_gain         (LqTrack      *self);
double       lq_track_get_match_gain   (LqTrack      *self);
void         lq_track_set_match_gain   (LqTrack      *self,
                                        double        db);
guint64      lq_track_get_fade_in      (LqTrack      *self);
guint64      lq_track_get_fade_out     (LqTrack      *self);
LqFadeCurve  lq_track_get_fade_in_curve  (LqTrack    *self);
LqFadeCurve  lq_track_get_fade_out_curve (LqTrack    *self);
guint64      lq_track_get_pause        (LqTrack      *self);
guint64      lq_track_get_crossfade    (LqTrack      *self);
LqFadeCurve  lq_track_get_crossfade_curve (LqTrack   *self);
gboolean     lq_track_get_hidden       (LqTrack      *self);
LqChain     *lq_track_get_chain        (LqTrack      *self);
GListModel  *lq_track_get_stems        (LqTrack      *self);
const guint64 *lq_track_get_indexes    (LqTrack      *self,
                                        guint        *n_indexes);
void         lq_track_set_indexes      (LqTrack      *self,
                                        const guint64 *indexes,
                                        guint         n_indexes);
gboolean     lq_track_probe            (LqTrack      *self,
                                        GCancellable *cancellable,
                                        GError      **error);

G_END_DECLS
