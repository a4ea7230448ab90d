/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TPDF dither and noise shaping against closed forms: the error power of TPDF (1/12 rounding +
 * 1/6 dither = 1/4 LSB^2), its independence from the signal, the noise transfer
 * |1 - sum h_k e^-jwk|^2 of each shape, and no truncation harmonics on a -90 dBFS sine (FFT with
 * FFTW in the test, against plain rounding as the control). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <fftw3.h>
#include <glib.h>

#include "lq-dither.h"
#include "lq-synth.h"

#define LSB16 (1.0 / 32768.0)

/* Welch power spectrum of `x` (n samples, mono): `nfft`-point Hann segments with 50 % overlap;
 * psd[k] for k = 0 .. nfft/2, in LSB^2 per bin (scaled so that white noise of variance v gives
 * v on every bin). */
static double *
welch (const double *x, size_t n, unsigned nfft)
{
  double *psd = g_new0 (double, nfft / 2 + 1);
  float *in = fftwf_alloc_real (nfft);
  fftwf_complex *out = fftwf_alloc_complex (nfft / 2 + 1);
  fftwf_plan plan = fftwf_plan_dft_r2c_1d ((int) nfft, in, out, FFTW_ESTIMATE);
  double wsum = 0.0;
  unsigned segments = 0;

  for (unsigned i = 0; i < nfft; i++)
    {
      double w = 0.5 - 0.5 * cos (2.0 * G_PI * i / nfft);
      wsum += w * w;
    }
  for (size_t start = 0; start + nfft <= n; start += nfft / 2)
    {
      for (unsigned i = 0; i < nfft; i++)
        in[i] = (float) (x[start + i] * (0.5 - 0.5 * cos (2.0 * G_PI * i / nfft)));
      fftwf_execute (plan);
      for (unsigned k = 0; k <= nfft / 2; k++)
        psd[k] += (double) out[k][0] * out[k][0] + (double) out[k][1] * out[k][1];
      segments++;
    }
  for (unsigned k = 0; k <= nfft / 2; k++)
    psd[k] /= segments * wsum;
  fftwf_destroy_plan (plan);
  fftwf_free (in);
  fftwf_free (out);
  return psd;
}

/* Mean of psd over the bins of [f0, f1) (fractions of the sample rate). */
static double
band (const double *psd, unsigned nfft, double f0, double f1)
{
  unsigned k0 = (unsigned) ceil (f0 * nfft), k1 = (unsigned) ceil (f1 * nfft);
  double sum = 0.0;

  k0 = MAX (k0, 1);
  k1 = MIN (k1, nfft / 2);
  for (unsigned k = k0; k < k1; k++)
    sum += psd[k];
  return sum / (k1 - k0);
}

/* |NTF(e^jw)|^2 for a shape, from its taps. */
static double
ntf_power (LqDitherShape shape, double f)
{
  double h[LQ_DITHER_MAX_TAPS];
  unsigned n = lq_dither_shape_taps (shape, h);
  double re = 1.0, im = 0.0;

  for (unsigned k = 0; k < n; k++)
    {
      re -= h[k] * cos (2.0 * G_PI * f * (k + 1));
      im += h[k] * sin (2.0 * G_PI * f * (k + 1));
    }
  return re * re + im * im;
}

/* Dithers `frames` mono samples of `in` to 16 bits and returns the error out - in in LSB. */
static double *
dither_error (LqDither *d, const float *in, size_t frames)
{
  g_autofree float *out = g_memdup2 (in, frames * sizeof (float));
  double *err = g_new (double, frames);

  lq_dither_process (d, out, frames);
  for (size_t i = 0; i < frames; i++)
    err[i] = ((double) out[i] - (double) in[i]) / LSB16;
  return err;
}

/* Music at -20 dB: the error has zero mean, 1/4 LSB^2 power (0.5 LSB RMS), never more than
 * 1.5 LSB; and for constant inputs at any fraction of an LSB the power is still 1/4 (TPDF makes
 * the noise independent of the signal; plain rounding would give 0 .. 1/4). */
