/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-timeline"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lq-timeline.h"
#include "lq-timeline-private.h"
#include "lq-transport.h"
#include "lq-waveform-view.h"

#define RULER_HEIGHT 18.0
#define LANE_GAP 4.0
#define HANDLE_SIZE 10.0
#define HANDLE_HIT 9.0             /* pointer distance that grabs a handle */
#define DRAG_THRESHOLD 4.0
#define MIN_SAMPLES_PER_PIXEL 64.0

typedef enum
{
  DRAG_NONE,
  DRAG_CLICK,    /* not moved (yet): a click */
  DRAG_RANGE,    /* selecting a loop region */
  DRAG_FADE_IN,
  DRAG_FADE_OUT,
} DragKind;

typedef struct
{
  int width;
  int height;
  guint64 view_start;
  guint64 view_end;
  guint serial;
  gboolean dark;
  int selected;
  int playing;
  guint64 range_start;
  guint64 range_end;
  gboolean show_processed;
} CacheKey;

struct _LqTimeline
{
  GtkWidget parent_instance;

  LqAlbumLayout *layout;     /* the album shown */
  LqHistory *history;        /* where fade edits go (NULL: set directly) */

  LqViewRange view;          /* the part of the album shown */
  guint64 position;          /* playhead */
  guint64 loop_start;        /* loop region; end <= start: none */
  guint64 loop_end;
  guint64 range_start;       /* the waveform view's part of the album; end <= start: none */
  guint64 range_end;
  int selected;              /* selected track (project index), -1 none */
  int playing;               /* track being played (project index), -1 none */
  gboolean show_processed;   /* outline the tracks as heard (processed peaks) */

  GskRenderNode *node;       /* the blocks, waveforms, markers as last drawn */
  CacheKey cache_key;        /* what node was drawn for */
  float *scratch;            /* waveform columns of one block */
  guint scratch_len;

  DragKind drag;             /* the drag in progress */
  int drag_track;            /* its track (project index) */
  double drag_x;             /* where it began */
  double drag_y;

  GSimpleActionGroup *actions; /* the fade curve actions of the context menu */
  GtkWidget *popover;        /* the context menu */
  int context_track;         /* the track the context menu is about */
};

G_DEFINE_FINAL_TYPE (LqTimeline, lq_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SEEK,
  SIGNAL_TRACK_ACTIVATED,
  SIGNAL_LOOP_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *nick;
  const char *label;
} curves[] = {
  { "linear", N_("Linear") },
  { "equal-power", N_("Equal Power") },
  { "logarithmic", N_("Logarithmic") },
  { "s-curve", N_("S-Curve") },
};

/* ---- Geometry ---- */

static guint64
album_length (LqTimeline *self)
{
  return self->layout != NULL ? lq_album_layout_get_sequence (self->layout)->length : 0;
}

double
lq_timeline_sample_to_x (LqTimeline *self,
                         guint64     sample)
{
  g_return_val_if_fail (LQ_IS_TIMELINE (self), 0.0);
  return lq_view_range_sample_to_x (&self->view, sample, gtk_widget_get_width (GTK_WIDGET (self)));
}

guint64
lq_timeline_x_to_sample (LqTimeline *self,
                         double      x)
{
  g_return_val_if_fail (LQ_IS_TIMELINE (self), 0);
  return lq_view_range_x_to_sample (&self->view, x, gtk_widget_get_width (GTK_WIDGET (self)), album_length (self));
}

static void
lane_geometry (LqTimeline *self,
               guint       lane,
               double     *y,
               double     *height)
{
  double top = RULER_HEIGHT + LANE_GAP;
  double h = (gtk_widget_get_height (GTK_WIDGET (self)) - top - LANE_GAP - LANE_GAP) / 2;

  *y = top + lane * (h + LANE_GAP);
  *height = MAX (h, 8);
}

static guint64
min_view_length (LqTimeline *self)
{
  return (guint64) (MAX (gtk_widget_get_width (GTK_WIDGET (self)), 100) * MIN_SAMPLES_PER_PIXEL);
}

