/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The true-peak limiter, measured with independent BS.1770 meters (libebur128, and ffmpeg's
 * ebur128 filter when /usr/bin/ffmpeg or another ffmpeg is on PATH) and closed-form
 * expectations. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <ebur128.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "../lq-test-util.h"
#include "lq-limiter.h"
#include "lq-synth.h"

static double
db_to_lin (double db)
{
  return pow (10.0, db / 20.0);
}

/* Runs the whole of `in` (frames) through a limiter, drains the latency, and returns the
 * time-aligned output (frames long). */
static float *
run_limiter (LqLimiter *lim, const float *in, size_t frames, unsigned channels, size_t chunk)
{
  size_t latency = lq_limiter_get_latency (lim);
  size_t total = frames + latency;
  float *buf = g_new0 (float, total * channels);
  float *out;

  memcpy (buf, in, frames * channels * sizeof (float));
  for (size_t done = 0; done < total; done += chunk)
    lq_limiter_process (lim, buf + done * channels, MIN (chunk, total - done));
  out = g_memdup2 (buf + latency * channels, frames * channels * sizeof (float));
  g_free (buf);
  return out;
}

typedef struct
{
  double true_peak;  /* linear, max over channels (libebur128, EBUR128_MODE_TRUE_PEAK) */
  double sample_peak; /* linear */
  double integrated; /* LUFS */
} Meter;

static void
meter (const float *audio, size_t frames, unsigned channels, unsigned rate, Meter *m)
{
  ebur128_state *st = ebur128_init (channels, rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);

  g_assert_nonnull (st);
  g_assert_cmpint (ebur128_add_frames_float (st, audio, frames), ==, EBUR128_SUCCESS);
  m->true_peak = 0.0;
  m->sample_peak = 0.0;
  for (unsigned c = 0; c < channels; c++)
    {
      double tp, sp;
      ebur128_true_peak (st, c, &tp);
      ebur128_sample_peak (st, c, &sp);
      m->true_peak = MAX (m->true_peak, tp);
      m->sample_peak = MAX (m->sample_peak, sp);
    }
  ebur128_loudness_global (st, &m->integrated);
  ebur128_destroy (&st);
}

/* ffmpeg's BS.1770 true peak of a file: the "Peak:" of its summary (dBFS, one decimal) and the
 * largest per-channel value of its metadata (linear, three decimals). */
static gboolean
ffmpeg_true_peak (const char *ffmpeg, const char *wav, const char *meta_path, double *summary_db,
                  double *meta_lin)
{
  g_autofree char *filter = g_strdup_printf ("ebur128=peak=true:metadata=1,ametadata=mode=print:file=%s", meta_path);
  const char *argv[] = { ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-filter_threads", "1",
                         "-i", wav, "-af", filter, "-f", "null", "-", NULL };
  g_autofree char *err = NULL;
  g_autofree char *meta = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int status;
  const char *tp;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("ffmpeg failed: %s", err);
      return FALSE;
    }
  /* The summary: "True peak:" then "Peak:  -1.0 dBFS". */
  tp = strstr (err, "True peak:");
  g_assert_nonnull (tp);
  tp = strstr (tp, "Peak:");
  g_assert_nonnull (tp);
  *summary_db = g_ascii_strtod (tp + 5, NULL);

  g_assert_true (g_file_get_contents (meta_path, &meta, NULL, NULL));
  lines = g_strsplit (meta, "\n", -1);
  *meta_lin = 0.0;
  for (guint i = 0; lines[i]; i++)
    {
      const char *v = strstr (lines[i], "lavfi.r128.true_peaks_ch");
      if (v != NULL && (v = strchr (v, '=')) != NULL)
        *meta_lin = MAX (*meta_lin, g_ascii_strtod (v + 1, NULL));
    }
  g_assert_cmpfloat (*meta_lin, >, 0.0);
  return TRUE;
}

