/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-peak-cache"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <time.h>
#include <utime.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "lq-album-reader.h"
#include "lq-atomic-file.h"
#include "lq-decoder.h"
#include "lq-engine-error.h"
#include "lq-peak-cache.h"
#include "lq-peaks.h"
#include "lq-sequence.h"

#define MAGIC "LQPEAKS"
#define FORMAT_VERSION 1
#define BYTE_ORDER_MARK 0x01020304u
#define MAX_LEVELS 20
#define MAX_CHANNELS 32
#define DECODE_CHUNK 65536

/* The file: this header, the source URI (uri_length bytes, zero-padded to a multiple of 8),
 * then the levels one after the other, each level_count[k] x channels LqPeak. Native byte
 * order; byte_order tells a file from another machine. */
typedef struct
{
  char magic[8];              /* "LQPEAKS\0" */
  guint32 version;            /* FORMAT_VERSION */
  guint32 byte_order;         /* BYTE_ORDER_MARK as written */
  guint32 channels;           /* 1..MAX_CHANNELS */
  guint32 rate;               /* Hz */
  guint32 frames_per_peak;    /* LQ_PEAK_CACHE_FRAMES_PER_PEAK */
  guint32 factor;             /* LQ_PEAK_CACHE_FACTOR */
  guint32 n_levels;           /* 1..MAX_LEVELS */
  guint32 uri_length;         /* bytes of the URI after the header */
  guint64 n_frames;           /* frames of the source */
  guint64 source_size;        /* source size in bytes when the cache was made */
  gint64 source_mtime;        /* source modification time, s */
  guint32 source_mtime_usec;  /* and its microseconds */
  guint32 reserved;           /* 0 */
  guint64 level_count[MAX_LEVELS]; /* entries per level */
} Header;

G_STATIC_ASSERT (sizeof (Header) % 8 == 0);
G_STATIC_ASSERT (sizeof (LqPeak) == 12);

struct _LqPeakCache
{
  Header header;                     /* format, levels and (once saved or loaded) identity */
  GBytes *data;                      /* the level entries (a mapped file or built in memory) */
  GMappedFile *mapped;               /* the cache file when loaded from disk, else NULL */
  const LqPeak *levels[MAX_LEVELS];  /* first entry of each level, inside data */
  gboolean from_disk;                /* loaded from an existing cache file */
};

struct _LqPeakCacheBuilder
{
  guint channels;  /* channels per frame */
  guint rate;      /* Hz */
  LqPeaks *peaks;  /* the level-0 kernel */
  GArray *level0;  /* LqPeak, channels per entry */
};

typedef struct
{
  guint64 size;  /* bytes */
  gint64 mtime;  /* s */
  guint32 usec;  /* µs */
} Identity;

/* Level sizes for a stream of n_frames: ceil divisions until a level of one entry. */
static guint
plan_levels (guint64 n_frames, guint64 *counts)
{
  guint n = 1;

  counts[0] = (n_frames + LQ_PEAK_CACHE_FRAMES_PER_PEAK - 1) / LQ_PEAK_CACHE_FRAMES_PER_PEAK;
  while (counts[n - 1] > 1 && n < MAX_LEVELS)
    {
      counts[n] = (counts[n - 1] + LQ_PEAK_CACHE_FACTOR - 1) / LQ_PEAK_CACHE_FACTOR;
      n++;
    }
  return n;
}

static guint64
level_resolution (guint level)
{
  guint64 r = LQ_PEAK_CACHE_FRAMES_PER_PEAK;

  for (guint i = 0; i < level; i++)
    r *= LQ_PEAK_CACHE_FACTOR;
  return r;
}

static gsize
data_size (const Header *h)
{
  gsize n = 0;

  for (guint k = 0; k < h->n_levels; k++)
    n += h->level_count[k];
  return n * h->channels * sizeof (LqPeak);
}

static void
set_level_pointers (LqPeakCache *self,
                    const guint8 *data)
{
  const LqPeak *p = (const LqPeak *) data;

  for (guint k = 0; k < self->header.n_levels; k++)
    {
      self->levels[k] = p;
      p += self->header.level_count[k] * self->header.channels;
    }
}

static void
lq_peak_cache_clear (LqPeakCache *self)
{
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
}