static void
update_view (LqTimeline *self,
             guint64     start,
             guint64     end)
{
  lq_view_range_set (&self->view, start, end, album_length (self), min_view_length (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The placement shown at (x, y): on its lane, between its start and end. */
static const LqPlacement *
placement_at (LqTimeline *self,
              double      x,
              double      y)
{
  const LqSequence *seq;
  guint64 sample;

  if (self->layout == NULL)
    return NULL;
  seq = lq_album_layout_get_sequence (self->layout);
  sample = lq_timeline_x_to_sample (self, x);
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      double ly, lh;

      lane_geometry (self, i % 2, &ly, &lh);
      if (sample >= p->start && sample < p->end && y >= ly && y < ly + lh)
        return p;
    }
  /* Elsewhere (a gap, the ruler): the track heard there. */
  return lq_album_layout_find_at (self->layout, sample);
}

static guint
placement_lane (LqTimeline        *self,
                const LqPlacement *p)
{
  const LqSequence *seq = lq_album_layout_get_sequence (self->layout);
  return (guint) (p - seq->placements) % 2;
}

/**
 * lq_timeline_get_fade_handle:
 * @track: a track's index in the project
 * @fade_out: the fade-out handle (else the fade-in one)
 *
 * Where a fade handle is drawn, in widget coordinates. A side that crossfades has no handle
 * (its length is the crossfade's).
 *
 * Returns: whether the track is on the timeline with that handle
 */
gboolean
lq_timeline_get_fade_handle (LqTimeline *self,
                             guint       track,
                             gboolean    fade_out,
                             double     *x,
                             double     *y)
{
  const LqPlacement *p;
  LqPlacementFades fades;
  double ly, lh;

  g_return_val_if_fail (LQ_IS_TIMELINE (self), FALSE);

  if (self->layout == NULL || (p = lq_album_layout_find_track (self->layout, track)) == NULL)
    return FALSE;
  if (fade_out ? p->overlap_out > 0 : p->overlap_in > 0)
    return FALSE;
  lq_album_layout_get_fades (self->layout, p, &fades);
  lane_geometry (self, placement_lane (self, p), &ly, &lh);
  *x = lq_timeline_sample_to_x (self, fade_out ? p->end - fades.out_length : p->start + fades.in_length);
  *y = ly + HANDLE_SIZE / 2 + 1;
  return TRUE;
}

/* ---- Drawing ---- */

static void
ensure_scratch (LqTimeline *self,
                guint       n)
{
  if (n <= self->scratch_len)
    return;
  self->scratch_len = MAX (n, 1024);
  self->scratch = g_renew (float, self->scratch, 3 * (gsize) self->scratch_len);
}

/* The pixel columns of @p's block on screen: returns how many (0: none), the first one and the
 * album samples at their two ends; the scratch buffers hold that many. */
static guint
block_columns (LqTimeline        *self,
               const LqPlacement *p,
               int                width,
               int               *px0,
               guint64           *a,
               guint64           *b)
{
  double x0 = MAX (lq_timeline_sample_to_x (self, p->start), 0);
  double x1 = MIN (lq_timeline_sample_to_x (self, p->end), width);
  int px1 = (int) ceil (x1);

  *px0 = (int) floor (x0);
  if (px1 <= *px0)
    return 0;
  *a = CLAMP (lq_timeline_x_to_sample (self, *px0), p->start, p->end);
  *b = CLAMP (lq_timeline_x_to_sample (self, px1), p->start, p->end);
  ensure_scratch (self, px1 - *px0);
  return px1 - *px0;
}

static void
draw_block_waveform (LqTimeline        *self,
                     cairo_t           *cr,
                     const LqPlacement *p,
                     double             y,
                     double             h,
                     int                width,
                     const GdkRGBA     *color)
{
  LqPeakCache *peaks = lq_album_layout_get_peaks (self->layout, p->track);
  const LqSequence *seq = lq_album_layout_get_sequence (self->layout);
  double ratio;
  int px0;
  guint64 a, b;
  guint n;

  if (peaks == NULL)
    return;
  ratio = (double) lq_peak_cache_get_rate (peaks) / seq->rate;
  n = block_columns (self, p, width, &px0, &a, &b);
  if (n == 0)
    return;
  lq_waveform_read (peaks, -1,
                    (guint64) ((p->in_point + (a - p->start)) * ratio),
                    (guint64) ((p->in_point + (b - p->start)) * ratio),
                    n, self->scratch, self->scratch + self->scratch_len, self->scratch + 2 * self->scratch_len);
  lq_waveform_path (cr, self->scratch, self->scratch + self->scratch_len, n, px0, y + h / 2 + 5, h / 2 - 7);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_fill (cr);
}

/* The outline of the track as heard (its processed peaks, all channels), when built: the
 * upper and lower edges as lines over the source's waveform. */
static void
draw_block_processed (LqTimeline        *self,
                      cairo_t           *cr,
                      const LqPlacement *p,
                      double             y,
                      double             h,
                      int                width)
{
  LqPeakCache *peaks = lq_album_layout_get_processed_peaks (self->layout, p->track);
  double yc = y + h / 2 + 5, hh = h / 2 - 7;
  int px0;
  guint64 a, b;
  float *low, *high;
  guint n;

  if (peaks == NULL || !self->show_processed)
    return;
  n = block_columns (self, p, width, &px0, &a, &b);
  if (n == 0)
    return;
  low = self->scratch;
  high = self->scratch + self->scratch_len;
  lq_waveform_read (peaks, -1, a - p->start, b - p->start, n, low, high, self->scratch + 2 * self->scratch_len);
  for (int edge = 0; edge < 2; edge++)
    {
      const float *v = edge ? low : high;

      for (guint i = 0; i < n; i++)
        {
          double vy = yc - CLAMP (v[i], -1.f, 1.f) * hh;
          if (i == 0)
            cairo_move_to (cr, px0, vy);
          cairo_line_to (cr, px0 + i + 0.5, vy);
        }
      cairo_line_to (cr, px0 + n, yc - CLAMP (v[n - 1], -1.f, 1.f) * hh);
    }
  cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* The fade curve over [x0, x1] of a block: rising (fade-in) or falling (fade-out); the part
 * above it (what the fade takes away) shaded. */
static void
draw_fade (cairo_t       *cr,
           LqFadeCurve    curve,
           gboolean       out,
           double         x0,
           double         x1,
           double         y,
           double         h,
           const GdkRGBA *line)
{
  int steps = CLAMP ((int) (x1 - x0), 2, 200);

  if (x1 - x0 < 1)
    return;
  cairo_move_to (cr, x0, y);
  for (int i = 0; i <= steps; i++)
    {
      double t = (double) i / steps;
      double g = lq_fade_curve (curve, out ? 1 - t : t);
      cairo_line_to (cr, x0 + t * (x1 - x0), y + h - g * h);
    }
  cairo_line_to (cr, x1, y);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_fill (cr);

  for (int i = 0; i <= steps; i++)
    {
      double t = (double) i / steps;
      double g = lq_fade_curve (curve, out ? 1 - t : t);
      cairo_line_to (cr, x0 + t * (x1 - x0), y + h - g * h);
    }
  gdk_cairo_set_source_rgba (cr, line);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

static void
draw_handle (cairo_t       *cr,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  cairo_rectangle (cr, floor (x - HANDLE_SIZE / 2) + 0.5, floor (y - HANDLE_SIZE / 2) + 0.5, HANDLE_SIZE - 1, HANDLE_SIZE - 1);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
draw_ruler (LqTimeline    *self,
            GtkSnapshot   *snapshot,
            PangoLayout   *layout,
            const GdkRGBA *fg,
            int            width)
{
  guint rate = lq_album_layout_get_sequence (self->layout)->rate;
  double spp = lq_view_range_get_length (&self->view) / rate / MAX (width, 1);
  static const double steps[] = { 0.1, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800 };
  double step = 3600, t0 = (double) self->view.start / rate, t1 = (double) self->view.end / rate;
  GdkRGBA tick = *fg, text = *fg;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] / spp >= 70)
      {
        step = steps[i];
        break;
      }
  tick.alpha = 0.3;
  text.alpha = 0.6;
  for (double t = floor (t0 / step) * step; t <= t1; t += step)
    {
      double x = (t - t0) / spp;
      g_autofree char *label = NULL;

      if (x < 0)
        continue;
      gtk_snapshot_append_color (snapshot, &tick, &GRAPHENE_RECT_INIT (floor (x), 2, 1, RULER_HEIGHT - 2));
      label = lq_format_time ((guint64) llround (t * rate), rate);
      if (step >= 1 && g_str_has_suffix (label, ".00"))
        label[strlen (label) - 3] = '\0';
      pango_layout_set_text (layout, label, -1);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor (x) + 3, 1));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
    }
}

static GskRenderNode *
draw_album (LqTimeline *self,
            int         width,
            int         height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  const LqSequence *seq = lq_album_layout_get_sequence (self->layout);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoAttrList *attrs = pango_attr_list_new ();
  GdkRGBA fg, wave = { 1, 1, 1, dark ? 0.55 : 0.7 }, white = { 1, 1, 1, 1 };
  GdkRGBA marker, handle = { 0.98, 0.98, 0.98, 1 };
  graphene_rect_t area;
  cairo_t *cr;

  lq_waveform_get_colors (GTK_WIDGET (self), NULL, NULL, &fg);
  marker = fg;
  marker.alpha = 0.55;
  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  draw_ruler (self, snapshot, layout, &fg, width);

  area = GRAPHENE_RECT_INIT (0, 0, width, height);
  cr = lq_waveform_begin_texture (GTK_WIDGET (self), &area);
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      double x0 = lq_timeline_sample_to_x (self, p->start);
      double x1 = lq_timeline_sample_to_x (self, p->end);
      double xp = lq_timeline_sample_to_x (self, p->pause_start);
      double y, h, r = 5;
      gboolean selected = (int) p->index == self->selected;
      gboolean playing = (int) p->index == self->playing;
      LqPlacementFades fades;
      GdkRGBA fill;

      if (x1 < -10 || x0 > width + 10)
        continue;
      lane_geometry (self, i % 2, &y, &h);
      lq_album_layout_get_fades (self->layout, p, &fades);

      /* The pause before the track (index 00 to 01), to scale. */
      if (p->start > p->pause_start && x0 - xp >= 2)
        {
          cairo_rectangle (cr, xp, y + h / 2 - 2, x0 - xp, 4);
          gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.15 });
          cairo_fill (cr);
          cairo_rectangle (cr, floor (xp), y + 4, 1, h - 8);
          gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.35 });
          cairo_fill (cr);
        }

      /* The block */
      if (i % 2 == 0)
        fill = dark ? (GdkRGBA) { 0.11, 0.44, 0.85, 1 } : (GdkRGBA) { 0.21, 0.52, 0.89, 1 };
      else
        fill = dark ? (GdkRGBA) { 0.10, 0.37, 0.71, 1 } : (GdkRGBA) { 0.11, 0.44, 0.85, 1 };
      if (playing)
        fill = dark ? (GdkRGBA) { 0.15, 0.55, 0.45, 1 } : (GdkRGBA) { 0.18, 0.62, 0.48, 1 };
      cairo_new_sub_path (cr);
      cairo_arc (cr, x1 - r, y + r, r, -G_PI / 2, 0);
      cairo_arc (cr, x1 - r, y + h - r, r, 0, G_PI / 2);
      cairo_arc (cr, x0 + r, y + h - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, x0 + r, y + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill_preserve (cr);
      if (selected)
        {
          gdk_cairo_set_source_rgba (cr, &fg);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
        }
      else
        cairo_new_path (cr);

      cairo_save (cr);
      cairo_rectangle (cr, x0, y, x1 - x0, h);
      cairo_clip (cr);
      draw_block_waveform (self, cr, p, y, h, width, &wave);
      draw_block_processed (self, cr, p, y, h, width);
      draw_fade (cr, fades.in_curve, FALSE, x0, lq_timeline_sample_to_x (self, p->start + fades.in_length), y, h, &white);
      draw_fade (cr, fades.out_curve, TRUE, lq_timeline_sample_to_x (self, p->end - fades.out_length), x1, y, h, &white);
      cairo_restore (cr);

      /* Handles on the sides that do not crossfade. */
      if (x1 - x0 > 2 * HANDLE_SIZE)
        {
          if (p->overlap_in == 0)
            draw_handle (cr, lq_timeline_sample_to_x (self, p->start + fades.in_length), y + HANDLE_SIZE / 2 + 1, &handle);
          if (p->overlap_out == 0)
            draw_handle (cr, lq_timeline_sample_to_x (self, p->end - fades.out_length), y + HANDLE_SIZE / 2 + 1, &handle);
        }
    }
  lq_waveform_end_texture (cr, snapshot, &area);

  /* Labels, track starts and index marks on top. */
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      double x0 = lq_timeline_sample_to_x (self, p->start);
      double x1 = lq_timeline_sample_to_x (self, p->end);
      double y, h;
      const guint64 *indexes;
      guint n_indexes;
      g_autofree char *label = NULL;

      if (x1 < -10 || x0 > width + 10)
        continue;
      lane_geometry (self, i % 2, &y, &h);
      gtk_snapshot_append_color (snapshot, &marker, &GRAPHENE_RECT_INIT (floor (x0), RULER_HEIGHT - 6, 1, y - RULER_HEIGHT + 6));
      if ((int) p->index == self->playing)
        label = g_strdup_printf ("▶ %u  %s", p->number, lq_track_get_title (p->track) ? lq_track_get_title (p->track) : "");
      else
        label = g_strdup_printf ("%u  %s", p->number, lq_track_get_title (p->track) ? lq_track_get_title (p->track) : "");
      pango_layout_set_text (layout, label, -1);
      pango_layout_set_width (layout, (int) MAX (0, (x1 - x0 - 2 * HANDLE_SIZE - 8) * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      if (x1 - x0 > 2 * HANDLE_SIZE + 16)
        {
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (MAX (x0, 0) + HANDLE_SIZE + 4, y + 2));
          gtk_snapshot_append_layout (snapshot, layout, &white);
          gtk_snapshot_restore (snapshot);
        }
      pango_layout_set_width (layout, -1);

      indexes = lq_track_get_indexes (p->track, &n_indexes);
      for (guint k = 0; k < n_indexes; k++)
        {
          double xi = lq_timeline_sample_to_x (self, p->start + indexes[k]);
          g_autofree char *num = g_strdup_printf ("%u", k + 2);

          gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (floor (xi), y, 1, h));
          pango_layout_set_text (layout, num, -1);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor (xi) + 2, y + h - 16));
          gtk_snapshot_append_layout (snapshot, layout, &white);
          gtk_snapshot_restore (snapshot);
        }
    }

  /* The waveform view's part of the album. */
  if (self->range_end > self->range_start
      && (self->range_start > 0 || self->range_end < seq->length))
    {
      double x0 = lq_timeline_sample_to_x (self, self->range_start);
      double x1 = lq_timeline_sample_to_x (self, self->range_end);
      GskRoundedRect rect;
      GdkRGBA border = fg;
      float widths[4] = { 1, 1, 1, 1 };

      border.alpha = 0.6;
      gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (x0, 1, MAX (x1 - x0, 2), height - 2), 3);
      gtk_snapshot_append_border (snapshot, &rect, widths, (GdkRGBA[]) { border, border, border, border });
    }

  return gtk_snapshot_free_to_node (snapshot);
}