/* Every demo track, driven 12 dB into ceilings of -1 and -0.3 dBTP: the output's true peak as
 * libebur128 and ffmpeg read it never exceeds the ceiling, the limiter works close to it, and
 * the track got louder. */
static void
test_true_peak_ceiling (gconstpointer data)
{
  const unsigned rate = GPOINTER_TO_UINT (data);
  const double ceilings[] = { -1.0, -0.3 };
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");
  g_autofree char *dir = NULL;

  if (ffmpeg == NULL)
    g_test_message ("ffmpeg not found: checking with libebur128 only");
  else
    dir = g_dir_make_tmp ("lq-test-limiter-XXXXXX", NULL);

  for (unsigned t = 0; t < lq_synth_demo_n_tracks (); t++)
    {
      size_t frames = lq_synth_demo_frames (t, rate);
      g_autofree float *in = g_new (float, frames * 2);
      Meter m_in;

      lq_synth_demo_render (t, rate, in, frames);
      meter (in, frames, 2, rate, &m_in);

      for (guint c = 0; c < G_N_ELEMENTS (ceilings); c++)
        {
          LqLimiter *lim = lq_limiter_new (rate, 2);
          g_autofree float *out = NULL;
          double ceiling = db_to_lin (ceilings[c]);
          Meter m;

          lq_limiter_set_drive (lim, 12.0);
          lq_limiter_set_ceiling (lim, ceilings[c]);
          lq_limiter_reset (lim);
          out = run_limiter (lim, in, frames, 2, 4096);
          lq_limiter_free (lim);
          meter (out, frames, 2, rate, &m);
          g_test_message ("%u Hz track %u ceiling %.1f: libebur128 true peak %.4f dBTP, "
                          "loudness %.2f -> %.2f LUFS",
                          rate, t + 1, ceilings[c], 20 * log10 (m.true_peak), m_in.integrated,
                          m.integrated);
          g_assert_cmpfloat (m.true_peak, <=, ceiling);
          g_assert_cmpfloat (m.sample_peak, <=, ceiling);
          /* It limits (reaches within 0.3 dB of the ceiling) and the track is louder (the
           * densest demo master gains under 4 LU from 12 dB of drive). */
          g_assert_cmpfloat (m.true_peak, >=, ceiling * db_to_lin (-0.3));
          g_assert_cmpfloat (m.integrated, >, m_in.integrated + 3.0);

          if (ffmpeg != NULL)
            {
              g_autofree char *wav = g_strdup_printf ("%s/out-%u-%u.wav", dir, t, c);
              g_autofree char *meta = g_strdup_printf ("%s/meta-%u-%u.txt", dir, t, c);
              double summary_db, meta_lin;

              lq_test_write_float_wav (wav, out, frames, 2, rate);
              if (ffmpeg_true_peak (ffmpeg, wav, meta, &summary_db, &meta_lin))
                {
                  g_test_message ("  ffmpeg: Peak %.1f dBFS, metadata %.3f (%.3f dBTP)", summary_db,
                                  meta_lin, 20 * log10 (meta_lin));
                  /* Printed with one decimal (dB) and three (linear): compare at that precision. */
                  g_assert_cmpfloat (summary_db, <=, ceilings[c] + 1e-9);
                  g_assert_cmpfloat (meta_lin, <=, ceiling + 0.0005);
                }
              g_unlink (wav);
              g_unlink (meta);
            }
        }
    }
  if (dir != NULL)
    g_rmdir (dir);
}

/* EBU Tech 3341 true-peak signals (cases 15-19: sines at fs/4, fs/6, fs/8 with inter-sample
 * peaks) and full-band white noise, 12 dB over a -1 dBTP ceiling: held per libebur128. */
