/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-eq-editor"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lq-chain-params.h"
#include "lq-eq-editor.h"
#include "lq-eq.h"
#include "lq-param-row.h"

/*
 * The EQ editor: the interactive curve (LqEqGraph), the number of bands and (lqeq only) the
 * linear-phase switch, a row of band buttons, and the selected band's controls: type,
 * frequency, gain, Q, slope, channels, bypass. Selecting a band in the curve or with the
 * buttons shows its controls. Serves lqeq and the EQ section of lqstrip.
 */

/* The band settings, in the order their controls appear. */
static const char *const band_settings[] = { "type", "freq", "gain", "q", "slope", "channels", "bypass" };

struct _LqEqEditor
{
  GtkWidget parent_instance;

  LqChainElement *element;  /* the lqeq or lqstrip (a reference) */
  LqHistory *history;       /* where edits go (a reference), or NULL */
  gboolean strip;           /* lqstrip's names */

  GtkWidget *box;           /* the layout, our only child */
  LqEqGraph *graph;         /* the curve */
  GtkWidget *band_buttons[LQ_EQ_MAX_BANDS]; /* toggle buttons selecting a band */
  GtkWidget *band_box;      /* the selected band's rows */
  GtkWidget *band_rows[G_N_ELEMENTS (band_settings)]; /* LqParamRow per setting, or NULL */
  int shown_band;           /* the band whose rows are shown, or -1 */
  gboolean syncing;         /* band buttons are being set from the graph */
};

G_DEFINE_FINAL_TYPE (LqEqEditor, lq_eq_editor, GTK_TYPE_WIDGET)

static void
update_sensitivity (LqEqEditor *self)
{
  double type;
  gboolean gain, pass;

  if (self->shown_band < 0)
    return;
  {
    g_autofree char *name = lq_eq_graph_band_property (self->graph, self->shown_band, "type");

    type = lq_chain_params_get_double (self->element, name);
  }
  pass = type == LQ_BIQUAD_HIGH_PASS || type == LQ_BIQUAD_LOW_PASS;
  gain = !pass;
  if (self->band_rows[2] != NULL)
    gtk_widget_set_sensitive (self->band_rows[2], gain);
  if (self->band_rows[4] != NULL)
    gtk_widget_set_sensitive (self->band_rows[4], pass);
}

