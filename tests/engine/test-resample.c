/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quality of the resampling that puts sources at the album's rate (LqDecoder with a
 * target rate): passband ripple from sines measured by least-squares fit, and the rejection of
 * tones above the new Nyquist frequency (which would alias). The figures are printed (run
 * with --verbose) and recorded in docs/PERFORMANCE.md. */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-decoder.h"
#include "lq-wav.h"

typedef struct
{
  char *dir;
} Fixture;

/* Amplitude of the @freq component of @x (mono view of stereo frames, left channel), by a
 * least-squares fit of a sine and a cosine over the frames. */
static double
fit_amplitude (const float *x, gsize frames, double rate, double freq)
{
  double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0, det, a, b;

  for (gsize i = 0; i < frames; i++)
    {
      double w = 2 * G_PI * freq * i / rate, s = sin (w), c = cos (w);
      ss += s * s;
      sc += s * c;
      cc += c * c;
      xs += x[2 * i] * s;
      xc += x[2 * i] * c;
    }
  det = ss * cc - sc * sc;
  a = (xs * cc - xc * sc) / det;
  b = (xc * ss - xs * sc) / det;
  return sqrt (a * a + b * b);
}

/* Writes a 2 s stereo sine at @in_rate, decodes it at @out_rate; returns the frames (the
 * middle second, away from the edges) and their count. */
static float *
resample_sine (const char *dir, guint in_rate, guint out_rate, double freq, double amp, gsize *n_out)
{
  guint frames = in_rate * 2;
  g_autofree float *audio = g_new (float, frames * 2);
  g_autofree char *path = g_build_filename (dir, "sine.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(LqDecoder) decoder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *out = g_new (float, (gsize) out_rate * 3 * 2);
  gsize got = 0;
  gssize n;
  float *middle;

  for (guint i = 0; i < frames; i++)
    audio[2 * i] = audio[2 * i + 1] = (float) (amp * sin (2 * G_PI * freq * i / in_rate));
  g_assert_true (lq_wav_write_file (file, audio, frames, 2, in_rate, LQ_WAV_FLOAT32, NULL, &error));
  decoder = lq_decoder_new (file, out_rate, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lq_decoder_get_rate (decoder), ==, out_rate);
  while ((n = lq_decoder_read (decoder, out + got * 2, (gsize) out_rate * 3 - got, &error)) > 0)
    got += n;
  g_assert_no_error (error);
  g_assert_cmpuint (got, >=, out_rate * 2 - out_rate / 100);
  g_unlink (path);

  *n_out = out_rate;
  middle = g_new (float, (gsize) out_rate * 2);
  memcpy (middle, out + (gsize) (out_rate / 2) * 2, (gsize) out_rate * 2 * sizeof (float));
  return middle;
}

static void
check_passband (const char *dir, guint in_rate, guint out_rate, double top, double limit_db)
{
  static const double freqs[] = { 50, 100, 1000, 5000, 10000, 15000, 18000, 19000, 20000 };
  double worst = 0.0;

  for (guint i = 0; i < G_N_ELEMENTS (freqs) && freqs[i] <= top; i++)
    {
      gsize n;
      g_autofree float *y = resample_sine (dir, in_rate, out_rate, freqs[i], 0.5, &n);
      double db = 20 * log10 (fit_amplitude (y, n, out_rate, freqs[i]) / 0.5);

      worst = MAX (worst, fabs (db));
      g_test_message ("%u -> %u Hz: %.0f Hz at %+.4f dB", in_rate, out_rate, freqs[i], db);
    }
  g_test_message ("%u -> %u Hz: passband ripple up to %.0f Hz: %.4f dB", in_rate, out_rate, top, worst);
  g_assert_cmpfloat (worst, <, limit_db);
}

static void
check_rejection (const char *dir, guint in_rate, guint out_rate, double freq, double limit_db)
{
  gsize n;
  g_autofree float *y = resample_sine (dir, in_rate, out_rate, freq, 0.5, &n);
  double sum = 0.0, db;

  for (gsize i = 0; i < n; i++)
    sum += (double) y[2 * i] * y[2 * i];
  /* Everything left is alias (or leakage): its RMS against the input sine's RMS. */
  db = 10 * log10 (sum / n / (0.5 * 0.5 / 2) + 1e-30);
  g_test_message ("%u -> %u Hz: a %.0f Hz tone comes out at %.1f dB", in_rate, out_rate, freq, db);
  g_assert_cmpfloat (db, <, limit_db);
}

static void
test_passband (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-resample-XXXXXX", NULL);

  check_passband (dir, 48000, 44100, 20000, 0.01);
  check_passband (dir, 96000, 44100, 20000, 0.01);
  check_passband (dir, 44100, 48000, 20000, 0.01);
  check_passband (dir, 88200, 44100, 20000, 0.01);
  g_rmdir (dir);
}

static void
test_alias_rejection (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-resample-XXXXXX", NULL);

  /* Above the new Nyquist frequency (22.05 kHz): would alias to 44.1 k - f. */
  check_rejection (dir, 96000, 44100, 30000, -110.0);
  check_rejection (dir, 96000, 44100, 24000, -110.0);
  check_rejection (dir, 48000, 44100, 23500, -110.0);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/resample/passband", test_passband);
  g_test_add_func ("/lq/resample/alias-rejection", test_alias_rejection);

  return g_test_run ();
}
