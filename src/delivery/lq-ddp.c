/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-ddp"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lq-album-reader.h"
#include "lq-ddp.h"
#include "lq-decoder.h"
#include "lq-dither.h"
#include "lq-engine-error.h"
#include "lq-pq-sheet.h"

#define BLOCK_FRAMES (LQ_CD_FRAME_SAMPLES * 32)

/* ---- LqCdRender ---- */

struct _LqCdRender
{
  LqAlbumReader *reader;    /* the album, when it is at 44.1 kHz */
  LqDecoder *decoder;       /* else the album resampled to 44.1 kHz, read from temp */
  GFile *temp;              /* the resampled album (float WAV), deleted on free */
  LqDither *dither;         /* 16-bit flat TPDF, seeded, silent on digital silence */
  guint64 audio_frames;     /* frames of album audio */
  guint64 total_frames;     /* audio_frames rounded up to whole sectors */
  guint64 position;         /* frames returned so far */
  guint64 pregap_frames;    /* frames before track 1's index 01: always digital silence */
  float *block;             /* BLOCK_FRAMES stereo frames of float audio */
  gint16 *s16;              /* the same, as 16-bit samples (lq_cd_render_write()) */
  guint8 *bytes;            /* the same, as little-endian bytes (lq_cd_render_write()) */
};

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s “%s”: %s", what, display, g_strerror (saved_errno));
  return FALSE;
}

/**
 * lq_cd_render_new:
 * @scratch_dir: where the resampled album is kept while it is read (only when the album
 *   rate is not 44.1 kHz): a float WAV as long as the album, deleted on free
 * @progress: (nullable): progress of the resampling pass, when there is one
 *
 * Returns: (transfer full) (nullable): the CD audio, or %NULL with @error set
 */
LqCdRender *
lq_cd_render_new (LqProject             *project,
                  GFile                 *scratch_dir,
                  GCancellable          *cancellable,
                  LqRenderProgressFunc   progress,
                  gpointer               progress_data,
                  GError               **error)
{
  g_autoptr(LqCdRender) self = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);
  g_return_val_if_fail (G_IS_FILE (scratch_dir), NULL);

  self = g_new0 (LqCdRender, 1);
  if (lq_project_get_rate (project) == LQ_CD_RATE)
    {
      self->reader = lq_album_reader_new (project, error);
      if (self->reader == NULL)
        return NULL;
      self->audio_frames = lq_album_reader_get_length (self->reader);
    }
  else
    {
      LqRenderOptions options = { .format = LQ_WAV_FLOAT32, .rate = LQ_CD_RATE };
      g_autofree char *name = g_strdup_printf (".lacquer-cd-%08x.wav", g_random_int ());

      self->temp = g_file_get_child (scratch_dir, name);
      if (!lq_render_album (project, self->temp, &options, cancellable, progress, progress_data, error))
        {
          g_clear_object (&self->temp);
          return NULL;
        }
      self->decoder = lq_decoder_new (self->temp, 0, error);
      if (self->decoder == NULL)
        return NULL;
      self->audio_frames = lq_decoder_get_n_frames (self->decoder);
    }
  self->total_frames = (self->audio_frames + LQ_CD_FRAME_SAMPLES - 1) / LQ_CD_FRAME_SAMPLES * LQ_CD_FRAME_SAMPLES;
  {
    g_autoptr(LqCdDisc) disc = lq_cd_disc_new_from_project (project, NULL);

    self->pregap_frames = disc->n_tracks > 0 ? disc->tracks[0].start * LQ_CD_FRAME_SAMPLES : 0;
  }
  self->dither = lq_dither_new (LQ_CD_RATE, 2);
  if (self->dither == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID, _("Could not set up the dither"));
      return NULL;
    }
  lq_dither_set_bits (self->dither, 16);
  lq_dither_set_shape (self->dither, LQ_DITHER_SHAPE_NONE);
  lq_dither_set_mute_silence (self->dither, 1);
  lq_dither_set_seed (self->dither, LQ_CD_RENDER_DITHER_SEED);
  self->block = g_new (float, BLOCK_FRAMES * 2);
  self->s16 = g_new (gint16, BLOCK_FRAMES * 2);
  self->bytes = g_new (guint8, BLOCK_FRAMES * 4);
  return g_steal_pointer (&self);
}

