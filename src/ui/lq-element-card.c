/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-element-card"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lq-chain-params.h"
#include "lq-element-card.h"
#include "lq-eq-editor.h"
#include "lq-gr-history.h"
#include "lq-param-row.h"
#include "lq-transfer-graph.h"

/*
 * One element of a chain as a card: a header with a drag handle, the expander, the element's
 * name and a one-line summary, the switch that bypasses it, its presets and a menu (move up,
 * move down, reset, remove); below, the element's editor, built on first expansion:
 *   lqeq          the interactive curve and the band controls (LqEqEditor)
 *   lqcompressor  the transfer curve with a gain-reduction meter, then every setting
 *   lqstrip       the EQ editor, the compressor's curve, then the strip's other settings
 *   lqlimiter     a gain-reduction history while playing, then every setting
 *   others        every setting, children ("band1::ratio") grouped per band
 * Every edit goes through LqHistory. With a live element (the one playing), the meters read
 * its `gain-reduction` once per frame.
 *
 * Without a chain (a stem's strip in the mixer) the card cannot be moved or removed.
 */

#define EXPANDED_KEY "lq-element-card-expanded"

struct _LqElementCard
{
  GtkWidget parent_instance;

  LqChainElement *element; /* the element shown (a reference) */
  LqChain *chain;          /* the chain it is in (a reference), or NULL */
  LqHistory *history;      /* where edits go (a reference), or NULL */
  double rate;             /* the stream's rate, for the EQ curve */
  GstElement *live;        /* the running element, for meters (a reference), or NULL */
  guint tick_id;           /* the meters' tick callback while there is a live element */
  gboolean built;          /* the editor has been built */
  gboolean updating;       /* the header is being set from the model */

  /* Template widgets */
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *drag_area;
  GtkWidget *handle;
  GtkWidget *expand_button;
  GtkWidget *title_label;
  GtkWidget *summary_label;
  GtkWidget *enable_switch;
  GtkWidget *presets_button;
  GtkWidget *menu_button;
  GtkWidget *revealer;
  GtkWidget *editor_box;

  /* The editor's parts, when built */
  GtkWidget *eq_editor;       /* LqEqEditor, or NULL */
  GtkWidget *transfer;        /* LqTransferGraph, or NULL */
  GtkWidget *gr_history;      /* LqGrHistory, or NULL */
  GPtrArray *band_sections;   /* per child band: its section (GtkWidget) */
  GPtrArray *band_meters;     /* per child band: a GtkLevelBar of its gain reduction, or NULL */
  GPtrArray *xover_rows;      /* the rows of "xover<N>", shown while band N + 1 is in use */
};

G_DEFINE_FINAL_TYPE (LqElementCard, lq_element_card, GTK_TYPE_WIDGET)

static const char *
factory (LqElementCard *self)
{
  return lq_chain_element_get_factory (self->element);
}

