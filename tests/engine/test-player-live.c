/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Live edits in the player: while the album plays (into an appsink, as fast as the test pulls),
 * an EQ gain, a limiter ceiling, a compressor threshold, a bypass and a track gain are changed
 * in the project and handed over with lq_player_sync(). Checked in the captured output: the
 * level changes by what closed-form math says (bell gain at its centre, the limiter's ceiling
 * on a sine's peak, the compressor's static curve, the gain in dB), within a short time after
 * the edit; the largest sample-to-sample step around the change stays within twice the largest
 * step of the steady output before or after it (the bound the EQ element's own click test
 * uses: a step in gain would show as a jump of the order of the signal itself); and no rebuild
 * happened: the same pipeline ran on, its output contiguous. A structural edit (an element
 * added) is refused by lq_player_sync(). */
#define G_LOG_DOMAIN "lq-test-player-live"

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>

#include "lq-album-reader.h"
#include "lq-elements.h"
#include "lq-player.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100
#define SECONDS 4
#define FREQ 200.0
#define AMP 0.25       /* -12 dBFS peak, -15 dB RMS */
#define EDIT_AT (RATE) /* frames pulled before the edit */

typedef struct
{
  char *dir;
  GFile *file;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  gsize frames = (gsize) SECONDS * RATE;
  g_autofree float *audio = g_new (float, 2 * frames);
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("lq-player-live-XXXXXX", NULL);
  path = g_build_filename (f->dir, "sine.wav", NULL);
  f->file = g_file_new_for_path (path);
  lq_synth_sine (audio, frames, 2, RATE, FREQ, AMP, 0.0);
  g_assert_true (lq_wav_write_file (f->file, audio, frames, 2, RATE, LQ_WAV_FLOAT32, NULL, NULL));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_file_delete (f->file, NULL, NULL);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_object_unref (f->file);
}

static LqProject *
make_project (Fixture *f, LqTrack **track_out)
{
  LqProject *project = lq_project_new ();
  g_autoptr(LqTrack) track = lq_track_new (f->file);

  g_assert_true (lq_track_probe (track, NULL, NULL));
  lq_project_append_track (project, track);
  *track_out = track;
  return project;
}

/* Pulls what the appsink has into @out; returns FALSE at EOS. */
static gboolean
pull (GstElement *sink, GArray *out)
{
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 20 * GST_MSECOND);
  GstMapInfo map;

  if (sample == NULL)
    return !gst_app_sink_is_eos (GST_APP_SINK (sink));
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  g_array_append_vals (out, map.data, map.size / sizeof (float));
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_sample_unref (sample);
  return TRUE;
}

static double
rms_db (const float *x, gsize from, gsize to)
{
  double sum = 0.0;

  for (gsize i = from; i < to; i++)
    sum += (double) x[2 * i] * x[2 * i];
  return 10.0 * log10 (sum / (to - from));
}

static double
max_step (const float *x, gsize from, gsize to)
{
  double m = 0.0;

  for (gsize i = MAX (from, 1); i < to; i++)
    m = MAX (m, fabs (x[2 * i] - x[2 * i - 2]));
  return m;
}

typedef void (*EditFunc) (LqProject *project, LqTrack *track);

/* Plays @project, calls @edit after EDIT_AT frames, and checks the level change (dB, within
 * @tol) and the absence of a click and of a rebuild. Returns the frames from the edit to the
 * first frame whose level moved by a quarter of the change (the edit's delay). */
