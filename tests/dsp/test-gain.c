/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqGain against the closed-form fade curves, written out again here from their definitions
 * (sin, cos, pow from libm), never from the kernel's own output. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "lq-gain.h"
#include "lq-synth.h"

/* The curves as defined in the documentation (lq-gain.h), computed independently. */
static double
expected_curve (LqFadeCurve curve, double x)
{
  double r = pow (10.0, -60.0 / 20.0);

  if (x <= 0.0)
    return 0.0;
  if (x >= 1.0)
    return 1.0;
  switch (curve)
    {
    case LQ_FADE_LINEAR:
      return x;
    case LQ_FADE_EQUAL_POWER:
      return sin (x * G_PI / 2.0);
    case LQ_FADE_LOGARITHMIC:
      return (pow (r, 1.0 - x) - r) / (1.0 - r);
    case LQ_FADE_S_CURVE:
      return (1.0 - cos (x * G_PI)) / 2.0;
    default:
      g_assert_not_reached ();
    }
}

static const char *curve_names[] = { "linear", "equal-power", "logarithmic", "s-curve" };

/* Processes `frames` frames in blocks of pseudo-random sizes (1 .. max_block). */
static void
process_in_blocks (LqGain *g, float *buf, size_t frames, unsigned channels, size_t max_block,
                   guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);

  for (size_t done = 0; done < frames;)
    {
      size_t want = (size_t) g_rand_int_range (rand, 1, (gint32) max_block + 1);
      size_t n = MIN (frames - done, want);
      lq_gain_process (g, buf + done * channels, n);
      done += n;
    }
  g_rand_free (rand);
}

static void
fill (float *buf, size_t n, float v)
{
  for (size_t i = 0; i < n; i++)
    buf[i] = v;
}

static void
test_curve_closed_form (void)
{
  for (int c = 0; c < LQ_FADE_N_CURVES; c++)
    {
      double prev = -1.0;

      g_assert_cmpfloat (lq_fade_curve (c, 0.0), ==, 0.0);
      g_assert_cmpfloat (lq_fade_curve (c, 1.0), ==, 1.0);
      g_assert_cmpfloat (lq_fade_curve (c, -0.5), ==, 0.0);
      g_assert_cmpfloat (lq_fade_curve (c, 1.5), ==, 1.0);
      for (int i = 0; i <= 1000; i++)
        {
          double x = i / 1000.0;
          double v = lq_fade_curve (c, x);

          g_assert_cmpfloat_with_epsilon (v, expected_curve (c, x), 1e-14);
          g_assert_cmpfloat (v, >, prev); /* strictly rising */
          prev = v;
        }
    }

  /* The named properties of the shapes. */
  g_assert_cmpfloat_with_epsilon (lq_fade_curve (LQ_FADE_LINEAR, 0.5), 0.5, 1e-15);
  g_assert_cmpfloat_with_epsilon (lq_fade_curve (LQ_FADE_EQUAL_POWER, 0.5), sqrt (0.5), 1e-15);
  g_assert_cmpfloat_with_epsilon (lq_fade_curve (LQ_FADE_S_CURVE, 0.5), 0.5, 1e-15);
  /* Logarithmic: a straight line in dB from -60 dB (before the offset that pulls it to 0). */
  for (int i = 1; i <= 10; i++)
    {
      double x = i / 10.0, r = pow (10.0, -3.0);
      double v = lq_fade_curve (LQ_FADE_LOGARITHMIC, x) * (1.0 - r) + r;
      g_assert_cmpfloat_with_epsilon (20.0 * log10 (v), -60.0 * (1.0 - x), 1e-9);
    }
}

/* A constant input of 1.0 through each fade, cut into random blocks; every output sample is
 * the closed form at its stream position, and the fade starts and ends on the exact sample. */