static gboolean
find_position (LqElementCard *self,
               guint         *position)
{
  if (self->chain == NULL)
    return FALSE;
  for (guint i = 0; i < lq_chain_get_n_elements (self->chain); i++)
    if (lq_chain_get_element (self->chain, i) == self->element)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

/* The number of bands in use of an element with band children, or G_MAXUINT. */
static guint
n_bands_in_use (LqElementCard *self)
{
  double n = lq_chain_params_get_double (self->element, "num-bands");

  return isnan (n) ? G_MAXUINT : (guint) n;
}

static char *
summary_text (LqElementCard *self)
{
  const char *f = factory (self);
  g_autofree char *text = NULL;
  double v;

  if (lq_chain_params_get_prototype (f) == NULL)
    return g_strdup (_("Not available in this version of Lacquer"));
  if (g_str_equal (f, "lqeq"))
    {
      guint n = n_bands_in_use (self);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u band", "%u bands", n), n);
      if (lq_chain_params_get_double (self->element, "linear-phase") != 0.0)
        {
          g_autofree char *with = g_strdup_printf (_("%s, linear phase"), text);

          g_free (text);
          text = g_steal_pointer (&with);
        }
    }
  else if (g_str_equal (f, "lqcompressor"))
    {
      /* Translators: a compressor's threshold and ratio, as in "-18.0 dB · 2.0:1" */
      text = g_strdup_printf (_("%.1f dB · %.1f:1"), lq_chain_params_get_double (self->element, "threshold"),
                              lq_chain_params_get_double (self->element, "ratio"));
    }
  else if (g_str_equal (f, "lqmultiband") || g_str_equal (f, "lqimager"))
    {
      guint n = n_bands_in_use (self);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u band", "%u bands", n), n);
    }
  else if (!isnan (v = lq_chain_params_get_double (self->element, "ceiling")))
    {
      /* Translators: a limiter's ceiling and its unit, as in "Ceiling -1.0 dBTP" */
      text = g_strdup_printf (_("Ceiling %.1f %s"), v,
                              lq_chain_params_get_unit (lq_chain_params_find (f, "ceiling")));
    }
  else if (!isnan (v = lq_chain_params_get_double (self->element, "bits")))
    {
      /* Translators: the dither's word length; it applies on export */
      text = g_strdup_printf (_("%.0f bits on export"), v);
    }
  if (lq_chain_element_get_bypass (self->element))
    {
      return text != NULL ? g_strdup_printf (_("Bypassed · %s"), text) : g_strdup (_("Bypassed"));
    }
  return g_steal_pointer (&text);
}

static void
update_header (LqElementCard *self)
{
  g_autofree char *summary = summary_text (self);

  self->updating = TRUE;
  gtk_switch_set_active (GTK_SWITCH (self->enable_switch), !lq_chain_element_get_bypass (self->element));
  self->updating = FALSE;
  gtk_label_set_label (GTK_LABEL (self->summary_label), summary != NULL ? summary : "");
  gtk_widget_set_visible (self->summary_label, summary != NULL);
}

static void
update_band_sections (LqElementCard *self)
{
  guint n = n_bands_in_use (self);

  if (self->xover_rows != NULL)
    for (guint i = 0; i < self->xover_rows->len; i++)
      {
        GtkWidget *row = g_ptr_array_index (self->xover_rows, i);
        guint index;

        if (sscanf (lq_param_row_get_property_name (LQ_PARAM_ROW (row)), "xover%u", &index) == 1)
          gtk_widget_set_visible (row, index + 1 < n);
      }
  if (self->band_sections == NULL)
    return;
  for (guint i = 0; i < self->band_sections->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (self->band_sections, i), i < n);
}

static void
element_changed_cb (LqElementCard  *self,
                    const char     *property,
                    LqChainElement *element)
{
  update_header (self);
  if (g_strcmp0 (property, "num-bands") == 0)
    update_band_sections (self);
}

/* ---- the editor ---- */

static GtkWidget *
section_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  return label;
}

/* Appends a row per setting in @names whose name passes: an own setting when @child is NULL,
 * else a setting of @child ("band1::..."). Returns how many. */
static guint
append_rows (LqElementCard *self,
             GtkWidget     *container,
             GPtrArray     *names,
             const char    *child,
             gboolean     (*skip) (const char *name))
{
  guint added = 0;
  gsize child_len = child != NULL ? strlen (child) : 0;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char *sep = strstr (name, "::");
      GtkWidget *row;

      if (child == NULL ? sep != NULL : (sep == NULL || (gsize) (sep - name) != child_len || strncmp (name, child, child_len) != 0))
        continue;
      if (skip != NULL && skip (name))
        continue;
      row = lq_param_row_new (self->element, self->history, name, NULL);
      if (row == NULL)
        continue;
      if (child != NULL)
        {
          /* The section says which band; screen readers get it in the name. */
          g_autofree char *label = lq_chain_params_get_label (self->element, name);
          GtkWidget *entry = lq_param_row_get_entry (LQ_PARAM_ROW (row));

          gtk_accessible_update_property (GTK_ACCESSIBLE (lq_param_row_get_control (LQ_PARAM_ROW (row))),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          if (entry != NULL)
            gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        }
      if (child == NULL && g_str_has_prefix (name, "xover"))
        {
          if (self->xover_rows == NULL)
            self->xover_rows = g_ptr_array_new ();
          g_ptr_array_add (self->xover_rows, row);
        }
      gtk_box_append (GTK_BOX (container), row);
      added++;
    }
  return added;
}

