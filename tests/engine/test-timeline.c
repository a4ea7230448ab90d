/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The album timeline, rendered: track starts, pauses, crossfades, trims, fades and mixed
 * sample rates against positions and envelopes computed here from the project's numbers
 * (not from the engine); CD frame alignment; stems; determinism; playback equals render. */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-player.h"
#include "lq-project.h"
#include "lq-render.h"
#include "lq-sequence.h"
#include "lq-wav.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("lq-timeline-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lq_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* A stereo float WAV of constant value @dc (or a sine of amplitude @dc at @freq when > 0). */
static GFile *
write_source (Fixture *f, const char *name, guint rate, guint frames, double dc, double freq)
{
  g_autofree float *audio = g_new (float, frames * 2);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  GFile *file = g_file_new_for_path (path);

  for (guint i = 0; i < frames; i++)
    audio[2 * i] = audio[2 * i + 1] = (float) (freq > 0 ? dc * sin (2 * G_PI * freq * i / rate) : dc);
  g_assert_true (lq_wav_write_file (file, audio, frames, 2, rate, LQ_WAV_FLOAT32, NULL, NULL));
  return file;
}

static LqTrack *
add_track (LqProject *project, GFile *file)
{
  g_autoptr(LqTrack) track = lq_track_new (file);

  g_assert_true (lq_track_probe (track, NULL, NULL));
  lq_project_append_track (project, track);
  return track;
}

static float *
render_float (Fixture *f, LqProject *project, const char *name, gsize *frames)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  LqRenderOptions options = { LQ_WAV_FLOAT32, 0, NULL };
  LqTestWav wav;
  float *audio;

  g_assert_true (lq_render_album (project, out, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  audio = lq_test_read_float_wav (path, &wav);
  g_assert_cmpuint (wav.tag, ==, 3); /* IEEE float */
  *frames = wav.frames;
  return audio;
}

static void
test_sample_exact (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GFile) a = write_source (f, "a.wav", 44100, 44100, 0.25, 0);
  g_autoptr(GFile) b = write_source (f, "b.wav", 48000, 72000, 0.5, 0);
  g_autoptr(GFile) c = write_source (f, "c.wav", 44100, 88200, -0.3, 0);
  g_autofree float *audio = NULL;
  LqTrack *ta, *tb, *tc;
  gsize frames;
  /* The timeline, from the numbers set below:
   *   A: 44100 samples at 0, linear fade-in over 4410;
   *   B: 72000 samples at 48 kHz = 66150 at 44.1 kHz, after a 22050-sample pause: 66150;
   *   C: trimmed to [4410, 83790) = 79380 samples, crossfading 11025 samples (equal power)
   *      into B's end: starts at 66150 + 66150 - 11025 = 121275, ends at 200655. */
  const guint64 b_start = 66150, b_end = 132300, c_start = 121275, total = 200655;

  g_object_set (project, "rate", 44100, NULL);
  ta = add_track (project, a);
  tb = add_track (project, b);
  tc = add_track (project, c);
  g_object_set (ta, "fade-in", (guint64) 4410, "fade-in-curve", LQ_FADE_LINEAR, NULL);
  g_object_set (tb, "pause", (guint64) 22050, NULL);
  g_object_set (tc, "in-point", (guint64) 4410, "out-point", (guint64) 83790,
                "crossfade", (guint64) 11025, "crossfade-curve", LQ_FADE_EQUAL_POWER, NULL);

  audio = render_float (f, project, "album.wav", &frames);
  g_assert_cmpuint (frames, ==, total);

  /* A's fade-in: sample n is 0.25 n / 4410, the first one silent. */
  for (guint n = 0; n < 4410; n++)
    g_assert_cmpfloat_with_epsilon (audio[2 * n], 0.25 * n / 4410.0, 1e-6);
  for (guint n = 4410; n < 44100; n++)
    g_assert_cmpfloat (audio[2 * n], ==, 0.25f);
  /* The pause is digital silence, exactly. */
  for (guint n = 44100; n < b_start; n++)
    g_assert_cmpfloat (audio[2 * n], ==, 0.0f);
  /* B, resampled from 48 kHz: its level inside, away from the resampler's edges. */
  for (guint64 n = b_start + 200; n < c_start - 200; n++)
    g_assert_cmpfloat_with_epsilon (audio[2 * n], 0.5, 2e-3);
  g_assert_cmpfloat (fabs (audio[2 * (b_start + 100)]), >, 0.25); /* B has begun by then */
  /* The crossfade: B out with sin((1 - x) pi / 2), C in with sin(x pi / 2). */
  for (guint64 k = 200; k < 11025; k += 7)
    {
      double x = k / 11025.0;
      double expected = 0.5 * sin ((1.0 - x) * G_PI / 2) - 0.3 * sin (x * G_PI / 2);
      g_assert_cmpfloat_with_epsilon (audio[2 * (c_start + k)], expected, 2e-3);
    }
  /* After B: C alone to the end. */
  for (guint64 n = b_end; n < total; n++)
    g_assert_cmpfloat_with_epsilon (audio[2 * n], -0.3, 1e-6);
}