static gboolean
cache_key_equal (const CacheKey *a,
                 const CacheKey *b)
{
  return a->width == b->width && a->height == b->height && a->view_start == b->view_start
         && a->view_end == b->view_end && a->serial == b->serial && a->dark == b->dark
         && a->selected == b->selected && a->playing == b->playing
         && a->range_start == b->range_start && a->range_end == b->range_end
         && a->show_processed == b->show_processed;
}

static void
lq_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  LqTimeline *self = LQ_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  CacheKey key;
  GdkRGBA fg;

  if (self->layout == NULL || album_length (self) == 0 || width <= 0 || height <= 0)
    return;
  if (self->view.fit && self->view.end != album_length (self))
    {
      /* The album changed length since the last allocation: still the whole album. */
      self->view.start = 0;
      self->view.end = album_length (self);
    }

  key.width = width;
  key.height = height;
  key.view_start = self->view.start;
  key.view_end = self->view.end;
  key.serial = lq_album_layout_get_serial (self->layout);
  key.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  key.selected = self->selected;
  key.playing = self->playing;
  key.range_start = self->range_start;
  key.range_end = self->range_end;
  key.show_processed = self->show_processed;
  if (self->node == NULL || !cache_key_equal (&key, &self->cache_key))
    {
      g_clear_pointer (&self->node, gsk_render_node_unref);
      self->node = draw_album (self, width, height);
      self->cache_key = key;
    }
  if (self->node != NULL)
    gtk_snapshot_append_node (snapshot, self->node);

  if (self->loop_end > self->loop_start)
    {
      double x0 = lq_timeline_sample_to_x (self, self->loop_start);
      double x1 = lq_timeline_sample_to_x (self, self->loop_end);
      GdkRGBA band = { 0.96, 0.83, 0.18, 0.18 }, edge = { 0.96, 0.83, 0.18, 0.9 };

      gtk_snapshot_append_color (snapshot, &band, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, height));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (floor (x0), 0, 1, height));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (floor (x1), 0, 1, height));
    }
  if (self->position >= self->view.start && self->position <= self->view.end)
    {
      double x = floor (lq_timeline_sample_to_x (self, self->position));

      lq_waveform_get_colors (widget, NULL, NULL, &fg);
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x - 0.5, 0, 2, height));
    }
}

