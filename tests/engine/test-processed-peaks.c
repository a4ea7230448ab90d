/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Processed peaks (a track as heard: chain, gain, fades) against closed forms: a limiter at
 * -6 dBTP with +12 dB of drive keeps every sample at or under -6 dBFS and raises the RMS; an
 * empty chain with a gain of 20 log10(2) dB (+6.02 dB) gives the source's peaks times 2 entry
 * by entry; the async build (on a copy of the track) equals the blocking one and can be
 * cancelled; the key follows what the peaks depend on. */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-elements.h"
#include "lq-engine-error.h"
#include "lq-peak-cache.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100

typedef struct
{
  char *dir;          /* temporary folder for the audio */
  GFile *wav;         /* the source: 8 s of demo music, stereo float at RATE */
  float *audio;       /* its samples */
  guint64 frames;
  LqProject *project; /* one track of it, at RATE */
  LqTrack *track;     /* borrowed from the project */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(LqTrack) track = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("lq-processed-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->frames = 8 * RATE;
  f->audio = g_new (float, 2 * f->frames);
  lq_synth_demo_render (0, RATE, f->audio, f->frames);
  path = g_build_filename (f->dir, "track.wav", NULL);
  f->wav = g_file_new_for_path (path);
  g_assert_true (lq_wav_write_file (f->wav, f->audio, f->frames, 2, RATE, LQ_WAV_FLOAT32, NULL, &error));
  g_assert_no_error (error);

  f->project = lq_project_new ();
  g_object_set (f->project, "rate", RATE, NULL);
  track = lq_track_new (f->wav);
  g_assert_true (lq_track_probe (track, NULL, &error));
  g_assert_no_error (error);
  lq_project_append_track (f->project, track);
  f->track = track;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_file_get_path (f->wav);

  g_assert_finalize_object (f->project);
  g_unlink (path);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->audio);
  g_object_unref (f->wav);
}

/* Peak and RMS of the whole cache (its top level), all channels. */
static void
whole (LqPeakCache *cache, double *peak, double *rms)
{
  double power = 0;

  *peak = 0;
  for (guint c = 0; c < lq_peak_cache_get_channels (cache); c++)
    {
      float min, max, r;

      lq_peak_cache_read (cache, c, 0, lq_peak_cache_get_n_frames (cache), 1, &min, &max, &r);
      *peak = MAX (*peak, MAX (max, -min));
      power += (double) r * r;
    }
  *rms = sqrt (power / lq_peak_cache_get_channels (cache));
}

/* The source's peaks, from its samples (the WAV holds them exactly: float). */
static LqPeakCache *
source_peaks (Fixture *f)
{
  g_autoptr(LqPeakCacheBuilder) builder = lq_peak_cache_builder_new (2, RATE);

  lq_peak_cache_builder_add (builder, f->audio, f->frames);
  return lq_peak_cache_builder_end (builder);
}

