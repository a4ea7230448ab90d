/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqCompressor and LqMultiband, measured from outside: steady sines at many levels against the
 * closed-form static curve (Giannoulis/Massberg/Reiss quadratic knee, written out again here),
 * attack and release time constants timed on tone bursts, the detector options against their
 * own closed forms, the multiband's bands against the Linkwitz-Riley closed form, and the
 * robustness rules every kernel follows. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <fftw3.h>
#include <glib.h>

#include "lq-compressor.h"
#include "lq-multiband.h"
#include "lq-synth.h"

#define RATE 48000.0
#define BLOCK 512

/* The static curve, independently: output level for input level x (dB). */
static double
expected_curve (double t, double r, double w, double x)
{
  if (2.0 * (x - t) < -w)
    return x;
  if (2.0 * fabs (x - t) <= w && w > 0.0) /* a hard knee has no middle part */
    return x + (1.0 / r - 1.0) * pow (x - t + w / 2.0, 2.0) / (2.0 * w);
  return t + (x - t) / r;
}

static void
run (LqCompressor *c, float *buf, size_t frames, unsigned channels)
{
  for (size_t off = 0; off < frames; off += BLOCK)
    lq_compressor_process (c, buf + off * channels, MIN (BLOCK, frames - off));
}

static double
rms (const float *x, size_t frames, unsigned channels, unsigned ch)
{
  double s = 0.0;

  for (size_t i = 0; i < frames; i++)
    s += (double) x[i * channels + ch] * x[i * channels + ch];
  return sqrt (s / frames);
}

static double
db (double x)
{
  return 20.0 * log10 (x);
}

static void
test_fast_log_exp (void)
{
  double worst_log = 0.0, worst_low = 0.0, worst_exp = 0.0;

  /* Powers from -240 dB to +40 dB; the gain computer works above -104 dB. */
  for (double e = -24.0; e <= 4.0; e += 0.000173)
    {
      float p = (float) pow (10.0, e);
      double err = 10.0 * log10 (2.0) * fabs ((double) lq_fast_log2 (p) - log2 ((double) p));
      if (e >= -10.4)
        worst_log = MAX (worst_log, err);
      else
        worst_low = MAX (worst_low, err);
    }
  /* Gains from 0 down to -200 dB (exponents -33..0) and up to +24 dB. */
  for (double x = -33.0; x <= 4.0; x += 0.0000731)
    {
      double err = fabs (db ((double) lq_fast_exp2 ((float) x) / exp2 ((float) x)));
      worst_exp = MAX (worst_exp, err);
    }
  g_test_message ("fast log2: worst %.2e dB above -104 dB, %.2e dB below; fast exp2: worst %.2e dB",
                  worst_log, worst_low, worst_exp);
  g_assert_cmpfloat (worst_log, <, 1e-5);
  g_assert_cmpfloat (worst_low, <, 2e-5);
  g_assert_cmpfloat (worst_exp, <, 5e-6);
  g_assert_cmpfloat (lq_fast_log2 (0.0f), <=, -1000.0f);
  g_assert_cmpfloat (lq_fast_exp2 (-1000.0f), >, 0.0f);
}

typedef struct
{
  double threshold, ratio, knee, makeup;
} CurveCase;

static void
test_static_curve (void)
{
  static const CurveCase cases[] = {
    { -20.0, 4.0, 6.0, 0.0 },
    { -30.0, 10.0, 0.0, 3.0 },
    { -12.0, 2.0, 12.0, -2.0 },
    { -40.0, 1.5, 24.0, 0.0 },
  };
  size_t frames = (size_t) RATE, tail = (size_t) (RATE / 4);
  g_autofree float *buf = g_new (float, frames * 2);

  for (unsigned det = 0; det < 2; det++)
    for (unsigned k = 0; k < G_N_ELEMENTS (cases); k++)
      {
        const CurveCase *cc = &cases[k];
        double worst = 0.0;

        for (double in_db = -60.0; in_db <= 0.0; in_db += 1.5)
          {
            LqCompressor *c = lq_compressor_new (2, RATE);
            double out_db, expect;

            lq_compressor_set_threshold (c, cc->threshold);
            lq_compressor_set_ratio (c, cc->ratio);
            lq_compressor_set_knee (c, cc->knee);
            lq_compressor_set_makeup (c, cc->makeup);
            lq_compressor_set_attack (c, 2.0);
            lq_compressor_set_release (c, 300.0);
            lq_compressor_set_detector (c, det);
            lq_compressor_snap (c);
            /* 1 kHz at 48 kHz: every 12th sample is a crest, so the peak is the level. */
            lq_synth_sine (buf, frames, 2, RATE, 1000.0, pow (10.0, in_db / 20.0), 0.0);
            run (c, buf, frames, 2);
            out_db = db (rms (buf + (frames - tail) * 2, tail, 2, 0) * sqrt (2.0));
            expect = expected_curve (cc->threshold, cc->ratio, cc->knee, in_db) + cc->makeup;
            worst = MAX (worst, fabs (out_db - expect));
            /* The meter reads the reduction. */
            g_assert_cmpfloat (fabs (lq_compressor_get_gain_reduction (c)
                                     - (in_db - expected_curve (cc->threshold, cc->ratio, cc->knee, in_db))),
                               <, 0.1);
            g_assert_cmpfloat (fabs (rms (buf + (frames - tail) * 2, tail, 2, 1)
                                     - rms (buf + (frames - tail) * 2, tail, 2, 0)), <, 1e-6);
            lq_compressor_free (c);
          }
        g_test_message ("%s T %.0f R %.1f W %.0f makeup %.0f: worst |out - curve| %.3f dB",
                        det ? "rms" : "peak", cc->threshold, cc->ratio, cc->knee, cc->makeup, worst);
        g_assert_cmpfloat (worst, <, 0.1);
      }
}