static gsize
play_and_edit (LqProject *project, LqTrack *track, EditFunc edit, double expect_db, double tol)
{
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(LqPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  GstElement *pipeline;
  gsize frames, edit_frame = 0, onset = 0, settle, win = RATE / 20;
  double before, after, step_before, step_after, step_change, threshold;
  gboolean edited = FALSE;

  /* The sink keeps one buffer: the test's pulling paces the playback */
  g_object_set (sink, "sync", FALSE, "max-buffers", 1u, "drop", FALSE, NULL);
  player = lq_player_new (project, sink, &error);
  g_assert_no_error (error);
  pipeline = lq_player_get_pipeline (player);
  g_assert_true (lq_player_play (player));
  while (pull (sink, out))
    {
      if (!edited && out->len / 2 >= EDIT_AT)
        {
          edit (project, track);
          g_assert_true (lq_player_sync (player));
          edit_frame = out->len / 2;
          edited = TRUE;
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  /* No rebuild: the same pipeline played the whole album without a gap */
  g_assert_true (lq_player_get_pipeline (player) == pipeline);
  frames = out->len / 2;
  g_assert_cmpuint (frames, ==, (gsize) SECONDS * RATE);
  lq_player_stop (player);

  before = rms_db ((float *) out->data, edit_frame - RATE / 2, edit_frame);
  after = rms_db ((float *) out->data, frames - RATE, frames - RATE / 5);
  g_test_message ("level %.2f dB -> %.2f dB (change %.2f, expected %.2f +- %.2f)",
                  before, after, after - before, expect_db, tol);
  g_assert_cmpfloat (fabs ((after - before) - expect_db), <=, tol);

  /* Onset: the first 1/20 s window (stepped by 1 ms) whose level moved a quarter of the way */
  threshold = fabs (expect_db) / 4;
  for (gsize at = edit_frame; at + win < frames; at += RATE / 1000)
    if (fabs (rms_db ((float *) out->data, at, at + win) - before) > threshold)
      {
        onset = at + win;
        break;
      }
  g_assert_cmpuint (onset, >, edit_frame);

  /* Click-free: around the change, no step above twice the steady steps on either side */
  settle = MIN (frames, onset + RATE);
  step_before = max_step ((float *) out->data, edit_frame - RATE / 2, edit_frame);
  step_after = max_step ((float *) out->data, settle, frames - RATE / 5);
  step_change = max_step ((float *) out->data, edit_frame, settle);
  g_test_message ("steps: before %.5f, around the change %.5f, after %.5f", step_before, step_change, step_after);
  g_assert_cmpfloat (step_change, <, 2.0 * MAX (step_before, step_after));
  return onset - edit_frame;
}

static LqChainElement *
add_element (LqTrack *track, const char *factory)
{
  g_autoptr(LqChainElement) e = lq_chain_element_new (factory);

  lq_chain_append (lq_track_get_chain (track), e);
  return e;
}

static void
edit_eq (LqProject *project, LqTrack *track)
{
  lq_chain_element_set (lq_chain_get_element (lq_track_get_chain (track), 0), "band0::gain", "6");
}

static void
test_eq_gain (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);
  LqChainElement *eq = add_element (track, "lqeq");
  gsize delay;

  lq_chain_element_set (eq, "num-bands", "1");
  lq_chain_element_set (eq, "band0::type", "bell");
  lq_chain_element_set (eq, "band0::freq", "200");
  lq_chain_element_set (eq, "band0::q", "1");
  lq_chain_element_set (eq, "band0::gain", "0");
  /* A bell's gain at its centre frequency is its gain: +6 dB */
  delay = play_and_edit (project, track, edit_eq, 6.0, 0.2);
  g_test_message ("EQ edit heard after %" G_GSIZE_FORMAT " frames (%.1f ms) of queued audio",
                  delay, delay * 1000.0 / RATE);
  g_assert_cmpuint (delay, <, RATE / 10);
}

static void
edit_limiter (LqProject *project, LqTrack *track)
{
  lq_chain_element_set (lq_chain_get_element (lq_project_get_master (project), 0), "ceiling", "-18");
}

static void
test_limiter_ceiling (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  gsize delay;

  /* On the master chain: a -12 dBFS sine under a -1 dBTP ceiling is untouched; under -18 dBTP
   * its peaks come down to the ceiling: 6 dB less (a 200 Hz sine's true peak is its sample
   * peak), the waveform's RMS following its peak */
  lq_chain_element_set (limiter, "ceiling", "-1");
  lq_chain_append (lq_project_get_master (project), limiter);
  delay = play_and_edit (project, track, edit_limiter, -6.0, 0.3);
  g_assert_cmpuint (delay, <, RATE / 5);
}

static void
edit_compressor (LqProject *project, LqTrack *track)
{
  lq_chain_element_set (lq_chain_get_element (lq_track_get_chain (track), 0), "threshold", "-30");
}

static void
test_compressor_threshold (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);
  LqChainElement *comp = add_element (track, "lqcompressor");

  lq_chain_element_set (comp, "threshold", "0");
  lq_chain_element_set (comp, "ratio", "4");
  lq_chain_element_set (comp, "knee", "0");
  lq_chain_element_set (comp, "makeup", "0");
  lq_chain_element_set (comp, "detector", "peak");
  /* Static curve above the threshold: out = T + (L - T) / R, a reduction of (L - T)(1 - 1/R)
   * with L the detected peak level, -12 dBFS: 13.5 dB (a peak detector with release rides a
   * little below the peak between them: 0.25 dB allowed) */
  play_and_edit (project, track, edit_compressor, -(-12.0 - -30.0) * (1.0 - 1.0 / 4.0), 0.25);
}

static void
edit_track_gain (LqProject *project, LqTrack *track)
{
  g_object_set (track, "gain", -6.0, NULL);
}

static void
test_track_gain (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);

  play_and_edit (project, track, edit_track_gain, -6.0, 0.05);
}

