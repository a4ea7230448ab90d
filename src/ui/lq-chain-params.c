/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-chain-params"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lq-chain-params.h"

#define PRESETS_RESOURCE "/io/github/lacquer/Lacquer/lq-chain-presets.json"

/* Factory name -> a prototype GstElement (a reference), or NULL when the factory is missing.
 * Main thread only; kept for the life of the process. */
static GHashTable *prototypes;
/* The parsed preset resource (a JSON object keyed by factory), loaded on first use. */
static JsonNode *presets_root;

/**
 * lq_chain_params_get_prototype:
 *
 * Returns: (transfer none) (nullable): an instance of @factory that is only ever read, or
 *   %NULL when the element is not available
 */
GstElement *
lq_chain_params_get_prototype (const char *factory)
{
  GstElement *element;

  g_return_val_if_fail (factory != NULL, NULL);

  if (prototypes == NULL)
    prototypes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) gst_object_unref);
  if (g_hash_table_lookup_extended (prototypes, factory, NULL, (gpointer *) &element))
    return element;
  element = gst_element_factory_make (factory, NULL);
  if (element != NULL)
    gst_object_ref_sink (element);
  g_hash_table_insert (prototypes, g_strdup (factory), element);
  return element;
}

/**
 * lq_chain_params_find:
 * @property: a property of the element, or of one of its children ("band0::gain")
 *
 * Returns: (transfer none) (nullable): the property's GParamSpec
 */
GParamSpec *
lq_chain_params_find (const char *factory,
                      const char *property)
{
  GstElement *proto = lq_chain_params_get_prototype (factory);
  g_autoptr(GObject) target = NULL;
  GParamSpec *pspec = NULL;

  if (proto == NULL || property == NULL)
    return NULL;
  if (strstr (property, "::") == NULL)
    return g_object_class_find_property (G_OBJECT_GET_CLASS (proto), property);
  if (!GST_IS_CHILD_PROXY (proto)
      || !gst_child_proxy_lookup (GST_CHILD_PROXY (proto), property, &target, &pspec))
    return NULL;
  return pspec;
}

/**
 * lq_chain_params_is_editable:
 *
 * Returns: whether an editor shows @pspec: readable and writable settings of the element
 *   itself, not GStreamer's bookkeeping (name, parent, qos) nor the bypass, which every card
 *   has in its header.
 */
gboolean
lq_chain_params_is_editable (GParamSpec *pspec)
{
  static const char *const skip[] = { "name", "parent", "qos", "bypass", NULL };

  if ((pspec->flags & (G_PARAM_READABLE | G_PARAM_WRITABLE)) != (G_PARAM_READABLE | G_PARAM_WRITABLE))
    return FALSE;
  if (pspec->flags & (G_PARAM_CONSTRUCT_ONLY | G_PARAM_DEPRECATED))
    return FALSE;
  if (g_strv_contains (skip, pspec->name))
    return FALSE;
  return G_IS_PARAM_SPEC_DOUBLE (pspec) || G_IS_PARAM_SPEC_FLOAT (pspec) || G_IS_PARAM_SPEC_INT (pspec)
         || G_IS_PARAM_SPEC_UINT (pspec) || G_IS_PARAM_SPEC_BOOLEAN (pspec) || G_IS_PARAM_SPEC_ENUM (pspec);
}

static void
list_object_properties (GPtrArray  *names,
                        GObject    *object,
                        const char *prefix)
{
  guint n;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);

  for (guint i = 0; i < n; i++)
    {
      /* Bands of a child proxy have a "bypass" of their own: that one is a setting. */
      if (!lq_chain_params_is_editable (pspecs[i])
          && !(prefix != NULL && g_str_equal (pspecs[i]->name, "bypass")
               && (pspecs[i]->flags & G_PARAM_WRITABLE)))
        continue;
      if (prefix != NULL)
        g_ptr_array_add (names, g_strconcat (prefix, "::", pspecs[i]->name, NULL));
      else
        g_ptr_array_add (names, g_strdup (pspecs[i]->name));
    }
}

