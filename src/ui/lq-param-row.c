/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-param-row"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lq-chain-params.h"
#include "lq-param-row.h"

/*
 * One setting of a chain element as a row of controls, built from the element's GParamSpec:
 * numbers get a slider (logarithmic for frequencies, times, ratios and Q) and a spin button
 * for typing, integers a spin button (a pass's slope a list), booleans a switch, enums a list.
 * Every change goes into the model through LqHistory; a press-drag-release on a slider is one
 * history group, so a drag is one undo step. The row follows the model: undo, presets and
 * other views move it.
 */

typedef enum
{
  MAP_LINEAR, /* position = (v - min) / (max - min) */
  MAP_LOG,    /* position = log (v / min) / log (max / min) */
  MAP_LOG0,   /* from 0: v = max (1000^position - 1) / 999 */
} Mapping;

/* The passes' slopes in dB/oct, the values lqeq accepts. */
static const guint slopes[] = { 6, 12, 24, 36, 48 };

struct _LqParamRow
{
  GtkWidget parent_instance;

  LqChainElement *element; /* the element edited (a reference) */
  LqHistory *history;      /* where edits are recorded (a reference), or NULL */
  char *property;          /* the setting, "threshold" or "band0::gain" */
  char *label_text;        /* the setting's name for people */
  GParamSpec *pspec;       /* the setting's spec (owned by the prototype element's class) */
  Mapping mapping;         /* how the slider position maps to the value */
  double min, max;         /* the numeric range */
  gboolean updating;       /* the controls are being set from the model: do not write back */
  gboolean in_group;       /* a press on a control opened a history group */

  GtkWidget *label;        /* the setting's name */
  GtkWidget *scale;        /* numbers: the slider over a 0..1 position, or NULL */
  GtkWidget *spin;         /* numbers: the typed value, or NULL */
  GtkWidget *unit;         /* numbers: the unit, or NULL */
  GtkWidget *toggle;       /* booleans: a GtkSwitch, or NULL */
  GtkWidget *dropdown;     /* enums and slopes: the list, or NULL */
  guint n_choices;         /* dropdown: number of entries */
  int *choices;            /* dropdown: the value of each entry (enum value or slope) */
};

G_DEFINE_FINAL_TYPE (LqParamRow, lq_param_row, GTK_TYPE_WIDGET)

static double
position_to_value (LqParamRow *self,
                   double      p)
{
  p = CLAMP (p, 0.0, 1.0);
  switch (self->mapping)
    {
    case MAP_LOG:
      return self->min * pow (self->max / self->min, p);
    case MAP_LOG0:
      return self->max * (pow (1000.0, p) - 1.0) / 999.0;
    case MAP_LINEAR:
    default:
      return self->min + p * (self->max - self->min);
    }
}

static double
value_to_position (LqParamRow *self,
                   double      v)
{
  v = CLAMP (v, self->min, self->max);
  switch (self->mapping)
    {
    case MAP_LOG:
      return log (v / self->min) / log (self->max / self->min);
    case MAP_LOG0:
      return log10 (v / self->max * 999.0 + 1.0) / 3.0;
    case MAP_LINEAR:
    default:
      return self->max > self->min ? (v - self->min) / (self->max - self->min) : 0.0;
    }
}

static void
write_double (LqParamRow *self,
              double      value)
{
  lq_chain_params_set_double (self->history, self->element, self->property, value);
}

static void
begin_edit (LqParamRow *self)
{
  if (self->history == NULL || self->in_group)
    return;
  self->in_group = TRUE;
  lq_history_begin_group (self->history, self->label_text);
}

static void
end_edit (LqParamRow *self)
{
  if (!self->in_group)
    return;
  self->in_group = FALSE;
  lq_history_end_group (self->history);
  lq_history_stop_merging (self->history);
}

static gboolean
pointer_event_cb (GtkEventControllerLegacy *controller,
                  GdkEvent                 *event,
                  LqParamRow               *self)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
      begin_edit (self);
      break;
    case GDK_BUTTON_RELEASE:
    case GDK_TOUCH_END:
    case GDK_TOUCH_CANCEL:
    case GDK_GRAB_BROKEN:
      end_edit (self);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

/* A press on @widget opens a history group and the release closes it, so a drag is one step.
 * In the capture phase: the control's own gestures claim the events afterwards. */
static void
watch_presses (LqParamRow *self,
               GtkWidget  *widget)
{
  GtkEventController *legacy = gtk_event_controller_legacy_new ();

  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (pointer_event_cb), self);
  gtk_widget_add_controller (widget, legacy);
}

