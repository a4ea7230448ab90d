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
  GskRenderNode *grid;     /* cached grid for grid_width x grid_height */
  int grid_width;          /* size the cached grid was drawn for */
  int grid_height;
};

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
  if (self->n_points == 0 && self->n_reference == 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (self->n_reference > 0)
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
  g_clear_pointer (&self->grid, gsk_render_node_unref);
  G_OBJECT_CLASS (lq_spectrum_view_parent_class)->finalize (object);
}

static void
lq_spectrum_view_class_init (LqSpectrumViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lq_spectrum_view_finalize;
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
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Spectrum analyzer"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Live spectrum (blue) with peak hold (orange) and the reference’s "
                                 "long-term spectrum (dashed purple)"));
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

/**
 * lq_spectrum_view_handle_message:
 * @structure: an element message's structure
 *
 * Returns: TRUE if it was a well-formed "lqspectrum" message (and the view now shows it)
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
