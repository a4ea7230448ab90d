/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The EQ kernel, measured: impulse responses are transformed with FFTW here and compared with
 * the analogue prototypes (written out in this file), with the kernel's own design, and with
 * each other (linear phase against minimum phase).
 */
#include "config.h"

#include <complex.h> /* before fftw3.h: fftwf_complex is then float complex */
#include <fftw3.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "lq-eq.h"
#include "lq-synth.h"

/* A six-band mastering EQ touching every band type. */
typedef struct
{
  LqBiquadType type;
  double freq, gain, q;
  unsigned slope;
} BandSpec;

static const BandSpec six_bands[] = {
  { LQ_BIQUAD_HIGH_PASS, 30.0, 0.0, 0.7071, 24 },
  { LQ_BIQUAD_LOW_SHELF, 120.0, 3.0, 0.7071, 12 },
  { LQ_BIQUAD_BELL, 800.0, -4.0, 1.5, 12 },
  { LQ_BIQUAD_BELL, 3000.0, 2.5, 2.0, 12 },
  { LQ_BIQUAD_HIGH_SHELF, 10000.0, 4.0, 0.7071, 12 },
  { LQ_BIQUAD_LOW_PASS, 19000.0, 0.0, 0.7071, 12 },
};

static void
setup_bands (LqEq *eq, const BandSpec *spec, unsigned n, LqEqChannels channels)
{
  lq_eq_set_num_bands (eq, n);
  for (unsigned i = 0; i < n; i++)
    {
      LqEqBand b;

      lq_eq_band_init (&b);
      b.type = spec[i].type;
      b.freq = spec[i].freq;
      b.gain_db = spec[i].gain;
      b.q = spec[i].q;
      b.slope = spec[i].slope;
      b.channels = channels;
      lq_eq_set_band (eq, i, &b);
    }
}

/* The analogue prototype of one band (see lq-biquad.h). */
static double complex
prototype (const BandSpec *b, double f)
{
  double complex s = I * f / b->freq, h = 1.0;
  double a = pow (10.0, b->gain / 40.0), sa = sqrt (a);
  unsigned n = b->slope / 6;

  switch (b->type)
    {
    case LQ_BIQUAD_BELL:
      return (s * s + s * a / b->q + 1.0) / (s * s + s / (a * b->q) + 1.0);
    case LQ_BIQUAD_LOW_SHELF:
      return a * (s * s + s * sa / b->q + a) / (a * s * s + s * sa / b->q + 1.0);
    case LQ_BIQUAD_HIGH_SHELF:
      return a * (a * s * s + s * sa / b->q + 1.0) / (s * s + s * sa / b->q + a);
    default:
      for (unsigned k = 1; k <= n / 2; k++)
        {
          double qk = 1.0 / (2.0 * cos ((2.0 * k - 1.0) * G_PI / (2.0 * n))) * (k == n / 2 ? b->q / sqrt (0.5) : 1.0);
          h *= (b->type == LQ_BIQUAD_HIGH_PASS ? s * s : 1.0) / (s * s + s / qk + 1.0);
        }
      return h;
    }
}

/* FFT of one channel of an interleaved buffer (n frames, a power of two). */
static fftwf_complex *
spectrum (const float *data, size_t n, unsigned nch, unsigned ch)
{
  float *in = fftwf_malloc (n * sizeof (float));
  fftwf_complex *out = fftwf_malloc ((n / 2 + 1) * sizeof (fftwf_complex));
  fftwf_plan plan = fftwf_plan_dft_r2c_1d ((int) n, in, out, FFTW_ESTIMATE);

  for (size_t i = 0; i < n; i++)
    in[i] = data[i * nch + ch];
  fftwf_execute (plan);
  fftwf_destroy_plan (plan);
  fftwf_free (in);
  return out;
}

static float *
impulse_response (LqEq *eq, size_t n, unsigned nch)
{
  float *buf = g_new0 (float, n * nch);

  for (unsigned c = 0; c < nch; c++)
    buf[c] = 1.0f;
  lq_eq_process (eq, buf, n);
  return buf;
}

/* Measured minimum-phase response = the design (exactly, up to float rounding) and = the
 * analogue prototypes (within the lq-biquad tolerances), at 44.1, 48 and 96 kHz. */
