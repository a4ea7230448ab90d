/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-chain"

#include "config.h"

#include <errno.h>

#include <math.h>

#include <glib/gi18n-lib.h>

#include "lq-chain.h"
#include "lq-engine-error.h"

/* ---- LqChainElement ---- */

struct _LqChainElement
{
  GObject parent_instance;

  char *factory;     /* GStreamer factory name */
  gboolean bypass;   /* the element's bypass */
  GPtrArray *names;  /* property names in the order they were first set */
  GHashTable *values; /* name -> serialized value */
};

G_DEFINE_FINAL_TYPE (LqChainElement, lq_chain_element, G_TYPE_OBJECT)

enum {
  ELEMENT_CHANGED,
  N_ELEMENT_SIGNALS
};

static guint element_signals[N_ELEMENT_SIGNALS];

static void
lq_chain_element_finalize (GObject *object)
{
  LqChainElement *self = LQ_CHAIN_ELEMENT (object);

  g_clear_pointer (&self->factory, g_free);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (lq_chain_element_parent_class)->finalize (object);
}

static void
lq_chain_element_class_init (LqChainElementClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lq_chain_element_finalize;

  /**
   * LqChainElement::changed:
   * @property: the property that changed, or "bypass"
   */
  element_signals[ELEMENT_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lq_chain_element_init (LqChainElement *self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

LqChainElement *
lq_chain_element_new (const char *factory)
{
  LqChainElement *self;

  g_return_val_if_fail (factory != NULL, NULL);

  self = g_object_new (LQ_TYPE_CHAIN_ELEMENT, NULL);
  self->factory = g_strdup (factory);
  return self;
}

const char *
lq_chain_element_get_factory (LqChainElement *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (self), NULL);
  return self->factory;
}

gboolean
lq_chain_element_get_bypass (LqChainElement *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (self), FALSE);
  return self->bypass;
}

void
lq_chain_element_set_bypass (LqChainElement *self,
                             gboolean        bypass)
{
  g_return_if_fail (LQ_IS_CHAIN_ELEMENT (self));

  if (self->bypass == !!bypass)
    return;
  self->bypass = !!bypass;
  g_signal_emit (self, element_signals[ELEMENT_CHANGED], g_quark_from_string ("bypass"), "bypass");
}

/**
 * lq_chain_element_get:
 *
 * Returns: (nullable): the serialized value of @property, or %NULL when it keeps the element's
 *   default
 */
const char *
lq_chain_element_get (LqChainElement *self,
                      const char     *property)
{
  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (self), NULL);
  return g_hash_table_lookup (self->values, property);
}

/**
 * lq_chain_element_set:
 * @value: (nullable): the value in GStreamer's serialization, or %NULL for the default
 */
void
lq_chain_element_set (LqChainElement *self,
                      const char     *property,
                      const char     *value)
{
  g_return_if_fail (LQ_IS_CHAIN_ELEMENT (self));
  g_return_if_fail (property != NULL);

  if (g_strcmp0 (g_hash_table_lookup (self->values, property), value) == 0)
    return;
  if (value == NULL)
    {
      guint index;
      if (g_ptr_array_find_with_equal_func (self->names, property, g_str_equal, &index))
        g_ptr_array_remove_index (self->names, index);
      g_hash_table_remove (self->values, property);
    }
  else
    {
      if (!g_hash_table_contains (self->values, property))
        g_ptr_array_add (self->names, g_strdup (property));
      g_hash_table_insert (self->values, g_strdup (property), g_strdup (value));
    }
  g_signal_emit (self, element_signals[ELEMENT_CHANGED], g_quark_from_string (property), property);
}

void
lq_chain_element_set_double (LqChainElement *self,
                             const char     *property,
                             double          value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  lq_chain_element_set (self, property, g_ascii_dtostr (buf, sizeof buf, value));
}

/**
 * lq_chain_element_list_properties:
 *
 * Returns: (transfer full): the names of the properties set, in the order they were first set
 */
GStrv
lq_chain_element_list_properties (LqChainElement *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv strv;

  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (self), NULL);

  for (guint i = 0; i < self->names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->names, i));
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