static gboolean
query_identity (GFile         *source,
                Identity      *id,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  info = g_file_query_info (source,
                            G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (source);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE,
                     _("Cannot read “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  id->size = (guint64) g_file_info_get_size (info);
  id->mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
  id->usec = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  return TRUE;
}

static gboolean
identity_equal (const Identity *a,
                const Identity *b)
{
  return a->size == b->size && a->mtime == b->mtime && a->usec == b->usec;
}

/**
 * lq_peak_cache_get_default_dir:
 *
 * Returns: (transfer full): the default folder of peak caches, `$XDG_CACHE_HOME/lacquer/peaks`.
 */
char *
lq_peak_cache_get_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "lacquer", "peaks", NULL);
}

typedef struct
{
  char *path;
  guint64 size;
  gint64 used; /* last use: the later of its access and modification times, s */
} CacheFile;

static void
cache_file_free (gpointer data)
{
  CacheFile *file = data;

  g_free (file->path);
  g_free (file);
}

static int
by_use (gconstpointer a,
        gconstpointer b)
{
  const CacheFile *x = *(CacheFile * const *) a, *y = *(CacheFile * const *) b;

  return (x->used > y->used) - (x->used < y->used);
}

/**
 * lq_peak_cache_prune:
 * @cache_dir: (nullable): the cache folder, %NULL for the default
 * @max_bytes: the most the folder's peak files may take
 * @removed: (out) (optional): how many files were deleted
 *
 * Deletes the least recently used peak files (`*.peaks`; a file is used when it is written or
 * opened: lq_peak_cache_open() sets its access time) until those left take at most @max_bytes. Other files are left alone. Blocking: call
 * it from a worker thread. A folder that does not exist is empty.
 */
gboolean
lq_peak_cache_prune (const char    *cache_dir,
                     guint64        max_bytes,
                     guint         *removed,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *dir_path = cache_dir != NULL ? g_strdup (cache_dir) : lq_peak_cache_get_default_dir ();
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (cache_file_free);
  g_autoptr(GError) local_error = NULL;
  guint64 total = 0;
  GFileInfo *info;

  if (removed != NULL)
    *removed = 0;
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                        G_FILE_ATTRIBUTE_TIME_ACCESS,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, &local_error);
  if (children == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  while ((info = g_file_enumerator_next_file (children, cancellable, &local_error)) != NULL)
    {
      const char *name = g_file_info_get_name (info);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && g_str_has_suffix (name, ".peaks"))
        {
          CacheFile *file = g_new0 (CacheFile, 1);

          file->path = g_build_filename (dir_path, name, NULL);
          file->size = g_file_info_get_size (info);
          file->used = (gint64) MAX (g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                                     g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_ACCESS));
          total += file->size;
          g_ptr_array_add (files, file);
        }
      g_object_unref (info);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_ptr_array_sort (files, by_use);
  for (guint i = 0; i < files->len && total > max_bytes; i++)
    {
      CacheFile *file = g_ptr_array_index (files, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (g_unlink (file->path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot delete the peak file “%s”: %s"),
                       file->path, g_strerror (saved));
          return FALSE;
        }
      total -= file->size;
      if (removed != NULL)
        (*removed)++;
    }
  return TRUE;
}

/**
 * lq_peak_cache_get_path_for:
 * @source: an audio file
 * @cache_dir: (nullable): the cache folder, %NULL for the default
 *
 * Returns: (transfer full): where the cache of @source is (or would be) stored.
 */
char *
lq_peak_cache_get_path_for (GFile      *source,
                            const char *cache_dir)
{
  g_autofree char *uri = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (G_IS_FILE (source), NULL);

  uri = g_file_get_uri (source);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);
  name = g_strconcat (hash, ".peaks", NULL);
  dir = cache_dir != NULL ? g_strdup (cache_dir) : lq_peak_cache_get_default_dir ();
  return g_build_filename (dir, name, NULL);
}

/**
 * lq_peak_cache_builder_new:
 * @channels: channels of the frames to come (1..32)
 * @rate: their sample rate in Hz
 *
 * Returns: (transfer full): a builder; feed it with lq_peak_cache_builder_add() and end it
 *   with lq_peak_cache_builder_end().
 */
LqPeakCacheBuilder *
lq_peak_cache_builder_new (guint channels,
                           guint rate)
{
  LqPeakCacheBuilder *self;

  g_return_val_if_fail (channels >= 1 && channels <= MAX_CHANNELS, NULL);
  g_return_val_if_fail (rate > 0, NULL);

  self = g_new0 (LqPeakCacheBuilder, 1);
  self->channels = channels;
  self->rate = rate;
  self->peaks = lq_peaks_new (channels, LQ_PEAK_CACHE_FRAMES_PER_PEAK);
  self->level0 = g_array_new (FALSE, FALSE, sizeof (LqPeak));
  return self;
}

