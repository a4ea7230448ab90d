/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The true-peak detector, both filters: EBU Tech 3341 cases 15-19; a direct double-precision
 * evaluation of each filter written here from its definition (the BS.1770 coefficient table,
 * the Kaiser-windowed sinc formula); closed-form sine peaks through each filter's frequency
 * response; libebur128 on music; block-size independence and non-finite input. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <ebur128.h>
#include <glib.h>

#include "lq-synth.h"
#include "lq-truepeak.h"

/* BS.1770-5 Annex 2 reference filter (../shared/reference/loudness.md): phases 0 and 1;
 * phase 3 is phase 0 reversed, phase 2 is phase 1 reversed. */
static const double ref_taps[2][12] = {
  { 0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
    0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250,
    0.0148925781250, -0.0083007812500 },
  { -0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
    0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625,
    0.0330810546875, -0.0189208984375 },
};

static const LqTruePeakFilter filters[] = { LQ_TRUEPEAK_FILTER_PRECISE, LQ_TRUEPEAK_FILTER_BS1770 };
static const char *const filter_names[] = { "precise", "bs1770" };

static double
bs1770_tap (int phase, int k)
{
  switch (phase)
    {
    case 0: return ref_taps[0][k];
    case 1: return ref_taps[1][k];
    case 2: return ref_taps[1][11 - k];
    default: return ref_taps[0][11 - k];
    }
}

static double
bessel_i0 (double x)
{
  double sum = 1.0, term = 1.0;

  for (int k = 1; k < 100; k++)
    {
      term *= (x / (2 * k)) * (x / (2 * k));
      sum += term;
    }
  return sum;
}

/* One phase of an interpolation filter: `n` taps, tap k applied to x[i - k]. */
typedef struct
{
  int n;
  double h[32];
} Phase;

/* The phases a filter evaluates at a rate (the sample itself is always a candidate too).
 * PRECISE: for the point t = i - 16 + f between x[i-16] and x[i-15], tap k weighs x[i-k] by
 * sinc (d) I0 (8 sqrt (1 - (d / 16.5)^2)), d = 16 - k - f, normalised to unity DC gain;
 * f = 1/4, 1/2, 3/4 below 88.2 kHz, only 1/2 below 176.4 kHz. BS1770: the table's 4 phases
 * below 176.4 kHz. */
static int
filter_phases (LqTruePeakFilter filter, unsigned rate, Phase out[4])
{
  int count = 0;

  if (filter == LQ_TRUEPEAK_FILTER_BS1770)
    {
      if (rate >= 176400)
        return 0;
      for (int p = 0; p < 4; p++, count++)
        {
          out[count].n = 12;
          for (int k = 0; k < 12; k++)
            out[count].h[k] = bs1770_tap (p, k);
        }
      return count;
    }

  for (int q = 1; q <= 3; q++)
    {
      double f = q / 4.0, norm = 0.0;

      if (rate >= 176400 || (rate >= 88200 && q != 2))
        continue;
      out[count].n = 32;
      for (int k = 0; k < 32; k++)
        {
          double d = 16 - k - f;
          double r = d / 16.5;

          out[count].h[k] = sin (G_PI * d) / (G_PI * d) * bessel_i0 (8.0 * sqrt (1.0 - r * r));
          norm += out[count].h[k];
        }
      for (int k = 0; k < 32; k++)
        out[count].h[k] /= norm;
      count++;
    }
  return count;
}

/* The straightforward evaluation, in double: every phase at every sample i in [from, to)
 * (the filter sees the whole signal before), plus the sample peak (a true peak is never below
 * it). Returns the linear peak of `channel`. */
static double
reference_range (const float *x, size_t from, size_t to, unsigned channels, unsigned channel,
                 LqTruePeakFilter filter, unsigned rate)
{
  Phase phases[4];
  int n_phases = filter_phases (filter, rate, phases);
  double peak = 0.0;

  for (size_t i = from; i < to; i++)
    {
      peak = MAX (peak, fabs (x[i * channels + channel]));
      for (int p = 0; p < n_phases; p++)
        {
          double y = 0.0;

          for (int k = 0; k < phases[p].n && (size_t) k <= i; k++)
            y += phases[p].h[k] * x[(i - k) * channels + channel];
          peak = MAX (peak, fabs (y));
        }
    }
  return peak;
}