static void
test_tpdf_power (void)
{
  const unsigned rate = 44100;
  const size_t frames = rate * 10;
  g_autofree float *stereo = g_new (float, frames * 2);
  g_autofree float *in = g_new (float, frames);
  g_autofree double *err = NULL;
  LqDither *d = lq_dither_new (rate, 1);
  double mean = 0.0, power = 0.0, worst = 0.0;

  lq_synth_demo_render (0, rate, stereo, frames);
  for (size_t i = 0; i < frames; i++)
    in[i] = stereo[2 * i] * 0.1f;
  lq_dither_set_mute_silence (d, 0);
  err = dither_error (d, in, frames);
  for (size_t i = 0; i < frames; i++)
    {
      mean += err[i];
      power += err[i] * err[i];
      worst = MAX (worst, fabs (err[i]));
    }
  mean /= frames;
  power /= frames;
  g_test_message ("music: error mean %.4f LSB, power %.4f LSB^2 (RMS %.4f), max %.3f", mean, power, sqrt (power), worst);
  g_assert_cmpfloat (fabs (mean), <, 0.005);
  g_assert_cmpfloat (fabs (power - 0.25), <, 0.005);
  g_assert_cmpfloat (worst, <=, 1.5);

  for (int q = 0; q < 8; q++)
    {
      const size_t n = 200000;
      g_autofree float *dc = g_new (float, n);
      g_autofree double *e = NULL;
      double p = 0.0, m = 0.0;

      for (size_t i = 0; i < n; i++)
        dc[i] = (float) ((1000.0 + q / 8.0) * LSB16);
      e = dither_error (d, dc, n);
      for (size_t i = 0; i < n; i++)
        {
          p += e[i] * e[i];
          m += e[i];
        }
      g_test_message ("constant at +%d/8 LSB: error mean %.4f, power %.4f", q, m / n, p / n);
      g_assert_cmpfloat (fabs (p / n - 0.25), <, 0.006);
      g_assert_cmpfloat (fabs (m / n), <, 0.006);
    }
  lq_dither_free (d);
}

/* Without shaping the error spectrum is flat: every eighth of the band within 0.3 dB of
 * 1/4 LSB^2. With shaping it follows |NTF|^2 / 4 within 0.5 dB, in bands of 1/20 of fs. */
static void
test_spectrum (void)
{
  const unsigned rate = 44100, nfft = 2048;
  const size_t frames = rate * 20;
  const LqDitherShape shapes[] = { LQ_DITHER_SHAPE_NONE, LQ_DITHER_SHAPE_FIRST_ORDER, LQ_DITHER_SHAPE_LIPSHITZ };
  g_autofree float *in = g_new (float, frames);

  lq_synth_noise (in, frames, 1, 0.25, 99); /* a busy signal, -12 dBFS */
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      LqDither *d = lq_dither_new (rate, 1);
      g_autofree double *err = NULL;
      g_autofree double *psd = NULL;

      lq_dither_set_shape (d, shapes[s]);
      err = dither_error (d, in, frames);
      psd = welch (err, frames, nfft);
      for (int b = 0; b < 10; b++)
        {
          double f0 = b * 0.05, f1 = f0 + 0.05;
          double measured = band (psd, nfft, f0, f1), expected;
          double ntf[2048 / 2 + 1];

          for (unsigned k = 0; k <= nfft / 2; k++)
            ntf[k] = 0.25 * ntf_power (shapes[s], (double) k / nfft);
          expected = band (ntf, nfft, f0, f1); /* over the same bins */
          g_test_message ("shape %u, %5.0f-%5.0f Hz: %.4f LSB^2 per bin, closed form %.4f (%+.2f dB)",
                          shapes[s], f0 * rate, f1 * rate, measured, expected,
                          10 * log10 (measured / expected));
          g_assert_cmpfloat (fabs (10 * log10 (measured / expected)), <, shapes[s] == LQ_DITHER_SHAPE_NONE ? 0.3 : 0.5);
        }
      if (shapes[s] == LQ_DITHER_SHAPE_LIPSHITZ)
        {
          /* The point of it: much less noise where hearing is most sensitive, more above 15 kHz. */
          g_assert_cmpfloat (10 * log10 (band (psd, nfft, 1000.0 / rate, 5000.0 / rate) / 0.25), <, -8.0);
          g_assert_cmpfloat (10 * log10 (band (psd, nfft, 16000.0 / rate, 22000.0 / rate) / 0.25), >, 10.0);
        }
      lq_dither_free (d);
    }
}