void
lq_peak_cache_builder_add (LqPeakCacheBuilder *self,
                           const float        *interleaved,
                           gsize               frames)
{
  guint old_len;
  gsize n;

  g_return_if_fail (self != NULL && self->peaks != NULL);
  g_return_if_fail (interleaved != NULL || frames == 0);

  old_len = self->level0->len;
  g_array_set_size (self->level0, old_len + (frames / LQ_PEAK_CACHE_FRAMES_PER_PEAK + 1) * self->channels);
  n = lq_peaks_process (self->peaks, interleaved, frames,
                        &g_array_index (self->level0, LqPeak, old_len));
  g_array_set_size (self->level0, old_len + n * self->channels);
}

/**
 * lq_peak_cache_builder_end:
 * @self: a builder
 *
 * Finishes the last entry and builds the coarser levels. The builder cannot be fed after.
 *
 * Returns: (transfer full): an in-memory cache (lq_peak_cache_save() stores it).
 */
LqPeakCache *
lq_peak_cache_builder_end (LqPeakCacheBuilder *self)
{
  LqPeakCache *cache;
  guint64 n_frames;
  guint old_len, ch;
  guint8 *data;
  gsize size, offset;

  g_return_val_if_fail (self != NULL && self->peaks != NULL, NULL);

  ch = self->channels;
  old_len = self->level0->len;
  g_array_set_size (self->level0, old_len + ch);
  g_array_set_size (self->level0, old_len + ch * lq_peaks_flush (self->peaks, &g_array_index (self->level0, LqPeak, old_len)));
  n_frames = lq_peaks_get_n_frames (self->peaks);
  g_clear_pointer (&self->peaks, lq_peaks_free);

  cache = g_atomic_rc_box_new0 (LqPeakCache);
  memcpy (cache->header.magic, MAGIC, sizeof MAGIC);
  cache->header.version = FORMAT_VERSION;
  cache->header.byte_order = BYTE_ORDER_MARK;
  cache->header.channels = ch;
  cache->header.rate = self->rate;
  cache->header.frames_per_peak = LQ_PEAK_CACHE_FRAMES_PER_PEAK;
  cache->header.factor = LQ_PEAK_CACHE_FACTOR;
  cache->header.n_frames = n_frames;
  cache->header.n_levels = plan_levels (n_frames, cache->header.level_count);
  g_assert (cache->header.level_count[0] * ch == self->level0->len);

  size = data_size (&cache->header);
  data = g_malloc (MAX (size, 1));
  memcpy (data, self->level0->data, self->level0->len * sizeof (LqPeak));
  offset = 0;
  for (guint k = 1; k < cache->header.n_levels; k++)
    {
      const LqPeak *below = (const LqPeak *) data + offset;
      LqPeak *level = (LqPeak *) data + offset + cache->header.level_count[k - 1] * ch;
      gsize n = lq_peaks_reduce (below, cache->header.level_count[k - 1], ch, level_resolution (k - 1),
                                 n_frames, LQ_PEAK_CACHE_FACTOR, level);

      g_assert (n == cache->header.level_count[k]);
      offset += cache->header.level_count[k - 1] * ch;
    }
  cache->data = g_bytes_new_take (data, size);
  set_level_pointers (cache, data);
  g_array_set_size (self->level0, 0);
  return cache;
}

void
lq_peak_cache_builder_free (LqPeakCacheBuilder *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->peaks, lq_peaks_free);
  g_array_unref (self->level0);
  g_free (self);
}