static void
test_limiter (Fixture *f, gconstpointer data)
{
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  g_autoptr(LqPeakCache) source = NULL;
  g_autoptr(LqPeakCache) processed = NULL;
  g_autoptr(GError) error = NULL;
  double ceiling = pow (10.0, -6.0 / 20.0);
  double src_peak, src_rms, peak, rms, worst = 0;
  guint n;

  lq_chain_element_set_double (limiter, "ceiling", -6.0);
  lq_chain_element_set_double (limiter, "drive", 12.0);
  lq_chain_element_set (limiter, "true-peak", "true");
  lq_chain_append (lq_track_get_chain (f->track), limiter);

  source = source_peaks (f);
  {
    gint64 t0 = g_get_monotonic_time ();

    processed = lq_peak_cache_build_processed (f->project, 0, NULL, &error);
    g_test_message ("built the processed peaks of %.0f s through the limiter in %.0f ms",
                    (double) f->frames / RATE, (g_get_monotonic_time () - t0) / 1000.0);
  }
  g_assert_no_error (error);
  g_assert_nonnull (processed);
  g_assert_cmpuint (lq_peak_cache_get_n_frames (processed), ==, f->frames);
  g_assert_cmpuint (lq_peak_cache_get_rate (processed), ==, RATE);
  g_assert_cmpuint (lq_peak_cache_get_channels (processed), ==, 2);

  whole (source, &src_peak, &src_rms);
  whole (processed, &peak, &rms);
  g_test_message ("source: peak %.2f dBFS, RMS %.2f dBFS; limited: peak %.3f dBFS, RMS %.2f dBFS",
                  20 * log10 (src_peak), 20 * log10 (src_rms), 20 * log10 (peak), 20 * log10 (rms));
  /* The source goes over the ceiling by more than the drive could hide... */
  g_assert_cmpfloat (src_peak * pow (10.0, 12.0 / 20.0), >, 2 * ceiling);
  /* ...and no processed sample does (float tolerance only). */
  g_assert_cmpfloat (peak, <=, ceiling * (1 + 1e-6));
  /* Louder: the RMS rises. */
  g_assert_cmpfloat (rms, >, src_rms * 1.5);

  /* The same entry by entry at full resolution (every level-0 entry under the ceiling). */
  n = (guint) ((f->frames + LQ_PEAK_CACHE_FRAMES_PER_PEAK - 1) / LQ_PEAK_CACHE_FRAMES_PER_PEAK);
  for (guint c = 0; c < 2; c++)
    {
      g_autofree float *min = g_new (float, n);
      g_autofree float *max = g_new (float, n);

      lq_peak_cache_read (processed, c, 0, (guint64) n * LQ_PEAK_CACHE_FRAMES_PER_PEAK, n, min, max, NULL);
      for (guint i = 0; i < n; i++)
        worst = MAX (worst, MAX (max[i], -min[i]));
    }
  g_assert_cmpfloat (worst, ==, peak);
}

static void
test_gain_doubles (Fixture *f, gconstpointer data)
{
  g_autoptr(LqPeakCache) source = NULL;
  g_autoptr(LqPeakCache) processed = NULL;
  g_autoptr(GError) error = NULL;
  guint n = (guint) ((f->frames + LQ_PEAK_CACHE_FRAMES_PER_PEAK - 1) / LQ_PEAK_CACHE_FRAMES_PER_PEAK);
  guint64 end = (guint64) n * LQ_PEAK_CACHE_FRAMES_PER_PEAK;
  double worst = 0;

  /* +6.02 dB: exactly twice the amplitude. */
  g_object_set (f->track, "gain", 20 * log10 (2.0), NULL);
  source = source_peaks (f);
  processed = lq_peak_cache_build_processed (f->project, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lq_peak_cache_get_n_frames (processed), ==, lq_peak_cache_get_n_frames (source));
  g_assert_cmpuint (lq_peak_cache_get_n_levels (processed), ==, lq_peak_cache_get_n_levels (source));

  for (guint c = 0; c < 2; c++)
    {
      g_autofree float *smin = g_new (float, n);
      g_autofree float *smax = g_new (float, n);
      g_autofree float *srms = g_new (float, n);
      g_autofree float *pmin = g_new (float, n);
      g_autofree float *pmax = g_new (float, n);
      g_autofree float *prms = g_new (float, n);

      /* One pixel per level-0 entry. */
      g_assert_cmpuint (lq_peak_cache_read (source, c, 0, end, n, smin, smax, srms), ==, LQ_PEAK_CACHE_FRAMES_PER_PEAK);
      g_assert_cmpuint (lq_peak_cache_read (processed, c, 0, end, n, pmin, pmax, prms), ==, LQ_PEAK_CACHE_FRAMES_PER_PEAK);
      for (guint i = 0; i < n; i++)
        {
          worst = MAX (worst, fabs (pmin[i] - 2 * smin[i]));
          worst = MAX (worst, fabs (pmax[i] - 2 * smax[i]));
          worst = MAX (worst, fabs (prms[i] - 2 * srms[i]));
          g_assert_cmpfloat (fabs (pmin[i] - 2 * smin[i]), <=, 1e-6 + 1e-5 * fabs (smin[i]));
          g_assert_cmpfloat (fabs (pmax[i] - 2 * smax[i]), <=, 1e-6 + 1e-5 * fabs (smax[i]));
          g_assert_cmpfloat (fabs (prms[i] - 2 * srms[i]), <=, 1e-6 + 1e-5 * srms[i]);
        }
    }
  g_test_message ("largest difference from 2 x source: %.3g", worst);

  /* A fade-in of 1 s: the first second is quieter than twice the source, the rest is not. */
  {
    g_autoptr(LqPeakCache) faded = NULL;
    float a[2], b[2];

    g_object_set (f->track, "fade-in", (guint64) RATE, NULL);
    faded = lq_peak_cache_build_processed (f->project, 0, NULL, &error);
    g_assert_no_error (error);
    lq_peak_cache_read (faded, 0, 0, RATE / 4, 1, NULL, b, NULL);
    lq_peak_cache_read (processed, 0, 0, RATE / 4, 1, NULL, a, NULL);
    g_assert_cmpfloat (b[0], <, 0.5 * a[0]);
    lq_peak_cache_read (faded, 0, 2 * RATE, 3 * RATE, 1, NULL, b, NULL);
    lq_peak_cache_read (processed, 0, 2 * RATE, 3 * RATE, 1, NULL, a, NULL);
    g_assert_cmpfloat (fabs (b[0] - a[0]), <=, 1e-6);
  }
}

