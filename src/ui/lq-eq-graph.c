/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-eq-graph"

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lq-chain-params.h"
#include "lq-eq-graph.h"
#include "lq-eq.h"

/*
 * The EQ's curve, interactive: the summed magnitude response of the bands in use, computed by
 * the EQ kernel itself (lq_eq_response(): the same matched biquad designs the audio runs
 * through, at the stream's rate), with one handle per band. Drag a handle to move its band
 * (x: frequency on a log scale, y: gain; passes move in frequency only), scroll over it for Q;
 * with the keyboard, arrows move the selected band, Page Up/Down change its Q, 1-8 and [ ]
 * select bands. When some band acts on the mid or the side only, both responses are drawn.
 *
 * Works for lqeq (settings "band<N>::freq", "num-bands") and for lqstrip's EQ section
 * ("eq-band<N>-freq", "eq-num-bands").
 */

#define F_MIN 20.0
#define F_MAX 20000.0
#define PAD_LEFT 30.0
#define PAD_RIGHT 8.0
#define PAD_TOP 8.0
#define PAD_BOTTOM 18.0
#define HANDLE_RADIUS 7.0
#define HIT_RADIUS 14.0

/* Band colours: GNOME's palette, in band order. */
static const char *const band_colors[] = {
  "#e66100", "#c88800", "#2ec27e", "#1c71d8", "#9141ac", "#e01b24", "#865e3c", "#5e5c64",
};

struct _LqEqGraph
{
  GtkWidget parent_instance;

  LqChainElement *element; /* the lqeq or lqstrip edited (a reference) */
  LqHistory *history;      /* where edits go (a reference), or NULL */
  gboolean strip;          /* lqstrip's flat names ("eq-band0-freq") instead of lqeq's */
  guint max_bands;         /* bands the element has */
  double rate;             /* the stream's rate, for the designs */

  LqEq *eq;                          /* the kernel, for lq_eq_response() (never run) */
  LqEqBand bands[LQ_EQ_MAX_BANDS];   /* the settings as the model has them */
  guint n_bands;                     /* bands in use */
  gboolean split;                    /* some band in use acts on the mid or side only */
  int selected;                      /* the band the keyboard and the band controls edit, or -1 */
  double range_db;                   /* the plot shows -range_db..+range_db */

  /* The drawn curves, in widget coordinates, recomputed when the settings or size change. */
  gboolean dirty;     /* the settings changed since the curves were computed */
  int cache_width;    /* size the curves were computed for */
  int cache_height;
  guint n_points;     /* points per curve */
  double *xs;         /* x of each point */
  double *mid_ys;     /* y of the mid (or only) response */
  double *side_ys;    /* y of the side response */

  GskRenderNode *grid; /* the cached grid and labels */
  int grid_width;      /* size and style the grid was drawn for */
  int grid_height;
  gboolean grid_dark;
  double grid_range;

  /* A drag of a handle */
  int drag_band;      /* the band dragged, or -1 */
  double drag_x0;     /* where its handle was when the drag began */
  double drag_y0;
  gboolean in_group;  /* a history group is open for the drag */

  gboolean pointer_in; /* the pointer is over the graph, at: */
  double pointer_x;
  double pointer_y;
};

G_DEFINE_FINAL_TYPE (LqEqGraph, lq_eq_graph, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_BAND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
plot_rect (LqEqGraph       *self,
           graphene_rect_t *rect)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  graphene_rect_init (rect, PAD_LEFT, PAD_TOP, MAX (1.0, w - PAD_LEFT - PAD_RIGHT),
                      MAX (1.0, h - PAD_TOP - PAD_BOTTOM));
}

double
lq_eq_graph_freq_to_x (LqEqGraph *self,
                       double     freq)
{
  graphene_rect_t r;

  plot_rect (self, &r);
  return r.origin.x + log (MAX (freq, 1e-3) / F_MIN) / log (F_MAX / F_MIN) * r.size.width;
}

