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
  char *artist;        /* the album's performer (CD-Text) */
  char *songwriter;    /* CD-Text */
  char *composer;      /* CD-Text */
  char *genre;         /* CD-Text */
  char *message;       /* CD-Text */
  char *upc;           /* UPC/EAN, as typed */
  char *preset;        /* delivery preset name */
  guint rate;          /* album sample rate */
  gboolean cd_mode;    /* track starts snap to CD frames, Red Book rules apply */
  LqMatchMode match_mode;
  double match_target; /* LUFS */
  int match_anchor;    /* the anchor track's index, -1 none */
  LqTrack *anchor;     /* that track, followed through reorders; NULL while the index names no
                        * track yet (a file sets it before its tracks are added) */
  GListStore *tracks;
  GListStore *references; /* LqTrack: reference mixes for A/B */
  LqChain *master;     /* the album's master chain */
  GFile *file; /* where the project was loaded from or last saved, or NULL */
};

GType
lq_match_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_MATCH_NONE, "LQ_MATCH_NONE", "none" },
    { LQ_MATCH_TARGET, "LQ_MATCH_TARGET", "target" },
    { LQ_MATCH_ANCHOR, "LQ_MATCH_ANCHOR", "anchor" },
    { LQ_MATCH_ALBUM, "LQ_MATCH_ALBUM", "album" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqMatchMode", values));
  return type;
}

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
  PROP_SONGWRITER,
  PROP_COMPOSER,
  PROP_GENRE,
  PROP_MESSAGE,
  PROP_UPC,
  PROP_PRESET,
  PROP_RATE,
  PROP_CD_MODE,
  PROP_MATCH_MODE,
  PROP_MATCH_TARGET,
  PROP_MATCH_ANCHOR,
  PROP_MASTER,
  PROP_REFERENCES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char **
