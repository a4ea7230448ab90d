/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqCrossover: Linkwitz-Riley 4th-order crossover tree with allpass compensation (see
 * lq-crossover.h). The per-frame network packs the stereo signal paths into the four lanes
 * of a vector, so one SVF section evaluates two channels of two branches at once, and each
 * lane takes the response it needs ([a b] is a vector whose lanes 0-1 hold channels L R of a
 * and lanes 2-3 those of b):
 *
 *   split 0 at f1:  A0 [x x]     -> [lp hp]          B0 [lp hp]   -> [LP4 HP4] = [lo hi]
 *   2 bands: band0 = lo, band1 = hi
 *   split 1 at f2:  S1 [lo hi]   -> [AP(lo) lp(hi)] and [. hp(hi)]
 *                   B1 [lp hp]   -> [LP4 HP4] of hi = [band1 rest]
 *   3 bands: band0 = AP(lo), band1, band2 = rest
 *   split 2 at f3:  C2 [band0 band1] -> their allpass;  A2 [rest rest] -> [lp hp];
 *                   B2 [lp hp]   -> [band2 band3]
 *
 * So 2, 3 and 4 bands cost 2, 4 and 7 vector sections per frame, mono or stereo.
 */
#include "lq-crossover.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lq-dsp-util.h"

#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#define SHUF(a, b, i0, i1, i2, i3) __builtin_shufflevector (a, b, i0, i1, i2, i3)
#else
typedef int LqV4i __attribute__ ((vector_size (16)));
#define SHUF(a, b, i0, i1, i2, i3) __builtin_shuffle (a, b, (LqV4i) { i0, i1, i2, i3 })
#endif

/* Frames between two coefficient updates while a frequency glides. */
#define SUB_BLOCK 32
#define N_SPLITS (LQ_CROSSOVER_MAX_BANDS - 1)
#define BUTTERWORTH_K 1.4142135623730951

typedef struct
{
  double hz;          /* the frequency asked for (clamped) */
  double target;      /* log2 (hz) */
  double current;     /* log2 of the frequency in use (glides towards target) */
  LqSvfCoeffs coeffs; /* SVF state update at `current` */
  LqSvfOut lohi;      /* outputs: lanes 0-1 low-pass, 2-3 high-pass */
  LqSvfOut ap_lp;     /* outputs: lanes 0-1 allpass, 2-3 low-pass */
  LqSvfOut hp;        /* outputs: high-pass in every lane */
  LqSvfOut ap;        /* outputs: allpass in every lane */
} Split;

struct _LqCrossover
{
  unsigned channels;      /* 1 or 2, interleaved */
  double rate;            /* sample rate, Hz */
  unsigned n_bands;       /* 2..4 */
  double glide;           /* per-sub-block approach factor of the frequency glide */
  Split split[N_SPLITS];  /* crossover points, ascending index */
  LqSvf4 a0;              /* split 0, first section: the input in lanes 0-1 and again in 2-3 */
  LqSvf4 b0;              /* split 0, second section: lanes 0-1 low, 2-3 high */
  LqSvf4 s1;              /* split 1: lanes 0-1 allpass of band 0, 2-3 first section of the rest */
  LqSvf4 b1;              /* split 1, second section: lanes 0-1 band 1, 2-3 the rest above */
  LqSvf4 c2;              /* split 2 allpass: lanes 0-1 band 0, 2-3 band 1 */
  LqSvf4 a2;              /* split 2, first section: the rest in lanes 0-1 and again in 2-3 */
  LqSvf4 b2;              /* split 2, second section: lanes 0-1 band 2, 2-3 band 3 */
};

static const double default_hz[N_SPLITS] = { 120.0, 1000.0, 6000.0 };

void
lq_svf_coeffs (LqSvfCoeffs *c, double hz, double rate, double k)
{
  double g, a1, a2;

  if (!(hz > 0.0))
    hz = 1e-3;
  if (hz > 0.49 * rate)
    hz = 0.49 * rate;
  g = tan (LQ_PI * hz / rate);
  a1 = 1.0 / (1.0 + g * (g + k));
  a2 = g * a1;
  c->p1 = (float) (2.0 * g * (g + k) * a1); /* = 2 - 2 a1, without the cancellation */
  c->b1 = (float) (2.0 * a2);
  c->s21 = (float) (2.0 * g * a1);
  c->b2 = (float) (2.0 * g * a2);
  c->a1 = a1;
  c->a2 = a2;
  c->g = g;
  c->k = k;
}