/* ---- Editing ---- */

static guint64
snap (LqTimeline *self,
      guint64     samples)
{
  LqProject *project = lq_album_layout_get_project (self->layout);

  if (project != NULL && lq_project_get_cd_mode (project))
    return (samples + LQ_CD_FRAME_FRAMES / 2) / LQ_CD_FRAME_FRAMES * LQ_CD_FRAME_FRAMES;
  return samples;
}

static void
set_track_property (LqTimeline *self,
                    LqTrack    *track,
                    const char *property,
                    GValue     *value,
                    const char *label)
{
  if (self->history != NULL)
    lq_history_set_property (self->history, G_OBJECT (track), property, value, label);
  else
    g_object_set_property (G_OBJECT (track), property, value);
}

void
_lq_timeline_drag_begin (LqTimeline *self,
                         double      x,
                         double      y)
{
  const LqSequence *seq;

  g_return_if_fail (LQ_IS_TIMELINE (self));

  self->drag = DRAG_CLICK;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_track = -1;
  if (self->layout == NULL)
    return;

  /* A fade handle under the pointer? The nearest one wins. */
  seq = lq_album_layout_get_sequence (self->layout);
  {
    double best = HANDLE_HIT;

    for (guint i = 0; i < seq->n_placements; i++)
      for (int out = 0; out < 2; out++)
        {
          double hx, hy, d;

          if (!lq_timeline_get_fade_handle (self, seq->placements[i].index, out, &hx, &hy))
            continue;
          d = MAX (fabs (hx - x), fabs (hy - y));
          if (d <= best)
            {
              best = d;
              self->drag = out ? DRAG_FADE_OUT : DRAG_FADE_IN;
              self->drag_track = seq->placements[i].index;
            }
        }
  }
  if (self->drag == DRAG_FADE_IN || self->drag == DRAG_FADE_OUT)
    {
      if (self->history != NULL)
        lq_history_begin_group (self->history, self->drag == DRAG_FADE_IN ? _("Change Fade-In") : _("Change Fade-Out"));
    }
}