static gboolean
skip_strip_eq (const char *name)
{
  return g_str_has_prefix (name, "eq-band") || g_str_equal (name, "eq-num-bands") || g_str_has_prefix (name, "comp-");
}

static gboolean
skip_not_comp (const char *name)
{
  return !g_str_has_prefix (name, "comp-");
}

/* Child names ("band0", "band1", ...) in the order their settings are listed. */
static GPtrArray *
child_names (GPtrArray *names)
{
  GPtrArray *children = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char *sep = strstr (name, "::");
      g_autofree char *child = NULL;

      if (sep == NULL)
        continue;
      child = g_strndup (name, sep - name);
      if (!g_ptr_array_find_with_equal_func (children, child, g_str_equal, NULL))
        g_ptr_array_add (children, g_steal_pointer (&child));
    }
  return children;
}

static void
build_band_sections (LqElementCard *self,
                     GPtrArray     *names)
{
  g_autoptr(GPtrArray) children = child_names (names);
  gboolean meters = lq_chain_params_find (factory (self), "band0::gain-reduction") != NULL;

  self->band_sections = g_ptr_array_new ();
  self->band_meters = g_ptr_array_new ();
  for (guint i = 0; i < children->len; i++)
    {
      const char *child = g_ptr_array_index (children, i);
      GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *title = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *meter = NULL;
      guint band;
      g_autofree char *heading = NULL;

      if (sscanf (child, "band%u", &band) == 1)
        heading = g_strdup_printf (_("Band %u"), band + 1);
      else
        heading = g_strdup (child);
      gtk_box_append (GTK_BOX (title), section_label (heading));
      if (meters)
        {
          /* Translators: a band's gain-reduction meter, as in "Band 2 gain reduction" */
          g_autofree char *name = g_strdup_printf (_("%s gain reduction"), heading);

          meter = gtk_level_bar_new_for_interval (0.0, 24.0);
          gtk_level_bar_set_inverted (GTK_LEVEL_BAR (meter), FALSE);
          gtk_widget_set_hexpand (meter, TRUE);
          gtk_widget_set_valign (meter, GTK_ALIGN_CENTER);
          gtk_widget_set_margin_top (meter, 6);
          gtk_widget_set_tooltip_text (meter, name);
          gtk_accessible_update_property (GTK_ACCESSIBLE (meter), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (meter), GTK_LEVEL_BAR_OFFSET_LOW);
          gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (meter), GTK_LEVEL_BAR_OFFSET_HIGH);
          gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (meter), GTK_LEVEL_BAR_OFFSET_FULL);
          gtk_widget_set_visible (meter, self->live != NULL);
          gtk_box_append (GTK_BOX (title), meter);
        }
      gtk_box_append (GTK_BOX (section), title);
      append_rows (self, section, names, child, NULL);
      gtk_box_append (GTK_BOX (self->editor_box), section);
      g_ptr_array_add (self->band_sections, section);
      g_ptr_array_add (self->band_meters, meter);
    }
  update_band_sections (self);
}