/* Power at the bins around harmonic h of the sine, relative to the median noise bin. */
static double
harmonic_over_floor (const double *psd, unsigned nfft, unsigned k0, unsigned h)
{
  g_autofree double *sorted = g_memdup2 (psd, (nfft / 2 + 1) * sizeof (double));
  double floor_, peak = 0.0;

  for (unsigned i = 1; i <= nfft / 2; i++)
    for (unsigned j = i; j > 1 && sorted[j - 1] > sorted[j]; j--)
      {
        double t = sorted[j];
        sorted[j] = sorted[j - 1];
        sorted[j - 1] = t;
      }
  floor_ = sorted[nfft / 4];
  for (unsigned k = h * k0 - 1; k <= h * k0 + 1; k++)
    peak = MAX (peak, psd[k]);
  return 10 * log10 (peak / floor_);
}

/* A -90 dBFS 1 kHz sine (about one LSB) reduced to 16 bits: with TPDF no harmonic 2..5 rises
 * above the noise floor; plain rounding (computed here, the control) makes strong ones. */
static void
test_no_harmonics (void)
{
  const unsigned rate = 44100, nfft = 8192;
  const unsigned k0 = 186; /* bin of 1001.3 Hz, so the harmonics fall on bins too */
  const size_t frames = (size_t) nfft * 24;
  const double freq = (double) k0 * rate / nfft;
  g_autofree float *in = g_new (float, frames);
  g_autofree float *out = NULL;
  g_autofree double *dith = g_new (double, frames);
  g_autofree double *round_ = g_new (double, frames);
  g_autofree double *psd_d = NULL;
  g_autofree double *psd_r = NULL;
  LqDither *d = lq_dither_new (rate, 1);

  lq_synth_sine (in, frames, 1, rate, freq, pow (10.0, -90.0 / 20.0), 0.3);
  out = g_memdup2 (in, frames * sizeof (float));
  lq_dither_process (d, out, frames);
  for (size_t i = 0; i < frames; i++)
    {
      dith[i] = out[i] / LSB16;
      round_[i] = (double) lrint (in[i] / LSB16);
    }
  psd_d = welch (dith, frames, nfft);
  psd_r = welch (round_, frames, nfft);
  for (unsigned h = 2; h <= 5; h++)
    {
      double over_d = harmonic_over_floor (psd_d, nfft, k0, h);
      double over_r = harmonic_over_floor (psd_r, nfft, k0, h);

      g_test_message ("harmonic %u: dithered %+.1f dB over the floor, rounded %+.1f dB", h, over_d, over_r);
      g_assert_cmpfloat (over_d, <, 6.0);
      if (h % 2 == 1)
        g_assert_cmpfloat (over_r, >, 20.0); /* the control: the method sees distortion */
    }
  /* The fundamental itself survives, well above the floor. */
  g_assert_cmpfloat (harmonic_over_floor (psd_d, nfft, k0, 1), >, 20.0);
  lq_dither_free (d);
}

/* The float output is exactly integer codes / 2^(bits-1); the integer outputs are the same
 * codes; 24-bit codes stay in range. */
static void
test_exact_codes (void)
{
  const unsigned rate = 48000;
  const size_t frames = rate;
  const unsigned bits[] = { 16, 24, 20 };
  g_autofree float *in = g_new (float, frames * 2);

  lq_synth_demo_render (3, rate, in, frames);
  for (guint b = 0; b < G_N_ELEMENTS (bits); b++)
    for (int s = 0; s < LQ_DITHER_N_SHAPES; s++)
      {
        const double scale = ldexp (1.0, (int) bits[b] - 1);
        LqDither *df = lq_dither_new (rate, 2), *di = lq_dither_new (rate, 2);
        g_autofree float *f = g_memdup2 (in, frames * 2 * sizeof (float));
        g_autofree int32_t *c32 = g_new (int32_t, frames * 2);
        g_autofree int16_t *c16 = g_new (int16_t, frames * 2);

        lq_dither_set_bits (df, bits[b]);
        lq_dither_set_bits (di, bits[b]);
        lq_dither_set_shape (df, (LqDitherShape) s);
        lq_dither_set_shape (di, (LqDitherShape) s);
        lq_dither_process (df, f, frames);
        lq_dither_process_s32 (di, in, c32, frames);
        for (size_t i = 0; i < frames * 2; i++)
          {
            double code = (double) f[i] * scale;

            g_assert_cmpfloat (code, ==, floor (code));
            g_assert_cmpfloat (code, >=, -scale);
            g_assert_cmpfloat (code, <=, scale - 1);
            g_assert_cmpint ((int32_t) code, ==, c32[i]);
            /* Within the dither's reach of the input (1.5 LSB, more with shaping). */
            g_assert_cmpfloat (fabs (code - in[i] * scale), <, s == LQ_DITHER_SHAPE_NONE ? 1.5 : 16.0);
          }
        if (bits[b] == 16)
          {
            lq_dither_reset (di);
            lq_dither_process_s16 (di, in, c16, frames);
            for (size_t i = 0; i < frames * 2; i++)
              g_assert_cmpint (c16[i], ==, c32[i]);
          }
        lq_dither_free (df);
        lq_dither_free (di);
      }
}