static void
test_measured_response (void)
{
  const double rates[] = { 44100.0, 48000.0, 96000.0 };
  enum { N = 65536 };

  for (unsigned r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      double rate = rates[r], worst_design = 0.0, worst_proto = 0.0, worst_phase = 0.0;
      LqEq *eq = lq_eq_new (rate, 2);
      g_autofree float *ir = NULL;
      fftwf_complex *spec;

      setup_bands (eq, six_bands, G_N_ELEMENTS (six_bands), LQ_EQ_STEREO);
      lq_eq_reset (eq);
      ir = impulse_response (eq, N, 2);
      /* Both channels are the same. */
      for (size_t i = 0; i < N; i++)
        g_assert_cmpfloat (ir[2 * i], ==, ir[2 * i + 1]);
      spec = spectrum (ir, N, 2, 0);
      for (int i = 0; i < 200; i++)
        {
          double f = 20.0 * pow (1000.0, i / 199.0);
          size_t k = (size_t) lround (f * N / rate);
          double fk = k * rate / N, re, im;
          double complex m = spec[k], proto = 1.0;

          lq_eq_response (eq, 0, fk, &re, &im);
          worst_design = MAX (worst_design, cabs (m - (re + I * im)) / cabs (re + I * im));
          /* The low pass's lead (0.7 samples) is left out of the phase comparison. */
          for (unsigned b = 0; b < G_N_ELEMENTS (six_bands); b++)
            proto *= prototype (&six_bands[b], fk);
          if (fk <= rate / 8.0)
            {
              double lead = 0.7 * 2.0 * G_PI * fk / rate;
              worst_proto = MAX (worst_proto, fabs (20.0 * log10 (cabs (m) / cabs (proto))));
              if (20.0 * log10 (cabs (proto)) > -20.0)
                worst_phase = MAX (worst_phase, fabs (carg (m / proto * cexp (-I * lead))) * 180.0 / G_PI);
            }
        }
      g_test_message ("%.0f Hz: measured vs design %.2g (relative), vs prototype %.4f dB and "
                      "%.3f deg below rate/8",
                      rate, worst_design, worst_proto, worst_phase);
      g_assert_cmpfloat (worst_design, <, 1e-4);
      /* The 19 kHz low pass and 10 kHz shelf are near Nyquist at 44.1 kHz: see test-biquad. */
      g_assert_cmpfloat (worst_proto, <, 0.1);
      g_assert_cmpfloat (worst_phase, <, 15.0);
      fftwf_free (spec);
      lq_eq_free (eq);
    }
}

/* Linear phase: a symmetric impulse response centred on the latency (constant group delay),
 * with the minimum-phase magnitude within 0.1 dB from 20 Hz to 20 kHz. */
static void
check_linear_phase (double rate, unsigned nch)
{
  LqEq *eq = lq_eq_new (rate, nch);
  size_t D, N;
  g_autofree float *ir = NULL;
  fftwf_complex *spec;
  double peak = 0.0, asym = 0.0, worst = 0.0, worst_f = 0.0, worst_gd = 0.0;

  setup_bands (eq, six_bands, G_N_ELEMENTS (six_bands), LQ_EQ_STEREO);
  g_assert_true (lq_eq_set_linear_phase (eq, 1));
  lq_eq_reset (eq);
  D = lq_eq_get_latency (eq);
  g_assert_cmpuint (D, ==, lq_eq_linear_phase_latency (rate));
  N = 1;
  while (N < 4 * D)
    N <<= 1;
  ir = impulse_response (eq, N, nch);
  for (size_t i = 0; i < N; i++)
    peak = MAX (peak, fabs (ir[i * nch]));
  g_assert_cmpfloat (fabs (ir[D * nch]), ==, peak);
  for (size_t k = 1; k <= D; k++)
    asym = MAX (asym, fabs (ir[(D + k) * nch] - ir[(D - k) * nch]));
  for (size_t i = 2 * D + 1; i < N; i++)
    g_assert_cmpfloat (fabs (ir[i * nch]), <, 1e-6);

  spec = spectrum (ir, N, nch, 0);
  for (size_t k = 1; k < N / 2; k++)
    {
      double f = k * rate / N, re, im, design;
      double complex aligned = spec[k] * cexp (I * 2.0 * G_PI * k * D / N);

      if (f < 20.0 || f > 20000.0)
        continue;
      lq_eq_response (eq, 0, f, &re, &im);
      design = 20.0 * log10 (hypot (re, im));
      if (design < -40.0)
        continue; /* the high pass's stop band */
      if (fabs (20.0 * log10 (cabs (spec[k])) - design) > worst)
        {
          worst = fabs (20.0 * log10 (cabs (spec[k])) - design);
          worst_f = f;
        }
      /* Phase after removing D frames of delay: zero (a real, positive response). */
      worst_gd = MAX (worst_gd, fabs (carg (aligned)));
    }
  g_test_message ("%.0f Hz, %u ch: latency %zu, asymmetry %.2g of a peak %.3f, magnitude within "
                  "%.4f dB of minimum phase (worst at %.1f Hz), residual phase %.2g rad",
                  rate, nch, D, asym, peak, worst, worst_f, worst_gd);
  g_assert_cmpfloat (asym, <, 1e-6 * peak);
  g_assert_cmpfloat (worst, <, 0.1);
  g_assert_cmpfloat (worst_gd, <, 1e-3);
  fftwf_free (spec);
  lq_eq_free (eq);
}

