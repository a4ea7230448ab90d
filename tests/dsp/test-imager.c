/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqImager, measured from outside: bit-exact transparency, mono at width 0, and the side and
 * mid responses (impulse + FFTW) against the closed form of in-phase Linkwitz-Riley bands. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <fftw3.h>
#include <glib.h>

#include "lq-imager.h"
#include "lq-synth.h"

#define RATE 48000.0
#define BLOCK 700

static double
db (double x)
{
  return 20.0 * log10 (x);
}

static double
lp4 (double f, double fc)
{
  return 1.0 / (1.0 + pow (tan (G_PI * f / RATE) / tan (G_PI * fc / RATE), 4));
}

static double
hp4 (double f, double fc)
{
  return 1.0 / (1.0 + pow (tan (G_PI * fc / RATE) / tan (G_PI * f / RATE), 4));
}

static void
run (LqImager *im, float *buf, size_t frames)
{
  for (size_t off = 0; off < frames; off += BLOCK)
    lq_imager_process (im, buf + off * 2, MIN (BLOCK, frames - off));
}

static void
test_identity_bit_exact (void)
{
  size_t frames = (size_t) (RATE * 2);
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *buf = g_new (float, frames * 2);
  LqImager *im = lq_imager_new (2, RATE, 3);

  lq_synth_demo_render (0, (unsigned) RATE, in, frames);
  memcpy (buf, in, frames * 2 * sizeof (float));
  run (im, buf, frames);
  g_assert_cmpmem (buf, frames * 2 * sizeof (float), in, frames * 2 * sizeof (float));

  /* Wider, then back to 1: once the 20 ms fade is over, bit-exact again. */
  lq_imager_set_width (im, 1, 1.5);
  memcpy (buf, in, frames * 2 * sizeof (float));
  run (im, buf, frames / 2);
  g_assert_true (memcmp (buf, in, frames * sizeof (float)) != 0);
  lq_imager_set_width (im, 1, 1.0);
  run (im, buf + frames, frames / 2);
  g_assert_cmpmem (buf + frames + 2 * 2400, (frames - 2 * 2400) * sizeof (float), in + frames + 2 * 2400,
                   (frames - 2 * 2400) * sizeof (float));
  lq_imager_free (im);
}

static void
test_width_zero_is_mono (void)
{
  size_t frames = (size_t) (RATE * 2);
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *buf = g_new (float, frames * 2);
  double e_mid = 0.0, e_out = 0.0;

  for (unsigned n = 1; n <= 3; n++)
    {
      LqImager *im = lq_imager_new (2, RATE, n);

      for (unsigned b = 0; b < 3; b++)
        lq_imager_set_width (im, b, 0.0);
      lq_imager_snap (im);
      lq_synth_demo_render (2, (unsigned) RATE, in, frames);
      memcpy (buf, in, frames * 2 * sizeof (float));
      run (im, buf, frames);
      e_mid = e_out = 0.0;
      for (size_t i = 0; i < frames; i++)
        {
          double m = 0.5 * (in[2 * i] + in[2 * i + 1]);
          g_assert_cmpfloat (buf[2 * i], ==, buf[2 * i + 1]);
          e_mid += m * m;
          e_out += (double) buf[2 * i] * buf[2 * i];
        }
      /* Mono: the mid signal, through an allpass (which keeps its energy, apart from what its
       * group delay holds back at the end of the excerpt; the exact mid response is checked in
       * /lq/imager/side-response). */
      g_test_message ("%u bands at width 0: L == R, energy %.4f dB from the mid's", n,
                      10.0 * log10 (e_out / e_mid));
      g_assert_cmpfloat (fabs (10.0 * log10 (e_out / e_mid)), <, 0.05);
      lq_imager_free (im);
    }
}