static void
scale_changed_cb (GtkAdjustment *adjustment,
                  LqParamRow    *self)
{
  if (self->updating)
    return;
  write_double (self, position_to_value (self, gtk_adjustment_get_value (adjustment)));
}

static void
spin_changed_cb (GtkSpinButton *spin,
                 LqParamRow    *self)
{
  if (self->updating)
    return;
  write_double (self, gtk_spin_button_get_value (spin));
}

static void
switch_changed_cb (GtkSwitch  *toggle,
                   GParamSpec *pspec,
                   LqParamRow *self)
{
  if (self->updating)
    return;
  write_double (self, gtk_switch_get_active (toggle) ? 1.0 : 0.0);
}

static void
dropdown_changed_cb (GtkDropDown *dropdown,
                     GParamSpec  *pspec,
                     LqParamRow  *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->updating || selected >= self->n_choices)
    return;
  write_double (self, self->choices[selected]);
}

static void
element_changed_cb (LqParamRow     *self,
                    const char     *property,
                    LqChainElement *element)
{
  if (g_strcmp0 (property, self->property) == 0)
    lq_param_row_update (self);
}

static void
set_accessible (GtkWidget  *widget,
                const char *label,
                const char *tooltip)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                  -1);
  gtk_widget_set_tooltip_text (widget, tooltip);
}

static char *
make_tooltip (LqParamRow *self)
{
  const char *blurb = g_param_spec_get_blurb (self->pspec);
  g_autofree char *lo = NULL, *hi = NULL;

  if (!G_IS_PARAM_SPEC_DOUBLE (self->pspec) && !G_IS_PARAM_SPEC_FLOAT (self->pspec)
      && !G_IS_PARAM_SPEC_INT (self->pspec) && !G_IS_PARAM_SPEC_UINT (self->pspec))
    return g_strdup (blurb != NULL ? blurb : self->label_text);
  lo = lq_chain_params_serialize_double (self->pspec, self->min);
  hi = lq_chain_params_serialize_double (self->pspec, self->max);
  /* Translators: a setting's description and its range, as in "Threshold in dBFS (-80 to 0)" */
  return g_strdup_printf (_("%s (%s to %s)"), blurb != NULL ? blurb : self->label_text, lo, hi);
}

static void
build_number (LqParamRow *self)
{
  guint digits = lq_chain_params_get_digits (self->pspec);
  double step = digits > 0 ? pow (10.0, -(double) digits) : 1.0;
  g_autofree char *tooltip = make_tooltip (self);
  GtkAdjustment *adjustment;
  const char *unit = lq_chain_params_get_unit (self->pspec);

  if (G_IS_PARAM_SPEC_DOUBLE (self->pspec) || G_IS_PARAM_SPEC_FLOAT (self->pspec))
    {
      if (lq_chain_params_is_log (self->pspec))
        self->mapping = MAP_LOG;
      else if (self->min == 0.0 && self->max >= 100.0)
        self->mapping = MAP_LOG0;
      else
        self->mapping = MAP_LINEAR;

      /* A slider only for a range a slider can show. */
      if (self->max - self->min <= 1e6)
        {
          adjustment = gtk_adjustment_new (0.0, 0.0, 1.0, 0.01, 0.1, 0.0);
          self->scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment);
          gtk_scale_set_draw_value (GTK_SCALE (self->scale), FALSE);
          gtk_widget_set_hexpand (self->scale, TRUE);
          gtk_widget_set_size_request (self->scale, 80, -1);
          set_accessible (self->scale, self->label_text, tooltip);
          g_signal_connect (adjustment, "value-changed", G_CALLBACK (scale_changed_cb), self);
          watch_presses (self, self->scale);
          gtk_widget_set_parent (self->scale, GTK_WIDGET (self));
        }
    }

  adjustment = gtk_adjustment_new (self->min, self->min, self->max, step, step * 10.0, 0.0);
  self->spin = gtk_spin_button_new (adjustment, step, digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (self->spin), TRUE);
  gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (self->spin), GTK_UPDATE_IF_VALID);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->spin), 6);
  gtk_widget_set_valign (self->spin, GTK_ALIGN_CENTER);
  if (self->scale == NULL)
    {
      gtk_widget_set_hexpand (self->spin, TRUE);
      gtk_widget_set_halign (self->spin, GTK_ALIGN_END);
    }
  set_accessible (self->spin, self->label_text, tooltip);
  g_signal_connect (self->spin, "value-changed", G_CALLBACK (spin_changed_cb), self);
  watch_presses (self, self->spin);
  gtk_widget_set_parent (self->spin, GTK_WIDGET (self));

  self->unit = gtk_label_new (unit);
  gtk_label_set_width_chars (GTK_LABEL (self->unit), 4);
  gtk_label_set_xalign (GTK_LABEL (self->unit), 0.0);
  gtk_widget_add_css_class (self->unit, "dim-label");
  gtk_widget_add_css_class (self->unit, "caption");
  gtk_widget_set_parent (self->unit, GTK_WIDGET (self));
}

