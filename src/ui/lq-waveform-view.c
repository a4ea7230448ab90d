/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-waveform-view"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lq-transport.h"
#include "lq-waveform-view.h"

#define RULER_HEIGHT 20.0
#define LANE_GAP 6.0
#define MIN_SAMPLES_PER_PIXEL 32.0 /* deeper than this the peak cache's entries show as steps */
#define MARK_HEIGHT 3.0            /* clip / over-ceiling marks at a lane's edges */

/* What the cached waveform node was drawn for. */
typedef struct
{
  int width;
  int height;
  guint64 view_start;
  guint64 view_end;
  guint content_serial;
  gboolean dark;
  int selected;
  gboolean show_processed;
  double ceiling_db;
} CacheKey;

struct _LqWaveformView
{
  GtkWidget parent_instance;

  LqAlbumLayout *layout;     /* where segments come from, or NULL (set directly) */
  GArray *segments;          /* LqWaveformSegment, in album order */
  guint content_serial;      /* bumped whenever segments change */
  guint64 length;            /* album length, samples */
  guint rate;                /* album rate */
  guint channels;            /* lanes drawn: the most channels of any segment (1 or 2) */

  LqViewRange view;          /* the part of the album shown */

  guint64 position;          /* playhead */
  guint64 loop_start;        /* loop region; end <= start: none */
  guint64 loop_end;
  double ceiling_db;         /* samples over this are marked */
  int selected;              /* the selected track's index, -1 none */
  gboolean show_processed;   /* draw the outline after gain and fades */

  GskRenderNode *wave_node;  /* the waveform and ruler as last drawn */
  CacheKey cache_key;        /* what wave_node was drawn for */
  float *scratch;            /* min/max/rms/envelope columns for one segment */
  guint scratch_len;         /* columns the scratch holds */

  double drag_start_x;       /* where the current drag began */
  gboolean dragging_range;   /* the drag has moved far enough to select a range */
};

G_DEFINE_FINAL_TYPE (LqWaveformView, lq_waveform_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW_START,
  PROP_VIEW_END,
  PROP_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SEEK,
  SIGNAL_LOOP_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Helpers shared with the timeline ---- */

/**
 * lq_waveform_read:
 * @channel: the channel, or -1 for all channels merged (min of mins, max of maxes, RMS of
 *   the mean squares)
 *
 * lq_peak_cache_read() over @n_pixels columns; see there.
 */
guint64
lq_waveform_read (LqPeakCache *peaks,
                  int          channel,
                  guint64      start,
                  guint64      end,
                  guint        n_pixels,
                  float       *min,
                  float       *max,
                  float       *rms)
{
  guint channels = lq_peak_cache_get_channels (peaks);
  g_autofree float *tmp = NULL;
  guint64 res;

  if (end <= start)
    end = start + 1;
  if (channel >= 0 || channels == 1)
    return lq_peak_cache_read (peaks, MIN ((guint) MAX (channel, 0), channels - 1), start, end, n_pixels, min, max, rms);

  res = lq_peak_cache_read (peaks, 0, start, end, n_pixels, min, max, rms);
  tmp = g_new (float, 3 * (gsize) n_pixels);
  for (guint i = 0; i < n_pixels; i++)
    rms[i] *= rms[i];
  for (guint c = 1; c < channels; c++)
    {
      lq_peak_cache_read (peaks, c, start, end, n_pixels, tmp, tmp + n_pixels, tmp + 2 * n_pixels);
      for (guint i = 0; i < n_pixels; i++)
        {
          min[i] = MIN (min[i], tmp[i]);
          max[i] = MAX (max[i], tmp[n_pixels + i]);
          rms[i] += tmp[2 * n_pixels + i] * tmp[2 * n_pixels + i];
        }
    }
  for (guint i = 0; i < n_pixels; i++)
    rms[i] = sqrtf (rms[i] / channels);
  return res;
}

/**
 * lq_waveform_path:
 * @low: (array length=n): the lower edge per column, -1..1
 * @high: (array length=n): the upper edge per column, -1..1
 * @x: the first column's left edge
 *
 * Adds to @cr's path the polygon between @low and @high over @n one-pixel columns, around
 * @y_center (a value of 1 is @half_height above it); every column is at least a pixel tall so
 * silence still shows as a line.
 */
void
lq_waveform_path (cairo_t     *cr,
                  const float *low,
                  const float *high,
                  guint        n,
                  double       x,
                  double       y_center,
                  double       half_height)
{
  double top, bottom;

  if (n == 0)
    return;
  /* Along the upper edge, then back along the lower one; a column is at least a pixel tall. */
  for (guint i = 0; i < n; i++)
    {
      top = y_center - CLAMP (high[i], -1.f, 1.f) * half_height;
      bottom = y_center - CLAMP (low[i], -1.f, 1.f) * half_height;
      top = MIN (top, (top + bottom) / 2 - 0.5);
      if (i == 0)
        cairo_move_to (cr, x, top);
      cairo_line_to (cr, x + i + 0.5, top);
      if (i == n - 1)
        cairo_line_to (cr, x + n, top);
    }
  for (guint i = n; i > 0; i--)
    {
      top = y_center - CLAMP (high[i - 1], -1.f, 1.f) * half_height;
      bottom = y_center - CLAMP (low[i - 1], -1.f, 1.f) * half_height;
      bottom = MAX (bottom, (top + bottom) / 2 + 0.5);
      if (i == n)
        cairo_line_to (cr, x + n, bottom);
      cairo_line_to (cr, x + i - 0.5, bottom);
      if (i == 1)
        cairo_line_to (cr, x, bottom);
    }
  cairo_close_path (cr);
}

/**
 * lq_waveform_get_colors:
 *
 * The waveform colours for the current style (dark or light): peaks, RMS, and @widget's
 * foreground colour.
 */
void
lq_waveform_get_colors (GtkWidget *widget,
                        GdkRGBA   *peak,
                        GdkRGBA   *rms,
                        GdkRGBA   *foreground)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  if (peak != NULL)
    *peak = dark ? (GdkRGBA) { 0.21, 0.52, 0.89, 0.75 } : (GdkRGBA) { 0.21, 0.52, 0.89, 0.55 };
  if (rms != NULL)
    *rms = dark ? (GdkRGBA) { 0.60, 0.76, 0.95, 0.95 } : (GdkRGBA) { 0.10, 0.37, 0.71, 0.95 };
  if (foreground != NULL)
    gtk_style_context_get_color (gtk_widget_get_style_context (widget), foreground);
}

