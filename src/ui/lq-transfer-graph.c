/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-transfer-graph"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lq-chain-params.h"
#include "lq-compressor.h"
#include "lq-transfer-graph.h"

/*
 * A compressor's transfer curve, input level against output level in dB, from the kernel's own
 * static curve (lq_compressor_curve(): threshold, ratio, soft knee) plus the makeup gain, with
 * the 1:1 line and the threshold marked; beside it a gain-reduction meter, fed by whoever reads
 * a live element (lq_transfer_graph_set_gain_reduction()), or empty when there is none.
 *
 * The settings are read with a prefix, so the same graph serves lqcompressor (""), lqstrip's
 * compressor ("comp-") and a band of lqmultiband ("band1::").
 */

#define PAD 6.0
#define PAD_LEFT 28.0
#define PAD_BOTTOM 16.0
#define METER_WIDTH 12.0
#define METER_GAP 8.0
#define METER_RANGE_DB 24.0
#define METER_FALL_DB_PER_S 20.0 /* the meter falls at most this fast (rises at once) */

struct _LqTransferGraph
{
  GtkWidget parent_instance;

  LqChainElement *element; /* the element whose settings are drawn (a reference) */
  char *prefix;            /* prepended to "threshold", "ratio", "knee", "makeup" */
  double threshold;        /* the settings, read from the model */
  double ratio;
  double knee;
  double makeup;
  double range_db;         /* the axes show -range_db..0 */

  double gr;               /* gain reduction shown, dB >= 0; NAN: no live element */
  gint64 gr_time;          /* monotonic time of the last meter update */

  guint n_points;          /* the drawn curve, in widget coordinates */
  double *xs;
  double *ys;
  int cache_width;
  int cache_height;
  gboolean dirty;
};

G_DEFINE_FINAL_TYPE (LqTransferGraph, lq_transfer_graph, GTK_TYPE_WIDGET)

static double
setting (LqTransferGraph *self,
         const char      *name,
         double           fallback)
{
  g_autofree char *property = g_strconcat (self->prefix, name, NULL);
  double value = lq_chain_params_get_double (self->element, property);

  return isnan (value) ? fallback : value;
}

static void
read_model (LqTransferGraph *self)
{
  self->threshold = setting (self, "threshold", -18.0);
  self->ratio = setting (self, "ratio", 1.0);
  self->knee = setting (self, "knee", 0.0);
  self->makeup = setting (self, "makeup", 0.0);
  /* Show at least 18 dB below the threshold. */
  self->range_db = self->threshold - 18.0 < -60.0 ? 84.0 : 60.0;
  self->dirty = TRUE;
}

static void
update_accessible (LqTransferGraph *self)
{
  /* Translators: the compressor curve for screen readers */
  g_autofree char *text = g_strdup_printf (_("Threshold %.1f dB, ratio %.1f:1, knee %.1f dB, makeup %+.1f dB"),
                                           self->threshold, self->ratio, self->knee, self->makeup);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
element_changed_cb (LqTransferGraph *self,
                    const char      *property,
                    LqChainElement  *element)
{
  read_model (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
plot_rect (LqTransferGraph *self,
           graphene_rect_t *rect)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double meter = METER_WIDTH + METER_GAP;
  double size = MAX (1.0, MIN (w - PAD_LEFT - PAD - meter, h - PAD - PAD_BOTTOM));

  graphene_rect_init (rect, PAD_LEFT, PAD, size, size);
}

static double
db_to_x (LqTransferGraph *self,
         const graphene_rect_t *r,
         double db)
{
  return r->origin.x + (db + self->range_db) / self->range_db * r->size.width;
}

static double
db_to_y (LqTransferGraph *self,
         const graphene_rect_t *r,
         double db)
{
  return r->origin.y + r->size.height - (db + self->range_db) / self->range_db * r->size.height;
}

static void
ensure_curve (LqTransferGraph *self)
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
      self->ys = g_renew (double, self->ys, n);
      self->n_points = n;
    }
  for (guint i = 0; i < n; i++)
    {
      double in = -self->range_db + self->range_db * i / (n - 1);
      double out = lq_compressor_curve (self->threshold, self->ratio, self->knee, in) + self->makeup;

      self->xs[i] = db_to_x (self, &r, in);
      self->ys[i] = db_to_y (self, &r, out);
    }
  self->cache_width = width;
  self->cache_height = height;
  self->dirty = FALSE;
}