void
lq_svf_out (LqSvfOut *o, const LqSvfCoeffs *c, const LqSvfResponse r[4])
{
  double a1 = c->a1, a2 = c->a2, g = c->g, k = c->k;

  for (int lane = 0; lane < 4; lane++)
    {
      /* v1 = a1 ic1 - a2 ic2 + a2 v0;  v2 = g a1 ic1 + (1 - g a2) ic2 + g a2 v0 */
      double d, c1, c2;

      switch (r[lane])
        {
        case LQ_SVF_LP:
          d = g * a2, c1 = g * a1, c2 = 1.0 - g * a2;
          break;
        case LQ_SVF_BP:
          d = a2, c1 = a1, c2 = -a2;
          break;
        case LQ_SVF_HP: /* v0 - k v1 - v2 */
          d = 1.0 - k * a2 - g * a2, c1 = -k * a1 - g * a1, c2 = k * a2 - 1.0 + g * a2;
          break;
        case LQ_SVF_AP: /* v0 - 2 k v1 */
        default:
          d = 1.0 - 2.0 * k * a2, c1 = -2.0 * k * a1, c2 = 2.0 * k * a2;
          break;
        }
      o->d[lane] = (float) d;
      o->c1[lane] = (float) c1;
      o->c2[lane] = (float) c2;
    }
}

static double
clamp_hz (const LqCrossover *self, double hz)
{
  double hi = LQ_CROSSOVER_MAX_FRACTION * self->rate;

  return hz < LQ_CROSSOVER_MIN_HZ ? LQ_CROSSOVER_MIN_HZ : hz > hi ? hi : hz;
}

static void
update_coeffs (LqCrossover *self, unsigned i)
{
  static const LqSvfResponse lohi[4] = { LQ_SVF_LP, LQ_SVF_LP, LQ_SVF_HP, LQ_SVF_HP };
  static const LqSvfResponse ap_lp[4] = { LQ_SVF_AP, LQ_SVF_AP, LQ_SVF_LP, LQ_SVF_LP };
  static const LqSvfResponse hp[4] = { LQ_SVF_HP, LQ_SVF_HP, LQ_SVF_HP, LQ_SVF_HP };
  static const LqSvfResponse ap[4] = { LQ_SVF_AP, LQ_SVF_AP, LQ_SVF_AP, LQ_SVF_AP };
  Split *s = &self->split[i];

  lq_svf_coeffs (&s->coeffs, exp2 (s->current), self->rate, BUTTERWORTH_K);
  lq_svf_out (&s->lohi, &s->coeffs, lohi);
  lq_svf_out (&s->ap_lp, &s->coeffs, ap_lp);
  lq_svf_out (&s->hp, &s->coeffs, hp);
  lq_svf_out (&s->ap, &s->coeffs, ap);
}

LqCrossover *
lq_crossover_new (unsigned channels, double rate, unsigned n_bands)
{
  LqCrossover *self;

  if (channels < 1 || channels > 2 || !(rate >= 8000.0 && rate <= 384000.0) || n_bands < 2
      || n_bands > LQ_CROSSOVER_MAX_BANDS)
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->rate = rate;
  self->n_bands = n_bands;
  self->glide = exp (-6.907755278982137 / (LQ_CROSSOVER_SMOOTH_MS * 0.001 * rate / SUB_BLOCK));
  for (unsigned i = 0; i < N_SPLITS; i++)
    {
      self->split[i].hz = clamp_hz (self, default_hz[i]);
      self->split[i].target = self->split[i].current = log2 (self->split[i].hz);
      update_coeffs (self, i);
    }
  return self;
}

void
lq_crossover_free (LqCrossover *self)
{
  free (self);
}

void
lq_crossover_reset (LqCrossover *self)
{
  memset (&self->a0, 0, sizeof (LqSvf4));
  memset (&self->b0, 0, sizeof (LqSvf4));
  memset (&self->s1, 0, sizeof (LqSvf4));
  memset (&self->b1, 0, sizeof (LqSvf4));
  memset (&self->c2, 0, sizeof (LqSvf4));
  memset (&self->a2, 0, sizeof (LqSvf4));
  memset (&self->b2, 0, sizeof (LqSvf4));
}

