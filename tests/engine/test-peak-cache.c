/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The waveform peak cache against brute-force min/max/RMS over the raw samples, its life on
 * disk (reused without decoding, rebuilt when the file changes or the cache is damaged), and
 * the long-term average spectrum of files against closed forms. */
#include "config.h"

#include <time.h>
#include <utime.h>

#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-elements.h"
#include "lq-engine-error.h"
#include "lq-ltas.h"
#include "lq-peak-cache.h"
#include "lq-peaks.h"
#include "lq-synth.h"
#include "lq-wav.h"

typedef struct
{
  char *dir;       /* temporary folder for the audio */
  char *cache_dir; /* the cache folder inside it */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("lq-peaks-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->cache_dir = g_build_filename (f->dir, "cache", "peaks", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lq_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cache_dir);
}

/* Brute force over frames [a, b) of one channel. */
static void
brute (const float *audio, guint channels, guint c, guint64 a, guint64 b, float *min, float *max,
       double *rms)
{
  double s2 = 0;

  *min = INFINITY;
  *max = -INFINITY;
  for (guint64 i = a; i < b; i++)
    {
      float x = audio[i * channels + c];
      *min = MIN (*min, x);
      *max = MAX (*max, x);
      s2 += (double) x * x;
    }
  *rms = sqrt (s2 / (double) (b - a));
}

/* Reads random windows and compares every pixel with brute force over the frames the pixel
 * reads (the whole entries under it, as documented). */
static void
check_against_samples (LqPeakCache *cache, const float *audio, guint64 n_frames, guint channels,
                       guint seed, guint n_windows)
{
  GRand *rand = g_rand_new_with_seed (seed);

  g_assert_cmpuint (lq_peak_cache_get_n_frames (cache), ==, n_frames);
  g_assert_cmpuint (lq_peak_cache_get_channels (cache), ==, channels);
  for (guint w = 0; w < n_windows; w++)
    {
      guint64 start = g_rand_int_range (rand, 0, (gint32) (n_frames - 1));
      guint64 end = start + 1 + g_rand_int_range (rand, 0, (gint32) (n_frames - start));
      guint n_pixels = g_rand_int_range (rand, 1, 1200);
      guint c = g_rand_int_range (rand, 0, channels);
      g_autofree float *min = g_new (float, n_pixels);
      g_autofree float *max = g_new (float, n_pixels);
      g_autofree float *rms = g_new (float, n_pixels);
      guint64 res, span = end - start;

      if (w % 4 == 0)
        {
          /* Now and then a window reaching past the end: those pixels read 0. */
          end = n_frames + g_rand_int_range (rand, 1, 100000);
          span = end - start;
        }
      res = lq_peak_cache_read (cache, c, start, end, n_pixels, min, max, rms);
      g_assert_cmpuint (res, >=, LQ_PEAK_CACHE_FRAMES_PER_PEAK);
      /* The level: entries not wider than a pixel, unless zoomed in past level 0 or at the
       * top level; and not LQ_PEAK_CACHE_FACTOR times finer than needed (the O(N) bound). */
      if (span / n_pixels >= LQ_PEAK_CACHE_FRAMES_PER_PEAK)
        g_assert_cmpuint (res, <=, span / n_pixels);
      if (res * LQ_PEAK_CACHE_FACTOR <= span / n_pixels)
        g_assert_cmpuint (res, ==, lq_peak_cache_get_level_resolution (cache, lq_peak_cache_get_n_levels (cache) - 1));

      for (guint p = 0; p < n_pixels; p++)
        {
          guint64 a = start + (p * span) / n_pixels;
          guint64 b = MAX (start + ((p + 1) * span) / n_pixels, a + 1);
          guint64 fa = (a / res) * res;
          guint64 fb = MIN (((b + res - 1) / res) * res, n_frames);
          float emin, emax;
          double erms;

          if (fa >= n_frames)
            {
              g_assert_cmpfloat (min[p], ==, 0.0f);
              g_assert_cmpfloat (max[p], ==, 0.0f);
              g_assert_cmpfloat (rms[p], ==, 0.0f);
              continue;
            }
          brute (audio, channels, c, fa, fb, &emin, &emax, &erms);
          g_assert_cmpfloat (min[p], ==, emin);
          g_assert_cmpfloat (max[p], ==, emax);
          g_assert_cmpfloat_with_epsilon (rms[p], erms, 1e-5 * erms + 1e-9);
        }
    }
  g_rand_free (rand);
}

static float *
demo_audio (guint64 *frames)
{
  float *audio;

  *frames = lq_synth_demo_frames (1, 44100);
  audio = g_new (float, *frames * 2);
  lq_synth_demo_render (1, 44100, audio, *frames);
  return audio;
}

static LqPeakCache *
build (const float *audio, guint64 frames, guint channels, guint seed)
{
  g_autoptr(LqPeakCacheBuilder) builder = lq_peak_cache_builder_new (channels, 44100);
  GRand *rand = g_rand_new_with_seed (seed);

  for (guint64 i = 0; i < frames;)
    {
      guint64 r = (guint64) g_rand_int_range (rand, 1, 20000); /* once: MIN() evaluates twice */
      guint64 n = MIN (r, frames - i);
      lq_peak_cache_builder_add (builder, audio + i * channels, n);
      i += n;
    }
  g_rand_free (rand);
  return lq_peak_cache_builder_end (builder);
}

static void
test_in_memory_matches_samples (void)
{
  guint64 frames;
  g_autofree float *audio = demo_audio (&frames);
  g_autoptr(LqPeakCache) cache = build (audio, frames, 2, 1);
  float min, max, rms;
  float emin, emax;
  double erms;

  g_assert_false (lq_peak_cache_is_from_disk (cache));
  g_assert_cmpuint (lq_peak_cache_get_rate (cache), ==, 44100);
  /* Levels up to a single entry */
  g_assert_cmpuint (lq_peak_cache_get_level_resolution (cache, lq_peak_cache_get_n_levels (cache) - 1), >=, frames);
  g_assert_cmpuint (lq_peak_cache_get_level_resolution (cache, lq_peak_cache_get_n_levels (cache) - 1),
                    <, frames * LQ_PEAK_CACHE_FACTOR);
  check_against_samples (cache, audio, frames, 2, 2, 120);

  /* The whole track in one pixel, and aligned windows read exactly their span. */
  lq_peak_cache_read (cache, 1, 0, frames, 1, &min, &max, &rms);
  brute (audio, 2, 1, 0, frames, &emin, &emax, &erms);
  g_assert_cmpfloat (min, ==, emin);
  g_assert_cmpfloat (max, ==, emax);
  g_assert_cmpfloat_with_epsilon (rms, erms, 1e-5 * erms);
  {
    float mins[10], maxs[10], rmss[10];
    guint64 res = lq_peak_cache_read (cache, 0, 4096, 4096 + 10 * 1024, 10, mins, maxs, rmss);

    g_assert_cmpuint (res, ==, 1024);
    for (guint p = 0; p < 10; p++)
      {
        brute (audio, 2, 0, 4096 + p * 1024, 4096 + (p + 1) * 1024, &emin, &emax, &erms);
        g_assert_cmpfloat (mins[p], ==, emin);
        g_assert_cmpfloat (maxs[p], ==, emax);
        g_assert_cmpfloat_with_epsilon (rmss[p], erms, 1e-5 * erms);
      }
  }
}

static void
test_odd_lengths (void)
{
  /* Empty, shorter than an entry, one frame past a level boundary; mono. */
  const guint64 lengths[] = { 0, 1, 255, 256, 257, 1025, 65537 };
  g_autofree float *audio = g_new (float, 65537);

  lq_synth_noise (audio, 65537, 1, 0.9, 3);
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autoptr(LqPeakCache) cache = build (audio, lengths[i], 1, i);
      float v = 1;

      g_assert_cmpuint (lq_peak_cache_get_n_frames (cache), ==, lengths[i]);
      g_assert_cmpuint (lq_peak_cache_get_n_levels (cache), >=, 1);
      if (lengths[i] == 0)
        {
          lq_peak_cache_read (cache, 0, 0, 100, 1, &v, NULL, NULL);
          g_assert_cmpfloat (v, ==, 0.0f);
        }
      else
        check_against_samples (cache, audio, lengths[i], 1, i, lengths[i] > 1 ? 20 : 0);
    }
}