static void
build_choices (LqParamRow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strings = NULL;
  const char *blurb = g_param_spec_get_blurb (self->pspec);

  if (G_IS_PARAM_SPEC_ENUM (self->pspec))
    {
      GEnumClass *klass = G_PARAM_SPEC_ENUM (self->pspec)->enum_class;

      self->n_choices = klass->n_values;
      self->choices = g_new0 (int, self->n_choices);
      for (guint i = 0; i < klass->n_values; i++)
        {
          self->choices[i] = klass->values[i].value;
          g_strv_builder_add (builder, klass->values[i].value_name);
        }
    }
  else
    {
      self->n_choices = G_N_ELEMENTS (slopes);
      self->choices = g_new0 (int, self->n_choices);
      for (guint i = 0; i < G_N_ELEMENTS (slopes); i++)
        {
          /* Translators: a filter slope, as in "24 dB/oct" */
          g_autofree char *s = g_strdup_printf (_("%u dB/oct"), slopes[i]);

          self->choices[i] = (int) slopes[i];
          g_strv_builder_add (builder, s);
        }
    }
  strings = g_strv_builder_end (builder);
  self->dropdown = gtk_drop_down_new_from_strings ((const char *const *) strings);
  gtk_widget_set_hexpand (self->dropdown, TRUE);
  gtk_widget_set_valign (self->dropdown, GTK_ALIGN_CENTER);
  set_accessible (self->dropdown, self->label_text, blurb != NULL ? blurb : self->label_text);
  g_signal_connect (self->dropdown, "notify::selected", G_CALLBACK (dropdown_changed_cb), self);
  gtk_widget_set_parent (self->dropdown, GTK_WIDGET (self));
}

static void
build (LqParamRow *self)
{
  GParamSpec *p = self->pspec;

  self->label = gtk_label_new (self->label_text);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0.0);
  gtk_label_set_width_chars (GTK_LABEL (self->label), 10);
  gtk_label_set_max_width_chars (GTK_LABEL (self->label), 14);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

  if (G_IS_PARAM_SPEC_DOUBLE (p))
    {
      self->min = G_PARAM_SPEC_DOUBLE (p)->minimum;
      self->max = G_PARAM_SPEC_DOUBLE (p)->maximum;
    }
  else if (G_IS_PARAM_SPEC_FLOAT (p))
    {
      self->min = G_PARAM_SPEC_FLOAT (p)->minimum;
      self->max = G_PARAM_SPEC_FLOAT (p)->maximum;
    }
  else if (G_IS_PARAM_SPEC_UINT (p))
    {
      self->min = G_PARAM_SPEC_UINT (p)->minimum;
      self->max = G_PARAM_SPEC_UINT (p)->maximum;
    }
  else if (G_IS_PARAM_SPEC_INT (p))
    {
      self->min = G_PARAM_SPEC_INT (p)->minimum;
      self->max = G_PARAM_SPEC_INT (p)->maximum;
    }

  if (G_IS_PARAM_SPEC_BOOLEAN (p))
    {
      const char *blurb = g_param_spec_get_blurb (p);

      self->toggle = gtk_switch_new ();
      gtk_widget_set_hexpand (self->toggle, TRUE);
      gtk_widget_set_halign (self->toggle, GTK_ALIGN_END);
      gtk_widget_set_valign (self->toggle, GTK_ALIGN_CENTER);
      set_accessible (self->toggle, self->label_text, blurb != NULL ? blurb : self->label_text);
      g_signal_connect (self->toggle, "notify::active", G_CALLBACK (switch_changed_cb), self);
      gtk_widget_set_parent (self->toggle, GTK_WIDGET (self));
    }
  else if (G_IS_PARAM_SPEC_ENUM (p)
           || (G_IS_PARAM_SPEC_UINT (p) && (g_str_equal (p->name, "slope") || g_str_has_suffix (p->name, "-slope"))))
    {
      build_choices (self);
    }
  else
    {
      build_number (self);
    }
  gtk_widget_set_tooltip_text (self->label, gtk_widget_get_tooltip_text (lq_param_row_get_control (self)));
}

