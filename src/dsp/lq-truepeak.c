/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * True-peak detector after ITU-R BS.1770 Annex 2, written for speed.
 *
 * Two interpolation filters (see lq-truepeak.h for why the default is not the standard's):
 *
 *  - PRECISE: a 32-tap Kaiser-windowed sinc per phase (beta 8, cut-off fs/2, each phase
 *    normalised to unity gain at DC) evaluating the signal at n + 1/4, n + 1/2, n + 3/4
 *    (4x; only n + 1/2 at 2x); the sample itself is the fourth point.
 *  - BS1770: the 48-tap reference filter of Annex 2 (4 phases of 12 taps at n + 1/8, 3/8,
 *    5/8, 7/8), 4x at every rate below 176.4 kHz.
 *
 * Each block of input is first copied once per channel into a contiguous work buffer that
 * starts with the last samples of the previous block (the FIR history). That pass also
 * replaces non-finite samples with 0 and takes the sample peak, with integer operations on
 * the float bits, which the compiler vectorizes without any fast-math flag.
 *
 * The FIR pass then computes 8 outputs at a time with GCC vector extensions, using the
 * symmetry of both filters. With K = taps / 2, u_j = x[n - j], v_j = x[n - 2K + 1 + j]:
 *  - a symmetric phase (PRECISE n + 1/2) is sum_j<K h[j] (u_j + v_j);
 *  - two phases that are mirror images (h_b[j] = h_a[2K - 1 - j]: PRECISE 1/4 and 3/4,
 *    BS1770 0 and 3, 1 and 2) only matter through the larger magnitude, and
 *      max (|y_a|, |y_b|) = |(y_a + y_b) / 2| + |(y_a - y_b) / 2|
 *                         = |sum_j s_j (u_j + v_j)| + |sum_j d_j (u_j - v_j)|
 *    with s_j, d_j = (h_a[j] +- h_a[2K - 1 - j]) / 2.
 * PRECISE 4x thus costs 2K additions and 3K multiply-adds per sample instead of 6K
 * multiply-adds. The code is built twice on x86-64, plain (SSE2) and for AVX2+FMA, and the
 * best one the CPU supports is picked when the detector is created.
 */
#include "lq-truepeak.h"

#include "lq-dsp-util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#define MAX_K 16      /* tap pairs of the longest filter (PRECISE: 32 taps) */
#define MAX_HISTORY (2 * MAX_K - 1)
#define BLOCK 2048    /* frames per internal block: the work buffers stay in L1 */
#define VLEN 8        /* floats per vector */
#define SIGN_MASK 0x7fffffffu
#define EXP_MASK 0x7f800000u

#define PRECISE_K 16
#define PRECISE_BETA 8.0
#define PRECISE_HALF_WIDTH 16.5 /* Kaiser window half-width in samples */
#define BS1770_K 6

typedef float v8f __attribute__ ((vector_size (32)));
typedef unsigned int v8u __attribute__ ((vector_size (32)));
typedef int v8i __attribute__ ((vector_size (32)));

/* The reference filter of BS.1770-5 Annex 2, phases 0 and 1; phases 3 and 2 are their
 * mirror images. */
static const double bs1770_taps[2][12] = {
  { 0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
    0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250,
    0.0148925781250, -0.0083007812500 },
  { -0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
    0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625,
    0.0330810546875, -0.0189208984375 },
};

typedef struct
{
  float sym[MAX_K];         /* symmetric phase, taps j (= taps 2K-1-j) */
  float sum[2][MAX_K];      /* mirrored pairs a = 0, 1: (h_a[j] + h_a[2K-1-j]) / 2 */
  float diff[2][MAX_K];     /* (h_a[j] - h_a[2K-1-j]) / 2 */
} Coefs;

/* Runs the FIR over `n` new samples in w[history .. history + n) (n a multiple of VLEN) and
 * returns the largest |output| as float bits with the sign cleared, ignoring the first
 * `skip` outputs (< VLEN: outputs that belong to an earlier call). */
typedef unsigned int (*FirFunc) (const Coefs *k, const float *w, size_t n, unsigned skip);

/* Copies channel c of `frames` interleaved frames into dst, zeroing non-finite samples;
 * returns the max |sample| as float bits and adds the non-finite count to *bad. */
typedef unsigned (*CopyFunc) (const float *in, unsigned channels, unsigned c, size_t frames,
                              float *dst, uint64_t *bad);

struct _LqTruePeak
{
  unsigned channels;     /* interleaved channels, 1..LQ_TRUEPEAK_MAX_CHANNELS */
  unsigned rate;         /* sample rate, Hz */
  LqTruePeakFilter filter; /* interpolation filter */
  unsigned factor;       /* oversampling: 4, 2 or 1 */
  unsigned history;      /* samples of history the filter needs: taps - 1 */
  unsigned keep;         /* samples kept between blocks: history + VLEN, so that a whole
                          * vector of outputs ending at a block's end can always be computed */
  size_t stride;         /* floats per channel in `work` */
  float *work;           /* per channel: `keep` samples of history, then one block */
  FirFunc fir;           /* the FIR pass picked for this CPU, filter and factor (NULL at 1x) */
  CopyFunc copy;         /* the copy pass picked for this CPU */
  Coefs coefs;           /* filter coefficients in float */
  unsigned true_bits[LQ_TRUEPEAK_MAX_CHANNELS];   /* max |interpolated|, float bits */
  unsigned sample_bits[LQ_TRUEPEAK_MAX_CHANNELS]; /* max |sample|, float bits */
  uint64_t n_nonfinite;  /* non-finite input samples replaced by 0 since the last reset */
};

/* Helpers as macros: 32-byte vectors must not cross a function boundary in the SSE2 build
 * (that would change the ABI, -Wpsabi). */

/* An unaligned load of 8 floats. */
#define LOAD8(dst, p) memcpy (&(dst), (p), sizeof (dst))

/* |v| as float bits (sign cleared). */
#define ABS_BITS(v) ((v8u) (v) & SIGN_MASK)

/* Lane-wise max of non-negative floats given as bits: integer order is float order. */
#define MAX_BITS(m, a)                                   \
  do                                                     \
    {                                                    \
      v8u a_ = (a);                                      \
      v8u gt_ = (v8u) ((v8i) a_ > (v8i) (m));            \
      (m) = (a_ & gt_) | ((m) & ~gt_);                   \
    }                                                    \
  while (0)

/* One vector of 8 outputs at x[0..7]: accumulates the phases over the K tap pairs and
 * merges their magnitudes into the running maximum m. */
#define FIR_VECTOR(m, x)                                                               \
  do                                                                                   \
    {                                                                                  \
      v8f c_ = { 0 }, s0_ = { 0 }, d0_ = { 0 }, s1_ = { 0 }, d1_ = { 0 };              \
      for (int j = 0; j < K; j++)                                                      \
        {                                                                              \
          v8f u_, v_, p_, q_;                                                          \
          LOAD8 (u_, (x) - j);               /* x[i - j] */                            \
          LOAD8 (v_, (x) - (2 * K - 1) + j); /* x[i - 2K + 1 + j] */                   \
          p_ = u_ + v_;                                                                \
          q_ = u_ - v_;                                                                \
          if (sym)                                                                     \
            c_ += k->sym[j] * p_;                                                      \
          if (pairs >= 1)                                                              \
            {                                                                          \
              s0_ += k->sum[0][j] * p_;                                                \
              d0_ += k->diff[0][j] * q_;                                               \
            }                                                                          \
          if (pairs >= 2)                                                              \
            {                                                                          \
              s1_ += k->sum[1][j] * p_;                                                \
              d1_ += k->diff[1][j] * q_;                                               \
            }                                                                          \
        }                                                                              \
      if (sym)                                                                         \
        MAX_BITS (m, ABS_BITS (c_));                                                   \
      if (pairs >= 1)                                                                  \
        MAX_BITS (m, ABS_BITS ((v8f) ABS_BITS (s0_) + (v8f) ABS_BITS (d0_)));          \
      if (pairs >= 2)                                                                  \
        MAX_BITS (m, ABS_BITS ((v8f) ABS_BITS (s1_) + (v8f) ABS_BITS (d1_)));          \
    }                                                                                  \
  while (0)

/* The FIR pass for K tap pairs, `pairs` mirrored phase pairs (0..2) and `sym` symmetric
 * phases (0..1); all three are constants in each caller, so the loops unroll. Two vectors
 * per iteration give the CPU two independent dependency chains. */
static inline __attribute__ ((always_inline)) unsigned
fir_body (const Coefs *k, const float *w, size_t n, unsigned skip, const int K, const int pairs,
          const int sym)
{
  v8u ma = { 0 }, mb = { 0 };
  unsigned r = 0;
  size_t i = 0;

  /* x[i - j] lives at w[history + i - j], history = 2K - 1. */
  if (skip > 0 && n > 0)
    {
      v8u first = { 0 }, keep;

      for (int l = 0; l < VLEN; l++)
        keep[l] = (unsigned) l < skip ? 0u : ~0u;
      FIR_VECTOR (first, w + (2 * K - 1));
      first &= keep;
      MAX_BITS (ma, first);
      i = VLEN;
    }
  for (; i + 2 * VLEN <= n; i += 2 * VLEN)
    {
      FIR_VECTOR (ma, w + (2 * K - 1) + i);
      FIR_VECTOR (mb, w + (2 * K - 1) + i + VLEN);
    }
  for (; i < n; i += VLEN)
    FIR_VECTOR (ma, w + (2 * K - 1) + i);
  MAX_BITS (ma, mb);
  for (int l = 0; l < VLEN; l++)
    r = ma[l] > r ? ma[l] : r;
  return r;
}

#define DEFINE_FIRS(suffix, attr)                                                        \
  attr static unsigned                                                                   \
  fir_precise4_##suffix (const Coefs *k, const float *w, size_t n, unsigned skip)       \
  {                                                                                      \
    return fir_body (k, w, n, skip, PRECISE_K, 1, 1);                                    \
  }                                                                                      \
  attr static unsigned                                                                   \
  fir_precise2_##suffix (const Coefs *k, const float *w, size_t n, unsigned skip)       \
  {                                                                                      \
    return fir_body (k, w, n, skip, PRECISE_K, 0, 1);                                    \
  }                                                                                      \
  attr static unsigned                                                                   \
  fir_bs1770_##suffix (const Coefs *k, const float *w, size_t n, unsigned skip)         \
  {                                                                                      \
    return fir_body (k, w, n, skip, BS1770_K, 2, 0);                                     \
  }

DEFINE_FIRS (generic, )

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LQ_TRUEPEAK_HAVE_AVX2 1
DEFINE_FIRS (avx2, __attribute__ ((target ("avx2,fma"))))
#endif

static inline unsigned
float_bits (float f)
{
  unsigned u;
  memcpy (&u, &f, sizeof u);
  return u;
}

static inline float
bits_float (unsigned u)
{
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

/* Copies channel `c` of `frames` interleaved frames into `dst`, zeroing non-finite samples.
 * Returns the max |sample| as bits; adds the number of non-finite samples to *bad. */
static inline __attribute__ ((always_inline)) unsigned
copy_body (const float *in, unsigned channels, unsigned c, size_t frames, float *dst,
           uint64_t *bad)
{
  const unsigned *src = (const unsigned *) (const void *) in;
  unsigned *out = (unsigned *) (void *) dst;
  unsigned peak = 0, nbad = 0;

  /* Specialised strides so that the compiler vectorizes the common layouts. */
#define COPY_LOOP(CH)                                                       \
  for (size_t i = 0; i < frames; i++)                                       \
    {                                                                       \
      unsigned u = src[i * (CH) + c];                                       \
      unsigned finite = (u & EXP_MASK) != EXP_MASK;                         \
      unsigned a;                                                           \
      nbad += finite ^ 1u;                                                  \
      u &= 0u - finite;                                                     \
      out[i] = u;                                                           \
      a = u & SIGN_MASK;                                                    \
      peak = a > peak ? a : peak;                                           \
    }
  if (channels == 1)
    COPY_LOOP (1)
  else if (channels == 2)
    COPY_LOOP (2)
  else
    COPY_LOOP (channels)
#undef COPY_LOOP

  *bad += nbad;
  return peak;
}

static unsigned
copy_generic (const float *in, unsigned channels, unsigned c, size_t frames, float *dst,
              uint64_t *bad)
{
  return copy_body (in, channels, c, frames, dst, bad);
}

#ifdef LQ_TRUEPEAK_HAVE_AVX2
__attribute__ ((target ("avx2"))) static unsigned
copy_avx2 (const float *in, unsigned channels, unsigned c, size_t frames, float *dst,
           uint64_t *bad)
{
  return copy_body (in, channels, c, frames, dst, bad);
}
#endif

static double
bessel_i0 (double x)
{
  double sum = 1.0, term = 1.0;

  for (int k = 1; k < 64; k++)
    {
      term *= (x / (2 * k)) * (x / (2 * k));
      sum += term;
      if (term < 1e-17 * sum)
        break;
    }
  return sum;
}

/* PRECISE: the taps on x[n - j], j = 0..2K-1, of the phase that interpolates the signal at
 * t = n - K + frac (between x[n - K] and x[n - K + 1]); tap j sits d = K - j - frac samples
 * from t. The quarter phase reversed is the three-quarter phase; the half phase is
 * symmetric. */
static void
design_precise (double taps[32], double frac)
{
  double norm = 0.0;

  for (int j = 0; j < 2 * PRECISE_K; j++)
    {
      double d = PRECISE_K - j - frac;
      double a = LQ_PI * d;
      double r = d / PRECISE_HALF_WIDTH;
      double window = bessel_i0 (PRECISE_BETA * sqrt (r < 1.0 ? 1.0 - r * r : 0.0));

      taps[j] = sin (a) / a * window;
      norm += taps[j];
    }
  for (int j = 0; j < 2 * PRECISE_K; j++)
    taps[j] /= norm;
}

LqTruePeak *
lq_truepeak_new_full (unsigned channels, unsigned rate, LqTruePeakFilter filter)
{
  LqTruePeak *self;
  int K;

  if (channels < 1 || channels > LQ_TRUEPEAK_MAX_CHANNELS || rate < 8000 || rate > 768000
      || (filter != LQ_TRUEPEAK_FILTER_PRECISE && filter != LQ_TRUEPEAK_FILTER_BS1770))
    return NULL;

  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;

  self->channels = channels;
  self->rate = rate;
  self->filter = filter;
  if (filter == LQ_TRUEPEAK_FILTER_PRECISE)
    self->factor = rate < 88200 ? 4 : rate < 176400 ? 2 : 1;
  else
    self->factor = rate < 176400 ? 4 : 1;
  K = filter == LQ_TRUEPEAK_FILTER_PRECISE ? PRECISE_K : BS1770_K;
  self->history = 2 * K - 1;
  self->keep = self->history + VLEN;
  self->stride = self->keep + BLOCK;
  self->work = calloc (channels * self->stride, sizeof (float));
  if (self->work == NULL)
    {
      free (self);
      return NULL;
    }

  if (filter == LQ_TRUEPEAK_FILTER_PRECISE)
    {
      double quarter[32], half[32];

      design_precise (quarter, 0.25); /* its mirror image is the 3/4 phase */
      design_precise (half, 0.5);
      for (int j = 0; j < K; j++)
        {
          self->coefs.sym[j] = (float) half[j];
          self->coefs.sum[0][j] = (float) (0.5 * (quarter[j] + quarter[2 * K - 1 - j]));
          self->coefs.diff[0][j] = (float) (0.5 * (quarter[j] - quarter[2 * K - 1 - j]));
        }
    }
  else
    {
      for (int a = 0; a < 2; a++)
        for (int j = 0; j < K; j++)
          {
            self->coefs.sum[a][j] = (float) (0.5 * (bs1770_taps[a][j] + bs1770_taps[a][2 * K - 1 - j]));
            self->coefs.diff[a][j] = (float) (0.5 * (bs1770_taps[a][j] - bs1770_taps[a][2 * K - 1 - j]));
          }
    }

  {
    int avx2 = 0;

#ifdef LQ_TRUEPEAK_HAVE_AVX2
    __builtin_cpu_init ();
    avx2 = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
    if (avx2)
      {
        self->copy = copy_avx2;
        self->fir = filter == LQ_TRUEPEAK_FILTER_BS1770 ? fir_bs1770_avx2
                  : self->factor == 4 ? fir_precise4_avx2 : fir_precise2_avx2;
      }
#endif
    if (!avx2)
      {
        self->copy = copy_generic;
        self->fir = filter == LQ_TRUEPEAK_FILTER_BS1770 ? fir_bs1770_generic
                  : self->factor == 4 ? fir_precise4_generic : fir_precise2_generic;
      }
    if (self->factor == 1)
      self->fir = NULL;
  }

  return self;
}

LqTruePeak *
lq_truepeak_new (unsigned channels, unsigned rate)
{
  return lq_truepeak_new_full (channels, rate, LQ_TRUEPEAK_FILTER_PRECISE);
}

void
lq_truepeak_free (LqTruePeak *self)
{
  if (self == NULL)
    return;
  free (self->work);
  free (self);
}

void
lq_truepeak_process (LqTruePeak *self, const float *interleaved, size_t frames)
{
  const unsigned channels = self->channels;
  const unsigned keep = self->keep;
#if defined(__SSE__)
  /* The FIR multiplies tiny values too: flush denormals for the duration of the call. */
  const unsigned int csr = _mm_getcsr ();
  _mm_setcsr (csr | 0x8040); /* FTZ | DAZ */
#endif

  while (frames > 0)
    {
      size_t n = frames < BLOCK ? frames : BLOCK;

      for (unsigned c = 0; c < channels; c++)
        {
          float *w = self->work + c * self->stride;
          unsigned sp = self->copy (interleaved, channels, c, n, w + keep, &self->n_nonfinite);

          if (sp > self->sample_bits[c])
            self->sample_bits[c] = sp;
          if (self->fir != NULL)
            {
              /* The FIR's first output is at w' + history: pass w' = w + VLEN for the new
               * samples. A partial last vector is computed as the whole vector that ends at
               * the block's end: it recomputes outputs of this block (same arithmetic, same
               * values), or, when the block is shorter than a vector, outputs of earlier
               * calls, which are masked out. */
              size_t whole = n - n % VLEN;
              unsigned tp = self->fir (&self->coefs, w + VLEN, whole, 0);

              if (whole < n)
                {
                  unsigned skip = n < VLEN ? (unsigned) (VLEN - n) : 0;
                  unsigned rest = self->fir (&self->coefs, w + VLEN + n - VLEN, VLEN, skip);
                  tp = rest > tp ? rest : tp;
                }
              if (tp > self->true_bits[c])
                self->true_bits[c] = tp;
            }
          /* Keep the last `keep` samples for the next block. */
          memmove (w, w + n, keep * sizeof (float));
        }

      interleaved += n * channels;
      frames -= n;
    }

#if defined(__SSE__)
  _mm_setcsr (csr);
#endif
}

float
lq_truepeak_get_true_peak (const LqTruePeak *self, unsigned channel)
{
  unsigned t, s;

  if (channel >= self->channels)
    return 0.0f;
  t = self->true_bits[channel];
  s = self->sample_bits[channel];
  t = t > s ? t : s;
  return t >= EXP_MASK ? INFINITY : bits_float (t);
}

float
lq_truepeak_get_sample_peak (const LqTruePeak *self, unsigned channel)
{
  if (channel >= self->channels)
    return 0.0f;
  return bits_float (self->sample_bits[channel]);
}

void
lq_truepeak_reset_peaks (LqTruePeak *self)
{
  memset (self->true_bits, 0, sizeof self->true_bits);
  memset (self->sample_bits, 0, sizeof self->sample_bits);
}

void
lq_truepeak_reset (LqTruePeak *self)
{
  lq_truepeak_reset_peaks (self);
  memset (self->work, 0, self->channels * self->stride * sizeof (float));
  self->n_nonfinite = 0;
}

unsigned
lq_truepeak_get_oversampling (const LqTruePeak *self)
{
  return self->factor;
}

unsigned
lq_truepeak_get_latency (const LqTruePeak *self)
{
  return self->factor > 1 ? (self->history + 1) / 2 : 0;
}

LqTruePeakFilter
lq_truepeak_get_filter (const LqTruePeak *self)
{
  return self->filter;
}

uint64_t
lq_truepeak_get_n_nonfinite (const LqTruePeak *self)
{
  return self->n_nonfinite;
}