void
_lq_timeline_drag_update (LqTimeline *self,
                          double      dx,
                          double      dy)
{
  const LqPlacement *p;
  LqPlacementFades fades;
  guint64 sample, value;
  GValue v = G_VALUE_INIT;

  g_return_if_fail (LQ_IS_TIMELINE (self));

  switch (self->drag)
    {
    case DRAG_CLICK:
      if (fabs (dx) < DRAG_THRESHOLD)
        return;
      self->drag = DRAG_RANGE;
      G_GNUC_FALLTHROUGH;
    case DRAG_RANGE:
      {
        guint64 a = lq_timeline_x_to_sample (self, self->drag_x);
        guint64 b = lq_timeline_x_to_sample (self, self->drag_x + dx);
        lq_timeline_set_loop (self, MIN (a, b), MAX (a, b));
      }
      return;
    case DRAG_FADE_IN:
    case DRAG_FADE_OUT:
      p = lq_album_layout_find_track (self->layout, self->drag_track);
      if (p == NULL)
        return;
      lq_album_layout_get_fades (self->layout, p, &fades);
      sample = lq_timeline_x_to_sample (self, self->drag_x + dx);
      if (self->drag == DRAG_FADE_IN)
        {
          value = sample > p->start ? sample - p->start : 0;
          value = MIN (snap (self, value), p->length - MIN (fades.out_length, p->length));
        }
      else
        {
          value = sample < p->end ? p->end - sample : 0;
          value = MIN (snap (self, value), p->length - MIN (fades.in_length, p->length));
        }
      g_value_init (&v, G_TYPE_UINT64);
      g_value_set_uint64 (&v, value);
      set_track_property (self, p->track, self->drag == DRAG_FADE_IN ? "fade-in" : "fade-out", &v,
                          self->drag == DRAG_FADE_IN ? _("Change Fade-In") : _("Change Fade-Out"));
      g_value_unset (&v);
      return;
    case DRAG_NONE:
    default:
      return;
    }
}

void
_lq_timeline_drag_end (LqTimeline *self,
                       double      dx,
                       double      dy)
{
  DragKind kind;

  g_return_if_fail (LQ_IS_TIMELINE (self));

  _lq_timeline_drag_update (self, dx, dy);
  kind = self->drag;
  self->drag = DRAG_NONE;
  switch (kind)
    {
    case DRAG_CLICK:
      {
        const LqPlacement *p = placement_at (self, self->drag_x, self->drag_y);

        if (p != NULL)
          g_signal_emit (self, signals[SIGNAL_TRACK_ACTIVATED], 0, (int) p->index);
        g_signal_emit (self, signals[SIGNAL_SEEK], 0, lq_timeline_x_to_sample (self, self->drag_x));
      }
      break;
    case DRAG_RANGE:
      g_signal_emit (self, signals[SIGNAL_LOOP_SELECTED], 0, self->loop_start, self->loop_end);
      break;
    case DRAG_FADE_IN:
    case DRAG_FADE_OUT:
      if (self->history != NULL)
        lq_history_end_group (self->history);
      break;
    case DRAG_NONE:
    default:
      break;
    }
}

