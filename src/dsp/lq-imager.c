/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqImager: mid/side width per band, mono bass and balance (see lq-imager.h). The work runs in
 * chunks of CHUNK frames: mid/side, the filter network, back to left/right.
 *
 * The filters are one network of twelve trapezoidal SVF sections (the sections, frequencies
 * and glides of LqCrossover: lq-crossover.h), each on one signal, packed into the four lanes of
 * three vectors. With split 1 at f1 (xover0), split 2 at f2 (xover1) and the mono-below split
 * at fm, X(f) a Butterworth section's response (LP4 = LP^2, HP4 = HP^2, LP4 + HP4 = AP):
 *
 *   side:  P1 (S -> lp, hp), P2lo (lp -> LP4_1), P2hi (hp -> h = HP4_1),
 *          AP2 (LP4_1 -> b0 = LP4_1 AP_2), Q1 (h -> lp, hp), Q2lo (-> b1 = HP4_1 LP4_2),
 *          Q2hi (-> b2 = HP4_1 HP4_2);  S' = w0 b0 + w1 b1 + w2 b2;
 *          N1, N2 (S' -> S'' = HP4_m S')
 *   mid:   MA1, MA2, MAm: M'' = AP_1 AP_2 AP_m M
 *
 * which is exactly what the LR4 band split, the weighted sums and the mono-below split give
 * (the mid bands sum to the allpasses; the mono split's low side band is dropped). With fewer
 * bands or no mono-below, the sections not needed pass their input through (y = v0) and the
 * missing bands weigh 0.
 *
 * The sections run as a pipeline: a section at stage k works on frame i - k while the first
 * works on frame i, so the four lanes of a vector hold sections that do not wait for each
 * other (A = [P1 | MA1 Q2lo Q2hi], stages [0 | 3 3 3]; B = [P2lo P2hi | MA2 N1], [1 1 | 4 4];
 * C = [AP2 Q1 | MAm N2], [2 2 | 5 5]). Each run of frames with the same coefficients fills the
 * pipeline at its start and drains it at its end (lanes whose stage has no frame yet or any
 * more keep their state), so every frame meets exactly the sections of its run.
 */
#include "lq-imager.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lq-crossover.h"
#include "lq-dsp-util.h"

#define CHUNK 256
#define N_POINTS 3  /* band crossovers 0 and 1, then the mono-below split */
#define MONO 2      /* index of the mono-below point */
#define DEPTH 7     /* pipeline stages */

typedef int LqV4i __attribute__ ((vector_size (16)));

/* Per-lane coefficients of one vector of four sections. */
typedef struct
{
  LqV4 p1, b1, s21, b2; /* state update per lane (see LqSvfCoeffs) */
  LqSvfOut o1;          /* the output of each lane */
  LqSvfOut o2;          /* a second output (P1's high-pass, Q1's high-pass) */
} Vec;

struct _LqImager
{
  unsigned channels;                 /* 1 or 2, interleaved */
  double rate;                       /* sample rate, Hz */

  /* Settings */
  unsigned n_req;                    /* bands asked for, 1..3 */
  double width[LQ_IMAGER_MAX_BANDS]; /* width asked for per band */
  double mono_hz;                    /* mono-below frequency, 0 = off */
  double balance;                    /* -1..1 */

  /* The running topology (changes only while the output is fully dry) */
  int running;                       /* the wet path is live (its filters hold valid state) */
  unsigned n_run;                    /* bands running */
  int mono_run;                      /* mono-below split running */

  /* The filter network */
  LqCrossoverPoint point[N_POINTS];  /* its frequencies (gliding like LqCrossover's) */
  double glide;                      /* per-step approach factor of the glides */
  Vec vec[3];                        /* coefficients of vectors A, B, C (see above) */
  LqSvf4 state[3];                   /* their state */

  /* Smoothing */
  double pole;                       /* per-frame pole of the width and balance smoothing */
  float fade_step;                   /* 1 / fade length in frames */
  float w_cur[LQ_IMAGER_MAX_BANDS];  /* width reached per band */
  float bal_cur;                     /* balance reached */
  float dry;                         /* fade position: 0 wet .. 1 dry input */

  /* Scratch */
  float *ms;                         /* CHUNK frames of (M, S), then (M'', S'') */
};

/* Plain comparisons (libm's fmaxf/fminf are calls, for their NaN rules; values here are
 * finite). */
static inline float
max_f (float a, float b)
{
  return a > b ? a : b;
}

static inline float
min_f (float a, float b)
{
  return a < b ? a : b;
}

/* ---- the network's coefficients ---- */

/* What a lane puts out: a response of its section, or its input unchanged. */
typedef enum
{
  OUT_LP = LQ_SVF_LP,
  OUT_HP = LQ_SVF_HP,
  OUT_AP = LQ_SVF_AP,
  OUT_PASS, /* y = v0 */
} Out;

static void
lane_out (LqSvfOut *o, int lane, const LqSvfCoeffs *c, Out r)
{
  if (r == OUT_PASS)
    {
      o->d[lane] = 1.0f;
      o->c1[lane] = 0.0f;
      o->c2[lane] = 0.0f;
    }
  else
    {
      const LqSvfResponse rr[4] = { (LqSvfResponse) r, (LqSvfResponse) r, (LqSvfResponse) r,
                                    (LqSvfResponse) r };
      LqSvfOut all;

      lq_svf_out (&all, c, rr);
      o->d[lane] = all.d[0];
      o->c1[lane] = all.c1[0];
      o->c2[lane] = all.c2[0];
    }
}

/* Lane `lane` of v: the section at point c, outputs r1 and r2. */
static void
lane_set (Vec *v, int lane, const LqSvfCoeffs *c, Out r1, Out r2)
{
  v->p1[lane] = c->p1;
  v->b1[lane] = c->b1;
  v->s21[lane] = c->s21;
  v->b2[lane] = c->b2;
  lane_out (&v->o1, lane, c, r1);
  lane_out (&v->o2, lane, c, r2);
}

/* The coefficients of the running topology at the points' current frequencies. */
static void
build_network (LqImager *self)
{
  const LqSvfCoeffs *c1 = &self->point[0].coeffs, *c2 = &self->point[1].coeffs;
  const LqSvfCoeffs *cm = &self->point[MONO].coeffs;
  const int two = self->n_run >= 2, three = self->n_run == 3, mono = self->mono_run;
  Vec *a = &self->vec[0], *b = &self->vec[1], *c = &self->vec[2];

  lane_set (a, 0, c1, two ? OUT_LP : OUT_PASS, two ? OUT_HP : OUT_PASS); /* P1 */
  lane_set (a, 1, c1, two ? OUT_AP : OUT_PASS, OUT_PASS);                /* MA1 */
  lane_set (a, 2, c2, three ? OUT_LP : OUT_PASS, OUT_PASS);              /* Q2lo */
  lane_set (a, 3, c2, three ? OUT_HP : OUT_PASS, OUT_PASS);              /* Q2hi */
  lane_set (b, 0, c1, two ? OUT_LP : OUT_PASS, OUT_PASS);                /* P2lo */
  lane_set (b, 1, c1, two ? OUT_HP : OUT_PASS, OUT_PASS);                /* P2hi */
  lane_set (b, 2, c2, three ? OUT_AP : OUT_PASS, OUT_PASS);              /* MA2 */
  lane_set (b, 3, cm, mono ? OUT_HP : OUT_PASS, OUT_PASS);               /* N1 */
  lane_set (c, 0, c2, three ? OUT_AP : OUT_PASS, OUT_PASS);              /* AP2 */
  lane_set (c, 1, c2, three ? OUT_LP : OUT_PASS, three ? OUT_HP : OUT_PASS); /* Q1 */
  lane_set (c, 2, cm, mono ? OUT_AP : OUT_PASS, OUT_PASS);               /* MAm */
  lane_set (c, 3, cm, mono ? OUT_HP : OUT_PASS, OUT_PASS);               /* N2 */
}

/* Whether point i is part of the running network. */
static int
point_used (const LqImager *self, unsigned i)
{
  return i == MONO ? self->mono_run : i < self->n_run - 1;
}

static int
network_settled (const LqImager *self)
{
  for (unsigned i = 0; i < N_POINTS; i++)
    if (point_used (self, i) && self->point[i].current != self->point[i].target)
      return 0;
  return 1;
}

/* One glide step of the points in use, before each LQ_CROSSOVER_GLIDE_FRAMES frames. */
static void
network_glide (LqImager *self)
{
  int changed = 0;

  for (unsigned i = 0; i < N_POINTS; i++)
    if (point_used (self, i))
      changed |= lq_crossover_point_glide (&self->point[i], self->rate, self->glide);
  if (changed)
    build_network (self);
}

static void
network_reset (LqImager *self)
{
  memset (self->state, 0, sizeof self->state);
}

static int
network_finite (const LqImager *self)
{
  LqV4 acc = { 0.0f, 0.0f, 0.0f, 0.0f };

  for (unsigned v = 0; v < 3; v++)
    acc += self->state[v].ic1 * 0.0f + self->state[v].ic2 * 0.0f;
  return acc[0] == 0.0f && acc[1] == 0.0f && acc[2] == 0.0f && acc[3] == 0.0f;
}

/* ---- the network's pipeline ---- */

#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#define SHUF(a, b, i0, i1, i2, i3) __builtin_shufflevector (a, b, i0, i1, i2, i3)
#else
#define SHUF(a, b, i0, i1, i2, i3) __builtin_shuffle (a, b, (LqV4i) { i0, i1, i2, i3 })
#endif

/* What one run of the network keeps from one step to the next. */
typedef struct
{
  LqSvf4 sa, sb, sc; /* state of vectors A, B, C */
  LqV4 a1, a2;       /* A's outputs at the last step */
  LqV4 b1;           /* B's output at the last step */
  LqV4 c1, c2;       /* C's outputs at the last step */
  LqV4 c1_2;         /* C's first output two steps ago */
  LqV4 sp;           /* S' formed at the last step (N1's input at this one) */
  LqV4 k;            /* (frame + 1) of the frame whose S' is formed, in every lane */
} Pipe;

/* lq_svf4_update () with per-lane coefficients. */
static inline void
update (LqSvf4 *s, const Vec *c, LqV4 v0)
{
  LqV4 e = v0 - s->ic2;
  LqV4 ic1 = (s->ic1 - c->p1 * s->ic1) + c->b1 * e;
  LqV4 ic2 = (s->ic2 + c->s21 * s->ic1) + c->b2 * e;

  s->ic1 = ic1;
  s->ic2 = ic2;
}

/* The state of lanes in m from `now`, of the others from `was`. */
static inline void
keep_lanes (LqSvf4 *now, const LqSvf4 *was, LqV4i m)
{
  now->ic1 = (LqV4) (((LqV4i) now->ic1 & m) | ((LqV4i) was->ic1 & ~m));
  now->ic2 = (LqV4) (((LqV4i) now->ic2 & m) | ((LqV4i) was->ic2 & ~m));
}

/* Step i of the pipeline (frames [off, off + n) of ms): every stage k on frame i - k, or,
 * for an `edge` step, only the stages that have a frame. w0 and dw hold the band weights
 * (w0 + (frame + 1) dw) in lanes 0-2, 0 in lane 3 and for missing bands. */
static inline __attribute__ ((always_inline)) void
net_step (Pipe *p, const Vec *va, const Vec *vb, const Vec *vc, LqV4 w0, LqV4 dw, float *ms,
          size_t i, size_t off, size_t n, const int edge, const int ramp)
{
  LqV4 in_a, in_b, a1, a2, b1, c1, c2, w, bands, sp, sm;
  LqSvf4 sa = p->sa, sb = p->sb, sc = p->sc;
  float s = 0.0f, m = 0.0f;
  int e[DEPTH];

  for (int k = 0; k < DEPTH; k++)
    e[k] = !edge || (i >= off + (size_t) k && i - (size_t) k < off + n);

  /* S' of frame i - 4 from its bands: b0 from AP2 two steps ago, b1 and b2 from Q2lo and
   * Q2hi one step ago; summed as (w0 b0 + w1 b1) + w2 b2, for N1 at the next step (one step
   * in between, so that B does not wait for A's outputs of the step before). */
  w = ramp ? w0 + p->k * dw : w0;
  bands = SHUF (p->c1_2, p->a1, 0, 6, 7, 0) * w;
  sp = bands + SHUF (bands, bands, 1, 1, 1, 1);
  sp = sp + SHUF (bands, bands, 2, 2, 2, 2);
  if (ramp)
    p->k += (LqV4) { 1.0f, 1.0f, 1.0f, 1.0f };

  /* The inputs: A = [S (i), M (i - 4), Q1's lp, Q1's hp], B = [P1's lp, P1's hp, MA1, S'],
   * C = what B gave. */
  if (e[0])
    s = ms[2 * i + 1];
  if (e[4])
    m = ms[2 * (i - 4)];
  sm = (LqV4) { s, m, 0.0f, 0.0f };
  in_a = SHUF (sm, SHUF (p->c1, p->c2, 1, 5, 1, 5), 0, 1, 4, 5);
  in_b = SHUF (SHUF (p->a1, p->a2, 0, 4, 1, 5), p->sp, 0, 1, 2, 4);

  a1 = lq_svf4_out (&sa, &va->o1, in_a);
  a2 = lq_svf4_out (&sa, &va->o2, in_a);
  update (&sa, va, in_a);
  b1 = lq_svf4_out (&sb, &vb->o1, in_b);
  update (&sb, vb, in_b);
  c1 = lq_svf4_out (&sc, &vc->o1, p->b1);
  c2 = lq_svf4_out (&sc, &vc->o2, p->b1);
  update (&sc, vc, p->b1);

  if (edge)
    {
      keep_lanes (&sa, &p->sa, (LqV4i) { -e[0], -e[4], -e[3], -e[3] });
      keep_lanes (&sb, &p->sb, (LqV4i) { -e[1], -e[1], -e[5], -e[5] });
      keep_lanes (&sc, &p->sc, (LqV4i) { -e[2], -e[2], -e[6], -e[6] });
    }
  if (e[6]) /* (M'', S'') of frame i - 6 */
    memcpy (ms + 2 * (i - 6), (const float *) &c1 + 2, 2 * sizeof (float));

  p->sa = sa;
  p->sb = sb;
  p->sc = sc;
  p->a1 = a1;
  p->a2 = a2;
  p->b1 = b1;
  p->c1_2 = p->c1;
  p->c1 = c1;
  p->c2 = c2;
  p->sp = sp;
}

static inline __attribute__ ((always_inline)) void
net_run_case (Pipe *p, const Vec *va, const Vec *vb, const Vec *vc, LqV4 w0, LqV4 dw, float *ms,
              size_t off, size_t n, const int ramp)
{
  const size_t end = off + n + DEPTH - 1;
  Pipe q = *p;
  size_t i = off;

  for (; i < end && i < off + DEPTH - 1; i++)
    net_step (&q, va, vb, vc, w0, dw, ms, i, off, n, 1, ramp);
  for (; i < off + n; i++)
    net_step (&q, va, vb, vc, w0, dw, ms, i, off, n, 0, ramp);
  for (; i < end; i++)
    net_step (&q, va, vb, vc, w0, dw, ms, i, off, n, 1, ramp);
  *p = q;
}

#ifdef LQ_HAVE_AVX_PATH
/* The network with AVX: A and B side by side in one eight-lane vector (C stays four lanes),
 * the same pipeline and the same operations per lane as net_step (). */
typedef struct
{
  LqV8 p1, b1, s21, b2; /* [A | B] state update per lane */
  LqV8 od, oc1, oc2;    /* [A | B] outputs */
  LqV8 ic1, ic2;        /* [A | B] state */
  LqSvf4 sc;            /* C's state */
  LqV8 ab1;             /* [A | B] outputs at the last step */
  LqV4 a2;              /* A's second output at the last step */
  LqV4 c1, c2;          /* C's outputs at the last step */
  LqV4 c1_2;            /* C's first output two steps ago */
  LqV4 sp;              /* as in Pipe */
  LqV4 k;               /* as in Pipe */
} Pipe8;

LQ_AVX_INLINE void
net_step8 (Pipe8 *p, const Vec *va, const Vec *vc, LqV4 w0, LqV4 dw, float *ms, size_t i,
           size_t off, size_t n, const int edge, const int ramp)
{
  LqV4 a1p = lq_v8_lo (p->ab1), b1p = lq_v8_hi (p->ab1);
  LqV4 in_a, in_b, a2, c1, c2, w, bands, sp, sm;
  LqV8 in, ab1, e, ic1, ic2;
  LqSvf4 sa = { lq_v8_lo (p->ic1), lq_v8_lo (p->ic2) }, sc = p->sc;
  float s = 0.0f, m = 0.0f;
  int ek[DEPTH];

  for (int k = 0; k < DEPTH; k++)
    ek[k] = !edge || (i >= off + (size_t) k && i - (size_t) k < off + n);

  w = ramp ? w0 + p->k * dw : w0;
  bands = SHUF (p->c1_2, a1p, 0, 6, 7, 0) * w;
  sp = bands + SHUF (bands, bands, 1, 1, 1, 1);
  sp = sp + SHUF (bands, bands, 2, 2, 2, 2);
  if (ramp)
    p->k += (LqV4) { 1.0f, 1.0f, 1.0f, 1.0f };

  if (ek[0])
    s = ms[2 * i + 1];
  if (ek[4])
    m = ms[2 * (i - 4)];
  sm = (LqV4) { s, m, 0.0f, 0.0f };
  in_a = SHUF (sm, SHUF (p->c1, p->c2, 1, 5, 1, 5), 0, 1, 4, 5);
  in_b = SHUF (SHUF (a1p, p->a2, 0, 4, 1, 5), p->sp, 0, 1, 2, 4);
  in = lq_v8_join (in_a, in_b);

  ab1 = p->od * in + (p->oc1 * p->ic1 + p->oc2 * p->ic2);
  a2 = lq_svf4_out (&sa, &va->o2, in_a);
  e = in - p->ic2;
  ic1 = (p->ic1 - p->p1 * p->ic1) + p->b1 * e;
  ic2 = (p->ic2 + p->s21 * p->ic1) + p->b2 * e;
  c1 = lq_svf4_out (&sc, &vc->o1, b1p);
  c2 = lq_svf4_out (&sc, &vc->o2, b1p);
  update (&sc, vc, b1p);

  if (edge)
    {
      LqV8i keep = { -ek[0], -ek[4], -ek[3], -ek[3], -ek[1], -ek[1], -ek[5], -ek[5] };

      ic1 = (LqV8) (((LqV8i) ic1 & keep) | ((LqV8i) p->ic1 & ~keep));
      ic2 = (LqV8) (((LqV8i) ic2 & keep) | ((LqV8i) p->ic2 & ~keep));
      keep_lanes (&sc, &p->sc, (LqV4i) { -ek[2], -ek[2], -ek[6], -ek[6] });
    }
  if (ek[6]) /* (M'', S'') of frame i - 6 */
    memcpy (ms + 2 * (i - 6), (const float *) &c1 + 2, 2 * sizeof (float));

  p->ic1 = ic1;
  p->ic2 = ic2;
  p->sc = sc;
  p->ab1 = ab1;
  p->a2 = a2;
  p->c1_2 = p->c1;
  p->c1 = c1;
  p->c2 = c2;
  p->sp = sp;
}

LQ_AVX_INLINE void
net_run_case8 (Pipe8 *p, const Vec *va, const Vec *vc, LqV4 w0, LqV4 dw, float *ms, size_t off,
               size_t n, const int ramp)
{
  const size_t end = off + n + DEPTH - 1;
  size_t i = off;

  for (; i < end && i < off + DEPTH - 1; i++)
    net_step8 (p, va, vc, w0, dw, ms, i, off, n, 1, ramp);
  for (; i < off + n; i++)
    net_step8 (p, va, vc, w0, dw, ms, i, off, n, 0, ramp);
  for (; i < end; i++)
    net_step8 (p, va, vc, w0, dw, ms, i, off, n, 1, ramp);
}

__attribute__ ((target ("avx"))) static void
net_run_avx (LqImager *self, const Pipe *from, float *ms, size_t off, size_t n, LqV4 w0,
             LqV4 dw, int ramp)
{
  const Vec *va = &self->vec[0], *vb = &self->vec[1], *vc = &self->vec[2];
  Pipe8 p;

  memset (&p, 0, sizeof p);
  p.p1 = lq_v8_join (va->p1, vb->p1);
  p.b1 = lq_v8_join (va->b1, vb->b1);
  p.s21 = lq_v8_join (va->s21, vb->s21);
  p.b2 = lq_v8_join (va->b2, vb->b2);
  p.od = lq_v8_join (va->o1.d, vb->o1.d);
  p.oc1 = lq_v8_join (va->o1.c1, vb->o1.c1);
  p.oc2 = lq_v8_join (va->o1.c2, vb->o1.c2);
  p.ic1 = lq_v8_join (from->sa.ic1, from->sb.ic1);
  p.ic2 = lq_v8_join (from->sa.ic2, from->sb.ic2);
  p.sc = from->sc;
  p.k = from->k;
  if (ramp)
    net_run_case8 (&p, va, vc, w0, dw, ms, off, n, 1);
  else
    net_run_case8 (&p, va, vc, w0, dw, ms, off, n, 0);
  self->state[0] = (LqSvf4) { lq_v8_lo (p.ic1), lq_v8_lo (p.ic2) };
  self->state[1] = (LqSvf4) { lq_v8_hi (p.ic1), lq_v8_hi (p.ic2) };
  self->state[2] = p.sc;
}
#endif

/* Runs the network in place on frames [off, off + n) of the chunk's (M, S) buffer, with band
 * weights w0[b] + (frame + 1) dw[b]. */
static void
net_run (LqImager *self, float *ms, size_t off, size_t n, const float *w0, const float *dw)
{
  const Vec va = self->vec[0], vb = self->vec[1], vc = self->vec[2];
  LqV4 w0v = { 0.0f, 0.0f, 0.0f, 0.0f }, dwv = { 0.0f, 0.0f, 0.0f, 0.0f };
  Pipe p;
  int ramp = 0;

  memset (&p, 0, sizeof p);
  p.sa = self->state[0];
  p.sb = self->state[1];
  p.sc = self->state[2];
  for (unsigned b = 0; b < self->n_run; b++)
    {
      w0v[b] = w0[b];
      dwv[b] = dw[b];
      ramp |= dw[b] != 0.0f;
    }
  /* The frame whose S' the first step forms is off - 4. */
  p.k = (LqV4) { 1.0f, 1.0f, 1.0f, 1.0f } * (float) off - 3.0f;
#ifdef LQ_HAVE_AVX_PATH
  if (lq_have_avx ())
    {
      net_run_avx (self, &p, ms, off, n, w0v, dwv, ramp);
      return;
    }
#endif
  /* (w0 + k 0 is w0 exactly: a settled width needs no ramp.) */
  if (ramp)
    net_run_case (&p, &va, &vb, &vc, w0v, dwv, ms, off, n, 1);
  else
    net_run_case (&p, &va, &vb, &vc, w0v, dwv, ms, off, n, 0);
  self->state[0] = p.sa;
  self->state[1] = p.sb;
  self->state[2] = p.sc;
}

/* ---- public API ---- */

LqImager *
lq_imager_new (unsigned channels, double rate, unsigned n_bands)
{
  LqImager *self;

  if (channels < 1 || channels > 2 || !(rate >= 8000.0 && rate <= 384000.0) || n_bands < 1
      || n_bands > LQ_IMAGER_MAX_BANDS)
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->rate = rate;
  self->n_req = self->n_run = n_bands;
  self->pole = exp (-6.907755278982137 / (LQ_IMAGER_SMOOTH_MS * 0.001 * rate));
  self->fade_step = (float) (1.0 / (LQ_IMAGER_FADE_MS * 0.001 * rate));
  self->dry = 1.0f;
  for (unsigned b = 0; b < LQ_IMAGER_MAX_BANDS; b++)
    self->width[b] = self->w_cur[b] = 1.0f;
  self->ms = calloc (CHUNK * 2, sizeof (float));
  if (self->ms == NULL)
    {
      free (self);
      return NULL;
    }
  self->glide = lq_crossover_glide_factor (rate);
  lq_crossover_point_init (&self->point[0], 120.0, rate);
  lq_crossover_point_init (&self->point[1], 2000.0, rate);
  lq_crossover_point_init (&self->point[MONO], 120.0, rate);
  build_network (self);
  return self;
}

void
lq_imager_free (LqImager *self)
{
  if (self == NULL)
    return;
  free (self->ms);
  free (self);
}

int
lq_imager_set_n_bands (LqImager *self, unsigned n_bands)
{
  if (n_bands < 1 || n_bands > LQ_IMAGER_MAX_BANDS)
    return 0;
  self->n_req = n_bands;
  return 1;
}

unsigned
lq_imager_get_n_bands (const LqImager *self)
{
  return self->n_req;
}

void
lq_imager_set_crossover (LqImager *self, unsigned index, double hz)
{
  if (index < LQ_IMAGER_MAX_BANDS - 1)
    lq_crossover_point_set (&self->point[index], hz, self->rate);
}

void
lq_imager_set_width (LqImager *self, unsigned band, double width)
{
  if (band >= LQ_IMAGER_MAX_BANDS || isnan (width))
    return;
  self->width[band] = width < 0.0 ? 0.0 : width > LQ_IMAGER_MAX_WIDTH ? LQ_IMAGER_MAX_WIDTH : width;
}

void
lq_imager_set_mono_below (LqImager *self, double hz)
{
  if (isnan (hz))
    return;
  if (hz <= 0.0)
    {
      self->mono_hz = 0.0;
      return;
    }
  self->mono_hz = hz < 10.0 ? 10.0 : hz > 1000.0 ? 1000.0 : hz;
  lq_crossover_point_set (&self->point[MONO], self->mono_hz, self->rate);
}

void
lq_imager_set_balance (LqImager *self, double balance)
{
  if (isnan (balance))
    return;
  self->balance = balance < -1.0 ? -1.0 : balance > 1.0 ? 1.0 : balance;
}

static int
is_identity (const LqImager *self)
{
  if (self->mono_hz > 0.0 || self->balance != 0.0)
    return 0;
  for (unsigned b = 0; b < self->n_req; b++)
    if (self->width[b] != 1.0)
      return 0;
  return 1;
}

static int
topology_ok (const LqImager *self)
{
  return self->running && self->n_run == self->n_req && self->mono_run == (self->mono_hz > 0.0);
}

/* Starts the wet path with the topology asked for (only while the output is dry). */
static void
switch_topology (LqImager *self)
{
  self->n_run = self->n_req;
  self->mono_run = self->mono_hz > 0.0;
  for (unsigned i = 0; i < N_POINTS; i++)
    lq_crossover_point_snap (&self->point[i], self->rate);
  build_network (self);
  network_reset (self);
  for (unsigned b = 0; b < LQ_IMAGER_MAX_BANDS; b++)
    self->w_cur[b] = (float) self->width[b];
  self->bal_cur = (float) self->balance;
  self->running = 1;
}

void
lq_imager_snap (LqImager *self)
{
  if (self->channels != 2)
    return;
  if (is_identity (self))
    {
      self->running = 0;
      self->dry = 1.0f;
    }
  else
    {
      switch_topology (self);
      self->dry = 0.0f;
    }
}

void
lq_imager_reset (LqImager *self)
{
  network_reset (self);
}

static inline float
smoothstep (float d)
{
  return d * d * (3.0f - 2.0f * d);
}

static inline float
approach (float cur, double target, double pole)
{
  double v = target + (cur - target) * pole;

  return fabs (v - target) < 1e-6 ? (float) target : (float) v;
}

static void
process_chunk (LqImager *self, float *x, size_t m)
{
  float *ms = self->ms;
  const int identity = is_identity (self);
  float target_dry, w0[LQ_IMAGER_MAX_BANDS], dw[LQ_IMAGER_MAX_BANDS], b0, db;
  double pole;

  if (self->dry >= 1.0f)
    {
      if (identity)
        {
          /* Transparent: nothing to do, and the filters start afresh when it ends. */
          self->running = 0;
          return;
        }
      if (!topology_ok (self))
        switch_topology (self);
    }
  target_dry = identity || !topology_ok (self) ? 1.0f : 0.0f;

  /* Width and balance ramps across the chunk towards their smoothed values. */
  pole = pow (self->pole, (double) m);
  for (unsigned b = 0; b < self->n_run; b++)
    {
      w0[b] = self->w_cur[b];
      self->w_cur[b] = approach (self->w_cur[b], self->width[b], pole);
      dw[b] = (self->w_cur[b] - w0[b]) / (float) m;
    }
  b0 = self->bal_cur;
  self->bal_cur = approach (self->bal_cur, self->balance, pole);
  db = (self->bal_cur - b0) / (float) m;

  for (size_t i = 0; i < m; i++)
    {
      ms[2 * i] = 0.5f * (x[2 * i] + x[2 * i + 1]);
      ms[2 * i + 1] = 0.5f * (x[2 * i] - x[2 * i + 1]);
    }

  /* Width per band and mono below: one band without mono-below needs no filter. */
  if (self->n_run == 1 && !self->mono_run)
    for (size_t i = 0; i < m; i++)
      ms[2 * i + 1] *= w0[0] + (float) (i + 1) * dw[0];
  else
    {
      if (network_settled (self))
        net_run (self, ms, 0, m, w0, dw);
      else
        for (size_t off = 0; off < m; off += LQ_CROSSOVER_GLIDE_FRAMES)
          {
            network_glide (self);
            net_run (self, ms, off,
                     m - off < LQ_CROSSOVER_GLIDE_FRAMES ? m - off : LQ_CROSSOVER_GLIDE_FRAMES,
                     w0, dw);
          }
      if (!network_finite (self))
        {
          network_reset (self);
          for (size_t i = 0; i < 2 * m; i++)
            if (!isfinite (ms[i]))
              ms[i] = 0.0f;
        }
    }

  /* Back to left/right, balance, and the fade against the dry input. */
  if (db == 0.0f && b0 == 0.0f && self->dry == 0.0f && target_dry == 0.0f)
    for (size_t i = 0; i < m; i++)
      {
        x[2 * i] = ms[2 * i] + ms[2 * i + 1];
        x[2 * i + 1] = ms[2 * i] - ms[2 * i + 1];
      }
  else
    for (size_t i = 0; i < m; i++)
      {
        float bal = b0 + (float) (i + 1) * db;
        float gl = bal > 0.0f ? 1.0f - bal : 1.0f, gr = bal < 0.0f ? 1.0f + bal : 1.0f;
        float l = (ms[2 * i] + ms[2 * i + 1]) * gl, r = (ms[2 * i] - ms[2 * i + 1]) * gr, d;

        if (self->dry != target_dry)
          self->dry = self->dry < target_dry ? min_f (target_dry, self->dry + self->fade_step)
                                             : max_f (target_dry, self->dry - self->fade_step);
        d = smoothstep (self->dry);
        x[2 * i] = l + d * (x[2 * i] - l);
        x[2 * i + 1] = r + d * (x[2 * i + 1] - r);
      }
  if (self->dry >= 1.0f && identity)
    self->running = 0;
}

void
lq_imager_process (LqImager *self, float *interleaved, size_t frames)
{
  size_t n = frames * self->channels;
  unsigned fpu;

  if (self->channels != 2 || (self->dry >= 1.0f && is_identity (self)))
    {
      self->running = 0;
      return; /* bit-transparent */
    }
  fpu = lq_v4_denormals_off ();
  if (lq_v4_has_nonfinite (interleaved, n))
    for (size_t i = 0; i < n; i++)
      if (!isfinite (interleaved[i]))
        interleaved[i] = 0.0f;
  for (size_t off = 0; off < frames; off += CHUNK)
    process_chunk (self, interleaved + off * 2, frames - off < CHUNK ? frames - off : CHUNK);
  lq_v4_denormals_restore (fpu);
}
