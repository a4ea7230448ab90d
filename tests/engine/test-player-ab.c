/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A/B and references in the player, played into an appsink as fast as the test pulls:
 * - switching A -> B -> A while playing (and after a seek) is sample-aligned: the output is,
 *   sample for sample, the processed album read by its own LqAlbumReader, then a 20 ms linear
 *   crossfade to the unprocessed album (a reader with the chains bypassed) at the same album
 *   sample, and back;
 * - lq_player_measure_async() measures what libebur128 measures here on the rendered sides and
 *   on the reference file, and a reference's match gain is the processed album's loudness as
 *   heard (A's own match gain included when A is the louder side) minus the reference's
 *   (+-0.1 dB); the output carries the reference at that gain;
 * - shared position: the reference is heard at the album's position; own position: the
 *   reference starts at its own position (0), the album resumes where it was left, and the
 *   reference again where it was left; found by locating the output in the reference's noise;
 * - a loop region in shared mode loops the reference too;
 * - the "meter" signal carries `source-spectrum` messages from the unprocessed signal;
 * - the `device` of a sink (pulsesink), also inside a bin made later, follows
 *   lq_player_configure_sink(). */
#define G_LOG_DOMAIN "lq-test-player-ab"

#include "config.h"

#include <math.h>
#include <string.h>

#include <ebur128.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>

#include "lq-album-reader.h"
#include "lq-elements.h"
#include "lq-player.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100
#define TRACK_SECONDS 3
#define REF_SECONDS 5
#define Q 16384 /* more than the frames queued between a call and the output pulled */
#define RAMP ((gsize) (LQ_AB_CROSSFADE_MS * RATE / 1000.0))

typedef struct
{
  char *dir;
  GPtrArray *files;   /* GFile to delete */
  LqProject *project; /* two tracks, each with a -6 dB lqgain chain; one reference */
  LqTrack *reference;
  float *ref;         /* the reference's samples */
  gsize ref_frames;
} Fixture;

static GFile *
write_noise (Fixture *f, const char *name, gsize frames, double freq, double amp, double noise_amp, guint seed,
             float **samples)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  GFile *file = g_file_new_for_path (path);
  float *audio = g_new (float, 2 * frames);
  g_autofree float *noise = g_new (float, 2 * frames);

  lq_synth_sine (audio, frames, 2, RATE, freq, amp, 0.0);
  lq_synth_noise (noise, frames, 2, noise_amp, seed);
  for (gsize i = 0; i < 2 * frames; i++)
    audio[i] += noise[i];
  g_assert_true (lq_wav_write_file (file, audio, frames, 2, RATE, LQ_WAV_FLOAT32, NULL, NULL));
  g_ptr_array_add (f->files, file);
  if (samples != NULL)
    *samples = audio;
  else
    g_free (audio);
  return file;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("lq-player-ab-XXXXXX", NULL);
  f->files = g_ptr_array_new_with_free_func (g_object_unref);
  f->project = lq_project_new ();
  for (guint t = 0; t < 2; t++)
    {
      g_autofree char *name = g_strdup_printf ("track%u.wav", t);
      GFile *file = write_noise (f, name, TRACK_SECONDS * RATE, t ? 440.0 : 997.0, 0.3, 0.05, 100 + t, NULL);
      g_autoptr(LqTrack) track = lq_track_new (file);
      g_autoptr(LqChainElement) gain = lq_chain_element_new ("lqgain");

      g_assert_true (lq_track_probe (track, NULL, NULL));
      lq_chain_element_set_double (gain, "gain", -6.0);
      lq_chain_append (lq_track_get_chain (track), gain);
      lq_project_append_track (f->project, track);
    }
  {
    /* A loud reference: noise-rich, so that any stretch of it is found at one place only */
    f->ref_frames = REF_SECONDS * RATE;
    GFile *file = write_noise (f, "reference.wav", f->ref_frames, 2000.0, 0.2, 0.3, 7, &f->ref);

    f->reference = lq_track_new (file);
    g_assert_true (lq_track_probe (f->reference, NULL, NULL));
    g_list_store_append (G_LIST_STORE (lq_project_get_references (f->project)), f->reference);
  }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->reference);
  for (guint i = 0; i < f->files->len; i++)
    g_file_delete (g_ptr_array_index (f->files, i), NULL, NULL);
  g_ptr_array_unref (f->files);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->ref);
}