static void
build_editor (LqElementCard *self)
{
  const char *f = factory (self);
  g_autoptr(GPtrArray) names = lq_chain_params_list (f);

  if (self->built)
    return;
  self->built = TRUE;

  if (lq_chain_params_get_prototype (f) == NULL)
    {
      GtkWidget *label = gtk_label_new (_("This processing is not available in this version of Lacquer. "
                                          "Its settings are kept; remove it or use a newer version."));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (self->editor_box), label);
      return;
    }

  if (g_str_equal (f, "lqeq"))
    {
      self->eq_editor = lq_eq_editor_new (self->element, self->history);
      lq_eq_editor_set_rate (LQ_EQ_EDITOR (self->eq_editor), self->rate);
      gtk_box_append (GTK_BOX (self->editor_box), self->eq_editor);
      return;
    }
  if (g_str_equal (f, "lqstrip"))
    {
      append_rows (self, self->editor_box, names, NULL, skip_strip_eq);
      gtk_box_append (GTK_BOX (self->editor_box), section_label (_("Equalizer")));
      self->eq_editor = lq_eq_editor_new (self->element, self->history);
      lq_eq_editor_set_rate (LQ_EQ_EDITOR (self->eq_editor), self->rate);
      gtk_box_append (GTK_BOX (self->editor_box), self->eq_editor);
      gtk_box_append (GTK_BOX (self->editor_box), section_label (_("Compressor")));
      self->transfer = lq_transfer_graph_new (self->element, "comp-");
      gtk_box_append (GTK_BOX (self->editor_box), self->transfer);
      append_rows (self, self->editor_box, names, NULL, skip_not_comp);
      return;
    }
  if (g_str_equal (f, "lqcompressor"))
    {
      self->transfer = lq_transfer_graph_new (self->element, NULL);
      gtk_box_append (GTK_BOX (self->editor_box), self->transfer);
    }
  if (lq_chain_params_find (f, "gain-reduction") != NULL && self->transfer == NULL
      && lq_chain_params_find (f, "ceiling") != NULL)
    {
      /* A limiter: its gain reduction over time, while playing. */
      self->gr_history = lq_gr_history_new ();
      gtk_widget_set_visible (self->gr_history, self->live != NULL);
      gtk_box_append (GTK_BOX (self->editor_box), self->gr_history);
    }
  if (g_str_equal (f, "lqdither"))
    {
      GtkWidget *label = gtk_label_new (_("Dither on export: reduces the word length with shaped noise "
                                          "instead of truncation. Keep it last in the master chain."));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (self->editor_box), label);
    }
  append_rows (self, self->editor_box, names, NULL, NULL);
  build_band_sections (self, names);
}

/* ---- live meters ---- */

static double
read_double (GObject    *object,
             const char *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  double value = NAN;

  if (pspec != NULL && pspec->value_type == G_TYPE_DOUBLE)
    g_object_get (object, property, &value, NULL);
  return value;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  LqElementCard *self = LQ_ELEMENT_CARD (widget);

  if (self->live == NULL || !self->built || !lq_element_card_get_expanded (self))
    return G_SOURCE_CONTINUE;
  if (self->transfer != NULL)
    lq_transfer_graph_set_gain_reduction (LQ_TRANSFER_GRAPH (self->transfer),
                                          read_double (G_OBJECT (self->live), "gain-reduction"));
  if (self->gr_history != NULL)
    lq_gr_history_push (LQ_GR_HISTORY (self->gr_history), read_double (G_OBJECT (self->live), "gain-reduction"));
  if (self->band_meters != NULL && GST_IS_CHILD_PROXY (self->live))
    for (guint i = 0; i < self->band_meters->len; i++)
      {
        GtkWidget *meter = g_ptr_array_index (self->band_meters, i);
        g_autoptr(GObject) child = NULL;

        if (meter == NULL || !gtk_widget_get_visible (gtk_widget_get_parent (gtk_widget_get_parent (meter))))
          continue;
        child = gst_child_proxy_get_child_by_index (GST_CHILD_PROXY (self->live), i);
        if (child != NULL)
          {
            double gr = read_double (child, "gain-reduction");

            gtk_level_bar_set_value (GTK_LEVEL_BAR (meter), isnan (gr) ? 0.0 : CLAMP (gr, 0.0, 24.0));
          }
      }
  return G_SOURCE_CONTINUE;
}

/* ---- drag and drop ---- */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 LqElementCard *self)
{
  if (self->chain == NULL)
    return NULL;
  return gdk_content_provider_new_typed (LQ_TYPE_CHAIN_ELEMENT, self->element);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               LqElementCard *self)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (self->header);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         LqElementCard *self)
{
  LqChainElement *dropped;
  guint from = 0, at = 0, to, n;
  gboolean after;

  if (self->chain == NULL || !G_VALUE_HOLDS (value, LQ_TYPE_CHAIN_ELEMENT))
    return FALSE;
  dropped = g_value_get_object (value);
  if (dropped == NULL || dropped == self->element || !find_position (self, &at))
    return FALSE;
  n = lq_chain_get_n_elements (self->chain);
  for (from = 0; from < n && lq_chain_get_element (self->chain, from) != dropped; from++)
    ;
  if (from == n)
    return FALSE; /* from another chain */
  after = y > gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
  /* The position counted once the element has been taken out. */
  to = at + (after ? 1 : 0) - (from < at ? 1 : 0);
  to = MIN (to, n - 1);
  if (to == from)
    return FALSE;
  g_object_ref (self);
  if (self->history != NULL)
    lq_history_chain_move (self->history, self->chain, from, to, NULL);
  else
    lq_chain_move (self->chain, from, to);
  g_object_unref (self);
  return TRUE;
}