static void
lq_transfer_graph_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  LqTransferGraph *self = LQ_TRANSFER_GRAPH (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA fg, line, text, accent, meter;
  graphene_rect_t r, meter_rect;
  cairo_t *cr;
  double tx, step;

  if (gtk_widget_get_width (widget) <= 0 || gtk_widget_get_height (widget) <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  line = text = fg;
  line.alpha = 0.12;
  text.alpha = 0.55;
  gdk_rgba_parse (&accent, dark ? "#78aeed" : "#1c71d8");
  gdk_rgba_parse (&meter, dark ? "#ffa348" : "#e66100");
  plot_rect (self, &r);
  ensure_curve (self);

  {
    GdkRGBA bg = fg;

    bg.alpha = 0.04;
    gtk_snapshot_append_color (snapshot, &bg, &r);
  }
  /* Labels every 12 dB, or every 24 when the graph is small. */
  step = r.size.width < 200.0 ? 24.0 : 12.0;
  for (double db = 0.0; db >= -self->range_db; db -= step)
    {
      double x = round (db_to_x (self, &r, db)), y = round (db_to_y (self, &r, db));
      g_autofree char *label = g_strdup_printf ("%.0f", db);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, label);
      int lw, lh;

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x, r.origin.y, 1, r.size.height));
      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (r.origin.x, y, r.size.width, 1));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (r.origin.x - lw - 4, CLAMP (y - lh / 2.0, 0, r.origin.y + r.size.height - lh)));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (CLAMP (x - lw / 2.0, r.origin.x, r.origin.x + r.size.width - lw),
                                                              r.origin.y + r.size.height + 1));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
    }

  gtk_snapshot_push_clip (snapshot, &r);
  cr = gtk_snapshot_append_cairo (snapshot, &r);
  /* 1:1 and the threshold */
  {
    static const double dash[] = { 3.0, 3.0 };
    GdkRGBA guide = fg;

    guide.alpha = 0.35;
    gdk_cairo_set_source_rgba (cr, &guide);
    cairo_set_line_width (cr, 1.0);
    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
    cairo_move_to (cr, db_to_x (self, &r, -self->range_db), db_to_y (self, &r, -self->range_db));
    cairo_line_to (cr, db_to_x (self, &r, 0.0), db_to_y (self, &r, 0.0));
    cairo_stroke (cr);
    tx = round (db_to_x (self, &r, self->threshold)) + 0.5;
    cairo_move_to (cr, tx, r.origin.y);
    cairo_line_to (cr, tx, r.origin.y + r.size.height);
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0.0);
  }
  cairo_move_to (cr, self->xs[0], self->ys[0]);
  for (guint i = 1; i < self->n_points; i++)
    cairo_line_to (cr, self->xs[i], self->ys[i]);
  cairo_set_line_width (cr, 2.0);
  gdk_cairo_set_source_rgba (cr, &accent);
  cairo_stroke (cr);
  cairo_destroy (cr);
  gtk_snapshot_pop (snapshot);

  /* The gain-reduction meter: from the top down, 0..METER_RANGE_DB. */
  graphene_rect_init (&meter_rect, r.origin.x + r.size.width + METER_GAP, r.origin.y, METER_WIDTH, r.size.height);
  {
    GdkRGBA bg = fg;

    bg.alpha = 0.08;
    gtk_snapshot_append_color (snapshot, &bg, &meter_rect);
  }
  if (!isnan (self->gr) && self->gr > 0.0)
    {
      double h = MIN (self->gr, METER_RANGE_DB) / METER_RANGE_DB * meter_rect.size.height;

      gtk_snapshot_append_color (snapshot, &meter,
                                 &GRAPHENE_RECT_INIT (meter_rect.origin.x, meter_rect.origin.y, METER_WIDTH, h));
    }
}