/* The whole album as @flags reads it, from @from */
static float *
read_album (LqProject *project, LqAlbumReaderFlags flags, guint64 from, gsize *frames)
{
  g_autoptr(LqAlbumReader) reader = lq_album_reader_new_full (project, flags, NULL);
  float *out;
  gssize n;

  g_assert_nonnull (reader);
  *frames = lq_album_reader_get_length (reader) - from;
  out = g_new (float, 2 * *frames);
  g_assert_true (lq_album_reader_seek (reader, from, NULL));
  n = lq_album_reader_read (reader, out, *frames, NULL, NULL);
  g_assert_cmpint (n, ==, (gssize) *frames);
  return out;
}

typedef struct
{
  GstElement *sink;
  LqPlayer *player;
  GArray *out;       /* float, stereo */
  guint64 first;     /* album offset of the first buffer */
  guint n_source;    /* source-spectrum messages */
} Play;

static void
meter_cb (LqPlayer *player, const GstStructure *s, Play *p)
{
  if (gst_structure_has_name (s, "source-spectrum"))
    p->n_source++;
}

static void
play_start (Play *p, Fixture *f, guint64 seek)
{
  g_autoptr(GError) error = NULL;

  p->sink = gst_element_factory_make ("appsink", NULL);
  p->out = g_array_new (FALSE, FALSE, sizeof (float));
  p->first = G_MAXUINT64;
  p->n_source = 0;
  g_object_set (p->sink, "sync", FALSE, "max-buffers", 1u, "drop", FALSE, NULL);
  p->player = lq_player_new (f->project, p->sink, &error);
  g_assert_no_error (error);
  g_signal_connect (p->player, "meter", G_CALLBACK (meter_cb), p);
  if (seek > 0)
    {
      /* Prerolled first, then sent there */
      gst_element_get_state (lq_player_get_pipeline (p->player), NULL, NULL, GST_CLOCK_TIME_NONE);
      g_assert_true (lq_player_seek (p->player, seek));
    }
  g_assert_true (lq_player_play (p->player));
}

/* Selects @reference and waits until its audio is decoded (a worker decodes it the first
 * time while the album plays on; the pipeline waits for the next pull meanwhile), so the
 * switch lands in the next buffers however busy the machine is. */
static void
select_reference (Play *p, LqTrack *reference)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_assert_true (lq_player_set_reference (p->player, reference, NULL));
  while (!lq_player_get_reference_ready (p->player))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

/* Pulls until @frames frames are captured (or EOS); FALSE at EOS */
static gboolean
play_until (Play *p, gsize frames)
{
  while (p->out->len / 2 < frames)
    {
      GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (p->sink), 20 * GST_MSECOND);

      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (sample == NULL)
        {
          if (gst_app_sink_is_eos (GST_APP_SINK (p->sink)))
            return FALSE;
          continue;
        }
      {
        GstBuffer *buf = gst_sample_get_buffer (sample);
        GstMapInfo map;

        if (p->first == G_MAXUINT64)
          p->first = GST_BUFFER_OFFSET (buf);
        gst_buffer_map (buf, &map, GST_MAP_READ);
        g_array_append_vals (p->out, map.data, map.size / sizeof (float));
        gst_buffer_unmap (buf, &map);
        gst_sample_unref (sample);
      }
    }
  return TRUE;
}

