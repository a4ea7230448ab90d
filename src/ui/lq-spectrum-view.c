/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-spectrum-view"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lq-spectrum-view.h"

#define F_MIN 20.0
#define F_MAX 20000.0
#define DB_TOP 0.0
#define DB_BOTTOM -96.0

struct _LqSpectrumView
{
  GtkWidget parent_instance;

  guint n_points;          /* bands in the last message */
  float *frequencies;      /* n_points band centres, Hz */
  float *levels;           /* n_points levels of the last message, dB */
  float *displayed;        /* n_points levels drawn (after the decay), dB */
  float *peaks;            /* n_points peak hold of the last message, dB */
  gint64 last_time;        /* monotonic µs of the last message, for the decay */
  double decay;            /* fall rate of the drawn levels, dB/s; 0 for none */
  guint n_reference;       /* points of the reference overlay, 0 for none */
  float *ref_frequencies;  /* n_reference, Hz */
  float *ref_levels;       /* n_reference, dB */
  guint n_source;          /* bands of the last "source-spectrum" message, 0 for none */
  float *src_frequencies;  /* n_source band centres, Hz */
  float *src_levels;       /* n_source levels of the unprocessed source, dB */
  gboolean show_source;    /* draw the source overlay */
  gboolean show_reference; /* draw the reference overlay */
  gboolean spectrogram;    /* draw the spectrogram (time x log frequency) instead of the curves */
  float *sg_levels;        /* SPECTROGRAM_ROWS x sg_points ring of band levels, dB */
  guint sg_points;         /* bands per row of the ring */
  guint sg_pos;            /* next row to write */
  guint sg_len;            /* rows written (at most SPECTROGRAM_ROWS) */
  GskRenderNode *grid;     /* cached grid for grid_width x grid_height */
  int grid_width;          /* size the cached grid was drawn for */
  int grid_height;
};

/* Messages kept for the spectrogram (at the element's ~20 messages a second, some 6 s) */
#define SPECTROGRAM_ROWS 128

enum {
  PROP_0,
  PROP_SHOW_SOURCE,
  PROP_SHOW_REFERENCE,
  PROP_SPECTROGRAM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LqSpectrumView, lq_spectrum_view, GTK_TYPE_WIDGET)

static double
y_for_db (double db,
          double height)
{
  if (!isfinite (db))
    db = DB_BOTTOM;
  return (CLAMP (db, DB_BOTTOM, DB_TOP) - DB_TOP) / (DB_BOTTOM - DB_TOP) * height;
}

static GskRenderNode *
make_grid (GtkWidget *widget,
           double     w,
           double     h)
{
  LqSpectrumView *self = LQ_SPECTRUM_VIEW (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  static const double decades[] = { 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000 };
  static const char *labels[] = { "20", "50", "100", "200", "500", "1k", "2k", "5k", "10k", "20k" };
  GdkRGBA fg, grid;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  grid = fg;
  grid.alpha = 0.15;
  fg.alpha = 0.6;
  for (guint k = 0; k < G_N_ELEMENTS (decades); k++)
    {
      double x = lq_spectrum_view_x_for_frequency (self, decades[k], w);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, labels[k]);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (x, 0, 1, h));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 2, h - 16));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
  for (double db = DB_TOP; db >= DB_BOTTOM; db -= 12.0)
    {
      double y = y_for_db (db, h);
      g_autofree char *text = g_strdup_printf ("%.0f", db);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (0, y, w, 1));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (2, y));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
  return gtk_snapshot_free_to_node (snapshot);
}

static void
stroke_curve (LqSpectrumView *self,
              cairo_t        *cr,
              const float    *freqs,
              const float    *levels,
              guint           n,
              double          offset,
              double          w,
              double          h)
{
  gboolean drawing = FALSE;

  for (guint i = 0; i < n; i++)
    {
      double x, y;

      if (freqs[i] < F_MIN * 0.9 || freqs[i] > F_MAX * 1.1 || !isfinite (levels[i]))
        {
          drawing = FALSE;
          continue;
        }
      x = lq_spectrum_view_x_for_frequency (self, freqs[i], w);
      y = y_for_db (levels[i] + offset, h);
      if (drawing)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      drawing = TRUE;
    }
}