static void
test_linear_phase (void)
{
  check_linear_phase (44100.0, 2);
  check_linear_phase (48000.0, 1);
  check_linear_phase (96000.0, 2);
}

/* A mid band leaves L - R alone, a side band leaves L + R alone; the filtered component
 * follows the design. */
static void
test_mid_side (void)
{
  enum { N = 16384 };
  static const BandSpec bell = { LQ_BIQUAD_BELL, 1000.0, 9.0, 1.0, 12 };

  for (LqEqChannels ch = LQ_EQ_MID; ch <= LQ_EQ_SIDE; ch++)
    {
      LqEq *eq = lq_eq_new (48000.0, 2);
      g_autofree float *in = g_new (float, 2 * N);
      g_autofree float *out = g_new (float, 2 * N);
      g_autofree float *comp = g_new0 (float, 2 * N);
      double worst = 0.0, scale = 0.0;
      fftwf_complex *spec;

      setup_bands (eq, &bell, 1, ch);
      lq_synth_noise (in, N, 2, 0.5, 7);
      memcpy (out, in, sizeof (float) * 2 * N);
      lq_eq_process (eq, out, N);
      for (size_t i = 0; i < N; i++)
        {
          /* The untouched component. */
          double keep_in = ch == LQ_EQ_MID ? in[2 * i] - in[2 * i + 1] : in[2 * i] + in[2 * i + 1];
          double keep_out = ch == LQ_EQ_MID ? out[2 * i] - out[2 * i + 1] : out[2 * i] + out[2 * i + 1];
          worst = MAX (worst, fabs (keep_out - keep_in));
          scale = MAX (scale, fabs (keep_in));
        }
      g_test_message ("%s band: other component changed by at most %.2g (of %.2f)",
                      ch == LQ_EQ_MID ? "mid" : "side", worst, scale);
      g_assert_cmpfloat (worst, <, 1e-6 * scale);

      /* The filtered component: impulse in that component only. */
      lq_eq_reset (eq);
      comp[0] = 1.0f;
      comp[1] = ch == LQ_EQ_MID ? 1.0f : -1.0f;
      lq_eq_process (eq, comp, N);
      for (size_t i = 0; i < N; i++)
        comp[2 * i] = 0.5f * (comp[2 * i] + (ch == LQ_EQ_MID ? 1.0f : -1.0f) * comp[2 * i + 1]);
      spec = spectrum (comp, N, 2, 0);
      for (size_t k = 8; k < N / 2; k += 61)
        {
          double f = k * 48000.0 / N, re, im;
          lq_eq_response (eq, ch == LQ_EQ_SIDE, f, &re, &im);
          g_assert_cmpfloat (fabs (20.0 * log10 (cabs (spec[k]) / hypot (re, im))), <, 1e-3);
          g_assert_cmpfloat (fabs (20.0 * log10 (cabs (spec[k]) / cabs (prototype (&bell, f)))), <, 0.6);
        }
      fftwf_free (spec);
      lq_eq_free (eq);
    }
}