static void
check_fade (LqFadeCurve curve, int fade_in, double rate, unsigned channels, int64_t start,
            int64_t length, size_t total, double *max_err)
{
  LqGain *g = lq_gain_new (channels, rate);
  g_autofree float *buf = g_new (float, total * channels);

  g_assert_nonnull (g);
  fill (buf, total * channels, 1.0f);
  if (fade_in)
    lq_gain_set_fade_in (g, start, length, curve);
  else
    lq_gain_set_fade_out (g, start, length, curve);
  process_in_blocks (g, buf, total, channels, 3000, (guint32) (curve * 7 + fade_in));
  g_assert_cmpint (lq_gain_get_position (g), ==, (gint64) total);

  for (size_t i = 0; i < total; i++)
    {
      double x = ((double) i - (double) start) / (double) length;
      double e = fade_in ? expected_curve (curve, x) : expected_curve (curve, 1.0 - x);

      for (unsigned c = 0; c < channels; c++)
        {
          double err = fabs (buf[i * channels + c] - e);
          if (err > *max_err)
            *max_err = err;
          if (err > 1.2e-7)
            g_error ("%s fade-%s at %zu: got %.9g, expected %.9g", curve_names[curve],
                     fade_in ? "in" : "out", i, buf[i * channels + c], e);
        }
    }

  /* Sample-exact edges. */
  if (fade_in)
    {
      g_assert_cmpfloat (buf[(start - 1) * channels], ==, 0.0f);
      g_assert_cmpfloat (buf[start * channels], ==, 0.0f);
      g_assert_cmpfloat (buf[(start + 1) * channels], >, 0.0f);
      if ((float) expected_curve (curve, (length - 1.0) / length) < 1.0f)
        g_assert_cmpfloat (buf[(start + length - 1) * channels], <, 1.0f);
      g_assert_cmpfloat (buf[(start + length) * channels], ==, 1.0f);
    }
  else
    {
      g_assert_cmpfloat (buf[(start - 1) * channels], ==, 1.0f);
      g_assert_cmpfloat (buf[start * channels], ==, 1.0f);
      if ((float) expected_curve (curve, 1.0 - 1.0 / length) < 1.0f)
        g_assert_cmpfloat (buf[(start + 1) * channels], <, 1.0f);
      g_assert_cmpfloat (buf[(start + length - 1) * channels], >, 0.0f);
      g_assert_cmpfloat (buf[(start + length) * channels], ==, 0.0f);
    }
  lq_gain_free (g);
}

static void
test_fade_shapes (void)
{
  double max_err = 0.0;

  for (int c = 0; c < LQ_FADE_N_CURVES; c++)
    {
      /* Short and odd lengths, mono and stereo, several rates. */
      check_fade (c, 1, 44100, 2, 1000, 4410 + 7, 8000, &max_err);
      check_fade (c, 0, 44100, 2, 1000, 4410 + 7, 8000, &max_err);
      check_fade (c, 1, 96000, 1, 3, 1, 10, &max_err);
      check_fade (c, 0, 96000, 1, 3, 2, 10, &max_err);
      check_fade (c, 1, 48000, 1, 12345, 100003, 120000, &max_err);
      check_fade (c, 0, 192000, 2, 777, 99991, 110000, &max_err);
    }
  g_test_message ("largest error against the closed form: %.3g", max_err);
}

static void
test_long_fade_precision (void)
{
  /* A 60 s fade-out at 44.1 kHz: the recurrences never drift from the closed form. */
  double max_err = 0.0;

  for (int c = 0; c < LQ_FADE_N_CURVES; c++)
    check_fade (c, 0, 44100, 1, 10, 44100 * 60, 44100 * 60 + 100, &max_err);
  g_test_message ("largest error over a 60 s fade: %.3g", max_err);
  g_assert_cmpfloat (max_err, <=, 6e-8); /* half a float ulp at 1.0: as exact as float gets */
}

static void
test_crossfade_sums (void)
{
  /* Equal power: in^2 + out^2 = 1; linear and S-curve: in + out = 1 (same window). */
  const size_t n = 20000;
  g_autofree float *a = g_new (float, n);
  g_autofree float *b = g_new (float, n);

  for (int c = 0; c < LQ_FADE_N_CURVES; c++)
    {
      LqGain *in = lq_gain_new (1, 48000), *out = lq_gain_new (1, 48000);

      if (c == LQ_FADE_LOGARITHMIC)
        {
          lq_gain_free (in);
          lq_gain_free (out);
          continue;
        }
      fill (a, n, 1.0f);
      fill (b, n, 1.0f);
      lq_gain_set_fade_in (in, 5000, 9600, c);
      lq_gain_set_fade_out (out, 5000, 9600, c);
      lq_gain_process (in, a, n);
      lq_gain_process (out, b, n);
      for (size_t i = 0; i < n; i++)
        {
          double sum = c == LQ_FADE_EQUAL_POWER ? (double) a[i] * a[i] + (double) b[i] * b[i]
                                                : (double) a[i] + b[i];
          g_assert_cmpfloat_with_epsilon (sum, 1.0, 2.5e-7);
        }
      lq_gain_free (in);
      lq_gain_free (out);
    }
}

