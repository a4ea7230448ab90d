/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-project-file"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lq-atomic-file.h"
#include "lq-engine-error.h"
#include "lq-project.h"
#include "lq-project-migrate.h"

/* Reading and writing .lacquer project files: JSON with a format_version, source paths
 * relative to the project file. The layout is documented in docs/project-format.md. */

/* The path of @target relative to @base_dir, with ".." where needed; an absolute path when
 * they share no root (another drive, another URI scheme). */
static char *
relative_path (GFile *base_dir,
               GFile *target)
{
  g_autofree char *base = g_file_get_path (base_dir);
  g_autofree char *path = g_file_get_path (target);
  g_auto(GStrv) b = NULL;
  g_auto(GStrv) t = NULL;
  GString *rel;
  guint common = 0;

  if (base == NULL || path == NULL)
    return g_file_get_uri (target);

  b = g_strsplit (base, G_DIR_SEPARATOR_S, -1);
  t = g_strsplit (path, G_DIR_SEPARATOR_S, -1);
  while (b[common] != NULL && t[common] != NULL && strcmp (b[common], t[common]) == 0)
    common++;
  if (common <= 1) /* only the root in common */
    return g_steal_pointer (&path);

  rel = g_string_new (NULL);
  for (guint i = common; b[i] != NULL; i++)
    if (*b[i] != '\0')
      g_string_append (rel, ".." G_DIR_SEPARATOR_S);
  for (guint i = common; t[i] != NULL; i++)
    {
      g_string_append (rel, t[i]);
      if (t[i + 1] != NULL)
        g_string_append_c (rel, G_DIR_SEPARATOR);
    }
  return g_string_free (rel, FALSE);
}

static GFile *
resolve_source (GFile      *base_dir,
                const char *source)
{
  g_autofree char *scheme = g_uri_parse_scheme (source);

  if (scheme != NULL)
    return g_file_new_for_uri (source);
  if (g_path_is_absolute (source))
    return g_file_new_for_path (source);
  return g_file_resolve_relative_path (base_dir, source);
}


/* The members of tracks and of the project that map one to one onto GObject properties:
 * JSON key, property name. Written in this order; unknown members are ignored on load. */
typedef struct
{
  const char *key;
  const char *property;
} Field;

static const Field project_fields[] = {
  { "title", "title" },
  { "artist", "artist" },
  { "songwriter", "songwriter" },
  { "composer", "composer" },
  { "genre", "genre" },
  { "message", "message" },
  { "upc", "upc" },
  { "rate", "rate" },
  { "cd_mode", "cd-mode" },
  { "delivery_preset", "preset" },
  { "match_mode", "match-mode" },
  { "match_target_lufs", "match-target" },
  { "match_anchor", "match-anchor" },
};

static const Field track_fields[] = {
  { "title", "title" },
  { "performer", "performer" },
  { "songwriter", "songwriter" },
  { "composer", "composer" },
  { "isrc", "isrc" },
  { "hidden", "hidden" },
  { "in_point", "in-point" },
  { "out_point", "out-point" },
  { "gain_db", "gain" },
  { "match_gain_db", "match-gain" },
  { "fade_in", "fade-in" },
  { "fade_in_curve", "fade-in-curve" },
  { "fade_out", "fade-out" },
  { "fade_out_curve", "fade-out-curve" },
  { "pause", "pause" },
  { "crossfade", "crossfade" },
  { "crossfade_curve", "crossfade-curve" },
};

static void
write_fields (JsonBuilder *builder,
              GObject     *object,
              const Field *fields,
              guint        n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), fields[i].property);
      GValue v = G_VALUE_INIT;

      g_assert (pspec != NULL);
      g_value_init (&v, pspec->value_type);
      g_object_get_property (object, fields[i].property, &v);
      json_builder_set_member_name (builder, fields[i].key);
      if (G_VALUE_HOLDS_STRING (&v))
        json_builder_add_string_value (builder, g_value_get_string (&v) ? g_value_get_string (&v) : "");
      else if (G_VALUE_HOLDS_BOOLEAN (&v))
        json_builder_add_boolean_value (builder, g_value_get_boolean (&v));
      else if (G_VALUE_HOLDS_UINT64 (&v))
        json_builder_add_int_value (builder, (gint64) g_value_get_uint64 (&v));
      else if (G_VALUE_HOLDS_UINT (&v))
        json_builder_add_int_value (builder, g_value_get_uint (&v));
      else if (G_VALUE_HOLDS_INT (&v))
        json_builder_add_int_value (builder, g_value_get_int (&v));
      else if (G_VALUE_HOLDS_DOUBLE (&v))
        json_builder_add_double_value (builder, g_value_get_double (&v));
      else if (G_VALUE_HOLDS_ENUM (&v))
        {
          GEnumValue *e = g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class, g_value_get_enum (&v));
          json_builder_add_string_value (builder, e ? e->value_nick : "");
        }
      else
        g_assert_not_reached ();
      g_value_unset (&v);
    }
}