/* A row that goes away in the middle of a press (its card collapses) closes its group. */
static void
lq_param_row_unmap (GtkWidget *widget)
{
  end_edit (LQ_PARAM_ROW (widget));
  GTK_WIDGET_CLASS (lq_param_row_parent_class)->unmap (widget);
}

static void
lq_param_row_dispose (GObject *object)
{
  LqParamRow *self = LQ_PARAM_ROW (object);
  GtkWidget *child;

  end_edit (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->element != NULL)
    g_signal_handlers_disconnect_by_data (self->element, self);
  g_clear_object (&self->element);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (lq_param_row_parent_class)->dispose (object);
}

static void
lq_param_row_finalize (GObject *object)
{
  LqParamRow *self = LQ_PARAM_ROW (object);

  g_free (self->property);
  g_free (self->label_text);
  g_free (self->choices);

  G_OBJECT_CLASS (lq_param_row_parent_class)->finalize (object);
}

static void
lq_param_row_class_init (LqParamRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_param_row_dispose;
  object_class->finalize = lq_param_row_finalize;
  widget_class->unmap = lq_param_row_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "paramrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lq_param_row_init (LqParamRow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
}

/**
 * lq_param_row_new:
 * @history: (nullable): where edits are recorded
 * @property: a setting of @element's factory ("ratio", "band0::gain")
 * @label: (nullable): the name shown, or %NULL for the element's own
 *
 * Returns: (transfer floating) (nullable): the row, or %NULL when the element has no such
 *   setting or it cannot be edited
 */
GtkWidget *
lq_param_row_new (LqChainElement *element,
                  LqHistory      *history,
                  const char     *property,
                  const char     *label)
{
  GParamSpec *pspec;
  LqParamRow *self;

  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (element), NULL);
  g_return_val_if_fail (history == NULL || LQ_IS_HISTORY (history), NULL);
  g_return_val_if_fail (property != NULL, NULL);

  pspec = lq_chain_params_find (lq_chain_element_get_factory (element), property);
  if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE) || !(pspec->flags & G_PARAM_READABLE))
    return NULL;

  self = g_object_new (LQ_TYPE_PARAM_ROW, NULL);
  self->element = g_object_ref (element);
  self->history = history != NULL ? g_object_ref (history) : NULL;
  self->property = g_strdup (property);
  self->pspec = pspec;
  self->label_text = label != NULL ? g_strdup (label) : g_strdup (g_param_spec_get_nick (pspec));
  build (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, self->label_text, -1);
  g_signal_connect_object (element, "changed", G_CALLBACK (element_changed_cb), self, G_CONNECT_SWAPPED);
  lq_param_row_update (self);
  return GTK_WIDGET (self);
}

const char *
lq_param_row_get_property_name (LqParamRow *self)
{
  g_return_val_if_fail (LQ_IS_PARAM_ROW (self), NULL);
  return self->property;
}

/**
 * lq_param_row_get_control:
 *
 * Returns: (transfer none): the main control: the slider of a number (its spin button when
 *   it has none), the switch of a boolean, the list of an enum
 */
GtkWidget *
lq_param_row_get_control (LqParamRow *self)
{
  g_return_val_if_fail (LQ_IS_PARAM_ROW (self), NULL);

  if (self->scale != NULL)
    return self->scale;
  if (self->spin != NULL)
    return self->spin;
  if (self->toggle != NULL)
    return self->toggle;
  return self->dropdown;
}

/**
 * lq_param_row_get_entry:
 *
 * Returns: (transfer none) (nullable): the spin button of a number
 */
GtkWidget *
lq_param_row_get_entry (LqParamRow *self)
{
  g_return_val_if_fail (LQ_IS_PARAM_ROW (self), NULL);
  return self->spin;
}

/**
 * lq_param_row_update:
 *
 * Sets the controls from the model.
 */
void
lq_param_row_update (LqParamRow *self)
{
  double value;

  g_return_if_fail (LQ_IS_PARAM_ROW (self));

  value = lq_chain_params_get_double (self->element, self->property);
  if (isnan (value))
    return;
  self->updating = TRUE;
  if (self->scale != NULL)
    gtk_range_set_value (GTK_RANGE (self->scale), value_to_position (self, value));
  if (self->spin != NULL)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->spin), value);
  if (self->toggle != NULL)
    gtk_switch_set_active (GTK_SWITCH (self->toggle), value != 0.0);
  if (self->dropdown != NULL)
    {
      guint best = 0;

      for (guint i = 0; i < self->n_choices; i++)
        if (fabs (self->choices[i] - value) < fabs (self->choices[best] - value))
          best = i;
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->dropdown), best);
    }
  self->updating = FALSE;
}