/* Sets one property from its string form, following child-proxy names ("band0::gain"). */
static gboolean
set_property_from_string (GstElement  *element,
                          const char  *name,
                          const char  *value,
                          GError     **error)
{
  g_autoptr(GObject) target = NULL;
  GParamSpec *pspec = NULL;
  GValue v = G_VALUE_INIT;
  gboolean ok;

  if (GST_IS_CHILD_PROXY (element))
    {
      if (!gst_child_proxy_lookup (GST_CHILD_PROXY (element), name, &target, &pspec))
        target = NULL;
    }
  else
    {
      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), name);
      if (pspec != NULL)
        target = g_object_ref (G_OBJECT (element));
    }
  if (target == NULL || pspec == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The element “%s” has no setting “%s”"), GST_OBJECT_NAME (element), name);
      return FALSE;
    }

  g_value_init (&v, pspec->value_type);
  ok = gst_value_deserialize_with_pspec (&v, value, pspec);
  if (ok)
    g_object_set_property (target, pspec->name, &v);
  else
    g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                 _("“%s” is not a valid value for “%s” of the element “%s”"), value, name,
                 GST_OBJECT_NAME (element));
  g_value_unset (&v);
  return ok;
}

/**
 * lq_chain_element_apply:
 *
 * Sets @element's properties and bypass to this description.
 */
gboolean
lq_chain_element_apply (LqChainElement  *self,
                        GstElement      *element,
                        GError         **error)
{
  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (self), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (element), FALSE);

  /* num-bands first: it creates the band children that other settings address. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->names->len; i++)
      {
        const char *name = g_ptr_array_index (self->names, i);
        gboolean first = g_str_equal (name, "num-bands") || g_str_has_suffix (name, "-num-bands");

        if (first != (pass == 0))
          continue;
        if (!set_property_from_string (element, name, g_hash_table_lookup (self->values, name), error))
          return FALSE;
      }
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), "bypass"))
    g_object_set (element, "bypass", self->bypass, NULL);
  return TRUE;
}

/**
 * lq_chain_element_instantiate:
 *
 * Returns: (transfer full) (nullable): a new element made and set up from this description
 */
GstElement *
lq_chain_element_instantiate (LqChainElement  *self,
                              GError         **error)
{
  g_autoptr(GstElement) element = NULL;

  g_return_val_if_fail (LQ_IS_CHAIN_ELEMENT (self), NULL);

  element = gst_element_factory_make (self->factory, NULL);
  if (element == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The processing element “%s” is not available in this version of Lacquer"),
                   self->factory);
      return NULL;
    }
  gst_object_ref_sink (element);
  if (!lq_chain_element_apply (self, element, error))
    return NULL;
  return g_steal_pointer (&element);
}

/* ---- LqChain ---- */

struct _LqChain
{
  GObject parent_instance;

  GPtrArray *elements; /* LqChainElement, in processing order */
  int snapshot;        /* the settings snapshot the chain holds: 0 (A) or 1 (B) */
  char *other;         /* the other snapshot (lq_chain_snapshot_to_string()), or NULL */
};

static void lq_chain_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LqChain, lq_chain, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lq_chain_list_model_init))

enum {
  CHAIN_CHANGED,
  N_CHAIN_SIGNALS
};

static guint chain_signals[N_CHAIN_SIGNALS];

static GType
lq_chain_get_item_type (GListModel *model)
{
  return LQ_TYPE_CHAIN_ELEMENT;
}

static guint
lq_chain_get_n_items (GListModel *model)
{
  return LQ_CHAIN (model)->elements->len;
}

static gpointer
lq_chain_get_item (GListModel *model,
                   guint       position)
{
  LqChain *self = LQ_CHAIN (model);

  if (position >= self->elements->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->elements, position));
}

static void
lq_chain_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lq_chain_get_item_type;
  iface->get_n_items = lq_chain_get_n_items;
  iface->get_item = lq_chain_get_item;
}

static void
element_changed_cb (LqChain        *self,
                    const char     *property,
                    LqChainElement *element)
{
  g_signal_emit (self, chain_signals[CHAIN_CHANGED], 0);
}

static void
lq_chain_dispose (GObject *object)
{
  LqChain *self = LQ_CHAIN (object);

  if (self->elements != NULL)
    for (guint i = 0; i < self->elements->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->elements, i), self);
  g_clear_pointer (&self->elements, g_ptr_array_unref);
  g_clear_pointer (&self->other, g_free);

  G_OBJECT_CLASS (lq_chain_parent_class)->dispose (object);
}