/* ---- actions ---- */

static void
move_by (LqElementCard *self,
         int            delta)
{
  guint position, n;

  if (!find_position (self, &position))
    return;
  n = lq_chain_get_n_elements (self->chain);
  if ((delta < 0 && position == 0) || (delta > 0 && position + 1 >= n))
    return;
  g_object_ref (self);
  if (self->history != NULL)
    lq_history_chain_move (self->history, self->chain, position, position + delta, NULL);
  else
    lq_chain_move (self->chain, position, position + delta);
  g_object_unref (self);
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  move_by (LQ_ELEMENT_CARD (widget), -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  move_by (LQ_ELEMENT_CARD (widget), 1);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LqElementCard *self = LQ_ELEMENT_CARD (widget);
  guint position;

  if (!find_position (self, &position))
    return;
  g_object_ref (self);
  if (self->history != NULL)
    {
      g_autofree char *title = lq_chain_params_get_title (factory (self));
      /* Translators: an undo step, as in "Undo Remove Compressor" */
      g_autofree char *label = g_strdup_printf (_("Remove %s"), title);

      lq_history_chain_remove (self->history, self->chain, position, label);
    }
  else
    {
      lq_chain_remove (self->chain, position);
    }
  g_object_unref (self);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LqElementCard *self = LQ_ELEMENT_CARD (widget);

  lq_chain_params_reset (self->history, self->element);
}

static void
preset_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LqElementCard *self = LQ_ELEMENT_CARD (widget);

  lq_chain_presets_apply (self->history, self->element, g_variant_get_string (parameter, NULL));
}

static void
toggle_bypass_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  LqElementCard *self = LQ_ELEMENT_CARD (widget);
  gboolean bypass = !lq_chain_element_get_bypass (self->element);

  if (self->history != NULL)
    lq_history_chain_element_set_bypass (self->history, self->element, bypass, NULL);
  else
    lq_chain_element_set_bypass (self->element, bypass);
}

static void
toggle_expanded_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  LqElementCard *self = LQ_ELEMENT_CARD (widget);

  lq_element_card_set_expanded (self, !lq_element_card_get_expanded (self));
}

/* ---- header callbacks ---- */

static void
enable_switch_cb (LqElementCard *self)
{
  gboolean bypass;

  if (self->updating)
    return;
  bypass = !gtk_switch_get_active (GTK_SWITCH (self->enable_switch));
  if (self->history != NULL)
    lq_history_chain_element_set_bypass (self->history, self->element, bypass, NULL);
  else
    lq_chain_element_set_bypass (self->element, bypass);
}

static void
expand_toggled_cb (LqElementCard *self)
{
  gboolean expanded = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->expand_button));

  if (expanded)
    build_editor (self);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->revealer), expanded);
  gtk_button_set_icon_name (GTK_BUTTON (self->expand_button), expanded ? "pan-down-symbolic" : "pan-end-symbolic");
  gtk_widget_set_tooltip_text (self->expand_button, expanded ? _("Hide Settings") : _("Show Settings"));
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->expand_button), GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
  g_object_set_data (G_OBJECT (self->element), EXPANDED_KEY, GINT_TO_POINTER (expanded));
}

/* ---- GObject ---- */

/* The card itself takes no focus: its expander does. */
static gboolean
lq_element_card_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (LQ_ELEMENT_CARD (widget)->expand_button);
}