/* Impulse responses of the mid and side outputs for an impulse in L (M = S = 0.5 impulse). */
static void
responses (LqImager *im, size_t len, double *mid_mag, double *side_mag)
{
  float *buf = g_new0 (float, len * 2);
  float *re = fftwf_alloc_real (len);
  fftwf_complex *spec = fftwf_alloc_complex (len / 2 + 1);
  fftwf_plan plan = fftwf_plan_dft_r2c_1d ((int) len, re, spec, FFTW_ESTIMATE);

  buf[0] = 1.0f;
  run (im, buf, len);
  for (int pass = 0; pass < 2; pass++)
    {
      double *mag = pass ? side_mag : mid_mag;

      for (size_t i = 0; i < len; i++)
        re[i] = pass ? buf[2 * i] - buf[2 * i + 1] : buf[2 * i] + buf[2 * i + 1];
      fftwf_execute (plan);
      for (size_t k = 0; k <= len / 2; k++)
        mag[k] = hypot (spec[k][0], spec[k][1]);
    }
  fftwf_destroy_plan (plan);
  fftwf_free (spec);
  fftwf_free (re);
  g_free (buf);
}

static void
test_side_response (void)
{
  static const double xo[2] = { 250.0, 3000.0 }, width[3] = { 0.5, 1.0, 2.0 };
  size_t len = 32768;
  g_autofree double *mid = g_new (double, len / 2 + 1);
  g_autofree double *side = g_new (double, len / 2 + 1);

  for (int mono = 0; mono < 2; mono++)
    {
      LqImager *im = lq_imager_new (2, RATE, 3);
      double worst_mid = 0.0, worst_side = 0.0;

      for (unsigned b = 0; b < 3; b++)
        lq_imager_set_width (im, b, width[b]);
      lq_imager_set_crossover (im, 0, xo[0]);
      lq_imager_set_crossover (im, 1, xo[1]);
      lq_imager_set_mono_below (im, mono ? 80.0 : 0.0);
      lq_imager_snap (im);
      responses (im, len, mid, side);
      for (size_t k = 1; k < len / 2; k++)
        {
          double f = k * RATE / len;
          /* In-phase LR4 bands: the side's magnitude is the width-weighted sum of theirs. */
          double expect = width[0] * lp4 (f, xo[0]) + width[1] * hp4 (f, xo[0]) * lp4 (f, xo[1])
                          + width[2] * hp4 (f, xo[0]) * hp4 (f, xo[1]);

          if (mono)
            expect *= hp4 (f, 80.0);
          worst_mid = MAX (worst_mid, fabs (db (mid[k])));
          if (expect > 0.01)
            worst_side = MAX (worst_side, fabs (db (side[k] / expect)));
          else
            g_assert_cmpfloat (fabs (side[k] - expect), <, 1e-4);
        }
      g_test_message ("widths 0.5/1/2, mono-below %s: mid flat within %.2e dB, side within %.2e dB of the closed form",
                      mono ? "80 Hz" : "off", worst_mid, worst_side);
      g_assert_cmpfloat (worst_mid, <, 0.01);
      g_assert_cmpfloat (worst_side, <, 0.01);
      lq_imager_free (im);
    }
}

/* Amplitude of the f Hz component of x (n samples starting at stream frame `start`). */
static double
tone_amplitude (const double *x, size_t n, size_t start, double f)
{
  double c = 0.0, s = 0.0;

  for (size_t i = 0; i < n; i++)
    {
      c += x[i] * cos (2.0 * G_PI * f * (start + i) / RATE);
      s += x[i] * sin (2.0 * G_PI * f * (start + i) / RATE);
    }
  return 2.0 * hypot (c, s) / n;
}

