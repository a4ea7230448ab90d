/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-autosave"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lq-atomic-file.h"
#include "lq-autosave.h"
#include "lq-engine-error.h"

/* Version of the "<id>.json" sidecar. */
#define INFO_FORMAT 1

struct _LqAutosave
{
  GObject parent_instance;

  LqProject *project;     /* the project written (a reference) */
  LqHistory *history;     /* its history: whether there is anything to save (a reference) */
  GFile *dir;             /* the autosave folder */
  GFile *file;            /* "<id>.lacquer" in dir */
  GFile *info_file;       /* "<id>.json" in dir */
  char *lock_path;        /* "<id>.lock" in dir */
  guint interval;         /* ms between autosaves; 0 = only lq_autosave_save_now() */
  guint timeout_id;       /* the interval's timer, or 0 */
  gulong changed_id;      /* our LqHistory::changed handler */
  gboolean dirty;         /* edits since the last write or removal */
  gboolean busy;          /* a write or removal is running in a worker thread */

  GMutex mutex;           /* guards the fields below, shared with the worker thread */
  int lock_fd;            /* "<id>.lock", open and locked once we wrote; else -1 */
  gboolean on_disk;       /* the .lacquer and .json files exist */
  gboolean discarded;     /* closed cleanly: nothing is written any more */
  GPtrArray *adopted;     /* LqAutosaveEntry this autosave replaces at its next write */
};

struct _LqAutosaveEntry
{
  gatomicrefcount ref_count;
  GFile *file;            /* the autosaved project, "<id>.lacquer" */
  GFile *info_file;       /* "<id>.json", which may be missing */
  GFile *lock_file;       /* "<id>.lock", which may be missing */
  GFile *original;        /* where the project belongs, or NULL when it was never saved */
  char *title;            /* the project's title, or the original file's name, or "" */
  GDateTime *time;        /* when it was written */
};

typedef struct
{
  char *project_json;     /* the project to write, or NULL to remove the files */
  char *info_json;        /* the sidecar to write with it */
} Job;

G_DEFINE_FINAL_TYPE (LqAutosave, lq_autosave, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (LqAutosaveEntry, lq_autosave_entry, lq_autosave_entry_ref, lq_autosave_entry_unref)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  PROP_DIR,
  PROP_FILE,
  PROP_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->project_json);
  g_free (job->info_json);
  g_free (job);
}

/* Opens and locks @path without waiting. Returns the descriptor, or -1 with errno set
 * (EWOULDBLOCK: someone alive holds it; ENOENT: it does not exist and @create is FALSE). */