/**
 * lq_waveform_begin_texture:
 * @bounds: the area to draw, in widget coordinates
 *
 * Starts drawing with cairo into an image of @bounds at @widget's scale; end with
 * lq_waveform_end_texture(). Unlike a cairo render node (a recording replayed at every frame),
 * the image is drawn once: frames that only move the playhead just show it again.
 *
 * Returns: (transfer full): a cairo context in widget coordinates
 */
cairo_t *
lq_waveform_begin_texture (GtkWidget             *widget,
                           const graphene_rect_t *bounds)
{
  int scale = gtk_widget_get_scale_factor (widget);
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        MAX ((int) ceilf (bounds->size.width * scale), 1),
                                        MAX ((int) ceilf (bounds->size.height * scale), 1));
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  cairo_surface_destroy (surface);
  cairo_translate (cr, -bounds->origin.x, -bounds->origin.y);
  return cr;
}

/**
 * lq_waveform_end_texture:
 *
 * Appends what was drawn on @cr (from lq_waveform_begin_texture()) to @snapshot at @bounds,
 * and frees @cr.
 */
void
lq_waveform_end_texture (cairo_t               *cr,
                         GtkSnapshot           *snapshot,
                         const graphene_rect_t *bounds)
{
  cairo_surface_t *surface = cairo_get_target (cr);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height, stride;

  cairo_surface_flush (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  /* cairo's ARGB32 is GDK_MEMORY_DEFAULT (premultiplied, native endian); the texture keeps
   * the surface's pixels (no copy) */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize) stride * height,
                                      (GDestroyNotify) cairo_surface_destroy, cairo_surface_reference (surface));
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
  gtk_snapshot_append_texture (snapshot, texture, bounds);
  cairo_destroy (cr);
}

/* ---- The view ---- */

double
lq_waveform_view_sample_to_x (LqWaveformView *self,
                              guint64         sample)
{
  g_return_val_if_fail (LQ_IS_WAVEFORM_VIEW (self), 0.0);
  return lq_view_range_sample_to_x (&self->view, sample, gtk_widget_get_width (GTK_WIDGET (self)));
}

guint64
lq_waveform_view_x_to_sample (LqWaveformView *self,
                              double          x)
{
  g_return_val_if_fail (LQ_IS_WAVEFORM_VIEW (self), 0);
  return lq_view_range_x_to_sample (&self->view, x, gtk_widget_get_width (GTK_WIDGET (self)), self->length);
}

static guint64
min_view_length (LqWaveformView *self)
{
  return (guint64) (MAX (gtk_widget_get_width (GTK_WIDGET (self)), 100) * MIN_SAMPLES_PER_PIXEL);
}

static void
update_view (LqWaveformView *self,
             guint64         start,
             guint64         end)
{
  guint64 old_start = self->view.start, old_end = self->view.end;

  lq_view_range_set (&self->view, start, end, self->length, min_view_length (self));
  if (old_start != self->view.start)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_START]);
  if (old_end != self->view.end)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_END]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ensure_scratch (LqWaveformView *self,
                guint           n)
{
  if (n <= self->scratch_len)
    return;
  self->scratch_len = MAX (n, 1024);
  self->scratch = g_renew (float, self->scratch, 4 * (gsize) self->scratch_len);
}