static void
test_true_peak_synthetic (void)
{
  const unsigned rate = 48000;
  const struct { double freq_div, amp, phase_deg; } cases[] = {
    { 4, 0.5, 0 }, { 4, 0.5, 45 }, { 6, 0.5, 60 }, { 8, 0.5, 67.5 }, { 4, 1.41, 45 },
  };
  const size_t frames = rate; /* 1 s */
  const double ceiling = db_to_lin (-1.0);

  for (guint i = 0; i <= G_N_ELEMENTS (cases); i++)
    {
      g_autofree float *in = g_new (float, frames * 2);
      g_autofree float *out = NULL;
      LqLimiter *lim = lq_limiter_new (rate, 2);
      Meter m_in, m;

      if (i < G_N_ELEMENTS (cases))
        lq_synth_sine (in, frames, 2, rate, rate / cases[i].freq_div, cases[i].amp,
                       cases[i].phase_deg * G_PI / 180.0);
      else
        lq_synth_noise (in, frames, 2, 0.5, 1234);
      meter (in, frames, 2, rate, &m_in);
      lq_limiter_set_drive (lim, 12.0);
      lq_limiter_set_ceiling (lim, -1.0);
      lq_limiter_reset (lim);
      out = run_limiter (lim, in, frames, 2, 1000);
      lq_limiter_free (lim);
      meter (out, frames, 2, rate, &m);
      g_test_message ("case %u: input %.2f dBTP, output %.4f dBTP", i, 20 * log10 (m_in.true_peak),
                      20 * log10 (m.true_peak));
      g_assert_cmpfloat (m.true_peak, <=, ceiling);
      g_assert_cmpfloat (m.true_peak, >, ceiling * db_to_lin (-1.0));
    }
}

/* Sample-peak mode holds sample peaks only: an fs/4 sine at 45 degrees (inter-sample peak 3 dB
 * above its samples) then reads ~3 dB over the ceiling, which true-peak mode prevents. */
static void
test_sample_peak_mode (void)
{
  const unsigned rate = 48000;
  const size_t frames = rate / 2;
  g_autofree float *in = g_new (float, frames);
  const double ceiling = db_to_lin (-1.0);

  /* EBU Tech 3341 case 19: samples at 0 dBFS, true peak +3 dBTP. */
  lq_synth_sine (in, frames, 1, rate, rate / 4.0, 1.41, G_PI / 4);
  for (int tp = 0; tp <= 1; tp++)
    {
      LqLimiter *lim = lq_limiter_new (rate, 1);
      g_autofree float *out = NULL;
      Meter m;

      lq_limiter_set_true_peak (lim, tp);
      out = run_limiter (lim, in, frames, 1, 512);
      lq_limiter_free (lim);
      meter (out, frames, 1, rate, &m);
      g_test_message ("true-peak %d: sample peak %.3f dBFS, true peak %.3f dBTP", tp,
                      20 * log10 (m.sample_peak), 20 * log10 (m.true_peak));
      g_assert_cmpfloat (m.sample_peak, <=, ceiling);
      if (tp)
        g_assert_cmpfloat (m.true_peak, <=, ceiling);
      else
        {
          g_assert_cmpfloat (m.sample_peak, >, ceiling * db_to_lin (-0.01));
          g_assert_cmpfloat (m.true_peak, >, ceiling * db_to_lin (2.5));
        }
    }
}

/* Music whose true peak is 1 dB below the ceiling comes out bit-identical, delayed by exactly
 * the reported latency; in mono and stereo, both detection modes, several rates. */