static int
lock_open (const char *path,
           gboolean    create)
{
  int fd = g_open (path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  int saved;

  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    return fd;
  saved = errno;
  close (fd);
  errno = saved;
  return -1;
}

/* Whether a living LqAutosave (in this process or another) holds @path. */
static gboolean
lock_is_held (const char *path)
{
  int fd = lock_open (path, FALSE);

  if (fd >= 0)
    {
      close (fd); /* drops our lock */
      return FALSE;
    }
  return errno == EWOULDBLOCK || errno == EAGAIN;
}

static gboolean
delete_if_exists (GFile   *file,
                  GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_file_delete (file, NULL, &local_error)
      || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
write_atomically (GFile         *file,
                  const char    *contents,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(LqAtomicFile) atomic = lq_atomic_file_new (file, cancellable, error);

  return atomic != NULL
         && g_output_stream_write_all (lq_atomic_file_get_stream (atomic), contents,
                                       strlen (contents), NULL, cancellable, error)
         && lq_atomic_file_commit (atomic, cancellable, error);
}

static void
entry_delete_files (LqAutosaveEntry *entry)
{
  delete_if_exists (entry->file, NULL);
  delete_if_exists (entry->info_file, NULL);
  delete_if_exists (entry->lock_file, NULL);
}

/* Called with the mutex held. */
static void
delete_adopted (LqAutosave *self)
{
  for (guint i = 0; i < self->adopted->len; i++)
    entry_delete_files (g_ptr_array_index (self->adopted, i));
  g_ptr_array_set_size (self->adopted, 0);
}

/* Called with the mutex held, from the main thread or a worker. */
static gboolean
write_locked (LqAutosave    *self,
              const Job     *job,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *folder = g_file_get_parse_name (self->dir);

  if (self->discarded)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           _("The autosave was discarded when the project was closed"));
      return FALSE;
    }

  if (job->project_json == NULL)
    {
      /* Nothing unsaved: the project file is current, the autosave is not needed. */
      if (self->on_disk)
        {
          delete_if_exists (self->file, NULL);
          delete_if_exists (self->info_file, NULL);
          self->on_disk = FALSE;
        }
      delete_adopted (self);
      return TRUE;
    }

  if (g_mkdir_with_parents (g_file_peek_path (self->dir), 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the autosave folder “%s”: %s"), folder, g_strerror (saved));
      return FALSE;
    }
  if (self->lock_fd < 0)
    {
      self->lock_fd = lock_open (self->lock_path, TRUE);
      if (self->lock_fd < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot lock the autosave in “%s”: %s"), folder, g_strerror (saved));
          return FALSE;
        }
    }

  /* The project first: the sidecar alone is never taken for an autosave. */
  if (!write_atomically (self->file, job->project_json, cancellable, error)
      || !write_atomically (self->info_file, job->info_json, cancellable, error))
    return FALSE;
  self->on_disk = TRUE;

  /* The recovered autosaves this one took over are now safely replaced. */
  delete_adopted (self);
  return TRUE;
}

static char *
build_info (LqAutosave *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *saved_at = g_date_time_format_iso8601 (now);
  GFile *original = lq_project_get_file (self->project);
  const char *title = lq_project_get_title (self->project);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, INFO_FORMAT);
  json_builder_set_member_name (builder, "generator");
  json_builder_add_string_value (builder, PACKAGE_STRING);
  json_builder_set_member_name (builder, "original");
  if (original != NULL)
    {
      g_autofree char *uri = g_file_get_uri (original);
      json_builder_add_string_value (builder, uri);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title != NULL ? title : "");
  json_builder_set_member_name (builder, "saved");
  json_builder_add_string_value (builder, saved_at);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static Job *
job_new (LqAutosave *self,
         gboolean    write)
{
  Job *job = g_new0 (Job, 1);

  if (write)
    {
      job->project_json = lq_project_to_json (self->project, self->file);
      job->info_json = build_info (self);
    }
  return job;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  LqAutosave *self = source_object;
  GError *error = NULL;
  gboolean ok;

  g_mutex_lock (&self->mutex);
  ok = write_locked (self, task_data, cancellable, &error);
  g_mutex_unlock (&self->mutex);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  LqAutosave *self = LQ_AUTOSAVE (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    return;
  if (error != NULL)
    g_message ("Autosave failed: %s", error->message);
  if (job->project_json != NULL)
    g_signal_emit (self, signals[SAVED], 0, error);
}

static gboolean
tick_cb (gpointer data)
{
  LqAutosave *self = data;
  g_autoptr(GTask) task = NULL;

  if (self->busy || !self->dirty)
    return G_SOURCE_CONTINUE;

  self->dirty = FALSE;
  self->busy = TRUE;
  task = g_task_new (self, NULL, job_done_cb, NULL);
  g_task_set_source_tag (task, tick_cb);
  g_task_set_task_data (task, job_new (self, lq_history_is_modified (self->history)), job_free);
  g_task_run_in_thread (task, job_thread);
  return G_SOURCE_CONTINUE;
}

static void
history_changed_cb (LqAutosave *self,
                    LqHistory  *history)
{
  self->dirty = TRUE;
}

static void
restart_timer (LqAutosave *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->interval > 0 && !self->discarded)
    self->timeout_id = g_timeout_add (self->interval, tick_cb, self);
}

static void
lq_autosave_constructed (GObject *object)
{
  LqAutosave *self = (LqAutosave *) object;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (lq_autosave_parent_class)->constructed (object);

  g_assert (self->project != NULL);
  g_assert (self->history != NULL);
  if (self->dir == NULL)
    self->dir = lq_autosave_get_default_dir ();

  id = g_strdup_printf ("%" G_GINT64_FORMAT "-%d-%08x", g_get_real_time () / G_USEC_PER_SEC,
                        (int) getpid (), g_random_int ());
  name = g_strconcat (id, ".lacquer", NULL);
  self->file = g_file_get_child (self->dir, name);
  g_free (name);
  name = g_strconcat (id, ".json", NULL);
  self->info_file = g_file_get_child (self->dir, name);
  g_free (name);
  name = g_strconcat (id, ".lock", NULL);
  self->lock_path = g_build_filename (g_file_peek_path (self->dir), name, NULL);

  /* A project that starts out modified (recovered, say) is written at the first tick. */
  self->dirty = lq_history_is_modified (self->history);
  self->changed_id = g_signal_connect_swapped (self->history, "changed",
                                               G_CALLBACK (history_changed_cb), self);
  restart_timer (self);
}

static void
lq_autosave_dispose (GObject *object)
{
  LqAutosave *self = (LqAutosave *) object;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->history != NULL)
    g_clear_signal_handler (&self->changed_id, self->history);

  G_OBJECT_CLASS (lq_autosave_parent_class)->dispose (object);
}