/* A level as a colour of the spectrogram: black, blue, magenta, orange, pale yellow. */
static guint32
level_colour (float db)
{
  static const double stops[5][3] = {
    { 0.0, 0.0, 0.0 }, { 0.1, 0.15, 0.55 }, { 0.65, 0.15, 0.6 }, { 0.98, 0.55, 0.15 }, { 1.0, 0.97, 0.7 },
  };
  double t = isfinite (db) ? (CLAMP (db, DB_BOTTOM, DB_TOP) - DB_BOTTOM) / (DB_TOP - DB_BOTTOM) : 0.0;
  double pos = t * 4.0;
  guint k = MIN ((guint) pos, 3);
  double f = pos - k;
  guint32 rgb[3];

  for (guint c = 0; c < 3; c++)
    rgb[c] = (guint32) (255.0 * (stops[k][c] + (stops[k + 1][c] - stops[k][c]) * f) + 0.5);
  return 0xff000000u | rgb[0] << 16 | rgb[1] << 8 | rgb[2];
}

/* The spectrogram: frequency across (the grid's log axis), newest row at the top. */
static void
draw_spectrogram (LqSpectrumView *self,
                  cairo_t        *cr,
                  double          w,
                  double          h)
{
  cairo_surface_t *image;
  guint32 *pixels;
  int stride;
  double x0, x1;

  if (self->sg_len == 0 || self->sg_points < 2 || self->n_points != self->sg_points)
    return;
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->sg_points, SPECTROGRAM_ROWS);
  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (image);
      return;
    }
  cairo_surface_flush (image);
  pixels = (guint32 *) cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image) / 4;
  for (guint row = 0; row < SPECTROGRAM_ROWS; row++)
    {
      /* row 0 is the newest */
      const float *levels = row < self->sg_len
                            ? self->sg_levels + ((self->sg_pos + SPECTROGRAM_ROWS - 1 - row) % SPECTROGRAM_ROWS) * self->sg_points
                            : NULL;

      for (guint i = 0; i < self->sg_points; i++)
        pixels[row * stride + i] = levels != NULL ? level_colour (levels[i]) : 0xff000000u;
    }
  cairo_surface_mark_dirty (image);

  /* The bands are on a log grid: scale the image between the first and last band's place */
  x0 = lq_spectrum_view_x_for_frequency (self, self->frequencies[0], w);
  x1 = lq_spectrum_view_x_for_frequency (self, self->frequencies[self->sg_points - 1], w);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, w, h - 18);
  cairo_clip (cr);
  cairo_translate (cr, x0, 0);
  cairo_scale (cr, (x1 - x0) / (self->sg_points - 1), (h - 18) / SPECTROGRAM_ROWS);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
}

static void
lq_spectrum_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  LqSpectrumView *self = LQ_SPECTRUM_VIEW (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w < 10 || h < 10)
    return;
  if (self->grid == NULL || self->grid_width != w || self->grid_height != h)
    {
      g_clear_pointer (&self->grid, gsk_render_node_unref);
      self->grid = make_grid (widget, w, h);
      self->grid_width = w;
      self->grid_height = h;
    }
  gtk_snapshot_append_node (snapshot, self->grid);
  if (self->n_points == 0 && self->n_reference == 0 && self->n_source == 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (self->spectrogram)
    {
      draw_spectrogram (self, cr, w, h);
      cairo_destroy (cr);
      return;
    }
  if (self->n_source > 0 && self->show_source)
    {
      /* The unprocessed source, a thin light line under the live spectrum */
      cairo_set_source_rgba (cr, 0.85, 0.85, 0.85, 0.7);
      cairo_set_line_width (cr, 1.0);
      stroke_curve (self, cr, self->src_frequencies, self->src_levels, self->n_source, 0.0, w, h);
      cairo_stroke (cr);
    }
  if (self->n_reference > 0 && self->show_reference)
    {
      /* The reference in purple, dashed */
      static const double dash[] = { 4.0, 3.0 };

      cairo_set_source_rgba (cr, 0.8, 0.4, 0.95, 0.9);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dash, 2, 0);
      stroke_curve (self, cr, self->ref_frequencies, self->ref_levels, self->n_reference, 0.0, w, h);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  if (self->n_points > 0)
    {
      /* Filled live spectrum, then the peak hold line */
      stroke_curve (self, cr, self->frequencies, self->displayed, self->n_points, 0.0, w, h);
      cairo_line_to (cr, w, h);
      cairo_line_to (cr, lq_spectrum_view_x_for_frequency (self, self->frequencies[0], w), h);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, 0.35, 0.65, 1.0, 0.35);
      cairo_fill_preserve (cr);
      cairo_new_path (cr);
      stroke_curve (self, cr, self->frequencies, self->displayed, self->n_points, 0.0, w, h);
      cairo_set_source_rgba (cr, 0.35, 0.65, 1.0, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      stroke_curve (self, cr, self->frequencies, self->peaks, self->n_points, 0.0, w, h);
      cairo_set_source_rgba (cr, 1.0, 0.75, 0.25, 0.8);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
lq_spectrum_view_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  LqSpectrumView *self = LQ_SPECTRUM_VIEW (widget);

  GTK_WIDGET_CLASS (lq_spectrum_view_parent_class)->css_changed (widget, change);
  g_clear_pointer (&self->grid, gsk_render_node_unref);
  gtk_widget_queue_draw (widget);
}

static void
lq_spectrum_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 160;
}