static void
test_transparent (void)
{
  const unsigned rates[] = { 44100, 96000 };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    for (unsigned channels = 1; channels <= 2; channels++)
      for (int tp = 0; tp <= 1; tp++)
        {
          const unsigned rate = rates[r];
          size_t frames = rate * 6;
          g_autofree float *stereo = g_new (float, frames * 2);
          g_autofree float *in = g_new (float, frames * channels);
          g_autofree float *out = NULL;
          LqLimiter *lim = lq_limiter_new (rate, channels);
          double gain;
          Meter m;

          lq_synth_demo_render (3, rate, stereo, frames);
          for (size_t i = 0; i < frames; i++)
            for (unsigned c = 0; c < channels; c++)
              in[i * channels + c] = stereo[i * 2 + c];
          meter (in, frames, channels, rate, &m);
          /* True peak 1 dB under the -1 dBTP ceiling. */
          gain = db_to_lin (-2.0) / m.true_peak;
          for (size_t i = 0; i < frames * channels; i++)
            in[i] = (float) (in[i] * gain);

          lq_limiter_set_true_peak (lim, tp);
          out = run_limiter (lim, in, frames, channels, 1024);
          g_assert_cmpfloat (lq_limiter_get_gain_reduction (lim), ==, 0.0);
          lq_limiter_free (lim);
          g_assert_cmpmem (out, frames * channels * sizeof (float), in, frames * channels * sizeof (float));
        }
}

/* The latency is what lq_limiter_get_latency() says, equals lq_limiter_compute_latency(), and
 * an impulse comes out exactly that late; no sample is lost. */
static void
test_latency (void)
{
  const unsigned rates[] = { 44100, 48000, 96000, 192000 };
  const double lookaheads[] = { 0.5, 1.5, 5.0, 10.0 };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    for (guint l = 0; l < G_N_ELEMENTS (lookaheads); l++)
      {
        LqLimiter *lim = lq_limiter_new (rates[r], 2);
        size_t latency, frames = 4096;
        g_autofree float *buf = g_new0 (float, frames * 2);

        lq_limiter_set_lookahead (lim, lookaheads[l]);
        latency = lq_limiter_get_latency (lim);
        g_assert_cmpuint (latency, ==, lq_limiter_compute_latency (rates[r], lookaheads[l]));
        /* The lookahead (attack ramp) is part of it; the rest is a few dozen frames. */
        g_assert_cmpuint (latency, >=, (size_t) (lookaheads[l] * 0.001 * rates[r]));
        g_assert_cmpuint (latency, <=, (size_t) (lookaheads[l] * 0.001 * rates[r]) + 32);

        buf[100 * 2] = 0.5f;
        buf[100 * 2 + 1] = -0.25f;
        lq_limiter_process (lim, buf, frames);
        for (size_t i = 0; i < frames; i++)
          {
            float l_expect = i == 100 + latency ? 0.5f : 0.0f;
            float r_expect = i == 100 + latency ? -0.25f : 0.0f;
            g_assert_cmpfloat (buf[2 * i], ==, l_expect);
            g_assert_cmpfloat (buf[2 * i + 1], ==, r_expect);
          }
        lq_limiter_free (lim);
      }
}

/* The output does not depend on how the stream is cut into calls. */
static void
test_chunking (void)
{
  const unsigned rate = 44100;
  const size_t frames = rate * 3;
  const size_t chunks[] = { 1, 7, 256, 441, 1000, 100000 };
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *ref = NULL;

  lq_synth_demo_render (1, rate, in, frames);
  for (guint c = 0; c < G_N_ELEMENTS (chunks); c++)
    {
      LqLimiter *lim = lq_limiter_new (rate, 2);
      g_autofree float *out = NULL;

      lq_limiter_set_drive (lim, 9.0);
      lq_limiter_reset (lim);
      out = run_limiter (lim, in, frames, 2, chunks[c]);
      lq_limiter_free (lim);
      if (ref == NULL)
        ref = g_steal_pointer (&out);
      else
        g_assert_cmpmem (out, frames * 2 * sizeof (float), ref, frames * 2 * sizeof (float));
    }
}

/* Silence in, silence out; after loud music the output returns to exact zeros and the
 * envelope to no reduction. */
