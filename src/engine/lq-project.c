/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-project"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lq-engine-error.h"
#include "lq-project.h"

struct _LqProject
{
  GObject parent_instance;

  char *title;
  char *artist;
  GListStore *tracks;
  GFile *file; /* where the project was loaded from or last saved, or NULL */
};

typedef struct
{
  GPtrArray *files;  /* GFile to probe, in order */
  GPtrArray *tracks; /* LqTrack that probed fine */
  GString *errors;   /* one line per file that did not */
} AddFiles;

G_DEFINE_FINAL_TYPE (LqProject, lq_project, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_ARTIST,
  PROP_TRACKS,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_files_free (gpointer data)
{
  AddFiles *add = data;

  g_ptr_array_unref (add->files);
  g_ptr_array_unref (add->tracks);
  g_string_free (add->errors, TRUE);
  g_free (add);
}

static void
add_files_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  AddFiles *add = task_data;

  for (guint i = 0; i < add->files->len; i++)
    {
      g_autoptr(LqTrack) track = lq_track_new (g_ptr_array_index (add->files, i));
      g_autoptr(GError) error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (lq_track_probe (track, cancellable, &error))
        g_ptr_array_add (add->tracks, g_steal_pointer (&track));
      else
        g_string_append_printf (add->errors, "%s%s", add->errors->len ? "\n" : "", error->message);
    }
  g_task_return_boolean (task, TRUE);
}

static void
lq_project_finalize (GObject *object)
{
  LqProject *self = (LqProject *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->artist, g_free);
  g_clear_object (&self->tracks);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (lq_project_parent_class)->finalize (object);
}

static void
lq_project_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LqProject *self = LQ_PROJECT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_ARTIST:
      g_value_set_string (value, self->artist);
      break;
    case PROP_TRACKS:
      g_value_set_object (value, self->tracks);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_project_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LqProject *self = LQ_PROJECT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      lq_project_set_title (self, g_value_get_string (value));
      break;
    case PROP_ARTIST:
      lq_project_set_artist (self, g_value_get_string (value));
      break;
    case PROP_FILE:
      lq_project_set_file (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_project_class_init (LqProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lq_project_finalize;
  object_class->get_property = lq_project_get_property;
  object_class->set_property = lq_project_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ARTIST] =
    g_param_spec_string ("artist", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRACKS] =
    g_param_spec_object ("tracks", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lq_project_init (LqProject *self)
{
  self->tracks = g_list_store_new (LQ_TYPE_TRACK);
}

LqProject *
lq_project_new (void)
{
  return g_object_new (LQ_TYPE_PROJECT, NULL);
}

const char *
lq_project_get_title (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  return self->title;
}

void
lq_project_set_title (LqProject  *self,
                      const char *title)
{
  g_return_if_fail (LQ_IS_PROJECT (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
lq_project_get_artist (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  return self->artist;
}

void
lq_project_set_artist (LqProject  *self,
                       const char *artist)
{
  g_return_if_fail (LQ_IS_PROJECT (self));

  if (g_strcmp0 (self->artist, artist) == 0)
    return;
  g_free (self->artist);
  self->artist = g_strdup (artist);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARTIST]);
}

/**
 * lq_project_get_tracks:
 *
 * Returns: (transfer none): the album's tracks in order, a #GListModel of #LqTrack
 */
GListModel *
lq_project_get_tracks (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->tracks);
}

guint
lq_project_get_n_tracks (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->tracks));
}

/**
 * lq_project_get_track:
 *
 * Returns: (transfer none) (nullable): the track at @position
 */
LqTrack *
lq_project_get_track (LqProject *self,
                      guint      position)
{
  g_autoptr(LqTrack) track = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);

  track = g_list_model_get_item (G_LIST_MODEL (self->tracks), position);
  return track; /* the store keeps its own reference */
}

void
lq_project_append_track (LqProject *self,
                         LqTrack   *track)
{
  g_return_if_fail (LQ_IS_PROJECT (self));
  g_return_if_fail (LQ_IS_TRACK (track));

  g_list_store_append (self->tracks, track);
}

/**
 * lq_project_add_files_async:
 *
 * Probes @files in a worker thread and appends the readable ones, in order, as tracks.
 * lq_project_add_files_finish() fails with one line per file that could not be added (the
 * others are added all the same).
 */
void
lq_project_add_files_async (LqProject           *self,
                            GFile              **files,
                            guint                n_files,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddFiles *add;

  g_return_if_fail (LQ_IS_PROJECT (self));
  g_return_if_fail (files != NULL || n_files == 0);

  add = g_new0 (AddFiles, 1);
  add->files = g_ptr_array_new_with_free_func (g_object_unref);
  add->tracks = g_ptr_array_new_with_free_func (g_object_unref);
  add->errors = g_string_new (NULL);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (add->files, g_object_ref (files[i]));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_project_add_files_async);
  g_task_set_task_data (task, add, add_files_free);
  g_task_run_in_thread (task, add_files_thread);
}

gboolean
lq_project_add_files_finish (LqProject     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  GTask *task = G_TASK (result);
  AddFiles *add;

  g_return_val_if_fail (LQ_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (task, error))
    return FALSE;

  add = g_task_get_task_data (task);
  g_list_store_splice (self->tracks, g_list_model_get_n_items (G_LIST_MODEL (self->tracks)), 0,
                       add->tracks->pdata, add->tracks->len);
  if (add->errors->len > 0)
    {
      g_set_error_literal (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED, add->errors->str);
      return FALSE;
    }
  return TRUE;
}

/**
 * lq_project_get_file:
 *
 * Returns: (transfer none) (nullable): the project file, or %NULL for a new project
 */
GFile *
lq_project_get_file (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  return self->file;
}

void
lq_project_set_file (LqProject *self,
                     GFile     *file)
{
  g_return_if_fail (LQ_IS_PROJECT (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}