/* Sets the properties found in @object; FALSE when a member has the wrong type or range. */
static gboolean
read_fields (JsonObject  *json,
             GObject     *object,
             const Field *fields,
             guint        n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      JsonNode *node = json_object_get_member (json, fields[i].key);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), fields[i].property);
      GType jtype;
      GValue v = G_VALUE_INIT;
      gboolean ok = TRUE;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node))
        return FALSE;
      jtype = json_node_get_value_type (node);
      g_value_init (&v, pspec->value_type);
      if (G_VALUE_HOLDS_STRING (&v) && jtype == G_TYPE_STRING)
        g_value_set_string (&v, *json_node_get_string (node) ? json_node_get_string (node) : NULL);
      else if (G_VALUE_HOLDS_BOOLEAN (&v) && jtype == G_TYPE_BOOLEAN)
        g_value_set_boolean (&v, json_node_get_boolean (node));
      else if (G_VALUE_HOLDS_UINT64 (&v) && jtype == G_TYPE_INT64 && json_node_get_int (node) >= 0)
        g_value_set_uint64 (&v, json_node_get_int (node));
      else if (G_VALUE_HOLDS_UINT (&v) && jtype == G_TYPE_INT64 && json_node_get_int (node) >= 0
               && json_node_get_int (node) <= G_MAXUINT)
        g_value_set_uint (&v, (guint) json_node_get_int (node));
      else if (G_VALUE_HOLDS_INT (&v) && jtype == G_TYPE_INT64 && json_node_get_int (node) >= G_MININT
               && json_node_get_int (node) <= G_MAXINT)
        g_value_set_int (&v, (int) json_node_get_int (node));
      else if (G_VALUE_HOLDS_DOUBLE (&v) && (jtype == G_TYPE_DOUBLE || jtype == G_TYPE_INT64))
        g_value_set_double (&v, json_node_get_double (node));
      else if (G_VALUE_HOLDS_ENUM (&v) && jtype == G_TYPE_STRING)
        {
          GEnumValue *e = g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (pspec)->enum_class, json_node_get_string (node));
          if (e != NULL)
            g_value_set_enum (&v, e->value);
          else
            ok = FALSE;
        }
      else
        ok = FALSE;
      if (ok && g_param_value_validate (pspec, &v))
        ok = FALSE; /* out of range */
      if (ok)
        g_object_set_property (object, fields[i].property, &v);
      g_value_unset (&v);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* A chain's settings snapshots (A/B), when the chain has more than its own settings:
 * "@member": { "held": "A" | "B", "other": [ the other snapshot's elements ] } */
static void
write_snapshots (JsonBuilder *builder,
                 const char  *member,
                 LqChain     *chain)
{
  const char *other;
  int held = lq_chain_get_snapshots (chain, &other);
  JsonNode *node = other != NULL ? json_from_string (other, NULL) : NULL;

  if (held == 0 && node == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "held");
  json_builder_add_string_value (builder, held == 0 ? "A" : "B");
  if (node != NULL)
    {
      json_builder_set_member_name (builder, "other");
      json_builder_add_value (builder, node);
    }
  json_builder_end_object (builder);
}

static void
write_track (JsonBuilder *builder,
             GFile       *dir,
             LqTrack     *track,
             gboolean     full)
{
  g_autofree char *source = relative_path (dir, lq_track_get_file (track));
  GListModel *stems = lq_track_get_stems (track);
  const guint64 *indexes;
  guint n_indexes;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source);
  if (!full)
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, lq_track_get_title (track) ? lq_track_get_title (track) : "");
      json_builder_end_object (builder);
      return;
    }
  write_fields (builder, G_OBJECT (track), track_fields, G_N_ELEMENTS (track_fields));
  json_builder_set_member_name (builder, "indexes");
  json_builder_begin_array (builder);
  indexes = lq_track_get_indexes (track, &n_indexes);
  for (guint i = 0; i < n_indexes; i++)
    json_builder_add_int_value (builder, (gint64) indexes[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "chain");
  json_builder_add_value (builder, lq_chain_to_json (lq_track_get_chain (track)));
  write_snapshots (builder, "chain_snapshots", lq_track_get_chain (track));
  if (g_list_model_get_n_items (stems) > 0)
    {
      json_builder_set_member_name (builder, "stems");
      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (stems); i++)
        {
          g_autoptr(LqStem) stem = g_list_model_get_item (stems, i);
          g_autofree char *stem_source = relative_path (dir, lq_stem_get_file (stem));
          g_autoptr(LqChain) strip = lq_chain_new ();
          g_autoptr(JsonNode) strip_json = NULL;

          lq_chain_append (strip, lq_stem_get_strip (stem));
          strip_json = lq_chain_to_json (strip);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "source");
          json_builder_add_string_value (builder, stem_source);
          json_builder_set_member_name (builder, "strip");
          json_builder_add_value (builder, json_node_copy (json_array_get_element (json_node_get_array (strip_json), 0)));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

/**
 * lq_project_to_json:
 * @file: where the JSON will be stored (source paths are made relative to its folder)
 *
 * Returns: (transfer full): the project as pretty-printed JSON, ending with a newline
 */
char *
lq_project_to_json (LqProject *self,
                    GFile     *file)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GFile) dir = NULL;
  GListModel *tracks;
  char *json;

  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  dir = g_file_get_parent (file);
  tracks = lq_project_get_tracks (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format_version");
  json_builder_add_int_value (builder, LQ_PROJECT_FORMAT_VERSION);
  json_builder_set_member_name (builder, "generator");
  json_builder_add_string_value (builder, PACKAGE_STRING);
  write_fields (builder, G_OBJECT (self), project_fields, G_N_ELEMENTS (project_fields));
  json_builder_set_member_name (builder, "master");
  json_builder_add_value (builder, lq_chain_to_json (lq_project_get_master (self)));
  write_snapshots (builder, "master_snapshots", lq_project_get_master (self));
  json_builder_set_member_name (builder, "tracks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    write_track (builder, dir, lq_project_get_track (self, i), TRUE);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "references");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (lq_project_get_references (self)); i++)
    {
      g_autoptr(LqTrack) ref = g_list_model_get_item (lq_project_get_references (self), i);
      write_track (builder, dir, ref, FALSE);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  lq_project_json_complete (json_node_get_object (root));
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json = json_generator_to_data (generator, NULL);
  {
    char *with_newline = g_strconcat (json, "\n", NULL);
    g_free (json);
    return with_newline;
  }
}

/**
 * lq_project_save:
 *
 * Writes the project to @file atomically (a temporary file, fsync, rename) and keeps the
 * previous version as "@file~". On success the project's file becomes @file.
 */
gboolean
lq_project_save (LqProject     *self,
                 GFile         *file,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(LqAtomicFile) atomic = NULL;
  g_autofree char *json = NULL;
  g_autofree char *backup_path = NULL;
  g_autoptr(GFile) backup = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  json = lq_project_to_json (self, file);
  atomic = lq_atomic_file_new (file, cancellable, error);
  if (atomic == NULL)
    return FALSE;
  if (!g_output_stream_write_all (lq_atomic_file_get_stream (atomic), json, strlen (json), NULL,
                                  cancellable, error))
    return FALSE;

  /* Keep one backup: the file as it was before this save. A copy, so that the project file
   * itself is never missing, even for a moment. */
  backup_path = g_strconcat (g_file_peek_path (file), "~", NULL);
  backup = g_file_new_for_path (backup_path);
  if (g_file_query_exists (file, cancellable))
    g_file_copy (file, backup, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, NULL);

  if (!lq_atomic_file_commit (atomic, cancellable, error))
    return FALSE;
  lq_project_set_file (self, file);
  return TRUE;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}


static void
copy_chain (LqChain *dest,
            LqChain *src)
{
  while (lq_chain_get_n_elements (src) > 0)
    {
      g_autoptr(LqChainElement) element = g_object_ref (lq_chain_get_element (src, 0));
      lq_chain_remove (src, 0);
      lq_chain_append (dest, element);
    }
}

/* The snapshots write_snapshots() wrote into @json's @member (absent: none); FALSE when the
 * member is not valid. */
static gboolean
read_snapshots (JsonObject *json,
                const char *member,
                LqChain    *chain)
{
  JsonNode *node = json_object_get_member (json, member);
  JsonObject *object;
  JsonNode *other;
  const char *held;
  g_autofree char *text = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  held = get_string (object, "held");
  if (g_strcmp0 (held, "A") != 0 && g_strcmp0 (held, "B") != 0)
    return FALSE;
  other = json_object_get_member (object, "other");
  if (other != NULL)
    {
      g_autoptr(LqChain) check = lq_chain_new_from_json (other, NULL);

      if (check == NULL)
        return FALSE;
      text = json_to_string (other, FALSE);
    }
  lq_chain_set_snapshots (chain, held[0] == 'B', text);
  return TRUE;
}

/* A track from its JSON object, or NULL when the object is not valid. */
static LqTrack *
read_track (JsonNode *node,
            GFile    *dir,
            gboolean  full)
{
  g_autoptr(LqTrack) track = NULL;
  g_autoptr(GFile) source_file = NULL;
  g_autoptr(LqChain) chain = NULL;
  JsonObject *t;
  JsonNode *member;
  const char *source;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  t = json_node_get_object (node);
  source = get_string (t, "source");
  if (source == NULL || *source == '\0')
    return NULL;
  source_file = resolve_source (dir, source);

  member = json_object_get_member (t, "stems");
  if (full && member != NULL && JSON_NODE_HOLDS_ARRAY (member) && json_array_get_length (json_node_get_array (member)) > 0)
    {
      JsonArray *stems = json_node_get_array (member);
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) strips = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < json_array_get_length (stems); i++)
        {
          JsonNode *stem = json_array_get_element (stems, i);
          const char *stem_source;
          g_autoptr(JsonNode) wrap = NULL;
          g_autoptr(JsonArray) array = NULL;
          LqChain *strip;

          if (!JSON_NODE_HOLDS_OBJECT (stem))
            return NULL;
          stem_source = get_string (json_node_get_object (stem), "source");
          if (stem_source == NULL || *stem_source == '\0')
            return NULL;
          g_ptr_array_add (files, resolve_source (dir, stem_source));
          array = json_array_new ();
          if (json_object_has_member (json_node_get_object (stem), "strip"))
            json_array_add_element (array, json_node_copy (json_object_get_member (json_node_get_object (stem), "strip")));
          wrap = json_node_init_array (json_node_alloc (), array);
          strip = lq_chain_new_from_json (wrap, NULL);
          if (strip == NULL)
            return NULL;
          g_ptr_array_add (strips, strip);
        }
      track = lq_track_new_for_stems ((GFile **) files->pdata, files->len);
      for (guint i = 0; i < strips->len; i++)
        {
          g_autoptr(LqStem) stem = g_list_model_get_item (lq_track_get_stems (track), i);
          LqChain *strip = g_ptr_array_index (strips, i);
          LqChainElement *from = lq_chain_get_element (strip, 0);
          g_auto(GStrv) names = from ? lq_chain_element_list_properties (from) : NULL;

          if (from == NULL)
            continue;
          lq_chain_element_set_bypass (lq_stem_get_strip (stem), lq_chain_element_get_bypass (from));
          for (guint j = 0; names[j] != NULL; j++)
            lq_chain_element_set (lq_stem_get_strip (stem), names[j], lq_chain_element_get (from, names[j]));
        }
    }
  else
    track = lq_track_new (source_file);

  if (!full)
    {
      const char *title = get_string (t, "title");
      if (title != NULL && *title != '\0')
        lq_track_set_title (track, title);
      return g_steal_pointer (&track);
    }
  if (!read_fields (t, G_OBJECT (track), track_fields, G_N_ELEMENTS (track_fields)))
    return NULL;

  member = json_object_get_member (t, "indexes");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);
      g_autoptr(GArray) indexes = g_array_new (FALSE, FALSE, sizeof (guint64));

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *n = json_array_get_element (array, i);
          guint64 v;

          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) < 0)
            return NULL;
          v = (guint64) json_node_get_int (n);
          g_array_append_val (indexes, v);
        }
      lq_track_set_indexes (track, (const guint64 *) (gpointer) indexes->data, indexes->len);
    }

  chain = lq_chain_new_from_json (json_object_get_member (t, "chain"), NULL);
  if (chain == NULL)
    return NULL;
  copy_chain (lq_track_get_chain (track), chain);
  if (!read_snapshots (t, "chain_snapshots", lq_track_get_chain (track)))
    return NULL;
  return g_steal_pointer (&track);
}