/* Per-sample gain in dB of a mono run, where the input is large enough to divide by;
 * NAN elsewhere. */
static double *
gain_track (const float *in, const float *out, size_t frames, double floor)
{
  double *g = g_new (double, frames);

  for (size_t i = 0; i < frames; i++)
    g[i] = fabsf (in[i]) > floor ? db (out[i] / in[i]) : NAN;
  return g;
}

/* The first index >= from where g crosses `level` (downwards if down, else upwards). */
static size_t
crossing (const double *g, size_t from, size_t frames, double level, gboolean down)
{
  for (size_t i = from; i < frames; i++)
    if (!isnan (g[i]) && (down ? g[i] <= level : g[i] >= level))
      return i;
  return frames;
}

/* A tone burst: 1 kHz at -40 dBFS, `loud_s` seconds at -10 dBFS from 0.5 s, then -40 again,
 * through a compressor (threshold -30, ratio 10, hard knee: 18 dB of reduction in the burst).
 * Returns the measured attack and release times (ms) to 63.2 % of the gain change. */
static void
burst (LqCompressor *c, double loud_s, double *attack_ms, double *release_ms, double *depth)
{
  size_t frames = (size_t) (RATE * (loud_s + 2.5)), on = (size_t) (RATE * 0.5);
  size_t off = on + (size_t) (RATE * loud_s);
  g_autofree float *in = g_new (float, frames);
  g_autofree float *out = NULL;
  g_autofree double *g = NULL;
  double lo = pow (10.0, -2.0), hi = pow (10.0, -0.5), settled;
  size_t a, r;

  lq_compressor_set_threshold (c, -30.0);
  lq_compressor_set_ratio (c, 10.0);
  lq_compressor_set_knee (c, 0.0);
  lq_synth_sine (in, frames, 1, RATE, 1000.0, 1.0, 0.0);
  for (size_t i = 0; i < frames; i++)
    in[i] *= (float) (i >= on && i < off ? hi : lo);
  out = g_memdup2 (in, frames * sizeof (float));
  run (c, out, frames, 1);
  g = gain_track (in, out, frames, 0.5 * lo);

  /* The reduction reached at the end of the burst. */
  settled = g[off - 12];
  *depth = -settled;
  a = crossing (g, on, frames, (1.0 - exp (-1.0)) * settled, TRUE);
  r = crossing (g, off, frames, exp (-1.0) * settled, FALSE);
  *attack_ms = (a - on) * 1000.0 / RATE;
  *release_ms = (r - off) * 1000.0 / RATE;
}

static void
test_attack_release (void)
{
  static const double times[][2] = { { 5.0, 50.0 }, { 20.0, 300.0 }, { 1.0, 120.0 } };

  for (unsigned k = 0; k < G_N_ELEMENTS (times); k++)
    {
      LqCompressor *c = lq_compressor_new (1, RATE);
      double att, rel, depth, ta = times[k][0], tr = times[k][1], expect_rel;

      lq_compressor_set_attack (c, ta);
      lq_compressor_set_release (c, tr);
      burst (c, 1.0, &att, &rel, &depth);
      /* The release stage feeds the attack stage (two one-poles in cascade): 1/e of the step is
       * left at the t solving (tr e^(-t/tr) - ta e^(-t/ta)) / (tr - ta) = 1/e. */
      {
        double lo_t = 0.0, hi_t = 10.0 * (ta + tr);
        for (int it = 0; it < 100; it++)
          {
            double t = 0.5 * (lo_t + hi_t);
            double left = (tr * exp (-t / tr) - ta * exp (-t / ta)) / (tr - ta);
            if (left > exp (-1.0))
              lo_t = t;
            else
              hi_t = t;
          }
        expect_rel = lo_t;
      }
      g_test_message ("attack %.0f ms: measured %.2f ms; release %.0f ms: measured %.2f ms "
                      "(cascade %.2f); depth %.2f dB",
                      ta, att, tr, rel, expect_rel, depth);
      g_assert_cmpfloat (fabs (depth - 18.0), <, 0.1);
      /* The first crest comes 0.25 ms after the onset; allow that plus 5 %. */
      g_assert_cmpfloat (fabs (att - ta), <, 0.05 * ta + 0.3);
      g_assert_cmpfloat (fabs (rel - expect_rel), <, 0.05 * tr);
      lq_compressor_free (c);
    }
}