/* Stereo frames of CD audio: whole sectors (a multiple of 588). */
guint64
lq_cd_render_get_frames (LqCdRender *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->total_frames;
}

/**
 * lq_cd_render_read:
 * @interleaved: room for @max_frames stereo frames
 *
 * Returns: frames read, 0 at the end, -1 on error (cancelled, a source failed)
 */
gssize
lq_cd_render_read (LqCdRender    *self,
                   gint16        *interleaved,
                   gsize          max_frames,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gsize want, got = 0;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (interleaved != NULL || max_frames == 0, -1);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  want = MIN ((guint64) MIN (max_frames, BLOCK_FRAMES), self->total_frames - self->position);
  if (self->position < self->audio_frames)
    {
      gsize audio = MIN ((guint64) want, self->audio_frames - self->position);
      gssize n;

      if (self->reader != NULL)
        n = lq_album_reader_read (self->reader, self->block, audio, cancellable, error);
      else
        n = lq_decoder_read (self->decoder, self->block, audio, error);
      if (n < 0)
        return -1;
      if (n == 0)
        {
          /* The source ended a little early (a decoder's length estimate): silence. */
          memset (self->block, 0, audio * 2 * sizeof (float));
          n = audio;
        }
      lq_dither_process_s16 (self->dither, self->block, interleaved, n);
      if (self->position < self->pregap_frames)
        memset (interleaved, 0, MIN ((guint64) n, self->pregap_frames - self->position) * 2 * sizeof (gint16));
      got = n;
    }
  if (got < want && self->position + got >= self->audio_frames)
    {
      memset (interleaved + got * 2, 0, (want - got) * 2 * sizeof (gint16));
      got = want;
    }
  self->position += got;
  return got;
}

/**
 * lq_cd_render_write:
 * @file: where the audio goes
 *
 * Reads the next block of CD audio (lq_cd_render_read()) and appends it to @file as the
 * Red Book stores it: 16-bit little-endian samples, left then right.
 *
 * Returns: frames written, 0 at the end, -1 on error
 */
gssize
lq_cd_render_write (LqCdRender    *self,
                    LqOutputFile  *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  gssize n;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (file != NULL, -1);

  n = lq_cd_render_read (self, self->s16, BLOCK_FRAMES, cancellable, error);
  if (n <= 0)
    return n;
  for (gssize i = 0; i < n * 2; i++)
    {
      guint16 v = (guint16) self->s16[i];

      self->bytes[2 * i] = v & 0xFF;
      self->bytes[2 * i + 1] = v >> 8;
    }
  if (!lq_output_file_write (file, self->bytes, n * 4, error))
    return -1;
  return n;
}

void
lq_cd_render_free (LqCdRender *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->reader, lq_album_reader_free);
  g_clear_pointer (&self->decoder, lq_decoder_free);
  if (self->temp != NULL)
    g_file_delete (self->temp, NULL, NULL);
  g_clear_object (&self->temp);
  g_clear_pointer (&self->dither, lq_dither_free);
  g_free (self->block);
  g_free (self->s16);
  g_free (self->bytes);
  g_free (self);
}

/* ---- LqOutputFolder ---- */

struct _LqOutputFile
{
  LqOutputFolder *folder;   /* the folder it is in */
  char *name;               /* its name there */
  char *path;               /* its path (in the temporary folder) */
  int fd;                   /* open for writing; -1 once closed */
  GChecksum *md5;           /* of the bytes written */
  guint64 size;             /* bytes written */
};

struct _LqOutputFolder
{
  char *destination;        /* the folder to make */
  char *temp;               /* the hidden folder beside it holding the files until commit */
  gboolean overwrite;       /* replace a non-empty destination */
  GPtrArray *files;         /* LqOutputFile, in order of creation */
  gboolean committed;       /* renamed into place */
};

static void
output_file_free (gpointer data)
{
  LqOutputFile *file = data;

  if (file->fd >= 0)
    close (file->fd);
  g_checksum_free (file->md5);
  g_free (file->name);
  g_free (file->path);
  g_free (file);
}

static gboolean
remove_tree (const char  *path,
             GError     **error)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_unlink (path) == 0 || errno == ENOENT || set_errno_error (error, errno, _("Cannot remove"), path);
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!remove_tree (child, error))
        {
          g_dir_close (dir);
          return FALSE;
        }
    }
  g_dir_close (dir);
  return g_rmdir (path) == 0 || set_errno_error (error, errno, _("Cannot remove"), path);
}