static GFile *
write_wav (const char *dir, const char *name, const float *audio, guint64 frames, guint channels)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GFile *file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (lq_wav_write_file (file, audio, frames, channels, 44100, LQ_WAV_FLOAT32, NULL, &error));
  g_assert_no_error (error);
  return file;
}

static void
get_mtime (GFile *file, guint64 *sec, guint32 *usec)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, "time::modified,time::modified-usec",
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);
  g_assert_nonnull (info);
  *sec = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
  *usec = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
}

static void
set_mtime (GFile *file, guint64 sec, guint32 usec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_info_new ();
  guint64 got_sec;
  guint32 got_usec;

  /* In one call (GIO sets them together); GLib 2.74 reads the nanoseconds. */
  g_file_info_set_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED, sec);
  g_file_info_set_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC, usec);
  g_file_info_set_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC, usec * 1000);
  g_assert_true (g_file_set_attributes_from_info (file, info, G_FILE_QUERY_INFO_NONE, NULL, &error));
  g_assert_no_error (error);
  get_mtime (file, &got_sec, &got_usec);
  g_assert_cmpuint (got_sec, ==, sec);
  g_assert_cmpuint (got_usec, ==, usec);
}

static void
test_disk_cache (Fixture *f, gconstpointer data)
{
  guint64 frames;
  g_autofree float *audio = demo_audio (&frames);
  g_autoptr(GFile) wav = write_wav (f->dir, "track.wav", audio, frames, 2);
  g_autofree char *cache_path = lq_peak_cache_get_path_for (wav, f->cache_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqPeakCache) first = NULL;
  g_autoptr(LqPeakCache) second = NULL;
  g_autoptr(LqPeakCache) loaded = NULL;
  g_autofree char *garbage = NULL;
  GStatBuf st1, st2;
  guint64 sec;
  guint32 usec;
  float a[500], b[500];

  g_assert_true (g_str_has_prefix (cache_path, f->cache_dir));
  /* No cache yet: load says so, open decodes and stores. */
  g_assert_null (lq_peak_cache_load (wav, f->cache_dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  first = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lq_peak_cache_is_from_disk (first));
  g_assert_cmpint (g_stat (cache_path, &st1), ==, 0);
  check_against_samples (first, audio, frames, 2, 10, 40);

  /* Opened again: mapped from the file, which is left as it was. */
  second = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lq_peak_cache_is_from_disk (second));
  g_assert_cmpint (g_stat (cache_path, &st2), ==, 0);
  g_assert_cmpuint (st1.st_ino, ==, st2.st_ino);
  g_assert_cmpint (st1.st_mtime, ==, st2.st_mtime);
  check_against_samples (second, audio, frames, 2, 11, 40);
  lq_peak_cache_read (first, 1, 1000, frames - 1000, 500, a, NULL, NULL);
  lq_peak_cache_read (second, 1, 1000, frames - 1000, 500, b, NULL, NULL);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);

  /* No decoding happens on a hit: replace the audio by garbage of the same size and put the
   * modification time back; the file cannot be decoded, yet the cache loads. */
  get_mtime (wav, &sec, &usec);
  {
    g_autofree char *path = g_file_get_path (wav);
    g_autoptr(GFileInfo) info = g_file_query_info (wav, "standard::size", 0, NULL, NULL);
    gsize size = (gsize) g_file_info_get_size (info);

    garbage = g_malloc0 (size);
    g_assert_true (g_file_set_contents (path, garbage, size, NULL));
  }
  set_mtime (wav, sec, usec);
  loaded = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lq_peak_cache_is_from_disk (loaded));
  check_against_samples (loaded, audio, frames, 2, 12, 20);

  /* The same garbage a microsecond later is a changed file: it is decoded (and fails). */
  set_mtime (wav, sec, usec + 1);
  g_assert_null (lq_peak_cache_load (wav, f->cache_dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (lq_peak_cache_open (wav, f->cache_dir, NULL, &error));
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

static void
test_rebuilt_when_file_changes (Fixture *f, gconstpointer data)
{
  guint64 frames;
  g_autofree float *audio = demo_audio (&frames);
  g_autofree float *other = g_new (float, frames * 2);
  g_autoptr(GFile) wav = write_wav (f->dir, "track.wav", audio, frames, 2);
  g_autofree char *cache_path = lq_peak_cache_get_path_for (wav, f->cache_dir);
  g_autoptr(GError) error = NULL;
  LqPeakCache *cache;
  GStatBuf st1, st2;

  cache = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lq_peak_cache_is_from_disk (cache));
  lq_peak_cache_unref (cache);
  g_assert_cmpint (g_stat (cache_path, &st1), ==, 0);

  /* Same length, other content: the cache is rebuilt and stored again. */
  lq_synth_demo_render (2, 44100, other, frames);
  g_object_unref (write_wav (f->dir, "track.wav", other, frames, 2));
  cache = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lq_peak_cache_is_from_disk (cache));
  check_against_samples (cache, other, frames, 2, 20, 30);
  lq_peak_cache_unref (cache);
  g_assert_cmpint (g_stat (cache_path, &st2), ==, 0);
  g_assert_cmpuint (st1.st_ino, !=, st2.st_ino); /* replaced atomically (a new file) */
  cache = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_true (lq_peak_cache_is_from_disk (cache));
  check_against_samples (cache, other, frames, 2, 21, 20);
  lq_peak_cache_unref (cache);

  /* A shorter file */
  g_object_unref (write_wav (f->dir, "track.wav", other, frames / 3, 2));
  cache = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lq_peak_cache_is_from_disk (cache));
  check_against_samples (cache, other, frames / 3, 2, 22, 20);
  lq_peak_cache_unref (cache);
}