double
lq_eq_graph_x_to_freq (LqEqGraph *self,
                       double     x)
{
  graphene_rect_t r;

  plot_rect (self, &r);
  return F_MIN * pow (F_MAX / F_MIN, (x - r.origin.x) / r.size.width);
}

double
lq_eq_graph_db_to_y (LqEqGraph *self,
                     double     db)
{
  graphene_rect_t r;

  plot_rect (self, &r);
  return r.origin.y + r.size.height * 0.5 * (1.0 - db / self->range_db);
}

double
lq_eq_graph_y_to_db (LqEqGraph *self,
                     double     y)
{
  graphene_rect_t r;

  plot_rect (self, &r);
  return (1.0 - (y - r.origin.y) / (r.size.height * 0.5)) * self->range_db;
}

/**
 * lq_eq_graph_band_property:
 * @setting: "freq", "gain", "q", "type", "slope", "channels" or "bypass"
 *
 * Returns: (transfer full): the element's name for @setting of @band ("band2::gain" for
 *   lqeq, "eq-band2-gain" for lqstrip)
 */
char *
lq_eq_graph_band_property (LqEqGraph  *self,
                           guint       band,
                           const char *setting)
{
  g_return_val_if_fail (LQ_IS_EQ_GRAPH (self), NULL);

  if (self->strip)
    return g_strdup_printf ("eq-band%u-%s", band, setting);
  return g_strdup_printf ("band%u::%s", band, setting);
}

static double
band_double (LqEqGraph  *self,
             guint       band,
             const char *setting)
{
  g_autofree char *name = lq_eq_graph_band_property (self, band, setting);

  return lq_chain_params_get_double (self->element, name);
}

static void
set_band_double (LqEqGraph  *self,
                 guint       band,
                 const char *setting,
                 double      value)
{
  g_autofree char *name = lq_eq_graph_band_property (self, band, setting);

  lq_chain_params_set_double (self->history, self->element, name, value);
}

static gboolean
has_gain (const LqEqBand *band)
{
  return band->type == LQ_BIQUAD_BELL || band->type == LQ_BIQUAD_LOW_SHELF
         || band->type == LQ_BIQUAD_HIGH_SHELF;
}

/* Reads the settings from the model into the kernel. */
static void
read_model (LqEqGraph *self)
{
  double n = lq_chain_params_get_double (self->element, self->strip ? "eq-num-bands" : "num-bands");
  double peak = 0.0, range;

  self->n_bands = isnan (n) ? self->max_bands : (guint) CLAMP (n, 1, self->max_bands);
  self->split = FALSE;
  for (guint b = 0; b < LQ_EQ_MAX_BANDS; b++)
    {
      LqEqBand *band = &self->bands[b];

      lq_eq_band_init (band);
      if (b < self->max_bands)
        {
          band->type = (LqBiquadType) band_double (self, b, "type");
          band->freq = band_double (self, b, "freq");
          band->gain_db = band_double (self, b, "gain");
          band->q = band_double (self, b, "q");
          band->slope = (unsigned) band_double (self, b, "slope");
          band->channels = (LqEqChannels) band_double (self, b, "channels");
          band->bypass = band_double (self, b, "bypass") != 0.0;
        }
      /* Bands the element does not use stay out of the kernel. */
      if (b >= self->n_bands)
        band->bypass = TRUE;
      lq_eq_set_band (self->eq, b, band);
      if (b < self->n_bands && !band->bypass)
        {
          if (band->channels != LQ_EQ_STEREO)
            self->split = TRUE;
          if (has_gain (band))
            peak = MAX (peak, fabs (band->gain_db));
        }
    }
  lq_eq_set_num_bands (self->eq, self->n_bands);

  /* The vertical range follows the largest gain, but not during a drag. */
  range = peak <= 10.0 ? 12.0 : peak <= 16.0 ? 18.0 : peak <= 22.0 ? 24.0 : 36.0;
  if (self->drag_band < 0)
    self->range_db = range;
  if (self->selected >= (int) self->n_bands)
    lq_eq_graph_set_selected_band (self, self->n_bands - 1);
  self->dirty = TRUE;
}