static gboolean
save_with_identity (LqPeakCache     *self,
                    GFile           *source,
                    const Identity  *id,
                    const char      *cache_dir,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autofree char *path = lq_peak_cache_get_path_for (source, cache_dir);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *uri = g_file_get_uri (source);
  g_autoptr(GFile) target = g_file_new_for_path (path);
  g_autoptr(LqAtomicFile) out = NULL;
  GOutputStream *stream;
  static const guint8 zeros[8] = { 0 };
  gsize uri_len = strlen (uri);
  Header header = self->header;
  gsize data_len;
  gconstpointer data = g_bytes_get_data (self->data, &data_len);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE,
                   _("Cannot create the cache folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  header.uri_length = (guint32) uri_len;
  header.source_size = id->size;
  header.source_mtime = id->mtime;
  header.source_mtime_usec = id->usec;
  header.reserved = 0;

  out = lq_atomic_file_new (target, cancellable, error);
  if (out == NULL)
    return FALSE;
  stream = lq_atomic_file_get_stream (out);
  if (!g_output_stream_write_all (stream, &header, sizeof header, NULL, cancellable, error)
      || !g_output_stream_write_all (stream, uri, uri_len, NULL, cancellable, error)
      || !g_output_stream_write_all (stream, zeros, (8 - uri_len % 8) % 8, NULL, cancellable, error)
      || !g_output_stream_write_all (stream, data, data_len, NULL, cancellable, error))
    return FALSE;
  return lq_atomic_file_commit (out, cancellable, error);
}

/**
 * lq_peak_cache_save:
 * @self: a cache
 * @source: the audio file it was built from, unchanged since
 * @cache_dir: (nullable): the cache folder, %NULL for the default
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error (LQ_ENGINE_ERROR_MISSING_FILE when @source is gone,
 *   LQ_ENGINE_ERROR_WRITE when the cache cannot be written)
 *
 * Stores @self as the cache of @source (with its current size and modification time),
 * atomically replacing an older one.
 */
gboolean
lq_peak_cache_save (LqPeakCache   *self,
                    GFile         *source,
                    const char    *cache_dir,
                    GCancellable  *cancellable,
                    GError       **error)
{
  Identity id;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (source), FALSE);

  if (!query_identity (source, &id, cancellable, error))
    return FALSE;
  return save_with_identity (self, source, &id, cache_dir, cancellable, error);
}

static gboolean
header_valid (const Header *h,
              gsize         file_size)
{
  guint64 counts[MAX_LEVELS];
  guint n_levels;
  gsize expected;

  if (file_size < sizeof (Header) || memcmp (h->magic, MAGIC, sizeof MAGIC) != 0
      || h->version != FORMAT_VERSION || h->byte_order != BYTE_ORDER_MARK
      || h->channels < 1 || h->channels > MAX_CHANNELS || h->rate == 0
      || h->frames_per_peak != LQ_PEAK_CACHE_FRAMES_PER_PEAK || h->factor != LQ_PEAK_CACHE_FACTOR
      || h->n_frames > G_MAXUINT64 / 2 || h->uri_length > 65536)
    return FALSE;
  n_levels = plan_levels (h->n_frames, counts);
  if (n_levels != h->n_levels)
    return FALSE;
  for (guint k = 0; k < n_levels; k++)
    if (counts[k] != h->level_count[k])
      return FALSE;
  expected = sizeof (Header) + ((h->uri_length + 7) / 8) * 8 + data_size (h);
  return file_size == expected;
}

static LqPeakCache *
load_checked (GFile           *source,
              const Identity  *id,
              const char      *cache_dir,
              GError         **error)
{
  g_autofree char *path = lq_peak_cache_get_path_for (source, cache_dir);
  g_autofree char *uri = g_file_get_uri (source);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *contents;
  const Header *h;
  gsize size, data_offset;
  LqPeakCache *cache;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No peak cache for “%s”: %s"), uri,
                   local_error->message);
      return NULL;
    }
  contents = (const guint8 *) g_mapped_file_get_contents (mapped);
  size = g_mapped_file_get_length (mapped);
  h = (const Header *) contents;
  if (contents == NULL || !header_valid (h, size) || h->uri_length != strlen (uri)
      || memcmp (contents + sizeof (Header), uri, h->uri_length) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The peak cache of “%s” is damaged or from another version"), uri);
      return NULL;
    }
  if (h->source_size != id->size || h->source_mtime != id->mtime || h->source_mtime_usec != id->usec)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The peak cache of “%s” is out of date (the file changed)"), uri);
      return NULL;
    }

  cache = g_atomic_rc_box_new0 (LqPeakCache);
  cache->header = *h;
  data_offset = sizeof (Header) + ((h->uri_length + 7) / 8) * 8;
  cache->mapped = g_steal_pointer (&mapped);
  cache->data = g_bytes_new_static (contents + data_offset, size - data_offset);
  cache->from_disk = TRUE;
  set_level_pointers (cache, contents + data_offset);
  return cache;
}

/**
 * lq_peak_cache_load:
 * @source: an audio file
 * @cache_dir: (nullable): the cache folder, %NULL for the default
 * @error: return location for an error
 *
 * Maps the stored cache of @source, if there is one and @source has not changed since
 * (G_IO_ERROR_NOT_FOUND otherwise; LQ_ENGINE_ERROR_MISSING_FILE when @source is gone). Never
 * decodes.
 *
 * Returns: (transfer full) (nullable): the cache, or %NULL with @error set
 */