static void
test_auto_release (void)
{
  double tr = 50.0, slow = MAX (LQ_COMPRESSOR_AUTO_RELEASE_FACTOR * tr, LQ_COMPRESSOR_AUTO_SLOW_MIN_MS);
  double att, rel_short, rel_long, rel_short_off, rel_long_off, depth;

  for (int on = 0; on < 2; on++)
    {
      LqCompressor *c = lq_compressor_new (1, RATE);

      lq_compressor_set_attack (c, 1.0);
      lq_compressor_set_release (c, tr);
      lq_compressor_set_auto_release (c, on);
      burst (c, 0.03, &att, on ? &rel_short : &rel_short_off, &depth);
      lq_compressor_reset (c);
      burst (c, 3.0, &att, on ? &rel_long : &rel_long_off, &depth);
      lq_compressor_free (c);
    }
  g_test_message ("release after 30 ms / 3 s of compression: fixed %.1f / %.1f ms, auto %.1f / %.1f ms",
                  rel_short_off, rel_long_off, rel_short, rel_long);
  /* Fixed: the same either way. Auto: short peaks recover at `release`, long compression at
   * the slow time constant. */
  g_assert_cmpfloat (fabs (rel_short_off - rel_long_off), <, 0.05 * tr);
  g_assert_cmpfloat (fabs (rel_short - tr), <, 0.25 * tr);
  g_assert_cmpfloat (fabs (rel_long - slow), <, 0.2 * slow);
}

static void
test_link (void)
{
  size_t frames = (size_t) RATE, tail = (size_t) (RATE / 4);
  g_autofree float *buf = g_new (float, frames * 2);
  double aL = pow (10.0, -6.0 / 20.0), aR = pow (10.0, -24.0 / 20.0);

  for (double link = 0.0; link <= 1.0; link += 0.25)
    {
      LqCompressor *c = lq_compressor_new (2, RATE);
      double pL = aL * aL, pR = aR * aR, lvlL, lvlR, gL, gR;

      lq_compressor_set_threshold (c, -30.0);
      lq_compressor_set_ratio (c, 4.0);
      lq_compressor_set_knee (c, 0.0);
      lq_compressor_set_link (c, link);
      lq_compressor_set_release (c, 300.0);
      lq_synth_sine (buf, frames, 2, RATE, 1000.0, 1.0, 0.0);
      for (size_t i = 0; i < frames; i++)
        {
          buf[2 * i] *= (float) aL;
          buf[2 * i + 1] *= (float) aR;
        }
      run (c, buf, frames, 2);
      /* Each channel's level moves towards the louder one by `link` (in power). */
      lvlL = 10.0 * log10 (pL);
      lvlR = 10.0 * log10 (pR + link * (pL - pR));
      gL = db (rms (buf + (frames - tail) * 2, tail, 2, 0) * sqrt (2.0) / aL);
      gR = db (rms (buf + (frames - tail) * 2, tail, 2, 1) * sqrt (2.0) / aR);
      g_test_message ("link %.2f: gain L %.2f dB, R %.2f dB", link, gL, gR);
      g_assert_cmpfloat (fabs (gL - (expected_curve (-30, 4, 0, lvlL) - lvlL)), <, 0.1);
      g_assert_cmpfloat (fabs (gR - (expected_curve (-30, 4, 0, lvlR) - lvlR)), <, 0.1);
      lq_compressor_free (c);
    }
}

static void
test_sidechain_hpf (void)
{
  size_t frames = (size_t) (2 * RATE), tail = (size_t) (RATE / 4);
  g_autofree float *buf = g_new (float, frames);
  double f = 100.0, fc = 400.0;
  double w = tan (G_PI * f / RATE) / tan (G_PI * fc / RATE);
  /* 2nd-order Butterworth high-pass magnitude, bilinear transform: -24 dB at 100 Hz. */
  double h = w * w / sqrt (1.0 + pow (w, 4));
  double lvl = db (h), expect = expected_curve (-30, 4, 0, lvl) - lvl, g;
  LqCompressor *c = lq_compressor_new (1, RATE);

  lq_compressor_set_threshold (c, -30.0);
  lq_compressor_set_ratio (c, 4.0);
  lq_compressor_set_knee (c, 0.0);
  /* A long release: the peak detector's ripple between the crests of a low tone stays small. */
  lq_compressor_set_release (c, 1000.0);
  lq_compressor_set_sidechain_hpf (c, fc);
  /* A 100 Hz sine at 0 dBFS: the detector sees it through the high-pass. */
  lq_synth_sine (buf, frames, 1, RATE, f, 1.0, 0.0);
  run (c, buf, frames, 1);
  g = db (rms (buf + frames - tail, tail, 1, 0) * sqrt (2.0));
  g_test_message ("100 Hz through a 400 Hz sidechain high-pass (%.2f dB): gain %.3f dB, expected %.3f dB",
                  lvl, g, expect);
  g_assert_cmpfloat (fabs (g - expect), <, 0.1);
  /* Off, the same tone gets the full reduction. */
  lq_compressor_set_sidechain_hpf (c, 0.0);
  lq_compressor_reset (c);
  lq_synth_sine (buf, frames, 1, RATE, f, 1.0, 0.0);
  run (c, buf, frames, 1);
  g = db (rms (buf + frames - tail, tail, 1, 0) * sqrt (2.0));
  g_assert_cmpfloat (fabs (g - expected_curve (-30, 4, 0, 0)), <, 0.1);
  lq_compressor_free (c);
}

