/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The parametric EQ kernel (see lq-eq.h for what it does).
 *
 * Minimum phase. Each band is a cascade of transposed direct form II sections in double
 * precision, with the two channels as the two lanes of a 2 x double vector so one loop runs
 * both (SSE2 and NEON run them as one instruction stream; other targets fall back to scalar
 * code from the same source). Audio is processed in chunks of up to CHUNK frames. Bands run
 * in index order; runs of consecutive settled bands (not gliding, not fading, acting on both
 * channels) are fused: their sections run up to four at a time inside one per-sample loop,
 * so the recurrences of different sections overlap instead of each pass waiting on its own
 * feedback. (The order must not change with the grouping: a band's state is its input's
 * history.) On x86-64 with AVX (checked at run time) stereo runs of up to eight sections go
 * in one pass instead, as a pipeline two sections per 256-bit vector (run_chain_avx ()),
 * rounding to float where the passes of four would: the same numbers, bit for bit, in about
 * half the time. Mid and side bands filter the component in a scratch buffer and add the
 * difference back to both channels, so the other component is untouched and an identity band
 * changes nothing. A band that comes in (bypass off, a new type) is first run over the last
 * 40 ms of input so it starts as if it had been playing.
 *
 * Linear phase. For each component (mid, and side for stereo) the product of the bands'
 * designed |H|^2 is evaluated on a grid of M bins (no transcendental functions: each
 * section's |H|^2 is a rational function of the tabulated sin^2(w/2)), its square root is
 * transformed to a zero-phase impulse response, which is windowed (Kaiser) to 2c + 1 taps
 * around its centre c. The window smears the magnitude (by about 4 bins of rate / 2c), so the
 * kernel's own spectrum is measured and the sampled magnitude corrected by target / measured,
 * three times: steep low-frequency slopes then match to about 0.01 dB instead of 1 dB. The stereo signal is encoded to mid/side, each is convolved with its
 * own kernel (lq-fir.c, block B = latency - c), and decoded.
 */
#include "lq-eq.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE__))
#include <xmmintrin.h>
#define HAVE_MXCSR 1
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* On x86-64 an AVX version of the stereo section loops is built too and chosen at run time
 * (it gives the same numbers: the same operations on each lane, no FMA). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX_PATH 1
#endif

#include "lq-dsp-util.h"
#include "lq-fir.h"

#define CHUNK 256         /* most frames per internal chunk (size of the scratch buffers) */
#define GLIDE_CHUNK 32    /* frames between redesigns while parameters glide */
#define GLIDE_MS 20.0     /* duration of a parameter glide */
#define FADE_MS 10.0      /* band fade in/out (bypass, num-bands, type/slope/channels) */
#define MODE_FADE_MS 20.0 /* crossfade between minimum-phase and linear-phase output */
#define FUSE_MAX 4        /* sections per fused loop */
#define WARM_MS 40.0      /* input history replayed into a band that comes in */
#define KAISER_BETA 4.0   /* the linear-phase kernel's window */
#define DESMEAR_ITERATIONS 3 /* corrections of the linear-phase kernel's magnitude */

typedef double v2d __attribute__ ((vector_size (16)));

typedef struct
{
  v2d b0, b1, b2; /* numerator, the same in both lanes */
  v2d a1, a2;     /* denominator, the same in both lanes */
  v2d s1, s2;     /* TDF-II state per lane (left/right, or component/unused) */
} Section;

typedef struct
{
  LqEqBand target; /* asked-for settings, sanitised */
  double tp[3];    /* the target as glide parameters: log2 Hz, dB, log2 Q (target_params) */

  /* The design playing */
  LqBiquadType type;     /* type of the running sections */
  unsigned slope;        /* their slope (passes) */
  LqEqChannels channels; /* the component they act on */
  unsigned n_sections;   /* sections in use */
  int identity;          /* all sections are exact identities: the band is skipped */
  double p[3];           /* log2 Hz, dB, log2 Q at the end of the last chunk */
  double to[3];          /* where the glide is heading (the target when it began) */
  double rate_p[3];      /* glide increment per frame */
  size_t glide_left;     /* frames of glide left, 0 = settled at `to` */
  Section sec[LQ_BIQUAD_MAX_SECTIONS]; /* coefficients and state */

  /* Fades */
  double mix; /* 0 = band out, 1 = band in */
  int cold;   /* state is stale: warm-start before the band plays again */
} Band;

typedef struct
{
  LqFir *fir;          /* the convolver, in the mid/side domain for stereo */
  size_t latency;      /* D = centre + block */
  size_t center;       /* c: the kernel's centre tap */
  size_t taps;         /* 2c + 1 */
  size_t grid;         /* M: design grid (inverse FFT length) */
  double *sin2;        /* M/2 + 1: sin^2 (pi k / M) */
  double *power;       /* M/2 + 1: product of the bands' |H|^2 */
  double *target;      /* M/2 + 1: the magnitude asked for */
  double *amp;         /* M/2 + 1: the magnitude sampled (the target, pre-corrected) */
  fftwf_complex *spec; /* M/2 + 1: zero-phase spectrum */
  float *impulse;      /* M: its inverse transform */
  float *fold;         /* M: the windowed kernel in zero-phase order, to measure it */
  fftwf_plan plan;     /* c2r, spec -> impulse */
  fftwf_plan measure;  /* r2c, fold -> spec */
  float *window;       /* taps: Kaiser window */
  float *kernel;       /* taps: the kernel being built */
  float *ring;         /* delay line of the minimum-phase output, (ring_mask + 1) frames */
  size_t ring_mask;    /* ring length - 1, a power of two >= D + CHUNK */
  size_t ring_pos;     /* next frame written */
  int dirty;           /* bands changed since the kernels were built */
} LinearPhase;

struct LqEq
{
  /* Format */
  double rate;       /* sample rate in Hz */
  unsigned channels; /* 1 or 2 */

  /* Bands */
  Band bands[LQ_EQ_MAX_BANDS]; /* the bands in series */
  unsigned num_bands;          /* bands in use */
  size_t glide_frames;         /* frames per glide */
  double fade_step;            /* mix change per frame in a band fade */

  /* Mode */
  LinearPhase *lp;   /* linear-phase engine, NULL until prepared */
  int lp_target;     /* linear phase asked for */
  int lp_armed;      /* mode the output is aligned with from the next process call on */
  int lp_mode;       /* mode being processed (the destination during a switch) */
  int transition;    /* 0, or 1: switching to linear phase, 2: switching to minimum phase */
  size_t trans_pos;  /* frames since the switch began */
  size_t mode_fade;  /* frames of the crossfade between modes */
  int started;       /* audio went through since lq_eq_new() or lq_eq_reset() */
  int delayed;       /* minimum phase plays delayed by D (linear phase was on in this stream) */

  /* Scratch, CHUNK frames each */
  float dry[2 * CHUNK];  /* the input of a band that fades */
  float comp[CHUNK];     /* a mid or side component */
  float wet[CHUNK];      /* the filtered component */
  float input[2 * CHUNK]; /* the chunk's input */
  float warm[2 * CHUNK];  /* history being replayed into a band that warms up */
  float *hist;            /* the last hist_len input frames, a ring */
  size_t hist_len;        /* frames of history, a power of two (about 40 ms) */
  size_t hist_pos;        /* next frame written in hist (the oldest frame) */
  float lp_out[2 * CHUNK]; /* the linear-phase path's output */
};

/* Band settings and their design */

void
lq_eq_band_init (LqEqBand *band)
{
  band->type = LQ_BIQUAD_BELL;
  band->freq = 1000.0;
  band->gain_db = 0.0;
  band->q = 0.7071067811865476;
  band->slope = 12;
  band->channels = LQ_EQ_STEREO;
  band->bypass = 0;
}

static int
is_pass (LqBiquadType type)
{
  return type == LQ_BIQUAD_HIGH_PASS || type == LQ_BIQUAD_LOW_PASS;
}

static void
sanitize (const LqEq *self, const LqEqBand *in, LqEqBand *out)
{
  *out = *in;
  if ((unsigned) out->type > LQ_BIQUAD_LOW_PASS)
    out->type = LQ_BIQUAD_BELL;
  if ((unsigned) out->channels > LQ_EQ_SIDE)
    out->channels = LQ_EQ_STEREO;
  if (!(out->freq >= LQ_BIQUAD_MIN_FREQ))
    out->freq = isnan (in->freq) ? 1000.0 : LQ_BIQUAD_MIN_FREQ;
  if (out->freq > LQ_BIQUAD_MAX_FREQ_RATIO * self->rate)
    out->freq = LQ_BIQUAD_MAX_FREQ_RATIO * self->rate;
  if (isnan (out->gain_db))
    out->gain_db = 0.0;
  out->gain_db = fmax (-LQ_BIQUAD_MAX_GAIN_DB, fmin (LQ_BIQUAD_MAX_GAIN_DB, out->gain_db));
  if (!(out->q >= LQ_BIQUAD_MIN_Q))
    out->q = isnan (in->q) ? 0.7071067811865476 : LQ_BIQUAD_MIN_Q;
  if (out->q > LQ_BIQUAD_MAX_Q)
    out->q = LQ_BIQUAD_MAX_Q;
  out->slope = lq_biquad_valid_slope (out->slope);
  out->bypass = out->bypass != 0;
}

static int
band_equal (const LqEqBand *a, const LqEqBand *b)
{
  return a->type == b->type && a->freq == b->freq && a->gain_db == b->gain_db && a->q == b->q
         && a->slope == b->slope && a->channels == b->channels && a->bypass == b->bypass;
}

static void
target_params (const LqEqBand *t, double p[3])
{
  p[0] = log2 (t->freq);
  p[1] = t->gain_db;
  p[2] = log2 (t->q);
}

static int
same_shape (const Band *band)
{
  return band->type == band->target.type && band->channels == band->target.channels
         && (!is_pass (band->type) || band->slope == band->target.slope);
}

static int
band_enabled (const LqEq *self, unsigned index)
{
  const LqEqBand *t = &self->bands[index].target;

  return index < self->num_bands && !t->bypass
         && !(self->channels == 1 && t->channels == LQ_EQ_SIDE);
}

static void
set_coefficients (Section *s, const LqBiquad *c)
{
  s->b0 = (v2d) { c->b0, c->b0 };
  s->b1 = (v2d) { c->b1, c->b1 };
  s->b2 = (v2d) { c->b2, c->b2 };
  s->a1 = (v2d) { c->a1, c->a1 };
  s->a2 = (v2d) { c->a2, c->a2 };
}

/* Designs the sections for the parameters p[] of the band's current shape. */
static unsigned
design (const LqEq *self, const Band *band, const double p[3], LqBiquad *out)
{
  return lq_biquad_design (out, band->type, self->rate, exp2 (p[0]), p[1], exp2 (p[2]),
                           band->slope);
}

static void
apply_design (LqEq *self, Band *band)
{
  LqBiquad c[LQ_BIQUAD_MAX_SECTIONS];
  unsigned n = design (self, band, band->p, c);

  band->n_sections = n;
  band->identity = 1;
  for (unsigned i = 0; i < n; i++)
    {
      set_coefficients (&band->sec[i], &c[i]);
      band->identity &= lq_biquad_is_identity (&c[i]);
    }
}

/* Takes the target's shape and parameters at once (the band is silent or being reset). */
static void
band_adopt (LqEq *self, Band *band)
{
  band->type = band->target.type;
  band->slope = band->target.slope;
  band->channels = band->target.channels;
  memcpy (band->p, band->tp, sizeof band->p);
  memcpy (band->to, band->p, sizeof band->p);
  band->glide_left = 0;
  apply_design (self, band);
}

static void
band_clear_state (Band *band)
{
  for (unsigned i = 0; i < LQ_BIQUAD_MAX_SECTIONS; i++)
    band->sec[i].s1 = band->sec[i].s2 = (v2d) { 0.0, 0.0 };
}

/* Whether any of the n floats is NaN or infinite (as lq_has_nonfinite (), with two vector
 * operations per four floats: x - x is +0 for every finite x and NaN for the others). */
static int
has_nonfinite (const float *x, size_t n)
{
  typedef float v4f __attribute__ ((vector_size (16)));
  typedef int v4i __attribute__ ((vector_size (16)));
  v4i acc = { 0, 0, 0, 0 }, acc1 = acc;
  size_t i = 0;
  int bad = 0;

  for (; i + 8 <= n; i += 8)
    {
      v4f v, w;

      memcpy (&v, x + i, sizeof v);
      memcpy (&w, x + i + 4, sizeof w);
      acc |= (v4i) (v - v);
      acc1 |= (v4i) (w - w);
    }
  acc |= acc1;
  for (; i < n; i++)
    bad |= !isfinite (x[i]);
  return (bad | acc[0] | acc[1] | acc[2] | acc[3]) != 0;
}

/* Section loops */

/* A frame widened to double (both channels, or the one and 0), and back (rounded to float
 * as a cast would). With SSE2, one 64-bit load and one conversion per stereo frame. */
static inline __attribute__ ((always_inline)) v2d
load_frame (const float *buf, size_t i, unsigned nch)
{
#ifdef __SSE2__
  if (nch == 2)
    {
      double pair;

      memcpy (&pair, buf + 2 * i, sizeof pair);
      return (v2d) _mm_cvtps_pd (_mm_castpd_ps (_mm_set_sd (pair)));
    }
#endif
  return nch == 2 ? (v2d) { buf[2 * i], buf[2 * i + 1] } : (v2d) { buf[i], 0.0 };
}

static inline __attribute__ ((always_inline)) void
store_frame (float *buf, size_t i, unsigned nch, v2d y)
{
#ifdef __SSE2__
  if (nch == 2)
    {
      _mm_storel_pi ((__m64 *) (void *) (buf + 2 * i), _mm_cvtpd_ps ((__m128d) y));
      return;
    }
#endif
  buf[nch * i] = (float) y[0];
  if (nch == 2)
    buf[2 * i + 1] = (float) y[1];
}

/* k sections in series, per sample: their feedback loops overlap. */
static inline __attribute__ ((always_inline)) void
run_fused (Section *const *secs, unsigned k, float *buf, size_t n, unsigned nch)
{
  v2d b0[FUSE_MAX], b1[FUSE_MAX], b2[FUSE_MAX], a1[FUSE_MAX], a2[FUSE_MAX];
  v2d s1[FUSE_MAX], s2[FUSE_MAX];

  for (unsigned j = 0; j < k; j++)
    {
      b0[j] = secs[j]->b0;
      b1[j] = secs[j]->b1;
      b2[j] = secs[j]->b2;
      a1[j] = secs[j]->a1;
      a2[j] = secs[j]->a2;
      s1[j] = secs[j]->s1;
      s2[j] = secs[j]->s2;
    }
  for (size_t i = 0; i < n; i++)
    {
      v2d x = load_frame (buf, i, nch);

      for (unsigned j = 0; j < k; j++)
        {
          v2d y = b0[j] * x + s1[j];
          s1[j] = (b1[j] * x + s2[j]) - a1[j] * y;
          s2[j] = b2[j] * x - a2[j] * y;
          x = y;
        }
      store_frame (buf, i, nch, x);
    }
  for (unsigned j = 0; j < k; j++)
    {
      secs[j]->s1 = s1[j];
      secs[j]->s2 = s2[j];
    }
}

#ifdef HAVE_AVX_PATH
/* The AVX loop: up to AVX_MAX sections in series in one pass, two per 256-bit vector, as a
 * pipeline (section j works on frame i - j at step i), so that no section waits for the one
 * before it: a pass costs about one section's feedback latency per frame, where the loops
 * above cost that per pass of FUSE_MAX (or fewer) sections. Every frame meets exactly the
 * operations of run_fused (), including the rounding to float between its passes: the same
 * numbers, bit for bit. */
#define AVX_MAX 8

typedef double v4d __attribute__ ((vector_size (32)));
typedef long long v4l __attribute__ ((vector_size (32)));

#define AVX_INLINE static inline __attribute__ ((always_inline, target ("avx")))

/* Two sections side by side: lanes 0-1 the first (left, right), 2-3 the second. */
typedef struct
{
  v4d b0, b1, b2, a1, a2; /* coefficients (0 for a missing second section) */
  v4d s1, s2;             /* state */
} Pair;

AVX_INLINE v4d
join (v2d lo, v2d hi)
{
  return (v4d) _mm256_insertf128_pd (_mm256_castpd128_pd256 ((__m128d) lo), (__m128d) hi, 1);
}

AVX_INLINE v2d
low_half (v4d v)
{
  return (v2d) _mm256_castpd256_pd128 ((__m256d) v);
}

AVX_INLINE v2d
high_half (v4d v)
{
  return (v2d) _mm256_extractf128_pd ((__m256d) v, 1);
}

/* Rounded to float and back, as a store to the buffer and a load between passes would. */
AVX_INLINE v2d
through_float (v2d v)
{
  return (v2d) _mm_cvtps_pd (_mm_cvtpd_ps ((__m128d) v));
}

/* One step of a pair on input `in` (the expressions of run_fused ()). With `edge`, only the
 * halves in `keep` (all ones) take their new state. */
AVX_INLINE v4d
pair_step (Pair *p, v4d in, const int edge, v4l keep)
{
  v4d y = p->b0 * in + p->s1;
  v4d s1 = (p->b1 * in + p->s2) - p->a1 * y;
  v4d s2 = p->b2 * in - p->a2 * y;

  if (edge)
    {
      s1 = (v4d) (((v4l) s1 & keep) | ((v4l) p->s1 & ~keep));
      s2 = (v4d) (((v4l) s2 & keep) | ((v4l) p->s2 & ~keep));
    }
  p->s1 = s1;
  p->s2 = s2;
  return y;
}

/* Whether section (stage) j has a frame at step i of a run of n frames. */
static inline long long
stage_on (size_t i, size_t j, size_t n)
{
  return -(long long) (i >= j && i - j < n);
}

/* Step i of k sections (np = (k + 1) / 2 pairs) on frames [0, n) of a stereo buffer. out[p]
 * is pair p's output of the step before. */
AVX_INLINE void
chain_step (Pair *pr, v4d *out, float *buf, size_t i, size_t n, const unsigned k,
            const unsigned np, const int edge)
{
  v2d x = { 0.0, 0.0 };
  v4d in[AVX_MAX / 2], y;
  const v4l all = { -1, -1, -1, -1 };

  if (!edge || i < n)
    x = load_frame (buf, i, 2);
  in[0] = join (x, low_half (out[0])); /* [x (i), y0 (i - 1)] */
  for (unsigned p = 1; p < np; p++)
    {
      /* [y (2p - 1) of frame i - 2p, y (2p) of frame i - 2p - 1]; a pass of FUSE_MAX ends
       * after section 2p - 1 when 2p is a multiple of it. */
      if (2 * p % FUSE_MAX == 0)
        in[p] = join (through_float (high_half (out[p - 1])), low_half (out[p]));
      else
        in[p] = (v4d) _mm256_permute2f128_pd ((__m256d) out[p - 1], (__m256d) out[p], 0x21);
    }
  for (unsigned p = 0; p < np; p++)
    {
      v4l keep = all;

      if (edge)
        {
          long long lo = stage_on (i, 2 * p, n), hi = stage_on (i, 2 * p + 1, n);

          keep = (v4l) { lo, lo, hi, hi };
        }
      out[p] = pair_step (&pr[p], in[p], edge, keep);
    }
  /* The last section's output: frame i - (k - 1). */
  y = out[(k - 1) / 2];
  if (!edge || i >= k - 1)
    store_frame (buf, i - (k - 1), 2, (k - 1) % 2 ? high_half (y) : low_half (y));
}

AVX_INLINE void
run_chain_avx_k (Section *const *secs, const unsigned k, float *buf, size_t n)
{
  const unsigned np = (k + 1) / 2;
  const v2d zero = { 0.0, 0.0 };
  Pair pr[AVX_MAX / 2];
  v4d out[AVX_MAX / 2];
  size_t i = 0, end = n + k - 1;

  for (unsigned p = 0; p < np; p++)
    {
      const Section *lo = secs[2 * p];
      const Section *hi = 2 * p + 1 < k ? secs[2 * p + 1] : NULL;

      pr[p].b0 = join (lo->b0, hi ? hi->b0 : zero);
      pr[p].b1 = join (lo->b1, hi ? hi->b1 : zero);
      pr[p].b2 = join (lo->b2, hi ? hi->b2 : zero);
      pr[p].a1 = join (lo->a1, hi ? hi->a1 : zero);
      pr[p].a2 = join (lo->a2, hi ? hi->a2 : zero);
      pr[p].s1 = join (lo->s1, hi ? hi->s1 : zero);
      pr[p].s2 = join (lo->s2, hi ? hi->s2 : zero);
      out[p] = (v4d) { 0.0, 0.0, 0.0, 0.0 };
    }
  for (; i < end && i < k - 1; i++)
    chain_step (pr, out, buf, i, n, k, np, 1);
  for (; i < n; i++)
    chain_step (pr, out, buf, i, n, k, np, 0);
  for (; i < end; i++)
    chain_step (pr, out, buf, i, n, k, np, 1);
  for (unsigned j = 0; j < k; j++)
    {
      const Pair *p = &pr[j / 2];

      secs[j]->s1 = j % 2 ? high_half (p->s1) : low_half (p->s1);
      secs[j]->s2 = j % 2 ? high_half (p->s2) : low_half (p->s2);
    }
}

/* k (2..AVX_MAX) sections in series on n stereo frames. */
__attribute__ ((target ("avx"))) static void
run_chain_avx (Section *const *secs, unsigned k, float *buf, size_t n)
{
  switch (k)
    {
    case 8: run_chain_avx_k (secs, 8, buf, n); break;
    case 7: run_chain_avx_k (secs, 7, buf, n); break;
    case 6: run_chain_avx_k (secs, 6, buf, n); break;
    case 5: run_chain_avx_k (secs, 5, buf, n); break;
    case 4: run_chain_avx_k (secs, 4, buf, n); break;
    case 3: run_chain_avx_k (secs, 3, buf, n); break;
    default: run_chain_avx_k (secs, 2, buf, n); break;
    }
}
#endif

static void
run_fused_2ch (Section *const *secs, unsigned k, float *buf, size_t n)
{
  switch (k)
    {
    case 4: run_fused (secs, 4, buf, n, 2); break;
    case 3: run_fused (secs, 3, buf, n, 2); break;
    case 2: run_fused (secs, 2, buf, n, 2); break;
    default: run_fused (secs, 1, buf, n, 2); break;
    }
}

static void
run_fused_1ch (Section *const *secs, unsigned k, float *buf, size_t n)
{
  switch (k)
    {
    case 4: run_fused (secs, 4, buf, n, 1); break;
    case 3: run_fused (secs, 3, buf, n, 1); break;
    case 2: run_fused (secs, 2, buf, n, 1); break;
    default: run_fused (secs, 1, buf, n, 1); break;
    }
}

static void
run_sections (Section *const *secs, unsigned count, float *buf, size_t n, unsigned nch)
{
#ifdef HAVE_AVX_PATH
  if (nch == 2 && count >= 2 && __builtin_cpu_supports ("avx"))
    {
      /* (AVX_MAX is a multiple of FUSE_MAX: the passes round where run_fused () does.) */
      for (unsigned done = 0; done < count; done += AVX_MAX)
        {
          unsigned k = count - done < AVX_MAX ? count - done : AVX_MAX;

          if (k == 1)
            run_fused_2ch (secs + done, 1, buf, n);
          else
            run_chain_avx (secs + done, k, buf, n);
        }
      return;
    }
#endif
  /* Passes of FUSE_MAX sections (the signal is rounded to float between passes: the grouping
   * is part of the numbers). */
  for (unsigned done = 0; done < count; done += FUSE_MAX)
    {
      unsigned k = count - done < FUSE_MAX ? count - done : FUSE_MAX;

      if (nch == 2)
        run_fused_2ch (secs + done, k, buf, n);
      else
        run_fused_1ch (secs + done, k, buf, n);
    }
}

/* One section whose coefficients move linearly to `to` over the n frames. */
static inline __attribute__ ((always_inline)) void
run_glide (Section *s, const LqBiquad *to, float *buf, size_t n, unsigned nch)
{
  v2d inv = (v2d) { 1.0 / n, 1.0 / n };
  v2d b0 = s->b0, b1 = s->b1, b2 = s->b2, a1 = s->a1, a2 = s->a2;
  v2d db0 = ((v2d) { to->b0, to->b0 } - b0) * inv;
  v2d db1 = ((v2d) { to->b1, to->b1 } - b1) * inv;
  v2d db2 = ((v2d) { to->b2, to->b2 } - b2) * inv;
  v2d da1 = ((v2d) { to->a1, to->a1 } - a1) * inv;
  v2d da2 = ((v2d) { to->a2, to->a2 } - a2) * inv;
  v2d s1 = s->s1, s2 = s->s2;

  for (size_t i = 0; i < n; i++)
    {
      v2d x = load_frame (buf, i, nch), y;

      b0 += db0;
      b1 += db1;
      b2 += db2;
      a1 += da1;
      a2 += da2;
      y = b0 * x + s1;
      s1 = (b1 * x + s2) - a1 * y;
      s2 = b2 * x - a2 * y;
      store_frame (buf, i, nch, y);
    }
  s->s1 = s1;
  s->s2 = s2;
  set_coefficients (s, to);
}

static void
run_glide_any (Section *s, const LqBiquad *to, float *buf, size_t n, unsigned nch)
{
  if (nch == 2)
    run_glide (s, to, buf, n, 2);
  else
    run_glide (s, to, buf, n, 1);
}

/* Warm start: runs the band from silence over the recent input history (the EQ's input, the
 * best guess of the band's own), so a band that comes in plays as if it had been running. */
static void
band_warm_start (LqEq *self, Band *band)
{
  unsigned nch = self->channels;
  int component = nch == 2 && band->channels != LQ_EQ_STEREO;
  float sign = band->channels == LQ_EQ_MID ? 1.0f : -1.0f;
  Section *secs[LQ_BIQUAD_MAX_SECTIONS];

  band_clear_state (band);
  for (unsigned i = 0; i < band->n_sections; i++)
    secs[i] = &band->sec[i];
  for (size_t done = 0; done < self->hist_len && !band->identity; done += CHUNK)
    {
      size_t n = self->hist_len - done < CHUNK ? self->hist_len - done : CHUNK;

      for (size_t i = 0; i < n; i++)
        {
          const float *x = self->hist + ((self->hist_pos + done + i) & (self->hist_len - 1)) * nch;

          if (component)
            self->warm[i] = 0.5f * (x[0] + sign * x[1]);
          else
            for (unsigned c = 0; c < nch; c++)
              self->warm[i * nch + c] = x[c];
        }
      run_sections (secs, band->n_sections, self->warm, n, component ? 1 : nch);
    }
  band->cold = 0;
}

/* Minimum-phase processing of one chunk */

/* Per-chunk control of a band: fades, shape changes, glides. Returns FALSE if the band is
 * silent (out, nothing to run). */
static int
band_control (LqEq *self, unsigned index, double *mix_to)
{
  Band *band = &self->bands[index];
  int enabled = band_enabled (self, index);
  const double *p = band->tp;

  if (!same_shape (band) && band->mix == 0.0)
    {
      band_adopt (self, band);
      band->cold = 1;
    }
  *mix_to = enabled && same_shape (band) ? 1.0 : 0.0;

  if (p[0] != band->to[0] || p[1] != band->to[1] || p[2] != band->to[2])
    {
      if (band->mix == 0.0 || band->cold)
        {
          /* Not playing: jump. */
          memcpy (band->p, p, sizeof band->p);
          memcpy (band->to, p, sizeof band->to);
          band->glide_left = 0;
          apply_design (self, band);
        }
      else
        {
          for (int i = 0; i < 3; i++)
            band->rate_p[i] = (p[i] - band->p[i]) / (double) self->glide_frames;
          memcpy (band->to, p, sizeof band->to);
          band->glide_left = self->glide_frames;
        }
    }

  if (band->mix == 0.0 && *mix_to == 0.0)
    {
      band->cold = 1;
      return 0;
    }
  return 1;
}

/* Runs a band that is not fused: gliding, fading, warming up, or on one component. */
static void
band_run (LqEq *self, Band *band, double mix_to, float *data, size_t n)
{
  unsigned nch = self->channels;
  int component = nch == 2 && band->channels != LQ_EQ_STEREO;
  float *buf = component ? self->wet : data;
  unsigned bn = component ? 1 : nch;
  double mix = band->mix;
  double step = mix_to > mix ? self->fade_step : -self->fade_step;
  int fading = mix != mix_to || mix != 1.0;
  Section *secs[LQ_BIQUAD_MAX_SECTIONS];

  if (component)
    {
      float sign = band->channels == LQ_EQ_MID ? 1.0f : -1.0f;

      for (size_t i = 0; i < n; i++)
        self->comp[i] = 0.5f * (data[2 * i] + sign * data[2 * i + 1]);
      memcpy (self->wet, self->comp, n * sizeof (float));
    }
  else if (fading)
    memcpy (self->dry, data, n * nch * sizeof (float));

  if (band->cold)
    band_warm_start (self, band);

  if (band->glide_left > 0)
    {
      LqBiquad to[LQ_BIQUAD_MAX_SECTIONS];
      size_t adv = band->glide_left < n ? band->glide_left : n;

      band->glide_left -= adv;
      for (int i = 0; i < 3; i++)
        band->p[i] = band->glide_left == 0 ? band->to[i] : band->p[i] + band->rate_p[i] * adv;
      band->n_sections = design (self, band, band->p, to);
      band->identity = 0;
      for (unsigned i = 0; i < band->n_sections; i++)
        run_glide_any (&band->sec[i], &to[i], buf, n, bn);
      if (band->glide_left == 0)
        apply_design (self, band); /* exact identity flags at the end */
    }
  else if (!band->identity)
    {
      for (unsigned i = 0; i < band->n_sections; i++)
        secs[i] = &band->sec[i];
      run_sections (secs, band->n_sections, buf, n, bn);
    }

  /* Blend with the band's input by the (ramping) mix, or add the component's change. */
  if (component)
    {
      float sign = band->channels == LQ_EQ_MID ? 1.0f : -1.0f;

      for (size_t i = 0; i < n; i++)
        {
          double m = mix;
          float d;

          if (fading)
            {
              m = mix + step * (double) (i + 1);
              m = step > 0 ? fmin (m, mix_to) : fmax (m, mix_to);
            }
          d = (float) (m * (self->wet[i] - self->comp[i]));
          data[2 * i] += d;
          data[2 * i + 1] += sign * d;
        }
    }
  else if (fading)
    {
      for (size_t i = 0; i < n; i++)
        {
          double m = mix + step * (double) (i + 1);

          m = step > 0 ? fmin (m, mix_to) : fmax (m, mix_to);
          for (unsigned c = 0; c < nch; c++)
            {
              float dry = self->dry[i * nch + c];
              data[i * nch + c] = (float) (dry + m * (data[i * nch + c] - dry));
            }
        }
    }
  if (fading)
    {
      mix += step * (double) n;
      band->mix = step > 0 ? fmin (mix, mix_to) : fmax (mix, mix_to);
    }
}

static void
min_phase_chunk (LqEq *self, float *data, size_t n)
{
  Section *group[LQ_EQ_MAX_BANDS * LQ_BIQUAD_MAX_SECTIONS];
  unsigned n_group = 0;

  /* Bands run in index order, always: their states depend on what came before them. Runs of
   * consecutive settled bands are fused. */
  for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
    {
      Band *band = &self->bands[b];
      double mix_to;

      if (!band_control (self, b, &mix_to))
        continue;
      if (band->mix == 1.0 && mix_to == 1.0 && band->glide_left == 0 && !band->cold
          && (band->channels == LQ_EQ_STEREO || self->channels == 1))
        {
          if (!band->identity)
            for (unsigned i = 0; i < band->n_sections; i++)
              group[n_group++] = &band->sec[i];
          continue;
        }
      if (n_group > 0)
        run_sections (group, n_group, data, n, self->channels);
      n_group = 0;
      band_run (self, band, mix_to, data, n);
    }
  if (n_group > 0)
    run_sections (group, n_group, data, n, self->channels);
}

static int
any_glide (const LqEq *self)
{
  for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
    {
      const Band *band = &self->bands[b];
      const double *p = band->tp;

      if (band->glide_left > 0)
        return 1;
      if (band->mix > 0.0 && !band->cold
          && (p[0] != band->to[0] || p[1] != band->to[1] || p[2] != band->to[2]))
        return 1;
    }
  return 0;
}

/* Zeroes state that has decayed below -500 dB (so silence gives exact silence), and state
 * that is not finite: a section keeps its state when no value is infinite and some value is
 * at least 1e-25 in magnitude (NaN values aside: the largest of the others decides). */
static void
flush_state (LqEq *self)
{
  typedef long long v2l __attribute__ ((vector_size (16)));
  const v2l magnitude = { 0x7fffffffffffffffLL, 0x7fffffffffffffffLL };
  const v2d tiny = { 1e-25, 1e-25 }, inf = { INFINITY, INFINITY };

  /* Sections beyond n_sections do not run (and are cleared before they run again). */
  for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
    for (unsigned i = 0; i < self->bands[b].n_sections; i++)
      {
        Section *s = &self->bands[b].sec[i];
        v2d a1 = (v2d) ((v2l) s->s1 & magnitude), a2 = (v2d) ((v2l) s->s2 & magnitude);
        v2l big = (a1 >= tiny) | (a2 >= tiny), infinite = (a1 == inf) | (a2 == inf);

        if ((big[0] | big[1]) && !(infinite[0] | infinite[1]))
          continue;
        s->s1 = s->s2 = (v2d) { 0.0, 0.0 };
      }
}

/* Linear phase */

size_t
lq_eq_linear_phase_latency (double rate)
{
  return rate <= 48000.0 ? 8192 : rate <= 96000.0 ? 16384 : 32768;
}

/* Modified Bessel function of the first kind, order 0, by its power series. */
static double
bessel_i0 (double x)
{
  double sum = 1.0, term = 1.0, q = 0.25 * x * x;

  for (int k = 1; k < 50 && term > 1e-12 * sum; k++)
    {
      term *= q / ((double) k * (double) k);
      sum += term;
    }
  return sum;
}

static void
lp_free (LinearPhase *lp)
{
  if (lp == NULL)
    return;
  lq_fir_free (lp->fir);
  lq_fftw_planner_lock ();
  if (lp->plan)
    fftwf_destroy_plan (lp->plan);
  if (lp->measure)
    fftwf_destroy_plan (lp->measure);
  lq_fftw_planner_unlock ();
  fftwf_free (lp->spec);
  fftwf_free (lp->impulse);
  fftwf_free (lp->fold);
  free (lp->sin2);
  free (lp->power);
  free (lp->target);
  free (lp->amp);
  free (lp->window);
  free (lp->kernel);
  free (lp->ring);
  free (lp);
}

static LinearPhase *
lp_new (double rate, unsigned channels)
{
  LinearPhase *lp = calloc (1, sizeof (LinearPhase));
  size_t block, bins, ring = 1;

  if (lp == NULL)
    return NULL;
  lp->latency = lq_eq_linear_phase_latency (rate);
  block = lp->latency / 4;
  lp->center = lp->latency - block;
  lp->taps = 2 * lp->center + 1;
  lp->grid = 1;
  while (lp->grid < 4 * lp->center)
    lp->grid <<= 1;
  bins = lp->grid / 2 + 1;
  while (ring < lp->latency + CHUNK)
    ring <<= 1;
  lp->ring_mask = ring - 1;

  lp->fir = lq_fir_new (channels, block, lp->taps);
  lp->sin2 = malloc (bins * sizeof (double));
  lp->power = malloc (bins * sizeof (double));
  lp->target = malloc (bins * sizeof (double));
  lp->amp = malloc (bins * sizeof (double));
  lp->spec = fftwf_malloc (bins * sizeof (fftwf_complex));
  lp->impulse = fftwf_malloc (lp->grid * sizeof (float));
  lp->fold = fftwf_malloc (lp->grid * sizeof (float));
  lp->window = malloc (lp->taps * sizeof (float));
  lp->kernel = malloc (lp->taps * sizeof (float));
  lp->ring = calloc (ring * channels, sizeof (float));
  if (lp->fir == NULL || lp->sin2 == NULL || lp->power == NULL || lp->target == NULL
      || lp->amp == NULL || lp->spec == NULL || lp->impulse == NULL || lp->fold == NULL
      || lp->window == NULL || lp->kernel == NULL || lp->ring == NULL)
    {
      lp_free (lp);
      return NULL;
    }
  lq_fftw_planner_lock ();
  lp->plan = fftwf_plan_dft_c2r_1d ((int) lp->grid, lp->spec, lp->impulse, FFTW_ESTIMATE);
  lp->measure = fftwf_plan_dft_r2c_1d ((int) lp->grid, lp->fold, lp->spec, FFTW_ESTIMATE);
  lq_fftw_planner_unlock ();
  if (lp->plan == NULL || lp->measure == NULL)
    {
      lp_free (lp);
      return NULL;
    }

  for (size_t k = 0; k < bins; k++)
    {
      double s = sin (LQ_PI * (double) k / (double) lp->grid);
      lp->sin2[k] = s * s;
    }
  for (size_t i = 0; i < lp->taps; i++)
    {
      double r = ((double) i - (double) lp->center) / (double) lp->center;
      lp->window[i] = (float) (bessel_i0 (KAISER_BETA * sqrt (fmax (0.0, 1.0 - r * r)))
                               / bessel_i0 (KAISER_BETA));
    }
  lp->dirty = 1;
  return lp;
}

/* Does band `index` (as asked for) act on component `side`? */
static int
band_in_component (const LqEq *self, unsigned index, int side)
{
  const LqEqBand *t = &self->bands[index].target;

  if (!band_enabled (self, index))
    return 0;
  return t->channels == LQ_EQ_STEREO || t->channels == (side ? LQ_EQ_SIDE : LQ_EQ_MID);
}

/* Builds the kernels from the asked-for settings and commits them. */
static void
lp_build (LqEq *self, int fade)
{
  LinearPhase *lp = self->lp;
  size_t bins = lp->grid / 2 + 1, M = lp->grid, c = lp->center;
  float scale = 1.0f / (float) M;

  for (unsigned comp = 0; comp < self->channels; comp++)
    {
      for (size_t k = 0; k < bins; k++)
        lp->power[k] = 1.0;
      for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
        {
          const LqEqBand *t = &self->bands[b].target;
          LqBiquad sec[LQ_BIQUAD_MAX_SECTIONS];
          unsigned n;

          if (!band_in_component (self, b, comp))
            continue;
          n = lq_biquad_design (sec, t->type, self->rate, t->freq, t->gain_db, t->q, t->slope);
          for (unsigned i = 0; i < n; i++)
            {
              LqBiquadPower pw;

              if (lq_biquad_is_identity (&sec[i]))
                continue;
              lq_biquad_power (&sec[i], &pw);
              for (size_t k = 0; k < bins; k++)
                lp->power[k] *= lq_biquad_power_eval (&pw, lp->sin2[k]);
            }
        }
      for (size_t k = 0; k < bins; k++)
        lp->target[k] = lp->amp[k] = sqrt (fmax (lp->power[k], 0.0));
      for (int iter = 0;; iter++)
        {
          for (size_t k = 0; k < bins; k++)
            {
              lp->spec[k][0] = (float) lp->amp[k];
              lp->spec[k][1] = 0.0f;
            }
          fftwf_execute (lp->plan);
          for (size_t i = 0; i < lp->taps; i++)
            lp->kernel[i] = lp->impulse[(i + M - c) & (M - 1)] * scale * lp->window[i];
          if (iter == DESMEAR_ITERATIONS)
            break;
          /* The window smears the response (most visibly steep slopes at low frequencies):
           * measure what the kernel does and correct the sampled magnitude by the error. */
          memset (lp->fold, 0, M * sizeof (float));
          for (size_t i = 0; i < lp->taps; i++)
            lp->fold[(i + M - c) & (M - 1)] = lp->kernel[i];
          fftwf_execute (lp->measure);
          for (size_t k = 0; k < bins; k++)
            {
              double got = fabs (lp->spec[k][0]); /* real: the kernel is zero-phase here */
              double r = lp->target[k] / fmax (got, 1e-12);
              lp->amp[k] *= fmin (2.0, fmax (0.5, r));
            }
        }
      lq_fir_set_kernel (lp->fir, comp, lp->kernel, lp->taps);
    }
  lq_fir_commit (lp->fir, fade);
  lp->dirty = 0;
}

/* The linear-phase path: mid/side encode, convolve, decode. */
static void
lp_run (LqEq *self, const float *in, float *out, size_t n)
{
  if (self->channels == 2)
    {
      for (size_t i = 0; i < n; i++)
        {
          float l = in[2 * i], r = in[2 * i + 1];
          out[2 * i] = 0.5f * (l + r);
          out[2 * i + 1] = 0.5f * (l - r);
        }
      lq_fir_process (self->lp->fir, out, n);
      for (size_t i = 0; i < n; i++)
        {
          float m = out[2 * i], s = out[2 * i + 1];
          out[2 * i] = m + s;
          out[2 * i + 1] = m - s;
        }
    }
  else
    {
      memcpy (out, in, n * sizeof (float));
      lq_fir_process (self->lp->fir, out, n);
    }
}

/* Writes the chunk into the delay ring and replaces it by the ring's output D frames ago. */
static void
ring_push (LqEq *self, const float *data, size_t n)
{
  LinearPhase *lp = self->lp;
  unsigned nch = self->channels;

  for (size_t i = 0; i < n; i++)
    {
      size_t w = (lp->ring_pos + i) & lp->ring_mask;
      for (unsigned c = 0; c < nch; c++)
        lp->ring[w * nch + c] = data[i * nch + c];
    }
  lp->ring_pos = (lp->ring_pos + n) & lp->ring_mask;
}

static float
ring_delayed (const LqEq *self, size_t n, size_t i, unsigned c)
{
  const LinearPhase *lp = self->lp;
  /* frame i of the chunk just pushed, D frames ago */
  size_t r = (lp->ring_pos - n + i - lp->latency) & lp->ring_mask;

  return lp->ring[r * self->channels + c];
}

/* Mode switches */

/* Every band takes its asked-for settings at once; `cold`: warm-start them on the input. */
static void
bands_jump (LqEq *self, int cold)
{
  for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
    {
      Band *band = &self->bands[b];

      band_adopt (self, band);
      band_clear_state (band);
      band->mix = band_enabled (self, b) ? 1.0 : 0.0;
      band->cold = cold;
    }
}

static void
start_switch (LqEq *self)
{
  self->trans_pos = 0;
  if (self->lp_armed)
    {
      lq_fir_reset (self->lp->fir);
      lp_build (self, 0);
      self->lp_mode = 1;
      self->transition = 1;
    }
  else
    {
      /* Minimum phase restarts from the asked-for settings, warm-started on the input. */
      bands_jump (self, 1);
      self->lp_mode = 0;
      self->transition = 2;
    }
}

static void
process_chunk (LqEq *self, float *data, size_t n)
{
  unsigned nch = self->channels;
  LinearPhase *lp = self->lp;

  if (self->transition == 0 && !self->lp_mode)
    {
      min_phase_chunk (self, data, n);
      if (lp != NULL)
        ring_push (self, data, n);
      if (self->delayed)
        for (size_t i = 0; i < n; i++)
          for (unsigned c = 0; c < nch; c++)
            data[i * nch + c] = ring_delayed (self, n, i, c);
      return;
    }

  if (lp->dirty && lq_fir_ready (lp->fir) && (self->lp_mode || self->transition == 2))
    lp_build (self, 1);

  if (self->transition == 0)
    {
      lp_run (self, data, self->lp_out, n);
      memcpy (data, self->lp_out, n * nch * sizeof (float));
      return;
    }

  lp_run (self, self->input, self->lp_out, n);
  min_phase_chunk (self, data, n);

  if (self->transition == 1)
    {
      /* To linear phase: the minimum-phase output delayed by D until the FIR is warm (2D
       * frames after the switch), then a crossfade to the FIR. */
      size_t warm = 2 * lp->latency;

      ring_push (self, data, n);
      for (size_t i = 0; i < n; i++)
        {
          size_t k = self->trans_pos + i;
          double g = k < warm ? 0.0 : fmin (1.0, (double) (k - warm + 1) / self->mode_fade);

          for (unsigned c = 0; c < nch; c++)
            {
              float mp = ring_delayed (self, n, i, c);
              data[i * nch + c] = (float) (mp + g * (self->lp_out[i * nch + c] - mp));
            }
        }
      self->trans_pos += n;
      if (self->trans_pos >= warm + self->mode_fade)
        self->transition = 0;
    }
  else
    {
      /* To minimum phase, which stays delayed by D (the stream's latency does not shrink):
       * the FIR plays on while the minimum-phase output fills the delay line, then a
       * crossfade between the two, both D frames behind. */
      size_t warm = lp->latency;

      ring_push (self, data, n);
      for (size_t i = 0; i < n; i++)
        {
          size_t k = self->trans_pos + i;
          double g = k < warm ? 0.0 : fmin (1.0, (double) (k - warm + 1) / self->mode_fade);

          for (unsigned c = 0; c < nch; c++)
            {
              float l = self->lp_out[i * nch + c];
              data[i * nch + c] = (float) (l + g * (ring_delayed (self, n, i, c) - l));
            }
        }
      self->trans_pos += n;
      if (self->trans_pos >= warm + self->mode_fade)
        {
          self->transition = 0;
          self->delayed = 1;
          lq_fir_reset (lp->fir);
        }
    }
}

/* Public API */

LqEq *
lq_eq_new (double rate, unsigned channels)
{
  LqEq *self;

  if (channels < 1 || channels > 2 || !(rate >= 8000.0 && rate <= 768000.0))
    return NULL;
  self = calloc (1, sizeof (LqEq));
  if (self == NULL)
    return NULL;
  self->rate = rate;
  self->channels = channels;
  self->num_bands = LQ_EQ_MAX_BANDS;
  self->glide_frames = (size_t) lround (GLIDE_MS * 0.001 * rate);
  self->fade_step = 1.0 / (FADE_MS * 0.001 * rate);
  self->mode_fade = (size_t) lround (MODE_FADE_MS * 0.001 * rate);
  self->hist_len = 1;
  while (self->hist_len < WARM_MS * 0.001 * rate)
    self->hist_len <<= 1;
  self->hist = calloc (self->hist_len * channels, sizeof (float));
  if (self->hist == NULL)
    {
      free (self);
      return NULL;
    }
  for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
    {
      LqEqBand def;

      lq_eq_band_init (&def);
      sanitize (self, &def, &self->bands[b].target);
      target_params (&self->bands[b].target, self->bands[b].tp);
      band_adopt (self, &self->bands[b]);
      self->bands[b].mix = 1.0;
    }
  return self;
}

void
lq_eq_free (LqEq *self)
{
  if (self == NULL)
    return;
  lp_free (self->lp);
  free (self->hist);
  free (self);
}

void
lq_eq_set_num_bands (LqEq *self, unsigned n)
{
  n = n < 1 ? 1 : n > LQ_EQ_MAX_BANDS ? LQ_EQ_MAX_BANDS : n;
  if (n != self->num_bands && self->lp != NULL)
    self->lp->dirty = 1;
  self->num_bands = n;
}

void
lq_eq_set_band (LqEq *self, unsigned index, const LqEqBand *band)
{
  LqEqBand t;

  if (index >= LQ_EQ_MAX_BANDS)
    return;
  sanitize (self, band, &t);
  if (!band_equal (&t, &self->bands[index].target) && self->lp != NULL)
    self->lp->dirty = 1;
  self->bands[index].target = t;
  target_params (&t, self->bands[index].tp);
}

void
lq_eq_get_band (const LqEq *self, unsigned index, LqEqBand *band)
{
  if (index < LQ_EQ_MAX_BANDS)
    *band = self->bands[index].target;
}

int
lq_eq_prepare_linear_phase (LqEq *self)
{
  if (self->lp == NULL)
    self->lp = lp_new (self->rate, self->channels);
  return self->lp != NULL;
}

int
lq_eq_set_linear_phase (LqEq *self, int on)
{
  on = on != 0;
  if (on && !lq_eq_prepare_linear_phase (self))
    return 0;
  self->lp_target = on;
  if (self->transition == 0)
    self->lp_armed = on;
  return 1;
}

int
lq_eq_get_linear_phase (const LqEq *self)
{
  return self->lp_target;
}

size_t
lq_eq_get_latency (const LqEq *self)
{
  if (self->lp == NULL)
    return 0;
  return self->lp_armed || self->lp_mode || self->transition || self->delayed ? self->lp->latency : 0;
}

void
lq_eq_process (LqEq *self, float *data, size_t frames)
{
  unsigned nch = self->channels;
#ifdef HAVE_MXCSR
  unsigned int csr = _mm_getcsr ();

  _mm_setcsr (csr | 0x8040); /* flush-to-zero and denormals-are-zero, for this call only */
#endif

  /* Settings made before the first audio apply at once, without glides or fades. */
  if (!self->started)
    {
      bands_jump (self, 0);
      self->lp_armed = self->lp_mode = self->lp_target;
      self->delayed = 0;
      if (self->lp_mode && self->lp->dirty)
        lp_build (self, 0);
      self->started = 1;
    }
  if (self->transition == 0 && self->lp_armed != self->lp_mode)
    start_switch (self);

  while (frames > 0)
    {
      size_t n = frames < CHUNK ? frames : CHUNK, head;

      if (n > GLIDE_CHUNK && !self->lp_mode && any_glide (self))
        n = GLIDE_CHUNK;

      /* Non-finite input is replaced by silence before it reaches any state. */
      if (has_nonfinite (data, n * nch))
        for (size_t i = 0; i < n * nch; i++)
          if (!isfinite (data[i]))
            data[i] = 0.0f;

      memcpy (self->input, data, n * nch * sizeof (float));
      process_chunk (self, data, n);
      flush_state (self);
      /* The input history ring (n <= CHUNK <= hist_len: at most one wrap). */
      head = self->hist_len - self->hist_pos < n ? self->hist_len - self->hist_pos : n;
      memcpy (self->hist + self->hist_pos * nch, self->input, head * nch * sizeof (float));
      memcpy (self->hist, self->input + head * nch, (n - head) * nch * sizeof (float));
      self->hist_pos = (self->hist_pos + n) & (self->hist_len - 1);

      /* State that turned non-finite anyway (overflow): reset, silence for those samples. */
      if (has_nonfinite (data, n * nch))
        {
          for (size_t i = 0; i < n * nch; i++)
            if (!isfinite (data[i]))
              data[i] = 0.0f;
          for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
            band_clear_state (&self->bands[b]);
          if (self->lp != NULL)
            lq_fir_reset (self->lp->fir);
        }
      data += n * nch;
      frames -= n;
    }

  if (self->transition == 0)
    self->lp_armed = self->lp_target;

#ifdef HAVE_MXCSR
  _mm_setcsr (csr);
#endif
}

void
lq_eq_reset (LqEq *self)
{
  bands_jump (self, 0);
  self->lp_armed = self->lp_mode = self->lp_target;
  self->transition = 0;
  self->started = 0;
  self->delayed = 0;
  memset (self->hist, 0, self->hist_len * self->channels * sizeof (float));
  if (self->lp != NULL)
    {
      lq_fir_reset (self->lp->fir);
      memset (self->lp->ring, 0, (self->lp->ring_mask + 1) * self->channels * sizeof (float));
      if (self->lp_mode)
        lp_build (self, 0);
    }
}

void
lq_eq_response (const LqEq *self, int side, double freq, double *re, double *im)
{
  double hr = 1.0, hi = 0.0;

  for (unsigned b = 0; b < LQ_EQ_MAX_BANDS; b++)
    {
      const LqEqBand *t = &self->bands[b].target;
      LqBiquad sec[LQ_BIQUAD_MAX_SECTIONS];
      unsigned n;

      if (!band_in_component (self, b, side))
        continue;
      n = lq_biquad_design (sec, t->type, self->rate, t->freq, t->gain_db, t->q, t->slope);
      for (unsigned i = 0; i < n; i++)
        {
          double sr, si, tr;

          lq_biquad_response (&sec[i], self->rate, freq, &sr, &si);
          tr = hr * sr - hi * si;
          hi = hr * si + hi * sr;
          hr = tr;
        }
    }
  *re = hr;
  *im = hi;
}