static void
test_damaged_cache (Fixture *f, gconstpointer data)
{
  guint64 frames = 100000;
  g_autofree float *audio = g_new (float, frames);
  g_autoptr(GFile) wav = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  LqPeakCache *cache;

  lq_synth_noise (audio, frames, 1, 0.5, 9);
  wav = write_wav (f->dir, "mono.wav", audio, frames, 1);
  cache_path = lq_peak_cache_get_path_for (wav, f->cache_dir);
  cache = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
  g_assert_no_error (error);
  lq_peak_cache_unref (cache);
  g_assert_true (g_file_get_contents (cache_path, &contents, &len, NULL));

  for (guint damage = 0; damage < 4; damage++)
    {
      g_autofree char *bad = g_memdup2 (contents, len);
      gsize bad_len = len;

      switch (damage)
        {
        case 0: bad_len = len - 1; break;       /* truncated */
        case 1: bad[0] = 'X'; break;            /* not ours */
        case 2: bad[8] = 99; break;             /* another format version */
        case 3: bad_len = 10; break;            /* shorter than a header */
        }
      g_assert_true (g_file_set_contents (cache_path, bad, bad_len, NULL));
      g_assert_null (lq_peak_cache_load (wav, f->cache_dir, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_clear_error (&error);
      cache = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (lq_peak_cache_is_from_disk (cache));
      check_against_samples (cache, audio, frames, 1, damage, 10);
      lq_peak_cache_unref (cache);
    }

  /* A cache of another file stored under this one's name (a hash collision) is refused. */
  {
    g_autoptr(GFile) other = write_wav (f->dir, "other.wav", audio, frames, 1);
    g_autofree char *other_path = lq_peak_cache_get_path_for (other, f->cache_dir);

    cache = lq_peak_cache_open (other, f->cache_dir, NULL, &error);
    g_assert_no_error (error);
    lq_peak_cache_unref (cache);
    g_assert_cmpint (g_rename (other_path, cache_path), ==, 0);
    g_assert_null (lq_peak_cache_load (wav, f->cache_dir, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

static void
test_missing_source_and_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "nothing.wav", NULL);
  g_autoptr(GFile) missing = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree float *audio = g_new0 (float, 44100);
  g_autoptr(GFile) wav = write_wav (f->dir, "silence.wav", audio, 44100, 1);

  g_assert_null (lq_peak_cache_open (missing, f->cache_dir, NULL, &error));
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE);
  g_assert_nonnull (strstr (error->message, "nothing.wav"));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_null (lq_peak_cache_open (wav, f->cache_dir, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  {
    g_autofree char *cache_path = lq_peak_cache_get_path_for (wav, f->cache_dir);
    g_assert_false (g_file_test (cache_path, G_FILE_TEST_EXISTS));
  }
}

static void
open_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LqPeakCache **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lq_peak_cache_open_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autofree float *audio = g_new (float, 2 * 30000);
  g_autoptr(GFile) wav = NULL;
  LqPeakCache *cache = NULL;

  lq_synth_noise (audio, 30000, 2, 0.25, 1);
  wav = write_wav (f->dir, "a.wav", audio, 30000, 2);
  lq_peak_cache_open_async (wav, f->cache_dir, NULL, open_done_cb, &cache);
  while (cache == NULL)
    g_main_context_iteration (NULL, TRUE);
  check_against_samples (cache, audio, 30000, 2, 5, 20);
  lq_peak_cache_unref (cache);
}

/* The peaks kernel alone: entries and reductions equal brute force over the samples. */
static void
test_peaks_kernel (void)
{
  const guint64 frames = 100003; /* not a multiple of anything */
  const unsigned ch = 2, r0 = 256, factor = 4;
  g_autofree float *audio = g_new (float, ch * frames);
  g_autofree LqPeak *level0 = g_new (LqPeak, ch * (frames / r0 + 2));
  g_autofree LqPeak *level1 = g_new (LqPeak, ch * (frames / r0 / factor + 2));
  LqPeaks *pk = lq_peaks_new (ch, r0);
  gsize n0 = 0, n1;
  GRand *rand = g_rand_new_with_seed (5);

  lq_synth_demo_render (0, 48000, audio, frames);
  audio[1000] = NAN; /* counts as 0 */
  for (guint64 i = 0; i < frames;)
    {
      guint64 r = (guint64) g_rand_int_range (rand, 1, 3000); /* once: MIN() evaluates twice */
      gsize block = MIN (r, frames - i);
      n0 += lq_peaks_process (pk, audio + i * ch, block, level0 + n0 * ch);
      i += block;
    }
  n0 += lq_peaks_flush (pk, level0 + n0 * ch);
  audio[1000] = 0.0f;
  g_assert_cmpuint (n0, ==, (frames + r0 - 1) / r0);
  g_assert_cmpuint (lq_peaks_get_n_frames (pk), ==, frames);
  n1 = lq_peaks_reduce (level0, n0, ch, r0, frames, factor, level1);
  g_assert_cmpuint (n1, ==, (n0 + factor - 1) / factor);
  for (guint level = 0; level < 2; level++)
    for (gsize j = 0; j < (level ? n1 : n0); j++)
      for (unsigned c = 0; c < ch; c++)
        {
          const LqPeak *e = (level ? level1 : level0) + j * ch + c;
          guint64 r = level ? r0 * factor : r0;
          float emin, emax;
          double erms;

          brute (audio, ch, c, j * r, MIN ((j + 1) * r, frames), &emin, &emax, &erms);
          g_assert_cmpfloat (e->min, ==, emin);
          g_assert_cmpfloat (e->max, ==, emax);
          g_assert_cmpfloat_with_epsilon (sqrt (e->power), erms, 1e-5 * erms + 1e-12);
        }
  g_rand_free (rand);
  lq_peaks_free (pk);
}

/* Long-term average spectrum of files. */

static double
level_at (LqLtas *ltas, double freq)
{
  const float *f = lq_ltas_get_frequencies (ltas), *l = lq_ltas_get_levels (ltas);
  guint best = 0;

  for (guint i = 0; i < lq_ltas_get_n_points (ltas); i++)
    if (fabs (log (f[i] / freq)) < fabs (log (f[best] / freq)))
      best = i;
  return l[best];
}

static void
test_ltas_sine_and_noise (Fixture *f, gconstpointer data)
{
  const guint64 frames = 5 * 44100;
  g_autofree float *audio = g_new (float, 2 * frames);
  g_autofree float *louder = g_new (float, 2 * frames);
  g_autofree float *diff = NULL;
  g_autoptr(GFile) sine_wav = NULL;
  g_autoptr(GFile) noise_wav = NULL;
  g_autoptr(GFile) loud_wav = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqLtas) sine = NULL;
  g_autoptr(LqLtas) noise = NULL;
  g_autoptr(LqLtas) loud = NULL;
  double offset, h = pow (2.0, 1.0 / 6), worst = 0;

  /* A -6.02 dBFS sine at 1 kHz: its third-octave band reads -6.02 dB. */
  lq_synth_sine (audio, frames, 2, 44100, 1000.0, 0.5, 0.0);
  sine_wav = write_wav (f->dir, "sine.wav", audio, frames, 2);
  sine = lq_ltas_new_for_file (sine_wav, LQ_LTAS_DEFAULT_POINTS, 3.0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lq_ltas_get_n_frames (sine), ==, frames);
  g_test_message ("LTAS of a -6.02 dBFS 1 kHz sine: %.3f dB at 1 kHz, %.1f dB at 100 Hz",
                  level_at (sine, 1000), level_at (sine, 100));
  g_assert_cmpfloat_with_epsilon (level_at (sine, 1000), 20 * log10 (0.5), 0.1);
  g_assert_cmpfloat (level_at (sine, 100), <, -100);

  /* White noise of variance a^2 / 3: band power 4 var f (h - 1/h) / rate. */
  lq_synth_noise (audio, frames, 2, 0.5, 77);
  noise_wav = write_wav (f->dir, "noise.wav", audio, frames, 2);
  noise = lq_ltas_new_for_file (noise_wav, LQ_LTAS_DEFAULT_POINTS, 3.0, NULL, &error);
  g_assert_no_error (error);
  for (double freq = 125; freq <= 16000; freq *= 2)
    {
      double expected = 10 * log10 (4 * (0.25 / 3) * freq * (h - 1 / h) / 44100);
      worst = MAX (worst, fabs (level_at (noise, freq) - expected));
    }
  g_test_message ("LTAS of white noise: worst error %.3f dB", worst);
  g_assert_cmpfloat (worst, <, 0.3);

  /* The same noise 6.02 dB louder compares flat, with the offset. */
  for (guint64 i = 0; i < 2 * frames; i++)
    louder[i] = 2 * audio[i];
  loud_wav = write_wav (f->dir, "loud.wav", louder, frames, 2);
  loud = lq_ltas_new_for_file (loud_wav, LQ_LTAS_DEFAULT_POINTS, 3.0, NULL, &error);
  g_assert_no_error (error);
  diff = g_new (float, lq_ltas_get_n_points (loud));
  g_assert_true (lq_ltas_compare (loud, noise, diff, &offset));
  g_assert_cmpfloat_with_epsilon (offset, 20 * log10 (2.0), 1e-3);
  for (guint i = 0; i < lq_ltas_get_n_points (loud); i++)
    g_assert_cmpfloat_with_epsilon (diff[i], 0.0, 1e-3);

  /* Against the sine, noise is brighter: the difference rises with frequency. */
  g_assert_true (lq_ltas_compare (noise, sine, diff, NULL));
  {
    g_autoptr(LqLtas) other_grid = lq_ltas_new (44100, 2, 100, 3.0);
    g_assert_false (lq_ltas_compare (noise, other_grid, diff, NULL));
  }
}

/* ---- Benchmark: only with -m perf (never timed in the suite) ----
 *   _build/tests/test-peak-cache -m perf -p /lq/peak-cache/perf
 * Ten minutes of the demo album (44.1 kHz stereo, 16-bit WAV); every figure is the best of 3
 * runs, wall clock, next to peers run on the same file in the same run. */

#define PERF_MINUTES 10
#define PERF_RUNS 3

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU seconds (user + system) of this process's threads or of its waited-for children */
static double
cpu_s (int who)
{
  struct rusage ru;

  getrusage (who, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

typedef struct
{
  double wall; /* best wall-clock seconds */
  double cpu;  /* CPU seconds of that run */
} Timing;

static Timing
run_argv (const char *const *argv)
{
  g_autofree char *program = g_find_program_in_path (argv[0]);
  Timing best = { INFINITY, INFINITY };

  if (program == NULL)
    return (Timing) { NAN, NAN };
  for (guint r = 0; r < PERF_RUNS; r++)
    {
      g_autoptr(GError) error = NULL;
      int status;
      double t0 = now_s (), c0 = cpu_s (RUSAGE_CHILDREN);

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                         | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error)
          || !g_spawn_check_wait_status (status, NULL))
        return (Timing) { NAN, NAN };
      if (now_s () - t0 < best.wall)
        best = (Timing) { now_s () - t0, cpu_s (RUSAGE_CHILDREN) - c0 };
    }
  return best;
}

static Timing
run_pipeline (const char *description)
{
  Timing best = { INFINITY, INFINITY };

  for (guint r = 0; r < PERF_RUNS; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
      g_autoptr(GstBus) bus = NULL;
      g_autoptr(GstMessage) msg = NULL;
      double t0, c0;

      g_assert_no_error (error);
      bus = gst_element_get_bus (pipeline);
      t0 = now_s ();
      c0 = cpu_s (RUSAGE_SELF);
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
      msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
      if (now_s () - t0 < best.wall)
        best = (Timing) { now_s () - t0, cpu_s (RUSAGE_SELF) - c0 };
      gst_element_set_state (pipeline, GST_STATE_NULL);
    }
  return best;
}

static void
test_perf (Fixture *f, gconstpointer data)
{
  const guint64 frames = (guint64) PERF_MINUTES * 60 * 44100;
  const double seconds = PERF_MINUTES * 60.0;
  g_autofree float *audio = g_new (float, frames * 2);
  g_autoptr(GFile) wav = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *png = g_build_filename (f->dir, "wave.png", NULL);
  g_autofree char *cache_path = NULL;
  g_autofree char *launch = NULL;
  double t, best, cpu = 0;
  guint64 filled = 0;

  if (!g_test_perf ())
    {
      g_test_skip ("a benchmark: run with -m perf");
      return;
    }

  lq_elements_init ();
  for (guint i = 0; filled < frames; i = (i + 1) % lq_synth_demo_n_tracks ())
    {
      guint64 n = MIN (lq_synth_demo_frames (i, 44100), frames - filled);
      lq_synth_demo_render (i, 44100, audio + 2 * filled, n);
      filled += n;
    }
  path = g_build_filename (f->dir, "album.wav", NULL);
  wav = g_file_new_for_path (path);
  g_assert_true (lq_wav_write_file (wav, audio, frames, 2, 44100, LQ_WAV_PCM16, NULL, &error));
  cache_path = lq_peak_cache_get_path_for (wav, f->cache_dir);
  g_test_message ("material: %d min of the demo album, 44.1 kHz stereo 16-bit WAV", PERF_MINUTES);

  /* Peaks from samples in memory (the kernel, as fed by an analysis pass) */
  best = INFINITY;
  for (guint r = 0; r < PERF_RUNS; r++)
    {
      g_autoptr(LqPeakCacheBuilder) b = lq_peak_cache_builder_new (2, 44100);
      LqPeakCache *c;

      double c0 = cpu_s (RUSAGE_SELF);

      t = now_s ();
      for (guint64 i = 0; i < frames; i += 65536)
        lq_peak_cache_builder_add (b, audio + 2 * i, MIN (65536, frames - i));
      c = lq_peak_cache_builder_end (b);
      if (now_s () - t < best)
        best = now_s () - t, cpu = cpu_s (RUSAGE_SELF) - c0;
      lq_peak_cache_unref (c);
    }
  g_test_message ("peaks from memory: %.0fx realtime (%.3f s, CPU %.3f s)", seconds / best, best, cpu);

  /* Decode + build + store, then a cache hit */
  best = INFINITY;
  for (guint r = 0; r < PERF_RUNS; r++)
    {
      LqPeakCache *c;

      double c0 = cpu_s (RUSAGE_SELF);

      g_unlink (cache_path);
      t = now_s ();
      c = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
      g_assert_no_error (error);
      if (now_s () - t < best)
        best = now_s () - t, cpu = cpu_s (RUSAGE_SELF) - c0;
      g_assert_false (lq_peak_cache_is_from_disk (c));
      g_assert_cmpuint (lq_peak_cache_get_n_frames (c), ==, frames);
      lq_peak_cache_unref (c);
    }
  g_test_message ("peak cache, decode + build + store: %.0fx realtime (%.3f s, CPU %.3f s)", seconds / best,
                  best, cpu);
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (cache_path, &st), ==, 0);
    g_test_message ("peak cache file: %.1f KB per stereo minute", st.st_size / 1024.0 / PERF_MINUTES);
  }
  best = INFINITY;
  for (guint r = 0; r < PERF_RUNS; r++)
    {
      LqPeakCache *c;

      t = now_s ();
      c = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
      best = MIN (best, now_s () - t);
      g_assert_true (lq_peak_cache_is_from_disk (c));

      if (r == 0)
        {
          float min[1920], max[1920], rms[1920];
          const guint reads = 1000;

          /* Reads: the whole file and a 10 s window on 1920 pixels */
          t = now_s ();
          for (guint i = 0; i < reads; i++)
            lq_peak_cache_read (c, i % 2, 0, frames, 1920, min, max, rms);
          g_test_message ("read 1920 px over %d min: %.1f us", PERF_MINUTES, (now_s () - t) / reads * 1e6);
          t = now_s ();
          for (guint i = 0; i < reads; i++)
            lq_peak_cache_read (c, i % 2, frames / 2, frames / 2 + 441000, 1920, min, max, rms);
          g_test_message ("read 1920 px over 10 s: %.1f us", (now_s () - t) / reads * 1e6);
        }
      lq_peak_cache_unref (c);
    }
  g_test_message ("peak cache hit (open + map): %.3f ms", best * 1e3);

  {
    const char *decode[] = { "ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-", NULL };
    const char *wave[] = { "ffmpeg", "-nostdin", "-v", "error", "-filter_threads", "1", "-i", path,
                           "-filter_complex", "showwavespic=s=1920x200:split_channels=1",
                           "-frames:v", "1", "-y", png, NULL };
    Timing tm = run_argv (decode);
    g_test_message ("peer: ffmpeg decode only: %.0fx realtime (%.3f s, CPU %.3f s)", seconds / tm.wall, tm.wall, tm.cpu);
    tm = run_argv (wave);
    g_test_message ("peer: ffmpeg showwavespic 1920x200 (one picture, no cache): %.0fx realtime (%.3f s, CPU %.3f s)",
                    seconds / tm.wall, tm.wall, tm.cpu);
  }

  /* Long-term average spectrum of the file */
  best = INFINITY;
  for (guint r = 0; r < PERF_RUNS; r++)
    {
      LqLtas *l;
      double c0 = cpu_s (RUSAGE_SELF);

      t = now_s ();
      l = lq_ltas_new_for_file (wav, LQ_LTAS_DEFAULT_POINTS, 3.0, NULL, &error);
      g_assert_no_error (error);
      if (now_s () - t < best)
        best = now_s () - t, cpu = cpu_s (RUSAGE_SELF) - c0;
      lq_ltas_free (l);
    }
  g_test_message ("LTAS of the file (decode + 8192-point FFTs, 50 %% overlap): %.0fx realtime (%.3f s, CPU %.3f s)",
                  seconds / best, best, cpu);
  {
    const char *sox[] = { "sox", path, "-n", "stat", "-freq", NULL };
    Timing tm = run_argv (sox);
    g_test_message ("peer: sox stat -freq (4096-point spectrum of the file): %.0fx realtime (%.3f s, CPU %.3f s)",
                    seconds / tm.wall, tm.wall, tm.cpu);
  }

  /* The live elements in a pipeline (one streaming thread), against the I/O alone and
   * GStreamer's own spectrum element */
  {
    const char *tails[] = {
      "fakesink",
      "lqspectrum fft-size=8192 ! fakesink",
      "lqspectrum fft-size=32768 smoothing=3 ! fakesink",
      "lqphase ! fakesink",
      "spectrum bands=4097 interval=33333333 multi-channel=true ! fakesink",
    };
    for (guint i = 0; i < G_N_ELEMENTS (tails); i++)
      {
        g_free (launch);
        launch = g_strdup_printf ("filesrc location=\"%s\" ! wavparse ! audioconvert ! "
                                  "audio/x-raw,format=F32LE ! %s sync=false", path, tails[i]);
        Timing tm = run_pipeline (launch);
        g_test_message ("pipeline ... ! %s: %.0fx realtime (%.3f s, CPU %.3f s)", tails[i], seconds / tm.wall,
                        tm.wall, tm.cpu);
      }
  }
}

static void
set_times (const char *path, time_t used)
{
  struct utimbuf times = { .actime = used, .modtime = used };

  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* Pruning keeps the most recently used peak files within the size given and never touches
 * other files; opening a cache counts as a use. */
static void
test_prune (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = g_build_filename (f->cache_dir, "notes.txt", NULL);
  char block[1000] = { 0 };
  time_t now = time (NULL);
  guint removed = 99;

  g_assert_cmpint (g_mkdir_with_parents (f->cache_dir, 0755), ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u.peaks", i);
      g_autofree char *path = g_build_filename (f->cache_dir, name, NULL);

      g_assert_true (g_file_set_contents (path, block, sizeof block, NULL));
      set_times (path, now - 1000 + 100 * i); /* 0.peaks is the oldest */
    }
  g_assert_true (g_file_set_contents (notes, block, sizeof block, NULL));
  set_times (notes, now - 5000);

  /* 5000 bytes of peaks: at most 2500 keeps the two most recent. */
  g_assert_true (lq_peak_cache_prune (f->cache_dir, 2500, &removed, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 3);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u.peaks", i);
      g_autofree char *path = g_build_filename (f->cache_dir, name, NULL);

      g_assert_cmpint (g_file_test (path, G_FILE_TEST_EXISTS), ==, i >= 3);
    }
  g_assert_true (g_file_test (notes, G_FILE_TEST_EXISTS));
  g_assert_true (lq_peak_cache_prune (f->cache_dir, 2500, &removed, NULL, &error));
  g_assert_cmpuint (removed, ==, 0);

  /* A real cache opened again is used: it outlives an older, unused one. */
  {
    guint64 frames;
    g_autofree float *audio = demo_audio (&frames);
    g_autoptr(GFile) wav = write_wav (f->dir, "track.wav", audio, frames, 2);
    g_autofree char *cache_path = lq_peak_cache_get_path_for (wav, f->cache_dir);
    g_autofree char *old = g_build_filename (f->cache_dir, "4.peaks", NULL);
    g_autoptr(LqPeakCache) built = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
    g_autoptr(LqPeakCache) reopened = NULL;
    GStatBuf st;

    g_assert_no_error (error);
    set_times (cache_path, now - 2000);
    reopened = lq_peak_cache_open (wav, f->cache_dir, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (lq_peak_cache_is_from_disk (reopened));
    g_assert_cmpint (g_stat (cache_path, &st), ==, 0);
    g_assert_cmpint (st.st_mtime, ==, now - 2000); /* the file itself is left as it was */
    g_assert_true (lq_peak_cache_prune (f->cache_dir, (guint64) st.st_size + 1000, &removed, NULL, &error));
    g_assert_cmpuint (removed, ==, 1);
    g_assert_true (g_file_test (cache_path, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (old, G_FILE_TEST_EXISTS));
  }

  /* A folder that does not exist has nothing to prune. */
  {
    g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", NULL);
    g_assert_true (lq_peak_cache_prune (missing, 0, &removed, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (removed, ==, 0);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/peaks/kernel", test_peaks_kernel);
  g_test_add_func ("/lq/peak-cache/in-memory-matches-samples", test_in_memory_matches_samples);
  g_test_add_func ("/lq/peak-cache/odd-lengths", test_odd_lengths);
  g_test_add ("/lq/peak-cache/disk-cache", Fixture, NULL, fixture_setup, test_disk_cache, fixture_teardown);
  g_test_add ("/lq/peak-cache/rebuilt-when-file-changes", Fixture, NULL, fixture_setup,
              test_rebuilt_when_file_changes, fixture_teardown);
  g_test_add ("/lq/peak-cache/damaged-cache", Fixture, NULL, fixture_setup, test_damaged_cache, fixture_teardown);
  g_test_add ("/lq/peak-cache/missing-source-and-cancel", Fixture, NULL, fixture_setup,
              test_missing_source_and_cancel, fixture_teardown);
  g_test_add ("/lq/peak-cache/prune", Fixture, NULL, fixture_setup, test_prune, fixture_teardown);
  g_test_add ("/lq/peak-cache/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add ("/lq/ltas/sine-and-noise", Fixture, NULL, fixture_setup, test_ltas_sine_and_noise, fixture_teardown);
  g_test_add ("/lq/peak-cache/perf", Fixture, NULL, fixture_setup, test_perf, fixture_teardown);

  return g_test_run ();
}