/**
 * lq_chain_params_list:
 *
 * Returns: (transfer full) (element-type utf8): the names of @factory's editable settings,
 *   the element's own first, then its children's ("band0::gain", ...); empty when the
 *   element is not available
 */
GPtrArray *
lq_chain_params_list (const char *factory)
{
  GstElement *proto = lq_chain_params_get_prototype (factory);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  if (proto == NULL)
    return names;
  list_object_properties (names, G_OBJECT (proto), NULL);
  if (GST_IS_CHILD_PROXY (proto))
    {
      guint n = gst_child_proxy_get_children_count (GST_CHILD_PROXY (proto));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GObject) child = gst_child_proxy_get_child_by_index (GST_CHILD_PROXY (proto), i);
          g_autofree char *name = NULL;

          if (child == NULL)
            continue;
          if (GST_IS_OBJECT (child))
            name = gst_object_get_name (GST_OBJECT (child));
          else
            name = g_strdup_printf ("child%u", i);
          list_object_properties (names, child, name);
        }
    }
  return names;
}

/**
 * lq_chain_params_get_value:
 * @value: an uninitialized GValue, set to the setting's type
 *
 * Reads a setting of @element: its stored value, or the element's default when it keeps it
 * (or when the stored string does not parse).
 *
 * Returns: %FALSE when the element has no such setting (@value is left unset)
 */
gboolean
lq_chain_params_get_value (LqChainElement *element,
                           const char     *property,
                           GValue         *value)
{
  GParamSpec *pspec = lq_chain_params_find (lq_chain_element_get_factory (element), property);
  const char *stored;

  if (pspec == NULL)
    return FALSE;
  g_value_init (value, pspec->value_type);
  stored = lq_chain_element_get (element, property);
  if (stored == NULL || !gst_value_deserialize_with_pspec (value, stored, pspec))
    g_param_value_set_default (pspec, value);
  return TRUE;
}

/**
 * lq_chain_params_get_double:
 *
 * Returns: a numeric setting as a double (enums as their value, booleans as 0 or 1); NAN when
 *   the element has no such setting
 */
double
lq_chain_params_get_double (LqChainElement *element,
                            const char     *property)
{
  g_auto(GValue) value = G_VALUE_INIT;

  if (!lq_chain_params_get_value (element, property, &value))
    return NAN;
  if (G_VALUE_HOLDS_DOUBLE (&value))
    return g_value_get_double (&value);
  if (G_VALUE_HOLDS_FLOAT (&value))
    return g_value_get_float (&value);
  if (G_VALUE_HOLDS_INT (&value))
    return g_value_get_int (&value);
  if (G_VALUE_HOLDS_UINT (&value))
    return g_value_get_uint (&value);
  if (G_VALUE_HOLDS_BOOLEAN (&value))
    return g_value_get_boolean (&value) ? 1.0 : 0.0;
  if (G_VALUE_HOLDS_ENUM (&value))
    return g_value_get_enum (&value);
  return NAN;
}

/**
 * lq_chain_params_get_digits:
 *
 * Returns: the decimals a number of @pspec's range is shown and stored with
 */
guint
lq_chain_params_get_digits (GParamSpec *pspec)
{
  double span;

  if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    span = G_PARAM_SPEC_DOUBLE (pspec)->maximum - G_PARAM_SPEC_DOUBLE (pspec)->minimum;
  else if (G_IS_PARAM_SPEC_FLOAT (pspec))
    span = G_PARAM_SPEC_FLOAT (pspec)->maximum - G_PARAM_SPEC_FLOAT (pspec)->minimum;
  else
    return 0;
  if (span >= 500.0)
    return 0;
  if (span >= 50.0)
    return 1;
  return 2;
}

/**
 * lq_chain_params_get_unit:
 *
 * Returns: the unit of a number, read from the property's description ("dB", "Hz", "ms"...),
 *   or ""
 */