static void
edit_bypass (LqProject *project, LqTrack *track)
{
  lq_chain_element_set_bypass (lq_chain_get_element (lq_track_get_chain (track), 0), TRUE);
}

static void
test_bypass (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);
  LqChainElement *gain = add_element (track, "lqgain");

  lq_chain_element_set (gain, "gain", "-10");
  /* Bypassing a -10 dB gain: +10 dB, crossfaded */
  play_and_edit (project, track, edit_bypass, 10.0, 0.1);
}

static float *
read_all (LqProject *project, LqAlbumReaderFlags flags, gsize *frames)
{
  g_autoptr(LqAlbumReader) reader = lq_album_reader_new_full (project, flags, NULL);
  float *out;

  g_assert_nonnull (reader);
  *frames = lq_album_reader_get_length (reader);
  out = g_new (float, 2 * *frames);
  /* Read in odd pieces: the result must not depend on them */
  for (gsize done = 0; done < *frames;)
    {
      gssize n = lq_album_reader_read (reader, out + 2 * done, MIN (*frames - done, 777), NULL, NULL);

      g_assert_cmpint (n, >, 0);
      done += n;
    }
  return out;
}

/* The live reader (chains run in the reading thread, in small blocks) gives the render's
 * samples, to the bit: two tracks with chains, fades and a crossfade, a master chain */
static void
test_live_equals_render (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);
  g_autoptr(LqTrack) second = lq_track_new (f->file);
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  g_autofree float *live = NULL, *render = NULL;
  LqChainElement *e;
  gsize n_live, n_render;

  g_assert_true (lq_track_probe (second, NULL, NULL));
  lq_project_append_track (project, second);
  e = add_element (track, "lqeq");
  lq_chain_element_set (e, "num-bands", "1");
  lq_chain_element_set (e, "band0::gain", "4");
  e = add_element (track, "lqcompressor");
  lq_chain_element_set (e, "threshold", "-20");
  e = add_element (second, "lqcompressor");
  lq_chain_element_set (e, "threshold", "-25");
  lq_chain_element_set (limiter, "ceiling", "-14");
  lq_chain_append (lq_project_get_master (project), limiter);
  g_object_set (track, "fade-in", (guint64) 5000, "gain", -2.0, NULL);
  g_object_set (second, "crossfade", (guint64) RATE / 2, "fade-out", (guint64) RATE, NULL);

  live = read_all (project, LQ_ALBUM_READER_LIVE, &n_live);
  render = read_all (project, 0, &n_render);
  g_assert_cmpuint (n_live, ==, n_render);
  g_assert_cmpmem (live, n_live * 2 * sizeof (float), render, n_render * 2 * sizeof (float));
}

typedef struct
{
  GMutex lock;
  GArray *out;      /* float, stereo, from album sample @first */
  guint64 first;
} Capture;