static double
reference_true_peak (const float *x, size_t frames, unsigned channels, unsigned channel,
                     LqTruePeakFilter filter, unsigned rate)
{
  return reference_range (x, 0, frames, channels, channel, filter, rate);
}

static double
to_db (double x)
{
  return 20.0 * log10 (x);
}

/* Linear 10 ms fade-in and fade-out, as the EBU signals have. */
static void
fade (float *x, size_t frames, unsigned channels, unsigned rate)
{
  size_t len = rate / 100;

  for (size_t i = 0; i < len && i < frames; i++)
    for (unsigned c = 0; c < channels; c++)
      {
        float g = (float) i / (float) len;
        x[i * channels + c] *= g;
        x[(frames - 1 - i) * channels + c] *= g;
      }
}

static double
measure_tp_db (const float *x, size_t frames, unsigned channels, unsigned rate,
               LqTruePeakFilter filter)
{
  LqTruePeak *tp = lq_truepeak_new_full (channels, rate, filter);
  double peak = 0.0;

  g_assert_nonnull (tp);
  g_assert_cmpint (lq_truepeak_get_filter (tp), ==, filter);
  lq_truepeak_process (tp, x, frames);
  for (unsigned c = 0; c < channels; c++)
    peak = MAX (peak, lq_truepeak_get_true_peak (tp, c));
  lq_truepeak_free (tp);
  return to_db (peak);
}

typedef struct
{
  int number;
  double fraction;  /* frequency as a fraction of fs */
  double amplitude; /* linear peak of the sine */
  double phase_deg; /* start phase */
  double expected;  /* dBTP; tolerance +0.2 / -0.4 */
} EbuTpCase;

static const EbuTpCase ebu_tp_cases[] = {
  { 15, 1.0 / 4, 0.50, 0.0, -6.0 },
  { 16, 1.0 / 4, 0.50, 45.0, -6.0 },
  { 17, 1.0 / 6, 0.50, 60.0, -6.0 },
  { 18, 1.0 / 8, 0.50, 67.5, -6.0 },
  { 19, 1.0 / 4, 1.41, 45.0, 3.0 },
};

static void
test_ebu3341_true_peak (gconstpointer data)
{
  unsigned rate = GPOINTER_TO_UINT (data);

  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    for (guint i = 0; i < G_N_ELEMENTS (ebu_tp_cases); i++)
      {
        const EbuTpCase *tc = &ebu_tp_cases[i];
        size_t frames = rate; /* 1 s */
        g_autofree float *x = g_new (float, frames * 2);
        double db, sample_db = -INFINITY;

        lq_synth_sine (x, frames, 2, rate, tc->fraction * rate, tc->amplitude,
                       tc->phase_deg * G_PI / 180.0);
        fade (x, frames, 2, rate);
        for (size_t n = 0; n < frames * 2; n++)
          sample_db = MAX (sample_db, to_db (fabs (x[n])));
        db = measure_tp_db (x, frames, 2, rate, filters[f]);
        g_test_message ("%s, %u Hz, case %d: %.3f dBTP (sample peak %.3f dBFS), expected %.1f +0.2/-0.4",
                        filter_names[f], rate, tc->number, db, sample_db, tc->expected);
        g_assert_cmpfloat (db, <=, tc->expected + 0.2);
        g_assert_cmpfloat (db, >=, tc->expected - 0.4);
      }
}

/* Music and noise at every rate class: the fast detector equals the direct double-precision
 * evaluation of each filter (float rounding only). */