static void
lq_spectrum_view_finalize (GObject *object)
{
  LqSpectrumView *self = LQ_SPECTRUM_VIEW (object);

  g_clear_pointer (&self->frequencies, g_free);
  g_clear_pointer (&self->levels, g_free);
  g_clear_pointer (&self->displayed, g_free);
  g_clear_pointer (&self->peaks, g_free);
  g_clear_pointer (&self->ref_frequencies, g_free);
  g_clear_pointer (&self->ref_levels, g_free);
  g_clear_pointer (&self->src_frequencies, g_free);
  g_clear_pointer (&self->src_levels, g_free);
  g_clear_pointer (&self->sg_levels, g_free);
  g_clear_pointer (&self->grid, gsk_render_node_unref);
  G_OBJECT_CLASS (lq_spectrum_view_parent_class)->finalize (object);
}

static void
lq_spectrum_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LqSpectrumView *self = LQ_SPECTRUM_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SOURCE:
      g_value_set_boolean (value, self->show_source);
      break;
    case PROP_SHOW_REFERENCE:
      g_value_set_boolean (value, self->show_reference);
      break;
    case PROP_SPECTROGRAM:
      g_value_set_boolean (value, self->spectrogram);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_spectrum_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LqSpectrumView *self = LQ_SPECTRUM_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SOURCE:
      lq_spectrum_view_set_show_source (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_REFERENCE:
      lq_spectrum_view_set_show_reference (self, g_value_get_boolean (value));
      break;
    case PROP_SPECTROGRAM:
      lq_spectrum_view_set_spectrogram (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_spectrum_view_class_init (LqSpectrumViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lq_spectrum_view_finalize;
  object_class->get_property = lq_spectrum_view_get_property;
  object_class->set_property = lq_spectrum_view_set_property;
  properties[PROP_SHOW_SOURCE] =
    g_param_spec_boolean ("show-source", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_REFERENCE] =
    g_param_spec_boolean ("show-reference", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPECTROGRAM] =
    g_param_spec_boolean ("spectrogram", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->snapshot = lq_spectrum_view_snapshot;
  widget_class->measure = lq_spectrum_view_measure;
  widget_class->css_changed = lq_spectrum_view_css_changed;
  gtk_widget_class_set_css_name (widget_class, "lqspectrumview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_spectrum_view_init (LqSpectrumView *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  self->decay = 20.0;
  self->show_source = TRUE;
  self->show_reference = TRUE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Spectrum analyzer"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Live spectrum (blue) with peak hold (orange), the unprocessed "
                                 "source (grey) and the reference’s long-term spectrum (dashed purple)"));
}

GtkWidget *
lq_spectrum_view_new (void)
{
  return g_object_new (LQ_TYPE_SPECTRUM_VIEW, NULL);
}

static gboolean
get_floats (const GstStructure *s,
            const char         *field,
            float              *out,
            guint               n)
{
  const GValue *value = gst_structure_get_value (s, field);
  GBytes *bytes;
  gsize size;
  const void *data;

  if (value == NULL || !G_VALUE_HOLDS (value, G_TYPE_BYTES))
    return FALSE;
  bytes = g_value_get_boxed (value);
  data = g_bytes_get_data (bytes, &size);
  if (size != n * sizeof (float))
    return FALSE;
  memcpy (out, data, size);
  return TRUE;
}

/* A "source-spectrum" message: the unprocessed signal's spectrum, for the overlay. */
static gboolean
handle_source (LqSpectrumView     *self,
               const GstStructure *structure)
{
  guint n;

  if (!gst_structure_get_uint (structure, "n-points", &n) || n == 0 || n > 65536)
    return FALSE;
  if (n != self->n_source)
    {
      self->src_frequencies = g_renew (float, self->src_frequencies, n);
      self->src_levels = g_renew (float, self->src_levels, n);
      self->n_source = n;
    }
  if (!get_floats (structure, "frequencies", self->src_frequencies, n) ||
      !get_floats (structure, "magnitude", self->src_levels, n))
    {
      self->n_source = 0;
      return FALSE;
    }
  if (self->show_source)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/**
 * lq_spectrum_view_handle_message:
 * @structure: an element message's structure
 *
 * Returns: TRUE if it was a well-formed "lqspectrum" message (and the view now shows it), or
 *   a "source-spectrum" one (the player's spectrum of the unprocessed signal: the overlay)
 */
gboolean
lq_spectrum_view_handle_message (LqSpectrumView     *self,
                                 const GstStructure *structure)
{
  guint n;
  gint64 now;
  double fall;

  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), FALSE);
  g_return_val_if_fail (structure != NULL, FALSE);

  if (gst_structure_has_name (structure, "source-spectrum"))
    return handle_source (self, structure);
  if (!gst_structure_has_name (structure, "lqspectrum") ||
      !gst_structure_get_uint (structure, "n-points", &n) || n == 0 || n > 65536)
    return FALSE;
  if (n != self->n_points)
    {
      self->frequencies = g_renew (float, self->frequencies, n);
      self->levels = g_renew (float, self->levels, n);
      self->displayed = g_renew (float, self->displayed, n);
      self->peaks = g_renew (float, self->peaks, n);
      for (guint i = 0; i < n; i++)
        self->displayed[i] = -INFINITY;
      self->n_points = n;
      self->last_time = 0;
    }
  if (!get_floats (structure, "frequencies", self->frequencies, n) ||
      !get_floats (structure, "magnitude", self->levels, n) ||
      !get_floats (structure, "peak", self->peaks, n))
    {
      self->n_points = 0;
      return FALSE;
    }
  /* The spectrogram's ring: a new row per message */
  if (self->sg_points != n)
    {
      self->sg_levels = g_renew (float, self->sg_levels, (gsize) n * SPECTROGRAM_ROWS);
      self->sg_points = n;
      self->sg_pos = self->sg_len = 0;
    }
  memcpy (self->sg_levels + (gsize) self->sg_pos * n, self->levels, n * sizeof (float));
  self->sg_pos = (self->sg_pos + 1) % SPECTROGRAM_ROWS;
  self->sg_len = MIN (self->sg_len + 1, SPECTROGRAM_ROWS);
  now = g_get_monotonic_time ();
  fall = self->last_time > 0 && self->decay > 0.0 ? self->decay * (now - self->last_time) / 1e6 : INFINITY;
  self->last_time = now;
  for (guint i = 0; i < n; i++)
    {
      float level = self->levels[i];

      /* Rises at once, falls at the decay rate */
      if (isfinite (fall) && isfinite (self->displayed[i]) && level < self->displayed[i] - fall)
        self->displayed[i] = self->displayed[i] - fall;
      else
        self->displayed[i] = level;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
lq_spectrum_view_reset (LqSpectrumView *self)
{
  g_return_if_fail (LQ_IS_SPECTRUM_VIEW (self));

  self->n_points = 0;
  self->n_source = 0;
  self->sg_pos = self->sg_len = 0;
  self->last_time = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* @db_per_second: how fast a band's drawn level may fall; 0 to draw each message as it is */
void
lq_spectrum_view_set_decay (LqSpectrumView *self,
                            double          db_per_second)
{
  g_return_if_fail (LQ_IS_SPECTRUM_VIEW (self));
  g_return_if_fail (db_per_second >= 0.0);

  self->decay = db_per_second;
}

/* A reference's long-term spectrum (lq_ltas_get_frequencies()/get_levels()); NULL or 0 points
 * to remove it. The arrays are copied. */
void
lq_spectrum_view_set_reference (LqSpectrumView *self,
                                const float    *frequencies,
                                const float    *levels,
                                guint           n_points)
{
  g_return_if_fail (LQ_IS_SPECTRUM_VIEW (self));

  g_clear_pointer (&self->ref_frequencies, g_free);
  g_clear_pointer (&self->ref_levels, g_free);
  self->n_reference = 0;
  if (frequencies != NULL && levels != NULL && n_points > 0)
    {
      self->ref_frequencies = g_memdup2 (frequencies, n_points * sizeof (float));
      self->ref_levels = g_memdup2 (levels, n_points * sizeof (float));
      self->n_reference = n_points;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lq_spectrum_view_get_n_points (LqSpectrumView *self)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), 0);
  return self->n_points;
}

guint
lq_spectrum_view_get_n_reference (LqSpectrumView *self)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), 0);
  return self->n_reference;
}