int
lq_crossover_set_n_bands (LqCrossover *self, unsigned n_bands)
{
  if (n_bands < 2 || n_bands > LQ_CROSSOVER_MAX_BANDS)
    return 0;
  if (n_bands != self->n_bands)
    {
      self->n_bands = n_bands;
      lq_crossover_reset (self);
    }
  return 1;
}

unsigned
lq_crossover_get_n_bands (const LqCrossover *self)
{
  return self->n_bands;
}

void
lq_crossover_set_frequency (LqCrossover *self, unsigned index, double hz)
{
  if (index >= N_SPLITS || isnan (hz))
    return;
  self->split[index].hz = clamp_hz (self, hz);
  self->split[index].target = log2 (self->split[index].hz);
}

double
lq_crossover_get_frequency (const LqCrossover *self, unsigned index)
{
  if (index >= N_SPLITS)
    return 0.0;
  return self->split[index].hz;
}

void
lq_crossover_snap (LqCrossover *self)
{
  for (unsigned i = 0; i < N_SPLITS; i++)
    {
      self->split[i].current = self->split[i].target;
      update_coeffs (self, i);
    }
}

/* Moves the gliding frequencies one sub-block on. */
static void
glide (LqCrossover *self)
{
  for (unsigned i = 0; i < self->n_bands - 1; i++)
    {
      Split *s = &self->split[i];

      if (s->current == s->target)
        continue;
      s->current = s->target + (s->current - s->target) * self->glide;
      if (fabs (s->current - s->target) < 1e-6)
        s->current = s->target;
      update_coeffs (self, i);
    }
}

static int
state_finite (const LqCrossover *self)
{
  const LqSvf4 *all[] = { &self->a0, &self->b0, &self->s1, &self->b1, &self->c2, &self->a2, &self->b2 };
  LqV4 acc = { 0.0f, 0.0f, 0.0f, 0.0f };

  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    acc += all[i]->ic1 * 0.0f + all[i]->ic2 * 0.0f;
  return acc[0] == 0.0f && acc[1] == 0.0f && acc[2] == 0.0f && acc[3] == 0.0f;
}

/* Stores lanes 0-1 (lo) or 2-3 (hi) of v as one stereo frame. */
static inline void
store_lo (float *p, LqV4 v)
{
  memcpy (p, &v, 2 * sizeof (float));
}

static inline void
store_hi (float *p, LqV4 v)
{
  memcpy (p, (const float *) &v + 2, 2 * sizeof (float));
}

static inline float
clean (float x, int sanitize)
{
  return sanitize && !isfinite (x) ? 0.0f : x;
}

/* The network for `nb` bands and `ch` channels on `n` frames starting at frame `off`. The
 * constant arguments let the compiler build one loop per case. */