/* What a screen reader says about the timeline: the selected track and its fades. */
static void
update_accessible (LqTimeline *self)
{
  const LqPlacement *p = NULL;
  g_autofree char *text = NULL;

  if (self->layout != NULL && self->selected >= 0)
    p = lq_album_layout_find_track (self->layout, self->selected);
  if (p != NULL)
    {
      LqPlacementFades fades;
      guint rate = lq_album_layout_get_sequence (self->layout)->rate;

      lq_album_layout_get_fades (self->layout, p, &fades);
      text = g_strdup_printf (_("Track %u “%s”: fade-in %.1f s, fade-out %.1f s"), p->number,
                              lq_track_get_title (p->track) ? lq_track_get_title (p->track) : "",
                              (double) fades.in_length / rate, (double) fades.out_length / rate);
    }
  else
    text = g_strdup (_("No track selected"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

/* Moves the selected track's fade-in (or fade-out) handle by @tenths tenths of a second (to
 * the right when positive: a longer fade-in, a shorter fade-out), as a drag would: through the
 * history, snapped in CD mode, within the track less its other fade. A side that crossfades
 * has no handle. */
static gboolean
move_fade (LqTimeline *self,
           gboolean    fade_out,
           int         tenths)
{
  const LqPlacement *p;
  LqPlacementFades fades;
  gint64 step, current, value, max;
  guint rate;
  GValue v = G_VALUE_INIT;

  if (self->layout == NULL || self->selected < 0
      || (p = lq_album_layout_find_track (self->layout, self->selected)) == NULL)
    return FALSE;
  if (fade_out ? p->overlap_out > 0 : p->overlap_in > 0)
    return FALSE;
  lq_album_layout_get_fades (self->layout, p, &fades);
  rate = lq_album_layout_get_sequence (self->layout)->rate;
  step = (gint64) tenths * rate / 10;
  current = (gint64) (fade_out ? fades.out_length : fades.in_length);
  max = (gint64) (p->length - MIN (fade_out ? fades.in_length : fades.out_length, p->length));
  value = fade_out ? current - step : current + step;
  value = (gint64) snap (self, (guint64) CLAMP (value, 0, max));
  value = MIN (value, max);
  if (value != current)
    {
      g_value_init (&v, G_TYPE_UINT64);
      g_value_set_uint64 (&v, (guint64) value);
      set_track_property (self, p->track, fade_out ? "fade-out" : "fade-in", &v,
                          fade_out ? _("Change Fade-Out") : _("Change Fade-In"));
      g_value_unset (&v);
    }
  update_accessible (self);
  return TRUE;
}

static gboolean
move_fade_cb (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  gboolean fade_out;
  int tenths;

  g_variant_get (args, "(bi)", &fade_out, &tenths);
  return move_fade (LQ_TIMELINE (widget), fade_out, tenths);
}

static void
drag_begin_cb (LqTimeline     *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  _lq_timeline_drag_begin (self, x, y);
}

static void
drag_update_cb (LqTimeline     *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  _lq_timeline_drag_update (self, dx, dy);
}

static void
drag_end_cb (LqTimeline     *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  _lq_timeline_drag_end (self, dx, dy);
}

static void
motion_cb (LqTimeline               *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  const LqSequence *seq;
  const char *cursor = NULL;

  if (self->layout == NULL || self->drag != DRAG_NONE)
    return;
  seq = lq_album_layout_get_sequence (self->layout);
  for (guint i = 0; i < seq->n_placements && cursor == NULL; i++)
    for (int out = 0; out < 2; out++)
      {
        double hx, hy;
        if (lq_timeline_get_fade_handle (self, seq->placements[i].index, out, &hx, &hy)
            && fabs (hx - x) <= HANDLE_HIT && fabs (hy - y) <= HANDLE_HIT)
          cursor = "ew-resize";
      }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
}

/* The shared zoom and scroll gestures (lq_view_gestures_attach()). */
static void
gestures_get_view (GtkWidget *widget,
                   guint64   *start,
                   guint64   *end,
                   guint64   *length)
{
  LqTimeline *self = LQ_TIMELINE (widget);

  *start = self->view.start;
  *end = self->view.end;
  *length = album_length (self);
}

static void
gestures_set_view (GtkWidget *widget,
                   guint64    start,
                   guint64    end)
{
  update_view (LQ_TIMELINE (widget), start, end);
}

static void
gestures_zoom (GtkWidget *widget,
               double     factor,
               double     anchor_x)
{
  lq_timeline_zoom (LQ_TIMELINE (widget), factor, anchor_x);
}

static const LqViewGestures view_gestures = {
  gestures_get_view,
  gestures_set_view,
  gestures_zoom,
  TRUE, /* the whole album shows: let the page scroll */
};

static void
context_click_cb (LqTimeline      *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  const LqPlacement *p = placement_at (self, x, y);

  if (p == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  g_signal_emit (self, signals[SIGNAL_TRACK_ACTIVATED], 0, (int) p->index);
  lq_timeline_popup_menu (self, p->index, x, y);
}

static gboolean
menu_key_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  LqTimeline *self = LQ_TIMELINE (widget);
  const LqPlacement *p;
  double y, h;

  if (self->layout == NULL || self->selected < 0
      || (p = lq_album_layout_find_track (self->layout, self->selected)) == NULL)
    return FALSE;
  lane_geometry (self, placement_lane (self, p), &y, &h);
  lq_timeline_popup_menu (self, self->selected,
                          CLAMP (lq_timeline_sample_to_x (self, (p->start + p->end) / 2), 0, gtk_widget_get_width (widget)),
                          y + h / 2);
  return TRUE;
}

static void
curve_change_state (GSimpleAction *action,
                    GVariant      *state,
                    gpointer       user_data)
{
  LqTimeline *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  LqProject *project;
  LqTrack *track;
  GEnumClass *klass;
  GEnumValue *value;
  GValue v = G_VALUE_INIT;
  const char *label;

  if (self->layout == NULL || (project = lq_album_layout_get_project (self->layout)) == NULL
      || self->context_track < 0 || (guint) self->context_track >= lq_project_get_n_tracks (project))
    return;
  track = lq_project_get_track (project, self->context_track);
  klass = g_type_class_ref (LQ_TYPE_FADE_CURVE);
  value = g_enum_get_value_by_nick (klass, g_variant_get_string (state, NULL));
  if (value != NULL)
    {
      g_value_init (&v, LQ_TYPE_FADE_CURVE);
      g_value_set_enum (&v, value->value);
      if (g_str_equal (name, "fade-in-curve"))
        label = _("Change Fade-In Curve");
      else if (g_str_equal (name, "fade-out-curve"))
        label = _("Change Fade-Out Curve");
      else
        label = _("Change Crossfade Curve");
      set_track_property (self, track, name, &v, label);
      g_value_unset (&v);
      g_simple_action_set_state (action, state);
    }
  g_type_class_unref (klass);
}

/* ---- GObject ---- */

static void
layout_changed_cb (LqTimeline    *self,
                   gboolean        audible,
                   LqAlbumLayout  *layout)
{
  if (self->view.fit)
    update_view (self, 0, album_length (self));
  else
    update_view (self, self->view.start, self->view.end);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (audible)
    update_accessible (self);
}

static void
style_changed_cb (LqTimeline *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lq_timeline_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  LqTimeline *self = LQ_TIMELINE (widget);

  if (self->view.fit)
    update_view (self, 0, album_length (self));
  else
    update_view (self, self->view.start, self->view.end);
  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
}

static void
lq_timeline_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 100 : 96;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 120;
}

static void
lq_timeline_dispose (GObject *object)
{
  LqTimeline *self = LQ_TIMELINE (object);

  lq_timeline_set_layout (self, NULL);
  g_clear_object (&self->history);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (lq_timeline_parent_class)->dispose (object);
}

static void
lq_timeline_finalize (GObject *object)
{
  LqTimeline *self = LQ_TIMELINE (object);

  g_free (self->scratch);

  G_OBJECT_CLASS (lq_timeline_parent_class)->finalize (object);
}

static void
lq_timeline_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LqTimeline *self = LQ_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_timeline_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LqTimeline *self = LQ_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      lq_timeline_set_selected (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_timeline_class_init (LqTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_timeline_dispose;
  object_class->finalize = lq_timeline_finalize;
  object_class->get_property = lq_timeline_get_property;
  object_class->set_property = lq_timeline_set_property;
  widget_class->snapshot = lq_timeline_snapshot;
  widget_class->measure = lq_timeline_measure;
  widget_class->size_allocate = lq_timeline_size_allocate;

  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SEEK] = g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[SIGNAL_TRACK_ACTIVATED] = g_signal_new ("track-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_LOOP_SELECTED] = g_signal_new ("loop-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, menu_key_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, menu_key_cb, NULL);

  /* Fades from the keyboard: [ and ] move the selected track's fade-in handle, { and }
   * (Shift+[ and Shift+]) its fade-out handle, by 0.1 s; with Ctrl by 1 s. */
  for (guint ctrl = 0; ctrl < 2; ctrl++)
    {
      GdkModifierType mods = ctrl ? GDK_CONTROL_MASK : 0;
      int step = ctrl ? 10 : 1;

      gtk_widget_class_add_binding (widget_class, GDK_KEY_bracketleft, mods, move_fade_cb, "(bi)", FALSE, -step);
      gtk_widget_class_add_binding (widget_class, GDK_KEY_bracketright, mods, move_fade_cb, "(bi)", FALSE, step);
      gtk_widget_class_add_binding (widget_class, GDK_KEY_braceleft, mods | GDK_SHIFT_MASK, move_fade_cb, "(bi)", TRUE, -step);
      gtk_widget_class_add_binding (widget_class, GDK_KEY_braceright, mods | GDK_SHIFT_MASK, move_fade_cb, "(bi)", TRUE, step);
    }

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_timeline_init (LqTimeline *self)
{
  static const char *names[] = { "fade-in-curve", "fade-out-curve", "crossfade-curve" };
  GtkEventController *controller;
  GtkGesture *gesture;

  self->view.fit = TRUE;
  self->selected = -1;
  self->playing = -1;
  self->show_processed = TRUE;
  self->context_track = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS, "[ ] Shift+[ Shift+] Control+[ Control+]",
                                  -1);
  update_accessible (self);

  self->actions = g_simple_action_group_new ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GSimpleAction) action =
        g_simple_action_new_stateful (names[i], G_VARIANT_TYPE_STRING, g_variant_new_string ("s-curve"));
      g_signal_connect (action, "change-state", G_CALLBACK (curve_change_state), self);
      g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (action));
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "timeline", G_ACTION_GROUP (self->actions));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  lq_view_gestures_attach (GTK_WIDGET (self), &view_gestures);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect_swapped (gesture, "pressed", G_CALLBACK (context_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
lq_timeline_new (void)
{
  return g_object_new (LQ_TYPE_TIMELINE, NULL);
}

/**
 * lq_timeline_set_layout:
 * @layout: (nullable): the album to show
 */
void
lq_timeline_set_layout (LqTimeline    *self,
                        LqAlbumLayout *layout)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));
  g_return_if_fail (layout == NULL || LQ_IS_ALBUM_LAYOUT (layout));

  if (self->layout == layout)
    return;
  if (self->layout != NULL)
    g_signal_handlers_disconnect_by_data (self->layout, self);
  g_set_object (&self->layout, layout);
  if (layout != NULL)
    g_signal_connect_object (layout, "changed", G_CALLBACK (layout_changed_cb), self, G_CONNECT_SWAPPED);
  self->view.fit = TRUE;
  g_clear_pointer (&self->node, gsk_render_node_unref);
  update_view (self, 0, album_length (self));
}