static void
set_segments_internal (LqWaveformView *self,
                       GArray         *segments,
                       guint64         length,
                       guint           rate)
{
  gboolean was_fit = self->view.fit || self->length == 0;

  g_array_unref (self->segments);
  self->segments = segments;
  self->content_serial++;
  self->rate = rate ? rate : 44100;
  self->channels = 1;
  for (guint i = 0; i < segments->len; i++)
    {
      LqWaveformSegment *seg = &g_array_index (segments, LqWaveformSegment, i);
      if (seg->peaks != NULL)
        self->channels = CLAMP (lq_peak_cache_get_channels (seg->peaks), self->channels, 2);
    }
  if (length != self->length)
    {
      self->length = length;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LENGTH]);
    }
  if (was_fit)
    update_view (self, 0, length);
  else
    update_view (self, self->view.start, self->view.end);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
layout_changed_cb (LqWaveformView *self,
                   gboolean        audible,
                   LqAlbumLayout  *layout)
{
  const LqSequence *seq = lq_album_layout_get_sequence (layout);
  GArray *segments = g_array_sized_new (FALSE, TRUE, sizeof (LqWaveformSegment), seq->n_placements);

  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      LqWaveformSegment seg = { 0 };
      LqPeakCache *peaks = lq_album_layout_get_peaks (layout, p->track);

      seg.start = p->start;
      seg.length = p->length;
      seg.peaks = peaks;
      seg.track = (int) p->index;
      seg.number = p->number;
      seg.source_ratio = peaks != NULL ? (double) lq_peak_cache_get_rate (peaks) / seq->rate : 1.0;
      seg.source_start = (guint64) (p->in_point * seg.source_ratio);
      lq_album_layout_get_fades (layout, p, &seg.fades);
      seg.processed = lq_album_layout_get_processed_peaks (layout, p->track);
      g_array_append_val (segments, seg);
    }
  set_segments_internal (self, segments, seq->length, seq->rate);
}

/* ---- Drawing ---- */

static double
pick_tick_step (double seconds_per_pixel,
                double min_pixels)
{
  static const double steps[] = { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120,
                                  300, 600, 900, 1800, 3600 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] / seconds_per_pixel >= min_pixels)
      return steps[i];
  return 7200;
}

static void
draw_ruler (LqWaveformView *self,
            GtkSnapshot    *snapshot,
            const GdkRGBA  *fg,
            int             width)
{
  double spp = lq_view_range_get_length (&self->view) / self->rate / MAX (width, 1);
  double step = pick_tick_step (spp, 90);
  double t0 = (double) self->view.start / self->rate;
  double t1 = (double) self->view.end / self->rate;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  GdkRGBA tick = *fg, text = *fg;
  PangoAttrList *attrs = pango_attr_list_new ();

  tick.alpha = 0.3;
  text.alpha = 0.7;
  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  gtk_snapshot_append_color (snapshot, &tick, &GRAPHENE_RECT_INIT (0, RULER_HEIGHT - 1, width, 1));
  for (double t = floor (t0 / step) * step; t <= t1; t += step)
    {
      double x = (t - t0) / spp;
      guint64 sample = (guint64) llround (t * self->rate);
      g_autofree char *label = NULL;

      if (x < 0)
        continue;
      for (int k = 1; k < 5; k++)
        gtk_snapshot_append_color (snapshot, &tick,
                                   &GRAPHENE_RECT_INIT (floor (x + k * step / spp), RULER_HEIGHT - 4, 1, 3));
      gtk_snapshot_append_color (snapshot, &tick, &GRAPHENE_RECT_INIT (floor (x), 4, 1, RULER_HEIGHT - 4));
      label = lq_format_time (sample, self->rate);
      if (step >= 1.0 && g_str_has_suffix (label, ".00"))
        label[strlen (label) - 3] = '\0';
      pango_layout_set_text (layout, label, -1);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor (x) + 4, 2));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
    }
}

/* ---- Rasterizing the lanes ----
 *
 * The lanes are drawn straight into the pixels of an image (one column per device pixel): a
 * vertical span per column for the min/max, another for the RMS, marks and the processed
 * outline. It costs O(width × height) memory writes and no path filling. */

typedef struct
{
  guint32 *pixels;  /* cairo ARGB32: premultiplied, native endian */
  int stride;       /* in pixels */
  int width;        /* device pixels */
  int height;
} Canvas;

static guint32
premultiply (const GdkRGBA *c)
{
  guint a = (guint) CLAMP (c->alpha * 255 + 0.5, 0, 255);

  return (a << 24) | ((guint) (CLAMP (c->red, 0, 1) * a + 0.5) << 16)
         | ((guint) (CLAMP (c->green, 0, 1) * a + 0.5) << 8) | (guint) (CLAMP (c->blue, 0, 1) * a + 0.5);
}