static void
update_accessible (LqEqGraph *self)
{
  GString *s = g_string_new (NULL);

  for (guint b = 0; b < self->n_bands; b++)
    {
      const LqEqBand *band = &self->bands[b];

      if (s->len > 0)
        g_string_append (s, "; ");
      /* Translators: a band of the EQ for screen readers: number, frequency, gain, Q */
      g_string_append_printf (s, _("band %u: %.0f Hz, %+.1f dB, Q %.2f%s"), b + 1, band->freq,
                              has_gain (band) ? band->gain_db : 0.0, band->q,
                              band->bypass ? _(" (off)") : "");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, s->str, -1);
  g_string_free (s, TRUE);
}

static void
element_changed_cb (LqEqGraph      *self,
                    const char     *property,
                    LqChainElement *element)
{
  read_model (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static double
response_db (LqEqGraph *self,
             int        side,
             double     freq)
{
  double re, im;

  lq_eq_response (self->eq, side, MIN (freq, self->rate * 0.4999), &re, &im);
  return 10.0 * log10 (MAX (re * re + im * im, 1e-30));
}

/* Computes the curves for the current size, one point every two pixels. */
static void
ensure_curves (LqEqGraph *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  graphene_rect_t r;
  guint n;

  if (!self->dirty && width == self->cache_width && height == self->cache_height && self->xs != NULL)
    return;
  plot_rect (self, &r);
  n = MAX (2, (guint) (r.size.width / 2.0) + 1);
  if (n != self->n_points)
    {
      self->xs = g_renew (double, self->xs, n);
      self->mid_ys = g_renew (double, self->mid_ys, n);
      self->side_ys = g_renew (double, self->side_ys, n);
      self->n_points = n;
    }
  for (guint i = 0; i < n; i++)
    {
      double x = r.origin.x + r.size.width * i / (n - 1);
      double f = lq_eq_graph_x_to_freq (self, x);

      self->xs[i] = x;
      self->mid_ys[i] = lq_eq_graph_db_to_y (self, response_db (self, 0, f));
      self->side_ys[i] = self->split ? lq_eq_graph_db_to_y (self, response_db (self, 1, f)) : self->mid_ys[i];
    }
  self->cache_width = width;
  self->cache_height = height;
  self->dirty = FALSE;
}

/**
 * lq_eq_graph_get_drawn_db:
 * @side: the side response instead of the mid (or only) one
 *
 * Reads the curve as drawn back into dB: the polyline's height at @freq's x (linear between
 * its points), mapped back through the plot's scale. For tests and for people checking what
 * they see.
 *
 * Returns: the level in dB, or NAN when the graph has no size yet
 */
double
lq_eq_graph_get_drawn_db (LqEqGraph *self,
                          double     freq,
                          gboolean   side)
{
  const double *ys;
  double x;

  g_return_val_if_fail (LQ_IS_EQ_GRAPH (self), NAN);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return NAN;
  ensure_curves (self);
  ys = side ? self->side_ys : self->mid_ys;
  x = lq_eq_graph_freq_to_x (self, freq);
  if (x < self->xs[0] || x > self->xs[self->n_points - 1])
    return NAN;
  for (guint i = 0; i + 1 < self->n_points; i++)
    if (x <= self->xs[i + 1])
      {
        double t = (x - self->xs[i]) / (self->xs[i + 1] - self->xs[i]);

        return lq_eq_graph_y_to_db (self, ys[i] + t * (ys[i + 1] - ys[i]));
      }
  return NAN;
}

/**
 * lq_eq_graph_get_band_point:
 *
 * Where @band's handle is drawn, in widget coordinates.
 *
 * Returns: %FALSE when the band is not in use
 */
gboolean
lq_eq_graph_get_band_point (LqEqGraph *self,
                            guint      band,
                            double    *x,
                            double    *y)
{
  const LqEqBand *b;
  double db;

  g_return_val_if_fail (LQ_IS_EQ_GRAPH (self), FALSE);

  if (band >= self->n_bands)
    return FALSE;
  b = &self->bands[band];
  /* Bells sit at their gain, shelves at half of it (their corner, on the curve), passes on
   * the 0 dB line. */
  db = b->type == LQ_BIQUAD_BELL ? b->gain_db
       : has_gain (b) ? b->gain_db / 2.0 : 0.0;
  *x = lq_eq_graph_freq_to_x (self, CLAMP (b->freq, F_MIN, F_MAX));
  *y = lq_eq_graph_db_to_y (self, CLAMP (db, -self->range_db, self->range_db));
  return TRUE;
}

static int
band_at (LqEqGraph *self,
         double     x,
         double     y)
{
  int best = -1;
  double best_d = HIT_RADIUS;

  /* The selected band wins a tie, so stacked handles can still be told apart. */
  for (guint b = 0; b < self->n_bands; b++)
    {
      double bx, by, d;

      if (!lq_eq_graph_get_band_point (self, b, &bx, &by))
        continue;
      d = hypot (bx - x, by - y);
      if (d < best_d || (d <= best_d && (int) b == self->selected))
        {
          best = b;
          best_d = d;
        }
    }
  return best;
}

static void
rgba (GdkRGBA    *color,
      const char *spec,
      double      alpha)
{
  gdk_rgba_parse (color, spec);
  color->alpha = alpha;
}

static void
draw_grid (LqEqGraph   *self,
           GtkSnapshot *snapshot,
           const GdkRGBA *fg)
{
  static const double freqs[] = { 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000 };
  static const char *const freq_labels[] = { "20", "50", "100", "200", "500", "1k", "2k", "5k", "10k", "20k" };
  GtkWidget *widget = GTK_WIDGET (self);
  graphene_rect_t r;
  GdkRGBA line = *fg, strong = *fg, text = *fg;
  double step = self->range_db <= 12.0 ? 6.0 : self->range_db <= 24.0 ? 6.0 : 12.0;

  plot_rect (self, &r);
  line.alpha = 0.10;
  strong.alpha = 0.30;
  text.alpha = 0.55;

  {
    GdkRGBA bg = *fg;

    bg.alpha = 0.04;
    gtk_snapshot_append_color (snapshot, &bg, &r);
  }
  for (guint i = 0; i < G_N_ELEMENTS (freqs); i++)
    {
      double x = round (lq_eq_graph_freq_to_x (self, freqs[i]));
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, freq_labels[i]);
      int lw, lh;

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x, r.origin.y, 1, r.size.height));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (CLAMP (x - lw / 2.0, r.origin.x, r.origin.x + r.size.width - lw),
                                                              r.origin.y + r.size.height + 2));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
    }
  for (double db = -self->range_db; db <= self->range_db + 1e-9; db += step)
    {
      double y = round (lq_eq_graph_db_to_y (self, db));
      g_autofree char *label = g_strdup_printf ("%+.0f", db);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, fabs (db) < 1e-9 ? "0" : label);
      int lw, lh;

      gtk_snapshot_append_color (snapshot, fabs (db) < 1e-9 ? &strong : &line,
                                 &GRAPHENE_RECT_INIT (r.origin.x, y, r.size.width, 1));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (r.origin.x - lw - 4,
                                                              CLAMP (y - lh / 2.0, 0, gtk_widget_get_height (widget) - lh)));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
    }
}

