/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-meters-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "lq-meters-panel.h"

struct _LqMetersPanel
{
  GtkWidget parent_instance;

  GtkWidget *panes;          /* outer GtkPaned: loudness | inner */
  LqLoudnessView *loudness;  /* owned by the panes */
  LqSpectrumView *spectrum;
  LqPhaseScope *phase;
  LqPlayer *player;          /* followed player (weak: the signal handler is tied to it) */
  gulong meter_id;           /* its "meter" handler */
};

G_DEFINE_FINAL_TYPE (LqMetersPanel, lq_meters_panel, GTK_TYPE_WIDGET)

static void
meter_cb (LqMetersPanel      *self,
          const GstStructure *structure,
          LqPlayer           *player)
{
  lq_meters_panel_handle_message (self, structure);
}

static void
player_weak_notify (gpointer  data,
                    GObject  *where)
{
  LqMetersPanel *self = data;

  self->player = NULL;
  self->meter_id = 0;
}

/* A small flat toggle of the title row, bound to @property of @view. */
static GtkWidget *
overlay_toggle (GtkWidget  *view,
                const char *property,
                const char *label,
                const char *tooltip,
                const char *accessible)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (label);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "caption");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_bind_property (view, property, button, "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  return button;
}

/* @view under a title row: the title, then @extra (or NULL) at the end. */
static GtkWidget *
titled (const char *title,
        GtkWidget  *view,
        GtkWidget  *extra)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_set_margin_start (label, 6);
  gtk_box_append (GTK_BOX (row), label);
  if (extra != NULL)
    gtk_box_append (GTK_BOX (row), extra);
  gtk_widget_set_vexpand (view, TRUE);
  gtk_widget_set_hexpand (view, TRUE);
  gtk_widget_set_margin_start (view, 6);
  gtk_widget_set_margin_end (view, 6);
  gtk_widget_set_margin_bottom (view, 4);
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), view);
  return box;
}

static void
lq_meters_panel_dispose (GObject *object)
{
  LqMetersPanel *self = LQ_METERS_PANEL (object);

  lq_meters_panel_set_player (self, NULL);
  g_clear_pointer (&self->panes, gtk_widget_unparent);
  G_OBJECT_CLASS (lq_meters_panel_parent_class)->dispose (object);
}

static void
lq_meters_panel_class_init (LqMetersPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_meters_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lqmeterspanel");
}

static void
lq_meters_panel_init (LqMetersPanel *self)
{
  GtkWidget *inner = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *overlays = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  self->loudness = LQ_LOUDNESS_VIEW (lq_loudness_view_new ());
  self->spectrum = LQ_SPECTRUM_VIEW (lq_spectrum_view_new ());
  self->phase = LQ_PHASE_SCOPE (lq_phase_scope_new ());

  gtk_box_append (GTK_BOX (overlays),
                  overlay_toggle (GTK_WIDGET (self->spectrum), "spectrogram", _("Spectrogram"),
                                  _("Show the Spectrogram: Time Downwards, Colour for Level"),
                                  _("Show the spectrogram")));
  gtk_box_append (GTK_BOX (overlays),
                  overlay_toggle (GTK_WIDGET (self->spectrum), "show-source", _("Source"),
                                  _("Show the Unprocessed Source’s Spectrum (grey)"),
                                  _("Show the unprocessed source’s spectrum")));
  gtk_box_append (GTK_BOX (overlays),
                  overlay_toggle (GTK_WIDGET (self->spectrum), "show-reference", _("Reference"),
                                  _("Show the Reference’s Long-Term Spectrum (dashed purple)"),
                                  _("Show the reference’s long-term spectrum")));

  self->panes = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (self->panes), titled (_("Loudness"), GTK_WIDGET (self->loudness), NULL));
  gtk_paned_set_end_child (GTK_PANED (self->panes), inner);
  gtk_paned_set_start_child (GTK_PANED (inner), titled (_("Spectrum"), GTK_WIDGET (self->spectrum), overlays));
  gtk_paned_set_end_child (GTK_PANED (inner), titled (_("Phase"), GTK_WIDGET (self->phase), NULL));
  gtk_paned_set_resize_end_child (GTK_PANED (inner), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (self->panes), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (inner), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (inner), FALSE);
  gtk_widget_set_parent (self->panes, GTK_WIDGET (self));
}

GtkWidget *
lq_meters_panel_new (void)
{
  return g_object_new (LQ_TYPE_METERS_PANEL, NULL);
}

/* Returns: TRUE if one of the views took the message */
gboolean
lq_meters_panel_handle_message (LqMetersPanel      *self,
                                const GstStructure *structure)
{
  g_return_val_if_fail (LQ_IS_METERS_PANEL (self), FALSE);
  g_return_val_if_fail (structure != NULL, FALSE);

  return lq_loudness_view_handle_message (self->loudness, structure) ||
         lq_spectrum_view_handle_message (self->spectrum, structure) ||
         lq_phase_scope_handle_message (self->phase, structure);
}

/* @player: (nullable): the player whose meters to show, NULL to stop following one */
void
lq_meters_panel_set_player (LqMetersPanel *self,
                            LqPlayer      *player)
{
  g_return_if_fail (LQ_IS_METERS_PANEL (self));
  g_return_if_fail (player == NULL || LQ_IS_PLAYER (player));

  if (self->player == player)
    return;
  if (self->player != NULL)
    {
      g_clear_signal_handler (&self->meter_id, self->player);
      g_object_weak_unref (G_OBJECT (self->player), player_weak_notify, self);
      self->player = NULL;
    }
  if (player != NULL)
    {
      self->player = player;
      g_object_weak_ref (G_OBJECT (player), player_weak_notify, self);
      self->meter_id = g_signal_connect_swapped (player, "meter", G_CALLBACK (meter_cb), self);
    }
}

void
lq_meters_panel_reset (LqMetersPanel *self)
{
  g_return_if_fail (LQ_IS_METERS_PANEL (self));

  lq_loudness_view_reset (self->loudness);
  lq_spectrum_view_reset (self->spectrum);
  lq_phase_scope_reset (self->phase);
}

LqLoudnessView *
lq_meters_panel_get_loudness (LqMetersPanel *self)
{
  g_return_val_if_fail (LQ_IS_METERS_PANEL (self), NULL);
  return self->loudness;
}

LqSpectrumView *
lq_meters_panel_get_spectrum (LqMetersPanel *self)
{
  g_return_val_if_fail (LQ_IS_METERS_PANEL (self), NULL);
  return self->spectrum;
}

LqPhaseScope *
lq_meters_panel_get_phase (LqMetersPanel *self)
{
  g_return_val_if_fail (LQ_IS_METERS_PANEL (self), NULL);
  return self->phase;
}
