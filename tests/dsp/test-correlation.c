/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Phase correlation, mid/side levels and the goniometer scope against closed forms. */
#include "config.h"

#include <math.h>

#include <glib.h>

#include "lq-correlation.h"
#include "lq-synth.h"

#define RATE 48000.0

static LqCorrelation *
run (const float *audio, size_t frames, unsigned channels, size_t block)
{
  LqCorrelation *c = lq_correlation_new (RATE, channels);

  g_assert_nonnull (c);
  for (size_t i = 0; i < frames; i += block)
    lq_correlation_process (c, audio + i * channels, MIN (block, frames - i));
  return c;
}

static void
test_identical_and_inverted (void)
{
  const size_t frames = 48000;
  g_autofree float *audio = g_new (float, 2 * frames);
  LqCorrelation *c;

  lq_synth_noise (audio, frames, 2, 0.5, 7);
  for (size_t i = 0; i < frames; i++)
    audio[2 * i + 1] = audio[2 * i]; /* the same noise in both channels */
  c = run (audio, frames, 2, 480);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_correlation (c), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_integrated_correlation (c), 1.0, 1e-9);
  g_assert_true (isinf (lq_correlation_get_side_db (c)) && lq_correlation_get_side_db (c) < 0);
  lq_correlation_free (c);

  for (size_t i = 0; i < frames; i++)
    audio[2 * i + 1] = -audio[2 * i];
  c = run (audio, frames, 2, 1000);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_correlation (c), -1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_integrated_correlation (c), -1.0, 1e-9);
  g_assert_true (isinf (lq_correlation_get_mid_db (c)) && lq_correlation_get_mid_db (c) < 0);
  lq_correlation_free (c);

  /* A mono input is identical channels. */
  c = run (audio, frames, 1, 1000);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_correlation (c), 1.0, 1e-9);
  lq_correlation_free (c);
}

static void
test_independent_noise (void)
{
  const size_t frames = 10 * 48000;
  g_autofree float *l = g_new (float, frames);
  g_autofree float *r = g_new (float, frames);
  g_autofree float *audio = g_new (float, 2 * frames);
  LqCorrelation *c;
  double a = 0.5, var = a * a / 3;

  lq_synth_noise (l, frames, 1, a, 1);
  lq_synth_noise (r, frames, 1, a, 2);
  for (size_t i = 0; i < frames; i++)
    audio[2 * i] = l[i], audio[2 * i + 1] = r[i];
  c = run (audio, frames, 2, 4096);
  /* Over 300 ms (about 14400 samples of effective memory) the estimate's standard deviation is
   * about 1 / sqrt (2 x 14400) = 0.006; over the whole 10 s, 0.0005. */
  g_test_message ("independent noise: running %.4f, integrated %.5f",
                  lq_correlation_get_correlation (c), lq_correlation_get_integrated_correlation (c));
  g_assert_cmpfloat (fabs (lq_correlation_get_correlation (c)), <, 0.05);
  g_assert_cmpfloat (fabs (lq_correlation_get_integrated_correlation (c)), <, 0.005);
  /* M and S each carry half the power: (var + var) / 4. */
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_integrated_mid_db (c), 10 * log10 (var / 2), 0.05);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_integrated_side_db (c), 10 * log10 (var / 2), 0.05);
  lq_correlation_free (c);
}

static void
test_mixes_with_known_values (void)
{
  const size_t frames = 4 * 48000;
  g_autofree float *audio = g_new (float, 2 * frames);
  g_autofree float *n = g_new (float, frames);
  g_autofree float *m = g_new (float, frames);
  const double gains[] = { 0.0, 0.25, 0.5, 1.0, 2.0 };

  /* L = s, R = s + g n with s and n independent (equal variance): correlation
   * 1 / sqrt (1 + g^2). */
  lq_synth_noise (m, frames, 1, 0.3, 11);
  lq_synth_noise (n, frames, 1, 0.3, 12);
  for (unsigned j = 0; j < G_N_ELEMENTS (gains); j++)
    {
      double g = gains[j], expected = 1 / sqrt (1 + g * g);
      LqCorrelation *c;

      for (size_t i = 0; i < frames; i++)
        {
          audio[2 * i] = m[i];
          audio[2 * i + 1] = (float) (m[i] + g * n[i]);
        }
      c = run (audio, frames, 2, 777);
      g_test_message ("g = %.2f: integrated %.4f, expected %.4f", g,
                      lq_correlation_get_integrated_correlation (c), expected);
      g_assert_cmpfloat_with_epsilon (lq_correlation_get_integrated_correlation (c), expected, 0.01);
      g_assert_cmpfloat_with_epsilon (lq_correlation_get_correlation (c), expected, 0.06);
      lq_correlation_free (c);
    }

  /* Sines: L = sin, R = sin delayed by phi: correlation cos (phi). A full-scale sine in both
   * channels in phase: M is that sine, -3.01 dB RMS. */
  for (double phi = 0; phi < 3.2; phi += G_PI / 6)
    {
      LqCorrelation *c;
      lq_synth_sine (audio, frames, 2, RATE, 1000.0, 1.0, 0.0);
      for (size_t i = 0; i < frames; i++)
        audio[2 * i + 1] = (float) sin (2 * G_PI * 1000.0 * i / RATE + phi);
      c = run (audio, frames, 2, 512);
      g_assert_cmpfloat_with_epsilon (lq_correlation_get_correlation (c), cos (phi), 1e-3);
      /* M = cos (phi / 2) x sine, S = sin (phi / 2) x sine */
      if (phi < 3.0)
        g_assert_cmpfloat_with_epsilon (lq_correlation_get_mid_db (c),
                                        10 * log10 (0.5 * pow (cos (phi / 2), 2)), 0.01);
      if (phi > 0.1)
        g_assert_cmpfloat_with_epsilon (lq_correlation_get_side_db (c),
                                        10 * log10 (0.5 * pow (sin (phi / 2), 2)), 0.01);
      lq_correlation_free (c);
    }
}