const char *
lq_chain_params_get_unit (GParamSpec *pspec)
{
  static const struct { const char *needle; const char *unit; } units[] = {
    { "dB/oct", "dB/oct" },
    { "dBTP", "dBTP" },
    { "dBFS", "dBFS" },
    { "in dB", "dB" },
    { "in Hz", "Hz" },
    { " Hz", "Hz" },
    { "in ms", "ms" },
    { "(N:1)", ":1" },
    { "bits", "bits" },
  };
  const char *blurb = g_param_spec_get_blurb (pspec);

  if (blurb == NULL)
    return "";
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strstr (blurb, units[i].needle) != NULL)
      return units[i].unit;
  return "";
}

/**
 * lq_chain_params_is_log:
 *
 * Returns: whether a slider for @pspec should be logarithmic: a positive range over more than
 *   a decade and a half (frequencies, times, ratios, Q)
 */
gboolean
lq_chain_params_is_log (GParamSpec *pspec)
{
  if (!G_IS_PARAM_SPEC_DOUBLE (pspec))
    return FALSE;
  return G_PARAM_SPEC_DOUBLE (pspec)->minimum > 0.0
         && G_PARAM_SPEC_DOUBLE (pspec)->maximum / G_PARAM_SPEC_DOUBLE (pspec)->minimum >= 50.0;
}

static char *
format_number (double value,
               guint  digits)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  char *s;

  g_snprintf (format, sizeof format, "%%.%uf", digits);
  g_ascii_formatd (buf, sizeof buf, format, value);
  if (digits > 0)
    {
      char *end = buf + strlen (buf) - 1;

      while (*end == '0')
        *end-- = '\0';
      if (*end == '.')
        *end = '\0';
    }
  s = g_strdup (buf);
  if (g_str_equal (s, "-0"))
    {
      g_free (s);
      s = g_strdup ("0");
    }
  return s;
}

/**
 * lq_chain_params_serialize_double:
 *
 * Returns: (transfer full): @value for @pspec in GStreamer's serialization, clamped to the
 *   range and rounded to lq_chain_params_get_digits(); enums by nick
 */
char *
lq_chain_params_serialize_double (GParamSpec *pspec,
                                  double      value)
{
  guint digits = lq_chain_params_get_digits (pspec);

  g_return_val_if_fail (pspec != NULL, NULL);

  if (!isfinite (value))
    return NULL;
  if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    {
      double scale = pow (10.0, digits);

      value = round (value * scale) / scale;
      value = CLAMP (value, G_PARAM_SPEC_DOUBLE (pspec)->minimum, G_PARAM_SPEC_DOUBLE (pspec)->maximum);
      return format_number (value, digits);
    }
  if (G_IS_PARAM_SPEC_FLOAT (pspec))
    {
      double scale = pow (10.0, digits);

      value = round (value * scale) / scale;
      value = CLAMP (value, G_PARAM_SPEC_FLOAT (pspec)->minimum, G_PARAM_SPEC_FLOAT (pspec)->maximum);
      return format_number (value, digits);
    }
  if (G_IS_PARAM_SPEC_UINT (pspec))
    return g_strdup_printf ("%u", (guint) CLAMP (round (value), G_PARAM_SPEC_UINT (pspec)->minimum,
                                                 G_PARAM_SPEC_UINT (pspec)->maximum));
  if (G_IS_PARAM_SPEC_INT (pspec))
    return g_strdup_printf ("%d", (int) CLAMP (round (value), G_PARAM_SPEC_INT (pspec)->minimum,
                                               G_PARAM_SPEC_INT (pspec)->maximum));
  if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    return g_strdup (value != 0.0 ? "true" : "false");
  if (G_IS_PARAM_SPEC_ENUM (pspec))
    {
      GEnumValue *ev = g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class, (int) value);

      return ev != NULL ? g_strdup (ev->value_nick) : NULL;
    }
  return NULL;
}

/**
 * lq_chain_params_serialize:
 *
 * Returns: (transfer full) (nullable): @value in GStreamer's serialization as the chain
 *   stores it: numbers rounded to the editors' precision, enums by nick
 */