LqPeakCache *
lq_peak_cache_load (GFile       *source,
                    const char  *cache_dir,
                    GError     **error)
{
  Identity id;

  g_return_val_if_fail (G_IS_FILE (source), NULL);

  if (!query_identity (source, &id, NULL, error))
    return NULL;
  return load_checked (source, &id, cache_dir, error);
}

static void
cancel_decoder_cb (GCancellable *cancellable,
                   gpointer      decoder)
{
  lq_decoder_cancel (decoder);
}

/**
 * lq_peak_cache_open:
 * @source: an audio file
 * @cache_dir: (nullable): the cache folder, %NULL for the default
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * The cache of @source: loaded from @cache_dir when valid, otherwise built by decoding
 * @source (blocking: call it from a worker thread, or use lq_peak_cache_open_async()) and
 * stored there. Failing to store it is not an error (the cache is returned all the same).
 * Errors are those of #LqDecoder and G_IO_ERROR_CANCELLED.
 *
 * Returns: (transfer full) (nullable): the cache, or %NULL with @error set
 */
LqPeakCache *
lq_peak_cache_open (GFile         *source,
                    const char    *cache_dir,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(LqDecoder) decoder = NULL;
  g_autoptr(LqPeakCacheBuilder) builder = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree float *buffer = NULL;
  LqPeakCache *cache;
  Identity before, after;
  gulong handler = 0;
  guint channels;
  gssize n = 0;

  g_return_val_if_fail (G_IS_FILE (source), NULL);

  if (!query_identity (source, &before, cancellable, error))
    return NULL;
  cache = load_checked (source, &before, cache_dir, &local_error);
  if (cache != NULL)
    {
      /* Its access time, set here whatever the mount options, says when it was last used:
       * lq_peak_cache_prune() keeps the recently used ones. */
      g_autofree char *path = lq_peak_cache_get_path_for (source, cache_dir);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        {
          struct utimbuf times = { .actime = time (NULL), .modtime = st.st_mtime };
          g_utime (path, &times);
        }
      return cache;
    }
  g_debug ("%s", local_error->message);

  decoder = lq_decoder_new (source, 0, error);
  if (decoder == NULL)
    return NULL;
  channels = lq_decoder_get_channels (decoder);
  if (channels < 1 || channels > MAX_CHANNELS)
    {
      g_autofree char *name = g_file_get_parse_name (source);
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” has %u channels; waveforms are drawn for 1 to %d"), name, channels, MAX_CHANNELS);
      return NULL;
    }
  builder = lq_peak_cache_builder_new (channels, lq_decoder_get_rate (decoder));
  buffer = g_new (float, (gsize) DECODE_CHUNK * channels);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_decoder_cb), decoder, NULL);
  while (!g_cancellable_is_cancelled (cancellable)
         && (n = lq_decoder_read (decoder, buffer, DECODE_CHUNK, error)) > 0)
    lq_peak_cache_builder_add (builder, buffer, (gsize) n);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (n < 0)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  cache = lq_peak_cache_builder_end (builder);
  /* Store it only if the file did not change while it was read. */
  g_clear_error (&local_error);
  if (!query_identity (source, &after, cancellable, &local_error) || !identity_equal (&before, &after))
    g_debug ("not storing the peaks of a file that changed while it was read");
  else if (!save_with_identity (cache, source, &before, cache_dir, cancellable, &local_error))
    g_debug ("cannot store the peak cache: %s", local_error->message);
  return cache;
}

typedef struct
{
  GFile *source;   /* the audio file */
  char *cache_dir; /* the cache folder, NULL for the default */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->source);
  g_free (data->cache_dir);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  LqPeakCache *cache = lq_peak_cache_open (data->source, data->cache_dir, cancellable, &error);

  if (cache == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cache, (GDestroyNotify) lq_peak_cache_unref);
}

/**
 * lq_peak_cache_open_async:
 * @source: an audio file
 * @cache_dir: (nullable): the cache folder, %NULL for the default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context when done
 * @user_data: data for @callback
 *
 * lq_peak_cache_open() in a worker thread.
 */
void
lq_peak_cache_open_async (GFile               *source,
                          const char          *cache_dir,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (G_IS_FILE (source));

  data = g_new0 (OpenData, 1);
  data->source = g_object_ref (source);
  data->cache_dir = g_strdup (cache_dir);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_peak_cache_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

LqPeakCache *
lq_peak_cache_open_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

LqPeakCache *
lq_peak_cache_ref (LqPeakCache *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
lq_peak_cache_unref (LqPeakCache *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) lq_peak_cache_clear);
}

