/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spectrum analyzer against closed forms: window spectra computed here from the window
 * definitions (Harris 1978), the band power of white noise, pink noise shaped in the
 * frequency domain with FFTW, and the exponential average and peak fall rates. */
#include "config.h"

#include <math.h>

#include <fftw3.h>
#include <glib.h>

#include "lq-spectrum.h"
#include "lq-synth.h"

#define N_POINTS 512
#define F_MIN 20.0
#define F_MAX 20000.0

/* The test's own copies of the window definitions (periodic). */
static double
window_sample (LqSpectrumWindow window, unsigned n, unsigned size)
{
  double x = 2.0 * G_PI * n / size;

  if (window == LQ_SPECTRUM_WINDOW_HANN)
    return 0.5 - 0.5 * cos (x);
  return 0.35875 - 0.48829 * cos (x) + 0.14128 * cos (2 * x) - 0.01168 * cos (3 * x);
}

/* |W(delta)| / W(0) in dB: the window's response to a sine `delta` bins away from a bin. */
static double
window_response_db (LqSpectrumWindow window, unsigned size, double delta)
{
  double re = 0.0, im = 0.0, sum = 0.0;

  for (unsigned n = 0; n < size; n++)
    {
      double w = window_sample (window, n, size);
      re += w * cos (2 * G_PI * delta * n / size);
      im -= w * sin (2 * G_PI * delta * n / size);
      sum += w;
    }
  return 20 * log10 (hypot (re, im) / sum);
}

static LqSpectrum *
make (double rate, unsigned channels, unsigned fft, LqSpectrumWindow window, double smoothing)
{
  LqSpectrum *s = lq_spectrum_new (rate, channels, N_POINTS, F_MIN, F_MAX);

  g_assert_nonnull (s);
  g_assert_cmpint (lq_spectrum_set_fft_size (s, fft), ==, 0);
  lq_spectrum_set_window (s, window);
  lq_spectrum_set_smoothing (s, smoothing);
  lq_spectrum_set_averaging (s, 0.0);
  return s;
}

/* Feeds `frames` frames in blocks of `block` frames. */
static void
feed (LqSpectrum *s, const float *audio, size_t frames, unsigned channels, size_t block)
{
  for (size_t i = 0; i < frames; i += block)
    lq_spectrum_process (s, audio ? audio + i * channels : NULL, MIN (block, frames - i));
}