char *
lq_chain_params_serialize (GParamSpec   *pspec,
                           const GValue *value)
{
  g_return_val_if_fail (pspec != NULL, NULL);

  if (G_VALUE_HOLDS_DOUBLE (value))
    return lq_chain_params_serialize_double (pspec, g_value_get_double (value));
  if (G_VALUE_HOLDS_FLOAT (value))
    return lq_chain_params_serialize_double (pspec, g_value_get_float (value));
  if (G_VALUE_HOLDS_UINT (value))
    return lq_chain_params_serialize_double (pspec, g_value_get_uint (value));
  if (G_VALUE_HOLDS_INT (value))
    return lq_chain_params_serialize_double (pspec, g_value_get_int (value));
  if (G_VALUE_HOLDS_BOOLEAN (value))
    return g_strdup (g_value_get_boolean (value) ? "true" : "false");
  if (G_VALUE_HOLDS_ENUM (value))
    return lq_chain_params_serialize_double (pspec, g_value_get_enum (value));
  return gst_value_serialize (value);
}

/**
 * lq_chain_params_get_label:
 *
 * Returns: (transfer full): the setting's name for people ("Threshold", "Band 2 Gain")
 */
char *
lq_chain_params_get_label (LqChainElement *element,
                           const char     *property)
{
  GParamSpec *pspec = lq_chain_params_find (lq_chain_element_get_factory (element), property);
  const char *sep = strstr (property, "::");
  const char *nick = pspec != NULL ? g_param_spec_get_nick (pspec) : property;
  guint band;

  if (sep != NULL && sscanf (property, "band%u::", &band) == 1)
    /* Translators: a setting of one band of an element, as in "Band 2 Gain" */
    return g_strdup_printf (_("Band %u %s"), band + 1, nick);
  return g_strdup (nick);
}

/* Records one setting through @history, or sets it directly without one. */
static gboolean
set_string (LqHistory      *history,
            LqChainElement *element,
            const char     *property,
            const char     *value)
{
  g_autofree char *label = NULL;

  if (history == NULL)
    {
      gboolean changed = g_strcmp0 (lq_chain_element_get (element, property), value) != 0;

      lq_chain_element_set (element, property, value);
      return changed;
    }
  label = lq_chain_params_get_label (element, property);
  return lq_history_chain_element_set (history, element, property, value, label);
}

/**
 * lq_chain_params_set_double:
 * @history: (nullable): where the edit is recorded
 *
 * Sets a numeric (or enum, or boolean) setting, clamped and rounded as
 * lq_chain_params_serialize_double() does.
 *
 * Returns: %TRUE when the stored value changed
 */
gboolean
lq_chain_params_set_double (LqHistory      *history,
                            LqChainElement *element,
                            const char     *property,
                            double          value)
{
  GParamSpec *pspec = lq_chain_params_find (lq_chain_element_get_factory (element), property);
  g_autofree char *string = NULL;

  g_return_val_if_fail (pspec != NULL, FALSE);

  string = lq_chain_params_serialize_double (pspec, value);
  if (string == NULL)
    return FALSE;
  return set_string (history, element, property, string);
}

/**
 * lq_chain_params_set_value:
 * @history: (nullable): where the edit is recorded
 *
 * Returns: %TRUE when the stored value changed
 */
gboolean
lq_chain_params_set_value (LqHistory      *history,
                           LqChainElement *element,
                           const char     *property,
                           const GValue   *value)
{
  GParamSpec *pspec = lq_chain_params_find (lq_chain_element_get_factory (element), property);
  g_autofree char *string = NULL;

  g_return_val_if_fail (pspec != NULL, FALSE);

  string = lq_chain_params_serialize (pspec, value);
  if (string == NULL)
    return FALSE;
  return set_string (history, element, property, string);
}

/**
 * lq_chain_params_get_title:
 *
 * Returns: (transfer full): what @factory is called in the chain panel
 */
