/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqCrossover, measured: impulse responses through FFTW against the closed-form magnitude of
 * the Linkwitz-Riley 4th-order bands (the bilinear-transformed Butterworth prototype). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <fftw3.h>
#include <glib.h>

#include "lq-crossover.h"
#include "lq-synth.h"

#define N_FFT 32768

static const double freqs[3] = { 120.0, 1000.0, 6000.0 };

/* |LP4| and |HP4| of a split at fc, at f (bilinear transform: W = tan (pi f / rate)). */
static double
lp4 (double f, double fc, double rate)
{
  double w = tan (G_PI * f / rate) / tan (G_PI * fc / rate);
  return 1.0 / (1.0 + pow (w, 4));
}

static double
hp4 (double f, double fc, double rate)
{
  double w = tan (G_PI * fc / rate) / tan (G_PI * f / rate);
  return 1.0 / (1.0 + pow (w, 4));
}

/* Band b of n: the tree's path to it, the HP4 of every split below it and the LP4 of the split
 * above it (the allpasses have magnitude 1). */
static double
band_closed_form (unsigned b, unsigned n, double f, double rate)
{
  double m = 1.0;

  for (unsigned i = 0; i < b; i++)
    m *= hp4 (f, freqs[i], rate);
  if (b < n - 1)
    m *= lp4 (f, freqs[b], rate);
  return m;
}

/* Impulse responses of all bands (channel `ch` of `channels`): ir[b] gets N_FFT samples. */
static void
impulse_responses (unsigned channels, double rate, unsigned n_bands, float **ir)
{
  LqCrossover *x = lq_crossover_new (channels, rate, n_bands);
  float *in = g_new0 (float, N_FFT * channels);
  float *bands[LQ_CROSSOVER_MAX_BANDS];

  g_assert_nonnull (x);
  for (unsigned i = 0; i < 3; i++)
    lq_crossover_set_frequency (x, i, freqs[i]);
  lq_crossover_snap (x);
  for (unsigned b = 0; b < n_bands; b++)
    bands[b] = g_new0 (float, N_FFT * channels);
  /* The impulse in the last channel, scaled, so a channel mix-up shows. */
  in[channels - 1] = 0.5f;
  /* Odd-sized blocks, to exercise the block boundaries. */
  for (size_t off = 0; off < N_FFT; off += 1000)
    {
      size_t n = MIN (1000, N_FFT - off);
      float *bp[LQ_CROSSOVER_MAX_BANDS];
      for (unsigned b = 0; b < n_bands; b++)
        bp[b] = bands[b] + off * channels;
      lq_crossover_process (x, in + off * channels, bp, n);
    }
  for (unsigned b = 0; b < n_bands; b++)
    {
      for (size_t i = 0; i < N_FFT; i++)
        {
          ir[b][i] = 2.0f * bands[b][i * channels + channels - 1];
          if (channels == 2)
            g_assert_cmpfloat (bands[b][i * channels], ==, 0.0f);
        }
      g_free (bands[b]);
    }
  g_free (in);
  lq_crossover_free (x);
}

/* Magnitude spectrum (N_FFT / 2 + 1 bins) of ir. */
static void
magnitude (const float *ir, double *mag)
{
  float *buf = fftwf_alloc_real (N_FFT);
  fftwf_complex *spec = fftwf_alloc_complex (N_FFT / 2 + 1);
  fftwf_plan plan = fftwf_plan_dft_r2c_1d (N_FFT, buf, spec, FFTW_ESTIMATE);

  memcpy (buf, ir, N_FFT * sizeof (float));
  fftwf_execute (plan);
  for (size_t k = 0; k <= N_FFT / 2; k++)
    mag[k] = hypot (spec[k][0], spec[k][1]);
  fftwf_destroy_plan (plan);
  fftwf_free (spec);
  fftwf_free (buf);
}

static void
test_sum_flat (void)
{
  static const double rates[] = { 44100.0, 48000.0, 96000.0 };
  double *mag = g_new (double, N_FFT / 2 + 1);

  for (unsigned ri = 0; ri < G_N_ELEMENTS (rates); ri++)
    for (unsigned n = 2; n <= 4; n++)
      for (unsigned channels = 1; channels <= 2; channels++)
        {
          float *ir[LQ_CROSSOVER_MAX_BANDS];
          g_autofree float *sum = g_new0 (float, N_FFT);
          double worst = 0.0;

          for (unsigned b = 0; b < n; b++)
            ir[b] = g_new (float, N_FFT);
          impulse_responses (channels, rates[ri], n, ir);
          for (unsigned b = 0; b < n; b++)
            {
              for (size_t i = 0; i < N_FFT; i++)
                sum[i] += ir[b][i];
              g_free (ir[b]);
            }
          /* The response has died out well inside the window. */
          for (size_t i = N_FFT - 1000; i < N_FFT; i++)
            g_assert_cmpfloat (fabsf (sum[i]), <, 1e-7f);
          magnitude (sum, mag);
          for (size_t k = 0; k <= N_FFT / 2; k++)
            worst = MAX (worst, fabs (20.0 * log10 (mag[k])));
          g_test_message ("%.0f Hz, %u bands, %u ch: sum error %.2e dB", rates[ri], n, channels,
                          worst);
          g_assert_cmpfloat (worst, <, 0.01);
        }
  g_free (mag);
}