static unsigned
argmax (const float *v, unsigned n)
{
  unsigned best = 0;

  for (unsigned i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

/* Half the spacing of the grid, as a frequency ratio. */
static double
half_step (void)
{
  return pow (F_MAX / F_MIN, 0.5 / (N_POINTS - 1));
}

static void
check_sine (double rate, unsigned fft, LqSpectrumWindow window, double bin, double amplitude,
            double expected_db, double tolerance_db)
{
  double freq = bin * rate / fft;
  size_t frames = 2 * fft + 777;
  g_autofree float *audio = g_new (float, frames);
  LqSpectrum *s = make (rate, 1, fft, window, 0.0);
  const float *levels, *freqs;
  unsigned best;

  lq_synth_sine (audio, frames, 1, rate, freq, amplitude, 0.3);
  feed (s, audio, frames, 1, 333);
  g_assert_cmpuint (lq_spectrum_get_n_frames (s), >, 0);
  levels = lq_spectrum_get_levels (s);
  freqs = lq_spectrum_get_frequencies (s);
  best = argmax (levels, N_POINTS);
  g_test_message ("%s N=%u %.0f Hz: %.4f Hz bin %.2f, peak %.4f dB at %.2f Hz (expected %.4f dB)",
                  window == LQ_SPECTRUM_WINDOW_HANN ? "hann" : "bh4", fft, rate, freq, bin,
                  levels[best], freqs[best], expected_db);
  g_assert_cmpfloat_with_epsilon (levels[best], expected_db, tolerance_db);
  /* The peak is at the grid point nearest the sine (within half a grid step, plus half a bin
   * where bins are wider than the grid cells). */
  g_assert_cmpfloat (fabs (log (freqs[best] / freq)),
                     <=, log (half_step ()) + log1p (0.5 / bin) + 1e-6);
  lq_spectrum_free (s);
}

static void
test_sine_bin_centred (void)
{
  const double rates[] = { 44100, 48000, 96000 };
  const unsigned sizes[] = { 1024, 8192, 32768 };

  for (unsigned r = 0; r < G_N_ELEMENTS (rates); r++)
    for (unsigned z = 0; z < G_N_ELEMENTS (sizes); z++)
      for (LqSpectrumWindow w = LQ_SPECTRUM_WINDOW_HANN; w <= LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS; w++)
        {
          /* A bin near 1 kHz and one near 5 kHz: a full-scale sine reads 0 dB, -6.02 dB at half. */
          double k1 = round (1000.0 * sizes[z] / rates[r]);
          double k5 = round (5000.0 * sizes[z] / rates[r]);
          check_sine (rates[r], sizes[z], w, k1, 1.0, 0.0, 0.1);
          check_sine (rates[r], sizes[z], w, k5, 0.5, 20 * log10 (0.5), 0.1);
        }
}

static void
test_sine_off_bin (void)
{
  for (LqSpectrumWindow w = LQ_SPECTRUM_WINDOW_HANN; w <= LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS; w++)
    for (unsigned fft = 1024; fft <= 16384; fft *= 4)
      {
        /* Half-way between bins: the worst case, the window's scalloping loss. */
        double k = round (1000.0 * fft / 48000.0) + 0.5;
        double scallop = window_response_db (w, fft, 0.5);

        g_test_message ("scalloping loss %s: %.4f dB", w == LQ_SPECTRUM_WINDOW_HANN ? "hann" : "bh4",
                        scallop);
        g_assert_cmpfloat (scallop, <, w == LQ_SPECTRUM_WINDOW_HANN ? -1.4 : -0.8);
        check_sine (48000, fft, w, k, 1.0, scallop, 0.02);
        /* A quarter bin off. */
        check_sine (48000, fft, w, k - 0.25, 1.0, window_response_db (w, fft, 0.25), 0.02);
      }
}

static void
test_sidelobes (void)
{
  const unsigned fft = 8192;
  const double rate = 48000;
  const size_t frames = 3 * fft;
  g_autofree float *audio = g_new (float, frames);

  for (LqSpectrumWindow w = LQ_SPECTRUM_WINDOW_HANN; w <= LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS; w++)
    {
      /* Off-bin, so that the bins sample the sidelobes rather than their zeros. */
      double bin = 170.37;
      double freq = bin * rate / fft;
      LqSpectrum *s = make (rate, 1, fft, w, 0.0);
      const float *levels, *freqs;
      double worst = -INFINITY;

      lq_synth_sine (audio, frames, 1, rate, freq, 1.0, 0.0);
      feed (s, audio, frames, 1, 4096);
      levels = lq_spectrum_get_levels (s);
      freqs = lq_spectrum_get_frequencies (s);
      for (unsigned i = 0; i < N_POINTS; i++)
        {
          /* Outside the main lobe (4 bins each side for the 4-term window) and its grid cell. */
          double bins_away = fabs (freqs[i] - freq) * fft / rate;
          if (bins_away > 4.0 + freqs[i] * (half_step () - 1.0) * fft / rate + 1.0)
            worst = MAX (worst, levels[i]);
        }
      g_test_message ("%s: highest level outside the main lobe %.1f dB",
                      w == LQ_SPECTRUM_WINDOW_HANN ? "hann" : "bh4", worst);
      if (w == LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS)
        g_assert_cmpfloat (worst, <, -90.0);
      else
        g_assert_cmpfloat (worst, >, -60.0); /* Hann leaks: the check above can fail */
      lq_spectrum_free (s);
    }
}

/* Expected smoothed level of white noise of variance `var` in the 1/n-octave band at f. */
static double
white_band_db (double var, double f, double n, double rate)
{
  double h = pow (2.0, 0.5 / n);

  return 10 * log10 (4 * var * f * (h - 1 / h) / rate);
}

static void
test_white_noise_band_levels (void)
{
  const double rate = 48000, a = 0.5;
  const size_t frames = 20 * 48000;
  g_autofree float *audio = g_new (float, frames);
  LqSpectrum *s = make (rate, 1, 16384, LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS, 3.0);
  const float *levels, *freqs;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, slope, worst = 0;
  unsigned n = 0;

  lq_spectrum_set_cumulative (s, 1);
  lq_synth_noise (audio, frames, 1, a, 1234);
  feed (s, audio, frames, 1, 4800);
  levels = lq_spectrum_get_levels (s);
  freqs = lq_spectrum_get_frequencies (s);
  for (unsigned i = 0; i < N_POINTS; i++)
    {
      double x, y, expected;

      if (freqs[i] < 100 || freqs[i] > 15000)
        continue;
      /* Uniform noise in [-a, a) has variance a^2 / 3. */
      expected = white_band_db (a * a / 3, freqs[i], 3.0, rate);
      worst = MAX (worst, fabs (levels[i] - expected));
      x = log2 (freqs[i]);
      y = levels[i];
      sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
    }
  slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  g_test_message ("white noise: %.3f dB/octave, worst error against the band power %.3f dB",
                  slope, worst);
  g_assert_cmpfloat_with_epsilon (slope, 10 * log10 (2.0), 0.1);
  g_assert_cmpfloat (worst, <, 0.5);
  lq_spectrum_free (s);
}

/* Pink noise: white noise shaped by 1/sqrt(f) in the frequency domain (power ~ 1/f), over a
 * whole periodic buffer of `n` samples, scaled to an RMS of `rms`. */
static float *
make_pink (size_t n, double rms, unsigned seed)
{
  float *x = fftwf_malloc (n * sizeof (float));
  fftwf_complex *X = fftwf_malloc ((n / 2 + 1) * sizeof (fftwf_complex));
  fftwf_plan fwd = fftwf_plan_dft_r2c_1d ((int) n, x, X, FFTW_ESTIMATE);
  fftwf_plan inv = fftwf_plan_dft_c2r_1d ((int) n, X, x, FFTW_ESTIMATE);
  double sum2 = 0;

  lq_synth_noise (x, n, 1, 1.0, seed);
  fftwf_execute (fwd);
  X[0][0] = X[0][1] = 0;
  for (size_t k = 1; k <= n / 2; k++)
    {
      float g = (float) (1.0 / sqrt ((double) k));
      X[k][0] *= g;
      X[k][1] *= g;
    }
  fftwf_execute (inv);
  for (size_t i = 0; i < n; i++)
    sum2 += (double) x[i] * x[i];
  for (size_t i = 0; i < n; i++)
    x[i] = (float) (x[i] * rms / sqrt (sum2 / n));
  fftwf_destroy_plan (fwd);
  fftwf_destroy_plan (inv);
  fftwf_free (X);
  return x;
}

static void
test_pink_noise_flat (void)
{
  const size_t n = 1 << 20; /* 21.8 s at 48 kHz */
  float *pink = make_pink (n, 0.1, 99);
  const double smoothing[] = { 3.0, 6.0, 1.0 };

  for (unsigned j = 0; j < G_N_ELEMENTS (smoothing); j++)
    {
      LqSpectrum *s = make (48000, 1, 16384, LQ_SPECTRUM_WINDOW_HANN, smoothing[j]);
      const float *levels, *freqs;
      double lo = INFINITY, hi = -INFINITY;

      lq_spectrum_set_overlap (s, 0.5);
      lq_spectrum_set_cumulative (s, 1);
      feed (s, pink, n, 1, 10000);
      levels = lq_spectrum_get_levels (s);
      freqs = lq_spectrum_get_frequencies (s);
      for (unsigned i = 0; i < N_POINTS; i++)
        if (freqs[i] >= 50 && freqs[i] <= 15000)
          {
            lo = MIN (lo, levels[i]);
            hi = MAX (hi, levels[i]);
          }
      g_test_message ("pink noise, 1/%g octave: %.2f .. %.2f dB over 50 Hz - 15 kHz", smoothing[j], lo, hi);
      g_assert_cmpfloat (hi - lo, <, 2.0); /* flat within +-1 dB */
      lq_spectrum_free (s);
    }

  /* Without smoothing the bins fall 3 dB per octave on pink noise (a power density). */
  {
    LqSpectrum *s = make (48000, 1, 16384, LQ_SPECTRUM_WINDOW_HANN, 0.0);
    const float *levels, *freqs;
    double at100 = 0, at6400 = 0;

    lq_spectrum_set_cumulative (s, 1);
    feed (s, pink, n, 1, 10000);
    levels = lq_spectrum_get_levels (s);
    freqs = lq_spectrum_get_frequencies (s);
    for (unsigned i = 0; i < N_POINTS; i++)
      {
        if (fabs (log2 (freqs[i] / 100)) < 0.01)
          at100 = levels[i];
        if (fabs (log2 (freqs[i] / 6400)) < 0.01)
          at6400 = levels[i];
      }
    g_test_message ("unsmoothed pink noise: %.2f dB at 100 Hz, %.2f dB at 6.4 kHz", at100, at6400);
    g_assert_cmpfloat (at100 - at6400, >, 6 * 3.01 - 3.0);
    lq_spectrum_free (s);
  }
  fftwf_free (pink);
}

static void
test_smoothed_sine_reads_its_level (void)
{
  /* A sine whose window lobe fits in the band reads its own level with smoothing on. */
  const size_t frames = 3 * 8192;
  g_autofree float *audio = g_new (float, frames);

  for (LqSpectrumWindow w = LQ_SPECTRUM_WINDOW_HANN; w <= LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS; w++)
    {
      LqSpectrum *s = make (48000, 1, 8192, w, 3.0);
      const float *levels;
      unsigned best;

      lq_synth_sine (audio, frames, 1, 48000, 997.0, 0.5, 0.0);
      feed (s, audio, frames, 1, 1000);
      levels = lq_spectrum_get_levels (s);
      best = argmax (levels, N_POINTS);
      g_test_message ("1/3-octave sine at -6.02 dB reads %.3f dB", levels[best]);
      g_assert_cmpfloat_with_epsilon (levels[best], 20 * log10 (0.5), 0.1);
      lq_spectrum_free (s);
    }
}

static void
test_stereo_power_average (void)
{
  const size_t frames = 3 * 4096;
  g_autofree float *audio = g_new (float, 2 * frames);
  LqSpectrum *s = make (48000, 2, 4096, LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS, 0.0);
  double bin = 85.0, freq = bin * 48000 / 4096;
  const float *levels;

  /* Anti-phase channels do not cancel: each is a full-scale sine, 0 dB. */
  lq_synth_sine (audio, frames, 2, 48000, freq, 1.0, 0.0);
  for (size_t i = 0; i < frames; i++)
    audio[2 * i + 1] = -audio[2 * i];
  feed (s, audio, frames, 2, 512);
  levels = lq_spectrum_get_levels (s);
  g_assert_cmpfloat_with_epsilon (levels[argmax (levels, N_POINTS)], 0.0, 0.05);

  /* One silent channel: the power average is half, -3.01 dB. */
  for (size_t i = 0; i < frames; i++)
    audio[2 * i + 1] = 0.0f;
  lq_spectrum_reset (s);
  feed (s, audio, frames, 2, 512);
  levels = lq_spectrum_get_levels (s);
  g_assert_cmpfloat_with_epsilon (levels[argmax (levels, N_POINTS)], -10 * log10 (2.0), 0.05);
  lq_spectrum_free (s);
}

/* The levels and peaks are read after each feed (they are converted to dB when read). */
#define LEVEL(i) (lq_spectrum_get_levels (s)[i])
#define PEAK(i) (lq_spectrum_get_peaks (s)[i])

static void
test_averaging_and_peak_hold (void)
{
  const double rate = 48000, tau_ms = 200, hold_ms = 500, decay = 20;
  const unsigned fft = 4096;
  const size_t frames = 48 * fft / 4; /* a whole number of hops */
  g_autofree float *audio = g_new (float, frames);
  LqSpectrum *s = make (rate, 1, fft, LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS, 0.0);
  unsigned hop, best, held = 0;
  double level, peak, expected_step;

  lq_spectrum_set_averaging (s, tau_ms);
  lq_spectrum_set_peak_hold (s, hold_ms, decay);
  hop = lq_spectrum_get_hop (s);
  g_assert_cmpuint (hop, ==, fft / 4); /* 75 % overlap by default */

  lq_synth_sine (audio, frames, 1, rate, 1000.0, 1.0, 0.0);
  feed (s, audio, frames, 1, hop);
  best = argmax (lq_spectrum_get_levels (s), N_POINTS);
  g_assert_cmpfloat (LEVEL (best), >, -1.5);

  /* Silence: once the window holds no more of the sine, the average falls by
   * 10 log10 (e) hop / (tau rate) dB per frame. */
  feed (s, NULL, fft, 1, hop);
  level = LEVEL (best);
  feed (s, NULL, 10 * hop, 1, hop);
  expected_step = 10 * log10 (exp (1.0)) * hop / (tau_ms * 0.001 * rate);
  g_test_message ("average fell %.4f dB in 10 frames, expected %.4f dB", level - LEVEL (best),
                  10 * expected_step);
  g_assert_cmpfloat_with_epsilon (level - LEVEL (best), 10 * expected_step, 0.01);

  /* Peak hold, without averaging so that the level drops at once. */
  lq_spectrum_set_averaging (s, 0.0);
  lq_spectrum_reset (s);
  feed (s, audio, frames, 1, hop);
  peak = PEAK (best);
  g_assert_cmpfloat (peak, >=, LEVEL (best));
  g_assert_cmpfloat (peak, <, LEVEL (best) + 0.01);
  feed (s, NULL, fft, 1, hop); /* the sine leaves the window */
  g_assert_cmpfloat (LEVEL (best), <, peak - 100);
  for (unsigned f = 0; f < 200 && PEAK (best) == peak; f++, held++)
    feed (s, NULL, hop, 1, hop);
  /* Held for hold_ms since the last frame at the peak (give or take the window's length). */
  g_test_message ("peak held %.3f s after the window emptied", held * hop / rate);
  g_assert_cmpfloat ((held + fft / hop) * hop / rate, >=, hold_ms * 0.001);
  g_assert_cmpfloat (held * hop / rate, <=, hold_ms * 0.001 + hop / rate);
  /* Then it falls at decay dB/s. */
  peak = PEAK (best);
  feed (s, NULL, 10 * hop, 1, hop);
  g_assert_cmpfloat_with_epsilon (peak - PEAK (best), 10 * decay * hop / rate, 1e-3);
  lq_spectrum_free (s);
}

static void
test_non_finite_input (void)
{
  const unsigned fft = 2048;
  const size_t frames = 6 * fft;
  g_autofree float *clean = g_new (float, frames);
  g_autofree float *dirty = g_new (float, frames);
  LqSpectrum *a = make (48000, 1, fft, LQ_SPECTRUM_WINDOW_HANN, 0.0);
  LqSpectrum *b = make (48000, 1, fft, LQ_SPECTRUM_WINDOW_HANN, 0.0);

  lq_synth_sine (clean, frames, 1, 48000, 440.0, 0.5, 0.0);
  memcpy (dirty, clean, frames * sizeof (float));
  dirty[fft] = NAN;
  dirty[fft + 10] = INFINITY;
  for (unsigned i = 0; i < 8; i++)
    dirty[2 * fft + i] = 3e38f; /* finite, but a float FFT of them would overflow */
  feed (a, clean, frames, 1, 1000);
  /* While the huge samples are in the window, the levels are huge but finite. */
  feed (b, dirty, 2 * fft + 8 + 512, 1, 1000);
  for (unsigned i = 0; i < N_POINTS; i++)
    g_assert_true (isfinite (lq_spectrum_get_levels (b)[i]));
  g_assert_cmpfloat (lq_spectrum_get_levels (b)[N_POINTS / 2], >, 100.0);
  feed (b, dirty + 2 * fft + 8 + 512, frames - (2 * fft + 8 + 512), 1, 1000);
  /* Once the bad samples have left the window, the levels are those of the clean input. */
  for (unsigned i = 0; i < N_POINTS; i++)
    {
      g_assert_true (isfinite (lq_spectrum_get_levels (b)[i]));
      g_assert_cmpfloat (lq_spectrum_get_levels (b)[i], ==, lq_spectrum_get_levels (a)[i]);
    }
  lq_spectrum_free (a);
  lq_spectrum_free (b);
}

static void
test_settings (void)
{
  LqSpectrum *s = lq_spectrum_new (48000, 2, 64, 20, 20000);
  const size_t frames = 60000;
  g_autofree float *audio = g_new (float, 2 * frames);
  size_t done = 40000;

  g_assert_null (lq_spectrum_new (48000, 3, 64, 20, 20000));
  g_assert_null (lq_spectrum_new (48000, 1, 64, 20, 30000));
  g_assert_null (lq_spectrum_new (48000, 1, 1, 20, 20000));
  g_assert_cmpint (lq_spectrum_set_fft_size (s, 3000), ==, -1);
  g_assert_cmpint (lq_spectrum_set_fft_size (s, 512), ==, -1);
  g_assert_cmpint (lq_spectrum_set_fft_size (s, 65536), ==, -1);
  g_assert_cmpuint (lq_spectrum_get_fft_size (s), ==, 8192);
  g_assert_cmpfloat_with_epsilon (lq_spectrum_get_frequencies (s)[0], 20, 1e-3);
  g_assert_cmpfloat_with_epsilon (lq_spectrum_get_frequencies (s)[63], 20000, 1e-2);
  g_assert_cmpfloat (lq_spectrum_get_levels (s)[10], ==, LQ_SPECTRUM_FLOOR_DB);

  /* Changing the FFT size while running keeps the history: the next frame is valid. */
  lq_synth_sine (audio, frames, 2, 48000, 1000.0, 1.0, 0.0);
  lq_spectrum_process (s, audio, done);
  for (unsigned size = 1024; size <= 32768; size *= 2)
    {
      const float *levels;
      unsigned hop;

      g_assert_cmpint (lq_spectrum_set_fft_size (s, size), ==, 0);
      g_assert_cmpuint (lq_spectrum_get_n_frames (s), ==, 0);
      hop = lq_spectrum_get_hop (s);
      g_assert_cmpuint (hop, ==, size / 4);
      g_assert_cmpuint (done + hop, <=, frames);
      lq_spectrum_process (s, audio + 2 * done, hop);
      done += hop;
      g_assert_cmpuint (lq_spectrum_get_n_frames (s), ==, 1);
      levels = lq_spectrum_get_levels (s);
      g_assert_cmpfloat (levels[argmax (levels, 64)], >, -1.5); /* at most the scalloping loss */
    }
  lq_spectrum_set_overlap (s, 0.0);
  g_assert_cmpuint (lq_spectrum_get_hop (s), ==, 32768);
  lq_spectrum_set_overlap (s, 2.0);
  g_assert_cmpuint (lq_spectrum_get_hop (s), ==, (unsigned) lround (32768 * (1 - LQ_SPECTRUM_MAX_OVERLAP)));
  lq_spectrum_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/spectrum/sine-bin-centred", test_sine_bin_centred);
  g_test_add_func ("/lq/spectrum/sine-off-bin", test_sine_off_bin);
  g_test_add_func ("/lq/spectrum/sidelobes", test_sidelobes);
  g_test_add_func ("/lq/spectrum/white-noise-band-levels", test_white_noise_band_levels);
  g_test_add_func ("/lq/spectrum/pink-noise-flat", test_pink_noise_flat);
  g_test_add_func ("/lq/spectrum/smoothed-sine", test_smoothed_sine_reads_its_level);
  g_test_add_func ("/lq/spectrum/stereo-power-average", test_stereo_power_average);
  g_test_add_func ("/lq/spectrum/averaging-and-peak-hold", test_averaging_and_peak_hold);
  g_test_add_func ("/lq/spectrum/non-finite", test_non_finite_input);
  g_test_add_func ("/lq/spectrum/settings", test_settings);

  return g_test_run ();
}