static void
test_silence (void)
{
  const unsigned rate = 48000;
  const size_t frames = rate * 4;
  g_autofree float *buf = g_new0 (float, frames * 2);
  LqLimiter *lim = lq_limiter_new (rate, 2);

  lq_limiter_set_drive (lim, 12.0);
  lq_limiter_reset (lim);
  lq_limiter_process (lim, buf, frames);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);

  /* One second of loud music, then three of silence. */
  lq_synth_demo_render (1, rate, buf, rate);
  memset (buf + rate * 2, 0, (frames - rate) * 2 * sizeof (float));
  lq_limiter_process (lim, buf, frames);
  for (size_t i = (rate + lq_limiter_get_latency (lim)) * 2; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  g_assert_cmpfloat (lq_limiter_get_gain_reduction (lim), >, 0.0); /* during the music */
  memset (buf, 0, frames * 2 * sizeof (float));
  lq_limiter_process (lim, buf, rate / 10);
  g_assert_cmpfloat (lq_limiter_get_gain_reduction (lim), ==, 0.0);
  lq_limiter_free (lim);
}

/* NaN, infinities and absurd values never reach the output or poison later output: the bad
 * samples come out as silence and the rest is exactly what the same input with zeros there
 * gives. */
static void
test_non_finite (void)
{
  const unsigned rate = 44100;
  const size_t frames = rate * 2;
  const size_t bad[] = { 1000, 1001, 22050, 30000, 30001, 30002 };
  const float values[] = { NAN, INFINITY, -INFINITY, 1e30f, -NAN, 3e38f };
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *clean = NULL;
  g_autofree float *out = NULL;
  g_autofree float *ref = NULL;
  LqLimiter *lim;

  lq_synth_demo_render (1, rate, in, frames);
  clean = g_memdup2 (in, frames * 2 * sizeof (float));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      in[bad[i] * 2 + (i & 1)] = values[i];
      clean[bad[i] * 2 + (i & 1)] = 0.0f;
    }

  lim = lq_limiter_new (rate, 2);
  lq_limiter_set_drive (lim, 6.0);
  lq_limiter_reset (lim);
  out = run_limiter (lim, in, frames, 2, 512);
  lq_limiter_reset (lim);
  ref = run_limiter (lim, clean, frames, 2, 512);
  lq_limiter_free (lim);

  for (size_t i = 0; i < frames * 2; i++)
    {
      g_assert_true (isfinite (out[i]));
      g_assert_cmpfloat (fabsf (out[i]), <=, (float) db_to_lin (-1.0));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_cmpfloat (out[bad[i] * 2 + (i & 1)], ==, 0.0f);
  g_assert_cmpmem (out, frames * 2 * sizeof (float), ref, frames * 2 * sizeof (float));
}

/* A steady low sine 6 dB over the ceiling: the reported reduction is the closed form
 * (peak - ceiling + margin) and the output peak sits at the ceiling minus the margin. */
static void
test_gain_reduction (void)
{
  const unsigned rate = 48000;
  const size_t frames = rate;
  g_autofree float *buf = g_new (float, frames);
  LqLimiter *lim = lq_limiter_new (rate, 1);
  double peak = 0.0, gr;

  lq_synth_sine (buf, frames, 1, rate, 100.0, 1.0, 0.0);
  lq_limiter_set_ceiling (lim, -6.0);
  lq_limiter_reset (lim);
  lq_limiter_process (lim, buf, frames / 2);
  lq_limiter_process (lim, buf + frames / 2, frames / 2);
  gr = lq_limiter_get_gain_reduction (lim);
  for (size_t i = frames / 2; i < frames; i++)
    peak = MAX (peak, fabs (buf[i]));
  g_test_message ("gain reduction %.4f dB, output peak %.4f dBFS", gr, 20 * log10 (peak));
  /* 100 Hz: the treble headroom is nil, the margin is LQ_LIMITER_TRUE_PEAK_MARGIN_DB. */
  g_assert_cmpfloat (fabs (gr - (6.0 + LQ_LIMITER_TRUE_PEAK_MARGIN_DB)), <, 0.01);
  g_assert_cmpfloat (fabs (20 * log10 (peak) - (-6.0 - LQ_LIMITER_TRUE_PEAK_MARGIN_DB)), <, 0.01);
  lq_limiter_free (lim);
}

