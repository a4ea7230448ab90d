/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-phase-scope"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-phase-scope.h"

/* Height of the correlation bar and its labels */
#define BAR_HEIGHT 14.0
#define TEXT_LINE 16.0
/* The newest pairs drawn (kept cheap: one small rectangle each) */
#define DRAWN_POINTS 2048

struct _LqPhaseScope
{
  GtkWidget parent_instance;

  double correlation;                  /* -1..+1, last message (0 for silence) */
  double mid;                          /* dB, last message */
  double side;                         /* dB, last message */
  float xy[LQ_PHASE_SCOPE_POINTS * 2]; /* ring of (L, R) pairs */
  guint pos;                           /* next pair to write */
  guint len;                           /* valid pairs in the ring */
};

G_DEFINE_FINAL_TYPE (LqPhaseScope, lq_phase_scope, GTK_TYPE_WIDGET)

static void
lq_phase_scope_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  LqPhaseScope *self = LQ_PHASE_SCOPE (widget);
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);
  double scope_h = h - BAR_HEIGHT - TEXT_LINE - 6;
  double size = MIN (w, scope_h), cx = w / 2, cy = size / 2, r = size / 2;
  GdkRGBA fg, grid, bar;
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  double x0, x1;
  cairo_t *cr;

  if (w < 10 || scope_h < 10)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  grid = fg;
  grid.alpha = 0.15;

  /* Scope: the axes, then the points as a faint cloud (the newest brightest) */
  gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (cx, 0, 1, size));
  gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (cx - r, cy, size, 1));
  if (self->len > 0)
    {
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (cx - r, 0, size, size));
      cairo_set_source_rgba (cr, 0.4, 0.85, 0.45, 0.5);
      for (guint age = 0; age < MIN (self->len, DRAWN_POINTS); age++)
        {
          guint i = (self->pos + LQ_PHASE_SCOPE_POINTS - 1 - age) % LQ_PHASE_SCOPE_POINTS;
          double l = self->xy[2 * i], rr = self->xy[2 * i + 1];
          double x = (rr - l) * G_SQRT2 / 2, y = (l + rr) * G_SQRT2 / 2;

          cairo_rectangle (cr, cx + CLAMP (x, -1, 1) * r - 0.5, cy - CLAMP (y, -1, 1) * r - 0.5, 1.2, 1.2);
        }
      cairo_fill (cr);
      cairo_destroy (cr);
    }

  /* Correlation bar: -1 left, +1 right, the value drawn from the centre */
  gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (0, scope_h + 4, w, BAR_HEIGHT));
  x0 = w / 2;
  x1 = w / 2 + CLAMP (self->correlation, -1, 1) * w / 2;
  bar = self->correlation < 0 ? (GdkRGBA) { 0.95, 0.25, 0.2, 1 } : (GdkRGBA) { 0.4, 0.85, 0.45, 1 };
  gtk_snapshot_append_color (snapshot, &bar, &GRAPHENE_RECT_INIT (MIN (x0, x1), scope_h + 4, fabs (x1 - x0) + 1, BAR_HEIGHT));
  gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x0, scope_h + 2, 1, BAR_HEIGHT + 4));

  /* TRANSLATORS: correlation, then the mid and side levels */
  text = g_strdup_printf (_("Corr %+.2f   M/S %.0f/%.0f dB"), self->correlation, self->mid, self->side);
  layout = gtk_widget_create_pango_layout (widget, text);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (2, scope_h + BAR_HEIGHT + 5));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
}

static void
lq_phase_scope_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 140 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 200;
}

static void
lq_phase_scope_class_init (LqPhaseScopeClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = lq_phase_scope_snapshot;
  widget_class->measure = lq_phase_scope_measure;
  gtk_widget_class_set_css_name (widget_class, "lqphasescope");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_phase_scope_init (LqPhaseScope *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Correlation meter and goniometer"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Stereo image: mid up, side across; the bar shows the correlation "
                                 "from −1 (out of phase) to +1 (mono)"));
}

GtkWidget *
lq_phase_scope_new (void)
{
  return g_object_new (LQ_TYPE_PHASE_SCOPE, NULL);
}

/* Returns: TRUE if it was an "lqphase" message (and the view now shows it) */
gboolean
lq_phase_scope_handle_message (LqPhaseScope       *self,
                               const GstStructure *structure)
{
  const GValue *value;
  double d;

  g_return_val_if_fail (LQ_IS_PHASE_SCOPE (self), FALSE);
  g_return_val_if_fail (structure != NULL, FALSE);

  if (!gst_structure_has_name (structure, "lqphase"))
    return FALSE;
  self->correlation = gst_structure_get_double (structure, "correlation", &d) ? d : 0.0;
  self->mid = gst_structure_get_double (structure, "mid", &d) ? d : -INFINITY;
  self->side = gst_structure_get_double (structure, "side", &d) ? d : -INFINITY;
  value = gst_structure_get_value (structure, "scope");
  if (value != NULL && G_VALUE_HOLDS (value, G_TYPE_BYTES))
    {
      gsize size;
      const float *xy = g_bytes_get_data (g_value_get_boxed (value), &size);
      gsize n = size / (2 * sizeof (float));

      for (gsize k = 0; k < n; k++)
        {
          self->xy[2 * self->pos] = xy[2 * k];
          self->xy[2 * self->pos + 1] = xy[2 * k + 1];
          self->pos = (self->pos + 1) % LQ_PHASE_SCOPE_POINTS;
        }
      self->len = MIN (self->len + n, LQ_PHASE_SCOPE_POINTS);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
lq_phase_scope_reset (LqPhaseScope *self)
{
  g_return_if_fail (LQ_IS_PHASE_SCOPE (self));

  self->correlation = 0.0;
  self->mid = self->side = -INFINITY;
  self->pos = self->len = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
lq_phase_scope_get_correlation (LqPhaseScope *self)
{
  g_return_val_if_fail (LQ_IS_PHASE_SCOPE (self), NAN);
  return self->correlation;
}

double
lq_phase_scope_get_mid (LqPhaseScope *self)
{
  g_return_val_if_fail (LQ_IS_PHASE_SCOPE (self), NAN);
  return self->mid;
}

double
lq_phase_scope_get_side (LqPhaseScope *self)
{
  g_return_val_if_fail (LQ_IS_PHASE_SCOPE (self), NAN);
  return self->side;
}

guint
lq_phase_scope_get_n_points (LqPhaseScope *self)
{
  g_return_val_if_fail (LQ_IS_PHASE_SCOPE (self), 0);
  return self->len;
}

/* @age: 0 for the newest pair */
void
lq_phase_scope_get_point (LqPhaseScope *self,
                          guint         age,
                          float        *left,
                          float        *right)
{
  guint i;

  g_return_if_fail (LQ_IS_PHASE_SCOPE (self));
  g_return_if_fail (age < self->len);

  i = (self->pos + LQ_PHASE_SCOPE_POINTS - 1 - age) % LQ_PHASE_SCOPE_POINTS;
  *left = self->xy[2 * i];
  *right = self->xy[2 * i + 1];
}