static void
test_overlapping_fades_and_seek (void)
{
  /* A fade-in and a fade-out that overlap multiply; a jump of the position (a seek) lands in
   * the right place of both. */
  const size_t n = 30000;
  g_autofree float *buf = g_new (float, n);
  LqGain *g = lq_gain_new (1, 44100);

  lq_gain_set_fade_in (g, 0, 20000, LQ_FADE_S_CURVE);
  lq_gain_set_fade_out (g, 15000, 20000, LQ_FADE_LOGARITHMIC);

  for (int64_t seek = 0; seek < 40000; seek += 4999)
    {
      fill (buf, n, 0.5f);
      lq_gain_set_position (g, seek);
      lq_gain_process (g, buf, n);
      for (size_t i = 0; i < n; i++)
        {
          double p = (double) (seek + (int64_t) i);
          double e = 0.5 * expected_curve (LQ_FADE_S_CURVE, p / 20000.0) *
                     expected_curve (LQ_FADE_LOGARITHMIC, 1.0 - (p - 15000.0) / 20000.0);
          g_assert_cmpfloat_with_epsilon (buf[i], e, 6e-8);
          g_assert_cmpfloat_with_epsilon (lq_gain_envelope_at (g, (int64_t) p), e * 2.0, 1e-12);
        }
    }
  lq_gain_free (g);
}

static void
test_unity_bit_transparent (void)
{
  size_t frames = 44100 * 2;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  LqGain *g = lq_gain_new (2, 44100);

  lq_synth_demo_render (1, 44100, in, frames);
  memcpy (out, in, frames * 2 * sizeof (float));
  /* Fades scheduled outside the processed span do not touch it. */
  lq_gain_set_fade_in (g, -1000, 500, LQ_FADE_EQUAL_POWER);
  lq_gain_set_fade_out (g, (int64_t) frames, 500, LQ_FADE_EQUAL_POWER);
  lq_gain_set_gain_db (g, 0.0);
  process_in_blocks (g, out, frames, 2, 5000, 1);
  g_assert_cmpmem (in, frames * 2 * sizeof (float), out, frames * 2 * sizeof (float));
  lq_gain_free (g);
}

static void
test_gain_exact (void)
{
  size_t frames = 44100;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  const double dbs[] = { -12.0, -6.0, -0.1, 3.0, 12.0 };

  lq_synth_demo_render (0, 44100, in, frames);
  for (size_t k = 0; k < G_N_ELEMENTS (dbs); k++)
    {
      LqGain *g = lq_gain_new (2, 44100);
      double lin = pow (10.0, dbs[k] / 20.0);

      lq_gain_set_gain_db (g, dbs[k]);
      lq_gain_snap (g);
      memcpy (out, in, frames * 2 * sizeof (float));
      lq_gain_process (g, out, frames);
      for (size_t i = 0; i < frames * 2; i++)
        g_assert_cmpfloat (fabs (out[i] - in[i] * lin), <=, fabs (in[i] * lin) * 1.2e-7 + 1e-30);
      lq_gain_free (g);
    }
}

static void
test_gain_smoothing_no_click (void)
{
  /* A 1 kHz sine at -1 dBFS; the gain steps from 0 to -30 dB and back while playing. The
   * output never steps further between samples than the sine at full level does, and it
   * settles on the exact target within the documented 20 ms. */
  const double rate = 48000;
  size_t frames = 48000;
  g_autofree float *buf = g_new (float, frames);
  LqGain *g = lq_gain_new (1, rate);
  double max_step_in = 0.0, max_step_out = 0.0;
  double target = pow (10.0, -30.0 / 20.0);
  size_t t_settle = 12000 + (size_t) (0.020 * rate) + 1;

  lq_synth_sine (buf, frames, 1, rate, 1000.0, 0.89, 0.3);
  for (size_t i = 1; i < frames; i++)
    max_step_in = MAX (max_step_in, fabs (buf[i] - buf[i - 1]));
  lq_gain_process (g, buf, 12000);
  lq_gain_set_gain_db (g, -30.0);
  lq_gain_process (g, buf + 12000, 18000);
  lq_gain_set_gain_db (g, 0.0);
  lq_gain_process (g, buf + 30000, frames - 30000);

  for (size_t i = 1; i < frames; i++)
    max_step_out = MAX (max_step_out, fabs (buf[i] - buf[i - 1]));
  g_assert_cmpfloat (max_step_out, <=, max_step_in * 1.001);

  /* 20 ms after the step the gain is within 0.1 % of the step from its target. */
  for (size_t i = t_settle; i < 30000; i++)
    {
      double x = 0.89 * sin (2.0 * G_PI * 1000.0 * i / rate + 0.3);
      g_assert_cmpfloat (fabs (buf[i] - x * target), <=, 0.89 * (1.0 - target) * 0.001 + 1e-6);
    }
  /* Back at 0 dB: exact again once settled. */
  for (size_t i = 40000; i < frames; i++)
    {
      float x = (float) (0.89 * sin (2.0 * G_PI * 1000.0 * i / rate + 0.3));
      g_assert_cmpfloat_with_epsilon (buf[i], x, 2e-7);
    }
  lq_gain_free (g);
}