/**
 * lq_timeline_set_history:
 * @history: (nullable): where fade edits are recorded
 */
void
lq_timeline_set_history (LqTimeline *self,
                         LqHistory  *history)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));
  g_return_if_fail (history == NULL || LQ_IS_HISTORY (history));

  g_set_object (&self->history, history);
}

/* The pixel column of the playhead at @position, or G_MININT when it is not in view. */
static int
playhead_column (LqTimeline *self,
                 guint64     position)
{
  return lq_view_range_column (&self->view, position, gtk_widget_get_width (GTK_WIDGET (self)));
}

void
lq_timeline_set_position (LqTimeline *self,
                          guint64     position)
{
  guint64 old;

  g_return_if_fail (LQ_IS_TIMELINE (self));

  old = self->position;
  if (old == position)
    return;
  self->position = position;
  /* Redrawn only when the playhead moves on screen (see lq_waveform_view_set_position()). */
  if (playhead_column (self, old) != playhead_column (self, position))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lq_timeline_set_loop (LqTimeline *self,
                      guint64     start,
                      guint64     end)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));

  if (end <= start)
    start = end = 0;
  self->loop_start = start;
  self->loop_end = end;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lq_timeline_set_visible_range:
 *
 * The part of the album another view shows (framed on the timeline).
 */