char *
lq_chain_params_get_title (const char *factory)
{
  static const struct { const char *factory; const char *title; } titles[] = {
    { "lqeq", N_("Equalizer") },
    { "lqcompressor", N_("Compressor") },
    { "lqmultiband", N_("Multiband Compressor") },
    { "lqimager", N_("Stereo Imager") },
    { "lqlimiter", N_("Limiter") },
    { "lqdither", N_("Dither") },
    { "lqstrip", N_("Channel Strip") },
    { "lqgain", N_("Gain") },
  };
  g_autoptr(GstElementFactory) f = NULL;
  const char *longname;

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (titles[i].factory, factory) == 0)
      return g_strdup (_(titles[i].title));
  f = gst_element_factory_find (factory);
  if (f == NULL)
    return g_strdup (factory);
  longname = gst_element_factory_get_metadata (f, GST_ELEMENT_METADATA_LONGNAME);
  if (g_str_has_prefix (longname, "Lacquer "))
    longname += strlen ("Lacquer ");
  return g_strdup (longname);
}

/**
 * lq_chain_params_reset:
 * @history: (nullable): where the edit is recorded (one step)
 *
 * Brings every setting of @element back to the element's default (the bypass stays).
 *
 * Returns: %TRUE if anything changed
 */
gboolean
lq_chain_params_reset (LqHistory      *history,
                       LqChainElement *element)
{
  g_auto(GStrv) names = lq_chain_element_list_properties (element);
  gboolean changed = FALSE;

  if (names[0] == NULL)
    return FALSE;
  if (history != NULL)
    {
      g_autofree char *title = lq_chain_params_get_title (lq_chain_element_get_factory (element));
      /* Translators: an undo step, as in "Undo Reset Compressor" */
      g_autofree char *label = g_strdup_printf (_("Reset %s"), title);

      lq_history_begin_group (history, label);
    }
  for (guint i = 0; names[i] != NULL; i++)
    changed |= set_string (history, element, names[i], NULL);
  if (history != NULL)
    lq_history_end_group (history);
  return changed;
}

/* ---- presets ---- */

static JsonObject *
presets_for (const char *factory)
{
  JsonNode *node;

  if (presets_root == NULL)
    {
      g_autoptr(GBytes) bytes = g_resources_lookup_data (PRESETS_RESOURCE, 0, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      if (bytes == NULL
          || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
        {
          g_warning ("Cannot read the chain presets: %s", error ? error->message : "no resource");
          presets_root = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (presets_root, json_object_new ());
        }
      else
        {
          presets_root = json_parser_steal_root (parser);
        }
    }
  if (!JSON_NODE_HOLDS_OBJECT (presets_root))
    return NULL;
  node = json_object_get_member (json_node_get_object (presets_root), factory);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A preset value as the chain stores it, checked against the element; NULL if it does not fit. */
static char *
preset_value (const char *factory,
              const char *property,
              JsonNode   *node)
{
  GParamSpec *pspec = lq_chain_params_find (factory, property);
  g_auto(GValue) value = G_VALUE_INIT;

  if (pspec == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return lq_chain_params_serialize_double (pspec, json_node_get_boolean (node) ? 1.0 : 0.0);
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      if (G_IS_PARAM_SPEC_ENUM (pspec))
        return NULL;
      return lq_chain_params_serialize_double (pspec, json_node_get_double (node));
    case G_TYPE_STRING:
      g_value_init (&value, pspec->value_type);
      if (!gst_value_deserialize_with_pspec (&value, json_node_get_string (node), pspec))
        return NULL;
      return lq_chain_params_serialize (pspec, &value);
    default:
      return NULL;
    }
}

/* The settings of one preset object that @factory's element accepts, as name/value pairs. */
static GPtrArray *
preset_settings (const char *factory,
                 JsonObject *settings)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) members = json_object_get_members (settings);

  for (GList *l = members; l != NULL; l = l->next)
    {
      char *value = preset_value (factory, l->data, json_object_get_member (settings, l->data));

      if (value == NULL)
        {
          g_debug ("Preset setting %s of %s does not fit the element", (char *) l->data, factory);
          continue;
        }
      g_ptr_array_add (pairs, g_strdup (l->data));
      g_ptr_array_add (pairs, value);
    }
  return pairs;
}

static JsonObject *
find_preset (const char *factory,
             const char *name)
{
  JsonObject *entry = presets_for (factory);
  JsonNode *list;
  JsonArray *array;

  if (entry == NULL || (list = json_object_get_member (entry, "presets")) == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return NULL;
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *preset;
      JsonNode *settings;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      preset = json_node_get_object (item);
      if (g_strcmp0 (json_object_get_string_member_with_default (preset, "name", NULL), name) != 0)
        continue;
      settings = json_object_get_member (preset, "settings");
      return settings != NULL && JSON_NODE_HOLDS_OBJECT (settings) ? json_node_get_object (settings) : NULL;
    }
  return NULL;
}

/**
 * lq_chain_presets_list:
 *
 * Returns: (transfer full): the names of @factory's built-in presets that fit the element as
 *   it is built (possibly none)
 */
GStrv
lq_chain_presets_list (const char *factory)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonObject *entry = presets_for (factory);
  JsonNode *list;

  if (entry != NULL && lq_chain_params_get_prototype (factory) != NULL
      && (list = json_object_get_member (entry, "presets")) != NULL && JSON_NODE_HOLDS_ARRAY (list))
    {
      JsonArray *array = json_node_get_array (list);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          const char *name;
          JsonObject *settings;
          g_autoptr(GPtrArray) pairs = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            continue;
          name = json_object_get_string_member_with_default (json_node_get_object (item), "name", NULL);
          if (name == NULL || (settings = find_preset (factory, name)) == NULL)
            continue;
          pairs = preset_settings (factory, settings);
          if (pairs->len > 0)
            g_strv_builder_add (builder, name);
        }
    }
  return g_strv_builder_end (builder);
}