static gboolean
is_empty_dir (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  gboolean empty;

  if (dir == NULL)
    return FALSE;
  empty = g_dir_read_name (dir) == NULL;
  g_dir_close (dir);
  return empty;
}

static gboolean
check_destination (const char  *path,
                   gboolean     overwrite,
                   GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("“%s” exists and is not a folder; choose another name"), display);
      return FALSE;
    }
  if (!overwrite && !is_empty_dir (path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("The folder “%s” already exists and is not empty; choose a new folder, or allow replacing it"),
                   display);
      return FALSE;
    }
  return TRUE;
}

static void
sync_dir (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/**
 * lq_output_folder_new:
 * @destination: a local folder that does not exist yet (or is empty)
 *
 * Makes the hidden temporary folder beside @destination.
 *
 * Returns: (transfer full) (nullable): the folder, or %NULL with @error set (the destination
 *   exists and is not empty, its parent is not writable)
 */
LqOutputFolder *
lq_output_folder_new (GFile     *destination,
                      gboolean   overwrite,
                      GError   **error)
{
  g_autoptr(LqOutputFolder) self = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *template = NULL;
  const char *path;

  g_return_val_if_fail (G_IS_FILE (destination), NULL);

  path = g_file_peek_path (destination);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (destination);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is not a local folder; CD masters are written to local disks only"), uri);
      return NULL;
    }
  if (!check_destination (path, overwrite, error))
    return NULL;

  self = g_new0 (LqOutputFolder, 1);
  self->destination = g_canonicalize_filename (path, NULL);
  self->overwrite = overwrite;
  self->files = g_ptr_array_new_with_free_func (output_file_free);
  parent = g_path_get_dirname (self->destination);
  base = g_path_get_basename (self->destination);
  template = g_strdup_printf ("%s/.%s.partial-XXXXXX", parent, base);
  if (g_mkdtemp_full (template, 0755) == NULL)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (parent);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot write in the folder “%s”: %s"), display, g_strerror (saved));
      return NULL;
    }
  self->temp = g_steal_pointer (&template);
  return g_steal_pointer (&self);
}

/* The temporary folder the files go into until commit. */
const char *
lq_output_folder_get_path (LqOutputFolder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->temp;
}

/**
 * lq_output_folder_create:
 *
 * Returns: (transfer none) (nullable): a new file in the folder, owned by the folder
 */
LqOutputFile *
lq_output_folder_create (LqOutputFolder  *self,
                         const char      *name,
                         GError         **error)
{
  LqOutputFile *file;
  g_autofree char *path = NULL;
  int fd;

  g_return_val_if_fail (self != NULL && !self->committed, NULL);
  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, NULL);

  path = g_build_filename (self->temp, name, NULL);
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot create"), path);
      return NULL;
    }
  file = g_new0 (LqOutputFile, 1);
  file->folder = self;
  file->name = g_strdup (name);
  file->path = g_steal_pointer (&path);
  file->fd = fd;
  file->md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_ptr_array_add (self->files, file);
  return file;
}

gboolean
lq_output_file_write (LqOutputFile  *file,
                      const void    *data,
                      gsize          size,
                      GError       **error)
{
  const guint8 *p = data;
  gsize done = 0;

  g_return_val_if_fail (file != NULL && file->fd >= 0, FALSE);

  while (done < size)
    {
      gssize n = write (file->fd, p + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return set_errno_error (error, errno, _("Cannot write"), file->path);
      done += n;
    }
  g_checksum_update (file->md5, data, size);
  file->size += size;
  return TRUE;
}

/* Flushes the file to disk and closes it. */
gboolean
lq_output_file_close (LqOutputFile  *file,
                      GError       **error)
{
  int fd;

  g_return_val_if_fail (file != NULL && file->fd >= 0, FALSE);

  fd = file->fd;
  file->fd = -1;
  if (fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      return set_errno_error (error, saved, _("Cannot write"), file->path);
    }
  if (close (fd) != 0)
    return set_errno_error (error, errno, _("Cannot write"), file->path);
  return TRUE;
}

gboolean
lq_output_folder_write_file (LqOutputFolder  *self,
                             const char      *name,
                             const void      *data,
                             gsize            size,
                             GError         **error)
{
  LqOutputFile *file = lq_output_folder_create (self, name, error);

  return file != NULL && lq_output_file_write (file, data, size, error)
         && lq_output_file_close (file, error);
}

/**
 * lq_output_folder_get_md5:
 *
 * Returns: (nullable): the MD5 (hex) of a closed file written into the folder
 */
const char *
lq_output_folder_get_md5 (LqOutputFolder *self,
                          const char     *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->files->len; i++)
    {
      LqOutputFile *file = self->files->pdata[i];

      if (file->fd < 0 && strcmp (file->name, name) == 0)
        return g_checksum_get_string (file->md5);
    }
  return NULL;
}

