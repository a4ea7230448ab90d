/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-project-file"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "lq-chain.h"
#include "lq-element-state.h"
#include "lq-elements.h"
#include "lq-engine-error.h"
#include "lq-project.h"
#include "lq-project-migrate.h"

typedef void (*ElementFunc) (JsonObject *element,
                             gpointer    user_data);

/* Calls @func with every chain element of a project's JSON: the master chain's, each track's
 * chain's and each stem's strip. */
static void
foreach_element (JsonObject  *root,
                 ElementFunc  func,
                 gpointer     user_data)
{
  JsonNode *tracks = json_object_get_member (root, "tracks");
  JsonNode *master = json_object_get_member (root, "master");

  if (master != NULL && JSON_NODE_HOLDS_ARRAY (master))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (master)); i++)
      if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (master), i)))
        func (json_array_get_object_element (json_node_get_array (master), i), user_data);
  if (tracks == NULL || !JSON_NODE_HOLDS_ARRAY (tracks))
    return;
  for (guint t = 0; t < json_array_get_length (json_node_get_array (tracks)); t++)
    {
      JsonNode *track = json_array_get_element (json_node_get_array (tracks), t);
      JsonNode *chain, *stems;

      if (!JSON_NODE_HOLDS_OBJECT (track))
        continue;
      chain = json_object_get_member (json_node_get_object (track), "chain");
      if (chain != NULL && JSON_NODE_HOLDS_ARRAY (chain))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (chain)); i++)
          if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (chain), i)))
            func (json_array_get_object_element (json_node_get_array (chain), i), user_data);
      stems = json_object_get_member (json_node_get_object (track), "stems");
      if (stems != NULL && JSON_NODE_HOLDS_ARRAY (stems))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (stems)); i++)
          {
            JsonNode *stem = json_array_get_element (json_node_get_array (stems), i);
            JsonNode *strip = JSON_NODE_HOLDS_OBJECT (stem) ? json_object_get_member (json_node_get_object (stem), "strip") : NULL;

            if (strip != NULL && JSON_NODE_HOLDS_OBJECT (strip))
              func (json_node_get_object (strip), user_data);
          }
    }
}

/* The element's settings object, made when it has none; NULL when the element is not named. */
static JsonObject *
element_settings (JsonObject  *element,
                  const char **factory)
{
  JsonNode *name = json_object_get_member (element, "element");
  JsonNode *props = json_object_get_member (element, "properties");

  if (name == NULL || !JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
    return NULL;
  *factory = json_node_get_string (name);
  if (props == NULL || !JSON_NODE_HOLDS_OBJECT (props))
    {
      json_object_set_object_member (element, "properties", json_object_new ());
      props = json_object_get_member (element, "properties");
    }
  return json_node_get_object (props);
}

static void
add_missing (JsonObject *settings,
             const char *name,
             const char *value)
{
  if (!json_object_has_member (settings, name))
    json_object_set_member (settings, name, lq_chain_value_to_json (value));
}

/* Format 1 -> 2: what a format-1 element left out takes format 1's default. */
static void
migrate_element_1 (JsonObject *element,
                   gpointer    user_data)
{
  const char *factory = NULL;
  JsonObject *settings = element_settings (element, &factory);

  if (settings == NULL)
    return;
  for (gsize i = 0; i < lq_format1_n_defaults; i++)
    if (g_str_equal (lq_format1_defaults[i].factory, factory))
      add_missing (settings, lq_format1_defaults[i].name, lq_format1_defaults[i].value);
}

/**
 * lq_project_json_migrate:
 * @root: a project file's JSON object, changed in place
 * @version: the format it was written in
 *
 * Brings @root to LQ_PROJECT_FORMAT_VERSION and sets its `format_version`.
 */
gboolean
lq_project_json_migrate (JsonObject  *root,
                         gint64       version,
                         GError     **error)
{
  g_return_val_if_fail (root != NULL, FALSE);

  if (version < 1 || version > LQ_PROJECT_FORMAT_VERSION)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_PROJECT_VERSION,
                   _("Project format %" G_GINT64_FORMAT " is not one Lacquer knows"), version);
      return FALSE;
    }
  if (version == 1)
    {
      foreach_element (root, migrate_element_1, NULL);
      version = 2;
    }
  json_object_set_int_member (root, "format_version", version);
  return TRUE;
}

static void
add_setting (const char *name,
             const char *value,
             gpointer    user_data)
{
  add_missing (user_data, name, value);
}

/* Today's defaults, read off a fresh element of each kind (one per kind for a whole file). */
static void
complete_element (JsonObject *element,
                  gpointer    user_data)
{
  GHashTable *fresh = user_data;
  const char *factory = NULL;
  JsonObject *settings = element_settings (element, &factory);
  GstElement *made;

  if (settings == NULL)
    return;
  if (!g_hash_table_lookup_extended (fresh, factory, NULL, (gpointer *) &made))
    {
      made = gst_element_factory_make (factory, NULL);
      if (made != NULL)
        gst_object_ref_sink (made);
      g_hash_table_insert (fresh, g_strdup (factory), made);
    }
  if (made != NULL)
    lq_element_state_foreach (made, add_setting, settings);
}

static void
unref_element (gpointer element)
{
  if (element != NULL)
    gst_object_unref (element);
}

/**
 * lq_project_json_complete:
 * @root: the JSON of a project about to be written
 *
 * Adds to every chain element the settings it does not list, with the element's default, so
 * the file holds the whole state (format 2).
 */
void
lq_project_json_complete (JsonObject *root)
{
  g_autoptr(GHashTable) fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_element);

  g_return_if_fail (root != NULL);
  lq_elements_init ();
  foreach_element (root, complete_element, fresh);
}