/* Full scale and beyond clamp to the extreme codes; nothing wraps around. */
static void
test_clamp (void)
{
  const float values[] = { 1.0f, -1.0f, 2.0f, -2.0f, 1e30f, -1e30f, 0.99999f, -0.99999f };
  const size_t reps = 1000;
  g_autofree float *in = g_new (float, G_N_ELEMENTS (values) * reps);
  g_autofree int16_t *out = g_new (int16_t, G_N_ELEMENTS (values) * reps);

  for (size_t r = 0; r < reps; r++)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      in[r * G_N_ELEMENTS (values) + v] = values[v];
  for (int s = 0; s < LQ_DITHER_N_SHAPES; s++)
    {
      LqDither *d = lq_dither_new (44100, 1);

      lq_dither_set_shape (d, (LqDitherShape) s);
      lq_dither_process_s16 (d, in, out, G_N_ELEMENTS (values) * reps);
      for (size_t i = 0; i < G_N_ELEMENTS (values) * reps; i++)
        {
          float x = in[i];
          /* Beyond full scale: the extreme code. At full scale the dither (and the shaper's
           * feedback) may step a few codes inward, but never across zero. */
          if (x > 1.0f)
            g_assert_cmpint (out[i], ==, 32767);
          else if (x < -1.0f)
            g_assert_cmpint (out[i], ==, -32768);
          else if (x > 0)
            g_assert_cmpint (out[i], >, 32000);
          else
            g_assert_cmpint (out[i], <, -32000);
        }
      lq_dither_free (d);
    }
}

/* Digital silence: exact zeros from the first sample, and again 10 ms after music stops; with
 * muting off, silence gives dither noise only (power 1/4 LSB^2). */
static void
test_silence (void)
{
  const unsigned rate = 44100;
  const size_t frames = rate;
  const size_t mute_after = (size_t) (LQ_DITHER_MUTE_MS * 0.001 * rate);
  g_autofree float *buf = g_new0 (float, frames * 2);
  LqDither *d = lq_dither_new (rate, 2);
  double power = 0.0;

  lq_dither_process (d, buf, frames);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);

  lq_synth_demo_render (0, rate, buf, frames / 2);
  memset (buf + frames, 0, frames * sizeof (float));
  lq_dither_process (d, buf, frames);
  for (size_t i = (frames / 2 + mute_after) * 2; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  /* Dither still runs during the first 10 ms of silence (no gating of quiet passages). */
  {
    size_t nonzero = 0;

    for (size_t i = frames / 2 * 2; i < (frames / 2 + mute_after - 1) * 2; i++)
      nonzero += buf[i] != 0.0f;
    g_assert_cmpuint (nonzero, >, 0);
  }

  lq_dither_set_mute_silence (d, 0);
  memset (buf, 0, frames * 2 * sizeof (float));
  lq_dither_process (d, buf, frames);
  power = 0.0;
  for (size_t i = 0; i < frames * 2; i++)
    power += (buf[i] / LSB16) * (buf[i] / LSB16);
  power /= frames * 2;
  g_test_message ("unmuted silence: %.4f LSB^2", power);
  g_assert_cmpfloat (fabs (power - 0.25), <, 0.01);
  lq_dither_free (d);
}

/* NaN and infinities count as silence and do not poison the error feedback. */
static void
test_non_finite (void)
{
  const unsigned rate = 44100;
  const size_t frames = rate;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *clean = NULL;
  LqDither *d = lq_dither_new (rate, 2);

  lq_synth_demo_render (1, rate, in, frames);
  clean = g_memdup2 (in, frames * 2 * sizeof (float));
  in[2000] = NAN;
  in[2001] = INFINITY;
  in[30001] = -INFINITY;
  clean[2000] = clean[2001] = clean[30001] = 0.0f;
  lq_dither_set_shape (d, LQ_DITHER_SHAPE_LIPSHITZ);
  lq_dither_process (d, in, frames);
  lq_dither_reset (d);
  lq_dither_process (d, clean, frames);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_true (isfinite (in[i]));
  g_assert_cmpmem (in, frames * 2 * sizeof (float), clean, frames * 2 * sizeof (float));
  lq_dither_free (d);
}