/* Recovery time after a peak: gain reduction G0 decays as G0 exp (-t / tau) (in dB), with
 * tau = release / 5 after a short burst and tau = release after sustained reduction. Measured:
 * the time from the end of the loud part until the reduction falls under 1 dB. */
static double
recovery_ms (unsigned rate, double release_ms, double burst_ms, double *g0)
{
  const size_t chunk = 16;
  size_t loud = (size_t) (burst_ms * 0.001 * rate), total = loud + rate;
  g_autofree float *buf = g_new (float, total);
  LqLimiter *lim = lq_limiter_new (rate, 1);
  double t_end = -1.0;

  /* 200 Hz at +6 dB over the -6 dBFS ceiling, then the same sine 20 dB under it. */
  lq_synth_sine (buf, total, 1, rate, 200.0, 1.0, 0.0);
  for (size_t i = loud; i < total; i++)
    buf[i] *= 0.05f;
  lq_limiter_set_ceiling (lim, -6.0);
  lq_limiter_set_release (lim, release_ms);
  lq_limiter_reset (lim);
  *g0 = 0.0;
  for (size_t done = 0; done + chunk <= total; done += chunk)
    {
      double gr;

      lq_limiter_process (lim, buf + done, chunk);
      gr = lq_limiter_get_gain_reduction (lim);
      /* The gain computed now belongs to input frame done - detector delay; that is within a
       * millisecond, small next to the times measured. */
      if (done + chunk <= loud)
        *g0 = gr;
      else if (gr < 1.0)
        {
          t_end = (double) (done + chunk - loud) * 1000.0 / rate;
          break;
        }
    }
  lq_limiter_free (lim);
  return t_end;
}

static void
test_release (void)
{
  const double release = 100.0;
  double g0_short, g0_long;
  double t_short = recovery_ms (48000, release, 10.0, &g0_short);
  double t_long = recovery_ms (48000, release, 1500.0, &g0_long);
  double expect_short = release / 5.0 * log (g0_short / 1.0);
  double expect_long = release * log (g0_long / 1.0);

  g_test_message ("short burst: %.1f dB, recovered in %.1f ms (closed form %.1f)", g0_short, t_short, expect_short);
  g_test_message ("sustained: %.1f dB, recovered in %.1f ms (closed form %.1f)", g0_long, t_long, expect_long);
  g_assert_cmpfloat (g0_short, >, 5.0);
  g_assert_cmpfloat (g0_long, >, 5.0);
  g_assert_cmpfloat (fabs (t_short - expect_short), <, 0.25 * expect_short);
  g_assert_cmpfloat (fabs (t_long - expect_long), <, 0.25 * expect_long);
  g_assert_cmpfloat (t_long, >, 3.0 * t_short);
}

/* Changing ceiling, drive, release and detection mode while a loud sine plays makes no
 * click: no sample step larger than the sine's own at the output level, plus 15 %. */
static void
test_parameter_changes (void)
{
  const unsigned rate = 44100;
  const size_t block = 441, blocks = 400;
  const double freq = 1000.0;
  g_autofree float *buf = g_new (float, block * blocks);
  LqLimiter *lim = lq_limiter_new (rate, 1);
  double max_step = 0.0, max_amp = 0.0, bound;

  lq_synth_sine (buf, block * blocks, 1, rate, freq, db_to_lin (-3.0), 0.0);
  lq_limiter_set_drive (lim, 6.0);
  lq_limiter_reset (lim);
  for (size_t b = 0; b < blocks; b++)
    {
      switch (b)
        {
        case 40: lq_limiter_set_ceiling (lim, -6.0); break;
        case 80: lq_limiter_set_ceiling (lim, -0.5); break;
        case 120: lq_limiter_set_drive (lim, 12.0); break;
        case 160: lq_limiter_set_drive (lim, 0.0); break;
        case 200: lq_limiter_set_release (lim, 5.0); break;
        case 240: lq_limiter_set_true_peak (lim, 0); break;
        case 280: lq_limiter_set_ceiling (lim, -12.0); break;
        case 320: lq_limiter_set_true_peak (lim, 1); lq_limiter_set_release (lim, 1000.0); break;
        case 360: lq_limiter_set_drive (lim, 24.0); lq_limiter_set_ceiling (lim, 0.0); break;
        default: break;
        }
      lq_limiter_process (lim, buf + b * block, block);
    }
  for (size_t i = 1; i < block * blocks; i++)
    {
      max_step = MAX (max_step, fabs (buf[i] - buf[i - 1]));
      max_amp = MAX (max_amp, fabs (buf[i]));
    }
  bound = 2.0 * max_amp * sin (G_PI * freq / rate);
  g_test_message ("largest step %.4f, a %.3f sine's %.4f", max_step, max_amp, bound);
  g_assert_cmpfloat (max_step, <=, 1.15 * bound);
  lq_limiter_free (lim);
}