static void
test_band_shapes (void)
{
  static const double rates[] = { 44100.0, 96000.0 };
  double *mag = g_new (double, N_FFT / 2 + 1);

  for (unsigned ri = 0; ri < G_N_ELEMENTS (rates); ri++)
    for (unsigned n = 2; n <= 4; n++)
      {
        double rate = rates[ri];
        float *ir[LQ_CROSSOVER_MAX_BANDS];

        for (unsigned b = 0; b < n; b++)
          ir[b] = g_new (float, N_FFT);
        impulse_responses (2, rate, n, ir);
        for (unsigned b = 0; b < n; b++)
          {
            double worst = 0.0;

            magnitude (ir[b], mag);
            for (size_t k = 1; k < N_FFT / 2; k++)
              {
                double f = k * rate / N_FFT;
                double expect = band_closed_form (b, n, f, rate);

                /* Relative (dB) where the band is within 40 dB of unity; below, absolute (the
                 * float32 impulse response's rounding noise floor is near -100 dB). */
                if (expect > 1e-2)
                  worst = MAX (worst, fabs (20.0 * log10 (mag[k] / expect)));
                else
                  g_assert_cmpfloat (fabs (mag[k] - expect), <, 1e-5);
              }
            g_test_message ("%.0f Hz, %u bands, band %u: worst %.2e dB vs closed form", rate, n,
                            b, worst);
            g_assert_cmpfloat (worst, <, 0.01);
            g_free (ir[b]);
          }
      }
  g_free (mag);
}

/* Extreme corners: a 25 Hz crossover at 192 kHz (coefficients near 1 in float), and crossovers
 * close to Nyquist at 44.1 kHz; the sum must stay flat and the low band match its closed form. */
static void
test_extreme_frequencies (void)
{
  static const struct { double rate, f[3]; } cases[] = {
    { 192000.0, { 25.0, 150.0, 20000.0 } },
    { 176400.0, { 10.0, 40.0, 80.0 } },
    { 44100.0, { 5000.0, 12000.0, 19000.0 } },
  };
  size_t len = 262144;
  float *buf = fftwf_alloc_real (len);
  fftwf_complex *spec = fftwf_alloc_complex (len / 2 + 1);
  fftwf_plan plan = fftwf_plan_dft_r2c_1d ((int) len, buf, spec, FFTW_ESTIMATE);
  float *bands[4];

  for (unsigned b = 0; b < 4; b++)
    bands[b] = g_new (float, len);
  for (unsigned k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      LqCrossover *x = lq_crossover_new (1, cases[k].rate, 4);
      double worst_sum = 0.0, worst_lo = 0.0;

      for (unsigned i = 0; i < 3; i++)
        lq_crossover_set_frequency (x, i, cases[k].f[i]);
      lq_crossover_snap (x);
      memset (buf, 0, len * sizeof (float));
      buf[0] = 1.0f;
      lq_crossover_process (x, buf, bands, len);
      for (int pass = 0; pass < 2; pass++)
        {
          for (size_t i = 0; i < len; i++)
            buf[i] = pass ? bands[0][i] : bands[0][i] + bands[1][i] + bands[2][i] + bands[3][i];
          fftwf_execute (plan);
          for (size_t j = 1; j <= len / 2; j++)
            {
              double f = j * cases[k].rate / len, m = hypot (spec[j][0], spec[j][1]);
              if (pass == 0)
                worst_sum = MAX (worst_sum, fabs (20.0 * log10 (m)));
              else
                {
                  double w = tan (G_PI * f / cases[k].rate) / tan (G_PI * cases[k].f[0] / cases[k].rate);
                  double expect = 1.0 / (1.0 + pow (w, 4));
                  if (expect > 1e-2)
                    worst_lo = MAX (worst_lo, fabs (20.0 * log10 (m / expect)));
                }
            }
        }
      g_test_message ("%.0f Hz, crossovers %.0f/%.0f/%.0f Hz: sum within %.2e dB, band 0 within %.2e dB",
                      cases[k].rate, cases[k].f[0], cases[k].f[1], cases[k].f[2], worst_sum, worst_lo);
      g_assert_cmpfloat (worst_sum, <, 0.01);
      g_assert_cmpfloat (worst_lo, <, 0.01);
      lq_crossover_free (x);
    }
  for (unsigned b = 0; b < 4; b++)
    g_free (bands[b]);
  fftwf_destroy_plan (plan);
  fftwf_free (spec);
  fftwf_free (buf);
}