static void
handoff_cb (GstElement *sink, GstBuffer *buffer, GstPad *pad, Capture *c)
{
  GstMapInfo map;

  g_mutex_lock (&c->lock);
  if (c->first == G_MAXUINT64)
    c->first = GST_BUFFER_OFFSET (buffer);
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  g_array_append_vals (c->out, map.data, map.size / sizeof (float));
  gst_buffer_unmap (buffer, &map);
  g_mutex_unlock (&c->lock);
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* In real time, into a clock-synced sink: a track gain edit is heard within 100 ms of the
 * position the player reported when lq_player_sync() was called (the sink's own buffer, on a
 * sound card, comes on top) */
static void
test_latency (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);
  g_autoptr(LqPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  Capture c = { .out = g_array_new (FALSE, FALSE, sizeof (float)), .first = G_MAXUINT64 };
  guint64 at_sync, onset = 0;
  const float *out;
  gsize frames;

  g_mutex_init (&c.lock);
  g_object_set (sink, "sync", TRUE, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff_cb), &c);
  player = lq_player_new (project, sink, &error);
  g_assert_no_error (error);
  g_assert_true (lq_player_play (player));
  g_timeout_add (700, quit_cb, loop);
  g_main_loop_run (loop);
  g_object_set (track, "gain", -20.0, NULL);
  at_sync = lq_player_get_position (player);
  g_assert_true (lq_player_sync (player));
  g_timeout_add (500, quit_cb, loop);
  g_main_loop_run (loop);
  lq_player_pause (player);

  g_mutex_lock (&c.lock);
  g_assert_cmpuint (c.first, ==, 0);
  out = (const float *) (const void *) c.out->data;
  frames = c.out->len / 2;
  /* The first 10 ms window after the edit that is 3 dB down */
  for (gsize at = at_sync; at + RATE / 100 < frames; at += 16)
    if (rms_db (out, at, at + RATE / 100) < -15.05 - 3.0)
      {
        onset = at;
        break;
      }
  g_mutex_unlock (&c.lock);
  g_assert_cmpuint (onset, >, 0);
  g_test_message ("edit at album sample %" G_GUINT64_FORMAT ", heard (-3 dB) at %" G_GUINT64_FORMAT
                  ": %.1f ms later", at_sync, onset, (onset - at_sync) * 1000.0 / RATE);
  g_assert_cmpuint (onset - at_sync, <, RATE / 10);
  g_array_unref (c.out);
  g_mutex_clear (&c.lock);
}

/* A structural edit is refused (a new player is needed), a parameter edit is not */
static void
test_structure (Fixture *f, gconstpointer data)
{
  LqTrack *track;
  g_autoptr(LqProject) project = make_project (f, &track);
  g_autoptr(LqPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  LqChainElement *comp = add_element (track, "lqcompressor");

  player = lq_player_new (project, gst_element_factory_make ("fakesink", NULL), &error);
  g_assert_no_error (error);
  g_assert_true (lq_player_sync (player));
  lq_chain_element_set (comp, "threshold", "-20");
  g_assert_true (lq_player_sync (player));
  add_element (track, "lqlimiter");
  g_assert_false (lq_player_sync (player));
  lq_chain_remove (lq_track_get_chain (track), 1);
  g_assert_true (lq_player_sync (player));
  g_object_set (track, "fade-in", (guint64) 1000, NULL);
  g_assert_false (lq_player_sync (player));
  g_object_set (track, "fade-in", (guint64) 0, NULL);
  g_object_set (track, "out-point", (guint64) RATE, NULL);
  g_assert_false (lq_player_sync (player));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add ("/lq/player-live/eq-gain", Fixture, NULL, fixture_setup, test_eq_gain, fixture_teardown);
  g_test_add ("/lq/player-live/limiter-ceiling", Fixture, NULL, fixture_setup, test_limiter_ceiling, fixture_teardown);
  g_test_add ("/lq/player-live/compressor-threshold", Fixture, NULL, fixture_setup, test_compressor_threshold, fixture_teardown);
  g_test_add ("/lq/player-live/track-gain", Fixture, NULL, fixture_setup, test_track_gain, fixture_teardown);
  g_test_add ("/lq/player-live/bypass", Fixture, NULL, fixture_setup, test_bypass, fixture_teardown);
  g_test_add ("/lq/player-live/live-equals-render", Fixture, NULL, fixture_setup, test_live_equals_render, fixture_teardown);
  g_test_add ("/lq/player-live/latency", Fixture, NULL, fixture_setup, test_latency, fixture_teardown);
  g_test_add ("/lq/player-live/structure", Fixture, NULL, fixture_setup, test_structure, fixture_teardown);
  return g_test_run ();
}