static void
lq_autosave_finalize (GObject *object)
{
  LqAutosave *self = (LqAutosave *) object;

  /* Not discarded: the files stay, to be offered for recovery (an unclean close). */
  if (self->lock_fd >= 0)
    {
      if (!self->on_disk)
        g_unlink (self->lock_path);
      close (self->lock_fd);
    }
  g_clear_object (&self->project);
  g_clear_object (&self->history);
  g_clear_object (&self->dir);
  g_clear_object (&self->file);
  g_clear_object (&self->info_file);
  g_clear_pointer (&self->lock_path, g_free);
  g_clear_pointer (&self->adopted, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (lq_autosave_parent_class)->finalize (object);
}

static void
lq_autosave_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LqAutosave *self = LQ_AUTOSAVE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_DIR:
      g_value_set_object (value, self->dir);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_autosave_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LqAutosave *self = LQ_AUTOSAVE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_HISTORY:
      self->history = g_value_dup_object (value);
      break;
    case PROP_DIR:
      self->dir = g_value_dup_object (value);
      break;
    case PROP_INTERVAL:
      lq_autosave_set_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_autosave_class_init (LqAutosaveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lq_autosave_constructed;
  object_class->dispose = lq_autosave_dispose;
  object_class->finalize = lq_autosave_finalize;
  object_class->get_property = lq_autosave_get_property;
  object_class->set_property = lq_autosave_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, LQ_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, LQ_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIR] =
    g_param_spec_object ("dir", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * LqAutosave:interval:
   *
   * Milliseconds between autosaves (each writes only when there are unsaved edits); 0 stops
   * the timer.
   */
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 0, G_MAXUINT, LQ_AUTOSAVE_DEFAULT_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LqAutosave::saved:
   * @error: (nullable): why the write failed, or %NULL
   *
   * Emitted after each timed write, successful or not.
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
lq_autosave_init (LqAutosave *self)
{
  g_mutex_init (&self->mutex);
  self->lock_fd = -1;
  self->adopted = g_ptr_array_new_with_free_func ((GDestroyNotify) lq_autosave_entry_unref);
}

/**
 * lq_autosave_get_default_dir:
 *
 * Returns: (transfer full): g_get_user_data_dir()/lacquer/autosave
 */
GFile *
lq_autosave_get_default_dir (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), PACKAGE_NAME, "autosave", NULL);
}

/**
 * lq_autosave_new:
 * @project: the open project
 * @history: its history, which says when there are unsaved edits (lq_history_is_modified())
 * @dir: (nullable): the autosave folder, %NULL for lq_autosave_get_default_dir()
 *
 * Starts autosaving @project every #LqAutosave:interval while it has unsaved edits. When the
 * project becomes clean again (saved, or undone back to the save point) the autosave is
 * removed at the next tick. Writes happen in a worker thread; call from the main thread.
 */
LqAutosave *
lq_autosave_new (LqProject *project,
                 LqHistory *history,
                 GFile     *dir)
{
  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);
  g_return_val_if_fail (LQ_IS_HISTORY (history), NULL);
  g_return_val_if_fail (dir == NULL || G_IS_FILE (dir), NULL);

  return g_object_new (LQ_TYPE_AUTOSAVE, "project", project, "history", history, "dir", dir, NULL);
}

/**
 * lq_autosave_get_project:
 *
 * Returns: (transfer none): the project
 */
LqProject *
lq_autosave_get_project (LqAutosave *self)
{
  g_return_val_if_fail (LQ_IS_AUTOSAVE (self), NULL);
  return self->project;
}

