/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gr-history"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lq-gr-history.h"

/*
 * A limiter's gain reduction over the last seconds: one value per push (the chain panel pushes
 * once per frame while playing), newest at the right, reduction drawn down from the top. The
 * scale is 6 dB, growing to 12 or 24 when the history holds more.
 */

#define CAPACITY 512 /* values kept: about 8 s at 60 pushes a second */

struct _LqGrHistory
{
  GtkWidget parent_instance;

  double values[CAPACITY]; /* ring of gain reductions in dB (>= 0) */
  guint head;              /* where the next value goes */
  guint n_values;          /* values held, at most CAPACITY */
};

G_DEFINE_FINAL_TYPE (LqGrHistory, lq_gr_history, GTK_TYPE_WIDGET)

static void
lq_gr_history_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  LqGrHistory *self = LQ_GR_HISTORY (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  double peak = 0.0, range, step;
  GdkRGBA fg, bg, line, text, fill;
  cairo_t *cr;
  g_autofree char *label = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  int lw, lh;

  if (w <= 0 || h <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  bg = line = text = fg;
  bg.alpha = 0.04;
  line.alpha = 0.12;
  text.alpha = 0.55;
  gdk_rgba_parse (&fill, dark ? "#ffa348" : "#e66100");

  for (guint i = 0; i < self->n_values; i++)
    peak = MAX (peak, lq_gr_history_get_value (self, i));
  range = peak <= 6.0 ? 6.0 : peak <= 12.0 ? 12.0 : 24.0;
  step = range <= 6.0 ? 1.0 : range <= 12.0 ? 3.0 : 6.0;

  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
  for (double db = step; db < range; db += step)
    gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (0, round (db / range * h), w, 1));

  if (self->n_values > 1)
    {
      double dx = w / (CAPACITY - 1);

      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
      cairo_move_to (cr, w, 0);
      for (guint age = 0; age < self->n_values; age++)
        cairo_line_to (cr, w - age * dx, MIN (lq_gr_history_get_value (self, age), range) / range * h);
      cairo_line_to (cr, w - (self->n_values - 1) * dx, 0);
      cairo_close_path (cr);
      fill.alpha = 0.5;
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill (cr);
      cairo_destroy (cr);
    }

  /* Translators: the scale of the gain-reduction history */
  label = g_strdup_printf (_("−%.0f dB"), range);
  layout = gtk_widget_create_pango_layout (widget, label);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (4, h - lh - 2));
  gtk_snapshot_append_layout (snapshot, layout, &text);
  gtk_snapshot_restore (snapshot);
}

static void
lq_gr_history_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 300;
    }
  else
    {
      *minimum = 48;
      *natural = 64;
    }
}

static void
notify_dark_cb (LqGrHistory *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lq_gr_history_class_init (LqGrHistoryClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = lq_gr_history_snapshot;
  widget_class->measure = lq_gr_history_measure;

  gtk_widget_class_set_css_name (widget_class, "grhistory");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_gr_history_init (LqGrHistory *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Gain reduction history"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("The limiter’s gain reduction over the last seconds"));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (notify_dark_cb), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
lq_gr_history_new (void)
{
  return g_object_new (LQ_TYPE_GR_HISTORY, NULL);
}

/**
 * lq_gr_history_push:
 * @db: the gain reduction now, in dB (>= 0; NAN counts as 0)
 */
void
lq_gr_history_push (LqGrHistory *self,
                    double       db)
{
  g_return_if_fail (LQ_IS_GR_HISTORY (self));

  self->values[self->head] = isfinite (db) ? MAX (db, 0.0) : 0.0;
  self->head = (self->head + 1) % CAPACITY;
  self->n_values = MIN (self->n_values + 1, CAPACITY);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lq_gr_history_clear (LqGrHistory *self)
{
  g_return_if_fail (LQ_IS_GR_HISTORY (self));

  self->head = 0;
  self->n_values = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lq_gr_history_get_n_values (LqGrHistory *self)
{
  g_return_val_if_fail (LQ_IS_GR_HISTORY (self), 0);
  return self->n_values;
}

/**
 * lq_gr_history_get_value:
 * @age: 0 for the newest value
 *
 * Returns: the value pushed @age pushes ago, or 0 beyond the history
 */
double
lq_gr_history_get_value (LqGrHistory *self,
                         guint        age)
{
  g_return_val_if_fail (LQ_IS_GR_HISTORY (self), 0.0);

  if (age >= self->n_values)
    return 0.0;
  return self->values[(self->head + CAPACITY - 1 - age) % CAPACITY];
}