/* Writes an md5sum list ("<md5> *<name>", LF) of every file written so far. */
gboolean
lq_output_folder_write_checksums (LqOutputFolder  *self,
                                  const char      *name,
                                  GError         **error)
{
  g_autoptr(GString) list = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->files->len; i++)
    {
      LqOutputFile *file = self->files->pdata[i];

      g_return_val_if_fail (file->fd < 0, FALSE);
      g_string_append_printf (list, "%s *%s\n", g_checksum_get_string (file->md5), file->name);
    }
  return lq_output_folder_write_file (self, name, list->str, list->len, error);
}

/**
 * lq_output_folder_commit:
 *
 * Renames the temporary folder to the destination (replacing an old folder there when
 * allowed). Every file must be closed.
 */
gboolean
lq_output_folder_commit (LqOutputFolder  *self,
                         GError         **error)
{
  g_autofree char *old = NULL;
  g_autofree char *parent = NULL;

  g_return_val_if_fail (self != NULL && !self->committed, FALSE);

  for (guint i = 0; i < self->files->len; i++)
    g_return_val_if_fail (((LqOutputFile *) self->files->pdata[i])->fd < 0, FALSE);

  if (!check_destination (self->destination, self->overwrite, error))
    return FALSE;
  sync_dir (self->temp);
  parent = g_path_get_dirname (self->destination);
  if (g_file_test (self->destination, G_FILE_TEST_IS_DIR))
    {
      if (is_empty_dir (self->destination))
        {
          if (g_rmdir (self->destination) != 0)
            return set_errno_error (error, errno, _("Cannot replace"), self->destination);
        }
      else
        {
          g_autofree char *base = g_path_get_basename (self->destination);

          old = g_strdup_printf ("%s/.%s.old-%08x", parent, base, g_random_int ());
          if (g_rename (self->destination, old) != 0)
            return set_errno_error (error, errno, _("Cannot replace"), self->destination);
        }
    }
  if (g_rename (self->temp, self->destination) != 0)
    {
      int saved = errno;

      if (old != NULL)
        g_rename (old, self->destination);
      return set_errno_error (error, saved, _("Cannot create"), self->destination);
    }
  self->committed = TRUE;
  sync_dir (parent);
  if (old != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (!remove_tree (old, &local_error))
        g_warning ("Could not remove the replaced folder: %s", local_error->message);
    }
  return TRUE;
}

/* Removes the temporary folder and everything in it unless committed. */
void
lq_output_folder_free (LqOutputFolder *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->files, g_ptr_array_unref);
  if (self->temp != NULL && !self->committed)
    {
      g_autoptr(GError) error = NULL;

      if (!remove_tree (self->temp, &error))
        g_warning ("Could not remove the unfinished folder: %s", error->message);
    }
  g_free (self->temp);
  g_free (self->destination);
  g_free (self);
}

/* ---- Descriptors ---- */

/* Left-aligned, space-padded text (cut at @len). */
static void
put_text (guint8     *record,
          guint       offset,
          guint       len,
          const char *text)
{
  gsize n = text != NULL ? MIN (strlen (text), len) : 0;

  if (n > 0)
    memcpy (record + offset, text, n);
  memset (record + offset + n, ' ', len - n);
}

/* Right-aligned number, padded with @pad. */
static void
put_number (guint8  *record,
            guint    offset,
            guint    len,
            guint64  value,
            char     pad)
{
  char buf[24];
  int n = g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, value);

  g_assert (n > 0 && (guint) n <= len);
  memset (record + offset, pad, len - n);
  memcpy (record + offset + len - n, buf, n);
}