static void
curve_path (cairo_t      *cr,
            const double *xs,
            const double *ys,
            guint         n)
{
  cairo_move_to (cr, xs[0], ys[0]);
  for (guint i = 1; i < n; i++)
    cairo_line_to (cr, xs[i], ys[i]);
}

static void
lq_eq_graph_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  LqEqGraph *self = LQ_EQ_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA fg, accent, side_color;
  graphene_rect_t r;
  cairo_t *cr;
  double zero_y;

  if (width <= 0 || height <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  rgba (&accent, dark ? "#78aeed" : "#1c71d8", 1.0);
  rgba (&side_color, dark ? "#f8e45c" : "#c64600", 1.0);
  plot_rect (self, &r);

  /* The grid only changes with the size, the style and the vertical range. */
  if (self->grid == NULL || self->grid_width != width || self->grid_height != height
      || self->grid_dark != dark || self->grid_range != self->range_db)
    {
      GtkSnapshot *grid = gtk_snapshot_new ();

      draw_grid (self, grid, &fg);
      g_clear_pointer (&self->grid, gsk_render_node_unref);
      self->grid = gtk_snapshot_free_to_node (grid);
      self->grid_width = width;
      self->grid_height = height;
      self->grid_dark = dark;
      self->grid_range = self->range_db;
    }
  if (self->grid != NULL)
    gtk_snapshot_append_node (snapshot, self->grid);

  ensure_curves (self);
  zero_y = lq_eq_graph_db_to_y (self, 0.0);

  gtk_snapshot_push_clip (snapshot, &r);
  cr = gtk_snapshot_append_cairo (snapshot, &r);

  /* The selected band on its own, faintly. */
  if (self->selected >= 0 && self->selected < (int) self->n_bands && !self->bands[self->selected].bypass)
    {
      const LqEqBand *b = &self->bands[self->selected];
      LqBiquad sec[LQ_BIQUAD_MAX_SECTIONS];
      unsigned ns = lq_biquad_design (sec, b->type, self->rate, b->freq, b->gain_db, b->q, b->slope);
      GdkRGBA color;

      rgba (&color, band_colors[self->selected % G_N_ELEMENTS (band_colors)], 0.18);
      cairo_move_to (cr, self->xs[0], zero_y);
      for (guint i = 0; i < self->n_points; i++)
        {
          double f = MIN (lq_eq_graph_x_to_freq (self, self->xs[i]), self->rate * 0.4999);
          double p = 1.0;

          for (unsigned s = 0; s < ns; s++)
            {
              double re, im;

              lq_biquad_response (&sec[s], self->rate, f, &re, &im);
              p *= re * re + im * im;
            }
          cairo_line_to (cr, self->xs[i], lq_eq_graph_db_to_y (self, 10.0 * log10 (MAX (p, 1e-30))));
        }
      cairo_line_to (cr, self->xs[self->n_points - 1], zero_y);
      cairo_close_path (cr);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill (cr);
    }

  /* The summed response: filled to 0 dB, then stroked. */
  curve_path (cr, self->xs, self->mid_ys, self->n_points);
  cairo_line_to (cr, self->xs[self->n_points - 1], zero_y);
  cairo_line_to (cr, self->xs[0], zero_y);
  cairo_close_path (cr);
  accent.alpha = 0.16;
  gdk_cairo_set_source_rgba (cr, &accent);
  cairo_fill (cr);
  accent.alpha = 1.0;
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  curve_path (cr, self->xs, self->mid_ys, self->n_points);
  gdk_cairo_set_source_rgba (cr, &accent);
  cairo_stroke (cr);
  if (self->split)
    {
      static const double dash[] = { 5.0, 3.0 };

      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
      curve_path (cr, self->xs, self->side_ys, self->n_points);
      gdk_cairo_set_source_rgba (cr, &side_color);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0.0);
    }
  cairo_destroy (cr);
  gtk_snapshot_pop (snapshot);

  /* The handles, the selected one last (on top). */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (int pass = 0; pass < 2; pass++)
    for (guint b = 0; b < self->n_bands; b++)
      {
        double x, y;
        GdkRGBA color;
        char number[4];
        g_autoptr(PangoLayout) layout = NULL;
        int lw, lh;
        gboolean selected = (int) b == self->selected;

        if (selected != (pass == 1) || !lq_eq_graph_get_band_point (self, b, &x, &y))
          continue;
        rgba (&color, band_colors[b % G_N_ELEMENTS (band_colors)], self->bands[b].bypass ? 0.35 : 1.0);
        cairo_new_path (cr);
        cairo_arc (cr, x, y, HANDLE_RADIUS, 0, 2 * G_PI);
        gdk_cairo_set_source_rgba (cr, &color);
        cairo_fill_preserve (cr);
        if (selected)
          {
            cairo_set_line_width (cr, 2.0);
            gdk_cairo_set_source_rgba (cr, &fg);
            cairo_stroke (cr);
          }
        cairo_new_path (cr);
        g_snprintf (number, sizeof number, "%u", b + 1);
        layout = gtk_widget_create_pango_layout (widget, number);
        {
          PangoAttrList *attrs = pango_attr_list_new ();

          pango_attr_list_insert (attrs, pango_attr_scale_new (0.75));
          pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
        }
        pango_layout_get_pixel_size (layout, &lw, &lh);
        cairo_move_to (cr, x - lw / 2.0, y - lh / 2.0);
        cairo_set_source_rgb (cr, 1, 1, 1);
        pango_cairo_show_layout (cr, layout);
      }
  cairo_destroy (cr);

  if (gtk_widget_has_visible_focus (widget))
    {
      GskRoundedRect outline;
      GdkRGBA focus = accent;
      float widths[4] = { 2, 2, 2, 2 };
      GdkRGBA colors[4];

      focus.alpha = 0.6;
      for (int i = 0; i < 4; i++)
        colors[i] = focus;
      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (1, 1, width - 2, height - 2), 4);
      gtk_snapshot_append_border (snapshot, &outline, widths, colors);
    }
}

