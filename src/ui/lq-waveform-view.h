/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-album-layout.h"
#include "lq-peak-cache.h"

G_BEGIN_DECLS

/*
 * The waveform of the album (or any stretch of it, zoomed): per channel the min/max and RMS of
 * each pixel column from the peak caches, clipped samples (at full scale) marked red and
 * samples over the ceiling marked orange, the track starts, the loop region and the playhead,
 * and over the source the outline of the track as heard: its processed peaks (chain, gain and
 * fades) when they are built, else what the sequencer's gain and fades make of the source.
 *
 * A frame costs O(width): every track visible reads only the pixels it covers from its peak
 * cache (lq_peak_cache_read()), whatever the zoom; the drawn waveform is kept as a render node
 * and only the playhead and loop region are drawn again while playing.
 *
 * The content comes from an LqAlbumLayout (lq_waveform_view_set_layout()), or from segments
 * set directly (lq_waveform_view_set_segments(), for tests and benchmarks).
 *
 * Mouse: click to seek ("seek"), Shift+drag for a loop region ("loop-selected"), Ctrl+scroll
 * or pinch to zoom, scroll to move. Keys: plus/minus zoom, 0 shows everything.
 */

typedef struct
{
  guint64 start;          /* album sample where the segment begins */
  guint64 length;         /* album samples */
  guint64 source_start;   /* frame of the peak cache at @start */
  double source_ratio;    /* peak cache frames per album sample (source rate / album rate) */
  LqPeakCache *peaks;     /* borrowed; NULL draws an empty block (still loading) */
  int track;              /* the track's index in the project, or -1 */
  guint number;           /* the track's number on the album (0: none) */
  LqPlacementFades fades; /* the sequencer's gain and fades, for the processed outline */
  LqPeakCache *processed; /* borrowed; the track as heard (album rate, frame 0 at @start),
                           * drawn as the processed outline; NULL: the outline from @fades */
} LqWaveformSegment;

#define LQ_WAVEFORM_CLIP_LEVEL 0.99997f /* 32767/32768: full scale for 16-bit sources */

#define LQ_TYPE_WAVEFORM_VIEW (lq_waveform_view_get_type ())

G_DECLARE_FINAL_TYPE (LqWaveformView, lq_waveform_view, LQ, WAVEFORM_VIEW, GtkWidget)

GtkWidget *lq_waveform_view_new            (void);
void       lq_waveform_view_set_layout     (LqWaveformView          *self,
                                            LqAlbumLayout           *layout);
void       lq_waveform_view_set_segments   (LqWaveformView          *self,
                                            const LqWaveformSegment *segments,
                                            guint                    n_segments,
                                            guint64                  length,
                                            guint                    rate);
guint64    lq_waveform_view_get_length     (LqWaveformView          *self);
void       lq_waveform_view_set_view       (LqWaveformView          *self,
                                            guint64                  start,
                                            guint64                  end);
guint64    lq_waveform_view_get_view_start (LqWaveformView          *self);
guint64    lq_waveform_view_get_view_end   (LqWaveformView          *self);
void       lq_waveform_view_zoom           (LqWaveformView          *self,
                                            double                   factor,
                                            double                   anchor_x);
void       lq_waveform_view_zoom_to_fit    (LqWaveformView          *self);
void       lq_waveform_view_set_position   (LqWaveformView          *self,
                                            guint64                  position);
void       lq_waveform_view_set_loop       (LqWaveformView          *self,
                                            guint64                  start,
                                            guint64                  end);
void       lq_waveform_view_set_ceiling    (LqWaveformView          *self,
                                            double                   dbfs);
double     lq_waveform_view_get_ceiling    (LqWaveformView          *self);
void       lq_waveform_view_set_selected   (LqWaveformView          *self,
                                            int                      track);
void       lq_waveform_view_set_show_processed (LqWaveformView      *self,
                                            gboolean                 show);
LqPeakCache *lq_waveform_view_get_processed_peaks (LqWaveformView   *self,
                                            int                      track);
guint64    lq_waveform_view_x_to_sample    (LqWaveformView          *self,
                                            double                   x);
double     lq_waveform_view_sample_to_x    (LqWaveformView          *self,
                                            guint64                  sample);

/* Drawing helpers shared with the timeline. */
guint64    lq_waveform_read                (LqPeakCache             *peaks,
                                            int                      channel,
                                            guint64                  start,
                                            guint64                  end,
                                            guint                    n_pixels,
                                            float                   *min,
                                            float                   *max,
                                            float                   *rms);
void       lq_waveform_path                (cairo_t                 *cr,
                                            const float             *low,
                                            const float             *high,
                                            guint                    n,
                                            double                   x,
                                            double                   y_center,
                                            double                   half_height);
cairo_t   *lq_waveform_begin_texture       (GtkWidget               *widget,
                                            const graphene_rect_t   *bounds);
void       lq_waveform_end_texture         (cairo_t                 *cr,
                                            GtkSnapshot             *snapshot,
                                            const graphene_rect_t   *bounds);
void       lq_waveform_get_colors          (GtkWidget               *widget,
                                            GdkRGBA                 *peak,
                                            GdkRGBA                 *rms,
                                            GdkRGBA                 *foreground);

G_END_DECLS
