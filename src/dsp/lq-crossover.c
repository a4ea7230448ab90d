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
 *
 * A section's output is one multiply and one add deep from its input, but its feedback takes
 * about three times that per frame; in a plain per-frame loop each section would wait for the
 * one before it. So the sections run as a pipeline (see run ()): at step i section k of the
 * chain works on frame i - k, from what section k - 1 gave at step i - 1. Each run of frames
 * with the same coefficients fills the pipeline at its start and drains it at its end, so
 * every frame meets the same operations, in the same order, as in the plain loop: the output
 * is the same, bit for bit. With AVX the stages go two by two into eight-lane vectors
 * (run8 ()), again the same operations per lane.
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

#define SUB_BLOCK LQ_CROSSOVER_GLIDE_FRAMES
#define N_SPLITS (LQ_CROSSOVER_MAX_BANDS - 1)
#define BUTTERWORTH_K 1.4142135623730951

typedef struct
{
  LqCrossoverPoint pt; /* the frequency, its glide and the SVF state update */
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
clamp_hz (double hz, double rate)
{
  double hi = LQ_CROSSOVER_MAX_FRACTION * rate;

  return hz < LQ_CROSSOVER_MIN_HZ ? LQ_CROSSOVER_MIN_HZ : hz > hi ? hi : hz;
}

void
lq_crossover_point_init (LqCrossoverPoint *p, double hz, double rate)
{
  p->hz = clamp_hz (hz, rate);
  p->target = p->current = log2 (p->hz);
  lq_svf_coeffs (&p->coeffs, exp2 (p->current), rate, BUTTERWORTH_K);
}

void
lq_crossover_point_set (LqCrossoverPoint *p, double hz, double rate)
{
  if (isnan (hz))
    return;
  p->hz = clamp_hz (hz, rate);
  p->target = log2 (p->hz);
}

void
lq_crossover_point_snap (LqCrossoverPoint *p, double rate)
{
  p->current = p->target;
  lq_svf_coeffs (&p->coeffs, exp2 (p->current), rate, BUTTERWORTH_K);
}

double
lq_crossover_glide_factor (double rate)
{
  return exp (-6.907755278982137 / (LQ_CROSSOVER_SMOOTH_MS * 0.001 * rate / SUB_BLOCK));
}

int
lq_crossover_point_glide (LqCrossoverPoint *p, double rate, double factor)
{
  if (p->current == p->target)
    return 0;
  p->current = p->target + (p->current - p->target) * factor;
  if (fabs (p->current - p->target) < 1e-6)
    p->current = p->target;
  lq_svf_coeffs (&p->coeffs, exp2 (p->current), rate, BUTTERWORTH_K);
  return 1;
}

/* The outputs of split i from its coefficients. */
static void
update_outputs (LqCrossover *self, unsigned i)
{
  static const LqSvfResponse lohi[4] = { LQ_SVF_LP, LQ_SVF_LP, LQ_SVF_HP, LQ_SVF_HP };
  static const LqSvfResponse ap_lp[4] = { LQ_SVF_AP, LQ_SVF_AP, LQ_SVF_LP, LQ_SVF_LP };
  static const LqSvfResponse hp[4] = { LQ_SVF_HP, LQ_SVF_HP, LQ_SVF_HP, LQ_SVF_HP };
  static const LqSvfResponse ap[4] = { LQ_SVF_AP, LQ_SVF_AP, LQ_SVF_AP, LQ_SVF_AP };
  Split *s = &self->split[i];

  lq_svf_out (&s->lohi, &s->pt.coeffs, lohi);
  lq_svf_out (&s->ap_lp, &s->pt.coeffs, ap_lp);
  lq_svf_out (&s->hp, &s->pt.coeffs, hp);
  lq_svf_out (&s->ap, &s->pt.coeffs, ap);
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
  self->glide = lq_crossover_glide_factor (rate);
  for (unsigned i = 0; i < N_SPLITS; i++)
    {
      lq_crossover_point_init (&self->split[i].pt, default_hz[i], rate);
      update_outputs (self, i);
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
  if (index < N_SPLITS)
    lq_crossover_point_set (&self->split[index].pt, hz, self->rate);
}

double
lq_crossover_get_frequency (const LqCrossover *self, unsigned index)
{
  if (index >= N_SPLITS)
    return 0.0;
  return self->split[index].pt.hz;
}

void
lq_crossover_snap (LqCrossover *self)
{
  for (unsigned i = 0; i < N_SPLITS; i++)
    {
      lq_crossover_point_snap (&self->split[i].pt, self->rate);
      update_outputs (self, i);
    }
}

/* Moves the gliding frequencies one sub-block on. */
static void
glide (LqCrossover *self)
{
  for (unsigned i = 0; i < self->n_bands - 1; i++)
    if (lq_crossover_point_glide (&self->split[i].pt, self->rate, self->glide))
      update_outputs (self, i);
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

/* The state update with its scalar coefficients already broadcast to the four lanes. */
typedef struct
{
  LqV4 p1, b1, s21, b2; /* see LqSvfCoeffs */
} Update4;

static inline Update4
update4 (const LqSvfCoeffs *c)
{
  Update4 u = { { c->p1, c->p1, c->p1, c->p1 }, { c->b1, c->b1, c->b1, c->b1 },
                { c->s21, c->s21, c->s21, c->s21 }, { c->b2, c->b2, c->b2, c->b2 } };

  return u;
}

/* lq_svf4_update () and lq_svf4_tick () with broadcast coefficients: the same operations. */
static inline void
update_b (LqSvf4 *s, const Update4 *c, LqV4 v0)
{
  LqV4 e = v0 - s->ic2;
  LqV4 ic1 = (s->ic1 - c->p1 * s->ic1) + c->b1 * e;
  LqV4 ic2 = (s->ic2 + c->s21 * s->ic1) + c->b2 * e;

  s->ic1 = ic1;
  s->ic2 = ic2;
}

static inline LqV4
tick_b (LqSvf4 *s, const Update4 *c, const LqSvfOut *o, LqV4 v0)
{
  LqV4 y = lq_svf4_out (s, o, v0);

  update_b (s, c, v0);
  return y;
}

/* Everything one pass of the network reads: coefficients, state, buffers. */
typedef struct
{
  Update4 u0, u1, u2;                 /* state updates of splits 0, 1, 2 */
  LqSvfOut lohi0, lohi1, lohi2;       /* [lp hp] outputs of the splits */
  LqSvfOut ap_lp1, hp1, ap2;          /* the other outputs used */
  LqSvf4 a0, b0, s1, b1, c2, a2, b2;  /* state, as in LqCrossover */
  const float *in;                    /* input frames */
  float *o0, *o1, *o2, *o3;           /* band outputs */
} Net;

/* Values on their way from one stage of the pipeline to the next (see run ()). */
typedef struct
{
  LqV4 p0;  /* A0's [lp hp] */
  LqV4 p1;  /* B0's [lo hi] */
  LqV4 p2y; /* S1's [AP(lo) lp(hi)] */
  LqV4 p2w; /* [lp(hi) hp(hi)] */
  LqV4 p3l; /* [band0 band1] */
  LqV4 p3r; /* [rest rest] */
  LqV4 p4;  /* A2's [lp hp] of the rest */
} Pipe;

/* Writes lanes 0-1 (lo) or 2-3 (hi) of v as sample i of a band (one frame of ch channels). */
static inline __attribute__ ((always_inline)) void
put (float *o, size_t i, LqV4 v, int hi, const unsigned ch)
{
  if (ch == 2)
    {
      if (hi)
        store_hi (o + 2 * i, v);
      else
        store_lo (o + 2 * i, v);
    }
  else
    o[i] = v[hi ? 2 : 0];
}

/* One step of the pipeline at time i: stage k runs its section(s) on frame i - k (when e[k]),
 * taking its input from what stage k - 1 passed on in the step before. Every frame meets the
 * same operations in the same order as in a plain per-frame loop; only frames overlap. */
static inline __attribute__ ((always_inline)) void
step (Net *t, Pipe *p, size_t i, const unsigned nb, const unsigned ch, const int sanitize,
      const int e0, const int e1, const int e2, const int e3, const int e4, const int e5)
{
  Pipe q = *p;
  LqV4 x = { 0.0f, 0.0f, 0.0f, 0.0f };

  /* The input first: loads issued before this step's stores never wait on them (stores to
   * an address 4 KiB apart from a later load delay it). */
  if (e0)
    {
      float l = clean (t->in[i * ch], sanitize);
      float r = ch == 2 ? clean (t->in[i * ch + 1], sanitize) : 0.0f;

      x = (LqV4) { l, r, l, r };
    }

  if (nb > 3 && e5)
    {
      LqV4 v = tick_b (&t->b2, &t->u2, &t->lohi2, p->p4); /* [band2 band3] */

      put (t->o2, i - 5, v, 0, ch);
      put (t->o3, i - 5, v, 1, ch);
    }
  if (nb > 3 && e4)
    {
      LqV4 lows = tick_b (&t->c2, &t->u2, &t->ap2, p->p3l);

      put (t->o0, i - 4, lows, 0, ch);
      put (t->o1, i - 4, lows, 1, ch);
      q.p4 = tick_b (&t->a2, &t->u2, &t->lohi2, p->p3r);
    }
  if (nb > 2 && e3)
    {
      LqV4 w = tick_b (&t->b1, &t->u1, &t->lohi1, p->p2w); /* [band1 rest] */

      if (nb == 3)
        {
          put (t->o0, i - 3, p->p2y, 0, ch);
          put (t->o1, i - 3, w, 0, ch);
          put (t->o2, i - 3, w, 1, ch);
        }
      else
        {
          q.p3l = SHUF (p->p2y, w, 0, 1, 4, 5); /* [band0 band1] */
          q.p3r = SHUF (w, w, 2, 3, 2, 3);      /* [rest rest] */
        }
    }
  if (nb > 2 && e2)
    {
      LqV4 y = lq_svf4_out (&t->s1, &t->ap_lp1, p->p1); /* [AP(lo) lp(hi)] */
      LqV4 w = lq_svf4_out (&t->s1, &t->hp1, p->p1);    /* [. hp(hi)] */

      update_b (&t->s1, &t->u1, p->p1);
      q.p2y = y;
      q.p2w = SHUF (y, w, 2, 3, 6, 7); /* [lp(hi) hp(hi)] */
    }
  if (e1)
    {
      LqV4 v = tick_b (&t->b0, &t->u0, &t->lohi0, p->p0); /* [LP4 HP4] at f1 */

      if (nb == 2)
        {
          put (t->o0, i - 1, v, 0, ch);
          put (t->o1, i - 1, v, 1, ch);
        }
      else
        q.p1 = v;
    }
  if (e0)
    q.p0 = tick_b (&t->a0, &t->u0, &t->lohi0, x); /* [lp hp] */
  *p = q;
}

/* A step at the start or the end of a run, where only some stages have a frame. */
static inline __attribute__ ((always_inline)) void
edge_step (Net *t, Pipe *p, size_t i, size_t off, size_t n, const unsigned nb, const unsigned ch,
           const int sanitize)
{
#define E(k) (i >= off + (k) && i - (k) < off + n)
  step (t, p, i, nb, ch, sanitize, E (0), E (1), E (2), E (3), E (4), E (5));
#undef E
}

/* The coefficients, state and buffers of a pass. */
static inline __attribute__ ((always_inline)) void
net_init (Net *t, const LqCrossover *self, const float *in, float *const *bands,
          const unsigned nb)
{
  t->u0 = update4 (&self->split[0].pt.coeffs);
  t->u1 = update4 (&self->split[1].pt.coeffs);
  t->u2 = update4 (&self->split[2].pt.coeffs);
  t->lohi0 = self->split[0].lohi;
  t->lohi1 = self->split[1].lohi;
  t->lohi2 = self->split[2].lohi;
  t->ap_lp1 = self->split[1].ap_lp;
  t->hp1 = self->split[1].hp;
  t->ap2 = self->split[2].ap;
  t->a0 = self->a0;
  t->b0 = self->b0;
  t->s1 = self->s1;
  t->b1 = self->b1;
  t->c2 = self->c2;
  t->a2 = self->a2;
  t->b2 = self->b2;
  t->in = in;
  t->o0 = bands[0];
  t->o1 = bands[1];
  t->o2 = nb > 2 ? bands[2] : NULL;
  t->o3 = nb > 3 ? bands[3] : NULL;
}

/* The network for `nb` bands and `ch` channels on `n` frames starting at frame `off`, as a
 * pipeline of one stage per section in series (A0 | B0 | S1 | B1 | C2 A2 | B2: 2, 4 or 6
 * stages), filled at the start of the run and drained at its end, so all its sections work
 * on different frames at once instead of each waiting for the one before. The constant
 * arguments let the compiler build one loop per case. `in` may be a band buffer: a frame is
 * read before it is written. */
static inline __attribute__ ((always_inline)) void
run (LqCrossover *self, const float *in, float *const *bands, size_t off, size_t n,
     const unsigned nb, const unsigned ch, const int sanitize)
{
  const size_t depth = nb == 2 ? 2 : nb == 3 ? 4 : 6;
  const size_t end = off + n + depth - 1;
  Net t;
  Pipe p;
  size_t i = off;

  memset (&p, 0, sizeof p);
  net_init (&t, self, in, bands, nb);

  for (; i < end && i < off + depth - 1; i++)
    edge_step (&t, &p, i, off, n, nb, ch, sanitize);
  for (; i < off + n; i++)
    step (&t, &p, i, nb, ch, sanitize, 1, 1, 1, 1, 1, 1);
  for (; i < end; i++)
    edge_step (&t, &p, i, off, n, nb, ch, sanitize);

  self->a0 = t.a0;
  self->b0 = t.b0;
  self->s1 = t.s1;
  self->b1 = t.b1;
  self->c2 = t.c2;
  self->a2 = t.a2;
  self->b2 = t.b2;
}

#ifdef LQ_HAVE_AVX_PATH
/* The network with AVX: two four-lane sections side by side in each eight-lane vector (the
 * stages A0 | B0, S1 | B1, C2 | A2, then B2 alone), so 2, 3 and 4 bands cost 1, 2 and 3.5
 * vector sections per frame; the same pipeline and the same operations per lane as step (). */
typedef struct
{
  LqV8 p1, b1, s21, b2; /* state update per half (see LqSvfCoeffs) */
  LqV8 d, c1, c2;       /* output per lane (see LqSvfOut) */
  LqV8 ic1, ic2;        /* state */
} Sec8;

LQ_AVX_INLINE void
sec8_init (Sec8 *s, const Update4 *ulo, const Update4 *uhi, const LqSvfOut *olo,
           const LqSvfOut *ohi, const LqSvf4 *slo, const LqSvf4 *shi)
{
  s->p1 = lq_v8_join (ulo->p1, uhi->p1);
  s->b1 = lq_v8_join (ulo->b1, uhi->b1);
  s->s21 = lq_v8_join (ulo->s21, uhi->s21);
  s->b2 = lq_v8_join (ulo->b2, uhi->b2);
  s->d = lq_v8_join (olo->d, ohi->d);
  s->c1 = lq_v8_join (olo->c1, ohi->c1);
  s->c2 = lq_v8_join (olo->c2, ohi->c2);
  s->ic1 = lq_v8_join (slo->ic1, shi->ic1);
  s->ic2 = lq_v8_join (slo->ic2, shi->ic2);
}

/* Output then state update (lq_svf4_tick ()); with `edge`, the halves not in `keep` keep
 * their state. */
LQ_AVX_INLINE LqV8
tick8 (Sec8 *s, LqV8 v0, const int edge, LqV8i keep)
{
  LqV8 y = s->d * v0 + (s->c1 * s->ic1 + s->c2 * s->ic2);
  LqV8 e = v0 - s->ic2;
  LqV8 ic1 = (s->ic1 - s->p1 * s->ic1) + s->b1 * e;
  LqV8 ic2 = (s->ic2 + s->s21 * s->ic1) + s->b2 * e;

  if (edge)
    {
      ic1 = (LqV8) (((LqV8i) ic1 & keep) | ((LqV8i) s->ic1 & ~keep));
      ic2 = (LqV8) (((LqV8i) ic2 & keep) | ((LqV8i) s->ic2 & ~keep));
    }
  s->ic1 = ic1;
  s->ic2 = ic2;
  return y;
}

LQ_AVX_INLINE LqV8i
halves (int lo, int hi)
{
  return (LqV8i) { -lo, -lo, -lo, -lo, -hi, -hi, -hi, -hi };
}

/* What the AVX network keeps between steps. */
typedef struct
{
  Sec8 p0, p1, p2;  /* [A0 | B0], [S1 | B1], [C2 | A2] */
  LqSvf4 b2;        /* B2 */
  LqV8 o0, o1, o2;  /* their outputs at the last step */
  LqV4 w;           /* S1's [. hp(hi)] at the last step */
  LqV4 y2;          /* S1's [AP(lo) lp(hi)] two steps ago */
  LqV4 o3;          /* B2's output at the last step */
} Net8;

/* Step i (see step ()): A0 on frame i, B0 on i - 1, S1 on i - 2, B1 on i - 3, C2 and A2 on
 * i - 4, B2 on i - 5; each takes what the stage before gave at the step before. */
LQ_AVX_INLINE void
step8 (Net8 *t, const Net *c, size_t i, const unsigned nb, const unsigned ch, const int sanitize,
       const int edge, const int e0, const int e1, const int e2, const int e3, const int e4,
       const int e5)
{
  LqV4 x = { 0.0f, 0.0f, 0.0f, 0.0f }, y_prev = lq_v8_lo (t->o1), b1_prev = lq_v8_hi (t->o1);
  LqV8 o0, o1, o2;

  if (!edge || e0)
    {
      float l = clean (c->in[i * ch], sanitize);
      float r = ch == 2 ? clean (c->in[i * ch + 1], sanitize) : 0.0f;

      x = (LqV4) { l, r, l, r };
    }

  if (nb > 3)
    {
      LqV4 lows = SHUF (t->y2, b1_prev, 0, 1, 4, 5); /* [band0 band1] of frame i - 4 */
      LqV4 rest = SHUF (b1_prev, b1_prev, 2, 3, 2, 3);

      t->o3 = lq_svf4_out (&t->b2, &c->lohi2, lq_v8_hi (t->o2)); /* [band2 band3] of i - 5 */
      if (!edge || e5)
        {
          update_b (&t->b2, &c->u2, lq_v8_hi (t->o2));
          put (c->o2, i - 5, t->o3, 0, ch);
          put (c->o3, i - 5, t->o3, 1, ch);
        }
      o2 = tick8 (&t->p2, lq_v8_join (lows, rest), edge, halves (e4, e4));
      if (!edge || e4)
        {
          put (c->o0, i - 4, lq_v8_lo (o2), 0, ch);
          put (c->o1, i - 4, lq_v8_lo (o2), 1, ch);
        }
      t->o2 = o2;
    }
  if (nb > 2)
    {
      LqV4 in_b1 = SHUF (y_prev, t->w, 2, 3, 6, 7); /* [lp(hi) hp(hi)] of frame i - 3 */
      LqV8 in = lq_v8_join (lq_v8_hi (t->o0), in_b1);
      LqSvf4 s1 = { lq_v8_lo (t->p1.ic1), lq_v8_lo (t->p1.ic2) };

      t->w = lq_svf4_out (&s1, &c->hp1, lq_v8_hi (t->o0)); /* S1's [. hp(hi)] of frame i - 2 */
      o1 = tick8 (&t->p1, in, edge, halves (e2, e3));
      if (nb == 3 && (!edge || e3))
        {
          put (c->o0, i - 3, y_prev, 0, ch);
          put (c->o1, i - 3, lq_v8_hi (o1), 0, ch);
          put (c->o2, i - 3, lq_v8_hi (o1), 1, ch);
        }
      t->y2 = y_prev;
      t->o1 = o1;
    }
  o0 = tick8 (&t->p0, lq_v8_join (x, lq_v8_lo (t->o0)), edge, halves (e0, e1));
  if (nb == 2 && (!edge || e1))
    {
      put (c->o0, i - 1, lq_v8_hi (o0), 0, ch);
      put (c->o1, i - 1, lq_v8_hi (o0), 1, ch);
    }
  t->o0 = o0;
}

LQ_AVX_INLINE void
edge_step8 (Net8 *t, const Net *c, size_t i, size_t off, size_t n, const unsigned nb,
            const unsigned ch, const int sanitize)
{
#define E(k) (i >= off + (k) && i - (k) < off + n)
  step8 (t, c, i, nb, ch, sanitize, 1, E (0), E (1), E (2), E (3), E (4), E (5));
#undef E
}

LQ_AVX_INLINE void
run8 (LqCrossover *self, const float *in, float *const *bands, size_t off, size_t n,
      const unsigned nb, const unsigned ch, const int sanitize)
{
  const size_t depth = nb == 2 ? 2 : nb == 3 ? 4 : 6;
  const size_t end = off + n + depth - 1;
  Net c;
  Net8 t;
  size_t i = off;

  memset (&c, 0, sizeof c);
  memset (&t, 0, sizeof t);
  net_init (&c, self, in, bands, nb);
  sec8_init (&t.p0, &c.u0, &c.u0, &c.lohi0, &c.lohi0, &self->a0, &self->b0);
  sec8_init (&t.p1, &c.u1, &c.u1, &c.ap_lp1, &c.lohi1, &self->s1, &self->b1);
  sec8_init (&t.p2, &c.u2, &c.u2, &c.ap2, &c.lohi2, &self->c2, &self->a2);
  t.b2 = self->b2;

  for (; i < end && i < off + depth - 1; i++)
    edge_step8 (&t, &c, i, off, n, nb, ch, sanitize);
  for (; i < off + n; i++)
    step8 (&t, &c, i, nb, ch, sanitize, 0, 1, 1, 1, 1, 1, 1);
  for (; i < end; i++)
    edge_step8 (&t, &c, i, off, n, nb, ch, sanitize);

  self->a0 = (LqSvf4) { lq_v8_lo (t.p0.ic1), lq_v8_lo (t.p0.ic2) };
  self->b0 = (LqSvf4) { lq_v8_hi (t.p0.ic1), lq_v8_hi (t.p0.ic2) };
  self->s1 = (LqSvf4) { lq_v8_lo (t.p1.ic1), lq_v8_lo (t.p1.ic2) };
  self->b1 = (LqSvf4) { lq_v8_hi (t.p1.ic1), lq_v8_hi (t.p1.ic2) };
  self->c2 = (LqSvf4) { lq_v8_lo (t.p2.ic1), lq_v8_lo (t.p2.ic2) };
  self->a2 = (LqSvf4) { lq_v8_hi (t.p2.ic1), lq_v8_hi (t.p2.ic2) };
  self->b2 = t.b2;
}

__attribute__ ((target ("avx"))) static void
run_any_avx (LqCrossover *self, const float *in, float *const *bands, size_t off, size_t n,
             int sanitize)
{
  unsigned nb = self->n_bands;

#define CASE(NB, CH)                                                                               \
  if (nb == NB && self->channels == CH)                                                          \
    {                                                                                              \
      if (sanitize)                                                                                \
        run8 (self, in, bands, off, n, NB, CH, 1);                                               \
      else                                                                                         \
        run8 (self, in, bands, off, n, NB, CH, 0);                                               \
      return;                                                                                      \
    }
  CASE (2, 2) CASE (3, 2) CASE (4, 2) CASE (2, 1) CASE (3, 1) CASE (4, 1)
#undef CASE
}
#endif

static void
run_any (LqCrossover *self, const float *in, float *const *bands, size_t off, size_t n,
         int sanitize)
{
  unsigned nb = self->n_bands;

#ifdef LQ_HAVE_AVX_PATH
  if (lq_have_avx ())
    {
      run_any_avx (self, in, bands, off, n, sanitize);
      return;
    }
#endif
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
  unsigned fpu = lq_v4_denormals_off ();
  int sanitize = lq_v4_has_nonfinite (in, n), settled = 1;

  for (unsigned i = 0; i < self->n_bands - 1; i++)
    settled &= self->split[i].pt.current == self->split[i].pt.target;

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
  lq_v4_denormals_restore (fpu);
}
