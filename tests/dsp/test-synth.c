/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo album synthesizer, measured with libebur128 (an independent BS.1770 meter). */
#include "config.h"

#include <math.h>

#include <ebur128.h>
#include <glib.h>

#include "lq-synth.h"

typedef struct
{
  double integrated; /* LUFS */
  double lra;        /* LU */
  double peak;       /* linear sample peak over both channels */
  double side_ratio; /* side energy / mid energy */
} Measure;

static void
measure (const float *audio, size_t frames, unsigned rate, Measure *m)
{
  ebur128_state *st = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_SAMPLE_PEAK);
  double mid = 0.0, side = 0.0, p0, p1;

  g_assert_nonnull (st);
  g_assert_cmpint (ebur128_add_frames_float (st, audio, frames), ==, EBUR128_SUCCESS);
  ebur128_loudness_global (st, &m->integrated);
  ebur128_loudness_range (st, &m->lra);
  ebur128_sample_peak (st, 0, &p0);
  ebur128_sample_peak (st, 1, &p1);
  m->peak = MAX (p0, p1);
  for (size_t i = 0; i < frames; i++)
    {
      double l = audio[2 * i], r = audio[2 * i + 1];
      mid += (l + r) * (l + r);
      side += (l - r) * (l - r);
    }
  m->side_ratio = side / MAX (mid, 1e-30);
  ebur128_destroy (&st);
}

static void
test_demo_album_is_music_like (void)
{
  unsigned n = lq_synth_demo_n_tracks ();
  double lo = INFINITY, hi = -INFINITY;
  Measure m[8];

  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpuint (n, <=, 4);

  for (unsigned i = 0; i < n; i++)
    {
      const LqSynthTrackInfo *info = lq_synth_demo_track_info (i);
      size_t frames = lq_synth_demo_frames (i, 44100);
      g_autofree float *audio = g_new (float, frames * 2);

      g_assert_nonnull (info);
      g_assert_cmpuint (frames, ==, (size_t) llround (info->seconds * 44100));
      g_assert_cmpfloat (info->seconds, >=, 10.0);
      lq_synth_demo_render (i, 44100, audio, frames);
      measure (audio, frames, 44100, &m[i]);
      g_test_message ("track %u \"%s\": %.2f LUFS, LRA %.2f LU, peak %.2f dBFS, side/mid %.3f",
                      i + 1, info->title, m[i].integrated, m[i].lra, 20 * log10 (m[i].peak), m[i].side_ratio);

      /* A real master's range: not silent, never clipping. */
      g_assert_cmpfloat (m[i].integrated, >, -30.0);
      g_assert_cmpfloat (m[i].integrated, <, -7.0);
      g_assert_cmpfloat (m[i].peak, <, 1.0);
      g_assert_cmpfloat (m[i].peak, >, 0.1);
      /* Real dynamics (sections) and real stereo content. */
      g_assert_cmpfloat (m[i].lra, >, 1.0);
      g_assert_cmpfloat (m[i].side_ratio, >, 0.001);
      g_assert_cmpfloat (m[i].side_ratio, <, 0.5);
      lo = MIN (lo, m[i].integrated);
      hi = MAX (hi, m[i].integrated);
    }

  /* Different loudness per track: level matching has work to do. */
  g_assert_cmpfloat (hi - lo, >, 6.0);
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = i + 1; j < n; j++)
      g_assert_cmpfloat (fabs (m[i].integrated - m[j].integrated), >, 1.0);
}

static void
test_demo_render_is_deterministic (void)
{
  size_t frames = 44100 * 3;
  g_autofree float *a = g_new (float, frames * 2);
  g_autofree float *b = g_new (float, frames * 2);
  g_autofree float *full = NULL;
  size_t full_frames = lq_synth_demo_frames (1, 44100);

  lq_synth_demo_render (1, 44100, a, frames);
  lq_synth_demo_render (1, 44100, b, frames);
  g_assert_cmpmem (a, frames * 2 * sizeof (float), b, frames * 2 * sizeof (float));

  /* A shorter render is the start of the whole track. */
  full = g_new (float, full_frames * 2);
  lq_synth_demo_render (1, 44100, full, full_frames);
  g_assert_cmpmem (a, frames * 2 * sizeof (float), full, frames * 2 * sizeof (float));
}

static void
test_demo_other_rates (void)
{
  /* The same track at 96 kHz has the same loudness within a fraction of a LU. */
  size_t f44 = lq_synth_demo_frames (0, 44100), f96 = lq_synth_demo_frames (0, 96000);
  g_autofree float *a = g_new (float, f44 * 2);
  g_autofree float *b = g_new (float, f96 * 2);
  Measure m44, m96;

  lq_synth_demo_render (0, 44100, a, f44);
  lq_synth_demo_render (0, 96000, b, f96);
  measure (a, f44, 44100, &m44);
  measure (b, f96, 96000, &m96);
  g_assert_cmpfloat (fabs (m44.integrated - m96.integrated), <, 0.5);
}

static void
test_sine_closed_form (void)
{
  float buf[2 * 480];

  /* 1 kHz at 48 kHz: sample n is A sin(2 pi n / 48 + phase). */
  lq_synth_sine (buf, 480, 2, 48000.0, 1000.0, 0.5, G_PI / 4);
  for (int n = 0; n < 480; n++)
    {
      double expected = 0.5 * sin (2.0 * G_PI * n / 48.0 + G_PI / 4);
      g_assert_cmpfloat_with_epsilon (buf[2 * n], expected, 1e-6);
      g_assert_cmpfloat (buf[2 * n], ==, buf[2 * n + 1]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/synth/demo-album-music-like", test_demo_album_is_music_like);
  g_test_add_func ("/lq/synth/deterministic", test_demo_render_is_deterministic);
  g_test_add_func ("/lq/synth/other-rates", test_demo_other_rates);
  g_test_add_func ("/lq/synth/sine", test_sine_closed_form);

  return g_test_run ();
}