static char *
ascii_master_id (const LqCdDisc *disc,
                 const char     *master_id)
{
  g_autofree char *ascii = g_str_to_ascii (master_id != NULL ? master_id
                                           : disc->title != NULL && *disc->title ? disc->title : "LACQUER",
                                           "C");

  for (char *p = ascii; *p; p++)
    if (!g_ascii_isprint (*p))
      *p = ' ';
  if (strlen (ascii) > 48)
    ascii[48] = '\0';
  return g_steal_pointer (&ascii);
}

static GBytes *
make_ddpid (const LqCdDisc *disc,
            const char     *master_id)
{
  guint8 *r = g_malloc (LQ_DDP_RECORD_SIZE);
  g_autofree char *id = ascii_master_id (disc, master_id);
  char ean[14] = "";

  if (disc->upc != NULL && !lq_redbook_normalize_catalog (disc->upc, ean, NULL))
    ean[0] = '\0';
  memset (r, ' ', LQ_DDP_RECORD_SIZE);
  put_text (r, 0, 8, "DDP 2.00");
  put_text (r, 8, 13, ean);
  put_text (r, 38, 48, id);
  put_text (r, 87, 2, "CD");
  return g_bytes_new_take (r, LQ_DDP_RECORD_SIZE);
}

typedef enum
{
  STREAM_AUDIO,
  STREAM_PQ,
  STREAM_CDTEXT,
} StreamKind;

static void
add_map_packet (GByteArray     *ddpms,
                StreamKind      kind,
                guint64         length,
                guint64         pregap,
                const char     *name)
{
  guint8 r[LQ_DDP_RECORD_SIZE];

  memset (r, ' ', sizeof r);
  put_text (r, 0, 4, "VVVM");
  put_text (r, 4, 2, kind == STREAM_AUDIO ? "D0" : "S0");
  put_number (r, 14, 8, length, ' ');
  if (kind == STREAM_AUDIO)
    {
      put_number (r, 22, 8, 0, ' ');
      put_text (r, 38, 2, "DA");
      r[40] = '7';
      put_number (r, 46, 4, pregap, ' ');
    }
  else
    put_text (r, 30, 8, kind == STREAM_PQ ? "PQ DESCR" : "CDTEXT");
  r[41] = '0';
  if (kind == STREAM_CDTEXT)
    put_text (r, 55, 2, "00");
  put_number (r, 71, 3, 17, ' ');
  put_text (r, 74, 17, name);
  g_byte_array_append (ddpms, r, sizeof r);
}

static void
add_pq_packet (GByteArray *pq,
               const char *track,
               guint       index,
               guint64     frames,
               guint8      control,
               const char *isrc,
               const char *ean)
{
  guint8 r[LQ_DDP_PQ_SIZE];
  char cb1[3];

  memset (r, ' ', sizeof r);
  put_text (r, 0, 4, "VVVS");
  put_text (r, 4, 2, track);
  put_number (r, 6, 2, index, '0');
  put_number (r, 10, 2, frames / (60 * LQ_CD_FRAMES_PER_SECOND), '0');
  put_number (r, 12, 2, frames / LQ_CD_FRAMES_PER_SECOND % 60, '0');
  put_number (r, 14, 2, frames % LQ_CD_FRAMES_PER_SECOND, '0');
  g_snprintf (cb1, sizeof cb1, "%X1", control & 0xF);
  put_text (r, 16, 2, cb1);
  put_text (r, 20, 12, isrc);
  put_text (r, 32, 13, ean);
  g_byte_array_append (pq, r, sizeof r);
}

static GBytes *
make_pq (const LqCdDisc *disc)
{
  GByteArray *pq = g_byte_array_new ();
  char ean[14] = "";

  if (disc->upc != NULL && !lq_redbook_normalize_catalog (disc->upc, ean, NULL))
    ean[0] = '\0';
  add_pq_packet (pq, "00", 0, 0, 0, NULL, ean);
  for (guint i = 0; i < disc->n_tracks; i++)
    {
      const LqCdTrack *t = &disc->tracks[i];
      char number[3];
      const char *isrc = t->isrc != NULL && lq_redbook_check_isrc (t->isrc, NULL) ? t->isrc : NULL;

      g_snprintf (number, sizeof number, "%02u", t->number);
      if (t->index0 < t->start)
        add_pq_packet (pq, number, 0, t->index0, t->control, isrc, NULL);
      add_pq_packet (pq, number, 1, t->start, t->control, isrc, NULL);
      for (guint k = 0; k < t->n_indexes; k++)
        add_pq_packet (pq, number, k + 2, t->indexes[k], t->control, NULL, NULL);
    }
  add_pq_packet (pq, "AA", 1, disc->length, 0, NULL, NULL);
  return g_byte_array_free_to_bytes (pq);
}