static void
show_band (LqEqEditor *self,
           int         band)
{
  GtkWidget *child;

  if (band == self->shown_band)
    return;
  while ((child = gtk_widget_get_first_child (self->band_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->band_box), child);
  memset (self->band_rows, 0, sizeof self->band_rows);
  self->shown_band = band;
  if (band < 0)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (band_settings); i++)
    {
      g_autofree char *name = lq_eq_graph_band_property (self->graph, band, band_settings[i]);
      g_autofree char *label = lq_chain_params_get_label (self->element, name);
      GtkWidget *row = lq_param_row_new (self->element, self->history, name, NULL);

      if (row == NULL)
        continue;
      /* The rows show the setting's own name; screen readers get the band too. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (lq_param_row_get_control (LQ_PARAM_ROW (row))),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      if (lq_param_row_get_entry (LQ_PARAM_ROW (row)) != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (lq_param_row_get_entry (LQ_PARAM_ROW (row))),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      self->band_rows[i] = row;
      gtk_box_append (GTK_BOX (self->band_box), row);
    }
  update_sensitivity (self);
}

static void
sync_buttons (LqEqEditor *self)
{
  guint n = lq_eq_graph_get_n_bands (self->graph);
  int selected = lq_eq_graph_get_selected_band (self->graph);

  self->syncing = TRUE;
  for (guint b = 0; b < LQ_EQ_MAX_BANDS; b++)
    {
      if (self->band_buttons[b] == NULL)
        continue;
      gtk_widget_set_visible (self->band_buttons[b], b < n);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->band_buttons[b]), (int) b == selected);
    }
  self->syncing = FALSE;
  show_band (self, selected);
}

static void
selected_band_cb (LqEqEditor *self)
{
  sync_buttons (self);
}

static void
band_button_toggled_cb (GtkToggleButton *button,
                        LqEqEditor      *self)
{
  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  lq_eq_graph_set_selected_band (self->graph, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "band")));
}

static void
element_changed_cb (LqEqEditor     *self,
                    const char     *property,
                    LqChainElement *element)
{
  sync_buttons (self);
  update_sensitivity (self);
}

static void
lq_eq_editor_dispose (GObject *object)
{
  LqEqEditor *self = LQ_EQ_EDITOR (object);

  if (self->element != NULL)
    g_signal_handlers_disconnect_by_data (self->element, self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->element);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (lq_eq_editor_parent_class)->dispose (object);
}

static void
lq_eq_editor_class_init (LqEqEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_eq_editor_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "eqeditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lq_eq_editor_init (LqEqEditor *self)
{
  self->shown_band = -1;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

/**
 * lq_eq_editor_new:
 * @element: an lqeq or lqstrip
 * @history: (nullable): where edits are recorded
 *
 * Returns: (transfer floating): the editor
 */
GtkWidget *
lq_eq_editor_new (LqChainElement *element,
                  LqHistory      *history)
{
  LqEqEditor *self;
  GtkWidget *row, *buttons, *label, *band_line;
  guint max_bands;
  GParamSpec *n;

  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), NULL);

  self = g_object_new (LQ_TYPE_EQ_EDITOR, NULL);
  self->element = g_object_ref (element);
  self->history = history != NULL ? g_object_ref (history) : NULL;
  self->strip = g_str_equal (lq_chain_element_get_factory (element), "lqstrip");

  self->graph = LQ_EQ_GRAPH (lq_eq_graph_new (element, history));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->graph));

  row = lq_param_row_new (element, history, self->strip ? "eq-num-bands" : "num-bands", _("Bands"));
  if (row != NULL)
    gtk_box_append (GTK_BOX (self->box), row);
  if (!self->strip && (row = lq_param_row_new (element, history, "linear-phase", _("Linear phase"))) != NULL)
    gtk_box_append (GTK_BOX (self->box), row);

  band_line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  label = gtk_label_new (_("Band"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_width_chars (GTK_LABEL (label), 10);
  gtk_box_append (GTK_BOX (band_line), label);
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (buttons, "linked");
  gtk_accessible_update_property (GTK_ACCESSIBLE (buttons), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Band"), -1);
  n = lq_chain_params_find (lq_chain_element_get_factory (element), self->strip ? "eq-num-bands" : "num-bands");
  max_bands = n != NULL && G_IS_PARAM_SPEC_UINT (n) ? MIN (G_PARAM_SPEC_UINT (n)->maximum, LQ_EQ_MAX_BANDS)
                                                     : LQ_EQ_MAX_BANDS;
  for (guint b = 0; b < max_bands; b++)
    {
      char number[4];
      g_autofree char *tooltip = NULL;
      GtkWidget *button;

      g_snprintf (number, sizeof number, "%u", b + 1);
      button = gtk_toggle_button_new_with_label (number);
      /* Translators: the button that shows the controls of one EQ band */
      tooltip = g_strdup_printf (_("Edit Band %u (key %u in the curve)"), b + 1, b + 1);
      gtk_widget_set_tooltip_text (button, tooltip);
      {
        g_autofree char *name = g_strdup_printf (_("Band %u"), b + 1);

        gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      }
      if (b > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), GTK_TOGGLE_BUTTON (self->band_buttons[0]));
      g_object_set_data (G_OBJECT (button), "band", GINT_TO_POINTER (b));
      g_signal_connect (button, "toggled", G_CALLBACK (band_button_toggled_cb), self);
      gtk_box_append (GTK_BOX (buttons), button);
      self->band_buttons[b] = button;
    }
  gtk_box_append (GTK_BOX (band_line), buttons);
  gtk_box_append (GTK_BOX (self->box), band_line);

  self->band_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (self->box), self->band_box);

  g_signal_connect_object (self->graph, "notify::selected-band", G_CALLBACK (selected_band_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (element, "changed", G_CALLBACK (element_changed_cb), self, G_CONNECT_SWAPPED);
  sync_buttons (self);
  return GTK_WIDGET (self);
}

/**
 * lq_eq_editor_get_graph:
 *
 * Returns: (transfer none): the curve
 */
LqEqGraph *
lq_eq_editor_get_graph (LqEqEditor *self)
{
  g_return_val_if_fail (LQ_IS_EQ_EDITOR (self), NULL);
  return self->graph;
}

void
lq_eq_editor_set_rate (LqEqEditor *self,
                       double      rate)
{
  g_return_if_fail (LQ_IS_EQ_EDITOR (self));
  lq_eq_graph_set_rate (self->graph, rate);
}