static void
lq_chain_class_init (LqChainClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lq_chain_dispose;

  /**
   * LqChain::changed:
   *
   * Emitted after any change: an element added, removed or moved, or a setting changed.
   */
  chain_signals[CHAIN_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lq_chain_init (LqChain *self)
{
  self->elements = g_ptr_array_new_with_free_func (g_object_unref);
}

LqChain *
lq_chain_new (void)
{
  return g_object_new (LQ_TYPE_CHAIN, NULL);
}

/**
 * lq_chain_get_snapshots:
 * @other: (out) (optional) (transfer none) (nullable): the snapshot not held, as
 *   lq_chain_snapshot_to_string() gives it, %NULL until one is stored
 *
 * The chain's two settings snapshots (A and B, compared in the chain panel): the chain's own
 * settings are one; the other is kept here, so it is saved with the project.
 *
 * Returns: the snapshot the chain holds: 0 (A) or 1 (B)
 */
int
lq_chain_get_snapshots (LqChain     *self,
                        const char **other)
{
  g_return_val_if_fail (LQ_IS_CHAIN (self), 0);

  if (other != NULL)
    *other = self->other;
  return self->snapshot;
}

/**
 * lq_chain_set_snapshots:
 * @held: the snapshot the chain's settings are: 0 (A) or 1 (B)
 * @other: (nullable): the other snapshot (lq_chain_snapshot_to_string())
 */
void
lq_chain_set_snapshots (LqChain    *self,
                        int         held,
                        const char *other)
{
  g_return_if_fail (LQ_IS_CHAIN (self));
  g_return_if_fail (held == 0 || held == 1);

  self->snapshot = held;
  if (self->other != other)
    {
      g_free (self->other);
      self->other = g_strdup (other);
    }
}

guint
lq_chain_get_n_elements (LqChain *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN (self), 0);
  return self->elements->len;
}

/**
 * lq_chain_get_element:
 *
 * Returns: (transfer none) (nullable): the element at @position
 */
LqChainElement *
lq_chain_get_element (LqChain *self,
                      guint    position)
{
  g_return_val_if_fail (LQ_IS_CHAIN (self), NULL);
  return position < self->elements->len ? g_ptr_array_index (self->elements, position) : NULL;
}

/**
 * lq_chain_find:
 *
 * Returns: (transfer none) (nullable): the first element made by @factory
 */
LqChainElement *
lq_chain_find (LqChain    *self,
               const char *factory)
{
  g_return_val_if_fail (LQ_IS_CHAIN (self), NULL);

  for (guint i = 0; i < self->elements->len; i++)
    {
      LqChainElement *element = g_ptr_array_index (self->elements, i);
      if (g_strcmp0 (element->factory, factory) == 0)
        return element;
    }
  return NULL;
}

void
lq_chain_insert (LqChain        *self,
                 guint           position,
                 LqChainElement *element)
{
  g_return_if_fail (LQ_IS_CHAIN (self));
  g_return_if_fail (LQ_IS_CHAIN_ELEMENT (element));

  position = MIN (position, self->elements->len);
  g_ptr_array_insert (self->elements, position, g_object_ref (element));
  g_signal_connect_object (element, "changed", G_CALLBACK (element_changed_cb), self, G_CONNECT_SWAPPED);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_signal_emit (self, chain_signals[CHAIN_CHANGED], 0);
}

void
lq_chain_append (LqChain        *self,
                 LqChainElement *element)
{
  g_return_if_fail (LQ_IS_CHAIN (self));
  lq_chain_insert (self, self->elements->len, element);
}

void
lq_chain_remove (LqChain *self,
                 guint    position)
{
  g_return_if_fail (LQ_IS_CHAIN (self));
  g_return_if_fail (position < self->elements->len);

  g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->elements, position), self);
  g_ptr_array_remove_index (self->elements, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_signal_emit (self, chain_signals[CHAIN_CHANGED], 0);
}