static void
built_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async_and_key (Fixture *f, gconstpointer data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LqPeakCache) sync = NULL;
  g_autoptr(LqPeakCache) async = NULL;
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  g_autoptr(GError) error = NULL;
  g_autofree char *key0 = NULL;
  g_autofree char *key1 = NULL;
  g_autofree char *key2 = NULL;
  g_autofree char *key3 = NULL;
  float a[64], b[64], x[64], y[64];

  lq_chain_element_set_double (limiter, "ceiling", -3.0);
  lq_chain_element_set_double (limiter, "drive", 6.0);
  lq_chain_append (lq_track_get_chain (f->track), limiter);
  key0 = lq_peak_cache_get_processed_key (f->project, 0);
  g_assert_nonnull (key0);

  /* The async build works on a copy taken at the call: editing the track afterwards does not
   * change what it renders. */
  lq_peak_cache_build_processed_async (f->project, 0, NULL, built_cb, &result);
  lq_chain_element_set_double (limiter, "drive", 0.0);
  key1 = lq_peak_cache_get_processed_key (f->project, 0);
  g_assert_cmpstr (key0, !=, key1);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  async = lq_peak_cache_build_processed_finish (result, &error);
  g_assert_no_error (error);
  lq_chain_element_set_double (limiter, "drive", 6.0);
  key2 = lq_peak_cache_get_processed_key (f->project, 0);
  g_assert_cmpstr (key0, ==, key2);
  sync = lq_peak_cache_build_processed (f->project, 0, NULL, &error);
  g_assert_no_error (error);
  for (guint c = 0; c < 2; c++)
    {
      lq_peak_cache_read (sync, c, 0, f->frames, 64, a, b, NULL);
      lq_peak_cache_read (async, c, 0, f->frames, 64, x, y, NULL);
      for (guint i = 0; i < 64; i++)
        {
          g_assert_cmpfloat (x[i], ==, a[i]);
          g_assert_cmpfloat (y[i], ==, b[i]);
        }
    }

  /* Metadata does not change the key; the gain does. */
  lq_track_set_title (f->track, "Another Title");
  key3 = lq_peak_cache_get_processed_key (f->project, 0);
  g_assert_cmpstr (key3, ==, key0);
  g_object_set (f->track, "gain", -1.0, NULL);
  g_free (key3);
  key3 = lq_peak_cache_get_processed_key (f->project, 0);
  g_assert_cmpstr (key3, !=, key0);

  /* Cancelled: G_IO_ERROR_CANCELLED. */
  g_cancellable_cancel (cancellable);
  lq_peak_cache_build_processed_async (f->project, 0, cancellable, built_cb, &cancelled);
  while (cancelled == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (lq_peak_cache_build_processed_finish (cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* A hidden track has no processed peaks. */
  g_object_set (f->track, "hidden", TRUE, NULL);
  g_assert_null (lq_peak_cache_get_processed_key (f->project, 0));
  g_assert_null (lq_peak_cache_build_processed (f->project, 0, NULL, &error));
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add ("/lq/processed-peaks/limiter", Fixture, NULL, fixture_setup, test_limiter, fixture_teardown);
  g_test_add ("/lq/processed-peaks/gain-doubles", Fixture, NULL, fixture_setup, test_gain_doubles, fixture_teardown);
  g_test_add ("/lq/processed-peaks/async-and-key", Fixture, NULL, fixture_setup, test_async_and_key, fixture_teardown);

  return g_test_run ();
}