/* ---- Export ---- */

typedef struct
{
  LqRenderProgressFunc func;
  gpointer data;
  double from, to;
} Progress;

static void
progress_scaled (double   fraction,
                 gpointer data)
{
  Progress *p = data;

  if (p->func != NULL)
    p->func (p->from + (p->to - p->from) * fraction, p->data);
}

static gboolean
write_image (LqCdRender      *render,
             LqOutputFolder  *out,
             GCancellable    *cancellable,
             Progress        *progress,
             GError         **error)
{
  LqOutputFile *image;
  guint64 total = lq_cd_render_get_frames (render), done = 0;

  image = lq_output_folder_create (out, LQ_DDP_IMAGE_NAME, error);
  if (image == NULL)
    return FALSE;
  while (done < total)
    {
      gssize n = lq_cd_render_write (render, image, cancellable, error);

      if (n < 0)
        return FALSE;
      g_assert (n > 0);
      done += n;
      progress_scaled ((double) done / total, progress);
    }
  return lq_output_file_close (image, error);
}

void
lq_ddp_options_init (LqDdpOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  lq_redbook_limits_init (&options->limits);
  options->pq_sheet = TRUE;
}

static gboolean
write_pq_sheet (LqOutputFolder  *out,
                const LqCdDisc  *disc,
                const char      *master_id,
                GError         **error)
{
  g_autofree char *id = ascii_master_id (disc, master_id);
  LqPqSheetInfo info = {
    .master_id = id,
    .image_md5 = lq_output_folder_get_md5 (out, LQ_DDP_IMAGE_NAME),
    .source = disc->title,
  };
  g_autofree char *text = lq_pq_sheet_format_text (disc, &info);
  g_autoptr(GBytes) pdf = NULL;

  if (!lq_output_folder_write_file (out, "PQSHEET.TXT", text, strlen (text), error))
    return FALSE;
  pdf = lq_pq_sheet_make_pdf (disc, &info, error);
  return pdf != NULL
         && lq_output_folder_write_file (out, "PQSHEET.PDF", g_bytes_get_data (pdf, NULL),
                                         g_bytes_get_size (pdf), error);
}

/**
 * lq_ddp_export:
 * @folder: the DDP folder to make (it must not exist, or be empty, unless
 *   @options->overwrite)
 * @options: (nullable): %NULL for the defaults (lq_ddp_options_init())
 * @progress: (nullable): called from this thread with the fraction done
 *
 * Checks the Red Book rules (any error: nothing is written, @error lists them), renders the
 * CD audio (see #LqCdRender) and writes the DDP 2.00 fileset (see the layouts above).
 * Blocking: call from a worker thread or use lq_ddp_export_async(). The fileset appears only
 * when complete; a cancel or a failure leaves nothing behind.
 */