guint
lq_peak_cache_get_channels (LqPeakCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->header.channels;
}

guint
lq_peak_cache_get_rate (LqPeakCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->header.rate;
}

guint64
lq_peak_cache_get_n_frames (LqPeakCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->header.n_frames;
}

guint
lq_peak_cache_get_n_levels (LqPeakCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->header.n_levels;
}

/* Frames per entry of @level. */
guint64
lq_peak_cache_get_level_resolution (LqPeakCache *self,
                                    guint        level)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (level < self->header.n_levels, 0);
  return level_resolution (level);
}

/* Whether @self was mapped from a stored cache file (TRUE) or built by decoding (FALSE). */
gboolean
lq_peak_cache_is_from_disk (LqPeakCache *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->from_disk;
}

/**
 * lq_peak_cache_read:
 * @self: a cache
 * @channel: the channel
 * @start: first frame of the window
 * @end: frame after the window's last (> @start)
 * @n_pixels: pixels across the window
 * @min: (out caller-allocates) (array length=n_pixels) (nullable): lowest sample per pixel
 * @max: (out caller-allocates) (array length=n_pixels) (nullable): highest sample per pixel
 * @rms: (out caller-allocates) (array length=n_pixels) (nullable): RMS per pixel
 *
 * The waveform of [@start, @end) over @n_pixels pixels. Pixel p spans frames
 * [start + p (end - start) / n_pixels, start + (p + 1) (end - start) / n_pixels) (integer
 * division; at least one frame) and reads the entries of the chosen level that overlap this
 * span, so its values are those of the frames from the first of these entries' start to the
 * last one's end. Pixels past the end of the audio read 0. Costs O(@n_pixels).
 *
 * Returns: the frames per entry of the level read (the precision of the pixel edges), 0 on
 *   bad arguments
 */
guint64
lq_peak_cache_read (LqPeakCache *self,
                    guint        channel,
                    guint64      start,
                    guint64      end,
                    guint        n_pixels,
                    float       *min,
                    float       *max,
                    float       *rms)
{
  guint64 span, q, r, res, count;
  guint level = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (channel < self->header.channels, 0);
  g_return_val_if_fail (end > start && n_pixels > 0, 0);

  span = end - start;
  q = span / n_pixels;
  r = span % n_pixels;
  /* The coarsest level whose entries are not wider than a pixel. */
  while (level + 1 < self->header.n_levels && level_resolution (level + 1) <= q)
    level++;
  res = level_resolution (level);
  count = self->header.level_count[level];

  for (guint p = 0; p < n_pixels; p++)
    {
      guint64 a = start + p * q + (p * r) / n_pixels;
      guint64 b = start + (p + 1) * q + ((p + 1) * r) / n_pixels;
      guint64 e0, e1;
      LqPeak peak = { 0.0f, 0.0f, 0.0f };

      if (b <= a)
        b = a + 1;
      e0 = a / res;
      e1 = MIN ((b + res - 1) / res, count);
      if (e0 < e1)
        lq_peaks_aggregate (self->levels[level], self->header.channels, channel, res,
                            self->header.n_frames, e0, e1 - e0, &peak);
      if (min != NULL)
        min[p] = peak.min;
      if (max != NULL)
        max[p] = peak.max;
      if (rms != NULL)
        rms[p] = sqrtf (peak.power);
    }
  return res;
}

/* ---- Processed peaks ---- */

/* What a worker renders: copies of the track (and of the next one, whose crossfade curve the
 * track's end uses) in a private project, and a sequence of their placements. */
typedef struct
{
  LqProject *project;   /* private: holds the copies */
  LqSequence *sequence; /* the track's placement (0) and the next one's (1), if any */
} ProcessedData;

static void
processed_data_free (ProcessedData *data)
{
  g_clear_pointer (&data->sequence, lq_sequence_free);
  g_clear_object (&data->project);
  g_free (data);
}

static void
copy_element_settings (LqChainElement *dest,
                       LqChainElement *src)
{
  g_auto(GStrv) names = lq_chain_element_list_properties (src);

  lq_chain_element_set_bypass (dest, lq_chain_element_get_bypass (src));
  for (guint i = 0; names[i] != NULL; i++)
    lq_chain_element_set (dest, names[i], lq_chain_element_get (src, names[i]));
}