static void
test_lookahead_and_mix (void)
{
  size_t frames = (size_t) RATE;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = g_new (float, frames * 2);
  LqCompressor *c = lq_compressor_new (2, RATE);
  size_t la;
  double ratio_lo = INFINITY, ratio_hi = -INFINITY;

  /* Below the threshold: a pure delay of exactly the latency, bit for bit. */
  lq_compressor_set_threshold (c, -10.0);
  lq_compressor_set_lookahead (c, 5.0);
  la = lq_compressor_get_latency (c);
  g_assert_cmpuint (la, ==, 240);
  lq_synth_demo_render (0, (unsigned) RATE, in, frames);
  for (size_t i = 0; i < frames * 2; i++)
    in[i] *= 0.1f; /* about -30 dBFS peaks */
  memcpy (out, in, frames * 2 * sizeof (float));
  run (c, out, frames, 2);
  for (size_t i = 0; i < la * 2; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
  g_assert_cmpmem (out + la * 2, (frames - la) * 2 * sizeof (float), in,
                   (frames - la) * 2 * sizeof (float));

  /* Mix 0.5 on a steady sine with 12 dB of reduction: out(n) = in(n - L) (0.5 + 0.5 g), the
   * dry half time-aligned with the wet half. */
  lq_compressor_reset (c);
  lq_compressor_set_threshold (c, -24.0);
  lq_compressor_set_ratio (c, 3.0);
  lq_compressor_set_knee (c, 0.0);
  lq_compressor_set_mix (c, 0.5);
  lq_compressor_snap (c);
  lq_synth_sine (in, frames, 2, RATE, 1000.0, 0.5, 0.0);
  memcpy (out, in, frames * 2 * sizeof (float));
  run (c, out, frames, 2);
  for (size_t i = frames / 2; i < frames; i++)
    if (fabsf (in[(i - la) * 2]) > 0.25f)
      {
        double r = out[i * 2] / in[(i - la) * 2];
        ratio_lo = MIN (ratio_lo, r);
        ratio_hi = MAX (ratio_hi, r);
      }
  {
    double lvl = db (0.5), g = pow (10.0, (expected_curve (-24, 3, 0, lvl) - lvl) / 20.0);
    g_test_message ("mix 0.5: out/in(n - L) in [%.4f, %.4f], expected %.4f", ratio_lo, ratio_hi,
                    0.5 + 0.5 * g);
    g_assert_cmpfloat (ratio_hi - ratio_lo, <, 0.01);
    g_assert_cmpfloat (fabs (ratio_lo - (0.5 + 0.5 * g)), <, 0.01);
  }
  lq_compressor_free (c);
}

static void
test_lookahead_catches_transient (void)
{
  size_t frames = (size_t) (RATE / 2), on = frames / 2;
  g_autofree float *in = g_new (float, frames);
  double peak[2];

  lq_synth_sine (in, frames, 1, RATE, 1000.0, 0.8, 0.0);
  for (size_t i = 0; i < on; i++)
    in[i] *= 0.01f;
  for (int k = 0; k < 2; k++)
    {
      g_autofree float *out = g_memdup2 (in, frames * sizeof (float));
      LqCompressor *c = lq_compressor_new (1, RATE);
      size_t la;

      lq_compressor_set_threshold (c, -20.0);
      lq_compressor_set_ratio (c, 20.0);
      lq_compressor_set_attack (c, 1.0);
      lq_compressor_set_lookahead (c, k ? 5.0 : 0.0);
      la = lq_compressor_get_latency (c);
      run (c, out, frames, 1);
      /* Peak of the first 2 ms of the loud part, where it lands in the output. */
      peak[k] = 0.0;
      for (size_t i = on + la; i < on + la + 96; i++)
        peak[k] = MAX (peak[k], fabsf (out[i]));
      lq_compressor_free (c);
    }
  g_test_message ("first 2 ms of a burst: peak %.3f without lookahead, %.3f with 5 ms", peak[0],
                  peak[1]);
  /* Lookahead: the gain is down (-17 dB of the ~18.5 wanted) before the burst arrives. */
  g_assert_cmpfloat (peak[0], >, 0.4);
  g_assert_cmpfloat (peak[1], <, 0.8 * pow (10.0, -16.0 / 20.0));
}

static void
test_nonfinite (void)
{
  size_t frames = (size_t) RATE;
  g_autofree float *a = g_new (float, frames * 2);
  g_autofree float *b = NULL;
  LqCompressor *ca = lq_compressor_new (2, RATE), *cb = lq_compressor_new (2, RATE);

  lq_compressor_set_lookahead (ca, 3.0);
  lq_compressor_set_lookahead (cb, 3.0);
  lq_compressor_set_threshold (ca, -30.0);
  lq_compressor_set_threshold (cb, -30.0);
  lq_synth_demo_render (1, (unsigned) RATE, a, frames);
  b = g_memdup2 (a, frames * 2 * sizeof (float));
  /* NaN and Inf in one copy, zeros in the same places in the other. */
  a[1000] = NAN;
  a[2001] = INFINITY;
  a[30000] = -INFINITY;
  b[1000] = b[2001] = b[30000] = 0.0f;
  run (ca, a, frames, 2);
  run (cb, b, frames, 2);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_true (isfinite (a[i]));
  /* Bad samples are silence to the kernel: the output is exactly the clean run's. */
  g_assert_cmpmem (a, frames * 2 * sizeof (float), b, frames * 2 * sizeof (float));

  /* Huge finite values may overflow the detector: the state resets, later output is clean. */
  lq_synth_demo_render (1, (unsigned) RATE, a, frames);
  a[500] = 3e38f;
  a[501] = -3e38f;
  run (ca, a, frames, 2);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_true (isfinite (a[i]));
  for (size_t i = frames; i < frames * 2; i++)
    g_assert_cmpfloat (fabsf (a[i]), <=, 1.0f);
  lq_compressor_free (ca);
  lq_compressor_free (cb);
}

static void
test_silence (void)
{
  size_t frames = (size_t) RATE;
  g_autofree float *buf = g_new0 (float, frames * 2);
  LqCompressor *c = lq_compressor_new (2, RATE);

  lq_compressor_set_detector (c, LQ_COMPRESSOR_DETECTOR_RMS);
  lq_compressor_set_sidechain_hpf (c, 100.0);
  lq_compressor_set_makeup (c, 6.0);
  run (c, buf, frames, 2);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  /* Music, then silence: silence again, the reduction released, no denormals. */
  lq_synth_demo_render (1, (unsigned) RATE, buf, frames);
  run (c, buf, frames, 2);
  g_assert_cmpfloat (lq_compressor_get_gain_reduction (c), >, 1.0);
  for (int k = 0; k < 20; k++)
    {
      memset (buf, 0, frames * 2 * sizeof (float));
      run (c, buf, frames, 2);
    }
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  g_assert_cmpfloat (lq_compressor_get_gain_reduction (c), <, 1e-3);
  lq_compressor_free (c);
}

static void
test_parameter_changes_no_click (void)
{
  size_t frames = (size_t) (RATE * 8), block = 4800;
  g_autofree float *buf = g_new (float, frames * 2);
  LqCompressor *c = lq_compressor_new (2, RATE);
  GRand *rand = g_rand_new_with_seed (3);
  double worst = 0.0, lo = INFINITY, hi = -INFINITY;

  /* A constant input (0.5 on both channels) makes the output the gain itself, sample by sample:
   * out = 0.5 G. A step in G is a click. */
  for (size_t i = 0; i < frames * 2; i++)
    buf[i] = 0.5f;
  lq_compressor_set_attack (c, 5.0);
  for (size_t off = 0; off < frames; off += block)
    {
      /* Every 100 ms, everything jumps somewhere else. */
      lq_compressor_set_threshold (c, g_rand_double_range (rand, -40, 0));
      lq_compressor_set_ratio (c, g_rand_double_range (rand, 1, 20));
      lq_compressor_set_knee (c, g_rand_double_range (rand, 0, 12));
      lq_compressor_set_makeup (c, g_rand_boolean (rand) ? -12.0 : 12.0);
      lq_compressor_set_mix (c, g_rand_boolean (rand) ? 0.0 : 1.0);
      lq_compressor_set_link (c, g_rand_double_range (rand, 0, 1));
      lq_compressor_set_release (c, g_rand_double_range (rand, 20, 500));
      lq_compressor_set_auto_release (c, g_rand_boolean (rand));
      lq_compressor_set_detector (c, g_rand_boolean (rand));
      lq_compressor_set_sidechain_hpf (c, g_rand_int_range (rand, 0, 4) == 0 ? 150 : 0);
      lq_compressor_process (c, buf + off * 2, MIN (block, frames - off));
    }
  for (size_t i = 1; i < frames; i++)
    for (unsigned ch = 0; ch < 2; ch++)
      {
        worst = MAX (worst, fabsf (buf[i * 2 + ch] - buf[(i - 1) * 2 + ch]));
        lo = MIN (lo, buf[i * 2 + ch]);
        hi = MAX (hi, buf[i * 2 + ch]);
      }
  g_test_message ("output between %.3f and %.3f, largest step %.4f", lo, hi, worst);
  /* The output swings over about 1 (makeup 24 dB apart, mix 0..1, 30+ dB of reduction), which
   * an unsmoothed change would cross in one sample. Smoothed (20 ms to 99.9 %, so at most
   * 0.72 % of a jump per sample and parameter; here up to three move at once), no step is more
   * than 5 % of the swing: the changes are fades, not clicks. */
  g_assert_cmpfloat (hi - lo, >, 0.9);
  g_assert_cmpfloat (worst, <, 0.05 * (hi - lo));
  g_rand_free (rand);
  lq_compressor_free (c);
}

static void
test_curve_function (void)
{
  for (double x = -80.0; x <= 10.0; x += 0.25)
    {
      g_assert_cmpfloat_with_epsilon (lq_compressor_curve (-20, 4, 6, x), expected_curve (-20, 4, 6, x), 1e-12);
      g_assert_cmpfloat_with_epsilon (lq_compressor_curve (-20, 4, 0, x), expected_curve (-20, 4, 0, x), 1e-12);
    }
  /* Continuity at the knee's ends. */
  g_assert_cmpfloat_with_epsilon (lq_compressor_curve (-20, 4, 6, -23), -23.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lq_compressor_curve (-20, 4, 6, -17), -20.0 + 3.0 / 4.0, 1e-12);
  g_assert_null (lq_compressor_new (3, RATE));
  g_assert_null (lq_compressor_new (1, 100.0));
}

/* ---- LqMultiband ---- */

/* |LP4| and |HP4| of an LR4 split at fc (bilinear transform). */
static double
lp4 (double f, double fc, double rate)
{
  return 1.0 / (1.0 + pow (tan (G_PI * f / rate) / tan (G_PI * fc / rate), 4));
}

static double
hp4 (double f, double fc, double rate)
{
  return 1.0 / (1.0 + pow (tan (G_PI * fc / rate) / tan (G_PI * f / rate), 4));
}

/* |band b| of n bands with crossovers xo (the bands are in phase, so they add as magnitudes). */
static double
band_mag (unsigned b, unsigned n, const double *xo, double f, double rate)
{
  double m = 1.0;

  for (unsigned i = 0; i < b; i++)
    m *= hp4 (f, xo[i], rate);
  if (b < n - 1)
    m *= lp4 (f, xo[b], rate);
  return m;
}

/* Amplitude of the `f` Hz component of channel ch (a whole number of periods in frames). */
static double
tone_amplitude (const float *x, size_t frames, unsigned channels, unsigned ch, double f, double rate)
{
  double re = 0.0, im = 0.0;

  for (size_t i = 0; i < frames; i++)
    {
      re += x[i * channels + ch] * cos (2.0 * G_PI * f * i / rate);
      im += x[i * channels + ch] * sin (2.0 * G_PI * f * i / rate);
    }
  return 2.0 * hypot (re, im) / frames;
}

static const double mb_xo[3] = { 200.0, 2000.0, 8000.0 };

static LqMultiband *
multiband_new (unsigned channels, double rate, unsigned n)
{
  LqMultiband *mb = lq_multiband_new (channels, rate, n);

  g_assert_nonnull (mb);
  for (unsigned i = 0; i < 3; i++)
    lq_multiband_set_crossover (mb, i, mb_xo[i]);
  for (unsigned b = 0; b < LQ_MULTIBAND_MAX_BANDS; b++)
    {
      lq_multiband_set_threshold (mb, b, 0.0);
      lq_multiband_set_release (mb, b, 500.0);
    }
  lq_multiband_snap (mb);
  return mb;
}

static void
test_multiband_unity_flat (void)
{
  static const double rates[] = { 44100.0, 48000.0, 96000.0 };
  size_t len = 32768;
  float *buf = fftwf_alloc_real (len);
  fftwf_complex *spec = fftwf_alloc_complex (len / 2 + 1);
  fftwf_plan plan = fftwf_plan_dft_r2c_1d ((int) len, buf, spec, FFTW_ESTIMATE);

  for (unsigned ri = 0; ri < G_N_ELEMENTS (rates); ri++)
    for (unsigned n = 2; n <= 4; n++)
      {
        LqMultiband *mb = multiband_new (1, rates[ri], n);
        double worst = 0.0;

        /* An impulse at -6 dBFS, under every band's threshold (0 dB, 6 dB knee). */
        memset (buf, 0, len * sizeof (float));
        buf[0] = 0.5f;
        for (size_t off = 0; off < len; off += BLOCK)
          lq_multiband_process (mb, buf + off, MIN (BLOCK, len - off));
        fftwf_execute (plan);
        for (size_t k = 0; k <= len / 2; k++)
          worst = MAX (worst, fabs (db (2.0 * hypot (spec[k][0], spec[k][1]))));
        g_test_message ("%.0f Hz, %u bands at unity: sum within %.2e dB", rates[ri], n, worst);
        g_assert_cmpfloat (worst, <, 0.01);
        lq_multiband_free (mb);
      }
  fftwf_destroy_plan (plan);
  fftwf_free (spec);
  fftwf_free (buf);
}

static void
test_multiband_band_compression (void)
{
  double f = 4800.0, amp = 0.5, in_db = db (amp);
  size_t frames = (size_t) RATE, tail = (size_t) (RATE / 2);
  g_autofree float *buf = g_new (float, frames * 2);
  LqMultiband *mb = multiband_new (2, RATE, 3);
  double h[3], lvl, g, expect, out;

  /* A 4.8 kHz tone: band 2 (above 2 kHz) compresses it, the others pass their leakage. */
  lq_multiband_set_threshold (mb, 2, -30.0);
  lq_multiband_set_ratio (mb, 2, 4.0);
  lq_compressor_set_knee (lq_multiband_get_compressor (mb, 2), 0.0);
  /* rms: a sine reads its crest level whatever the sampling phase (a sample-peak detector reads
   * up to 0.44 dB low on a 4.8 kHz tone at 48 kHz). */
  lq_compressor_set_detector (lq_multiband_get_compressor (mb, 2), LQ_COMPRESSOR_DETECTOR_RMS);
  lq_multiband_set_makeup (mb, 2, 2.0);
  lq_synth_sine (buf, frames, 2, RATE, f, amp, 0.0);
  for (size_t off = 0; off < frames; off += BLOCK)
    lq_multiband_process (mb, buf + off * 2, MIN (BLOCK, frames - off));
  for (unsigned b = 0; b < 3; b++)
    h[b] = band_mag (b, 3, mb_xo, f, RATE);
  lvl = in_db + db (h[2]);
  g = pow (10.0, (expected_curve (-30, 4, 0, lvl) - lvl + 2.0) / 20.0);
  expect = amp * (h[0] + h[1] + g * h[2]);
  out = tone_amplitude (buf + (frames - tail) * 2, tail, 2, 0, f, RATE);
  g_test_message ("band 2 at %.2f dB in: out %.4f, expected %.4f (%.3f dB apart); meter %.2f dB",
                  lvl, out, expect, db (out / expect), lq_multiband_get_gain_reduction (mb, 2));
  g_assert_cmpfloat (fabs (db (out / expect)), <, 0.05);
  g_assert_cmpfloat (fabs (lq_multiband_get_gain_reduction (mb, 2) - (lvl - expected_curve (-30, 4, 0, lvl))), <, 0.1);
  g_assert_cmpfloat (lq_multiband_get_gain_reduction (mb, 0), ==, 0.0);

  /* Bypassing band 2 takes its compression (and makeup) away: the flat sum again. */
  lq_multiband_set_bypass (mb, 2, TRUE);
  lq_synth_sine (buf, frames, 2, RATE, f, amp, 0.0);
  for (size_t off = 0; off < frames; off += BLOCK)
    lq_multiband_process (mb, buf + off * 2, MIN (BLOCK, frames - off));
  out = tone_amplitude (buf + (frames - tail) * 2, tail, 2, 1, f, RATE);
  g_test_message ("band 2 bypassed: out %.5f, in %.5f", out, amp);
  g_assert_cmpfloat (fabs (db (out / amp)), <, 0.01);
  lq_multiband_free (mb);
}

static void
test_multiband_solo (void)
{
  size_t frames = (size_t) RATE, tail = (size_t) (RATE / 2);
  g_autofree float *buf = g_new (float, frames * 2);
  g_autofree float *hi = g_new (float, frames * 2);
  LqMultiband *mb = multiband_new (2, RATE, 3);
  double lo_f = 60.0, hi_f = 6000.0, a_lo, a_hi;

  lq_synth_sine (buf, frames, 2, RATE, lo_f, 0.3, 0.0);
  lq_synth_sine (hi, frames, 2, RATE, hi_f, 0.3, 0.0);
  for (size_t i = 0; i < frames * 2; i++)
    buf[i] += hi[i];
  lq_multiband_set_solo (mb, 2, TRUE);
  for (size_t off = 0; off < frames; off += BLOCK)
    lq_multiband_process (mb, buf + off * 2, MIN (BLOCK, frames - off));
  a_lo = tone_amplitude (buf + (frames - tail) * 2, tail, 2, 0, lo_f, RATE);
  a_hi = tone_amplitude (buf + (frames - tail) * 2, tail, 2, 0, hi_f, RATE);
  g_test_message ("band 2 soloed: 60 Hz at %.1f dB (closed form %.1f), 6 kHz at %.3f dB (%.3f)",
                  db (a_lo / 0.3), db (band_mag (2, 3, mb_xo, lo_f, RATE)), db (a_hi / 0.3),
                  db (band_mag (2, 3, mb_xo, hi_f, RATE)));
  g_assert_cmpfloat (fabs (db (a_hi / 0.3) - db (band_mag (2, 3, mb_xo, hi_f, RATE))), <, 0.02);
  g_assert_cmpfloat (db (a_lo / 0.3), <, -100.0);
  lq_multiband_free (mb);
}

static void
test_multiband_band_count_change (void)
{
  size_t frames = (size_t) (RATE * 2), block = 480;
  g_autofree float *in = g_new (float, frames * 2);
  g_autofree float *out = NULL;
  LqMultiband *mb = multiband_new (2, RATE, 3);
  double worst = 0.0, clean = 2.0 * 0.5 * sin (G_PI * 1000.0 / RATE), a;
  static const unsigned counts[] = { 3, 2, 4, 3, 2 };

  lq_synth_sine (in, frames, 2, RATE, 1000.0, 0.5, 0.0);
  out = g_memdup2 (in, frames * 2 * sizeof (float));
  for (size_t off = 0; off < frames; off += block)
    {
      /* 3 -> 2 -> 4 -> 3 bands, every 200 ms, and solos flipping. */
      lq_multiband_set_n_bands (mb, counts[(off / 9600) % 5]);
      lq_multiband_set_solo (mb, 1, (off / 4800) % 3 == 1);
      lq_multiband_process (mb, out + off * 2, block);
      g_assert_cmpuint (lq_multiband_get_n_bands (mb), ==, counts[(off / 9600) % 5]);
    }
  for (size_t i = 1; i < frames; i++)
    worst = MAX (worst, fabsf (out[i * 2] - out[(i - 1) * 2]));
  /* The end: 2 bands, band 1 soloed (for the last 100 ms): the tone through HP4 at 200 Hz. */
  a = tone_amplitude (out + (frames - 2400) * 2, 2400, 2, 0, 1000.0, RATE);
  g_test_message ("band count changes: largest step %.4f (a clean sine's %.4f), end amplitude %.4f",
                  worst, clean, a);
  g_assert_cmpfloat (worst, <, 1.5 * clean);
  g_assert_cmpfloat (fabs (db (a / (0.5 * band_mag (1, 2, mb_xo, 1000.0, RATE)))), <, 0.01);
  lq_multiband_free (mb);
}

static void
test_multiband_nonfinite_silence (void)
{
  size_t frames = (size_t) RATE;
  g_autofree float *buf = g_new0 (float, frames * 2);
  LqMultiband *mb = multiband_new (2, RATE, 4);

  for (unsigned b = 0; b < 4; b++)
    lq_multiband_set_threshold (mb, b, -30.0);
  lq_multiband_process (mb, buf, frames);
  for (size_t i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (buf[i], ==, 0.0f);
  lq_synth_demo_render (2, (unsigned) RATE, buf, frames);
  buf[10] = NAN;
  buf[4001] = INFINITY;
  buf[9000] = -INFINITY;
  lq_multiband_process (mb, buf, frames);
  for (int k = 0; k < 2; k++)
    {
      for (size_t i = 0; i < frames * 2; i++)
        {
          g_assert_true (isfinite (buf[i]));
          g_assert_cmpfloat (fabsf (buf[i]), <, 2.0f);
        }
      lq_synth_demo_render (2, (unsigned) RATE, buf, frames);
      lq_multiband_process (mb, buf, frames);
    }
  g_assert_null (lq_multiband_new (2, RATE, 1));
  g_assert_null (lq_multiband_new (2, RATE, 5));
  g_assert_false (lq_multiband_set_n_bands (mb, 5));
  lq_multiband_free (mb);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/compressor/fast-log-exp", test_fast_log_exp);
  g_test_add_func ("/lq/compressor/curve-function", test_curve_function);
  g_test_add_func ("/lq/compressor/static-curve", test_static_curve);
  g_test_add_func ("/lq/compressor/attack-release", test_attack_release);
  g_test_add_func ("/lq/compressor/auto-release", test_auto_release);
  g_test_add_func ("/lq/compressor/link", test_link);
  g_test_add_func ("/lq/compressor/sidechain-hpf", test_sidechain_hpf);
  g_test_add_func ("/lq/compressor/lookahead-and-mix", test_lookahead_and_mix);
  g_test_add_func ("/lq/compressor/lookahead-catches-transient", test_lookahead_catches_transient);
  g_test_add_func ("/lq/compressor/nonfinite", test_nonfinite);
  g_test_add_func ("/lq/compressor/silence", test_silence);
  g_test_add_func ("/lq/compressor/no-clicks", test_parameter_changes_no_click);
  g_test_add_func ("/lq/multiband/unity-flat", test_multiband_unity_flat);
  g_test_add_func ("/lq/multiband/band-compression", test_multiband_band_compression);
  g_test_add_func ("/lq/multiband/solo", test_multiband_solo);
  g_test_add_func ("/lq/multiband/band-count-change", test_multiband_band_count_change);
  g_test_add_func ("/lq/multiband/nonfinite-silence", test_multiband_nonfinite_silence);

  return g_test_run ();
}