/**
 * lq_autosave_get_history:
 *
 * Returns: (transfer none): the project's history
 */
LqHistory *
lq_autosave_get_history (LqAutosave *self)
{
  g_return_val_if_fail (LQ_IS_AUTOSAVE (self), NULL);
  return self->history;
}

/**
 * lq_autosave_get_dir:
 *
 * Returns: (transfer none): the autosave folder
 */
GFile *
lq_autosave_get_dir (LqAutosave *self)
{
  g_return_val_if_fail (LQ_IS_AUTOSAVE (self), NULL);
  return self->dir;
}

/**
 * lq_autosave_get_file:
 *
 * Returns: (transfer none): where this autosave writes the project (it may not exist yet)
 */
GFile *
lq_autosave_get_file (LqAutosave *self)
{
  g_return_val_if_fail (LQ_IS_AUTOSAVE (self), NULL);
  return self->file;
}

guint
lq_autosave_get_interval (LqAutosave *self)
{
  g_return_val_if_fail (LQ_IS_AUTOSAVE (self), 0);
  return self->interval;
}

void
lq_autosave_set_interval (LqAutosave *self,
                          guint       msec)
{
  g_return_if_fail (LQ_IS_AUTOSAVE (self));

  if (self->interval == msec)
    return;
  self->interval = msec;
  if (self->file != NULL) /* else constructed() starts the timer */
    restart_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

/**
 * lq_autosave_save_now:
 *
 * Writes the autosave at once, modified or not (blocking: a small file and an fsync).
 *
 * Returns: %TRUE on success; %FALSE with @error set when the folder cannot be written, or
 * with %G_IO_ERROR_CLOSED after lq_autosave_discard()
 */
gboolean
lq_autosave_save_now (LqAutosave    *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  Job *job;
  gboolean ok;

  g_return_val_if_fail (LQ_IS_AUTOSAVE (self), FALSE);

  job = job_new (self, TRUE);
  g_mutex_lock (&self->mutex);
  ok = write_locked (self, job, cancellable, error);
  g_mutex_unlock (&self->mutex);
  job_free (job);
  if (ok)
    self->dirty = FALSE;
  return ok;
}

/**
 * lq_autosave_adopt:
 * @entry: a recovered autosave whose project this autosave now writes
 *
 * The leftover @entry is deleted once this autosave has written the recovered project (or
 * once the project is saved and clean, or at lq_autosave_discard()), so the recovered work is
 * on disk at every moment and is offered only once.
 */
void
lq_autosave_adopt (LqAutosave      *self,
                   LqAutosaveEntry *entry)
{
  g_return_if_fail (LQ_IS_AUTOSAVE (self));
  g_return_if_fail (entry != NULL);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->adopted, lq_autosave_entry_ref (entry));
  g_mutex_unlock (&self->mutex);
  self->dirty = TRUE;
}

/**
 * lq_autosave_discard:
 *
 * The clean close: stops autosaving and deletes the autosave (and adopted ones). Waits for a
 * write in progress. Nothing is written afterwards.
 */
