/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-project-file"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lq-atomic-file.h"
#include "lq-engine-error.h"
#include "lq-project.h"

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
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, lq_project_get_title (self) ? lq_project_get_title (self) : "");
  json_builder_set_member_name (builder, "artist");
  json_builder_add_string_value (builder, lq_project_get_artist (self) ? lq_project_get_artist (self) : "");
  json_builder_set_member_name (builder, "tracks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      LqTrack *track = lq_project_get_track (self, i);
      g_autofree char *source = relative_path (dir, lq_track_get_file (track));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, source);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, lq_track_get_title (track) ? lq_track_get_title (track) : "");
      json_builder_set_member_name (builder, "performer");
      json_builder_add_string_value (builder, lq_track_get_performer (track) ? lq_track_get_performer (track) : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
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
  if (!json_object_has_member (object, "tracks")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "tracks")))
    goto corrupt;

  project = lq_project_new ();
  lq_project_set_title (project, get_string (object, "title"));
  lq_project_set_artist (project, get_string (object, "artist"));
  dir = g_file_get_parent (file);
  tracks = json_object_get_array_member (object, "tracks");
  for (guint i = 0; i < json_array_get_length (tracks); i++)
    {
      JsonNode *node = json_array_get_element (tracks, i);
      JsonObject *t;
      const char *source;
      g_autoptr(GFile) source_file = NULL;
      g_autoptr(LqTrack) track = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto corrupt;
      t = json_node_get_object (node);
      source = get_string (t, "source");
      if (source == NULL || *source == '\0')
        goto corrupt;
      source_file = resolve_source (dir, source);
      track = lq_track_new (source_file);
      if (get_string (t, "title") && *get_string (t, "title"))
        lq_track_set_title (track, get_string (t, "title"));
      if (get_string (t, "performer") && *get_string (t, "performer"))
        lq_track_set_performer (track, get_string (t, "performer"));
      /* A missing or unreadable source keeps its track, marked missing. */
      lq_track_probe (track, cancellable, NULL);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      lq_project_append_track (project, track);
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