/* A copy of what lq_album_render_track() reads from @track. */
static LqTrack *
copy_track (LqTrack *track)
{
  GListModel *stems = lq_track_get_stems (track);
  guint n_stems = g_list_model_get_n_items (stems);
  LqChain *chain = lq_track_get_chain (track);
  LqTrack *copy;

  if (n_stems > 0)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
      GListModel *copy_stems;

      for (guint i = 0; i < n_stems; i++)
        {
          g_autoptr(LqStem) stem = g_list_model_get_item (stems, i);
          g_ptr_array_add (files, g_object_ref (lq_stem_get_file (stem)));
        }
      copy = lq_track_new_for_stems ((GFile **) files->pdata, n_stems);
      copy_stems = lq_track_get_stems (copy);
      for (guint i = 0; i < n_stems; i++)
        {
          g_autoptr(LqStem) stem = g_list_model_get_item (stems, i);
          g_autoptr(LqStem) stem_copy = g_list_model_get_item (copy_stems, i);
          copy_element_settings (lq_stem_get_strip (stem_copy), lq_stem_get_strip (stem));
        }
    }
  else
    copy = lq_track_new (lq_track_get_file (track));

  g_object_set (copy,
                "title", lq_track_get_title (track),
                "gain", lq_track_get_gain (track),
                "match-gain", lq_track_get_match_gain (track),
                "fade-in", lq_track_get_fade_in (track),
                "fade-out", lq_track_get_fade_out (track),
                "fade-in-curve", lq_track_get_fade_in_curve (track),
                "fade-out-curve", lq_track_get_fade_out_curve (track),
                "crossfade-curve", lq_track_get_crossfade_curve (track),
                NULL);
  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    {
      LqChainElement *element = lq_chain_get_element (chain, i);
      g_autoptr(LqChainElement) element_copy = lq_chain_element_new (lq_chain_element_get_factory (element));

      copy_element_settings (element_copy, element);
      lq_chain_append (lq_track_get_chain (copy), element_copy);
    }
  return copy;
}

/* The placement of the track at @track in the project's list, or -1 (hidden, or no such
 * track). */
static int
find_placement (const LqSequence *seq,
                guint             track)
{
  for (guint i = 0; i < seq->n_placements; i++)
    if (seq->placements[i].index == track)
      return (int) i;
  return -1;
}

static ProcessedData *
processed_data_new (LqProject  *project,
                    guint       track,
                    GError    **error)
{
  g_autoptr(LqSequence) seq = lq_sequence_new (project);
  ProcessedData *data;
  int i = find_placement (seq, track);

  if (i < 0)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("Track %u is not on the album (it is hidden or does not exist)"), track + 1);
      return NULL;
    }
  data = g_new0 (ProcessedData, 1);
  data->project = lq_project_new ();
  data->sequence = g_new0 (LqSequence, 1);
  data->sequence->rate = seq->rate;
  data->sequence->n_placements = (guint) i + 1 < seq->n_placements ? 2 : 1;
  data->sequence->placements = g_new0 (LqPlacement, 2);
  data->sequence->length = seq->length;
  for (guint k = 0; k < data->sequence->n_placements; k++)
    {
      g_autoptr(LqTrack) copy = copy_track (seq->placements[i + k].track);

      data->sequence->placements[k] = seq->placements[i + k];
      data->sequence->placements[k].track = copy; /* owned by the private project */
      lq_project_append_track (data->project, copy);
    }
  return data;
}