static void
lq_element_card_dispose (GObject *object)
{
  LqElementCard *self = LQ_ELEMENT_CARD (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->element != NULL)
    g_signal_handlers_disconnect_by_data (self->element, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_ELEMENT_CARD);
  g_clear_pointer (&self->band_sections, g_ptr_array_unref);
  g_clear_pointer (&self->band_meters, g_ptr_array_unref);
  g_clear_pointer (&self->xover_rows, g_ptr_array_unref);
  g_clear_object (&self->live);
  g_clear_object (&self->element);
  g_clear_object (&self->chain);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (lq_element_card_parent_class)->dispose (object);
}

static void
lq_element_card_class_init (LqElementCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_element_card_dispose;
  widget_class->grab_focus = lq_element_card_grab_focus;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lacquer/Lacquer/lq-element-card.ui");
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, box);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, header);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, drag_area);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, handle);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, expand_button);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, summary_label);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, enable_switch);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, presets_button);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, revealer);
  gtk_widget_class_bind_template_child (widget_class, LqElementCard, editor_box);

  gtk_widget_class_install_action (widget_class, "card.move-up", NULL, move_up_action);
  gtk_widget_class_install_action (widget_class, "card.move-down", NULL, move_down_action);
  gtk_widget_class_install_action (widget_class, "card.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "card.reset", NULL, reset_action);
  gtk_widget_class_install_action (widget_class, "card.preset", "s", preset_action);
  gtk_widget_class_install_action (widget_class, "card.toggle-bypass", NULL, toggle_bypass_action);
  gtk_widget_class_install_action (widget_class, "card.toggle-expanded", NULL, toggle_expanded_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "card.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "card.move-down", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "elementcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lq_element_card_init (LqElementCard *self)
{
  GtkDragSource *source;
  GtkDropTarget *target;

  self->rate = 48000.0;
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->enable_switch, "notify::active", G_CALLBACK (enable_switch_cb), self);
  g_signal_connect_swapped (self->expand_button, "toggled", G_CALLBACK (expand_toggled_cb), self);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  gtk_widget_add_controller (self->drag_area, GTK_EVENT_CONTROLLER (source));

  target = gtk_drop_target_new (LQ_TYPE_CHAIN_ELEMENT, GDK_ACTION_MOVE);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/**
 * lq_element_card_new:
 * @chain: (nullable): the chain @element is in; without one the card cannot move or remove it
 * @history: (nullable): where edits are recorded
 *
 * Returns: (transfer floating): the card
 */
GtkWidget *
lq_element_card_new (LqChainElement *element,
                     LqChain        *chain,
                     LqHistory      *history)
{
  LqElementCard *self;
  g_autofree char *title = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *use = NULL;
  g_auto(GStrv) presets = NULL;

  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), NULL);
  g_return_val_if_fail (chain == NULL || LQ_IS_CHAIN (chain), NULL);
  g_return_val_if_fail (history == NULL || LQ_IS_HISTORY (history), NULL);

  self = g_object_new (LQ_TYPE_ELEMENT_CARD, NULL);
  self->element = g_object_ref (element);
  self->chain = chain != NULL ? g_object_ref (chain) : NULL;
  self->history = history != NULL ? g_object_ref (history) : NULL;

  title = lq_chain_params_get_title (lq_chain_element_get_factory (element));
  gtk_label_set_label (GTK_LABEL (self->title_label), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  /* Translators: the switch in a chain element's header, as in "Use Compressor" */
  use = g_strdup_printf (_("Use %s"), title);
  /* Translators: its tooltip */
  tooltip = g_strdup_printf (_("Turn off to bypass the %s"), title);
  gtk_widget_set_tooltip_text (self->enable_switch, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->enable_switch), GTK_ACCESSIBLE_PROPERTY_LABEL, use,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
  {
    /* Translators: the expander of a chain element, as in "Compressor Settings" */
    g_autofree char *settings = g_strdup_printf (_("%s Settings"), title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->expand_button), GTK_ACCESSIBLE_PROPERTY_LABEL, settings, -1);
  }

  presets = lq_chain_presets_list (lq_chain_element_get_factory (element));
  if (presets[0] != NULL)
    {
      g_autoptr(GMenu) menu = g_menu_new ();

      for (guint i = 0; presets[i] != NULL; i++)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (presets[i], NULL);

          g_menu_item_set_action_and_target_value (item, "card.preset", g_variant_new_string (presets[i]));
          g_menu_append_item (menu, item);
        }
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->presets_button), G_MENU_MODEL (menu));
    }
  else
    {
      gtk_widget_set_visible (self->presets_button, FALSE);
    }

  gtk_widget_set_visible (self->handle, chain != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.remove", chain != NULL);
  g_signal_connect_object (element, "changed", G_CALLBACK (element_changed_cb), self, G_CONNECT_SWAPPED);
  update_header (self);
  lq_element_card_update_position (self);
  if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (element), EXPANDED_KEY)))
    lq_element_card_set_expanded (self, TRUE);
  return GTK_WIDGET (self);
}