static void
test_matches_reference_filter (void)
{
  static const unsigned rates[] = { 44100, 48000, 96000, 192000 };

  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      {
        unsigned rate = rates[r];
        size_t frames = rate / 2 + 7; /* not a multiple of the vector or block size */
        g_autofree float *x = g_new (float, frames * 2);
        LqTruePeak *tp = lq_truepeak_new_full (2, rate, filters[f]);
        Phase phases[4];
        int n_phases = filter_phases (filters[f], rate, phases);

        g_assert_nonnull (tp);
        g_assert_cmpuint (lq_truepeak_get_oversampling (tp), ==,
                          filters[f] == LQ_TRUEPEAK_FILTER_BS1770 ? (n_phases ? 4 : 1) : n_phases + 1);
        lq_synth_demo_render (1, rate, x, frames);
        /* A burst of loud noise in the middle: lots of inter-sample overshoot. */
        lq_synth_noise (x + frames / 2 * 2, rate / 20, 2, 0.9, 7);
        lq_truepeak_process (tp, x, frames);
        for (unsigned c = 0; c < 2; c++)
          {
            double ref = reference_true_peak (x, frames, 2, c, filters[f], rate);
            double got = lq_truepeak_get_true_peak (tp, c);
            double sample = 0.0;

            for (size_t n = 0; n < frames; n++)
              sample = MAX (sample, fabs (x[2 * n + c]));
            g_test_message ("%s, %u Hz, ch %u: %.6f (reference %.6f, sample peak %.6f)",
                            filter_names[f], rate, c, got, ref, sample);
            g_assert_cmpfloat_with_epsilon (got, ref, 2e-6 * ref);
            g_assert_cmpfloat (lq_truepeak_get_sample_peak (tp, c), ==, sample);
            if (n_phases > 0)
              g_assert_cmpfloat (got, >, sample * 1.001); /* noise overshoots between samples */
            else
              g_assert_cmpfloat (got, ==, sample);
          }
        lq_truepeak_free (tp);
      }
}

/* |H(e^jw)| of a phase, w = 2 pi f / fs. */
static double
phase_gain (const Phase *phase, double f_over_fs)
{
  double re = 0.0, im = 0.0;

  for (int k = 0; k < phase->n; k++)
    {
      re += phase->h[k] * cos (2 * G_PI * f_over_fs * k);
      im -= phase->h[k] * sin (2 * G_PI * f_over_fs * k);
    }
  return hypot (re, im);
}

/* Steady sines (closed form): a phase turns a sine of amplitude A into one of amplitude
 * A |H_p|, and over many periods the samples themselves reach A, so the reading is
 * A max (1, |H_p|) over the phases used. The PRECISE filter is flat (within 0.01 dB) up to
 * 0.425 fs, so it reads the amplitude; the BS.1770 filter ripples up to +0.22 dB. */
static void
test_sine_amplitude (void)
{
  static const unsigned rates[] = { 44100, 48000, 96000 };
  GRand *rand = g_rand_new_with_seed (42);

  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      for (double freq = 50.0; freq < 0.42 * rates[r]; freq *= 1.37)
        {
          unsigned rate = rates[r];
          size_t frames = rate / 10;
          g_autofree float *x = g_new (float, frames);
          double amplitude = 0.7, phase = g_rand_double_range (rand, 0, 2 * G_PI);
          double db, expected = 1.0;
          Phase phases[4];
          int n_phases = filter_phases (filters[f], rate, phases);

          for (int p = 0; p < n_phases; p++)
            expected = MAX (expected, phase_gain (&phases[p], freq / rate));
          lq_synth_sine (x, frames, 1, rate, freq, amplitude, phase);
          fade (x, frames, 1, rate); /* no onset click: that would overshoot (Gibbs) */
          db = measure_tp_db (x, frames, 1, rate, filters[f]) - to_db (amplitude);
          g_test_message ("%s, %u Hz, sine %.0f Hz: %+.3f dB (filter response %+.3f dB)",
                          filter_names[f], rate, freq, db, to_db (expected));
          g_assert_cmpfloat (db, <=, to_db (expected) + 0.005);
          g_assert_cmpfloat (db, >=, to_db (expected) - 0.02);
          if (filters[f] == LQ_TRUEPEAK_FILTER_PRECISE)
            g_assert_cmpfloat (fabs (db), <, 0.02);
        }
  g_rand_free (rand);
}

/* libebur128 interpolates with its own, shorter filter: on ordinary music it agrees within
 * 0.2 dB; on the soft-clipped demo masters (drive > 0: content up to fs/2) it reads up to
 * 0.8 dB lower, as its filter droops near fs/2 (FFmpeg agrees with us there: see
 * tests/engine/test-analyzer.c). It never reads higher than ours by more than 0.05 dB, and
 * its sample peak is exactly ours. */