/* Source-over of @color on the pixels of column @x from row @y0 to @y1 (inclusive, any order). */
static void
span (Canvas  *c,
      int      x,
      int      y0,
      int      y1,
      guint32  color)
{
  guint inv = 255 - (color >> 24);

  if (y0 > y1)
    {
      int t = y0;
      y0 = y1;
      y1 = t;
    }
  if (x < 0 || x >= c->width || y1 < 0 || y0 >= c->height)
    return;
  y0 = MAX (y0, 0);
  y1 = MIN (y1, c->height - 1);
  for (int y = y0; y <= y1; y++)
    {
      guint32 *d = &c->pixels[y * c->stride + x];
      guint32 v = *d;

      if (inv == 0 || v == 0)
        *d = color;
      else
        *d = color + ((((v >> 24) & 0xff) * inv / 255) << 24) + ((((v >> 16) & 0xff) * inv / 255) << 16)
             + ((((v >> 8) & 0xff) * inv / 255) << 8) + ((v & 0xff) * inv / 255);
    }
}

static int
value_row (double y_center,
           double half_height,
           float  value)
{
  return (int) floor (y_center - CLAMP (value, -1.f, 1.f) * half_height);
}

static void
draw_segment_lane (LqWaveformView          *self,
                   Canvas                  *canvas,
                   int                      scale,
                   const LqWaveformSegment *seg,
                   guint                    lane,
                   double                   y_top,
                   double                   lane_height,
                   guint32                  peak_color,
                   guint32                  rms_color,
                   guint32                  outline_color)
{
  static const guint32 red = 0xffe01b24;    /* GNOME red 3 */
  static const guint32 orange = 0xffff7800; /* GNOME orange 3 */
  guint64 seg_end = seg->start + seg->length;
  double yc = y_top + lane_height / 2, hh = lane_height / 2 - scale;
  double spp = lq_view_range_get_length (&self->view) / canvas->width; /* samples per device pixel */
  int px0, px1, mark = (int) (MARK_HEIGHT * scale), prev = 0;
  guint64 a, b, src_a, src_b;
  float ceiling = powf (10.f, (float) self->ceiling_db / 20.f);
  gboolean processed = FALSE;
  gboolean from_peaks = self->show_processed && seg->processed != NULL;
  float *min, *max, *rms, *env;
  guint n;

  if ((seg->peaks == NULL && !from_peaks) || seg_end <= self->view.start || seg->start >= self->view.end)
    return;
  px0 = (int) floor (((double) MAX (seg->start, self->view.start) - self->view.start) / spp);
  px1 = (int) ceil (((double) MIN (seg_end, self->view.end) - self->view.start) / spp);
  px0 = CLAMP (px0, 0, canvas->width);
  px1 = CLAMP (px1, 0, canvas->width);
  if (px1 <= px0)
    px1 = MIN (px0 + 1, canvas->width);
  if (px1 <= px0)
    return;
  n = px1 - px0;

  /* The album samples under these columns, clipped to the segment, in the cache's frames. */
  a = CLAMP ((guint64) (self->view.start + px0 * spp), seg->start, seg_end);
  b = CLAMP ((guint64) (self->view.start + px1 * spp), seg->start, seg_end);
  src_a = seg->source_start + (guint64) ((a - seg->start) * seg->source_ratio);
  src_b = seg->source_start + (guint64) ((b - seg->start) * seg->source_ratio);

  ensure_scratch (self, n);
  min = self->scratch;
  max = min + self->scratch_len;
  rms = max + self->scratch_len;
  env = rms + self->scratch_len;

  if (seg->peaks != NULL)
    {
      lq_peak_cache_read (seg->peaks, MIN (lane, lq_peak_cache_get_channels (seg->peaks) - 1),
                          src_a, MAX (src_b, src_a + 1), n, min, max, rms);
      for (guint i = 0; i < n; i++)
        {
          int x = px0 + i;
          float peak = MAX (max[i], -min[i]);
          float hi = MIN (rms[i], max[i]), lo = MAX (-rms[i], min[i]);

          /* min/max, then the RMS inside it */
          span (canvas, x, value_row (yc, hh, max[i]), value_row (yc, hh, min[i]), peak_color);
          if (hi > lo)
            span (canvas, x, value_row (yc, hh, hi), value_row (yc, hh, lo), rms_color);

          /* clipped samples in red, over the ceiling in orange, at the lane's edges */
          if (peak >= LQ_WAVEFORM_CLIP_LEVEL || peak > ceiling)
            {
              guint32 color = peak >= LQ_WAVEFORM_CLIP_LEVEL ? red : orange;
              span (canvas, x, (int) y_top, (int) y_top + mark - 1, color);
              span (canvas, x, (int) (y_top + lane_height) - mark, (int) (y_top + lane_height) - 1, color);
            }
        }
    }

  if (from_peaks)
    {
      /* The track as heard, from its processed peaks (album frames from the segment's start,
       * over the same columns; read into the RMS and envelope columns, no longer needed): a
       * line joining the columns' maxima, another for the minima, where they are not the
       * source's own edge (more than a pixel away: the two caches' entries do not start on the
       * same frames, and a resampled source differs a little). */
      float *pmax = rms, *pmin = env;

      lq_peak_cache_read (seg->processed, MIN (lane, lq_peak_cache_get_channels (seg->processed) - 1),
                          a - seg->start, MAX (b - seg->start, a - seg->start + 1), n, pmin, pmax, NULL);
      for (int edge = 0; edge < 2; edge++)
        {
          gboolean was_drawn = FALSE;

          for (guint i = 0; i < n; i++)
            {
              int y = value_row (yc, hh, edge ? pmin[i] : pmax[i]);
              gboolean draw = seg->peaks == NULL || abs (y - value_row (yc, hh, edge ? min[i] : max[i])) > scale;

              if (draw)
                span (canvas, px0 + i, was_drawn ? prev : y, y, outline_color);
              was_drawn = draw;
              prev = y;
            }
        }
      return;
    }

  /* Until then: the outline after the sequencer's gain and fades, where they change anything
   * (elsewhere it is the waveform's own edge). */
  if (!self->show_processed)
    return;
  for (guint i = 0; i < n; i++)
    {
      double s = a + (i + 0.5) * (double) (b - a) / n;
      env[i] = lq_placement_fades_envelope (&seg->fades, seg->length, (gint64) (s - seg->start));
      processed |= fabsf (env[i] - 1.f) > 1e-4f;
    }
  if (!processed)
    return;
  for (int edge = 0; edge < 2; edge++)
    for (guint i = 0; i < n; i++)
      {
        int y = value_row (yc, hh, (edge ? min[i] : max[i]) * env[i]);
        gboolean changed = fabsf (env[i] - 1.f) > 1e-4f;

        if (changed)
          span (canvas, px0 + i, i > 0 && fabsf (env[i - 1] - 1.f) > 1e-4f ? prev : y, y, outline_color);
        prev = y;
      }
}