static void
test_cd_frames (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GFile) a = write_source (f, "a.wav", 44100, 44100 * 5 + 17, 0.1, 0);
  g_autoptr(GFile) b = write_source (f, "b.wav", 44100, 44100 * 4 + 301, 0.1, 0);
  g_autoptr(GFile) c = write_source (f, "c.wav", 44100, 44100 * 6 + 5, 0.1, 0);
  g_autoptr(LqSequence) seq = NULL;

  g_object_set (project, "cd-mode", TRUE, NULL);
  add_track (project, a);
  g_object_set (add_track (project, b), "pause", (guint64) 44100 + 13, NULL);
  g_object_set (add_track (project, c), "crossfade", (guint64) 999, NULL);

  seq = lq_sequence_new (project);
  g_assert_cmpuint (seq->n_placements, ==, 3);
  /* Track 1 after the 2 s pre-gap; every start on a 588-sample frame, never earlier than asked. */
  g_assert_cmpuint (seq->placements[0].start, ==, 88200);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (seq->placements[i].start % 588, ==, 0);
  g_assert_cmpuint (seq->placements[1].start, ==, (88200 + 220517 + 44113 + 587) / 588 * 588);
  g_assert_cmpuint (seq->placements[2].start, >=, seq->placements[1].end - 999);
  g_assert_cmpuint (seq->placements[2].start, <, seq->placements[1].end - 999 + 588);
  g_assert_cmpuint (seq->length % 588, ==, 0);
  g_assert_cmpuint (seq->length, >=, seq->placements[2].end);
}