static void
test_mono_below (void)
{
  size_t frames = (size_t) RATE, tail = 24000;
  g_autofree float *buf = g_new (float, frames * 2);
  g_autofree float *hi = g_new (float, frames * 2);
  g_autofree double *side = g_new (double, tail);
  g_autofree double *mid = g_new (double, tail);
  LqImager *im = lq_imager_new (2, RATE, 1);
  double s40, s4k, m40;

  /* Mid: a 40 Hz tone; side: the same 40 Hz tone and a 4 kHz tone (all at 0.25). */
  lq_synth_sine (buf, frames, 2, RATE, 40.0, 0.25, 0.0);
  lq_synth_sine (hi, frames, 2, RATE, 4000.0, 0.25, 0.0);
  for (size_t i = 0; i < frames; i++)
    {
      float lo = buf[2 * i], h = hi[2 * i];
      buf[2 * i] = lo + (lo + h);
      buf[2 * i + 1] = lo - (lo + h);
    }
  lq_imager_set_mono_below (im, 120.0);
  lq_imager_snap (im);
  run (im, buf, frames);
  for (size_t i = 0; i < tail; i++)
    {
      size_t j = frames - tail + i;
      side[i] = 0.5 * (buf[2 * j] - buf[2 * j + 1]);
      mid[i] = 0.5 * (buf[2 * j] + buf[2 * j + 1]);
    }
  s40 = tone_amplitude (side, tail, frames - tail, 40.0);
  s4k = tone_amplitude (side, tail, frames - tail, 4000.0);
  m40 = tone_amplitude (mid, tail, frames - tail, 40.0);
  g_test_message ("mono below 120 Hz: side at 40 Hz %.2f dB (closed form %.2f), at 4 kHz %.4f dB "
                  "(%.4f); mid at 40 Hz %.4f dB",
                  db (s40 / 0.25), db (hp4 (40.0, 120.0)), db (s4k / 0.25), db (hp4 (4000.0, 120.0)),
                  db (m40 / 0.25));
  /* The bass side goes (HP4 at 120 Hz: -38 dB at 40 Hz), the highs' side and the bass mid stay. */
  g_assert_cmpfloat (fabs (db (s40 / 0.25) - db (hp4 (40.0, 120.0))), <, 0.1);
  g_assert_cmpfloat (db (s40 / 0.25), <, -35.0);
  g_assert_cmpfloat (fabs (db (s4k / 0.25)), <, 0.01);
  g_assert_cmpfloat (fabs (db (m40 / 0.25)), <, 0.01);
  lq_imager_free (im);
}

static void
test_balance (void)
{
  size_t frames = 48000;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *buf = g_new (float, frames * 2);
  LqImager *im = lq_imager_new (2, RATE, 1);

  lq_synth_demo_render (3, (unsigned) RATE, in, frames);
  for (int side = 0; side < 2; side++)
    {
      memcpy (buf, in, frames * 2 * sizeof (float));
      lq_imager_set_balance (im, side ? -0.25 : 0.5);
      lq_imager_snap (im);
      run (im, buf, frames);
      for (size_t i = 0; i < frames; i++)
        {
          g_assert_cmpfloat_with_epsilon (buf[2 * i], in[2 * i] * (side ? 1.0 : 0.5), 1e-6);
          g_assert_cmpfloat_with_epsilon (buf[2 * i + 1], in[2 * i + 1] * (side ? 0.75 : 1.0), 1e-6);
        }
    }
  lq_imager_free (im);
}