static void
draw_lanes (LqWaveformView        *self,
            GtkSnapshot           *snapshot,
            const graphene_rect_t *area)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  GdkRGBA peak, rms, fg, dim, outline, ceiling_color = { 1.0, 0.47, 0.0, 0.45 };
  cairo_t *cr = lq_waveform_begin_texture (GTK_WIDGET (self), area);
  cairo_surface_t *surface = cairo_get_target (cr);
  Canvas canvas;
  double lane_height;
  float ceiling = powf (10.f, (float) self->ceiling_db / 20.f);
  guint32 dim_px, ceiling_px, peak_px, rms_px, outline_px;

  lq_waveform_get_colors (GTK_WIDGET (self), &peak, &rms, &fg);
  dim = fg;
  dim.alpha = 0.12;
  outline = fg;
  outline.alpha = 0.85;
  dim_px = premultiply (&dim);
  ceiling_px = premultiply (&ceiling_color);
  peak_px = premultiply (&peak);
  rms_px = premultiply (&rms);
  outline_px = premultiply (&outline);

  cairo_surface_flush (surface);
  canvas.pixels = (guint32 *) cairo_image_surface_get_data (surface);
  canvas.stride = cairo_image_surface_get_stride (surface) / 4;
  canvas.width = cairo_image_surface_get_width (surface);
  canvas.height = cairo_image_surface_get_height (surface);
  lane_height = (canvas.height - 2.0 * scale - LANE_GAP * scale * (self->channels - 1)) / self->channels;

  for (guint lane = 0; lane < self->channels; lane++)
    {
      double y = lane * (lane_height + LANE_GAP * scale);
      double yc = y + lane_height / 2, hh = lane_height / 2 - scale;
      int top = value_row (yc, hh, ceiling), bottom = value_row (yc, hh, -ceiling);

      /* the centre line and the ceiling (dashed) */
      for (int x = 0; x < canvas.width; x++)
        {
          span (&canvas, x, (int) floor (yc), (int) floor (yc) + scale - 1, dim_px);
          if ((x / (4 * scale)) % 2 == 0)
            {
              span (&canvas, x, top, top + scale - 1, ceiling_px);
              span (&canvas, x, bottom, bottom + scale - 1, ceiling_px);
            }
        }
      for (guint i = 0; i < self->segments->len; i++)
        draw_segment_lane (self, &canvas, scale, &g_array_index (self->segments, LqWaveformSegment, i), lane,
                           y, lane_height, peak_px, rms_px, outline_px);
    }
  cairo_surface_mark_dirty (surface);
  lq_waveform_end_texture (cr, snapshot, area);
}