static void
test_slopes (void)
{
  double rate = 48000.0;
  float *ir[2] = { g_new (float, N_FFT), g_new (float, N_FFT) };
  double *mag = g_new (double, N_FFT / 2 + 1);
  LqCrossover *x = lq_crossover_new (1, rate, 2);
  float *in = g_new0 (float, N_FFT);
  double fc = 750.0, bin = rate / N_FFT, lo_slope, hi_slope;

  /* A split at 750 Hz (a whole number of bins: 512) measured an octave apart far from it. */
  lq_crossover_set_frequency (x, 0, fc);
  lq_crossover_snap (x);
  in[0] = 1.0f;
  lq_crossover_process (x, in, ir, N_FFT);

  magnitude (ir[0], mag);
  /* Low band, 4 and 8 fc (3 and 6 kHz): 24 dB/oct, plus the bilinear warping (closed form). */
  lo_slope = 20.0 * log10 (mag[(size_t) (4 * fc / bin)] / mag[(size_t) (8 * fc / bin)]);
  magnitude (ir[1], mag);
  /* High band, fc/8 and fc/16 (94 and 47 Hz): warping is negligible there. */
  hi_slope = 20.0 * log10 (mag[(size_t) (fc / 8 / bin)] / mag[(size_t) (fc / 16 / bin)]);
  g_test_message ("LP4 slope %.2f dB/oct, HP4 slope %.2f dB/oct", lo_slope, hi_slope);
  g_assert_cmpfloat (fabs (hi_slope - 24.0), <, 0.3);
  g_assert_cmpfloat (fabs (lo_slope - 24.0), <, 1.5);
  g_assert_cmpfloat (fabs (lo_slope - 20.0 * log10 (lp4 (4 * fc, fc, rate) / lp4 (8 * fc, fc, rate))),
                     <, 0.05);
  /* At the crossover both bands are at -6.02 dB. */
  magnitude (ir[0], mag);
  g_assert_cmpfloat (fabs (20.0 * log10 (mag[(size_t) (fc / bin)]) + 6.0206), <, 0.01);

  lq_crossover_free (x);
  g_free (in);
  g_free (mag);
  g_free (ir[0]);
  g_free (ir[1]);
}

/* Max |y[i] - y[i-1]| over a stereo-interleaved channel. */
static double
max_step (const float *y, size_t frames, unsigned channels)
{
  double m = 0.0;

  for (size_t i = 1; i < frames; i++)
    for (unsigned c = 0; c < channels; c++)
      m = MAX (m, fabs (y[i * channels + c] - y[(i - 1) * channels + c]));
  return m;
}

/* Runs a 440 Hz sine through 3 bands while the crossovers jump every `period` frames between
 * the given pairs; returns the largest sample step of the band sum and of any band. */
static double
glide_run (size_t period, const double *f0, const double *f1, double *band_step)
{
  double rate = 48000.0;
  size_t frames = 48000, block = 480;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *sum = g_new0 (float, frames * 2);
  float *bands[3];
  LqCrossover *x = lq_crossover_new (2, rate, 3);
  double step;

  for (unsigned b = 0; b < 3; b++)
    bands[b] = g_new (float, frames * 2);
  lq_synth_sine (in, frames, 2, rate, 440.0, 0.5, 0.0);
  for (size_t off = 0; off < frames; off += block)
    {
      float *bp[3] = { bands[0] + off * 2, bands[1] + off * 2, bands[2] + off * 2 };

      lq_crossover_set_frequency (x, 0, f0[(off / period) % 2]);
      lq_crossover_set_frequency (x, 1, f1[(off / period / 3) % 2]);
      lq_crossover_process (x, in + off * 2, bp, block);
    }
  for (size_t i = 0; i < frames * 2; i++)
    sum[i] = bands[0][i] + bands[1][i] + bands[2][i];
  step = max_step (sum, frames, 2);
  *band_step = 0.0;
  for (unsigned b = 0; b < 3; b++)
    {
      *band_step = MAX (*band_step, max_step (bands[b], frames, 2));
      g_free (bands[b]);
    }
  lq_crossover_free (x);
  return step;
}