/**
 * lq_chain_presets_apply:
 * @history: (nullable): where the edit is recorded (one step)
 *
 * Sets @element to the preset called @name: every setting back to its default, then the
 * preset's settings. The bypass stays.
 *
 * Returns: %FALSE when there is no such preset
 */
gboolean
lq_chain_presets_apply (LqHistory      *history,
                        LqChainElement *element,
                        const char     *name)
{
  const char *factory = lq_chain_element_get_factory (element);
  JsonObject *settings = find_preset (factory, name);
  g_autoptr(GPtrArray) pairs = NULL;
  g_auto(GStrv) names = NULL;

  if (settings == NULL)
    return FALSE;
  pairs = preset_settings (factory, settings);
  names = lq_chain_element_list_properties (element);
  if (history != NULL)
    {
      /* Translators: an undo step, as in "Undo Preset “Gentle Glue”" */
      g_autofree char *label = g_strdup_printf (_("Preset “%s”"), name);

      lq_history_begin_group (history, label);
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      gboolean in_preset = FALSE;

      for (guint j = 0; j < pairs->len && !in_preset; j += 2)
        in_preset = g_str_equal (names[i], g_ptr_array_index (pairs, j));
      if (!in_preset)
        set_string (history, element, names[i], NULL);
    }
  for (guint j = 0; j < pairs->len; j += 2)
    set_string (history, element, g_ptr_array_index (pairs, j), g_ptr_array_index (pairs, j + 1));
  if (history != NULL)
    lq_history_end_group (history);
  return TRUE;
}

/**
 * lq_chain_presets_new_element:
 *
 * Returns: (transfer full): a new element of @factory with the settings a newly added element
 *   starts with (the "initial" settings of the preset resource, if any)
 */
LqChainElement *
lq_chain_presets_new_element (const char *factory)
{
  LqChainElement *element = lq_chain_element_new (factory);
  JsonObject *entry = presets_for (factory);
  JsonNode *initial;

  if (entry != NULL && (initial = json_object_get_member (entry, "initial")) != NULL
      && JSON_NODE_HOLDS_OBJECT (initial))
    {
      g_autoptr(GPtrArray) pairs = preset_settings (factory, json_node_get_object (initial));

      for (guint j = 0; j < pairs->len; j += 2)
        lq_chain_element_set (element, g_ptr_array_index (pairs, j), g_ptr_array_index (pairs, j + 1));
    }
  return element;
}