static GskRenderNode *
draw_waveform (LqWaveformView *self,
               int             width,
               int             height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkRGBA fg;
  double lanes_top = RULER_HEIGHT + 4;
  graphene_rect_t area;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  lq_waveform_get_colors (GTK_WIDGET (self), NULL, NULL, &fg);

  draw_ruler (self, snapshot, &fg, width);

  /* The selected track's stretch, and the track starts. */
  for (guint i = 0; i < self->segments->len; i++)
    {
      LqWaveformSegment *seg = &g_array_index (self->segments, LqWaveformSegment, i);
      double x0 = lq_waveform_view_sample_to_x (self, seg->start);
      double x1 = lq_waveform_view_sample_to_x (self, seg->start + seg->length);
      GdkRGBA marker = fg;

      if (x1 < 0 || x0 > width)
        continue;
      if (seg->track == self->selected && seg->track >= 0)
        {
          GdkRGBA band = { 0.21, 0.52, 0.89, 0.10 };
          gtk_snapshot_append_color (snapshot, &band,
                                     &GRAPHENE_RECT_INIT (x0, lanes_top, x1 - x0, height - lanes_top));
        }
      marker.alpha = 0.45;
      gtk_snapshot_append_color (snapshot, &marker, &GRAPHENE_RECT_INIT (floor (x0), lanes_top - 4, 1, height - lanes_top + 4));
      if (seg->number > 0 && x0 >= -20)
        {
          g_autofree char *num = g_strdup_printf ("%u", seg->number);
          pango_layout_set_text (layout, num, -1);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor (x0) + 3, lanes_top));
          gtk_snapshot_append_layout (snapshot, layout, &marker);
          gtk_snapshot_restore (snapshot);
        }
    }

  area = GRAPHENE_RECT_INIT (0, lanes_top, width, height - lanes_top);
  draw_lanes (self, snapshot, &area);

  return gtk_snapshot_free_to_node (snapshot);
}

static gboolean
cache_key_equal (const CacheKey *a,
                 const CacheKey *b)
{
  return a->width == b->width && a->height == b->height && a->view_start == b->view_start
         && a->view_end == b->view_end && a->content_serial == b->content_serial
         && a->dark == b->dark && a->selected == b->selected
         && a->show_processed == b->show_processed && a->ceiling_db == b->ceiling_db;
}

static void
lq_waveform_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  LqWaveformView *self = LQ_WAVEFORM_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  CacheKey key;
  GdkRGBA fg;

  if (self->length == 0 || width <= 0 || height <= 0)
    return;

  key.width = width;
  key.height = height;
  key.view_start = self->view.start;
  key.view_end = self->view.end;
  key.content_serial = self->content_serial;
  key.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  key.selected = self->selected;
  key.show_processed = self->show_processed;
  key.ceiling_db = self->ceiling_db;
  if (self->wave_node == NULL || !cache_key_equal (&key, &self->cache_key))
    {
      g_clear_pointer (&self->wave_node, gsk_render_node_unref);
      self->wave_node = draw_waveform (self, width, height);
      self->cache_key = key;
    }
  if (self->wave_node != NULL)
    gtk_snapshot_append_node (snapshot, self->wave_node);

  /* The moving parts: loop region and playhead. */
  if (self->loop_end > self->loop_start)
    {
      double x0 = lq_waveform_view_sample_to_x (self, self->loop_start);
      double x1 = lq_waveform_view_sample_to_x (self, self->loop_end);
      GdkRGBA band = { 0.96, 0.83, 0.18, 0.14 }, edge = { 0.96, 0.83, 0.18, 0.8 };

      if (x1 > 0 && x0 < width)
        {
          gtk_snapshot_append_color (snapshot, &band, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, height));
          gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (floor (x0), 0, 1, height));
          gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (floor (x1), 0, 1, height));
        }
    }
  if (self->position >= self->view.start && self->position <= self->view.end)
    {
      double x = floor (lq_waveform_view_sample_to_x (self, self->position));

      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x - 0.5, 0, 2, height));
    }
}

/* ---- Input ---- */

/* The shared zoom and scroll gestures (lq_view_gestures_attach()). */
static void
gestures_get_view (GtkWidget *widget,
                   guint64   *start,
                   guint64   *end,
                   guint64   *length)
{
  LqWaveformView *self = LQ_WAVEFORM_VIEW (widget);

  *start = self->view.start;
  *end = self->view.end;
  *length = self->length;
}

static void
gestures_set_view (GtkWidget *widget,
                   guint64    start,
                   guint64    end)
{
  update_view (LQ_WAVEFORM_VIEW (widget), start, end);
}

static void
gestures_zoom (GtkWidget *widget,
               double     factor,
               double     anchor_x)
{
  lq_waveform_view_zoom (LQ_WAVEFORM_VIEW (widget), factor, anchor_x);
}

static const LqViewGestures view_gestures = {
  gestures_get_view,
  gestures_set_view,
  gestures_zoom,
  FALSE, /* scrolling over the whole album stays here */
};

