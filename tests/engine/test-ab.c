/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A/B in the engine: over two minutes of a three-track album whose tracks' chains turn them
 * down 6 dB, the A/B output is, sample for sample, the processed album (read by its own
 * reader) or the unprocessed one (a project built here without chains), switched many times
 * and after seeks, with a linear 20 ms crossfade at each switch; and the match gain equals the
 * loudness difference of the two albums measured here with libebur128 (and the chains'
 * -6 dB). */
#define G_LOG_DOMAIN "lq-test-ab"

#include "config.h"

#include <math.h>

#include <ebur128.h>
#include <glib/gstdio.h>

#include "lq-ab.h"
#include "lq-album-reader.h"
#include "lq-elements.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100
#define TRACK_SECONDS 40
#define N_TRACKS 3
#define CHUNK 1000

typedef struct
{
  char *dir;
  LqProject *processed;
  LqProject *unprocessed;
} Fixture;

static void
build (Fixture *f, LqProject *project, gboolean with_chain)
{
  static const double freqs[N_TRACKS] = { 997.0, 440.0, 3000.0 };

  for (guint t = 0; t < N_TRACKS; t++)
    {
      g_autofree char *name = g_strdup_printf ("track%u.wav", t);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(LqTrack) track = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          gsize frames = (gsize) TRACK_SECONDS * RATE;
          g_autofree float *audio = g_new (float, 2 * frames);
          g_autofree float *noise = g_new (float, 2 * frames);

          lq_synth_sine (audio, frames, 2, RATE, freqs[t], 0.3, 0.0);
          lq_synth_noise (noise, frames, 2, 0.05, 1234 + t);
          for (gsize i = 0; i < 2 * frames; i++)
            audio[i] += noise[i];
          g_assert_true (lq_wav_write_file (file, audio, frames, 2, RATE, LQ_WAV_FLOAT32, NULL, NULL));
        }
      track = lq_track_new (file);
      g_assert_true (lq_track_probe (track, NULL, NULL));
      if (with_chain)
        {
          g_autoptr(LqChainElement) gain = lq_chain_element_new ("lqgain");

          lq_chain_element_set_double (gain, "gain", -6.0);
          lq_chain_append (lq_track_get_chain (track), gain);
        }
      lq_project_append_track (project, track);
    }
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("lq-ab-test-XXXXXX", NULL);
  f->processed = lq_project_new ();
  f->unprocessed = lq_project_new ();
  build (f, f->processed, TRUE);
  build (f, f->unprocessed, FALSE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  for (guint t = 0; t < N_TRACKS; t++)
    {
      g_autofree char *name = g_strdup_printf ("track%u.wav", t);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_assert_finalize_object (f->processed);
  g_assert_finalize_object (f->unprocessed);
}

static double
measure (LqProject *project)
{
  g_autoptr(LqAlbumReader) reader = lq_album_reader_new (project, NULL);
  ebur128_state *st = ebur128_init (2, RATE, EBUR128_MODE_I);
  float buf[2 * 4096];
  gssize n;
  double lufs;

  g_assert_nonnull (reader);
  while ((n = lq_album_reader_read (reader, buf, 4096, NULL, NULL)) > 0)
    ebur128_add_frames_float (st, buf, n);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpint (ebur128_loudness_global (st, &lufs), ==, EBUR128_SUCCESS);
  ebur128_destroy (&st);
  return lufs;
}

static void
test_match_gain (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAb) ab = lq_ab_new (f->processed, &error);
  double la, lb;

  g_assert_no_error (error);
  g_assert_true (isnan (lq_ab_get_match_gain (ab)));
  g_assert_true (lq_ab_measure (ab, NULL, &error));
  g_assert_no_error (error);
  la = measure (f->processed);
  lb = measure (f->unprocessed);
  g_test_message ("processed %.3f LUFS, unprocessed %.3f LUFS, match gain %.3f dB",
                  la, lb, lq_ab_get_match_gain (ab));
  g_assert_cmpfloat_with_epsilon (lq_ab_get_match_gain (ab), la - lb, 0.01);
  /* The chains' -6 dB */
  g_assert_cmpfloat_with_epsilon (lq_ab_get_match_gain (ab), -6.0, 0.02);
  /* The louder (unprocessed) side is the one turned down, by the whole difference */
  g_assert_true (lq_ab_get_match (ab));
  g_assert_cmpfloat_with_epsilon (lq_ab_get_side_gain (ab, LQ_AB_PROCESSED), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lq_ab_get_side_gain (ab, LQ_AB_UNPROCESSED), la - lb, 0.01);
  lq_ab_set_match (ab, FALSE);
  g_assert_cmpfloat (lq_ab_get_side_gain (ab, LQ_AB_UNPROCESSED), ==, 0.0);
}

/* Reads @n frames from @reader, asserting it delivers them. */
static void
read_exact (LqAlbumReader *reader, float *buf, gsize n)
{
  gssize got = lq_album_reader_read (reader, buf, n, NULL, NULL);

  g_assert_cmpint (got, ==, (gssize) n);
}