static void
test_time_constant (void)
{
  /* In phase for 2 s, then inverted: <LR> goes from +P to -P as 1 - 2 exp (-t / tau) while
   * <L^2> and <R^2> stay P, so the correlation crosses 0 at t = tau ln 2. */
  const size_t frames = 4 * 48000;
  g_autofree float *audio = g_new (float, 2 * frames);
  const double tau = 0.1;
  LqCorrelation *c = lq_correlation_new (RATE, 2);
  size_t crossing = 0;

  lq_correlation_set_time_constant (c, tau * 1000);
  lq_synth_noise (audio, frames, 2, 0.5, 3);
  for (size_t i = 0; i < frames; i++)
    audio[2 * i + 1] = i < frames / 2 ? audio[2 * i] : -audio[2 * i];
  lq_correlation_process (c, audio, frames / 2);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_correlation (c), 1.0, 1e-9);
  for (size_t i = frames / 2; i < frames; i += 48)
    {
      lq_correlation_process (c, audio + 2 * i, 48);
      if (crossing == 0 && lq_correlation_get_correlation (c) < 0)
        crossing = i + 48 - frames / 2;
    }
  g_test_message ("crossed 0 after %.4f s, expected %.4f s", crossing / RATE, tau * log (2));
  /* Noise makes <L^2> wobble a little: within 5 ms */
  g_assert_cmpfloat_with_epsilon (crossing / RATE, tau * log (2), 0.005);
  g_assert_cmpfloat_with_epsilon (lq_correlation_get_correlation (c), -1.0, 1e-6);
  lq_correlation_free (c);
}

static void
test_silence_and_non_finite (void)
{
  float block[2 * 64] = { 0 };
  LqCorrelation *c = lq_correlation_new (RATE, 2);

  lq_correlation_process (c, NULL, 48000);
  g_assert_cmpfloat (lq_correlation_get_correlation (c), ==, 0.0);
  for (unsigned i = 0; i < 64; i++)
    block[2 * i] = block[2 * i + 1] = (float) sin (i * 0.3);
  block[10] = NAN;
  block[21] = INFINITY;
  lq_correlation_process (c, block, 64);
  g_assert_true (isfinite (lq_correlation_get_correlation (c)));
  g_assert_true (isfinite (lq_correlation_get_mid_db (c)));
  /* A long silence leaves clean zeros, not denormals. */
  lq_correlation_process (c, NULL, 10 * 48000 * 60);
  g_assert_cmpfloat (lq_correlation_get_correlation (c), ==, 0.0);
  lq_correlation_free (c);
}

static void
test_scope (void)
{
  LqCorrelation *c = lq_correlation_new (RATE, 2);
  float audio[2 * 1000], xy[2 * 600];
  size_t n;

  for (unsigned i = 0; i < 1000; i++)
    audio[2 * i] = (float) i, audio[2 * i + 1] = -(float) i;
  lq_correlation_set_scope_decimation (c, 4);
  lq_correlation_process (c, audio, 1000);
  n = lq_correlation_take_scope (c, xy, 600);
  g_assert_cmpuint (n, ==, 250); /* frames 0, 4, 8, ... 996 */
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpfloat (xy[2 * i], ==, 4.0f * i);
      g_assert_cmpfloat (xy[2 * i + 1], ==, -4.0f * i);
    }
  g_assert_cmpuint (lq_correlation_take_scope (c, xy, 600), ==, 0);
  /* Bounded: only the newest pairs. */
  lq_correlation_process (c, audio, 1000);
  n = lq_correlation_take_scope (c, xy, 100);
  g_assert_cmpuint (n, ==, 100);
  g_assert_cmpfloat (xy[2 * 99], ==, 996.0f);
  lq_correlation_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/correlation/identical-and-inverted", test_identical_and_inverted);
  g_test_add_func ("/lq/correlation/independent-noise", test_independent_noise);
  g_test_add_func ("/lq/correlation/known-mixes", test_mixes_with_known_values);
  g_test_add_func ("/lq/correlation/time-constant", test_time_constant);
  g_test_add_func ("/lq/correlation/silence-and-non-finite", test_silence_and_non_finite);
  g_test_add_func ("/lq/correlation/scope", test_scope);

  return g_test_run ();
}