gboolean
lq_ddp_export (LqProject             *project,
               GFile                 *folder,
               const LqDdpOptions    *options,
               GCancellable          *cancellable,
               LqRenderProgressFunc   progress,
               gpointer               progress_data,
               GError               **error)
{
  LqDdpOptions defaults;
  g_autoptr(GPtrArray) local_issues = NULL;
  GPtrArray *issues;
  g_autoptr(LqCdDisc) disc = NULL;
  g_autoptr(LqOutputFolder) out = NULL;
  g_autoptr(LqCdRender) render = NULL;
  g_autoptr(GFile) scratch = NULL;
  g_autoptr(GBytes) pq = NULL;
  g_autoptr(GBytes) cdtext = NULL;
  g_autoptr(GBytes) ddpid = NULL;
  g_autoptr(GByteArray) ddpms = NULL;
  gboolean resampled;
  Progress prerender_progress = { progress, progress_data, 0.0, 0.5 };
  Progress image_progress = { progress, progress_data, 0.0, 0.97 };

  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  if (options == NULL)
    {
      lq_ddp_options_init (&defaults);
      options = &defaults;
    }
  issues = options->issues;
  if (issues == NULL)
    issues = local_issues = lq_redbook_issues_new ();

  disc = lq_cd_disc_new_from_project (project, issues);
  lq_redbook_check_disc (disc, &options->limits, issues);
  if (!lq_redbook_issues_to_error (issues, error))
    return FALSE;
  if (disc->cdtext != NULL && (cdtext = lq_cdtext_encode (disc->cdtext, error)) == NULL)
    return FALSE;

  out = lq_output_folder_new (folder, options->overwrite, error);
  if (out == NULL)
    return FALSE;
  scratch = g_file_new_for_path (lq_output_folder_get_path (out));
  resampled = lq_project_get_rate (project) != LQ_CD_RATE;
  if (resampled)
    image_progress.from = 0.5;
  render = lq_cd_render_new (project, scratch, cancellable, progress_scaled, &prerender_progress, error);
  if (render == NULL)
    return FALSE;
  if (lq_cd_render_get_frames (render) != disc->length * LQ_CD_FRAME_SAMPLES)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   "The CD audio has %" G_GUINT64_FORMAT " frames, but the disc %" G_GUINT64_FORMAT,
                   lq_cd_render_get_frames (render), disc->length * LQ_CD_FRAME_SAMPLES);
      return FALSE;
    }
  if (!write_image (render, out, cancellable, &image_progress, error))
    return FALSE;
  g_clear_pointer (&render, lq_cd_render_free);

  pq = make_pq (disc);
  ddpms = g_byte_array_new ();
  add_map_packet (ddpms, STREAM_AUDIO, disc->length, disc->n_tracks > 0 ? disc->tracks[0].start : 0,
                  LQ_DDP_IMAGE_NAME);
  add_map_packet (ddpms, STREAM_PQ, g_bytes_get_size (pq), 0, LQ_DDP_PQ_NAME);
  if (cdtext != NULL)
    add_map_packet (ddpms, STREAM_CDTEXT, g_bytes_get_size (cdtext), 0, LQ_DDP_CDTEXT_NAME);
  ddpid = make_ddpid (disc, options->master_id);

  if (!lq_output_folder_write_file (out, "DDPID", g_bytes_get_data (ddpid, NULL), g_bytes_get_size (ddpid), error)
      || !lq_output_folder_write_file (out, "DDPMS", ddpms->data, ddpms->len, error)
      || !lq_output_folder_write_file (out, LQ_DDP_PQ_NAME, g_bytes_get_data (pq, NULL), g_bytes_get_size (pq), error)
      || (cdtext != NULL
          && !lq_output_folder_write_file (out, LQ_DDP_CDTEXT_NAME, g_bytes_get_data (cdtext, NULL),
                                           g_bytes_get_size (cdtext), error))
      || (options->pq_sheet && !write_pq_sheet (out, disc, options->master_id, error))
      || !lq_output_folder_write_checksums (out, LQ_DDP_CHECKSUM_NAME, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!lq_output_folder_commit (out, error))
    return FALSE;
  if (progress != NULL)
    progress (1.0, progress_data);
  return TRUE;
}

typedef struct
{
  LqProject *project;
  GFile *folder;
  LqDdpOptions options;
  char *master_id;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *ed = data;

  g_object_unref (ed->project);
  g_object_unref (ed->folder);
  g_clear_pointer (&ed->options.issues, g_ptr_array_unref);
  g_free (ed->master_id);
  g_free (ed);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *ed = task_data;
  GError *error = NULL;

  if (lq_ddp_export (ed->project, ed->folder, &ed->options, cancellable, NULL, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * lq_ddp_export_async:
 *
 * lq_ddp_export() in a worker thread. @options->issues, when set, is filled in that thread:
 * read it once the callback has run.
 */
void
lq_ddp_export_async (LqProject           *project,
                     GFile               *folder,
                     const LqDdpOptions  *options,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *ed;

  g_return_if_fail (LQ_IS_PROJECT (project));
  g_return_if_fail (G_IS_FILE (folder));

  ed = g_new0 (ExportData, 1);
  ed->project = g_object_ref (project);
  ed->folder = g_object_ref (folder);
  if (options != NULL)
    ed->options = *options;
  else
    lq_ddp_options_init (&ed->options);
  ed->master_id = g_strdup (ed->options.master_id);
  ed->options.master_id = ed->master_id;
  if (ed->options.issues != NULL)
    g_ptr_array_ref (ed->options.issues);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_ddp_export_async);
  g_task_set_task_data (task, ed, export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
lq_ddp_export_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
