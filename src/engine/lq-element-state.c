/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-element-state"

#include "config.h"

#include <math.h>

#include <gst/base/gstbasetransform.h>

#include "lq-element-state.h"

static gboolean
reads_back (const char *text,
            double      d,
            gboolean    is_float)
{
  double back = g_ascii_strtod (text, NULL);

  return is_float ? (float) back == (float) d : back == d;
}

/* The shortest text that reads back as exactly @d (or as the same float when @is_float):
 * fixed-point when it takes no more than 17 decimals ("150", "0.1", "-1.5"), else "%.Ng". */
static char *
format_real (double   d,
             gboolean is_float)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 24];
  char format[8];

  if (fabs (d) < 1e15)
    for (int decimals = 0; decimals <= 17; decimals++)
      {
        g_snprintf (format, sizeof format, "%%.%df", decimals);
        g_ascii_formatd (buf, sizeof buf, format, d);
        if (reads_back (buf, d, is_float))
          return g_strdup (buf);
      }
  for (int digits = 1; digits <= 17; digits++)
    {
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (reads_back (buf, d, is_float))
        break;
    }
  return g_strdup (buf);
}

/**
 * lq_element_state_format:
 *
 * Returns: (transfer full) (nullable): @value as LqChainElement stores it, or %NULL for a type
 *   a chain does not store (objects, boxed values)
 */
char *
lq_element_state_format (const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);
      GEnumValue *e = g_enum_get_value (klass, g_value_get_enum (value));
      return e != NULL ? g_strdup (e->value_nick) : NULL;
    }
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (g_value_get_boolean (value) ? "true" : "false");
    case G_TYPE_INT:
      return g_strdup_printf ("%d", g_value_get_int (value));
    case G_TYPE_UINT:
      return g_strdup_printf ("%u", g_value_get_uint (value));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
    case G_TYPE_UINT64:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (value));
    case G_TYPE_DOUBLE:
      return format_real (g_value_get_double (value), FALSE);
    case G_TYPE_FLOAT:
      return format_real (g_value_get_float (value), TRUE);
    case G_TYPE_STRING:
      return g_value_dup_string (value);
    default:
      return NULL;
    }
}

static gboolean
is_setting (GParamSpec *pspec,
            gboolean    top_level)
{
  if ((pspec->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE || (pspec->flags & G_PARAM_CONSTRUCT_ONLY))
    return FALSE;
  if (pspec->owner_type == GST_TYPE_OBJECT || pspec->owner_type == GST_TYPE_ELEMENT
      || pspec->owner_type == GST_TYPE_BASE_TRANSFORM || pspec->owner_type == G_TYPE_OBJECT)
    return FALSE;
  return !(top_level && g_str_equal (pspec->name, "bypass"));
}

static void
foreach_property (GObject            *object,
                  const char         *prefix,
                  LqElementStateFunc  func,
                  gpointer            user_data)
{
  guint n_specs;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_specs);

  /* num-bands first, as LqChainElement applies it: it decides what the other settings address. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n_specs; i++)
      {
        GValue value = G_VALUE_INIT;
        g_autofree char *text = NULL;
        g_autofree char *name = NULL;
        gboolean first = g_str_has_suffix (specs[i]->name, "num-bands");

        if (first != (pass == 0) || !is_setting (specs[i], prefix == NULL))
          continue;
        g_value_init (&value, specs[i]->value_type);
        g_object_get_property (object, specs[i]->name, &value);
        text = lq_element_state_format (&value);
        g_value_unset (&value);
        if (text == NULL)
          continue;
        name = prefix != NULL ? g_strconcat (prefix, "::", specs[i]->name, NULL) : g_strdup (specs[i]->name);
        func (name, text, user_data);
      }
}

/**
 * lq_element_state_foreach:
 *
 * Calls @func with each setting of @element and its current value.
 */
void
lq_element_state_foreach (GstElement         *element,
                          LqElementStateFunc  func,
                          gpointer            user_data)
{
  g_return_if_fail (GST_IS_ELEMENT (element));
  g_return_if_fail (func != NULL);

  foreach_property (G_OBJECT (element), NULL, func, user_data);
  if (!GST_IS_CHILD_PROXY (element))
    return;
  for (guint i = 0; i < gst_child_proxy_get_children_count (GST_CHILD_PROXY (element)); i++)
    {
      g_autoptr(GObject) child = gst_child_proxy_get_child_by_index (GST_CHILD_PROXY (element), i);
      g_autofree char *child_name = NULL;

      if (child == NULL)
        continue;
      child_name = GST_IS_OBJECT (child) ? gst_object_get_name (GST_OBJECT (child)) : g_strdup_printf ("band%u", i);
      foreach_property (child, child_name, func, user_data);
    }
}