static void
test_stems_sum (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) s1 = write_source (f, "s1.wav", 44100, 44100, 0.3, 220);
  g_autoptr(GFile) s2 = write_source (f, "s2.wav", 44100, 44100, 0.2, 330);
  g_autoptr(GFile) s3 = write_source (f, "s3.wav", 44100, 30000, 0.25, 1000);
  GFile *stems[3] = { s1, s2, s3 };
  const char *pans[3] = { "-0.5", "0.0", "0.7" };
  const char *gains[3] = { "-3.0", "1.5", "0.0" };
  g_autofree float *mix = NULL;
  gsize mix_frames;
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqTrack) track = lq_track_new_for_stems (stems, 3);

  g_assert_true (lq_track_probe (track, NULL, NULL));
  g_assert_cmpuint (lq_track_get_n_frames (track), ==, 44100); /* the longest stem */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LqStem) stem = g_list_model_get_item (lq_track_get_stems (track), i);
      lq_chain_element_set (lq_stem_get_strip (stem), "pan", pans[i]);
      lq_chain_element_set (lq_stem_get_strip (stem), "gain", gains[i]);
    }
  lq_project_append_track (project, track);
  mix = render_float (f, project, "mix.wav", &mix_frames);
  g_assert_cmpuint (mix_frames, ==, 44100);

  /* Each stem rendered alone through the same strip: the three add up to the mix. */
  {
    g_autofree double *sum = g_new0 (double, mix_frames * 2);

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(LqProject) alone = lq_project_new ();
        g_autoptr(LqTrack) t = lq_track_new_for_stems (&stems[i], 1);
        g_autoptr(LqStem) stem = g_list_model_get_item (lq_track_get_stems (t), 0);
        g_autofree char *name = g_strdup_printf ("alone%u.wav", i);
        g_autofree float *one = NULL;
        gsize n;

        g_assert_true (lq_track_probe (t, NULL, NULL));
        lq_chain_element_set (lq_stem_get_strip (stem), "pan", pans[i]);
        lq_chain_element_set (lq_stem_get_strip (stem), "gain", gains[i]);
        lq_project_append_track (alone, t);
        /* The same length as the mix (the longest stem), so the sum lines up. */
        g_object_set (t, "out-point", (guint64) mix_frames, NULL);
        one = render_float (f, alone, name, &n);
        for (gsize k = 0; k < MIN (n, mix_frames) * 2; k++)
          sum[k] += one[k];
      }
    for (gsize k = 0; k < mix_frames * 2; k++)
      g_assert_cmpfloat_with_epsilon (mix[k], sum[k], 1e-6);
    /* And the pan did something: left and right differ. */
    g_assert_cmpfloat (fabs (mix[2 * 1000] - mix[2 * 1000 + 1]), >, 1e-3);
  }
}

static void
test_render_twice_identical (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) folder = g_file_new_build_filename (f->dir, "demo", NULL);
  g_autoptr(GFile) project_file = lq_demo_write_project (folder, NULL, NULL);
  g_autoptr(LqProject) project = lq_project_load (project_file, NULL, NULL);
  g_autofree char *p1 = g_build_filename (f->dir, "r1.wav", NULL);
  g_autofree char *p2 = g_build_filename (f->dir, "r2.wav", NULL);
  g_autoptr(GFile) f1 = g_file_new_for_path (p1);
  g_autoptr(GFile) f2 = g_file_new_for_path (p2);
  g_autofree char *b1 = NULL;
  g_autofree char *b2 = NULL;
  gsize l1, l2;
  LqRenderOptions options = { LQ_WAV_PCM16, 0, NULL };

  g_assert_nonnull (project);
  g_assert_true (lq_render_album (project, f1, &options, NULL, NULL, NULL, NULL));
  g_assert_true (lq_render_album (project, f2, &options, NULL, NULL, NULL, NULL));
  g_assert_true (g_file_get_contents (p1, &b1, &l1, NULL));
  g_assert_true (g_file_get_contents (p2, &b2, &l2, NULL));
  g_assert_cmpuint (l1, >, 44 + 4 * 44100 * 60);
  g_assert_cmpmem (b1, l1, b2, l2);
}

typedef struct
{
  GArray *fractions;     /* progress reports, in order */
  GCancellable *cancel;  /* cancelled at the first report past 0.2, when set */
  gboolean done;
  gboolean ok;
  GError *error;
} AsyncRender;

static void
render_progress_cb (double fraction, gpointer data)
{
  AsyncRender *ar = data;

  g_array_append_val (ar->fractions, fraction);
  if (ar->cancel != NULL && fraction > 0.2)
    g_cancellable_cancel (ar->cancel);
}

static void
render_done_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  AsyncRender *ar = data;

  ar->ok = lq_render_album_finish (result, &ar->error);
  ar->done = TRUE;
}