/**
 * lq_element_card_get_element:
 *
 * Returns: (transfer none): the element shown
 */
LqChainElement *
lq_element_card_get_element (LqElementCard *self)
{
  g_return_val_if_fail (LQ_IS_ELEMENT_CARD (self), NULL);
  return self->element;
}

gboolean
lq_element_card_get_expanded (LqElementCard *self)
{
  g_return_val_if_fail (LQ_IS_ELEMENT_CARD (self), FALSE);
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->expand_button));
}

/**
 * lq_element_card_set_expanded:
 *
 * Shows or hides the editor (built the first time it shows).
 */
void
lq_element_card_set_expanded (LqElementCard *self,
                              gboolean       expanded)
{
  g_return_if_fail (LQ_IS_ELEMENT_CARD (self));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->expand_button), expanded);
}

void
lq_element_card_set_rate (LqElementCard *self,
                          double         rate)
{
  g_return_if_fail (LQ_IS_ELEMENT_CARD (self));

  self->rate = rate;
  if (self->eq_editor != NULL)
    lq_eq_editor_set_rate (LQ_EQ_EDITOR (self->eq_editor), rate);
}

/**
 * lq_element_card_set_live_element:
 * @live: (nullable): the element running this card's settings, for the meters
 */
void
lq_element_card_set_live_element (LqElementCard *self,
                                  GstElement    *live)
{
  g_return_if_fail (LQ_IS_ELEMENT_CARD (self));
  g_return_if_fail (live == NULL || GST_IS_ELEMENT (live));

  if (!g_set_object (&self->live, live))
    return;
  if (live != NULL && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  else if (live == NULL && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->transfer != NULL && live == NULL)
    lq_transfer_graph_set_gain_reduction (LQ_TRANSFER_GRAPH (self->transfer), NAN);
  if (self->gr_history != NULL)
    {
      gtk_widget_set_visible (self->gr_history, live != NULL);
      lq_gr_history_clear (LQ_GR_HISTORY (self->gr_history));
    }
  if (self->band_meters != NULL)
    for (guint i = 0; i < self->band_meters->len; i++)
      if (g_ptr_array_index (self->band_meters, i) != NULL)
        gtk_widget_set_visible (g_ptr_array_index (self->band_meters, i), live != NULL);
}

/**
 * lq_element_card_update_position:
 *
 * Enables moving up and down as the element's place in the chain allows (the chain panel
 * calls it when the chain changes).
 */
void
lq_element_card_update_position (LqElementCard *self)
{
  guint position = 0;
  gboolean found;

  g_return_if_fail (LQ_IS_ELEMENT_CARD (self));

  found = find_position (self, &position);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.move-up", found && position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.move-down",
                                 found && position + 1 < lq_chain_get_n_elements (self->chain));
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *property)
{
  if (LQ_IS_PARAM_ROW (root) && g_strcmp0 (lq_param_row_get_property_name (LQ_PARAM_ROW (root)), property) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, property);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * lq_element_card_find_row:
 *
 * Returns: (transfer none) (nullable): the LqParamRow editing @property, once the editor is
 *   built (the EQ shows only the selected band's rows)
 */
GtkWidget *
lq_element_card_find_row (LqElementCard *self,
                          const char    *property)
{
  g_return_val_if_fail (LQ_IS_ELEMENT_CARD (self), NULL);
  return find_row (self->editor_box, property);
}