static LqPeakCache *
processed_render (ProcessedData  *data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  const LqPlacement *p = &data->sequence->placements[0];
  g_autoptr(LqPeakCacheBuilder) builder = NULL;
  g_autofree float *out = g_try_new (float, MAX (p->length, 1) * 2);

  if (out == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("Not enough memory to draw the processed waveform of track %u"), p->number);
      return NULL;
    }
  if (!lq_album_render_track (data->project, data->sequence, 0, out, cancellable, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  builder = lq_peak_cache_builder_new (2, data->sequence->rate);
  lq_peak_cache_builder_add (builder, out, p->length);
  return lq_peak_cache_builder_end (builder);
}

static void
append_file_identity (GString *s,
                      GFile   *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  Identity id = { 0, 0, 0 };

  query_identity (file, &id, NULL, NULL);
  g_string_append_printf (s, "%s|%" G_GUINT64_FORMAT "|%" G_GINT64_FORMAT ".%06u\n", uri, id.size, id.mtime, id.usec);
}

static void
append_element (GString        *s,
                LqChainElement *element)
{
  g_auto(GStrv) names = lq_chain_element_list_properties (element);

  g_string_append_printf (s, "%s%s", lq_chain_element_get_factory (element),
                          lq_chain_element_get_bypass (element) ? " (bypassed)" : "");
  for (guint i = 0; names[i] != NULL; i++)
    g_string_append_printf (s, " %s=%s", names[i], lq_chain_element_get (element, names[i]));
  g_string_append_c (s, '\n');
}

/**
 * lq_peak_cache_get_processed_key:
 * @project: a project
 * @track: a track's position in the project's list
 *
 * What the processed peaks of @track depend on, hashed: its sources (URI, size, modification
 * time), its placement (trims, crossfades), chain, stem strips, gains, fades and curves, the
 * next track's crossfade curve, the album rate. Cheap (no decoding); call it in the thread
 * that owns @project.
 *
 * Returns: (transfer full) (nullable): a SHA-256 in hex, %NULL when @track is not on the album
 */
char *
lq_peak_cache_get_processed_key (LqProject *project,
                                 guint      track)
{
  g_autoptr(LqSequence) seq = NULL;
  g_autoptr(GString) s = NULL;
  const LqPlacement *p;
  LqTrack *t;
  GListModel *stems;
  LqChain *chain;
  int i;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  seq = lq_sequence_new (project);
  if ((i = find_placement (seq, track)) < 0)
    return NULL;
  p = &seq->placements[i];
  t = p->track;
  s = g_string_new (NULL);
  g_string_append_printf (s, "rate %u in %" G_GUINT64_FORMAT " length %" G_GUINT64_FORMAT
                          " overlap %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                          seq->rate, p->in_point, p->length, p->overlap_in, p->overlap_out);
  stems = lq_track_get_stems (t);
  if (g_list_model_get_n_items (stems) == 0)
    append_file_identity (s, lq_track_get_file (t));
  for (guint k = 0; k < g_list_model_get_n_items (stems); k++)
    {
      g_autoptr(LqStem) stem = g_list_model_get_item (stems, k);
      append_file_identity (s, lq_stem_get_file (stem));
      append_element (s, lq_stem_get_strip (stem));
    }
  chain = lq_track_get_chain (t);
  for (guint k = 0; k < lq_chain_get_n_elements (chain); k++)
    append_element (s, lq_chain_get_element (chain, k));
  g_string_append_printf (s, "gain %.17g match %.17g fade-in %" G_GUINT64_FORMAT " %d fade-out %" G_GUINT64_FORMAT
                          " %d crossfade %d next %d\n",
                          lq_track_get_gain (t), lq_track_get_match_gain (t), lq_track_get_fade_in (t),
                          lq_track_get_fade_in_curve (t), lq_track_get_fade_out (t), lq_track_get_fade_out_curve (t),
                          lq_track_get_crossfade_curve (t),
                          (guint) i + 1 < seq->n_placements ? (int) lq_track_get_crossfade_curve (seq->placements[i + 1].track) : -1);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, s->str, s->len);
}

/**
 * lq_peak_cache_build_processed:
 * @project: a project
 * @track: a track's position in the project's list
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error (LQ_ENGINE_ERROR_INVALID for a hidden track, the
 *   render's errors, G_IO_ERROR_CANCELLED)
 *
 * The processed peaks of @track (see above), blocking: @project must not be edited meanwhile
 * (use lq_peak_cache_build_processed_async() from the main thread).
 *
 * Returns: (transfer full) (nullable): an in-memory cache, or %NULL with @error set
 */
LqPeakCache *
lq_peak_cache_build_processed (LqProject     *project,
                               guint          track,
                               GCancellable  *cancellable,
                               GError       **error)
{
  ProcessedData *data;
  LqPeakCache *cache;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  data = processed_data_new (project, track, error);
  if (data == NULL)
    return NULL;
  cache = processed_render (data, cancellable, error);
  processed_data_free (data);
  return cache;
}

static void
processed_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  LqPeakCache *cache = processed_render (task_data, cancellable, &error);

  if (cache == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cache, (GDestroyNotify) lq_peak_cache_unref);
}

/**
 * lq_peak_cache_build_processed_async:
 * @project: a project, owned by the calling thread
 * @track: a track's position in the project's list
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context when done
 * @user_data: data for @callback
 *
 * lq_peak_cache_build_processed() in a worker thread, on a copy of the track taken now.
 */
void
lq_peak_cache_build_processed_async (LqProject           *project,
                                     guint                track,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  ProcessedData *data;

  g_return_if_fail (LQ_IS_PROJECT (project));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_peak_cache_build_processed_async);
  data = processed_data_new (project, track, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) processed_data_free);
  g_task_run_in_thread (task, processed_thread);
}

LqPeakCache *
lq_peak_cache_build_processed_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