static void
test_glide_no_click (void)
{
  static const double oct0[] = { 200.0, 400.0 }, oct1[] = { 1000.0, 2000.0 };
  static const double wild0[] = { 100.0, 800.0 }, wild1[] = { 300.0, 5000.0 };
  double clean = 2.0 * 0.5 * sin (G_PI * 440.0 / 48000.0), step, band_step;

  /* A knob moved an octave every 100 ms: the sum stays a clean sine's steps. */
  step = glide_run (4800, oct0, oct1, &band_step);
  g_test_message ("octave jumps: max step %.4f (bands %.4f), a clean sine's %.4f", step,
                  band_step, clean);
  g_assert_cmpfloat (step, <, 1.2 * clean);
  g_assert_cmpfloat (band_step, <, 1.2 * clean);

  /* Three octaves every 10 ms: the glide modulates (a moving allpass), but never jumps. */
  step = glide_run (480, wild0, wild1, &band_step);
  g_test_message ("wild jumps: max step %.4f (bands %.4f)", step, band_step);
  g_assert_cmpfloat (step, <, 2.5 * clean);
  g_assert_cmpfloat (band_step, <, 2.5 * clean);
}

static void
test_nonfinite_and_silence (void)
{
  double rate = 44100.0;
  size_t frames = 4410;
  g_autofree float *in = g_new (float, frames * 2);
  float *bands[4];
  LqCrossover *x = lq_crossover_new (2, rate, 4);

  for (unsigned b = 0; b < 4; b++)
    bands[b] = g_new (float, frames * 2);

  /* Silence in, silence out (exactly). */
  memset (in, 0, frames * 2 * sizeof (float));
  lq_crossover_process (x, in, bands, frames);
  for (unsigned b = 0; b < 4; b++)
    for (size_t i = 0; i < frames * 2; i++)
      g_assert_cmpfloat (bands[b][i], ==, 0.0f);

  /* Noise with NaN and Inf in it, then noise: nothing non-finite, nothing huge, ever. */
  lq_synth_noise (in, frames, 2, 0.5, 7);
  in[100] = NAN;
  in[201] = INFINITY;
  in[300] = -INFINITY;
  lq_crossover_process (x, in, bands, frames);
  for (int round = 0; round < 3; round++)
    {
      for (unsigned b = 0; b < 4; b++)
        for (size_t i = 0; i < frames * 2; i++)
          {
            g_assert_true (isfinite (bands[b][i]));
            g_assert_cmpfloat (fabsf (bands[b][i]), <, 2.0f);
          }
      lq_synth_noise (in, frames, 2, 0.5, 8 + round);
      lq_crossover_process (x, in, bands, frames);
    }

  /* After the signal stops, the tails decay away (to -600 dB in 6 s), never into denormals
   * (100 times slower on x86). */
  memset (in, 0, frames * 2 * sizeof (float));
  for (int round = 0; round < 60; round++)
    lq_crossover_process (x, in, bands, frames);
  for (unsigned b = 0; b < 4; b++)
    {
      for (size_t i = 0; i < frames * 2; i++)
        g_assert_cmpint (fpclassify (bands[b][i]), !=, FP_SUBNORMAL);
      g_assert_cmpfloat (fabsf (bands[b][frames * 2 - 1]), <, 1e-30f);
      g_free (bands[b]);
    }
  lq_crossover_free (x);
}

static void
test_bad_arguments (void)
{
  LqCrossover *x;

  g_assert_null (lq_crossover_new (0, 48000, 2));
  g_assert_null (lq_crossover_new (3, 48000, 2));
  g_assert_null (lq_crossover_new (2, 1000, 2));
  g_assert_null (lq_crossover_new (2, 48000, 1));
  g_assert_null (lq_crossover_new (2, 48000, 5));
  x = lq_crossover_new (2, 48000, 3);
  g_assert_false (lq_crossover_set_n_bands (x, 5));
  g_assert_cmpuint (lq_crossover_get_n_bands (x), ==, 3);
  g_assert_true (lq_crossover_set_n_bands (x, 4));
  g_assert_cmpuint (lq_crossover_get_n_bands (x), ==, 4);
  lq_crossover_set_frequency (x, 0, 1.0);
  g_assert_cmpfloat (lq_crossover_get_frequency (x, 0), ==, LQ_CROSSOVER_MIN_HZ);
  lq_crossover_set_frequency (x, 2, 1e6);
  g_assert_cmpfloat_with_epsilon (lq_crossover_get_frequency (x, 2), 0.45 * 48000, 1e-6);
  lq_crossover_free (x);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/crossover/sum-flat", test_sum_flat);
  g_test_add_func ("/lq/crossover/band-shapes", test_band_shapes);
  g_test_add_func ("/lq/crossover/extreme-frequencies", test_extreme_frequencies);
  g_test_add_func ("/lq/crossover/slopes", test_slopes);
  g_test_add_func ("/lq/crossover/glide-no-click", test_glide_no_click);
  g_test_add_func ("/lq/crossover/nonfinite-and-silence", test_nonfinite_and_silence);
  g_test_add_func ("/lq/crossover/bad-arguments", test_bad_arguments);

  return g_test_run ();
}