/**
 * lq_project_load:
 *
 * Reads a project file and probes its tracks (blocking: call from a worker thread or use
 * lq_project_load_async()). Tracks whose source is missing are kept and marked missing, so the
 * project opens and the sources can be relinked. A file from a newer Lacquer, or one that is
 * not a project, is refused with a message that says so.
 *
 * Returns: (transfer full) (nullable): the project
 */
LqProject *
lq_project_load (GFile         *file,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LqProject) project = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  JsonNode *root;
  JsonObject *object;
  JsonNode *version_node;
  JsonArray *tracks;
  gint64 version;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot open the project “%s”: %s"), name, local_error->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_PROJECT_CORRUPT,
                   _("The project “%s” is damaged and cannot be read (%s); a backup may exist as “%s~”"),
                   name, local_error->message, name);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto corrupt;
  object = json_node_get_object (root);
  version_node = json_object_get_member (object, "format_version");
  if (version_node == NULL || !JSON_NODE_HOLDS_VALUE (version_node)
      || json_node_get_value_type (version_node) != G_TYPE_INT64)
    goto corrupt;
  version = json_node_get_int (version_node);
  if (version > LQ_PROJECT_FORMAT_VERSION)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_PROJECT_VERSION,
                   _("The project “%s” was saved by a newer version of Lacquer (format %" G_GINT64_FORMAT
                     "; this version reads up to %d); update Lacquer to open it"),
                   name, version, LQ_PROJECT_FORMAT_VERSION);
      return NULL;
    }
  if (version < 1)
    goto corrupt;
  if (version < LQ_PROJECT_FORMAT_VERSION && !lq_project_json_migrate (object, version, error))
    return NULL;
  if (!json_object_has_member (object, "tracks")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "tracks")))
    goto corrupt;

  project = lq_project_new ();
  if (!read_fields (object, G_OBJECT (project), project_fields, G_N_ELEMENTS (project_fields)))
    goto corrupt;
  {
    g_autoptr(LqChain) master = lq_chain_new_from_json (json_object_get_member (object, "master"), NULL);
    if (master == NULL || !read_snapshots (object, "master_snapshots", lq_project_get_master (project)))
      goto corrupt;
    copy_chain (lq_project_get_master (project), master);
  }
  dir = g_file_get_parent (file);
  tracks = json_object_get_array_member (object, "tracks");
  for (guint i = 0; i < json_array_get_length (tracks); i++)
    {
      g_autoptr(LqTrack) track = read_track (json_array_get_element (tracks, i), dir, TRUE);

      if (track == NULL)
        goto corrupt;
      /* A missing or unreadable source keeps its track, marked missing. */
      lq_track_probe (track, cancellable, NULL);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      lq_project_append_track (project, track);
    }
  if (json_object_has_member (object, "references"))
    {
      JsonNode *refs = json_object_get_member (object, "references");

      if (!JSON_NODE_HOLDS_ARRAY (refs))
        goto corrupt;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (refs)); i++)
        {
          g_autoptr(LqTrack) ref = read_track (json_array_get_element (json_node_get_array (refs), i), dir, FALSE);

          if (ref == NULL)
            goto corrupt;
          lq_track_probe (ref, cancellable, NULL);
          g_list_store_append (G_LIST_STORE (lq_project_get_references (project)), ref);
        }
    }
  lq_project_set_file (project, file);
  return g_steal_pointer (&project);

corrupt:
  g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_PROJECT_CORRUPT,
               _("“%s” is not a valid Lacquer project (a member is missing or has the wrong type); a backup may exist as “%s~”"),
               name, name);
  return NULL;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  LqProject *project = lq_project_load (task_data, cancellable, &error);

  if (project == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, project, g_object_unref);
}

void
lq_project_load_async (GFile               *file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_project_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/**
 * lq_project_load_finish:
 *
 * Returns: (transfer full) (nullable): the project
 */
LqProject *
lq_project_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
