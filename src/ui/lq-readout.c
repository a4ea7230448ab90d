/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-readout"

#include "config.h"

#include "lq-readout.h"

struct _LqReadout
{
  GtkWidget parent_instance;

  char *text;        /* shown */
  int width_chars;   /* the width asked for, in digits */
  float xalign;      /* 0 left .. 1 right */
  int sized_width;   /* the width last measured, px: a longer text asks for a new layout */
};

G_DEFINE_FINAL_TYPE (LqReadout, lq_readout, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TEXT,
  PROP_WIDTH_CHARS,
  PROP_XALIGN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static PangoLayout *
make_layout (LqReadout  *self,
             const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  /* Tabular digits: the text does not wobble as they change */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static int
text_width (LqReadout  *self,
            const char *text)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static void
lq_readout_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  LqReadout *self = LQ_READOUT (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      g_autofree char *digits = g_strnfill (MAX (self->width_chars, 0), '0');

      self->sized_width = MAX (text_width (self, digits), text_width (self, self->text));
      *minimum = *natural = self->sized_width;
    }
  else
    {
      g_autoptr(PangoLayout) layout = make_layout (self, self->text);
      int height;

      pango_layout_get_pixel_size (layout, NULL, &height);
      *minimum = *natural = height;
      *minimum_baseline = *natural_baseline = pango_layout_get_baseline (layout) / PANGO_SCALE;
    }
}

static void
lq_readout_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  LqReadout *self = LQ_READOUT (widget);
  g_autoptr(PangoLayout) layout = make_layout (self, self->text);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width, height, x, y;
  GdkRGBA color;

  gtk_style_context_get_color (style, &color);
  pango_layout_get_pixel_size (layout, &width, &height);
  x = (int) ((gtk_widget_get_width (widget) - width) * self->xalign);
  y = (gtk_widget_get_height (widget) - height) / 2;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
lq_readout_finalize (GObject *object)
{
  LqReadout *self = LQ_READOUT (object);

  g_free (self->text);
  G_OBJECT_CLASS (lq_readout_parent_class)->finalize (object);
}

static void
lq_readout_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LqReadout *self = LQ_READOUT (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_WIDTH_CHARS:
      g_value_set_int (value, self->width_chars);
      break;
    case PROP_XALIGN:
      g_value_set_float (value, self->xalign);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_readout_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LqReadout *self = LQ_READOUT (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      lq_readout_set_text (self, g_value_get_string (value));
      break;
    case PROP_WIDTH_CHARS:
      self->width_chars = g_value_get_int (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_XALIGN:
      self->xalign = g_value_get_float (value);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_readout_class_init (LqReadoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lq_readout_finalize;
  object_class->get_property = lq_readout_get_property;
  object_class->set_property = lq_readout_set_property;
  widget_class->measure = lq_readout_measure;
  widget_class->snapshot = lq_readout_snapshot;

  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "", rw);
  properties[PROP_WIDTH_CHARS] = g_param_spec_int ("width-chars", NULL, NULL, 0, 64, 0, rw);
  properties[PROP_XALIGN] = g_param_spec_float ("xalign", NULL, NULL, 0.0f, 1.0f, 0.0f, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
lq_readout_init (LqReadout *self)
{
  self->text = g_strdup ("");
}

GtkWidget *
lq_readout_new (void)
{
  return g_object_new (LQ_TYPE_READOUT, NULL);
}

/**
 * lq_readout_set_text:
 *
 * Shows @text: a redraw only, unless it is wider than the widget was sized for.
 */
void
lq_readout_set_text (LqReadout  *self,
                     const char *text)
{
  g_return_if_fail (LQ_IS_READOUT (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, self->text, -1);
  if (text_width (self, self->text) > self->sized_width)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
lq_readout_get_text (LqReadout *self)
{
  g_return_val_if_fail (LQ_IS_READOUT (self), NULL);
  return self->text;
}