string_field (LqProject *self,
              guint      prop_id)
{
  switch (prop_id)
    {
    case PROP_TITLE: return &self->title;
    case PROP_ARTIST: return &self->artist;
    case PROP_SONGWRITER: return &self->songwriter;
    case PROP_COMPOSER: return &self->composer;
    case PROP_GENRE: return &self->genre;
    case PROP_MESSAGE: return &self->message;
    case PROP_UPC: return &self->upc;
    case PROP_PRESET: return &self->preset;
    default: return NULL;
    }
}

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
  g_clear_pointer (&self->songwriter, g_free);
  g_clear_pointer (&self->composer, g_free);
  g_clear_pointer (&self->genre, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->upc, g_free);
  g_clear_pointer (&self->preset, g_free);
  g_clear_object (&self->anchor);
  g_signal_handlers_disconnect_by_data (self->tracks, self);
  g_clear_object (&self->tracks);
  g_clear_object (&self->references);
  g_clear_object (&self->master);
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

  if (string_field (self, prop_id))
    {
      g_value_set_string (value, *string_field (self, prop_id));
      return;
    }
  switch (prop_id)
    {
    case PROP_RATE:
      g_value_set_uint (value, self->rate);
      break;
    case PROP_CD_MODE:
      g_value_set_boolean (value, self->cd_mode);
      break;
    case PROP_MATCH_MODE:
      g_value_set_enum (value, self->match_mode);
      break;
    case PROP_MATCH_TARGET:
      g_value_set_double (value, self->match_target);
      break;
    case PROP_MATCH_ANCHOR:
      g_value_set_int (value, self->match_anchor);
      break;
    case PROP_MASTER:
      g_value_set_object (value, self->master);
      break;
    case PROP_REFERENCES:
      g_value_set_object (value, self->references);
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
  gboolean changed = FALSE;

  if (string_field (self, prop_id))
    {
      char **field = string_field (self, prop_id);

      if (g_strcmp0 (*field, g_value_get_string (value)) != 0)
        {
          g_free (*field);
          *field = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      return;
    }
  switch (prop_id)
    {
    case PROP_RATE:
      changed = self->rate != g_value_get_uint (value);
      self->rate = g_value_get_uint (value);
      break;
    case PROP_CD_MODE:
      changed = self->cd_mode != g_value_get_boolean (value);
      self->cd_mode = g_value_get_boolean (value);
      break;
    case PROP_MATCH_MODE:
      changed = self->match_mode != (LqMatchMode) g_value_get_enum (value);
      self->match_mode = g_value_get_enum (value);
      break;
    case PROP_MATCH_TARGET:
      changed = self->match_target != g_value_get_double (value);
      self->match_target = g_value_get_double (value);
      break;
    case PROP_MATCH_ANCHOR:
      changed = self->match_anchor != g_value_get_int (value);
      self->match_anchor = g_value_get_int (value);
      g_clear_object (&self->anchor);
      if (self->match_anchor >= 0 && (guint) self->match_anchor < g_list_model_get_n_items (G_LIST_MODEL (self->tracks)))
        self->anchor = g_list_model_get_item (G_LIST_MODEL (self->tracks), self->match_anchor);
      break;
    case PROP_FILE:
      lq_project_set_file (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  if (changed)
    g_object_notify_by_pspec (object, pspec);
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
  {
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
    const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

    properties[PROP_SONGWRITER] = g_param_spec_string ("songwriter", NULL, NULL, NULL, rw);
    properties[PROP_COMPOSER] = g_param_spec_string ("composer", NULL, NULL, NULL, rw);
    properties[PROP_GENRE] = g_param_spec_string ("genre", NULL, NULL, NULL, rw);
    properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, rw);
    properties[PROP_UPC] = g_param_spec_string ("upc", NULL, NULL, NULL, rw);
    properties[PROP_PRESET] = g_param_spec_string ("preset", NULL, NULL, NULL, rw);
    properties[PROP_RATE] = g_param_spec_uint ("rate", NULL, NULL, 8000, 384000, 44100, rw);
    properties[PROP_CD_MODE] = g_param_spec_boolean ("cd-mode", NULL, NULL, FALSE, rw);
    properties[PROP_MATCH_MODE] =
      g_param_spec_enum ("match-mode", NULL, NULL, LQ_TYPE_MATCH_MODE, LQ_MATCH_NONE, rw);
    properties[PROP_MATCH_TARGET] = g_param_spec_double ("match-target", NULL, NULL, -60.0, 0.0, -14.0, rw);
    properties[PROP_MATCH_ANCHOR] = g_param_spec_int ("match-anchor", NULL, NULL, -1, G_MAXINT, -1, rw);
    properties[PROP_MASTER] = g_param_spec_object ("master", NULL, NULL, LQ_TYPE_CHAIN, ro);
    properties[PROP_REFERENCES] = g_param_spec_object ("references", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  }

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* The anchor of level matching is a track, not a place in the list: after tracks are moved,
 * added or removed, match-anchor is the index of the same track (-1 once it is gone, and again
 * its index when an undo brings it back). */
static void
tracks_changed_cb (GListModel *tracks,
                   guint       position,
                   guint       removed,
                   guint       added,
                   gpointer    user_data)
{
  LqProject *self = user_data;
  guint index;
  int anchor;

  if (self->anchor == NULL)
    {
      if (self->match_anchor >= 0 && (guint) self->match_anchor < g_list_model_get_n_items (tracks))
        self->anchor = g_list_model_get_item (tracks, self->match_anchor);
      return;
    }
  anchor = g_list_store_find (self->tracks, self->anchor, &index) ? (int) index : -1;
  if (anchor != self->match_anchor)
    {
      self->match_anchor = anchor;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCH_ANCHOR]);
    }
}

static void
lq_project_init (LqProject *self)
{
  self->tracks = g_list_store_new (LQ_TYPE_TRACK);
  g_signal_connect (self->tracks, "items-changed", G_CALLBACK (tracks_changed_cb), self);
  self->references = g_list_store_new (LQ_TYPE_TRACK);
  self->master = lq_chain_new ();
  self->rate = 44100;
  self->match_target = -14.0;
  self->match_anchor = -1;
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

guint
lq_project_get_rate (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), 0);
  return self->rate;
}

gboolean
lq_project_get_cd_mode (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), FALSE);
  return self->cd_mode;
}

const char *
lq_project_get_upc (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  return self->upc;
}

/**
 * lq_project_get_master:
 *
 * Returns: (transfer none): the album's master chain, run over the whole timeline
 */
LqChain *
lq_project_get_master (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  return self->master;
}

/**
 * lq_project_get_references:
 *
 * Returns: (transfer none): the reference tracks (#LqTrack) for A/B comparison
 */
GListModel *
lq_project_get_references (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->references);
}

LqMatchMode
lq_project_get_match_mode (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), LQ_MATCH_NONE);
  return self->match_mode;
}

double
lq_project_get_match_target (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), 0.0);
  return self->match_target;
}

int
lq_project_get_match_anchor (LqProject *self)
{
  g_return_val_if_fail (LQ_IS_PROJECT (self), -1);
  return self->match_anchor;
}

/**
 * lq_project_get_track_frames:
 *
 * Returns: the length of @track's source at the album's rate, in samples (before trims): the
 *   source length scaled by album rate / source rate, rounded to the nearest sample
 */
guint64
lq_project_get_track_frames (LqProject *self,
                             LqTrack   *track)
{
  guint rate;

  g_return_val_if_fail (LQ_IS_PROJECT (self), 0);
  g_return_val_if_fail (LQ_IS_TRACK (track), 0);

  rate = lq_track_get_rate (track);
  if (rate == 0)
    return 0;
  if (rate == self->rate)
    return lq_track_get_n_frames (track);
  return (lq_track_get_n_frames (track) * self->rate + rate / 2) / rate;
}
