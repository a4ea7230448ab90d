/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gtk/gtk.h>

#include "lq-peak-store.h"
#include "lq-project.h"
#include "lq-sequence.h"

G_BEGIN_DECLS

/*
 * The album laid out in time, shared by the window's views (timeline, waveform, transport):
 * the project's LqSequence, computed again after any change of the project, of the track
 * order, of a track or of a chain, and the waveform peaks of each track from an LqPeakStore:
 * the source's, and the track as heard (processed: chain, gain, fades), which the layout
 * keeps up to date by handing the project to the store and invalidating after each audible
 * change.
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
LqPeakCache      *lq_album_layout_get_processed_peaks (LqAlbumLayout *self,
                                                  LqTrack       *track);
void              lq_album_layout_get_fades      (LqAlbumLayout *self,
                                                  const LqPlacement *placement,
                                                  LqPlacementFades *fades);
double            lq_placement_fades_envelope    (const LqPlacementFades *fades,
                                                  guint64        length,
                                                  gint64         offset);
guint             lq_album_layout_get_serial     (LqAlbumLayout *self);

/*
 * The stretch of the album a view shows, [start, end), mapped onto the view's width: the
 * geometry the album's views (the timeline, the waveform view) share.
 */
typedef struct
{
  guint64 start;  /* first sample shown */
  guint64 end;    /* the sample after the last shown */
  gboolean fit;   /* the whole album shows (the view follows the album's length) */
} LqViewRange;

double   lq_view_range_get_length        (const LqViewRange *range);
double   lq_view_range_sample_to_x       (const LqViewRange *range,
                                          guint64            sample,
                                          double             width);
guint64  lq_view_range_x_to_sample       (const LqViewRange *range,
                                          double             x,
                                          double             width,
                                          guint64            length);
int      lq_view_range_column            (const LqViewRange *range,
                                          guint64            sample,
                                          double             width);
void     lq_view_range_set               (LqViewRange       *range,
                                          guint64            start,
                                          guint64            end,
                                          guint64            length,
                                          guint64            min_length);
void     lq_view_range_zoom              (LqViewRange       *range,
                                          double             factor,
                                          double             anchor_x,
                                          double             width,
                                          guint64            length,
                                          guint64            min_length);

/*
 * The zoom and scroll gestures the album's views share (the timeline, the waveform view):
 * Ctrl+scroll zooms around the pointer (1.2 times a wheel step), a pinch zooms around the
 * fingers, and plain scrolling moves the view (a tenth of its width a wheel step, or the
 * distance a touchpad moved).
 */
typedef struct
{
  /* the part shown, [*start, *end), of an album of *length samples */
  void (*get_view) (GtkWidget *widget, guint64 *start, guint64 *end, guint64 *length);
  /* shows [start, end) (the view keeps it within the album) */
  void (*set_view) (GtkWidget *widget, guint64 start, guint64 end);
  /* zooms by @factor (new length over current) keeping the sample under @anchor_x */
  void (*zoom)     (GtkWidget *widget, double factor, double anchor_x);
  /* when the whole album shows, plain scrolling is left to the page around the view */
  gboolean pass_scroll_when_fit;
} LqViewGestures;

void              lq_view_gestures_attach        (GtkWidget            *widget,
                                                  const LqViewGestures *gestures);

G_END_DECLS