static void
test_render_async_progress_and_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GFile) a = write_source (f, "a.wav", 44100, 44100 * 20, 0.2, 330);
  g_autofree char *path = g_build_filename (f->dir, "out.wav", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  LqRenderOptions options = { LQ_WAV_PCM24, 0, NULL };

  add_track (project, a);
  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GCancellable) cancel = g_cancellable_new ();
      AsyncRender ar = { g_array_new (FALSE, FALSE, sizeof (double)), pass ? cancel : NULL, FALSE, FALSE, NULL };

      lq_render_album_async (project, out, &options, cancel, render_progress_cb, &ar, render_done_cb, &ar);
      while (!ar.done)
        g_main_context_iteration (NULL, TRUE);
      /* Reports arrive in this thread's main context, rising. */
      g_assert_cmpuint (ar.fractions->len, >, 0);
      for (guint i = 1; i < ar.fractions->len; i++)
        g_assert_cmpfloat (g_array_index (ar.fractions, double, i), >=, g_array_index (ar.fractions, double, i - 1));
      if (pass == 0)
        {
          g_assert_true (ar.ok);
          g_assert_cmpfloat (g_array_index (ar.fractions, double, ar.fractions->len - 1), ==, 1.0);
          g_assert_true (g_file_query_exists (out, NULL));
          g_assert_true (g_file_delete (out, NULL, NULL));
        }
      else
        {
          /* A cancelled render leaves no file at all. */
          g_assert_false (ar.ok);
          g_assert_error (ar.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_false (g_file_query_exists (out, NULL));
          g_clear_error (&ar.error);
        }
      g_array_unref (ar.fractions);
    }
  {
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (dir)))
      g_assert_false (g_str_has_suffix (name, ".part"));
  }
}

static void
eos_cb (LqPlayer *player, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_playback_equals_render (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(GFile) a = write_source (f, "a.wav", 44100, 30000, 0.4, 440);
  g_autoptr(GFile) b = write_source (f, "b.wav", 44100, 25000, 0.3, 1000);
  g_autofree float *rendered = NULL;
  g_autoptr(GArray) played = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(LqPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  gboolean eos = FALSE;
  gsize frames;

  add_track (project, a);
  g_object_set (add_track (project, b), "pause", (guint64) 4410, "fade-out", (guint64) 10000, NULL);
  rendered = render_float (f, project, "album.wav", &frames);

  g_object_set (sink, "sync", FALSE, "emit-signals", FALSE, NULL);
  player = lq_player_new (project, sink, &error);
  g_assert_no_error (error);
  g_signal_connect (player, "eos", G_CALLBACK (eos_cb), &eos);
  g_assert_true (lq_player_play (player));
  while (!eos)
    {
      GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_MSECOND);

      if (sample != NULL)
        {
          GstMapInfo map;
          gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
          g_array_append_vals (played, map.data, map.size / sizeof (float));
          gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
          gst_sample_unref (sample);
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  lq_player_stop (player);

  /* What the sink received is the render, sample for sample. */
  g_assert_cmpuint (played->len, ==, frames * 2);
  g_assert_cmpmem (played->data, played->len * sizeof (float), rendered, frames * 2 * sizeof (float));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add ("/lq/timeline/sample-exact", Fixture, NULL, fixture_setup, test_sample_exact, fixture_teardown);
  g_test_add ("/lq/timeline/cd-frames", Fixture, NULL, fixture_setup, test_cd_frames, fixture_teardown);
  g_test_add ("/lq/timeline/stems-sum", Fixture, NULL, fixture_setup, test_stems_sum, fixture_teardown);
  g_test_add ("/lq/timeline/render-twice-identical", Fixture, NULL, fixture_setup, test_render_twice_identical, fixture_teardown);
  g_test_add ("/lq/timeline/render-async", Fixture, NULL, fixture_setup, test_render_async_progress_and_cancel, fixture_teardown);
  g_test_add ("/lq/timeline/playback-equals-render", Fixture, NULL, fixture_setup, test_playback_equals_render, fixture_teardown);

  return g_test_run ();
}