static void
test_matches_libebur128 (void)
{
  unsigned n = lq_synth_demo_n_tracks ();

  for (unsigned i = 0; i < n; i++)
    {
      size_t frames = lq_synth_demo_frames (i, 44100);
      g_autofree float *x = g_new (float, frames * 2);
      ebur128_state *st = ebur128_init (2, 44100, EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_SAMPLE_PEAK);
      LqTruePeak *tp = lq_truepeak_new (2, 44100);

      lq_synth_demo_render (i, 44100, x, frames);
      ebur128_add_frames_float (st, x, frames);
      lq_truepeak_process (tp, x, frames);
      for (unsigned c = 0; c < 2; c++)
        {
          double theirs, sp, ours = to_db (lq_truepeak_get_true_peak (tp, c));

          ebur128_true_peak (st, c, &theirs);
          ebur128_sample_peak (st, c, &sp);
          theirs = to_db (theirs);
          g_test_message ("track %u ch %u: ours %.3f dBTP, libebur128 %.3f dBTP", i + 1, c,
                          ours, theirs);
          g_assert_cmpfloat (ours, >, theirs - 0.05);
          if (lq_synth_demo_track_info (i)->drive == 0.0)
            g_assert_cmpfloat (fabs (ours - theirs), <, 0.2);
          g_assert_cmpfloat (lq_truepeak_get_sample_peak (tp, c), ==, sp);
        }
      ebur128_destroy (&st);
      lq_truepeak_free (tp);
    }
}

/* Any split into blocks, down to one frame at a time, gives the same peaks as one call. */
static void
test_block_sizes (void)
{
  static const size_t sizes[] = { 1, 3, 7, 8, 9, 31, 100, 2047, 2048, 2049, 5000 };
  size_t frames = 20000;
  g_autofree float *x = g_new (float, frames * 3);

  lq_synth_noise (x, frames, 3, 0.8, 3);
  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    {
      LqTruePeak *whole = lq_truepeak_new_full (3, 48000, filters[f]);
      float peak[3];

      lq_truepeak_process (whole, x, frames);
      for (unsigned c = 0; c < 3; c++)
        {
          peak[c] = lq_truepeak_get_true_peak (whole, c);
          g_assert_cmpfloat_with_epsilon (peak[c],
                                          reference_true_peak (x, frames, 3, c, filters[f], 48000),
                                          2e-6);
        }

      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          LqTruePeak *tp = lq_truepeak_new_full (3, 48000, filters[f]);

          for (size_t off = 0; off < frames; off += sizes[s])
            lq_truepeak_process (tp, x + off * 3, MIN (sizes[s], frames - off));
          for (unsigned c = 0; c < 3; c++)
            g_assert_cmpfloat (lq_truepeak_get_true_peak (tp, c), ==, peak[c]);
          lq_truepeak_free (tp);
        }
      lq_truepeak_free (whole);
    }
}

/* With reset_peaks() after every call, each call reports exactly the peaks of its own new
 * samples and interpolation points, whatever its size (1 frame included), and the points lag
 * the samples by the latency the detector reports. */
static void
test_per_call_peaks (void)
{
  size_t frames = 6000;
  g_autofree float *x = g_new0 (float, frames * 2);
  GRand *rand = g_rand_new_with_seed (5);

  lq_synth_noise (x, frames, 2, 0.7, 11);
  /* Silence with one lone click: its ringing shows exactly where the points lie. */
  for (size_t i = 3000; i < frames; i++)
    x[2 * i] = x[2 * i + 1] = 0.0f;
  x[2 * 4000] = 0.9f;
  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    {
      LqTruePeak *tp = lq_truepeak_new_full (2, 44100, filters[f]);
      unsigned latency = lq_truepeak_get_latency (tp);
      size_t off = 0;

      g_assert_cmpuint (latency, ==, filters[f] == LQ_TRUEPEAK_FILTER_PRECISE ? 16 : 6);
      while (off < frames)
        {
          /* MIN() evaluates its arguments twice: draw the random size once. */
          size_t r = (size_t) g_rand_int_range (rand, 1, 20);
          size_t n = MIN (frames - off, r);

          lq_truepeak_process (tp, x + 2 * off, n);
          for (unsigned c = 0; c < 2; c++)
            {
              double ref = reference_range (x, off, off + n, 2, c, filters[f], 44100);
              g_assert_cmpfloat_with_epsilon (lq_truepeak_get_true_peak (tp, c), ref, 2e-6 + 2e-6 * ref);
            }
          lq_truepeak_reset_peaks (tp);
          off += n;
        }

      /* The click at sample 4000 rings in the points of samples 4000 .. 4000 + 2L - 1 only. */
      lq_truepeak_reset (tp);
      lq_truepeak_process (tp, x, 4000);
      lq_truepeak_reset_peaks (tp);
      lq_truepeak_process (tp, x + 2 * 4000, 2 * latency);
      g_assert_cmpfloat (lq_truepeak_get_true_peak (tp, 0), >=, 0.9f);
      lq_truepeak_reset_peaks (tp);
      lq_truepeak_process (tp, x + 2 * (4000 + 2 * latency), 1);
      g_assert_cmpfloat (lq_truepeak_get_true_peak (tp, 0), ==, 0.0f);
      lq_truepeak_free (tp);
    }
  g_rand_free (rand);
}