static void
drag_begin_cb (LqWaveformView *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  self->drag_start_x = x;
  self->dragging_range = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (LqWaveformView *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  guint64 a, b;

  if (!self->dragging_range && fabs (dx) < 4)
    return;
  self->dragging_range = TRUE;
  a = lq_waveform_view_x_to_sample (self, self->drag_start_x);
  b = lq_waveform_view_x_to_sample (self, self->drag_start_x + dx);
  lq_waveform_view_set_loop (self, MIN (a, b), MAX (a, b));
}

static void
drag_end_cb (LqWaveformView *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  drag_update_cb (self, dx, dy, gesture);
  if (self->dragging_range)
    {
      g_signal_emit (self, signals[SIGNAL_LOOP_SELECTED], 0, self->loop_start, self->loop_end);
      self->dragging_range = FALSE;
    }
  else
    g_signal_emit (self, signals[SIGNAL_SEEK], 0, lq_waveform_view_x_to_sample (self, self->drag_start_x + dx));
}

static gboolean
zoom_in_cb (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  lq_waveform_view_zoom (LQ_WAVEFORM_VIEW (widget), 1 / 1.5, gtk_widget_get_width (widget) / 2.0);
  return TRUE;
}

static gboolean
zoom_out_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  lq_waveform_view_zoom (LQ_WAVEFORM_VIEW (widget), 1.5, gtk_widget_get_width (widget) / 2.0);
  return TRUE;
}

static gboolean
zoom_fit_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  lq_waveform_view_zoom_to_fit (LQ_WAVEFORM_VIEW (widget));
  return TRUE;
}

static void
style_changed_cb (LqWaveformView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- GObject ---- */

static void
lq_waveform_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  LqWaveformView *self = LQ_WAVEFORM_VIEW (widget);

  if (self->view.fit)
    update_view (self, 0, self->length);
  else
    update_view (self, self->view.start, self->view.end);
}

static void
lq_waveform_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 100 : 80;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 240;
}

static void
lq_waveform_view_dispose (GObject *object)
{
  LqWaveformView *self = LQ_WAVEFORM_VIEW (object);

  lq_waveform_view_set_layout (self, NULL);
  g_clear_pointer (&self->wave_node, gsk_render_node_unref);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);

  G_OBJECT_CLASS (lq_waveform_view_parent_class)->dispose (object);
}

static void
lq_waveform_view_finalize (GObject *object)
{
  LqWaveformView *self = LQ_WAVEFORM_VIEW (object);

  g_array_unref (self->segments);
  g_free (self->scratch);

  G_OBJECT_CLASS (lq_waveform_view_parent_class)->finalize (object);
}

static void
lq_waveform_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LqWaveformView *self = LQ_WAVEFORM_VIEW (object);

  switch (prop_id)
    {
    case PROP_VIEW_START:
      g_value_set_uint64 (value, self->view.start);
      break;
    case PROP_VIEW_END:
      g_value_set_uint64 (value, self->view.end);
      break;
    case PROP_LENGTH:
      g_value_set_uint64 (value, self->length);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_waveform_view_class_init (LqWaveformViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lq_waveform_view_dispose;
  object_class->finalize = lq_waveform_view_finalize;
  object_class->get_property = lq_waveform_view_get_property;
  widget_class->snapshot = lq_waveform_view_snapshot;
  widget_class->measure = lq_waveform_view_measure;
  widget_class->size_allocate = lq_waveform_view_size_allocate;

  properties[PROP_VIEW_START] = g_param_spec_uint64 ("view-start", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_VIEW_END] = g_param_spec_uint64 ("view-end", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_LENGTH] = g_param_spec_uint64 ("length", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LqWaveformView::seek:
   * @sample: the album sample clicked
   */
  signals[SIGNAL_SEEK] = g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  /**
   * LqWaveformView::loop-selected:
   *
   * A range was dragged out: [@start, @end) album samples.
   */
  signals[SIGNAL_LOOP_SELECTED] = g_signal_new ("loop-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_plus, 0, zoom_in_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Add, 0, zoom_in_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_equal, 0, zoom_in_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_minus, 0, zoom_out_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Subtract, 0, zoom_out_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_0, 0, zoom_fit_cb, NULL);

  gtk_widget_class_set_css_name (widget_class, "waveform");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_waveform_view_init (LqWaveformView *self)
{
  GtkGesture *gesture;

  self->segments = g_array_new (FALSE, TRUE, sizeof (LqWaveformSegment));
  self->rate = 44100;
  self->channels = 1;
  self->view.fit = TRUE;
  self->selected = -1;
  self->ceiling_db = -1.0;
  self->show_processed = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  lq_view_gestures_attach (GTK_WIDGET (self), &view_gestures);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
lq_waveform_view_new (void)
{
  return g_object_new (LQ_TYPE_WAVEFORM_VIEW, NULL);
}

/**
 * lq_waveform_view_set_layout:
 * @layout: (nullable): the album to show
 *
 * Shows @layout's album and follows its changes.
 */
void
lq_waveform_view_set_layout (LqWaveformView *self,
                             LqAlbumLayout  *layout)
{
  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));
  g_return_if_fail (layout == NULL || LQ_IS_ALBUM_LAYOUT (layout));

  if (self->layout == layout)
    return;
  if (self->layout != NULL)
    g_signal_handlers_disconnect_by_data (self->layout, self);
  g_set_object (&self->layout, layout);
  if (layout != NULL)
    {
      g_signal_connect_object (layout, "changed", G_CALLBACK (layout_changed_cb), self, G_CONNECT_SWAPPED);
      self->view.fit = TRUE;
      layout_changed_cb (self, FALSE, layout);
    }
}

/**
 * lq_waveform_view_set_segments:
 * @segments: (array length=n_segments): what to draw (copied; the peak caches are borrowed
 *   and must outlive their use here)
 * @length: the album length in samples
 * @rate: the album rate
 *
 * Shows these segments instead of a layout's.
 */
void
lq_waveform_view_set_segments (LqWaveformView          *self,
                               const LqWaveformSegment *segments,
                               guint                    n_segments,
                               guint64                  length,
                               guint                    rate)
{
  GArray *array;

  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));
  g_return_if_fail (segments != NULL || n_segments == 0);

  lq_waveform_view_set_layout (self, NULL);
  array = g_array_sized_new (FALSE, TRUE, sizeof (LqWaveformSegment), n_segments);
  g_array_append_vals (array, segments, n_segments);
  set_segments_internal (self, array, length, rate);
}

guint64
lq_waveform_view_get_length (LqWaveformView *self)
{
  g_return_val_if_fail (LQ_IS_WAVEFORM_VIEW (self), 0);
  return self->length;
}

/**
 * lq_waveform_view_set_view:
 *
 * Shows [@start, @end) (album samples), within the album and not narrower than the deepest
 * zoom.
 */
void
lq_waveform_view_set_view (LqWaveformView *self,
                           guint64         start,
                           guint64         end)
{
  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));
  update_view (self, start, end);
}