void
lq_autosave_discard (LqAutosave *self)
{
  g_return_if_fail (LQ_IS_AUTOSAVE (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_mutex_lock (&self->mutex);
  self->discarded = TRUE;
  delete_if_exists (self->file, NULL);
  delete_if_exists (self->info_file, NULL);
  self->on_disk = FALSE;
  delete_adopted (self);
  if (self->lock_fd >= 0)
    {
      g_unlink (self->lock_path);
      close (self->lock_fd);
      self->lock_fd = -1;
    }
  g_mutex_unlock (&self->mutex);
}

LqAutosaveEntry *
lq_autosave_entry_ref (LqAutosaveEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  g_atomic_ref_count_inc (&entry->ref_count);
  return entry;
}

void
lq_autosave_entry_unref (LqAutosaveEntry *entry)
{
  g_return_if_fail (entry != NULL);

  if (!g_atomic_ref_count_dec (&entry->ref_count))
    return;
  g_clear_object (&entry->file);
  g_clear_object (&entry->info_file);
  g_clear_object (&entry->lock_file);
  g_clear_object (&entry->original);
  g_clear_pointer (&entry->title, g_free);
  g_clear_pointer (&entry->time, g_date_time_unref);
  g_free (entry);
}

/**
 * lq_autosave_entry_get_file:
 *
 * Returns: (transfer none): the autosaved project file
 */
GFile *
lq_autosave_entry_get_file (LqAutosaveEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->file;
}

/**
 * lq_autosave_entry_get_original:
 *
 * Returns: (transfer none) (nullable): the project file the autosave belongs to, or %NULL for
 *   a project that was never saved
 */
GFile *
lq_autosave_entry_get_original (LqAutosaveEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->original;
}

/**
 * lq_autosave_entry_get_title:
 *
 * Returns: the project's title, else the original file's name, else ""
 */
const char *
lq_autosave_entry_get_title (LqAutosaveEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->title;
}

/**
 * lq_autosave_entry_get_time:
 *
 * Returns: (transfer none): when the autosave was written
 */
GDateTime *
lq_autosave_entry_get_time (LqAutosaveEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->time;
}

/**
 * lq_autosave_entry_discard:
 *
 * Deletes a leftover autosave the user does not want back.
 */
gboolean
lq_autosave_entry_discard (LqAutosaveEntry  *entry,
                           GError          **error)
{
  int fd;

  g_return_val_if_fail (entry != NULL, FALSE);

  fd = lock_open (g_file_peek_path (entry->lock_file), TRUE);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == EWOULDBLOCK || saved == EAGAIN)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                             _("This autosave belongs to a project that is still open"));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     _("Cannot remove the autosave: %s"), g_strerror (saved));
      return FALSE;
    }
  if (!delete_if_exists (entry->file, error) || !delete_if_exists (entry->info_file, error))
    {
      close (fd);
      return FALSE;
    }
  g_unlink (g_file_peek_path (entry->lock_file));
  close (fd);
  return TRUE;
}

static void
entry_read_info (LqAutosaveEntry *entry)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *contents = NULL;
  gsize length;
  JsonObject *object;
  JsonNode *node;

  if (!g_file_load_contents (entry->info_file, NULL, &contents, &length, NULL, NULL)
      || !json_parser_load_from_data (parser, contents, length, NULL)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));

  node = json_object_get_member (object, "original");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    entry->original = g_file_new_for_uri (json_node_get_string (node));
  node = json_object_get_member (object, "title");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    entry->title = g_strdup (json_node_get_string (node));
  node = json_object_get_member (object, "saved");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    entry->time = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);
}

static LqAutosaveEntry *
entry_new (GFile      *dir,
           const char *id)
{
  LqAutosaveEntry *entry = g_new0 (LqAutosaveEntry, 1);
  g_autofree char *project_name = g_strconcat (id, ".lacquer", NULL);
  g_autofree char *info_name = g_strconcat (id, ".json", NULL);
  g_autofree char *lock_name = g_strconcat (id, ".lock", NULL);

  g_atomic_ref_count_init (&entry->ref_count);
  entry->file = g_file_get_child (dir, project_name);
  entry->info_file = g_file_get_child (dir, info_name);
  entry->lock_file = g_file_get_child (dir, lock_name);
  entry_read_info (entry);

  if (entry->time == NULL)
    {
      g_autoptr(GFileInfo) info = g_file_query_info (entry->file, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);

      entry->time = info != NULL ? g_file_info_get_modification_date_time (info) : NULL;
      if (entry->time == NULL)
        entry->time = g_date_time_new_from_unix_utc (0);
    }
  if (entry->title == NULL || *entry->title == '\0')
    {
      g_free (entry->title);
      entry->title = entry->original != NULL ? g_file_get_basename (entry->original) : g_strdup ("");
    }
  return entry;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const LqAutosaveEntry *ea = *(LqAutosaveEntry * const *) a;
  const LqAutosaveEntry *eb = *(LqAutosaveEntry * const *) b;

  return g_date_time_compare (eb->time, ea->time);
}

/* The id of a temporary file LqAtomicFile left behind (".<id>.lacquer.<hex>.part"), or NULL. */
static char *
part_file_id (const char *name)
{
  const char *end;

  if (name[0] != '.' || !g_str_has_suffix (name, ".part"))
    return NULL;
  if ((end = strstr (name, ".lacquer.")) == NULL && (end = strstr (name, ".json.")) == NULL)
    return NULL;
  return g_strndup (name + 1, end - (name + 1));
}