/* The baseline (SSE2) detector, forced on a machine that would use AVX2: it holds the ceiling
 * on the hardest demo track per libebur128 and gives nearly the same output as the default
 * path (only the rounding of multiply-adds differs). */
static void
test_baseline_simd (void)
{
  const unsigned rate = 48000;
  size_t frames = rate * 8;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *fast = NULL;
  g_autofree float *base = NULL;
  LqLimiter *lim;
  double worst = 0.0;
  Meter m;

  lq_synth_demo_render (1, rate, in, frames);
  lim = lq_limiter_new (rate, 2);
  lq_limiter_set_drive (lim, 12.0);
  lq_limiter_reset (lim);
  fast = run_limiter (lim, in, frames, 2, 1024);
  lq_limiter_free (lim);

  g_setenv ("LQ_LIMITER_NO_AVX2", "1", TRUE);
  lim = lq_limiter_new (rate, 2);
  g_unsetenv ("LQ_LIMITER_NO_AVX2");
  lq_limiter_set_drive (lim, 12.0);
  lq_limiter_reset (lim);
  base = run_limiter (lim, in, frames, 2, 1024);
  lq_limiter_free (lim);

  meter (base, frames, 2, rate, &m);
  for (size_t i = 0; i < frames * 2; i++)
    worst = MAX (worst, fabs (base[i] - fast[i]));
  g_test_message ("baseline path: true peak %.4f dBTP, largest difference from the default path %.2g",
                  20 * log10 (m.true_peak), worst);
  g_assert_cmpfloat (m.true_peak, <=, db_to_lin (-1.0));
  g_assert_cmpfloat (worst, <, 1e-3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/lq/limiter/true-peak-ceiling/44100", GUINT_TO_POINTER (44100), test_true_peak_ceiling);
  g_test_add_data_func ("/lq/limiter/true-peak-ceiling/48000", GUINT_TO_POINTER (48000), test_true_peak_ceiling);
  g_test_add_data_func ("/lq/limiter/true-peak-ceiling/96000", GUINT_TO_POINTER (96000), test_true_peak_ceiling);
  g_test_add_func ("/lq/limiter/true-peak-synthetic", test_true_peak_synthetic);
  g_test_add_func ("/lq/limiter/sample-peak-mode", test_sample_peak_mode);
  g_test_add_func ("/lq/limiter/transparent", test_transparent);
  g_test_add_func ("/lq/limiter/latency", test_latency);
  g_test_add_func ("/lq/limiter/chunking", test_chunking);
  g_test_add_func ("/lq/limiter/silence", test_silence);
  g_test_add_func ("/lq/limiter/non-finite", test_non_finite);
  g_test_add_func ("/lq/limiter/gain-reduction", test_gain_reduction);
  g_test_add_func ("/lq/limiter/release", test_release);
  g_test_add_func ("/lq/limiter/parameter-changes", test_parameter_changes);
  g_test_add_func ("/lq/limiter/baseline-simd", test_baseline_simd);

  return g_test_run ();
}