guint64
lq_waveform_view_get_view_start (LqWaveformView *self)
{
  g_return_val_if_fail (LQ_IS_WAVEFORM_VIEW (self), 0);
  return self->view.start;
}

guint64
lq_waveform_view_get_view_end (LqWaveformView *self)
{
  g_return_val_if_fail (LQ_IS_WAVEFORM_VIEW (self), 0);
  return self->view.end;
}

/**
 * lq_waveform_view_zoom:
 * @factor: the new view length over the current (< 1 zooms in)
 * @anchor_x: the widget x that keeps its sample
 */
void
lq_waveform_view_zoom (LqWaveformView *self,
                       double          factor,
                       double          anchor_x)
{
  LqViewRange zoomed;

  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));

  zoomed = self->view;
  lq_view_range_zoom (&zoomed, factor, anchor_x, gtk_widget_get_width (GTK_WIDGET (self)), self->length,
                      min_view_length (self));
  update_view (self, zoomed.start, zoomed.end);
}

void
lq_waveform_view_zoom_to_fit (LqWaveformView *self)
{
  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));
  update_view (self, 0, self->length);
}

/* The pixel column of the playhead at @position, or G_MININT when it is not in view. */
static int
playhead_column (LqWaveformView *self,
                 guint64         position)
{
  return lq_view_range_column (&self->view, position, gtk_widget_get_width (GTK_WIDGET (self)));
}

void
lq_waveform_view_set_position (LqWaveformView *self,
                               guint64         position)
{
  guint64 old;

  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));

  old = self->position;
  if (old == position)
    return;
  self->position = position;
  /* Redrawn only when the playhead moves on screen: at album zoom it crosses a pixel every few
   * position updates, and every frame costs the whole window a render. */
  if (playhead_column (self, old) != playhead_column (self, position))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lq_waveform_view_set_loop (LqWaveformView *self,
                           guint64         start,
                           guint64         end)
{
  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));

  if (end <= start)
    start = end = 0;
  self->loop_start = start;
  self->loop_end = end;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lq_waveform_view_set_ceiling:
 *
 * Sample peaks over @dbfs are marked (default -1 dBFS).
 */
void
lq_waveform_view_set_ceiling (LqWaveformView *self,
                              double          dbfs)
{
  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));

  self->ceiling_db = MIN (dbfs, 0.0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
lq_waveform_view_get_ceiling (LqWaveformView *self)
{
  g_return_val_if_fail (LQ_IS_WAVEFORM_VIEW (self), 0.0);
  return self->ceiling_db;
}

void
lq_waveform_view_set_selected (LqWaveformView *self,
                               int             track)
{
  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));

  self->selected = track;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lq_waveform_view_set_show_processed (LqWaveformView *self,
                                     gboolean        show)
{
  g_return_if_fail (LQ_IS_WAVEFORM_VIEW (self));

  self->show_processed = !!show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lq_waveform_view_get_processed_peaks:
 * @track: a track's index in the project
 *
 * Returns: (transfer none) (nullable): the processed peaks the view draws for @track's
 *   outline, %NULL when it draws the gain and fades outline (not built yet) or has no such
 *   track
 */
LqPeakCache *
lq_waveform_view_get_processed_peaks (LqWaveformView *self,
                                      int             track)
{
  g_return_val_if_fail (LQ_IS_WAVEFORM_VIEW (self), NULL);

  for (guint i = 0; i < self->segments->len; i++)
    {
      LqWaveformSegment *seg = &g_array_index (self->segments, LqWaveformSegment, i);
      if (seg->track == track && track >= 0)
        return seg->processed;
    }
  return NULL;
}