static void
lq_transfer_graph_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 260;
    }
  else
    {
      *minimum = 140;
      *natural = 220;
    }
}

static void
notify_dark_cb (LqTransferGraph *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lq_transfer_graph_dispose (GObject *object)
{
  LqTransferGraph *self = LQ_TRANSFER_GRAPH (object);

  if (self->element != NULL)
    g_signal_handlers_disconnect_by_data (self->element, self);
  g_clear_object (&self->element);

  G_OBJECT_CLASS (lq_transfer_graph_parent_class)->dispose (object);
}

static void
lq_transfer_graph_finalize (GObject *object)
{
  LqTransferGraph *self = LQ_TRANSFER_GRAPH (object);

  g_free (self->prefix);
  g_free (self->xs);
  g_free (self->ys);

  G_OBJECT_CLASS (lq_transfer_graph_parent_class)->finalize (object);
}

static void
lq_transfer_graph_class_init (LqTransferGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_transfer_graph_dispose;
  object_class->finalize = lq_transfer_graph_finalize;
  widget_class->snapshot = lq_transfer_graph_snapshot;
  widget_class->measure = lq_transfer_graph_measure;

  gtk_widget_class_set_css_name (widget_class, "transfergraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_transfer_graph_init (LqTransferGraph *self)
{
  self->gr = NAN;
  self->range_db = 60.0;
  self->dirty = TRUE;
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (notify_dark_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * lq_transfer_graph_new:
 * @element: the element whose compressor settings are drawn
 * @prefix: (nullable): put before the setting names: "" for lqcompressor, "comp-" for
 *   lqstrip, "band0::" for a band of lqmultiband
 *
 * Returns: (transfer floating): the graph
 */
GtkWidget *
lq_transfer_graph_new (LqChainElement *element,
                       const char     *prefix)
{
  LqTransferGraph *self;

  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), NULL);

  self = g_object_new (LQ_TYPE_TRANSFER_GRAPH, NULL);
  self->element = g_object_ref (element);
  self->prefix = g_strdup (prefix != NULL ? prefix : "");
  read_model (self);
  update_accessible (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Compressor curve"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Output level against input level; the bar shows the gain reduction while playing"));
  g_signal_connect_object (element, "changed", G_CALLBACK (element_changed_cb), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

/**
 * lq_transfer_graph_set_gain_reduction:
 * @db: the gain reduction in dB (>= 0), or NAN for no meter
 *
 * The meter rises at once and falls at most METER_FALL_DB_PER_S.
 */
void
lq_transfer_graph_set_gain_reduction (LqTransferGraph *self,
                                      double           db)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (LQ_IS_TRANSFER_GRAPH (self));

  if (isnan (db) || isnan (self->gr))
    self->gr = db;
  else
    self->gr = MAX (db, self->gr - METER_FALL_DB_PER_S * (now - self->gr_time) / (double) G_USEC_PER_SEC);
  self->gr_time = now;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
lq_transfer_graph_get_gain_reduction (LqTransferGraph *self)
{
  g_return_val_if_fail (LQ_IS_TRANSFER_GRAPH (self), NAN);
  return self->gr;
}

/**
 * lq_transfer_graph_get_drawn_output:
 *
 * Reads the curve as drawn back into dB at input level @in_db (for tests).
 *
 * Returns: the output level, or NAN outside the axes or before the graph has a size
 */
double
lq_transfer_graph_get_drawn_output (LqTransferGraph *self,
                                    double           in_db)
{
  graphene_rect_t r;
  double x;

  g_return_val_if_fail (LQ_IS_TRANSFER_GRAPH (self), NAN);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return NAN;
  ensure_curve (self);
  plot_rect (self, &r);
  x = db_to_x (self, &r, in_db);
  for (guint i = 0; i + 1 < self->n_points; i++)
    if (x >= self->xs[i] && x <= self->xs[i + 1])
      {
        double t = (x - self->xs[i]) / (self->xs[i + 1] - self->xs[i]);
        double y = self->ys[i] + t * (self->ys[i + 1] - self->ys[i]);

        return (r.origin.y + r.size.height - y) / r.size.height * self->range_db - self->range_db;
      }
  return NAN;
}