void
lq_chain_move (LqChain *self,
               guint    from,
               guint    to)
{
  LqChainElement *element;

  g_return_if_fail (LQ_IS_CHAIN (self));
  g_return_if_fail (from < self->elements->len && to < self->elements->len);

  if (from == to)
    return;
  element = g_ptr_array_steal_index (self->elements, from);
  g_ptr_array_insert (self->elements, to, element);
  g_list_model_items_changed (G_LIST_MODEL (self), MIN (from, to), MAX (from, to) - MIN (from, to) + 1,
                              MAX (from, to) - MIN (from, to) + 1);
  g_signal_emit (self, chain_signals[CHAIN_CHANGED], 0);
}

/**
 * lq_chain_value_to_json:
 *
 * Values that read as a number or a boolean are stored as JSON numbers and booleans, so the
 * file reads naturally: integers as JSON integers (exact to 64 bits: a dither seed), other
 * numbers as doubles; anything else (enum nicks, ...) as a string.
 *
 * Returns: (transfer full): @value as a JSON node
 */
JsonNode *
lq_chain_value_to_json (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  char *end = NULL;
  gint64 i;
  double d;

  if (g_str_equal (value, "true") || g_str_equal (value, "false"))
    {
      json_node_set_boolean (node, g_str_equal (value, "true"));
      return node;
    }
  errno = 0;
  i = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0')
    {
      /* Beyond 64 bits a double would round it: keep the digits. */
      if (errno == 0)
        json_node_set_int (node, i);
      else
        json_node_set_string (node, value);
      return node;
    }
  d = g_ascii_strtod (value, &end);
  if (end != value && *end == '\0' && isfinite (d))
    json_node_set_double (node, d);
  else
    json_node_set_string (node, value);
  return node;
}

/**
 * lq_chain_to_json:
 *
 * Returns: (transfer full): a JSON array: [{"element": "lqlimiter", "bypass": false,
 *   "properties": {"ceiling": -1.0}}, ...]
 */
JsonNode *
lq_chain_to_json (LqChain *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (LQ_IS_CHAIN (self), NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->elements->len; i++)
    {
      LqChainElement *element = g_ptr_array_index (self->elements, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "element");
      json_builder_add_string_value (builder, element->factory);
      json_builder_set_member_name (builder, "bypass");
      json_builder_add_boolean_value (builder, element->bypass);
      json_builder_set_member_name (builder, "properties");
      json_builder_begin_object (builder);
      for (guint j = 0; j < element->names->len; j++)
        {
          const char *name = g_ptr_array_index (element->names, j);
          json_builder_set_member_name (builder, name);
          json_builder_add_value (builder, lq_chain_value_to_json (g_hash_table_lookup (element->values, name)));
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static char *
value_to_string (JsonNode *node)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    default:
      return NULL;
    }
}

/**
 * lq_chain_new_from_json:
 *
 * Returns: (transfer full) (nullable): the chain, or %NULL when @node is not a chain array
 */
LqChain *
lq_chain_new_from_json (JsonNode  *node,
                        GError   **error)
{
  g_autoptr(LqChain) chain = lq_chain_new ();
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&chain);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autoptr(LqChainElement) element = NULL;
      JsonObject *object;
      JsonNode *factory, *bypass, *props;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        goto invalid;
      object = json_node_get_object (item);
      factory = json_object_get_member (object, "element");
      if (factory == NULL || !JSON_NODE_HOLDS_VALUE (factory) || json_node_get_value_type (factory) != G_TYPE_STRING)
        goto invalid;
      element = lq_chain_element_new (json_node_get_string (factory));
      bypass = json_object_get_member (object, "bypass");
      if (bypass != NULL && JSON_NODE_HOLDS_VALUE (bypass) && json_node_get_value_type (bypass) == G_TYPE_BOOLEAN)
        element->bypass = json_node_get_boolean (bypass);
      props = json_object_get_member (object, "properties");
      if (props != NULL && JSON_NODE_HOLDS_OBJECT (props))
        {
          JsonObject *p = json_node_get_object (props);
          g_autoptr(GList) members = json_object_get_members (p);

          for (GList *l = members; l != NULL; l = l->next)
            {
              g_autofree char *value = value_to_string (json_object_get_member (p, l->data));
              if (value == NULL)
                goto invalid;
              lq_chain_element_set (element, l->data, value);
            }
        }
      lq_chain_append (chain, element);
    }
  return g_steal_pointer (&chain);

invalid:
  g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_PROJECT_CORRUPT,
               _("A processing chain in the project is not valid"));
  return NULL;
}