static inline __attribute__ ((always_inline)) void
run (LqCrossover *self, const float *in, float *const *bands, size_t off, size_t n,
     const unsigned nb, const unsigned ch, const int sanitize)
{
  const Split *p0 = &self->split[0], *p1 = &self->split[1], *p2 = &self->split[2];
  const LqSvfCoeffs c0 = p0->coeffs, c1 = p1->coeffs, c2 = p2->coeffs;
  const LqSvfOut lohi0 = p0->lohi, lohi1 = p1->lohi, lohi2 = p2->lohi;
  const LqSvfOut ap_lp1 = p1->ap_lp, hp1 = p1->hp, ap2 = p2->ap;
  LqSvf4 a0 = self->a0, b0 = self->b0, s1 = self->s1, b1 = self->b1;
  LqSvf4 sc2 = self->c2, a2 = self->a2, b2 = self->b2;
  float *o0 = bands[0], *o1 = bands[1];
  float *o2 = nb > 2 ? bands[2] : NULL, *o3 = nb > 3 ? bands[3] : NULL;

  for (size_t i = off; i < off + n; i++)
    {
      float l = clean (in[i * ch], sanitize);
      float r = ch == 2 ? clean (in[i * ch + 1], sanitize) : 0.0f;
      LqV4 x = { l, r, l, r };
      LqV4 v, w, y;

      v = lq_svf4_tick (&a0, &c0, &lohi0, x);   /* [lp hp] */
      v = lq_svf4_tick (&b0, &c0, &lohi0, v);   /* [LP4 HP4] at f1 */
      if (nb == 2)
        {
          if (ch == 2)
            {
              store_lo (o0 + 2 * i, v);
              store_hi (o1 + 2 * i, v);
            }
          else
            {
              o0[i] = v[0];
              o1[i] = v[2];
            }
          continue;
        }

      y = lq_svf4_out (&s1, &ap_lp1, v);        /* [AP(lo) lp(hi)] */
      w = lq_svf4_out (&s1, &hp1, v);           /* [. hp(hi)] */
      lq_svf4_update (&s1, &c1, v);
      w = SHUF (y, w, 2, 3, 6, 7);              /* [lp(hi) hp(hi)] */
      w = lq_svf4_tick (&b1, &c1, &lohi1, w);   /* [band1 rest] */
      if (nb == 3)
        {
          if (ch == 2)
            {
              store_lo (o0 + 2 * i, y);
              store_lo (o1 + 2 * i, w);
              store_hi (o2 + 2 * i, w);
            }
          else
            {
              o0[i] = y[0];
              o1[i] = w[0];
              o2[i] = w[2];
            }
          continue;
        }

      {
        LqV4 lows = SHUF (y, w, 0, 1, 4, 5);    /* [band0 band1] */
        LqV4 rest = SHUF (w, w, 2, 3, 2, 3);    /* [rest rest] */

        lows = lq_svf4_tick (&sc2, &c2, &ap2, lows);
        v = lq_svf4_tick (&a2, &c2, &lohi2, rest);
        v = lq_svf4_tick (&b2, &c2, &lohi2, v); /* [band2 band3] */
        if (ch == 2)
          {
            store_lo (o0 + 2 * i, lows);
            store_hi (o1 + 2 * i, lows);
            store_lo (o2 + 2 * i, v);
            store_hi (o3 + 2 * i, v);
          }
        else
          {
            o0[i] = lows[0];
            o1[i] = lows[2];
            o2[i] = v[0];
            o3[i] = v[2];
          }
      }
    }

  self->a0 = a0;
  self->b0 = b0;
  self->s1 = s1;
  self->b1 = b1;
  self->c2 = sc2;
  self->a2 = a2;
  self->b2 = b2;
}

static void
run_any (LqCrossover *self, const float *in, float *const *bands, size_t off, size_t n,
         int sanitize)
{
  unsigned nb = self->n_bands;

#define CASE(NB, CH)                                                                               \
  if (nb == NB && self->channels == CH)                                                          \
    {                                                                                              \
      if (sanitize)                                                                                \
        run (self, in, bands, off, n, NB, CH, 1);                                                \
      else                                                                                         \
        run (self, in, bands, off, n, NB, CH, 0);                                                \
      return;                                                                                      \
    }
  CASE (2, 2) CASE (3, 2) CASE (4, 2) CASE (2, 1) CASE (3, 1) CASE (4, 1)
#undef CASE
}

void
lq_crossover_process (LqCrossover *self, const float *in, float *const *bands, size_t frames)
{
  size_t n = frames * self->channels;
  unsigned fpu = lq_denormals_off ();
  int sanitize = lq_has_nonfinite (in, n), settled = 1;

  for (unsigned i = 0; i < self->n_bands - 1; i++)
    settled &= self->split[i].current == self->split[i].target;

  if (settled)
    run_any (self, in, bands, 0, frames, sanitize);
  else
    for (size_t off = 0; off < frames; off += SUB_BLOCK)
      {
        glide (self);
        run_any (self, in, bands, off, frames - off < SUB_BLOCK ? frames - off : SUB_BLOCK,
                 sanitize);
      }

  if (!state_finite (self))
    {
      lq_crossover_reset (self);
      for (unsigned b = 0; b < self->n_bands; b++)
        for (size_t i = 0; i < n; i++)
          if (!isfinite (bands[b][i]))
            bands[b][i] = 0.0f;
    }
  lq_denormals_restore (fpu);
}