static void
test_minus_infinity_is_silence (void)
{
  size_t frames = 10000;
  g_autofree float *buf = g_new (float, frames * 2);
  LqGain *g = lq_gain_new (2, 44100);

  lq_synth_noise (buf, frames, 2, 0.9, 5);
  lq_gain_set_gain_db (g, -INFINITY);
  lq_gain_snap (g);
  lq_gain_process (g, buf, frames);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  lq_gain_free (g);
}

static void
test_non_finite_recovery (void)
{
  size_t frames = 6000;
  g_autofree float *buf = g_new (float, frames * 2);
  g_autofree float *ref = g_new (float, frames * 2);
  LqGain *g = lq_gain_new (2, 44100);

  lq_synth_noise (ref, frames, 2, 0.5, 9);
  memcpy (buf, ref, frames * 2 * sizeof (float));
  buf[100] = NAN;
  buf[2001] = INFINITY;
  buf[4000] = -INFINITY;
  lq_gain_set_gain_db (g, -6.0);
  lq_gain_snap (g);
  lq_gain_set_fade_out (g, 3000, 2000, LQ_FADE_EQUAL_POWER);
  lq_gain_process (g, buf, frames);
  for (size_t i = 0; i < frames * 2; i++)
    {
      size_t f = i / 2;
      double e = ref[i] * pow (10.0, -6.0 / 20.0)
                 * expected_curve (LQ_FADE_EQUAL_POWER, 1.0 - (f - 3000.0) / 2000.0);

      g_assert_true (isfinite (buf[i]));
      if (i == 100 || i == 2001 || i == 4000)
        g_assert_cmpfloat (buf[i], ==, 0.0f);
      else
        g_assert_cmpfloat_with_epsilon (buf[i], e, 1e-7);
    }
  lq_gain_free (g);
}

static void
test_silence (void)
{
  size_t frames = 50000;
  g_autofree float *buf = g_new0 (float, frames * 2);
  LqGain *g = lq_gain_new (2, 44100);

  lq_gain_set_gain_db (g, 6.0);
  lq_gain_set_fade_in (g, 100, 30000, LQ_FADE_LOGARITHMIC);
  lq_gain_process (g, buf, frames);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  lq_gain_free (g);
}

static void
test_bad_arguments (void)
{
  g_assert_null (lq_gain_new (0, 44100));
  g_assert_null (lq_gain_new (3, 44100));
  g_assert_null (lq_gain_new (2, 0));
  g_assert_null (lq_gain_new (2, NAN));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/gain/curve-closed-form", test_curve_closed_form);
  g_test_add_func ("/lq/gain/fade-shapes", test_fade_shapes);
  g_test_add_func ("/lq/gain/long-fade-precision", test_long_fade_precision);
  g_test_add_func ("/lq/gain/crossfade-sums", test_crossfade_sums);
  g_test_add_func ("/lq/gain/overlap-and-seek", test_overlapping_fades_and_seek);
  g_test_add_func ("/lq/gain/unity-bit-transparent", test_unity_bit_transparent);
  g_test_add_func ("/lq/gain/gain-exact", test_gain_exact);
  g_test_add_func ("/lq/gain/smoothing-no-click", test_gain_smoothing_no_click);
  g_test_add_func ("/lq/gain/minus-infinity", test_minus_infinity_is_silence);
  g_test_add_func ("/lq/gain/non-finite", test_non_finite_recovery);
  g_test_add_func ("/lq/gain/silence", test_silence);
  g_test_add_func ("/lq/gain/bad-arguments", test_bad_arguments);

  return g_test_run ();
}