static gboolean
all_finite (const float *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

/* NaN and Inf in the input never reach later output, in either mode. */
static void
test_non_finite (void)
{
  enum { N = 44100 };

  for (int lp = 0; lp <= 1; lp++)
    {
      LqEq *eq = lq_eq_new (44100.0, 2);
      g_autofree float *buf = g_new (float, 2 * N);
      double tail = 0.0;

      setup_bands (eq, six_bands, G_N_ELEMENTS (six_bands), LQ_EQ_STEREO);
      lq_eq_set_linear_phase (eq, lp);
      lq_eq_reset (eq);
      lq_synth_sine (buf, N, 2, 44100.0, 440.0, 0.5, 0.0);
      buf[2 * 1000] = NAN;
      buf[2 * 1001 + 1] = INFINITY;
      buf[2 * 1500] = -INFINITY;
      for (size_t i = 0; i < N; i += 512)
        lq_eq_process (eq, buf + 2 * i, MIN (512, N - i));
      g_assert_true (all_finite (buf, 2 * N));
      /* It still plays: the last half second is the sine through the EQ. */
      for (size_t i = N / 2; i < N; i++)
        tail = MAX (tail, fabs (buf[2 * i]));
      g_assert_cmpfloat (tail, >, 0.3);
      g_assert_cmpfloat (tail, <, 1.0);

      /* A huge but finite input that overflows float inside the filters. */
      lq_synth_sine (buf, N, 2, 44100.0, 440.0, 3e38, 0.0);
      lq_eq_process (eq, buf, 4096);
      g_assert_true (all_finite (buf, 2 * 4096));
      lq_synth_sine (buf, N, 2, 44100.0, 440.0, 0.5, 0.0);
      lq_eq_process (eq, buf, N);
      g_assert_true (all_finite (buf, 2 * N));
      lq_eq_free (eq);
    }
}

/* Silence in gives exact silence out, from reset and after music (the filters' tails decay
 * to exactly zero instead of lingering as denormals). */
static void
test_silence (void)
{
  enum { N = 2 * 96000 };
  LqEq *eq = lq_eq_new (96000.0, 2);
  g_autofree float *buf = g_new0 (float, 2 * N);

  setup_bands (eq, six_bands, G_N_ELEMENTS (six_bands), LQ_EQ_STEREO);
  lq_eq_process (eq, buf, N);
  for (size_t i = 0; i < 2 * N; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);

  lq_synth_demo_render (1, 96000, buf, 48000);
  memset (buf + 2 * 48000, 0, sizeof (float) * 2 * (N - 48000));
  lq_eq_process (eq, buf, N);
  /* Half a second after the music the tail is below -300 dB (the 30 Hz high pass rings
   * longest, decaying by e every 14 ms), and the last quarter second is exact silence
   * (decayed state is flushed at -500 dB instead of lingering as denormals). */
  for (size_t i = 2 * (48000 + 48000); i < 2 * N; i++)
    g_assert_cmpfloat (fabs (buf[i]), <, 1e-15);
  for (size_t i = 2 * (N - 24000); i < 2 * N; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  lq_eq_free (eq);
}

/* All bells and shelves at 0 dB: bit-transparent, stereo and mono. */
static void
test_transparent (void)
{
  enum { N = 44100 };
  static const BandSpec flat[] = {
    { LQ_BIQUAD_BELL, 100.0, 0.0, 1.0, 12 },
    { LQ_BIQUAD_LOW_SHELF, 200.0, 0.0, 1.0, 12 },
    { LQ_BIQUAD_HIGH_SHELF, 5000.0, 0.0, 1.0, 12 },
  };

  for (unsigned nch = 1; nch <= 2; nch++)
    {
      LqEq *eq = lq_eq_new (44100.0, nch);
      g_autofree float *in = g_new (float, 2 * N);
      g_autofree float *out = g_new (float, 2 * N);

      setup_bands (eq, flat, G_N_ELEMENTS (flat), LQ_EQ_STEREO);
      lq_synth_noise (in, N, nch, 0.9, 3);
      memcpy (out, in, sizeof (float) * nch * N);
      lq_eq_process (eq, out, N);
      g_assert_cmpmem (in, sizeof (float) * nch * N, out, sizeof (float) * nch * N);
      lq_eq_free (eq);
    }
}

/* Mono input gets what each channel of a stereo input gets. */
static void
test_mono (void)
{
  enum { N = 8192 };
  LqEq *mono = lq_eq_new (44100.0, 1), *stereo = lq_eq_new (44100.0, 2);
  g_autofree float *m = g_new (float, N);
  g_autofree float *s = g_new (float, 2 * N);

  setup_bands (mono, six_bands, G_N_ELEMENTS (six_bands), LQ_EQ_STEREO);
  setup_bands (stereo, six_bands, G_N_ELEMENTS (six_bands), LQ_EQ_STEREO);
  lq_synth_noise (m, N, 1, 0.5, 11);
  for (size_t i = 0; i < N; i++)
    s[2 * i] = s[2 * i + 1] = m[i];
  lq_eq_process (mono, m, N);
  lq_eq_process (stereo, s, N);
  for (size_t i = 0; i < N; i++)
    g_assert_cmpfloat (m[i], ==, s[2 * i]);
  lq_eq_free (mono);
  lq_eq_free (stereo);
}

/* Largest sample-to-sample step of channel 0. */
static double
max_step (const float *x, size_t n, unsigned nch)
{
  double m = 0.0;

  for (size_t i = 1; i < n; i++)
    m = MAX (m, fabs (x[i * nch] - x[(i - 1) * nch]));
  return m;
}

/* Moving every knob while playing, buffer by buffer (as automation does): the output's
 * largest step stays within the EQ's largest gain times the input's own largest step (an 80 Hz
 * sine: any click is a step far larger than the sine's own), where switching a band without
 * a fade makes steps many times larger. */
static void
test_no_clicks (void)
{
  enum { N = 44100 * 2, BUF = 256 };
  LqEq *eq = lq_eq_new (44100.0, 2);
  g_autofree float *in = g_new (float, 2 * N);
  g_autofree float *out = g_new (float, 2 * N);
  double in_step, out_step;
  LqEqBand b;

  lq_synth_sine (in, N, 2, 44100.0, 80.0, 0.5, 0.0);
  memcpy (out, in, sizeof (float) * 2 * N);
  lq_eq_set_num_bands (eq, 3);
  for (size_t i = 0, k = 0; i < N; i += BUF, k++)
    {
      double t = (double) i / N;

      /* Band 0: a bell sweeping 40 Hz - 4 kHz with gain -12..+12 dB and Q 0.5..4. */
      lq_eq_band_init (&b);
      b.freq = 40.0 * pow (100.0, 0.5 - 0.5 * cos (2.0 * G_PI * 3.0 * t));
      b.gain_db = 12.0 * sin (2.0 * G_PI * 5.0 * t);
      b.q = 0.5 * pow (8.0, 0.5 + 0.5 * sin (2.0 * G_PI * 2.0 * t));
      lq_eq_set_band (eq, 0, &b);
      /* Band 1: a high pass jumping around 20..200 Hz, changing slope now and then. */
      lq_eq_band_init (&b);
      b.type = LQ_BIQUAD_HIGH_PASS;
      b.freq = (k / 7) % 2 ? 200.0 : 20.0;
      b.slope = (k / 23) % 2 ? 48 : 12;
      lq_eq_set_band (eq, 1, &b);
      /* Band 2: a shelf whose type, channels and bypass toggle. */
      lq_eq_band_init (&b);
      b.type = (k / 11) % 2 ? LQ_BIQUAD_LOW_SHELF : LQ_BIQUAD_BELL;
      b.freq = 150.0;
      b.gain_db = 6.0;
      b.channels = (k / 13) % 3;
      b.bypass = (k / 17) % 2;
      lq_eq_set_band (eq, 2, &b);
      lq_eq_set_num_bands (eq, (k / 29) % 2 ? 2 : 3);
      lq_eq_process (eq, out + 2 * i, MIN (BUF, N - i));
    }
  in_step = max_step (in, N, 2);
  out_step = max_step (out, N, 2);
  g_test_message ("largest step: input %.4f, output %.4f (%.2fx)", in_step, out_step,
                  out_step / in_step);
  /* +12 dB bell, +6 dB shelf: at most 8x the level; the input's steps at 80 Hz are small. */
  g_assert_cmpfloat (out_step, <, 8.0 * in_step);
  lq_eq_free (eq);

  /* The same measure catches a click: a +12 dB bell switched out at once (a bypass without
   * the fade). */
  {
    LqBiquad boost;
    LqBiquadState st;

    memcpy (out, in, sizeof (float) * 2 * N);
    lq_biquad_design (&boost, LQ_BIQUAD_BELL, 44100.0, 80.0, 12.0, 0.7071, 12);
    lq_biquad_state_reset (&st);
    lq_biquad_process (&boost, &st, out, 4410 + 70, 2);
    g_test_message ("hard bypass: largest step %.4f (%.1fx)", max_step (out, 8820, 2),
                    max_step (out, 8820, 2) / in_step);
    g_assert_cmpfloat (max_step (out, 8820, 2), >, 8.0 * in_step);
  }
}

/* Switching linear phase on and off while playing: the latency follows, and the output
 * (with the extra delay dropped, as LqAudioFilter does) has no click. */
static void
test_mode_switch (void)
{
  enum { N = 44100 * 3, BUF = 441 };
  LqEq *eq = lq_eq_new (44100.0, 2);
  g_autofree float *in = g_new (float, 2 * N);
  g_autofree float *out = g_new (float, 2 * N);
  size_t n_out = 0, latency = 0, trim = 0;
  double in_step, out_step;

  setup_bands (eq, six_bands, G_N_ELEMENTS (six_bands), LQ_EQ_STEREO);
  lq_synth_sine (in, N, 2, 44100.0, 100.0, 0.5, 0.0);
  for (size_t i = 0, k = 0; i < N; i += BUF, k++)
    {
      size_t n = MIN (BUF, N - i), keep;
      float buf[2 * BUF];

      /* What LqAudioFilter does: a latency increase drops that many output frames. */
      if (lq_eq_get_latency (eq) > latency)
        trim += lq_eq_get_latency (eq) - latency;
      latency = lq_eq_get_latency (eq);
      memcpy (buf, in + 2 * i, sizeof (float) * 2 * n);
      lq_eq_process (eq, buf, n);
      keep = trim >= n ? 0 : n - trim;
      trim -= n - keep;
      memcpy (out + 2 * n_out, buf + 2 * (n - keep), sizeof (float) * 2 * keep);
      n_out += keep;
      /* On at 0.5 s, off at 2 s. */
      if (k == 50)
        lq_eq_set_linear_phase (eq, 1);
      if (k == 200)
        lq_eq_set_linear_phase (eq, 0);
      if (k == 60)
        g_assert_cmpuint (lq_eq_get_latency (eq), ==, 8192);
    }
  /* Off again: the latency stays (the minimum phase plays delayed) until a reset. */
  g_assert_cmpuint (lq_eq_get_latency (eq), ==, 8192);
  g_assert_cmpuint (n_out, ==, N - 8192);
  g_assert_true (all_finite (out, 2 * n_out));
  in_step = max_step (in, N, 2);
  out_step = max_step (out + 2 * 4410, n_out - 4410, 2); /* after the EQ's start-up */
  g_test_message ("mode switches: largest step %.5f, input %.5f", out_step, in_step);
  g_assert_cmpfloat (out_step, <, 2.0 * in_step);
  lq_eq_reset (eq);
  g_assert_cmpuint (lq_eq_get_latency (eq), ==, 0);
  lq_eq_free (eq);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/eq/measured-response", test_measured_response);
  g_test_add_func ("/lq/eq/linear-phase", test_linear_phase);
  g_test_add_func ("/lq/eq/mid-side", test_mid_side);
  g_test_add_func ("/lq/eq/non-finite", test_non_finite);
  g_test_add_func ("/lq/eq/silence", test_silence);
  g_test_add_func ("/lq/eq/transparent", test_transparent);
  g_test_add_func ("/lq/eq/mono", test_mono);
  g_test_add_func ("/lq/eq/no-clicks", test_no_clicks);
  g_test_add_func ("/lq/eq/mode-switch", test_mode_switch);

  return g_test_run ();
}
