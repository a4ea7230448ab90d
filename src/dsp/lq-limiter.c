/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The true-peak limiter. Per block of up to LQ_LIMITER_BLOCK frames:
 *
 *  1. ingest: apply the (smoothed) drive, sanitize, write into the delay ring and into the
 *     detector history;
 *  2. detect: for every frame m, the peak over the channels of the signal reconstructed on
 *     [m, m + 1). A 4x polyphase interpolator (32 taps a phase, least-squares fractional-delay
 *     design, within 1 % of the ideal up to 0.45 fs) gives the values at m + 1/4, 1/2, 3/4.
 *     Phases 1/4 and 3/4 are mirror images, so the sum and difference of mirrored taps feed
 *     three 16-tap dot products instead of three 32-tap ones; the loops run four frames (SSE2)
 *     or eight (AVX2 + FMA, chosen at run time) at a time as one vector. Between the 4x points
 *     a parabola bound,
 *     |y| + min(|y[-1] - 2y + y[+1]|, |y[+1] - y[-1]|) / 8, covers the true maximum (at most
 *     0.03 dB low for a tone at 0.4 fs, where a bare 4x grid reads up to 0.44 dB low). A
 *     high-frequency weight, LQ_LIMITER_HF_MARGIN times the same second difference, adds
 *     headroom only where the peak is made of treble: there no short interpolator (ours or a
 *     meter's) is exact, and BS.1770 meters may read up to 0.2 dB high. The estimate is
 *     linear in the 33 samples around the frame, so it never exceeds a fixed multiple of their
 *     largest magnitude (bound, about 3.2: 10 dB); groups of frames whose samples stay that
 *     far below the ceiling skip the interpolation (plan_skip(): in mastered music most do);
 *  3. gain: the gain each frame needs (ceiling / peak), a program-dependent release in the log2
 *     domain (instant attack; recovery five times faster after short peaks than after sustained
 *     reduction), a sliding minimum (van Herk / Gil-Werman, branch-free) that holds the gain
 *     over the attack ramp plus a few frames either side of the peak, then two cascaded moving
 *     averages (exact integer sums) that turn the step into an S-shaped ramp reaching the
 *     needed gain when the peak leaves the delay line. log2/exp2 are short polynomials
 *     computed four frames at a time. A block in which no frame needs reduction while the
 *     envelope is at rest takes a path without the per-frame work (compute_gain_idle());
 *  4. output: the delayed frame times the gain, with a last safety clamp at the ceiling (an
 *     idle block copies the delayed frames: the gain is 1 and the clamp cannot act).
 *
 * The gain is exactly 1.0 while nothing exceeds the ceiling, so the output is then the input
 * delayed, bit for bit. The shortcuts give the same output as the full computation, bit for
 * bit, and none depends on how the stream is cut into calls. No allocation, locking or logging
 * in lq_limiter_process().
 */
#include "lq-limiter.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lq-dsp-util.h"

#ifdef __SSE__
#include <xmmintrin.h>
#endif

#define LQ_LIMITER_BLOCK 256 /* frames handled per inner pass; a multiple of 8 */
#define LQ_LIMITER_PAD 8     /* slack after each scratch array for the last vector */
#define LQ_LIMITER_TAPS 32   /* interpolator taps per phase */
#define LQ_LIMITER_HALF (LQ_LIMITER_TAPS / 2)
#define LQ_LIMITER_PASS 0.46 /* band (of fs) the interpolator is optimized for */
/* Weight of the 4x-grid second difference added to the peak estimate: about
 * LQ_LIMITER_HF_MARGIN * (pi f / 2)^2 of a component at f (in fs): 0.03 dB at 0.05 fs
 * (2.2 kHz at 44.1 kHz), 0.1 dB at 0.1 fs, 0.4 dB at 0.2 fs, 0.7 dB at 0.25 fs. Bass-made
 * peaks get nothing. Tuned on the demo album's full-band snare noise driven 12 dB into the
 * limiter, where libebur128 reads the output up to 0.15 dB above its true peak and the top
 * band (> 0.46 fs) escapes any short interpolator; the test suite checks the result against
 * libebur128 and ffmpeg. */
#define LQ_LIMITER_HF_MARGIN 0.5f
#define LQ_LIMITER_DET_DELAY LQ_LIMITER_HALF /* detector delay in frames */
#define LQ_LIMITER_HOLD_MARGIN 4 /* frames either side of a peak the gain stays flat */
#define LQ_LIMITER_MAX_CHANNELS 2
#define LQ_LIMITER_FAST_RATIO 5.0 /* short peaks release this much faster */
#define LQ_LIMITER_SLOW_STEP 4    /* frames per step of the slow envelope (a power of two) */
#define LQ_LIMITER_SMOOTH_MS 20.0 /* drive and ceiling change smoothing */
#define LQ_LIMITER_INPUT_MAX 1e6f /* larger input (+120 dBFS) counts as broken, like NaN */
#define LQ_LIMITER_ENV_FLOOR 1e-5f /* log2 gain reduction below this (60 udB) is none */
#define LQ_LIMITER_ONE_BITS 40 /* fractional bits of the moving averages' fixed point */
#define LQ_LIMITER_ONE ((uint64_t) 1 << LQ_LIMITER_ONE_BITS) /* gain 1 in that fixed point */

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define LQ_LIMITER_HAVE_AVX2 1 /* an AVX2 + FMA detector, used when the CPU has them */
#endif

/* Four float lanes (four frames): GCC/Clang vector extensions, so this stays plain C and maps
 * to one SSE2 (x86-64 baseline) or NEON register per operation. */
typedef float lq_v4 __attribute__ ((vector_size (16)));
typedef int32_t lq_v4i __attribute__ ((vector_size (16)));

#define V4_SPLAT(x) ((lq_v4) { (x), (x), (x), (x) })
#define V4_ABS(x) ((lq_v4) ((lq_v4i) (x) & 0x7fffffff))
#define V4_SEL(mask, a, b) ((lq_v4) (((lq_v4i) (a) & (mask)) | ((lq_v4i) (b) & ~(mask))))
#define V4_MAX(a, b) V4_SEL ((a) > (b), (a), (b))
#define V4_MIN(a, b) V4_SEL ((a) < (b), (a), (b))
#define V4_LOAD(v, p) memcpy (&(v), (p), sizeof (lq_v4))
#define V4_STORE(p, v) memcpy ((p), &(v), sizeof (lq_v4))

/* The larger of a and b, lane by lane, for values that are never NaN: one maxps with SSE. */
static inline lq_v4
v4_maxps (lq_v4 a, lq_v4 b)
{
#ifdef __SSE__
  return (lq_v4) _mm_max_ps ((__m128) a, (__m128) b);
#else
  return V4_MAX (a, b);
#endif
}

struct _LqLimiter
{
  unsigned rate;     /* sample rate in Hz */
  unsigned channels; /* 1 or 2 */

  /* Parameters as set (targets). */
  double ceiling_db;   /* output ceiling in dBTP */
  double drive_db;     /* input gain in dB */
  double lookahead_ms; /* attack ramp length */
  double release_ms;   /* slow (sustained) release time constant */
  int true_peak;       /* nonzero: oversampled detection */

  LqSmoother drive;   /* linear drive gain, ramped per sample */
  LqSmoother ceiling; /* linear ceiling, ramped per sample */

  /* Derived from lookahead and rate. */
  size_t ramp_a;    /* length of the first moving average */
  size_t ramp_b;    /* length of the second moving average */
  size_t hold;      /* sliding-minimum window: ramp_a + ramp_b + 2 * hold margin */
  size_t box_delay; /* frames from a detected peak to its output: ramp_a + ramp_b - 2 + margin */
  size_t latency;   /* total input-to-output delay in frames: detector delay + box_delay */
  uint64_t full_a;  /* sum_a when box_a's window holds only gain 1: ramp_a * LQ_LIMITER_ONE */
  uint64_t full_b;  /* sum_b when box_b's window holds only full_a: ramp_b * full_a */
  double inv_full;  /* 1 / full_b: sum_b to a gain */

  /* Derived from release and rate: per-sample factors of the log2-domain envelope. */
  float fast_decay;  /* recovery factor of the fast envelope */
  float slow_decay;  /* recovery factor of the slow envelope, per step */
  float slow_charge; /* approach factor of the slow envelope towards the fast one, per step */

  /* Detector: lanes 1/4 and 3/4 from the mirrored-tap sums u and differences v. */
  float coef_s[LQ_LIMITER_HALF];  /* (c1[j] + c1[15 - j]) / 2, on u: (y1/4 + y3/4) / 2 */
  float coef_d[LQ_LIMITER_HALF];  /* (c1[j] - c1[15 - j]) / 2, on v: (y1/4 - y3/4) / 2 */
  float coef_h[LQ_LIMITER_HALF];  /* c2[j] (symmetric), on u: y1/2 */
  float *hist;     /* per channel: TAPS - 1 earlier driven samples, the block, padding */
  size_t hist_len; /* floats per channel in hist */
  float *y1;       /* scratch: value at m + 1/4 per frame of the block */
  float *y2;       /* scratch: value at m + 1/2 */
  float *y3;       /* scratch: value at m + 3/4, shifted by one: y3[0] is the previous frame's */
  float y3_prev[LQ_LIMITER_MAX_CHANNELS]; /* value at m + 3/4 of the last frame of the last block */
  float *peak;     /* scratch: detected peak per frame of the block (max over channels) */
  void (*detect_true_peak) (LqLimiter *self, size_t frames); /* the SSE2 or AVX2 variant */
  size_t group;    /* frames per vector of that variant: 4 or 8 */
  float bound;     /* the estimate never exceeds bound * the largest |sample| of its window */
  unsigned char skip[LQ_LIMITER_BLOCK / 4 + 1]; /* scratch: groups whose estimate is below the
                                                 * ceiling by the bound (see plan_skip()) */

  /* Delay line and per-frame ceiling for the safety clamp. */
  float *delay;     /* ring of driven frames, interleaved */
  float *clamp;     /* ring of the linear ceiling in force when each frame was detected */
  size_t ring_mask; /* ring length - 1 (a power of two) */
  uint64_t n;       /* input frames consumed since reset */

  /* Envelope (gain reduction in log2 units, >= 0). */
  float env_fast; /* instant attack, fast release */
  float env_slow; /* charges slowly from env_fast, releases slowly; steps every SLOW_STEP frames */
  float slow_in;  /* largest env_fast since the slow envelope's last step */
  int retriggered; /* the fast envelope caught a new peak since the slow one's last step */
  float *cdet;    /* scratch: detection ceiling per frame */
  float *need;    /* scratch: gain each frame needs, <= 1 */
  float *env;     /* scratch: log2 reduction per frame, then the released gain */

  /* Sliding minimum over `hold` frames: van Herk / Gil-Werman in segments of `hold`. */
  float *seg;      /* released gains of the current segment */
  float *suffix;   /* suffix minima of the previous segment; suffix[hold] = 1 */
  size_t seg_pos;  /* frames of the current segment seen */
  float seg_min;   /* minimum of the current segment so far */

  /* Two cascaded moving averages of the held gain, in exact integer arithmetic (gains in
   * units of 2^-40, LQ_LIMITER_ONE = 1): the running sums never drift, do not depend on how
   * the stream is cut, and equal full_a / full_b exactly when their windows hold only 1. */
  size_t r_ones;     /* consecutive released gains equal to 1 up to the last frame */
  uint64_t *box_a;   /* ring of the last ramp_a held gains */
  uint64_t *box_b;   /* ring of the last ramp_b values of sum_a */
  size_t box_mask;   /* ring length - 1 for both (a power of two) */
  size_t box_stale;  /* trailing frames (up to a ring) whose ring entries are still to be written:
                      * the idle path leaves them, they hold LQ_LIMITER_ONE and full_a */
  uint64_t sum_a;    /* running sum over box_a's window */
  uint64_t sum_b;    /* running sum over box_b's window (of sums: the second average * full_b) */

  float *gain;    /* scratch: output gain per frame of the block */
  float min_gain; /* smallest gain applied during the last process call */
};

static void detect_true_peak_generic (LqLimiter *self, size_t frames);
static void plan_skip (LqLimiter *self, size_t frames);
#ifdef LQ_LIMITER_HAVE_AVX2
__attribute__ ((target ("avx2,fma"))) static void detect_true_peak_avx2 (LqLimiter *self,
                                                                         size_t     frames);
#endif

/* log2 and exp2 of four values at once, accurate to ~2e-5. The gain is always limited by the
 * exact ceiling / peak ratio as well, so these only shape the release. */
static inline void
v4_log2 (lq_v4 *x)
{
  lq_v4i bits = (lq_v4i) *x;
  lq_v4 e = __builtin_convertvector (((bits >> 23) & 0xff) - 127, lq_v4);
  lq_v4 m = (lq_v4) ((bits & 0x007fffff) | 0x3f800000) - 1.0f;
  lq_v4 poly = 0.411566805f + m * (-0.189836403f + m * 0.0439295697f);

  *x = e + (1.43541258e-05f + m * (1.44159271f + m * (-0.70725636f + m * poly)));
}

/* For x in [-126, 0]. */
static inline void
v4_exp2 (lq_v4 *x)
{
  lq_v4i fl = __builtin_convertvector (*x, lq_v4i); /* truncates: rounds negatives up */
  lq_v4 f, p;

  fl += (lq_v4i) (__builtin_convertvector (fl, lq_v4) > *x); /* -1 where it rounded up */
  f = *x - __builtin_convertvector (fl, lq_v4);
  p = 0.0558632586f + f * (0.00894622476f + f * 0.00189510872f);
  p = 0.999999896f + f * (0.693154616f + f * (0.240140787f + f * p));
  *x = p * (lq_v4) ((fl + 127) << 23);
}

static double
clampd (double v, double lo, double hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static size_t
next_pow2 (size_t v)
{
  size_t p = 1;

  while (p < v)
    p <<= 1;
  return p;
}

/* Least-squares fractional-delay design of the phase at offset d (in samples from the first
 * tap): minimizes the integral over |w| < 2 pi LQ_LIMITER_PASS of |C(w) - exp(-jwd)|^2, i.e.
 * solves the normal equations G c = p with G[i][j] = sinc-like Gram entries (Cholesky; G is
 * symmetric positive definite). Windowed sincs put their transition band around fs/2 and read
 * music's top octave (the snare's noise, cymbals) up to 10 % low; this design stays within
 * 1 % up to 0.45 fs with the same 32 taps. */
static double
ls_gram (double w, double a)
{
  return fabs (a) < 1e-12 ? w : sin (w * a) / a;
}

static int
design_phase (double d, double *c)
{
  const int t = LQ_LIMITER_TAPS;
  const double w = 2.0 * LQ_PI * LQ_LIMITER_PASS;
  double g[LQ_LIMITER_TAPS][LQ_LIMITER_TAPS], y[LQ_LIMITER_TAPS], sum = 0.0;

  for (int i = 0; i < t; i++)
    {
      for (int j = 0; j < t; j++)
        g[i][j] = ls_gram (w, i - j);
      g[i][i] += 1e-9; /* keeps the factorization well away from singular */
      c[i] = ls_gram (w, i - d);
    }
  /* In-place Cholesky: g = L L^T, L in the lower triangle. */
  for (int j = 0; j < t; j++)
    {
      double diag = g[j][j];

      for (int k = 0; k < j; k++)
        diag -= g[j][k] * g[j][k];
      if (!(diag > 0.0))
        return 0;
      g[j][j] = sqrt (diag);
      for (int i = j + 1; i < t; i++)
        {
          double v = g[i][j];

          for (int k = 0; k < j; k++)
            v -= g[i][k] * g[j][k];
          g[i][j] = v / g[j][j];
        }
    }
  for (int i = 0; i < t; i++)
    {
      double v = c[i];

      for (int k = 0; k < i; k++)
        v -= g[i][k] * y[k];
      y[i] = v / g[i][i];
    }
  for (int i = t - 1; i >= 0; i--)
    {
      double v = y[i];

      for (int k = i + 1; k < t; k++)
        v -= g[k][i] * c[k];
      c[i] = v / g[i][i];
    }
  for (int i = 0; i < t; i++)
    sum += c[i];
  for (int i = 0; i < t; i++)
    c[i] /= sum; /* exactly unit gain at DC */
  return 1;
}

/* Phase k (value at m + k/4) weighs x[m - HALF + 1 + j] by c_k[j]. Mirror symmetry:
 * c_3[j] = c_1[TAPS - 1 - j] and c_2 is symmetric. */
static int
design_interpolator (LqLimiter *self)
{
  double c1[LQ_LIMITER_TAPS], c2[LQ_LIMITER_TAPS];

  if (!design_phase (LQ_LIMITER_HALF - 1 + 0.25, c1)
      || !design_phase (LQ_LIMITER_HALF - 1 + 0.5, c2))
    return 0;
  for (int j = 0; j < LQ_LIMITER_HALF; j++)
    {
      self->coef_s[j] = (float) ((c1[j] + c1[LQ_LIMITER_TAPS - 1 - j]) * 0.5);
      self->coef_d[j] = (float) ((c1[j] - c1[LQ_LIMITER_TAPS - 1 - j]) * 0.5);
      self->coef_h[j] = (float) ((c2[j] + c2[LQ_LIMITER_TAPS - 1 - j]) * 0.5);
    }

  /* The bound of the estimate, from the taps as the detector uses them (float). Frame m's
   * points y0 = x[m], y1, y2, y3 and their neighbours (y3 of m - 1, x[m + 1]) are linear in
   * the 33 samples x[m - 16 .. m + 16]; each point's estimate |cur| + bend / 8 + HF d2 is at
   * most |cur| + (1/8 + HF) d2 (bend <= d2), so at most sum_j (|cur_j| + (1/8 + HF) |d2_j|)
   * |x_j|. The largest such sum over the points, with room for float rounding. */
  {
    double pt[6][LQ_LIMITER_TAPS + 1] = { { 0 } };

    for (int j = 0; j < LQ_LIMITER_HALF; j++)
      {
        const int a = j, b = LQ_LIMITER_TAPS - 1 - j; /* the taps on u = x_a + x_b, v = x_a - x_b */
        const double s1 = self->coef_s[j], d1 = self->coef_d[j], h2 = self->coef_h[j];

        /* y1 = s + d, y3 = s - d, y2 = h u; x[m - 15 + t] is index 1 + t. */
        pt[2][1 + a] += s1 + d1;
        pt[2][1 + b] += s1 - d1;
        pt[4][1 + a] += s1 - d1;
        pt[4][1 + b] += s1 + d1;
        pt[3][1 + a] += h2;
        pt[3][1 + b] += h2;
        pt[0][a] += s1 - d1; /* y3 of frame m - 1: the window one sample earlier */
        pt[0][b] += s1 + d1;
      }
    pt[1][LQ_LIMITER_HALF] = 1.0; /* y0 = x[m] */
    pt[5][LQ_LIMITER_HALF + 1] = 1.0; /* y4 = x[m + 1] */
    self->bound = 0.0f;
    for (int k = 1; k <= 4; k++)
      {
        double sum = 0.0;

        for (int j = 0; j <= LQ_LIMITER_TAPS; j++)
          sum += fabs (pt[k][j])
                 + (0.125 + LQ_LIMITER_HF_MARGIN) * fabs (pt[k - 1][j] - 2.0 * pt[k][j] + pt[k + 1][j]);
        if (sum * 1.001 > self->bound)
          self->bound = (float) (sum * 1.001);
      }
  }
  return 1;
}

static void
update_release (LqLimiter *self)
{
  double slow = self->release_ms * 0.001 * self->rate;
  double fast = slow / LQ_LIMITER_FAST_RATIO;

  self->slow_decay = (float) exp (-LQ_LIMITER_SLOW_STEP / slow);
  self->fast_decay = (float) exp (-1.0 / fast);
  self->slow_charge = (float) (1.0 - exp (-LQ_LIMITER_SLOW_STEP / slow));
}

/* Attack ramp length in frames. */
static size_t
ramp_frames (unsigned rate, double lookahead_ms)
{
  size_t w = (size_t) lround (lookahead_ms * 0.001 * rate);

  return w < 2 ? 2 : w;
}

static void
update_lookahead (LqLimiter *self)
{
  size_t w = ramp_frames (self->rate, self->lookahead_ms);

  self->ramp_a = w / 2;
  self->ramp_b = w - self->ramp_a;
  self->hold = self->ramp_a + self->ramp_b + 2 * LQ_LIMITER_HOLD_MARGIN;
  self->box_delay = self->ramp_a + self->ramp_b - 2 + LQ_LIMITER_HOLD_MARGIN;
  self->latency = LQ_LIMITER_DET_DELAY + self->box_delay;
  /* At most 1920 * 1920 * 2^40 < 2^62 (10 ms at 384 kHz): no overflow. */
  self->full_a = (uint64_t) self->ramp_a * LQ_LIMITER_ONE;
  self->full_b = (uint64_t) self->ramp_b * self->full_a;
  self->inv_full = 1.0 / (double) self->full_b;
}

static void
reset_envelope (LqLimiter *self)
{
  self->env_fast = 0.0f;
  self->env_slow = 0.0f;
  self->slow_in = 0.0f;
  self->retriggered = 0;
  for (size_t i = 0; i <= self->hold; i++)
    self->suffix[i] = 1.0f;
  self->seg_pos = 0;
  self->seg_min = 1.0f;
  self->r_ones = self->hold;
  for (size_t i = 0; i <= self->box_mask; i++)
    {
      self->box_a[i] = LQ_LIMITER_ONE;
      self->box_b[i] = self->full_a;
    }
  self->sum_a = self->full_a;
  self->sum_b = self->full_b;
  self->box_stale = 0;
}

LqLimiter *
lq_limiter_new (unsigned rate, unsigned channels)
{
  LqLimiter *self;
  size_t max_w, ring, scratch = LQ_LIMITER_BLOCK + LQ_LIMITER_PAD;

  if (channels < 1 || channels > LQ_LIMITER_MAX_CHANNELS || rate < 8000 || rate > 384000)
    return NULL;

  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->rate = rate;
  self->channels = channels;

  max_w = (size_t) ceil (LQ_LIMITER_LOOKAHEAD_MAX * 0.001 * rate) + 2;
  ring = next_pow2 (max_w + LQ_LIMITER_DET_DELAY + LQ_LIMITER_HOLD_MARGIN + LQ_LIMITER_BLOCK + 1);
  self->ring_mask = ring - 1;
  self->box_mask = next_pow2 (max_w + 1) - 1;
  self->hist_len = LQ_LIMITER_TAPS - 1 + LQ_LIMITER_BLOCK + LQ_LIMITER_PAD;

  self->hist = calloc (self->hist_len * channels, sizeof (float));
  self->y1 = calloc (scratch, sizeof (float));
  self->y2 = calloc (scratch, sizeof (float));
  self->y3 = calloc (scratch + 1, sizeof (float));
  self->peak = calloc (scratch, sizeof (float));
  self->delay = calloc (ring * channels, sizeof (float));
  self->clamp = calloc (ring, sizeof (float));
  self->cdet = calloc (scratch, sizeof (float));
  self->need = calloc (scratch, sizeof (float));
  self->env = calloc (scratch, sizeof (float));
  self->seg = calloc (max_w + 2 * LQ_LIMITER_HOLD_MARGIN + 1, sizeof (float));
  self->suffix = calloc (max_w + 2 * LQ_LIMITER_HOLD_MARGIN + 2, sizeof (float));
  self->box_a = calloc (self->box_mask + 1, sizeof (uint64_t));
  self->box_b = calloc (self->box_mask + 1, sizeof (uint64_t));
  self->gain = calloc (scratch, sizeof (float));
  if (!self->hist || !self->y1 || !self->y2 || !self->y3 || !self->peak || !self->delay
      || !self->clamp || !self->cdet || !self->need || !self->env || !self->seg || !self->suffix
      || !self->box_a || !self->box_b || !self->gain)
    {
      lq_limiter_free (self);
      return NULL;
    }

  if (!design_interpolator (self))
    {
      lq_limiter_free (self);
      return NULL;
    }
  self->detect_true_peak = detect_true_peak_generic;
  self->group = 4;
#ifdef LQ_LIMITER_HAVE_AVX2
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma")
      && getenv ("LQ_LIMITER_NO_AVX2") == NULL)
    {
      self->detect_true_peak = detect_true_peak_avx2;
      self->group = 8;
    }
#endif
  self->ceiling_db = LQ_LIMITER_CEILING_DEFAULT;
  self->drive_db = LQ_LIMITER_DRIVE_DEFAULT;
  self->lookahead_ms = LQ_LIMITER_LOOKAHEAD_DEFAULT;
  self->release_ms = LQ_LIMITER_RELEASE_DEFAULT;
  self->true_peak = 1;
  lq_smoother_init (&self->drive, lq_db_to_gain (self->drive_db), LQ_LIMITER_SMOOTH_MS, rate);
  lq_smoother_init (&self->ceiling, lq_db_to_gain (self->ceiling_db), LQ_LIMITER_SMOOTH_MS, rate);
  update_release (self);
  update_lookahead (self);
  lq_limiter_reset (self);
  return self;
}

void
lq_limiter_free (LqLimiter *self)
{
  if (self == NULL)
    return;
  free (self->hist);
  free (self->y1);
  free (self->y2);
  free (self->y3);
  free (self->peak);
  free (self->delay);
  free (self->clamp);
  free (self->cdet);
  free (self->need);
  free (self->env);
  free (self->seg);
  free (self->suffix);
  free (self->box_a);
  free (self->box_b);
  free (self->gain);
  free (self);
}

void
lq_limiter_set_ceiling (LqLimiter *self, double ceiling_db)
{
  self->ceiling_db = clampd (ceiling_db, LQ_LIMITER_CEILING_MIN, LQ_LIMITER_CEILING_MAX);
  lq_smoother_set (&self->ceiling, lq_db_to_gain (self->ceiling_db));
}

void
lq_limiter_set_drive (LqLimiter *self, double drive_db)
{
  self->drive_db = clampd (drive_db, LQ_LIMITER_DRIVE_MIN, LQ_LIMITER_DRIVE_MAX);
  lq_smoother_set (&self->drive, lq_db_to_gain (self->drive_db));
}

void
lq_limiter_set_lookahead (LqLimiter *self, double lookahead_ms)
{
  lookahead_ms = clampd (lookahead_ms, LQ_LIMITER_LOOKAHEAD_MIN, LQ_LIMITER_LOOKAHEAD_MAX);
  if (lookahead_ms == self->lookahead_ms)
    return;
  self->lookahead_ms = lookahead_ms;
  update_lookahead (self);
  lq_limiter_reset (self);
}

void
lq_limiter_set_release (LqLimiter *self, double release_ms)
{
  self->release_ms = clampd (release_ms, LQ_LIMITER_RELEASE_MIN, LQ_LIMITER_RELEASE_MAX);
  update_release (self);
}

void
lq_limiter_set_true_peak (LqLimiter *self, int true_peak)
{
  self->true_peak = true_peak != 0;
}

void
lq_limiter_reset (LqLimiter *self)
{
  memset (self->hist, 0, self->hist_len * self->channels * sizeof (float));
  memset (self->delay, 0, (self->ring_mask + 1) * self->channels * sizeof (float));
  lq_smoother_jump (&self->drive, self->drive.target);
  lq_smoother_jump (&self->ceiling, self->ceiling.target);
  for (size_t i = 0; i <= self->ring_mask; i++)
    self->clamp[i] = (float) self->ceiling.target;
  for (unsigned c = 0; c < LQ_LIMITER_MAX_CHANNELS; c++)
    self->y3_prev[c] = 0.0f;
  self->n = 0;
  reset_envelope (self);
  self->min_gain = 1.0f;
}

size_t
lq_limiter_get_latency (const LqLimiter *self)
{
  return self->latency;
}

size_t
lq_limiter_compute_latency (unsigned rate, double lookahead_ms)
{
  double ms = clampd (lookahead_ms, LQ_LIMITER_LOOKAHEAD_MIN, LQ_LIMITER_LOOKAHEAD_MAX);
  size_t w = ramp_frames (rate, ms);

  /* As update_lookahead(): detector delay + (ramp_a + ramp_b - 2) + hold margin. */
  return LQ_LIMITER_DET_DELAY + w - 2 + LQ_LIMITER_HOLD_MARGIN;
}

double
lq_limiter_get_gain_reduction (const LqLimiter *self)
{
  return self->min_gain < 1.0f ? -20.0 * log10 (self->min_gain) : 0.0;
}

/* Stage 1: drive, sanitize, store. Runs of frames contiguous in the ring, so the loops
 * vectorize; the per-sample drive ramp only while the drive is moving. `gain` is free scratch
 * until stage 3. */
static void
ingest (LqLimiter *self, const float *in, size_t frames)
{
  const unsigned ch = self->channels;
  const size_t ring_frames = self->ring_mask + 1;
  const int settled = lq_smoother_settled (&self->drive);
  const float dconst = (float) self->drive.current;
  float *drive = self->gain;
  float *h0 = self->hist + LQ_LIMITER_TAPS - 1;
  float *h1 = h0 + self->hist_len;

  if (!settled)
    for (size_t i = 0; i < frames; i++)
      drive[i] = (float) lq_smoother_next (&self->drive);

  for (size_t done = 0; done < frames;)
    {
      size_t pos = (self->n + done) & self->ring_mask;
      size_t run = frames - done < ring_frames - pos ? frames - done : ring_frames - pos;
      float *dst = self->delay + pos * ch;
      const float *src = in + done * ch;

      if (settled)
        {
          for (size_t k = 0; k < run * ch; k++)
            {
              float v = src[k] * dconst;
              dst[k] = fabsf (v) <= LQ_LIMITER_INPUT_MAX ? v : 0.0f; /* NaN, Inf: silence */
            }
        }
      else
        {
          for (size_t i = 0; i < run; i++)
            for (unsigned c = 0; c < ch; c++)
              {
                float v = src[i * ch + c] * drive[done + i];
                dst[i * ch + c] = fabsf (v) <= LQ_LIMITER_INPUT_MAX ? v : 0.0f;
              }
        }

      if (ch == 2)
        {
          for (size_t i = 0; i < run; i++)
            {
              h0[done + i] = dst[2 * i];
              h1[done + i] = dst[2 * i + 1];
            }
        }
      else
        memcpy (h0 + done, dst, run * sizeof (float));
      done += run;
    }
}

/* Stage 2, true-peak mode. Frame i of the block is m = n + i - DET_DELAY; its 32-sample window
 * x[m - 15 .. m + 16] starts at hist[i]. Written once as a macro for a vector type of W = 4
 * (SSE2, the x86-64 baseline, or NEON) or W = 8 lanes (AVX2 + FMA, chosen at run time). */
#define LQ_DEFINE_DETECT_TRUE_PEAK(NAME, ATTRIBUTES, VT, VTI)                                     \
  ATTRIBUTES static void                                                                          \
  NAME (LqLimiter *self, size_t frames)                                                           \
  {                                                                                               \
    const size_t W = sizeof (VT) / sizeof (float);                                                \
    VT cs[LQ_LIMITER_HALF], cd[LQ_LIMITER_HALF], cm[LQ_LIMITER_HALF];                             \
    const VT zero = { 0 };                                                                        \
    const VT two = zero + 2.0f, eighth = zero + 0.125f, hfk = zero + LQ_LIMITER_HF_MARGIN;        \
                                                                                                  \
    for (int j = 0; j < LQ_LIMITER_HALF; j++)                                                     \
      {                                                                                           \
        cs[j] = zero + self->coef_s[j];                                                           \
        cd[j] = zero + self->coef_d[j];                                                           \
        cm[j] = zero + self->coef_h[j];                                                           \
      }                                                                                           \
                                                                                                  \
    for (unsigned c = 0; c < self->channels; c++)                                                 \
      {                                                                                           \
        const float *h = self->hist + c * self->hist_len;                                         \
                                                                                                  \
        /* The 4x values, W frames at a time, where needed: for a group not skipped, or whose   \
         * last y3 the next group needs. */                                                       \
        for (size_t i = 0; i < frames; i += W)                                                    \
          {                                                                                       \
            VT s = zero, d = zero, half = zero, y1, y3;                                           \
                                                                                                  \
            if (self->skip[i / W] && self->skip[i / W + 1])                                       \
              continue;                                                                           \
            for (int j = 0; j < LQ_LIMITER_HALF; j++)                                             \
              {                                                                                   \
                VT a, b, u, v;                                                                    \
                                                                                                  \
                memcpy (&a, h + i + j, sizeof a);                                                 \
                memcpy (&b, h + i + LQ_LIMITER_TAPS - 1 - j, sizeof b);                           \
                u = a + b;                                                                        \
                v = a - b;                                                                        \
                s += cs[j] * u;                                                                   \
                d += cd[j] * v;                                                                   \
                half += cm[j] * u;                                                                \
              }                                                                                   \
            y1 = s + d;                                                                           \
            y3 = s - d;                                                                           \
            memcpy (self->y1 + i, &y1, sizeof y1);                                                \
            memcpy (self->y2 + i, &half, sizeof half);                                            \
            memcpy (self->y3 + 1 + i, &y3, sizeof y3);                                            \
          }                                                                                       \
                                                                                                  \
        /* The parabola bound and the treble weight on each of the four points, then the          \
         * maximum over points and channels. */                                                   \
        self->y3[0] = self->y3_prev[c];                                                           \
        for (size_t i = 0; i < frames; i += W)                                                    \
          {                                                                                       \
            VT y0, y1, y2, y3, y4, yp, e[4], m;                                                   \
                                                                                                  \
            if (self->skip[i / W])                                                                \
              {                                                                                   \
                memcpy (self->peak + i, &zero, sizeof zero); /* needs no reduction */             \
                continue;                                                                         \
              }                                                                                   \
            memcpy (&y0, h + i + LQ_LIMITER_HALF - 1, sizeof y0);                                 \
            memcpy (&y4, h + i + LQ_LIMITER_HALF, sizeof y4);                                     \
            memcpy (&yp, self->y3 + i, sizeof yp);                                                \
            memcpy (&y1, self->y1 + i, sizeof y1);                                                \
            memcpy (&y2, self->y2 + i, sizeof y2);                                                \
            memcpy (&y3, self->y3 + 1 + i, sizeof y3);                                            \
            {                                                                                     \
              const VT prev[4] = { yp, y0, y1, y2 }, cur[4] = { y0, y1, y2, y3 };                 \
              const VT next[4] = { y1, y2, y3, y4 };                                              \
                                                                                                  \
              for (int k = 0; k < 4; k++)                                                         \
                {                                                                                 \
                  VT d2 = (VT) ((VTI) (prev[k] - two * cur[k] + next[k]) & 0x7fffffff);           \
                  VT slope = (VT) ((VTI) (next[k] - prev[k]) & 0x7fffffff);                       \
                  VTI less = d2 < slope;                                                          \
                  VT bend = (VT) (((VTI) d2 & less) | ((VTI) slope & ~less));                     \
                                                                                                  \
                  e[k] = (VT) ((VTI) cur[k] & 0x7fffffff) + eighth * bend + hfk * d2;             \
                }                                                                                 \
            }                                                                                     \
            m = e[0];                                                                             \
            for (int k = 1; k < 4; k++)                                                           \
              {                                                                                   \
                VTI more = e[k] > m;                                                              \
                m = (VT) (((VTI) e[k] & more) | ((VTI) m & ~more));                               \
              }                                                                                   \
            if (c > 0)                                                                            \
              {                                                                                   \
                VT prev_peak;                                                                     \
                VTI more;                                                                         \
                                                                                                  \
                memcpy (&prev_peak, self->peak + i, sizeof prev_peak);                            \
                more = prev_peak > m;                                                             \
                m = (VT) (((VTI) prev_peak & more) | ((VTI) m & ~more));                          \
              }                                                                                   \
            memcpy (self->peak + i, &m, sizeof m);                                                \
          }                                                                                       \
        self->y3_prev[c] = self->y3[frames];                                                      \
      }                                                                                           \
  }

LQ_DEFINE_DETECT_TRUE_PEAK (detect_true_peak_generic, , lq_v4, lq_v4i)

#ifdef LQ_LIMITER_HAVE_AVX2
typedef float lq_v8 __attribute__ ((vector_size (32)));
typedef int32_t lq_v8i __attribute__ ((vector_size (32)));

LQ_DEFINE_DETECT_TRUE_PEAK (detect_true_peak_avx2, __attribute__ ((target ("avx2,fma"))),
                            lq_v8, lq_v8i)
#endif

/* Marks the groups (of self->group frames, the detector's vectors) whose estimate cannot
 * reach the detection ceiling: the largest |sample| of the group's window (x[m - 16 .. m + 16]
 * for each frame m) times the bound is at or below it. The detector skips their 4x values and
 * gives them peak 0, which needs no reduction, as their exact estimate would; so the output is
 * the same. The first and last groups are always computed (they carry the y3 history), and
 * nothing is skipped while the ceiling moves. */
static void
plan_skip (LqLimiter *self, size_t frames)
{
  const size_t W = self->group, n_groups = (frames + W - 1) / W;
  const size_t n_chunks = (frames + LQ_LIMITER_TAPS + 7) / 8;
  lq_v4 cmax[(LQ_LIMITER_BLOCK + LQ_LIMITER_TAPS + 7) / 8 + 1];
  float lim;

  memset (self->skip, 0, n_groups + 1);
  if (!lq_smoother_settled (&self->ceiling) || n_groups < 3)
    return;
  /* Float rounding of the ceiling's product: stay a little lower. */
  lim = (float) self->ceiling.current * (float) lq_db_to_gain (-LQ_LIMITER_TRUE_PEAK_MARGIN_DB)
        / self->bound * 0.9999f;

  /* Maxima of |x| over chunks of eight samples of the history (both channels), folded to four
   * lanes; the samples past the block's end only make the test more cautious. */
  for (size_t q = 0; q < n_chunks; q++)
    {
      lq_v4 m = V4_SPLAT (0.0f);

      for (unsigned c = 0; c < self->channels; c++)
        {
          const float *h = self->hist + c * self->hist_len + 8 * q;
          lq_v4 x0, x1;

          V4_LOAD (x0, h);
          V4_LOAD (x1, h + 4);
          m = v4_maxps (m, V4_ABS (x0));
          m = v4_maxps (m, V4_ABS (x1));
        }
      cmax[q] = m;
    }
  /* Group g (frames i0 .. i0 + W - 1) reads hist[i0 - 1 .. i0 + W + 30]. */
  for (size_t g = 1; g + 1 < n_groups; g++)
    {
      size_t lo = (g * W - 1) / 8, hi = (g * W + W + LQ_LIMITER_TAPS - 2) / 8;
      lq_v4 m = cmax[lo];
      float a, b;

      for (size_t q = lo + 1; q <= hi; q++)
        m = v4_maxps (m, cmax[q]);
      a = m[0] > m[1] ? m[0] : m[1];
      b = m[2] > m[3] ? m[2] : m[3];
      self->skip[g] = (a > b ? a : b) <= lim;
    }
}

static void
detect (LqLimiter *self, size_t frames)
{
  if (self->true_peak)
    {
      plan_skip (self, frames);
      self->detect_true_peak (self, frames);
      return;
    }
  memset (self->peak, 0, frames * sizeof (float));
  for (unsigned c = 0; c < self->channels; c++)
    {
      const float *x = self->hist + c * self->hist_len + LQ_LIMITER_HALF - 1;

      for (size_t i = 0; i < frames; i++)
        self->peak[i] = fabsf (x[i]) > self->peak[i] ? fabsf (x[i]) : self->peak[i];
      /* Keep the 4x history coherent for a later switch to true-peak mode. */
      self->y3_prev[c] = x[frames - 1];
    }
}

/* Suffix minima of a completed segment of the sliding minimum: suffix[k] = min (seg[k ..
 * hold - 1]), suffix[hold] = 1. The running minimum stays in a register. */
static inline void
suffix_minima (float *suffix, const float *seg, size_t hold)
{
  float m = 1.0f;

  suffix[hold] = 1.0f;
  for (size_t k = hold; k-- > 0;)
    {
      m = seg[k] < m ? seg[k] : m;
      suffix[k] = m;
    }
}

/* Writes the ring entries the idle path left (the last box_stale frames before frame n). */
static void
fill_stale_boxes (LqLimiter *self)
{
  const size_t bmask = self->box_mask;
  uint64_t *box_a = self->box_a, *box_b = self->box_b;
  const uint64_t full_a = self->full_a;

  for (size_t k = 1; k <= self->box_stale; k++)
    {
      box_a[(self->n - k) & bmask] = LQ_LIMITER_ONE;
      box_b[(self->n - k) & bmask] = full_a;
    }
  self->box_stale = 0;
}

/* The fast path of stage 3 for a block where nothing happens: every frame's peak is at or
 * below its detection ceiling (so every frame needs gain 1), the envelope is at rest, the
 * released gain has been 1 for at least a hold window and both moving averages are full. Then
 * the full computation would give gain 1 on every frame and leave the envelope as it is; this
 * writes the same state (the segment of the sliding minimum, the averages' rings) without
 * the per-frame serial work. Returns zero (and changes nothing) when the block needs more. */
static int
compute_gain_idle (LqLimiter *self, size_t frames)
{
  const size_t hold = self->hold, bmask = self->box_mask;
  lq_v4i over = { 0 };

  if (self->env_fast != 0.0f || self->env_slow != 0.0f || self->slow_in != 0.0f
      || self->retriggered || self->r_ones + 1 < hold || self->sum_a != self->full_a
      || self->sum_b != self->full_b)
    return 0;
  for (size_t i = 0; i < frames; i += 4)
    {
      lq_v4 peak, cdet;
      lq_v4i keep = { -1, -1, -1, -1 };

      V4_LOAD (peak, self->peak + i);
      V4_LOAD (cdet, self->cdet + i);
      if (frames - i < 4) /* the scratch arrays are padded: ignore lanes past the block */
        for (size_t k = frames - i; k < 4; k++)
          keep[k] = 0;
      over |= (peak > cdet) & keep;
    }
  if ((over[0] | over[1] | over[2] | over[3]) != 0)
    return 0;

  /* Released gain 1 on every frame: the sliding minimum's segment bookkeeping as in the full
   * path (seg_min stays as it is: it is at most 1). */
  for (size_t left = frames; left > 0;)
    {
      float *seg = self->seg;
      size_t pos = self->seg_pos, run;

      if (pos == hold)
        {
          /* suffix_minima() of this segment: its last hold - 1 gains are 1 (they are in the
           * run of ones), only seg[0] may be lower. */
          float *suffix = self->suffix;

          suffix[0] = seg[0];
          for (size_t k = 1; k <= hold; k++)
            suffix[k] = 1.0f;
          pos = 0;
          self->seg_min = 1.0f;
        }
      run = hold - pos < left ? hold - pos : left;
      for (size_t k = 0; k < run; k++)
        seg[pos + k] = 1.0f;
      self->seg_pos = pos + run;
      left -= run;
    }
  self->r_ones += frames;

  /* Held gain 1: both averages stay full. Their rings would get the values the sums already
   * hold (LQ_LIMITER_ONE, full_a); fill_stale_boxes() writes them when they are next read. */
  self->box_stale = self->box_stale + frames > bmask + 1 ? bmask + 1 : self->box_stale + frames;
  return 1;
}

/* Stage 3: the gain envelope. Returns nonzero when the block is idle: every output gain is
 * exactly 1 and the safety clamp has nothing to do (see compute_gain_idle()). */
static int
compute_gain (LqLimiter *self, size_t frames)
{
  const float margin =
    self->true_peak ? (float) lq_db_to_gain (-LQ_LIMITER_TRUE_PEAK_MARGIN_DB) : 1.0f;
  const size_t ra = self->ramp_a, rb = self->ramp_b, bmask = self->box_mask, hold = self->hold;
  float env_fast = self->env_fast, env_slow = self->env_slow, slow_in = self->slow_in;
  const float fast_decay = self->fast_decay, slow_decay = self->slow_decay;
  const float charge = self->slow_charge;
  uint64_t sum_a = self->sum_a, sum_b = self->sum_b;
  float min_gain = self->min_gain;
  const lq_v4 one = V4_SPLAT (1.0f), zero = V4_SPLAT (0.0f);

  /* The ceiling for each frame (and for its safety clamp at output time). */
  if (lq_smoother_settled (&self->ceiling))
    {
      float c_lim = (float) self->ceiling.current;
      float c_det = c_lim * margin;
      float *clamp = self->clamp, *cdet = self->cdet;
      const size_t ring_mask = self->ring_mask;

      for (size_t done = 0; done < frames;)
        {
          size_t pos = (self->n + done) & ring_mask;
          size_t room = ring_mask + 1 - pos;
          size_t run = frames - done < room ? frames - done : room;

          for (size_t k = 0; k < run; k++)
            clamp[pos + k] = c_lim;
          done += run;
        }
      for (size_t i = 0; i < frames; i++)
        cdet[i] = c_det;
    }
  else
    {
      for (size_t i = 0; i < frames; i++)
        {
          float c_lim = (float) lq_smoother_next (&self->ceiling);

          self->clamp[(self->n + i) & self->ring_mask] = c_lim;
          self->cdet[i] = c_lim * margin;
        }
    }

  if (compute_gain_idle (self, frames))
    return 1;
  if (self->box_stale > 0)
    fill_stale_boxes (self);

  /* Needed gain and its log2 reduction, four frames at a time. */
  for (size_t i = 0; i < frames; i += 4)
    {
      lq_v4 peak, cdet, need, over, q;

      V4_LOAD (peak, self->peak + i);
      V4_LOAD (cdet, self->cdet + i);
      over = V4_MAX (peak, cdet); /* never divides by zero */
      need = V4_MIN (cdet / over, one);
      q = need;
      v4_log2 (&q);
      q = V4_SEL (need < one, -q, zero);
      V4_STORE (self->need + i, need);
      V4_STORE (self->env + i, q);
    }

  /* Program-dependent release, the sequential part of the envelope. The fast envelope jumps to
   * each frame's need and decays with release / 5. The slow one steps every
   * LQ_LIMITER_SLOW_STEP frames (counted from reset, so the result does not depend on how the
   * stream is cut into buffers): while the limiter keeps catching new peaks (the fast envelope
   * was re-triggered during the step) it moves towards the fast one with the release time
   * constant; otherwise it holds while the fast envelope is above it and decays with the
   * release time constant once it is below. So a short burst recovers at the fast rate, a
   * long stretch of limiting at the slow one. */
  {
    float *env = self->env;
    const uint64_t n0 = self->n;
    int retriggered = self->retriggered;

    for (size_t i = 0; i < frames; i++)
      {
        float q = env[i];
        float decayed = env_fast * fast_decay;

        retriggered |= q > decayed;
        env_fast = q > decayed ? q : decayed;
        slow_in = env_fast > slow_in ? env_fast : slow_in;
        if (((n0 + i + 1) & (LQ_LIMITER_SLOW_STEP - 1)) == 0)
          {
            if (retriggered)
              env_slow += (slow_in - env_slow) * charge;
            else if (slow_in < env_slow)
              env_slow *= slow_decay;
            env_slow = env_slow < LQ_LIMITER_ENV_FLOOR ? 0.0f : env_slow;
            slow_in = 0.0f;
            retriggered = 0;
          }
        env[i] = env_fast > env_slow ? env_fast : env_slow;
      }
    /* Values under the floor count as no reduction below, so flushing them here (not in the
     * loop's dependency chain) only keeps denormals away; it changes no output. */
    env_fast = env_fast < LQ_LIMITER_ENV_FLOOR ? 0.0f : env_fast;
    self->retriggered = retriggered;
  }

  /* Released gain, never above what the frame needs. */
  for (size_t i = 0; i < frames; i += 4)
    {
      lq_v4 env, need, g;

      V4_LOAD (env, self->env + i);
      V4_LOAD (need, self->need + i);
      g = V4_MIN (-env, zero);
      g = V4_MAX (g, V4_SPLAT (-126.0f));
      v4_exp2 (&g);
      g = V4_SEL (env >= V4_SPLAT (LQ_LIMITER_ENV_FLOOR), V4_MIN (g, need), need);
      V4_STORE (self->env + i, g);
    }

  /* Hold (sliding minimum) and the two moving averages, state in locals: with
   * -fno-strict-aliasing every float store could otherwise alias the struct. */
  {
    const float *rel = self->env;
    float *seg = self->seg, *suffix = self->suffix, *gain = self->gain;
    uint64_t *box_a = self->box_a, *box_b = self->box_b;
    const double inv_full = self->inv_full;
    size_t seg_pos = self->seg_pos, r_ones = self->r_ones;
    float seg_min = self->seg_min;
    const uint64_t n0 = self->n;

    for (size_t i = 0; i < frames; i++)
      {
        const uint64_t n = n0 + i;
        float r = rel[i], held, g;
        uint64_t held_q;

        if (seg_pos == hold)
          {
            suffix_minima (suffix, seg, hold);
            seg_pos = 0;
            seg_min = 1.0f;
          }
        seg[seg_pos] = r;
        seg_min = r < seg_min ? r : seg_min;
        held = suffix[seg_pos + 1];
        held = seg_min < held ? seg_min : held;
        seg_pos++;
        r_ones = r < 1.0f ? 0 : r_ones + 1;

        /* held in [0, 1]: truncation rounds it down, so the averages never exceed the held
         * gains. The sums are exact (unsigned wrap-around of the subtraction included). */
        held_q = (uint64_t) (int64_t) ((double) held * (double) LQ_LIMITER_ONE);
        sum_a += held_q - box_a[(n - ra) & bmask];
        box_a[n & bmask] = held_q;
        sum_b += sum_a - box_b[(n - rb) & bmask];
        box_b[n & bmask] = sum_a;
        g = (float) ((double) sum_b * inv_full);
        g = g > 1.0f ? 1.0f : g;
        gain[i] = g;
        min_gain = g < min_gain ? g : min_gain;
      }
    self->seg_pos = seg_pos;
    self->seg_min = seg_min;
    self->r_ones = r_ones;
  }

  if (!isfinite (env_fast) || !isfinite (env_slow) || !isfinite (slow_in))
    {
      reset_envelope (self);
      return 0;
    }
  self->env_fast = env_fast;
  self->env_slow = env_slow;
  self->slow_in = slow_in;
  self->sum_a = sum_a;
  self->sum_b = sum_b;
  self->min_gain = min_gain;
  return 0;
}

/* Stage 4: delayed audio times gain, safety clamp; runs contiguous in the ring. `need` is
 * free scratch here and holds the clamp level of each output frame. In an idle block every
 * gain is exactly 1 and the clamp is a no-op: both moving averages are full, so the released
 * gain was 1 all around each output frame's detection, so its peak (at least the sample's
 * magnitude) was at or below the detection ceiling, which is at or below the clamp level. The
 * output is then the delayed input, copied. */
static void
output (LqLimiter *self, float *out, size_t frames, int idle)
{
  const unsigned ch = self->channels;
  const size_t ring_frames = self->ring_mask + 1;
  float *lim = self->need;

  if (idle)
    {
      for (size_t done = 0; done < frames;)
        {
          size_t pos = (self->n + done - self->latency) & self->ring_mask;
          size_t run = frames - done < ring_frames - pos ? frames - done : ring_frames - pos;

          memcpy (out + done * ch, self->delay + pos * ch, run * ch * sizeof (float));
          done += run;
        }
      return;
    }

  {
    const float *clamp = self->clamp;
    const size_t ring_mask = self->ring_mask;
    const uint64_t start = self->n - self->box_delay;

    for (size_t i = 0; i < frames; i++)
      lim[i] = clamp[(start + i) & ring_mask];
  }

  for (size_t done = 0; done < frames;)
    {
      size_t pos = (self->n + done - self->latency) & self->ring_mask;
      size_t run = frames - done < ring_frames - pos ? frames - done : ring_frames - pos;
      const float *src = self->delay + pos * ch;
      const float *g = self->gain + done;
      const float *l = lim + done;
      float *dst = out + done * ch;

      if (ch == 2)
        {
          for (size_t i = 0; i < run; i++)
            {
              float a = src[2 * i] * g[i], b = src[2 * i + 1] * g[i];

              a = a > l[i] ? l[i] : a;
              a = a < -l[i] ? -l[i] : a;
              b = b > l[i] ? l[i] : b;
              b = b < -l[i] ? -l[i] : b;
              dst[2 * i] = a;
              dst[2 * i + 1] = b;
            }
        }
      else
        {
          for (size_t i = 0; i < run; i++)
            {
              float a = src[i] * g[i];

              a = a > l[i] ? l[i] : a;
              a = a < -l[i] ? -l[i] : a;
              dst[i] = a;
            }
        }
      done += run;
    }
}

void
lq_limiter_process (LqLimiter *self, float *interleaved, size_t frames)
{
  self->min_gain = 1.0f;
  while (frames > 0)
    {
      size_t todo = frames < LQ_LIMITER_BLOCK ? frames : LQ_LIMITER_BLOCK;

      ingest (self, interleaved, todo);
      detect (self, todo);
      output (self, interleaved, todo, compute_gain (self, todo));

      /* Keep the last TAPS - 1 samples of history in front of the next block. */
      for (unsigned c = 0; c < self->channels; c++)
        {
          float *h = self->hist + c * self->hist_len;
          memmove (h, h + todo, (LQ_LIMITER_TAPS - 1) * sizeof (float));
        }
      self->n += todo;
      interleaved += todo * self->channels;
      frames -= todo;
    }
}