float
lq_spectrum_view_get_frequency (LqSpectrumView *self,
                                guint           index)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->frequencies[index];
}

/* Returns: the band's level in the last message, dB */
float
lq_spectrum_view_get_level (LqSpectrumView *self,
                            guint           index)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->levels[index];
}

/* Returns: the band's level as drawn (after the decay), dB */
float
lq_spectrum_view_get_displayed (LqSpectrumView *self,
                                guint           index)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->displayed[index];
}

float
lq_spectrum_view_get_peak (LqSpectrumView *self,
                           guint           index)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->peaks[index];
}

/* Returns: the x coordinate of @hz on the log axis of a view @width wide */
double
lq_spectrum_view_x_for_frequency (LqSpectrumView *self,
                                  double          hz,
                                  double          width)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), 0.0);

  if (!(hz > 0.0))
    return 0.0;
  return log (hz / F_MIN) / log (F_MAX / F_MIN) * width;
}

/* The overlay of the unprocessed source (from "source-spectrum" messages) */
void
lq_spectrum_view_set_show_source (LqSpectrumView *self,
                                  gboolean        show)
{
  g_return_if_fail (LQ_IS_SPECTRUM_VIEW (self));

  if (self->show_source == !!show)
    return;
  self->show_source = !!show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SOURCE]);
}

