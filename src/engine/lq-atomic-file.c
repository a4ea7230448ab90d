/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-atomic-file"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <gio/gfiledescriptorbased.h>
#include <glib/gi18n-lib.h>

#include "lq-atomic-file.h"

struct _LqAtomicFile
{
  GFile *target;             /* where the file appears on commit */
  GFile *temp;               /* hidden sibling holding the bytes until then */
  GFileOutputStream *stream; /* open on temp; NULL once committed */
};

/**
 * lq_atomic_file_new:
 *
 * Returns: (transfer full) (nullable): a writer for @target, or %NULL with @error set (for
 * instance when the folder is not writable)
 */
LqAtomicFile *
lq_atomic_file_new (GFile         *target,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFile) parent = NULL;
  g_autofree char *base = NULL;
  LqAtomicFile *self;

  g_return_val_if_fail (G_IS_FILE (target), NULL);

  parent = g_file_get_parent (target);
  base = g_file_get_basename (target);
  if (parent == NULL || base == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("“%s” is not a file name that can be written"), g_file_peek_path (target));
      return NULL;
    }

  self = g_new0 (LqAtomicFile, 1);
  self->target = g_object_ref (target);
  for (guint attempt = 0; self->stream == NULL; attempt++)
    {
      g_autofree char *name = g_strdup_printf (".%s.%08x.part", base, g_random_int ());
      g_autoptr(GError) local_error = NULL;

      g_clear_object (&self->temp);
      self->temp = g_file_get_child (parent, name);
      self->stream = g_file_create (self->temp, G_FILE_CREATE_PRIVATE, cancellable, &local_error);
      if (self->stream == NULL
          && (attempt > 8 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
        {
          g_autofree char *folder = g_file_get_parse_name (parent);

          g_set_error (error, local_error->domain, local_error->code,
                       _("Cannot write in the folder “%s”: %s"), folder, local_error->message);
          g_clear_object (&self->temp);
          lq_atomic_file_free (self);
          return NULL;
        }
    }
  return self;
}

GOutputStream *
lq_atomic_file_get_stream (LqAtomicFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return G_OUTPUT_STREAM (self->stream);
}

/**
 * lq_atomic_file_commit:
 *
 * Flushes the data to disk and renames the temporary file over the target. On failure the
 * temporary file is removed and the target is left as it was.
 */
gboolean
lq_atomic_file_commit (LqAtomicFile  *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GOutputStream *out;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->stream != NULL, FALSE);

  out = G_OUTPUT_STREAM (self->stream);
  if (!g_output_stream_flush (out, cancellable, error))
    return FALSE;
  if (G_IS_FILE_DESCRIPTOR_BASED (out)
      && fsync (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (out))) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write the data to disk: %s"), g_strerror (saved));
      return FALSE;
    }
  if (!g_output_stream_close (out, cancellable, error))
    return FALSE;
  g_clear_object (&self->stream);
  if (!g_file_move (self->temp, self->target, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    cancellable, NULL, NULL, error))
    return FALSE;
  g_clear_object (&self->temp);
  return TRUE;
}

/**
 * lq_atomic_file_free:
 *
 * Closes and deletes the temporary file unless it was committed.
 */
void
lq_atomic_file_free (LqAtomicFile *self)
{
  if (self == NULL)
    return;
  if (self->stream != NULL)
    g_output_stream_close (G_OUTPUT_STREAM (self->stream), NULL, NULL);
  if (self->temp != NULL)
    g_file_delete (self->temp, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->temp);
  g_clear_object (&self->target);
  g_free (self);
}
