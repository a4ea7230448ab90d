/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-test-util"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lq-test-util.h"

#define WAVE_FORMAT_PCM        1
#define WAVE_FORMAT_IEEE_FLOAT 3
#define WAVE_FORMAT_EXTENSIBLE 0xFFFE

static guint16
get_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
get_u32 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static void
put_u16 (guint8 *p, guint16 v)
{
  p[0] = v & 0xFF;
  p[1] = v >> 8;
}

static void
put_u32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xFF;
  p[1] = (v >> 8) & 0xFF;
  p[2] = (v >> 16) & 0xFF;
  p[3] = v >> 24;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The WAV file at @path, its RIFF chunks parsed: the fmt chunk into @wav, @data set to the
 * first sample of the data chunk. Returns the file's bytes (to free). */
static guint8 *
read_wav (const char *path, LqTestWav *wav, const guint8 **data)
{
  g_autoptr(GError) error = NULL;
  guint8 *bytes = NULL;
  gsize len, pos = 12;

  g_file_get_contents (path, (char **) &bytes, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, 12);
  g_assert_cmpmem (bytes, 4, "RIFF", 4);
  g_assert_cmpmem (bytes + 8, 4, "WAVE", 4);
  memset (wav, 0, sizeof *wav);
  while (pos + 8 <= len)
    {
      guint32 size = get_u32 (bytes + pos + 4);

      if (memcmp (bytes + pos, "fmt ", 4) == 0)
        {
          g_assert_cmpuint (size, >=, 16);
          g_assert_cmpuint (pos + 8 + size, <=, len);
          wav->tag = get_u16 (bytes + pos + 8);
          wav->format = wav->tag;
          wav->channels = get_u16 (bytes + pos + 10);
          wav->rate = get_u32 (bytes + pos + 12);
          wav->bits = get_u16 (bytes + pos + 22);
          if (wav->tag == WAVE_FORMAT_EXTENSIBLE)
            {
              /* The sub-format GUID's first two bytes are the format tag it stands for. */
              g_assert_cmpuint (size, >=, 26);
              wav->format = get_u16 (bytes + pos + 32);
            }
        }
      else if (memcmp (bytes + pos, "data", 4) == 0)
        {
          /* A fmt chunk came first, with whole bytes per sample. */
          g_assert_cmpuint (wav->channels, >, 0);
          g_assert_cmpuint (wav->bits, >, 0);
          g_assert_cmpuint (wav->bits % 8, ==, 0);
          wav->frames = MIN (size, len - pos - 8) / (wav->channels * (wav->bits / 8));
          *data = bytes + pos + 8;
          return bytes;
        }
      pos += 8 + (gsize) size + (size & 1);
    }
  g_assert_not_reached ();
  return NULL;
}

/* Removes @path, a file or a folder with everything in it (a link is removed, not followed). */
void
lq_test_remove_tree (const char *path)
{
  GDir *d = g_file_test (path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open (path, 0, NULL);
  const char *name;

  if (d == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      lq_test_remove_tree (child);
    }
  g_dir_close (d);
  g_rmdir (path);
}

/* The names in the folder @path, hidden ones too, sorted and joined with @separator ("" for
 * an empty or missing folder). */
char *
lq_test_list_folder (const char *path, const char *separator)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d == NULL)
    return g_strdup ("");
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (separator, (char **) names->pdata);
}

/* Whether the program @name is on PATH. */
gboolean
lq_test_have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* Writes @frames of interleaved @audio to @path as a 32-bit float WAV (a plain 44-byte header,
 * any sample value, NaN and infinities too). */
void
lq_test_write_float_wav (const char *path, const float *audio, gsize frames, guint channels, guint rate)
{
  gsize data = frames * channels * 4;
  g_autofree guint8 *bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (data, <=, G_MAXUINT32 - 36);
  bytes = g_malloc (44 + data);
  memcpy (bytes, "RIFF", 4);
  put_u32 (bytes + 4, (guint32) (36 + data));
  memcpy (bytes + 8, "WAVEfmt ", 8);
  put_u32 (bytes + 16, 16);
  put_u16 (bytes + 20, WAVE_FORMAT_IEEE_FLOAT);
  put_u16 (bytes + 22, (guint16) channels);
  put_u32 (bytes + 24, rate);
  put_u32 (bytes + 28, rate * channels * 4);
  put_u16 (bytes + 32, (guint16) (channels * 4));
  put_u16 (bytes + 34, 32);
  memcpy (bytes + 36, "data", 4);
  put_u32 (bytes + 40, (guint32) data);
  for (gsize i = 0; i < frames * channels; i++)
    {
      guint32 v;

      memcpy (&v, &audio[i], 4);
      put_u32 (bytes + 44 + 4 * i, v);
    }
  g_file_set_contents (path, (const char *) bytes, (gssize) (44 + data), &error);
  g_assert_no_error (error);
}

/* The samples of the 32-bit float WAV file at @path, interleaved (@wav gets its format). */
float *
lq_test_read_float_wav (const char *path, LqTestWav *wav)
{
  const guint8 *data = NULL;
  g_autofree guint8 *bytes = read_wav (path, wav, &data);
  gsize n = wav->frames * wav->channels;
  float *out;

  g_assert_cmpuint (wav->format, ==, WAVE_FORMAT_IEEE_FLOAT);
  g_assert_cmpuint (wav->bits, ==, 32);
  out = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      guint32 v = get_u32 (data + 4 * i);

      memcpy (&out[i], &v, 4);
    }
  return out;
}

/* The samples of the 16- or 24-bit PCM WAV file at @path as integers, interleaved (@wav gets
 * its format). */
gint32 *
lq_test_read_pcm_wav (const char *path, LqTestWav *wav)
{
  const guint8 *data = NULL;
  g_autofree guint8 *bytes = read_wav (path, wav, &data);
  gsize n = wav->frames * wav->channels;
  guint width = wav->bits / 8;
  gint32 *out;

  g_assert_cmpuint (wav->format, ==, WAVE_FORMAT_PCM);
  g_assert_true (wav->bits == 16 || wav->bits == 24);
  out = g_new (gint32, n);
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *p = data + i * width;
      guint32 u24 = p[0] | (p[1] << 8) | (width == 3 ? p[2] << 16 : 0);

      /* Sign-extended without shifting into the sign bit. */
      out[i] = width == 2 ? (gint16) get_u16 (p) : (gint32) u24 - (u24 & 0x800000u ? 0x1000000 : 0);
    }
  return out;
}

/* Runs the default main context for @ms milliseconds. */
void
lq_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Runs the default main context until @cond (@data) holds; fails the test after @seconds. */
void
lq_test_wait_for (gboolean (*cond) (gpointer), gpointer data, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!cond (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