static void
play_stop (Play *p)
{
  LqPlayer *player = g_steal_pointer (&p->player);
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  lq_player_stop (player);
  /* No reference left behind (a finished GTask's worker thread may drop its own a moment
   * after the callback ran) */
  g_object_add_weak_pointer (G_OBJECT (player), (gpointer *) &player);
  g_object_unref (player);
  while (player != NULL && g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (player);
  g_array_unref (p->out);
}

static gsize
first_difference (const float *a, const float *b, gsize from, gsize to)
{
  for (gsize i = from; i < to; i++)
    if (fabsf (a[2 * i] - b[2 * i]) > 1e-6f || fabsf (a[2 * i + 1] - b[2 * i + 1]) > 1e-6f)
      return i;
  return to;
}

/* Checks @out over [@s, @end): a linear crossfade from @x to @y starting at frame @s (gain of
 * @y = k / RAMP at s + k), then @y; returns the largest error */
static double
check_crossfade (const float *out, const float *x, const float *y, gsize s, gsize end)
{
  double worst = 0.0;

  for (gsize i = s; i < end; i++)
    for (int c = 0; c < 2; c++)
      {
        double g = MIN ((double) (i - s) / RAMP, 1.0);
        double expect = (1.0 - g) * x[2 * i + c] + g * y[2 * i + c];

        worst = MAX (worst, fabs (out[2 * i + c] - expect));
      }
  return worst;
}

/* A -> B -> A while playing, from @seek */
static void
switch_sides (Fixture *f, guint64 seek)
{
  gsize n_a, n_b, s1, s2, total;
  g_autofree float *a = read_album (f->project, 0, seek, &n_a);
  g_autofree float *b = read_album (f->project, LQ_ALBUM_READER_BYPASS, seek, &n_b);
  Play p;
  const float *out;

  play_start (&p, f, seek);
  g_assert_true (play_until (&p, RATE / 2));
  lq_player_set_ab_side (p.player, LQ_AB_UNPROCESSED);
  g_assert_cmpint (lq_player_get_ab_side (p.player), ==, LQ_AB_UNPROCESSED);
  g_assert_true (play_until (&p, RATE));
  lq_player_set_ab_side (p.player, LQ_AB_PROCESSED);
  while (play_until (&p, p.out->len / 2 + RATE))
    ;
  total = p.out->len / 2;
  g_assert_cmpuint (p.first, ==, seek);
  g_assert_cmpuint (total, ==, n_a);
  out = (const float *) (const void *) p.out->data;

  /* A until the first switch, sample for sample; the crossfade starts a frame before the
   * first difference (its first frame is still all A) */
  s1 = first_difference (out, a, 0, total);
  g_assert_cmpuint (s1, >, 0);
  g_assert_cmpuint (s1, <, RATE);
  s1--;
  s2 = first_difference (out, b, s1 + RAMP, total);
  g_assert_cmpuint (s2, <, total);
  s2--;
  g_test_message ("switches at album samples %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT,
                  seek + s1, seek + s2);
  g_assert_cmpfloat (check_crossfade (out, a, b, s1, s2), <, 1e-5);
  g_assert_cmpfloat (check_crossfade (out, b, a, s2, total), <, 1e-5);
  /* The unprocessed side is the processed one 6 dB up: a switch is audible */
  g_assert_cmpfloat (fabs (b[2 * s1] - a[2 * s1] * pow (10.0, 6.0 / 20.0)), <, 1e-3);
  g_assert_cmpuint (p.n_source, >, 0);
  play_stop (&p);
}

static void
test_switch_aligned (Fixture *f, gconstpointer data)
{
  switch_sides (f, 0);
}

static void
test_switch_after_seek (Fixture *f, gconstpointer data)
{
  /* Into the second track (it starts at 3 s): its chain restarts there */
  switch_sides (f, (guint64) (3.7 * RATE));
}

static double
ebur128_lufs (const float *x, gsize frames)
{
  ebur128_state *st = ebur128_init (2, RATE, EBUR128_MODE_I);
  double l = 0.0;

  g_assert_cmpint (ebur128_add_frames_float (st, x, frames), ==, EBUR128_SUCCESS);
  g_assert_cmpint (ebur128_loudness_global (st, &l), ==, EBUR128_SUCCESS);
  ebur128_destroy (&st);
  return l;
}

static void
measure_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lq_player_measure_finish (LQ_PLAYER (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static void
measure (LqPlayer *player)
{
  gboolean done = FALSE;

  lq_player_measure_async (player, NULL, measure_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (lq_player_get_measured (player));
}

/* The gain the output applies to the reference: the output over the reference's samples */
static double
heard_gain (const float *out, const float *ref, gsize at)
{
  double num = 0.0, den = 0.0;

  for (gsize i = at; i < at + 1000; i++)
    {
      num += (double) out[2 * i] * ref[2 * i];
      den += (double) ref[2 * i] * ref[2 * i];
    }
  return num / den;
}

static void
test_reference_match (Fixture *f, gconstpointer data)
{
  gsize n;
  g_autofree float *a = read_album (f->project, 0, 0, &n);
  g_autofree float *b = read_album (f->project, LQ_ALBUM_READER_BYPASS, 0, &n);
  double la = ebur128_lufs (a, n), lb = ebur128_lufs (b, n), lr = ebur128_lufs (f->ref, f->ref_frames);
  double expect, gain;
  Play p;

  play_start (&p, f, 0);
  measure (p.player);
  g_test_message ("libebur128: processed %.3f, unprocessed %.3f, reference %.3f LUFS", la, lb, lr);
  g_test_message ("player: processed %.3f, unprocessed %.3f, reference %.3f LUFS",
                  lq_player_get_loudness (p.player, NULL, LQ_AB_PROCESSED),
                  lq_player_get_loudness (p.player, NULL, LQ_AB_UNPROCESSED),
                  lq_player_get_loudness (p.player, f->reference, LQ_AB_PROCESSED));
  g_assert_cmpfloat (fabs (lq_player_get_loudness (p.player, NULL, LQ_AB_PROCESSED) - la), <, 0.1);
  g_assert_cmpfloat (fabs (lq_player_get_loudness (p.player, NULL, LQ_AB_UNPROCESSED) - lb), <, 0.1);
  g_assert_cmpfloat (fabs (lq_player_get_loudness (p.player, f->reference, LQ_AB_PROCESSED) - lr), <, 0.1);

  /* The processed album is the quieter side here (its chains take 6 dB): it is heard as it is,
   * B comes down to it, and the reference is matched to it */
  g_assert_cmpfloat (lq_player_get_match_gain (p.player), ==, 0.0);
  lq_player_set_ab_side (p.player, LQ_AB_UNPROCESSED);
  g_assert_cmpfloat (fabs (lq_player_get_match_gain (p.player) - (la - lb)), <, 0.1);
  lq_player_set_ab_side (p.player, LQ_AB_PROCESSED);
  g_assert_true (lq_player_set_reference (p.player, f->reference, NULL));
  g_assert_true (lq_player_get_reference (p.player) == f->reference);
  expect = la - lr;
  g_test_message ("reference match gain %.3f dB, expected %.3f dB", lq_player_get_match_gain (p.player), expect);
  g_assert_cmpfloat (fabs (lq_player_get_match_gain (p.player) - expect), <, 0.1);

  /* What is heard: the reference at the album position (shared), turned down by that much */
  g_assert_true (play_until (&p, 2 * RATE));
  gain = heard_gain ((const float *) (const void *) p.out->data, f->ref, 2 * RATE - 2000);
  g_test_message ("heard gain %.3f dB", 20 * log10 (gain));
  g_assert_cmpfloat (fabs (20 * log10 (gain) - expect), <, 0.1);

  /* Matching off: the reference at its own level */
  lq_player_set_match (p.player, FALSE);
  g_assert_cmpfloat (lq_player_get_match_gain (p.player), ==, 0.0);
  play_stop (&p);
}

/* When the processed album is the louder side it is turned down to the unprocessed one (A's
 * match gain), and the reference is matched to the album as heard: L(processed) + A's gain -
 * L(reference) */
static void
test_reference_match_louder (Fixture *f, gconstpointer data)
{
  g_autofree float *a = NULL, *b = NULL;
  double la, lb, lr, expect;
  gsize n;
  Play p;

  for (guint t = 0; t < 2; t++)
    lq_chain_element_set_double (lq_chain_get_element (lq_track_get_chain (lq_project_get_track (f->project, t)), 0),
                                 "gain", 4.0);
  a = read_album (f->project, 0, 0, &n);
  b = read_album (f->project, LQ_ALBUM_READER_BYPASS, 0, &n);
  la = ebur128_lufs (a, n);
  lb = ebur128_lufs (b, n);
  lr = ebur128_lufs (f->ref, f->ref_frames);
  play_start (&p, f, 0);
  measure (p.player);
  g_test_message ("libebur128: processed %.3f, unprocessed %.3f, reference %.3f LUFS", la, lb, lr);
  g_assert_cmpfloat (fabs (lq_player_get_match_gain (p.player) - (lb - la)), <, 0.1);
  g_assert_true (lq_player_set_reference (p.player, f->reference, NULL));
  expect = la + (lb - la) - lr;
  g_test_message ("reference match gain %.3f dB, expected %.3f dB", lq_player_get_match_gain (p.player), expect);
  g_assert_cmpfloat (fabs (lq_player_get_match_gain (p.player) - expect), <, 0.1);
  play_stop (&p);
}

/* A reference quieter than the album is raised only as far as its true peak allows (to
 * -0.1 dBTP): matching it fully would clip it at the sink. Its peaks here are short 1 kHz
 * bursts at 0.9 over quiet noise, so its loudness is low and its true peak high. */
static void
test_reference_quieter (Fixture *f, gconstpointer data)
{
  const gsize frames = REF_SECONDS * RATE;
  g_autofree char *path = g_build_filename (f->dir, "quiet.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree float *quiet = g_new (float, 2 * frames);
  g_autofree float *a = NULL;
  g_autoptr(LqTrack) track = NULL;
  ebur128_state *st;
  double la, lr, tp = 0.0, uncapped, cap;
  gsize n;
  Play p;

  lq_synth_noise (quiet, frames, 2, 0.01, 7);
  for (gsize burst = RATE / 2; burst + RATE / 500 < frames; burst += RATE)
    for (gsize i = 0; i < RATE / 500; i++)
      for (guint c = 0; c < 2; c++)
        quiet[2 * (burst + i) + c] = (float) (0.9 * sin (2 * G_PI * 1000.0 * i / RATE));
  g_assert_true (lq_wav_write_file (file, quiet, frames, 2, RATE, LQ_WAV_FLOAT32, NULL, NULL));
  g_ptr_array_add (f->files, g_object_ref (file));
  track = lq_track_new (file);
  g_assert_true (lq_track_probe (track, NULL, NULL));
  g_list_store_append (G_LIST_STORE (lq_project_get_references (f->project)), track);

  a = read_album (f->project, 0, 0, &n);
  la = ebur128_lufs (a, n);
  st = ebur128_init (2, RATE, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  g_assert_cmpint (ebur128_add_frames_float (st, quiet, frames), ==, EBUR128_SUCCESS);
  g_assert_cmpint (ebur128_loudness_global (st, &lr), ==, EBUR128_SUCCESS);
  for (guint c = 0; c < 2; c++)
    {
      double v;
      g_assert_cmpint (ebur128_true_peak (st, c, &v), ==, EBUR128_SUCCESS);
      tp = MAX (tp, v);
    }
  ebur128_destroy (&st);
  uncapped = la - lr;
  cap = -0.1 - 20 * log10 (tp);
  g_test_message ("album %.3f LUFS, quiet reference %.3f LUFS, %.3f dBTP: full match %+.2f dB, headroom %+.2f dB",
                  la, lr, 20 * log10 (tp), uncapped, cap);
  g_assert_cmpfloat (uncapped, >, cap + 1.0);

  play_start (&p, f, 0);
  measure (p.player);
  g_assert_true (lq_player_set_reference (p.player, track, NULL));
  g_test_message ("reference match gain %.3f dB", lq_player_get_match_gain (p.player));
  g_assert_cmpfloat (fabs (lq_player_get_match_gain (p.player) - cap), <, 0.1);
  play_stop (&p);
}

/* Where the output frames [@at, @at + 256) are in the reference (gain @g), or -1 */
static gssize
locate (const float *out, gsize at, const float *ref, gsize ref_frames, double g)
{
  for (gsize j = 0; j + 256 <= ref_frames; j++)
    {
      gsize k = 0;

      while (k < 256 && fabs (out[2 * (at + k)] - g * ref[2 * (j + k)]) < 1e-4)
        k++;
      if (k == 256)
        return j;
    }
  return -1;
}

/* The first output frame from @from (by steps of 64) where the output is purely @ref (gain
 * @g), and where in @ref that is */
static gsize
first_match (const float *out, gsize from, gsize to, const float *ref, gsize ref_frames, double g, gssize *pos)
{
  for (gsize at = from; at + 256 <= to; at += 64)
    if ((*pos = locate (out, at, ref, ref_frames, g)) >= 0)
      return at;
  g_assert_not_reached ();
}

static void
test_reference_shared (Fixture *f, gconstpointer data)
{
  Play p;
  const float *out;
  gssize pos;
  gsize at;
  double g;

  play_start (&p, f, 0);
  measure (p.player);
  g_assert_true (play_until (&p, RATE / 2));
  select_reference (&p, f->reference);
  g = pow (10.0, lq_player_get_match_gain (p.player) / 20.0);
  g_assert_true (play_until (&p, 3 * RATE / 2));
  lq_player_set_reference (p.player, NULL, NULL);
  g_assert_true (play_until (&p, 2 * RATE));
  lq_player_set_reference (p.player, f->reference, NULL);
  g_assert_true (play_until (&p, 3 * RATE));
  out = (const float *) (const void *) p.out->data;
  /* Heard at the album's position each time (once decoded, the first time) */
  at = first_match (out, RATE / 2, 3 * RATE / 2, f->ref, f->ref_frames, g, &pos);
  g_assert_cmpint (pos, ==, (gssize) at);
  g_assert_cmpint (locate (out, 3 * RATE / 2 - 256, f->ref, f->ref_frames, g), ==, 3 * RATE / 2 - 256);
  at = first_match (out, 2 * RATE, 3 * RATE, f->ref, f->ref_frames, g, &pos);
  g_assert_cmpint (pos, ==, (gssize) at);
  g_assert_cmpint (locate (out, 3 * RATE - 1000, f->ref, f->ref_frames, g), ==, 3 * RATE - 1000);
  play_stop (&p);
}

static void
test_reference_own (Fixture *f, gconstpointer data)
{
  gsize n;
  g_autofree float *a = read_album (f->project, 0, 0, &n);
  Play p;
  const float *out;
  gssize p1, a2, p3;
  gsize t1, t2, t3;
  double g;

  play_start (&p, f, 0);
  measure (p.player);
  lq_player_set_reference_position (p.player, LQ_REFERENCE_POSITION_OWN);
  g_assert_cmpint (lq_player_get_reference_position (p.player), ==, LQ_REFERENCE_POSITION_OWN);
  g_assert_true (play_until (&p, RATE / 2));
  select_reference (&p, f->reference);
  g = pow (10.0, lq_player_get_match_gain (p.player) / 20.0);
  g_assert_true (play_until (&p, 3 * RATE / 2));
  lq_player_set_reference (p.player, NULL, NULL);
  g_assert_true (play_until (&p, 2 * RATE));
  lq_player_set_reference (p.player, f->reference, NULL);
  g_assert_true (play_until (&p, 3 * RATE));
  out = (const float *) (const void *) p.out->data;

  /* Switched at S1, the reference starts at 0 and is heard alone from S1 + RAMP: at t1 it is
   * at t1 - S1 in [RAMP, RAMP + 64) */
  t1 = first_match (out, RATE / 2, 3 * RATE / 2, f->ref, f->ref_frames, g, &p1);
  g_test_message ("reference alone from output frame %" G_GSIZE_FORMAT ", at its frame %" G_GSSIZE_FORMAT, t1, p1);
  g_assert_cmpint (p1, >=, (gssize) RAMP);
  g_assert_cmpint (p1, <, (gssize) RAMP + 64);
  /* The album resumes where it was left: S1 + RAMP (read during the crossfade), and is heard
   * alone RAMP later: a2 = S1 + 2 RAMP + (t2 - S2 - RAMP) with t2 - S2 - RAMP in [0, 64) */
  t2 = first_match (out, 3 * RATE / 2, 2 * RATE, a, n, 1.0, &a2);
  g_test_message ("album alone again from output frame %" G_GSIZE_FORMAT ", at %" G_GSSIZE_FORMAT, t2, a2);
  g_assert_cmpint (a2 - (gssize) (t1 - p1 + 2 * RAMP), >=, 0);
  g_assert_cmpint (a2 - (gssize) (t1 - p1 + 2 * RAMP), <, 64);
  /* The reference again where it was left (read on during its fade-out): with S2 = t2 - RAMP
   * - d2, it left at p1 + (S2 - t1) + RAMP, and is heard alone at t3 = S3 + RAMP + d3, at its
   * frame p3 = p1 + (t2 - t1) + RAMP - d2 + d3 */
  t3 = first_match (out, 2 * RATE, 3 * RATE, f->ref, f->ref_frames, g, &p3);
  g_test_message ("reference alone again from output frame %" G_GSIZE_FORMAT ", at %" G_GSSIZE_FORMAT, t3, p3);
  g_assert_cmpint (labs (p3 - (gssize) (p1 + (t2 - t1) + RAMP)), <, 64);
  play_stop (&p);
}

static void
test_reference_loop (Fixture *f, gconstpointer data)
{
  guint64 ls = RATE / 2, le = 3 * RATE / 2;
  gboolean wrapped = FALSE;
  gssize last = -1;
  const float *out;
  Play p;
  double g;

  play_start (&p, f, 0);
  measure (p.player);
  lq_player_set_loop (p.player, ls, le);
  select_reference (&p, f->reference);
  g = pow (10.0, lq_player_get_match_gain (p.player) / 20.0);
  g_assert_true (play_until (&p, 4 * RATE));
  out = (const float *) (const void *) p.out->data;
  /* After the start, every stretch heard is the reference inside the loop, which wraps */
  for (gsize at = le; at + 256 < 4 * RATE; at += RATE / 10)
    {
      gssize pos = locate (out, at, f->ref, f->ref_frames, g);

      if (pos < 0)
        continue; /* a stretch across the loop's seam */
      g_assert_cmpint (pos, >=, (gssize) ls);
      g_assert_cmpint (pos, <, (gssize) le);
      if (pos < last)
        wrapped = TRUE;
      last = pos;
    }
  g_assert_true (wrapped);
  play_stop (&p);
}

static void
test_sink_device (void)
{
  GstElement *pulse = gst_element_factory_make ("pulsesink", NULL);
  g_autofree char *device = NULL;
  GstElement *bin, *inner, *later, *fake;

  if (pulse == NULL)
    {
      g_test_skip ("pulsesink is not installed");
      return;
    }
  gst_object_ref_sink (pulse);
  lq_player_configure_sink (pulse, "alsa_output.test");
  g_object_get (pulse, "device", &device, NULL);
  g_assert_cmpstr (device, ==, "alsa_output.test");
  g_clear_pointer (&device, g_free);
  /* Empty: the default, the sink left alone */
  lq_player_configure_sink (pulse, "");
  g_object_get (pulse, "device", &device, NULL);
  g_assert_cmpstr (device, ==, "alsa_output.test");
  g_clear_pointer (&device, g_free);
  gst_object_unref (pulse);

  /* In a bin, and a sink added to it later (as autoaudiosink does) */
  bin = gst_object_ref_sink (gst_parse_bin_from_description ("queue ! pulsesink name=a", TRUE, NULL));
  lq_player_configure_sink (bin, "dev2");
  inner = gst_bin_get_by_name (GST_BIN (bin), "a");
  g_object_get (inner, "device", &device, NULL);
  g_assert_cmpstr (device, ==, "dev2");
  g_clear_pointer (&device, g_free);
  gst_object_unref (inner);
  later = gst_element_factory_make ("pulsesink", NULL);
  gst_bin_add (GST_BIN (bin), later);
  g_object_get (later, "device", &device, NULL);
  g_assert_cmpstr (device, ==, "dev2");
  gst_object_unref (bin);

  /* A sink without a device property: nothing to do, no warning */
  fake = gst_object_ref_sink (gst_element_factory_make ("fakesink", NULL));
  lq_player_configure_sink (fake, "dev4");
  gst_object_unref (fake);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add ("/lq/player-ab/switch-aligned", Fixture, NULL, fixture_setup, test_switch_aligned, fixture_teardown);
  g_test_add ("/lq/player-ab/switch-after-seek", Fixture, NULL, fixture_setup, test_switch_after_seek, fixture_teardown);
  g_test_add ("/lq/player-ab/reference-match", Fixture, NULL, fixture_setup, test_reference_match, fixture_teardown);
  g_test_add ("/lq/player-ab/reference-match-louder", Fixture, NULL, fixture_setup, test_reference_match_louder, fixture_teardown);
  g_test_add ("/lq/player-ab/reference-quieter", Fixture, NULL, fixture_setup, test_reference_quieter, fixture_teardown);
  g_test_add ("/lq/player-ab/reference-shared", Fixture, NULL, fixture_setup, test_reference_shared, fixture_teardown);
  g_test_add ("/lq/player-ab/reference-own", Fixture, NULL, fixture_setup, test_reference_own, fixture_teardown);
  g_test_add ("/lq/player-ab/reference-loop", Fixture, NULL, fixture_setup, test_reference_loop, fixture_teardown);
  g_test_add_func ("/lq/player-ab/sink-device", test_sink_device);
  return g_test_run ();
}