gboolean
lq_spectrum_view_get_show_source (LqSpectrumView *self)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), FALSE);
  return self->show_source;
}

/* The overlay of the reference's long-term spectrum */
void
lq_spectrum_view_set_show_reference (LqSpectrumView *self,
                                     gboolean        show)
{
  g_return_if_fail (LQ_IS_SPECTRUM_VIEW (self));

  if (self->show_reference == !!show)
    return;
  self->show_reference = !!show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_REFERENCE]);
}

gboolean
lq_spectrum_view_get_show_reference (LqSpectrumView *self)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), FALSE);
  return self->show_reference;
}

guint
lq_spectrum_view_get_n_source (LqSpectrumView *self)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), 0);
  return self->n_source;
}

float
lq_spectrum_view_get_source_level (LqSpectrumView *self,
                                   guint           index)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), -INFINITY);
  g_return_val_if_fail (index < self->n_source, -INFINITY);
  return self->src_levels[index];
}

/* Draws the spectrogram (time downwards, log frequency across, colour = level) instead of the
 * curves and overlays */
void
lq_spectrum_view_set_spectrogram (LqSpectrumView *self,
                                  gboolean        spectrogram)
{
  g_return_if_fail (LQ_IS_SPECTRUM_VIEW (self));

  if (self->spectrogram == !!spectrogram)
    return;
  self->spectrogram = !!spectrogram;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPECTROGRAM]);
}

gboolean
lq_spectrum_view_get_spectrogram (LqSpectrumView *self)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), FALSE);
  return self->spectrogram;
}

/* Returns: the messages the spectrogram holds */
guint
lq_spectrum_view_get_spectrogram_rows (LqSpectrumView *self)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), 0);
  return self->sg_len;
}

/* Returns: the level of band @index in the spectrogram row of @age (0: the newest message) */
float
lq_spectrum_view_get_spectrogram_level (LqSpectrumView *self,
                                        guint           age,
                                        guint           index)
{
  g_return_val_if_fail (LQ_IS_SPECTRUM_VIEW (self), -INFINITY);
  g_return_val_if_fail (age < self->sg_len && index < self->sg_points, -INFINITY);
  return self->sg_levels[((self->sg_pos + SPECTROGRAM_ROWS - 1 - age) % SPECTROGRAM_ROWS) * self->sg_points + index];
}