/* NaN and infinities count as silence and are counted; the peaks stay those of the rest. */
static void
test_non_finite (void)
{
  size_t frames = 4800;
  g_autofree float *x = g_new (float, frames * 2);
  g_autofree float *clean = g_new (float, frames * 2);
  LqTruePeak *tp = lq_truepeak_new (2, 48000);

  lq_synth_sine (x, frames, 2, 48000, 997, 0.25, 0.3);
  x[1000] = NAN;
  x[2001] = INFINITY;
  x[3000] = -INFINITY;
  memcpy (clean, x, frames * 2 * sizeof (float));
  clean[1000] = clean[2001] = clean[3000] = 0.0f;

  lq_truepeak_process (tp, x, frames);
  g_assert_cmpuint (lq_truepeak_get_n_nonfinite (tp), ==, 3);
  for (unsigned c = 0; c < 2; c++)
    {
      double got = lq_truepeak_get_true_peak (tp, c);

      g_assert_true (isfinite (got));
      g_assert_cmpfloat_with_epsilon (got,
                                      reference_true_peak (clean, frames, 2, c,
                                                           LQ_TRUEPEAK_FILTER_PRECISE, 48000),
                                      1e-6);
      g_assert_cmpfloat (lq_truepeak_get_sample_peak (tp, c), <=, 0.25f);
    }

  /* reset_peaks keeps the history and the count, reset forgets everything. */
  lq_truepeak_reset_peaks (tp);
  g_assert_cmpfloat (lq_truepeak_get_true_peak (tp, 0), ==, 0.0f);
  g_assert_cmpuint (lq_truepeak_get_n_nonfinite (tp), ==, 3);
  lq_truepeak_reset (tp);
  g_assert_cmpuint (lq_truepeak_get_n_nonfinite (tp), ==, 0);
  lq_truepeak_free (tp);
}

static void
test_arguments (void)
{
  g_assert_null (lq_truepeak_new (0, 48000));
  g_assert_null (lq_truepeak_new (LQ_TRUEPEAK_MAX_CHANNELS + 1, 48000));
  g_assert_null (lq_truepeak_new (2, 0));
  g_assert_null (lq_truepeak_new_full (2, 48000, (LqTruePeakFilter) 7));
  lq_truepeak_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/lq/truepeak/ebu3341-48k", GUINT_TO_POINTER (48000), test_ebu3341_true_peak);
  g_test_add_data_func ("/lq/truepeak/ebu3341-44k1", GUINT_TO_POINTER (44100), test_ebu3341_true_peak);
  g_test_add_func ("/lq/truepeak/reference-filter", test_matches_reference_filter);
  g_test_add_func ("/lq/truepeak/sine-amplitude", test_sine_amplitude);
  g_test_add_func ("/lq/truepeak/libebur128", test_matches_libebur128);
  g_test_add_func ("/lq/truepeak/block-sizes", test_block_sizes);
  g_test_add_func ("/lq/truepeak/per-call-peaks", test_per_call_peaks);
  g_test_add_func ("/lq/truepeak/non-finite", test_non_finite);
  g_test_add_func ("/lq/truepeak/arguments", test_arguments);

  return g_test_run ();
}
