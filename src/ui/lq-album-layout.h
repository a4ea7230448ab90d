/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-peak-store.h"
#include "lq-project.h"
#include "lq-sequence.h"

G_BEGIN_DECLS

/*
 * The album laid out in time, shared by the window's views (timeline, waveform, transport):
 * the project's LqSequence, computed again after any change of the project, of the track
 * order, of a track or of a chain, and the waveform peaks of each track from an LqPeakStore.
 * "changed" (gboolean audible) is emitted after each such change and when peaks arrive;
 * audible is FALSE for changes that cannot change the sound (metadata, peaks), so a player
 * need not start again. The sequence is recomputed on the next
 * lq_album_layout_get_sequence().
 */

/* The fades a placed track is heard with: a crossfade replaces the fade on its side (as in
 * LqAlbumReader); lengths in album samples from the track's start and to its end. */
typedef struct
{
  guint64 in_length;
  LqFadeCurve in_curve;
  guint64 out_length;
  LqFadeCurve out_curve;
  double gain_db;          /* gain + match-gain */
} LqPlacementFades;

#define LQ_TYPE_ALBUM_LAYOUT (lq_album_layout_get_type ())

G_DECLARE_FINAL_TYPE (LqAlbumLayout, lq_album_layout, LQ, ALBUM_LAYOUT, GObject)

LqAlbumLayout    *lq_album_layout_new            (LqPeakStore   *peaks);
void              lq_album_layout_set_project    (LqAlbumLayout *self,
                                                  LqProject     *project);
LqProject        *lq_album_layout_get_project    (LqAlbumLayout *self);
LqPeakStore      *lq_album_layout_get_peak_store (LqAlbumLayout *self);
const LqSequence *lq_album_layout_get_sequence   (LqAlbumLayout *self);
const LqPlacement *lq_album_layout_find_track    (LqAlbumLayout *self,
                                                  guint          index);
const LqPlacement *lq_album_layout_find_at       (LqAlbumLayout *self,
                                                  guint64        sample);
LqPeakCache      *lq_album_layout_get_peaks      (LqAlbumLayout *self,
                                                  LqTrack       *track);
void              lq_album_layout_get_fades      (LqAlbumLayout *self,
                                                  const LqPlacement *placement,
                                                  LqPlacementFades *fades);
double            lq_placement_fades_envelope    (const LqPlacementFades *fades,
                                                  guint64        length,
                                                  gint64         offset);
guint             lq_album_layout_get_serial     (LqAlbumLayout *self);

G_END_DECLS