/* The same seed gives the same output, a different seed different noise, and reset restarts. */
static void
test_deterministic (void)
{
  const unsigned rate = 44100;
  const size_t frames = rate / 2;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *a = NULL, *b = NULL, *c = NULL, *e = NULL;
  LqDither *d1 = lq_dither_new (rate, 2), *d2 = lq_dither_new (rate, 2);

  lq_synth_demo_render (2, rate, in, frames);
  a = g_memdup2 (in, frames * 2 * sizeof (float));
  b = g_memdup2 (in, frames * 2 * sizeof (float));
  c = g_memdup2 (in, frames * 2 * sizeof (float));
  e = g_memdup2 (in, frames * 2 * sizeof (float));
  lq_dither_set_seed (d1, 42);
  lq_dither_set_seed (d2, 42);
  lq_dither_process (d1, a, frames);
  lq_dither_process (d2, b, frames);
  g_assert_cmpmem (a, frames * 2 * sizeof (float), b, frames * 2 * sizeof (float));
  lq_dither_reset (d1);
  lq_dither_process (d1, e, frames);
  g_assert_cmpmem (a, frames * 2 * sizeof (float), e, frames * 2 * sizeof (float));
  lq_dither_set_seed (d2, 43);
  lq_dither_process (d2, c, frames);
  g_assert_true (memcmp (a, c, frames * 2 * sizeof (float)) != 0);
  lq_dither_free (d1);
  lq_dither_free (d2);
}

/* Switching shape and word length while a sine plays: the error never exceeds what the
 * strongest shaper gives in steady state (no click), and returns to 0.5 LSB RMS when flat. */
static void
test_parameter_changes (void)
{
  const unsigned rate = 44100;
  const size_t block = 4410, blocks = 40;
  g_autofree float *in = g_new (float, block * blocks);
  g_autofree float *out = NULL;
  LqDither *d = lq_dither_new (rate, 1);
  double h[LQ_DITHER_MAX_TAPS], sum_h = 0.0, worst = 0.0, tail = 0.0;
  unsigned n = lq_dither_shape_taps (LQ_DITHER_SHAPE_LIPSHITZ, h);

  for (unsigned k = 0; k < n; k++)
    sum_h += fabs (h[k]);
  lq_synth_sine (in, block * blocks, 1, rate, 440.0, 0.5, 0.0);
  out = g_memdup2 (in, block * blocks * sizeof (float));
  for (size_t b = 0; b < blocks; b++)
    {
      /* Every block another shape and word length; the last four flat at 16 bits. */
      gboolean tail_block = b >= blocks - 4;

      lq_dither_set_shape (d, tail_block ? LQ_DITHER_SHAPE_NONE : (LqDitherShape) (b % LQ_DITHER_N_SHAPES));
      lq_dither_set_bits (d, !tail_block && b % 4 == 3 ? 24 : 16);
      lq_dither_process (d, out + b * block, block);
    }
  for (size_t i = 0; i < block * blocks; i++)
    worst = MAX (worst, fabs (out[i] - in[i]) / LSB16);
  for (size_t i = (blocks - 3) * block; i < blocks * block; i++)
    tail += ((out[i] - in[i]) / LSB16) * ((out[i] - in[i]) / LSB16);
  tail /= 3 * block;
  g_test_message ("largest error %.2f LSB (steady-state bound %.2f), flat tail power %.4f", worst,
                  (1.0 + sum_h) * 1.5, tail);
  g_assert_cmpfloat (worst, <=, (1.0 + sum_h) * 1.5);
  g_assert_cmpfloat (fabs (tail - 0.25), <, 0.02);
  lq_dither_free (d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/dither/tpdf-power", test_tpdf_power);
  g_test_add_func ("/lq/dither/spectrum", test_spectrum);
  g_test_add_func ("/lq/dither/no-harmonics", test_no_harmonics);
  g_test_add_func ("/lq/dither/exact-codes", test_exact_codes);
  g_test_add_func ("/lq/dither/clamp", test_clamp);
  g_test_add_func ("/lq/dither/silence", test_silence);
  g_test_add_func ("/lq/dither/non-finite", test_non_finite);
  g_test_add_func ("/lq/dither/deterministic", test_deterministic);
  g_test_add_func ("/lq/dither/parameter-changes", test_parameter_changes);

  return g_test_run ();
}