static void
run_switching (Fixture *f, gboolean matched)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqAb) ab = lq_ab_new (f->processed, &error);
  g_autoptr(LqAlbumReader) ra = lq_album_reader_new (f->processed, NULL);
  g_autoptr(LqAlbumReader) rb = lq_album_reader_new (f->unprocessed, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  float out[2 * CHUNK], a[2 * CHUNK], b[2 * CHUNK];
  guint64 length, pos = 0, switch_at = G_MAXUINT64;
  const guint64 ramp = (guint64) (LQ_AB_CROSSFADE_MS * RATE / 1000.0);
  LqAbSide side = LQ_AB_PROCESSED;
  double gain_b = 1.0, max_err = 0.0;
  guint n_switches = 0, n_seeks = 0;

  g_assert_no_error (error);
  length = lq_ab_get_length (ab);
  g_assert_cmpuint (length, ==, lq_album_reader_get_length (ra));
  g_assert_cmpuint (length, ==, (guint64) N_TRACKS * TRACK_SECONDS * RATE);
  if (matched)
    {
      /* Loudness given directly: B 6 dB louder, so B is turned down 6 dB */
      lq_ab_set_loudness (ab, -20.0, -14.0);
      gain_b = pow (10.0, -6.0 / 20.0);
    }
  else
    lq_ab_set_match (ab, FALSE);

  /* First the whole album from the start without a seek (two minutes of playback), then 30
   * seeks each followed by 100 chunks */
  for (guint chunk = 0; chunk < length / CHUNK + 30 * 100; chunk++)
    {
      gssize got;

      if (chunk < length / CHUNK && pos + 2 * CHUNK > length)
        chunk = length / CHUNK; /* played to the end: on to the seeks */
      if (chunk >= length / CHUNK && (chunk - length / CHUNK) % 100 == 0)
        {
          pos = g_rand_int_range (rand, 0, (gint32) (length - 200 * CHUNK));
          g_assert_true (lq_ab_seek (ab, pos, NULL));
          g_assert_true (lq_album_reader_seek (ra, pos, NULL));
          g_assert_true (lq_album_reader_seek (rb, pos, NULL));
          switch_at = G_MAXUINT64; /* a seek ends any crossfade */
          n_seeks++;
        }
      /* A switch at a random frame of this chunk: split the read there */
      if (g_rand_int_range (rand, 0, 20) == 0)
        {
          guint k = g_rand_int_range (rand, 1, CHUNK);

          got = lq_ab_read (ab, out, k, NULL, NULL);
          g_assert_cmpint (got, ==, k);
          read_exact (ra, a, k);
          read_exact (rb, b, k);
          for (guint i = 0; i < 2 * k; i++)
            {
              double expect = side == LQ_AB_PROCESSED ? a[i] : gain_b * b[i];

              if (switch_at != G_MAXUINT64 && pos + i / 2 < switch_at + ramp)
                continue; /* still fading from an earlier switch */
              max_err = MAX (max_err, fabs (out[i] - expect));
            }
          pos += k;
          side = side == LQ_AB_PROCESSED ? LQ_AB_UNPROCESSED : LQ_AB_PROCESSED;
          lq_ab_set_side (ab, side);
          switch_at = pos;
          n_switches++;
        }
      got = lq_ab_read (ab, out, CHUNK, NULL, NULL);
      g_assert_cmpint (got, ==, CHUNK);
      read_exact (ra, a, CHUNK);
      read_exact (rb, b, CHUNK);
      g_assert_cmpuint (lq_ab_get_position (ab), ==, pos + CHUNK);
      for (guint i = 0; i < 2 * CHUNK; i++)
        {
          guint64 frame = pos + i / 2;
          double w_to = 1.0, expect;

          if (switch_at != G_MAXUINT64 && frame < switch_at + ramp)
            w_to = (double) (frame - switch_at) / ramp;
          /* The side switched to fades in linearly, the other out */
          if (side == LQ_AB_PROCESSED)
            expect = w_to * a[i] + (1.0 - w_to) * gain_b * b[i];
          else
            expect = w_to * gain_b * b[i] + (1.0 - w_to) * a[i];
          max_err = MAX (max_err, fabs (out[i] - expect));
        }
      pos += CHUNK;
    }
  g_test_message ("%s: %u switches, %u seeks, largest difference %.3g",
                  matched ? "matched" : "unmatched", n_switches, n_seeks, max_err);
  g_assert_cmpuint (n_switches, >, 100);
  g_assert_cmpuint (n_seeks, ==, 30);
  /* Sample-aligned: a single frame of offset would leave differences near the signal level */
  g_assert_cmpfloat (max_err, <, 1e-5);
}

static void
test_switch_aligned (Fixture *f, gconstpointer data)
{
  run_switching (f, FALSE);
}

static void
test_switch_matched (Fixture *f, gconstpointer data)
{
  run_switching (f, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  lq_elements_init ();

  g_test_add ("/lq/ab/match-gain", Fixture, NULL, fixture_setup, test_match_gain, fixture_teardown);
  g_test_add ("/lq/ab/switch-aligned", Fixture, NULL, fixture_setup, test_switch_aligned, fixture_teardown);
  g_test_add ("/lq/ab/switch-matched", Fixture, NULL, fixture_setup, test_switch_matched, fixture_teardown);

  return g_test_run ();
}