static void
test_no_clicks (void)
{
  size_t frames = (size_t) (RATE * 4), block = 480;
  g_autofree float *buf = g_new (float, frames * 2);
  LqImager *im = lq_imager_new (2, RATE, 3);
  GRand *rand = g_rand_new_with_seed (11);
  double f = 300.0, worst = 0.0, peak = 0.0;

  /* L and R: the same 300 Hz tone, R at 0.3 and a quarter period late (mid and side). */
  lq_synth_sine (buf, frames, 2, RATE, f, 0.5, 0.0);
  for (size_t i = 0; i < frames; i++)
    buf[2 * i + 1] = (float) (0.15 * sin (2 * G_PI * f * i / RATE - G_PI / 2));
  for (size_t off = 0; off < frames; off += block)
    {
      /* Every 10 ms something jumps: widths, balance, crossovers, mono-below, band count. */
      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          lq_imager_set_width (im, g_rand_int_range (rand, 0, 3), g_rand_double_range (rand, 0, 2));
          break;
        case 1:
          lq_imager_set_balance (im, g_rand_double_range (rand, -1, 1));
          break;
        case 2:
          lq_imager_set_crossover (im, g_rand_int_range (rand, 0, 2), g_rand_double_range (rand, 100, 5000));
          break;
        case 3:
          lq_imager_set_mono_below (im, g_rand_boolean (rand) ? 0.0 : g_rand_double_range (rand, 50, 400));
          break;
        case 4:
          lq_imager_set_n_bands (im, g_rand_int_range (rand, 1, 4));
          break;
        default:
          for (unsigned b = 0; b < 3; b++)
            lq_imager_set_width (im, b, 1.0);
          lq_imager_set_balance (im, 0.0);
          lq_imager_set_mono_below (im, 0.0);
          break;
        }
      lq_imager_process (im, buf + off * 2, block);
    }
  for (size_t i = 1; i < frames; i++)
    for (unsigned c = 0; c < 2; c++)
      {
        worst = MAX (worst, fabsf (buf[i * 2 + c] - buf[(i - 1) * 2 + c]));
        peak = MAX (peak, fabsf (buf[i * 2 + c]));
      }
  /* No step larger than 1.5 times a clean 300 Hz sine's of the output's peak amplitude. */
  g_test_message ("largest step %.4f; a %.3f-peak 300 Hz sine's %.4f", worst, peak,
                  2 * peak * sin (G_PI * f / RATE));
  g_assert_cmpfloat (worst, <, 1.5 * 2 * peak * sin (G_PI * f / RATE));
  g_rand_free (rand);
  lq_imager_free (im);
}

static void
test_nonfinite_silence_mono (void)
{
  size_t frames = 48000;
  g_autofree float *buf = g_new0 (float, frames * 2);
  g_autofree float *copy = NULL;
  LqImager *im = lq_imager_new (2, RATE, 3);

  lq_imager_set_width (im, 2, 1.8);
  lq_imager_set_mono_below (im, 100.0);
  run (im, buf, frames);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  lq_synth_demo_render (1, (unsigned) RATE, buf, frames);
  buf[2] = NAN;
  buf[777] = INFINITY;
  run (im, buf, frames);
  for (int k = 0; k < 2; k++)
    {
      for (size_t i = 0; i < frames * 2; i++)
        {
          g_assert_true (isfinite (buf[i]));
          g_assert_cmpfloat (fabsf (buf[i]), <, 3.0f);
        }
      lq_synth_demo_render (1, (unsigned) RATE, buf, frames);
      run (im, buf, frames);
    }
  lq_imager_free (im);

  /* Mono passes through untouched. */
  im = lq_imager_new (1, RATE, 2);
  lq_imager_set_width (im, 0, 0.0);
  lq_imager_set_balance (im, 1.0);
  lq_synth_noise (buf, frames, 1, 0.5, 3);
  copy = g_memdup2 (buf, frames * sizeof (float));
  lq_imager_process (im, buf, frames);
  g_assert_cmpmem (buf, frames * sizeof (float), copy, frames * sizeof (float));
  lq_imager_free (im);

  g_assert_null (lq_imager_new (2, RATE, 0));
  g_assert_null (lq_imager_new (2, RATE, 4));
  g_assert_null (lq_imager_new (3, RATE, 2));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/imager/identity-bit-exact", test_identity_bit_exact);
  g_test_add_func ("/lq/imager/width-zero-is-mono", test_width_zero_is_mono);
  g_test_add_func ("/lq/imager/side-response", test_side_response);
  g_test_add_func ("/lq/imager/mono-below", test_mono_below);
  g_test_add_func ("/lq/imager/balance", test_balance);
  g_test_add_func ("/lq/imager/no-clicks", test_no_clicks);
  g_test_add_func ("/lq/imager/nonfinite-silence-mono", test_nonfinite_silence_mono);

  return g_test_run ();
}