/**
 * lq_autosave_find_recoverable:
 * @dir: (nullable): the autosave folder, %NULL for lq_autosave_get_default_dir()
 *
 * Lists autosaves left behind by a crash (or a close without lq_autosave_discard()); those of
 * projects open right now, in this process or another, are not listed. Temporary files of a
 * write that was cut short, and sidecars of a removal that was cut short, are deleted.
 *
 * Returns: (transfer container) (element-type LqAutosaveEntry): the leftovers, newest first
 */
GPtrArray *
lq_autosave_find_recoverable (GFile *dir)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lq_autosave_entry_unref);
  g_autoptr(GFile) default_dir = NULL;
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  g_return_val_if_fail (dir == NULL || G_IS_FILE (dir), entries);

  if (dir == NULL)
    dir = default_dir = lq_autosave_get_default_dir ();
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                        NULL, NULL);
  if (children == NULL)
    return entries;

  while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      const char *name = g_file_info_get_name (info);
      g_autofree char *id = NULL;
      g_autofree char *lock_name = NULL;
      g_autofree char *lock_path = NULL;
      g_autofree char *part_id = part_file_id (name);

      if (part_id != NULL)
        {
          lock_name = g_strconcat (part_id, ".lock", NULL);
          lock_path = g_build_filename (g_file_peek_path (dir), lock_name, NULL);
          if (!lock_is_held (lock_path))
            {
              g_autoptr(GFile) part = g_file_get_child (dir, name);
              delete_if_exists (part, NULL);
            }
        }
      else if (name[0] != '.' && g_str_has_suffix (name, ".json"))
        {
          /* A sidecar without its project: a removal was cut short. */
          g_autofree char *project_name = NULL;
          g_autoptr(GFile) project = NULL;

          id = g_strndup (name, strlen (name) - strlen (".json"));
          project_name = g_strconcat (id, ".lacquer", NULL);
          project = g_file_get_child (dir, project_name);
          lock_name = g_strconcat (id, ".lock", NULL);
          lock_path = g_build_filename (g_file_peek_path (dir), lock_name, NULL);
          if (!g_file_query_exists (project, NULL) && !lock_is_held (lock_path))
            {
              g_autoptr(GFile) sidecar = g_file_get_child (dir, name);
              delete_if_exists (sidecar, NULL);
            }
        }
      else if (name[0] != '.' && g_str_has_suffix (name, ".lacquer"))
        {
          id = g_strndup (name, strlen (name) - strlen (".lacquer"));
          lock_name = g_strconcat (id, ".lock", NULL);
          lock_path = g_build_filename (g_file_peek_path (dir), lock_name, NULL);
          if (!lock_is_held (lock_path))
            g_ptr_array_add (entries, entry_new (dir, id));
        }
      g_object_unref (info);
    }

  g_ptr_array_sort (entries, compare_newest_first);
  return entries;
}

/**
 * lq_autosave_recover:
 *
 * Loads the autosaved project like lq_project_load() (blocking: the tracks are probed; see
 * lq_autosave_recover_async()). Its file is the original project file (or %NULL), so that
 * saving puts it back where it belongs. The entry stays on disk: lq_autosave_adopt() it into
 * the project's new autosave, or lq_autosave_entry_discard() it.
 *
 * Returns: (transfer full) (nullable): the project
 */
LqProject *
lq_autosave_recover (LqAutosaveEntry  *entry,
                     GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  LqProject *project;

  g_return_val_if_fail (entry != NULL, NULL);

  project = lq_project_load (entry->file, NULL, &local_error);
  if (project == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("The autosaved copy of “%s” cannot be recovered: %s"),
                   entry->title, local_error->message);
      return NULL;
    }
  lq_project_set_file (project, entry->original);
  return project;
}

static void
recover_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  LqProject *project = lq_autosave_recover (task_data, &error);

  if (project == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, project, g_object_unref);
}

void
lq_autosave_recover_async (LqAutosaveEntry     *entry,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (entry != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_autosave_recover_async);
  g_task_set_task_data (task, lq_autosave_entry_ref (entry), (GDestroyNotify) lq_autosave_entry_unref);
  g_task_run_in_thread (task, recover_thread);
}

/**
 * lq_autosave_recover_finish:
 *
 * Returns: (transfer full) (nullable): the project
 */
LqProject *
lq_autosave_recover_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