static void
end_drag_group (LqEqGraph *self)
{
  if (!self->in_group)
    return;
  self->in_group = FALSE;
  lq_history_end_group (self->history);
  lq_history_stop_merging (self->history);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               LqEqGraph      *self)
{
  int band = band_at (self, x, y);

  if (band < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));
  lq_eq_graph_set_selected_band (self, band);
  lq_eq_graph_get_band_point (self, band, &self->drag_x0, &self->drag_y0);
  self->drag_band = band;
  if (self->history != NULL && !self->in_group)
    {
      /* Translators: an undo step, as in "Undo EQ Band 2" */
      g_autofree char *label = g_strdup_printf (_("EQ Band %d"), band + 1);

      self->in_group = TRUE;
      lq_history_begin_group (self->history, label);
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                LqEqGraph      *self)
{
  int band = self->drag_band;
  double x, y;

  if (band < 0)
    return;
  x = self->drag_x0 + dx;
  y = self->drag_y0 + dy;
  set_band_double (self, band, "freq", CLAMP (lq_eq_graph_x_to_freq (self, x), F_MIN, MIN (F_MAX, self->rate * 0.49)));
  if (has_gain (&self->bands[band]))
    {
      double db = CLAMP (lq_eq_graph_y_to_db (self, y), -self->range_db, self->range_db);

      set_band_double (self, band, "gain", self->bands[band].type == LQ_BIQUAD_BELL ? db : 2.0 * db);
    }
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             LqEqGraph      *self)
{
  if (self->drag_band < 0)
    return;
  self->drag_band = -1;
  end_drag_group (self);
  /* Rescale now that the drag is over. */
  read_model (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_cancel_cb (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                LqEqGraph        *self)
{
  self->drag_band = -1;
  end_drag_group (self);
}

static void
change_q (LqEqGraph *self,
          int        band,
          double     octaves)
{
  set_band_double (self, band, "q", self->bands[band].q * pow (2.0, octaves));
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           LqEqGraph                *self)
{
  int band = self->pointer_in ? band_at (self, self->pointer_x, self->pointer_y) : -1;

  if (band < 0)
    band = self->selected;
  if (band < 0 || band >= (int) self->n_bands || dy == 0.0)
    return GDK_EVENT_PROPAGATE;
  lq_eq_graph_set_selected_band (self, band);
  /* Up narrows: a sixth of an octave of Q per notch. */
  change_q (self, band, -dy / 6.0);
  return GDK_EVENT_STOP;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           LqEqGraph                *self)
{
  self->pointer_in = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
leave_cb (GtkEventControllerMotion *controller,
          LqEqGraph                *self)
{
  self->pointer_in = FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                LqEqGraph             *self)
{
  int band = self->selected;
  gboolean fine = (state & GDK_SHIFT_MASK) != 0;

  /* Alt and Ctrl combinations belong to the card and the window (Alt+Up moves the card). */
  if (state & (GDK_ALT_MASK | GDK_CONTROL_MASK | GDK_SUPER_MASK))
    return GDK_EVENT_PROPAGATE;
  if (keyval >= GDK_KEY_1 && keyval <= GDK_KEY_8 && (guint) (keyval - GDK_KEY_1) < self->n_bands)
    {
      lq_eq_graph_set_selected_band (self, keyval - GDK_KEY_1);
      return GDK_EVENT_STOP;
    }
  if (keyval == GDK_KEY_bracketleft || keyval == GDK_KEY_bracketright)
    {
      int n = self->n_bands;

      lq_eq_graph_set_selected_band (self, ((band < 0 ? 0 : band) + (keyval == GDK_KEY_bracketright ? 1 : n - 1)) % n);
      return GDK_EVENT_STOP;
    }
  if (band < 0 || band >= (int) self->n_bands)
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      {
        double octaves = (fine ? 1.0 / 48.0 : 1.0 / 12.0)
                         * (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left ? -1.0 : 1.0);

        set_band_double (self, band, "freq", CLAMP (self->bands[band].freq * pow (2.0, octaves), F_MIN / 2.0,
                                                    self->rate * 0.49));
        return GDK_EVENT_STOP;
      }
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!has_gain (&self->bands[band]))
        return GDK_EVENT_STOP;
      set_band_double (self, band, "gain",
                       self->bands[band].gain_db
                       + (fine ? 0.1 : 0.5) * (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up ? 1.0 : -1.0));
      return GDK_EVENT_STOP;
    case GDK_KEY_Page_Up:
    case GDK_KEY_Page_Down:
      change_q (self, band, keyval == GDK_KEY_Page_Up ? 1.0 / 6.0 : -1.0 / 6.0);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            LqEqGraph       *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
notify_dark_cb (LqEqGraph *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A drag cut short by the graph going away closes its history group. */
static void
lq_eq_graph_unmap (GtkWidget *widget)
{
  LqEqGraph *self = LQ_EQ_GRAPH (widget);

  self->drag_band = -1;
  end_drag_group (self);
  GTK_WIDGET_CLASS (lq_eq_graph_parent_class)->unmap (widget);
}

static void
lq_eq_graph_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LqEqGraph *self = LQ_EQ_GRAPH (object);

  switch (prop_id)
    {
    case PROP_SELECTED_BAND:
      g_value_set_int (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_eq_graph_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LqEqGraph *self = LQ_EQ_GRAPH (object);

  switch (prop_id)
    {
    case PROP_SELECTED_BAND:
      lq_eq_graph_set_selected_band (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_eq_graph_dispose (GObject *object)
{
  LqEqGraph *self = LQ_EQ_GRAPH (object);

  end_drag_group (self);
  if (self->element != NULL)
    g_signal_handlers_disconnect_by_data (self->element, self);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  g_clear_object (&self->element);
  g_clear_object (&self->history);
  g_clear_pointer (&self->grid, gsk_render_node_unref);

  G_OBJECT_CLASS (lq_eq_graph_parent_class)->dispose (object);
}

static void
lq_eq_graph_finalize (GObject *object)
{
  LqEqGraph *self = LQ_EQ_GRAPH (object);

  g_clear_pointer (&self->eq, lq_eq_free);
  g_free (self->xs);
  g_free (self->mid_ys);
  g_free (self->side_ys);

  G_OBJECT_CLASS (lq_eq_graph_parent_class)->finalize (object);
}

static void
lq_eq_graph_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 360;
    }
  else
    {
      *minimum = 140;
      *natural = 180;
    }
}

static void
lq_eq_graph_class_init (LqEqGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lq_eq_graph_get_property;
  object_class->set_property = lq_eq_graph_set_property;
  object_class->dispose = lq_eq_graph_dispose;
  object_class->finalize = lq_eq_graph_finalize;
  widget_class->snapshot = lq_eq_graph_snapshot;
  widget_class->measure = lq_eq_graph_measure;
  widget_class->unmap = lq_eq_graph_unmap;

  /**
   * LqEqGraph:selected-band:
   *
   * The band the keyboard and the band controls edit, or -1.
   */
  properties[PROP_SELECTED_BAND] =
    g_param_spec_int ("selected-band", NULL, NULL, -1, LQ_EQ_MAX_BANDS - 1, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "eqgraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_eq_graph_init (LqEqGraph *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL
                                                                | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->rate = 48000.0;
  self->selected = 0;
  self->range_db = 12.0;
  self->drag_band = -1;
  self->dirty = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (notify_dark_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * lq_eq_graph_new:
 * @element: an lqeq or lqstrip element
 * @history: (nullable): where edits are recorded
 *
 * Returns: (transfer floating): the curve editor
 */
GtkWidget *
lq_eq_graph_new (LqChainElement *element,
                 LqHistory      *history)
{
  LqEqGraph *self;
  GParamSpec *n;
  const char *factory;

  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), NULL);

  factory = lq_chain_element_get_factory (element);
  self = g_object_new (LQ_TYPE_EQ_GRAPH, NULL);
  self->element = g_object_ref (element);
  self->history = history != NULL ? g_object_ref (history) : NULL;
  self->strip = g_str_equal (factory, "lqstrip");
  n = lq_chain_params_find (factory, self->strip ? "eq-num-bands" : "num-bands");
  self->max_bands = n != NULL && G_IS_PARAM_SPEC_UINT (n) ? MIN (G_PARAM_SPEC_UINT (n)->maximum, LQ_EQ_MAX_BANDS)
                                                          : LQ_EQ_MAX_BANDS;
  self->eq = lq_eq_new (self->rate, 2);
  read_model (self);
  update_accessible (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("EQ curve"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Drag a band’s point to change its frequency and gain, scroll over it to "
                                 "change its Q. Keys: 1–8 or [ ] select a band, arrows move it, Page Up/Down "
                                 "change its Q"));
  g_signal_connect_object (element, "changed", G_CALLBACK (element_changed_cb), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

/**
 * lq_eq_graph_get_element:
 *
 * Returns: (transfer none): the element edited
 */
LqChainElement *
lq_eq_graph_get_element (LqEqGraph *self)
{
  g_return_val_if_fail (LQ_IS_EQ_GRAPH (self), NULL);
  return self->element;
}

/**
 * lq_eq_graph_set_rate:
 *
 * The stream's sample rate: the designs depend on it near Nyquist.
 */
void
lq_eq_graph_set_rate (LqEqGraph *self,
                      double     rate)
{
  LqEq *eq;

  g_return_if_fail (LQ_IS_EQ_GRAPH (self));

  if (rate == self->rate || rate < 8000.0)
    return;
  eq = lq_eq_new (rate, 2);
  if (eq == NULL)
    return;
  lq_eq_free (self->eq);
  self->eq = eq;
  self->rate = rate;
  read_model (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
lq_eq_graph_get_rate (LqEqGraph *self)
{
  g_return_val_if_fail (LQ_IS_EQ_GRAPH (self), 0.0);
  return self->rate;
}

int
lq_eq_graph_get_selected_band (LqEqGraph *self)
{
  g_return_val_if_fail (LQ_IS_EQ_GRAPH (self), -1);
  return self->selected;
}

void
lq_eq_graph_set_selected_band (LqEqGraph *self,
                               int        band)
{
  g_return_if_fail (LQ_IS_EQ_GRAPH (self));

  band = CLAMP (band, -1, LQ_EQ_MAX_BANDS - 1);
  if (band == self->selected)
    return;
  self->selected = band;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_BAND]);
}

/**
 * lq_eq_graph_get_n_bands:
 *
 * Returns: the bands in use
 */
guint
lq_eq_graph_get_n_bands (LqEqGraph *self)
{
  g_return_val_if_fail (LQ_IS_EQ_GRAPH (self), 0);
  return self->n_bands;
}