void
lq_timeline_set_visible_range (LqTimeline *self,
                               guint64     start,
                               guint64     end)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));

  self->range_start = start;
  self->range_end = end;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lq_timeline_set_selected (LqTimeline *self,
                          int         track)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));

  track = MAX (track, -1);
  if (self->selected == track)
    return;
  self->selected = track;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

int
lq_timeline_get_selected (LqTimeline *self)
{
  g_return_val_if_fail (LQ_IS_TIMELINE (self), -1);
  return self->selected;
}

/**
 * lq_timeline_set_playing_track:
 * @track: the project index of the track being heard, -1 for none
 */
void
lq_timeline_set_playing_track (LqTimeline *self,
                               int         track)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));

  if (self->playing == track)
    return;
  self->playing = track;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lq_timeline_set_show_processed:
 * @show: whether to outline each track as heard (its processed peaks, once built)
 */
void
lq_timeline_set_show_processed (LqTimeline *self,
                                gboolean    show)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));

  self->show_processed = !!show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lq_timeline_zoom:
 * @factor: the new view length over the current (< 1 zooms in)
 * @anchor_x: the widget x that keeps its place
 */
void
lq_timeline_zoom (LqTimeline *self,
                  double      factor,
                  double      anchor_x)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));

  lq_view_range_zoom (&self->view, factor, anchor_x, gtk_widget_get_width (GTK_WIDGET (self)), album_length (self),
                      min_view_length (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lq_timeline_zoom_to_fit (LqTimeline *self)
{
  g_return_if_fail (LQ_IS_TIMELINE (self));
  update_view (self, 0, album_length (self));
}

guint64
lq_timeline_get_view_start (LqTimeline *self)
{
  g_return_val_if_fail (LQ_IS_TIMELINE (self), 0);
  return self->view.start;
}

guint64
lq_timeline_get_view_end (LqTimeline *self)
{
  g_return_val_if_fail (LQ_IS_TIMELINE (self), 0);
  return self->view.end;
}

/**
 * lq_timeline_popup_menu:
 * @track: the track's index in the project
 *
 * Opens the fade curve menu of @track, pointing at (@x, @y).
 */
void
lq_timeline_popup_menu (LqTimeline *self,
                        int         track,
                        double      x,
                        double      y)
{
  static const char *names[] = { "fade-in-curve", "fade-out-curve", "crossfade-curve" };
  static const char *sections[] = { N_("Fade-In Curve"), N_("Fade-Out Curve"), N_("Crossfade Curve") };
  LqProject *project;
  LqTrack *t;

  g_return_if_fail (LQ_IS_TIMELINE (self));

  if (self->layout == NULL || (project = lq_album_layout_get_project (self->layout)) == NULL
      || track < 0 || (guint) track >= lq_project_get_n_tracks (project))
    return;
  t = lq_project_get_track (project, track);
  self->context_track = track;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), names[i]);
      LqFadeCurve curve = i == 0 ? lq_track_get_fade_in_curve (t)
                          : i == 1 ? lq_track_get_fade_out_curve (t) : lq_track_get_crossfade_curve (t);
      GEnumClass *klass = g_type_class_ref (LQ_TYPE_FADE_CURVE);
      GEnumValue *value = g_enum_get_value (klass, curve);

      if (value != NULL)
        g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (value->value_nick));
      g_type_class_unref (klass);
    }

  if (self->popover == NULL)
    {
      g_autoptr(GMenu) menu = g_menu_new ();

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autoptr(GMenu) section = g_menu_new ();

          for (guint k = 0; k < G_N_ELEMENTS (curves); k++)
            {
              g_autofree char *detailed = g_strdup_printf ("timeline.%s::%s", names[i], curves[k].nick);
              g_menu_append (section, _(curves[k].label), detailed);
            }
          g_menu_append_section (menu, _(sections[i]), G_MENU_MODEL (section));
        }
      self->popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), TRUE);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
}
