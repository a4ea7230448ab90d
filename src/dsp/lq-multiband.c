/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqMultiband: crossover, one compressor per band, sum (see lq-multiband.h). The work runs in
 * chunks of CHUNK frames so the band signals stay in the cache between the three steps. In the
 * usual case (no solo or band-count fade running) the compressors hand back their gain ramps
 * and the sum applies them, one pass over the bands instead of one per band and the sum; the
 * products and the sum are those of applying the ramps first, bit for bit.
 */
#include "lq-multiband.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lq-compressor-private.h"
#include "lq-crossover.h"
#include "lq-dsp-util.h"

#define CHUNK 256

struct _LqMultiband
{
  unsigned channels;                      /* 1 or 2, interleaved */
  double rate;                            /* sample rate, Hz */
  unsigned n_req;                         /* bands asked for (the crossover runs its own count) */
  LqCrossover *xo;                        /* the band splitter */
  LqCompressor *comp[LQ_MULTIBAND_MAX_BANDS]; /* one compressor per band */
  int solo[LQ_MULTIBAND_MAX_BANDS];       /* band soloed */
  int bypass[LQ_MULTIBAND_MAX_BANDS];     /* band's compressor bypassed */
  float solo_gain[LQ_MULTIBAND_MAX_BANDS]; /* each band's weight in the sum, fading to 0 or 1 */
  float fade_step;                        /* 1 / fade length in frames */
  float dry;                              /* topology crossfade position: 0 wet .. 1 dry */
  float *band[LQ_MULTIBAND_MAX_BANDS];    /* CHUNK frames of each band */
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

LqMultiband *
lq_multiband_new (unsigned channels, double rate, unsigned n_bands)
{
  LqMultiband *self;

  if (channels < 1 || channels > 2 || !(rate >= 8000.0 && rate <= 384000.0) || n_bands < 2
      || n_bands > LQ_MULTIBAND_MAX_BANDS)
    return NULL;
  self = calloc (1, sizeof *self);
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->rate = rate;
  self->n_req = n_bands;
  self->fade_step = (float) (1.0 / (LQ_MULTIBAND_FADE_MS * 0.001 * rate));
  self->xo = lq_crossover_new (channels, rate, n_bands);
  if (self->xo == NULL)
    goto fail;
  for (unsigned b = 0; b < LQ_MULTIBAND_MAX_BANDS; b++)
    {
      self->comp[b] = lq_compressor_new (channels, rate);
      self->band[b] = calloc ((size_t) CHUNK * channels, sizeof (float));
      if (self->comp[b] == NULL || self->band[b] == NULL)
        goto fail;
      self->solo_gain[b] = 1.0f;
    }
  return self;

fail:
  lq_multiband_free (self);
  return NULL;
}

void
lq_multiband_free (LqMultiband *self)
{
  if (self == NULL)
    return;
  lq_crossover_free (self->xo);
  for (unsigned b = 0; b < LQ_MULTIBAND_MAX_BANDS; b++)
    {
      lq_compressor_free (self->comp[b]);
      free (self->band[b]);
    }
  free (self);
}

int
lq_multiband_set_n_bands (LqMultiband *self, unsigned n_bands)
{
  if (n_bands < 2 || n_bands > LQ_MULTIBAND_MAX_BANDS)
    return 0;
  self->n_req = n_bands;
  return 1;
}

unsigned
lq_multiband_get_n_bands (const LqMultiband *self)
{
  return self->n_req;
}

void
lq_multiband_set_crossover (LqMultiband *self, unsigned index, double hz)
{
  lq_crossover_set_frequency (self->xo, index, hz);
}

#define BAND_SETTER(name, call, type)                                                              \
  void lq_multiband_set_##name (LqMultiband *self, unsigned band, type value)                    \
  {                                                                                                \
    if (band < LQ_MULTIBAND_MAX_BANDS)                                                             \
      call (self->comp[band], value);                                                              \
  }

BAND_SETTER (threshold, lq_compressor_set_threshold, double)
BAND_SETTER (ratio, lq_compressor_set_ratio, double)
BAND_SETTER (attack, lq_compressor_set_attack, double)
BAND_SETTER (release, lq_compressor_set_release, double)
BAND_SETTER (makeup, lq_compressor_set_makeup, double)

void
lq_multiband_set_solo (LqMultiband *self, unsigned band, int solo)
{
  if (band < LQ_MULTIBAND_MAX_BANDS)
    self->solo[band] = solo != 0;
}

void
lq_multiband_set_bypass (LqMultiband *self, unsigned band, int bypass)
{
  if (band >= LQ_MULTIBAND_MAX_BANDS)
    return;
  self->bypass[band] = bypass != 0;
  /* At mix 0 the compressor's gain is exactly 1. */
  lq_compressor_set_mix (self->comp[band], bypass ? 0.0 : 1.0);
}

LqCompressor *
lq_multiband_get_compressor (LqMultiband *self, unsigned band)
{
  return band < LQ_MULTIBAND_MAX_BANDS ? self->comp[band] : NULL;
}

double
lq_multiband_get_gain_reduction (const LqMultiband *self, unsigned band)
{
  if (band >= lq_crossover_get_n_bands (self->xo))
    return 0.0;
  return lq_compressor_get_gain_reduction (self->comp[band]);
}

/* The weight each band should have in the sum: soloed bands only, when any is. */
static float
solo_target (const LqMultiband *self, unsigned band, unsigned n)
{
  int any = 0;

  for (unsigned b = 0; b < n; b++)
    any |= self->solo[b];
  return !any || self->solo[band] ? 1.0f : 0.0f;
}

void
lq_multiband_snap (LqMultiband *self)
{
  unsigned n = self->n_req;

  lq_crossover_set_n_bands (self->xo, n);
  lq_crossover_snap (self->xo);
  self->dry = 0.0f;
  for (unsigned b = 0; b < LQ_MULTIBAND_MAX_BANDS; b++)
    {
      lq_compressor_snap (self->comp[b]);
      self->solo_gain[b] = solo_target (self, b, n);
    }
}

void
lq_multiband_reset (LqMultiband *self)
{
  lq_crossover_reset (self->xo);
  for (unsigned b = 0; b < LQ_MULTIBAND_MAX_BANDS; b++)
    lq_compressor_reset (self->comp[b]);
}

static inline float
smoothstep (float d)
{
  return d * d * (3.0f - 2.0f * d);
}

/* The plain sum of the compressed bands, each band's gain ramp applied on the way: the same
 * products (x (g0 + (i + 1) dg), four floats at a time as the compressor's apply_ramp()) and
 * the same order of additions as compressing in place and then summing. */
static void
sum_ramped (LqMultiband *self, float *x, size_t frames, unsigned n)
{
  const unsigned ch = self->channels, sub = LQ_COMPRESSOR_SUB_BLOCK;
  const size_t nsub = (frames + sub - 1) / sub;
  LqCompressorRamp ramp[LQ_MULTIBAND_MAX_BANDS][CHUNK / LQ_COMPRESSOR_SUB_BLOCK];

  for (unsigned b = 0; b < n; b++)
    _lq_compressor_process_ramps (self->comp[b], self->band[b], frames, ramp[b]);

  for (size_t j = 0; j < nsub; j++)
    {
      const size_t m = j + 1 < nsub ? sub : frames - (nsub - 1) * sub;
      const size_t len = m * ch, at = j * sub * ch;
      LqV4 base[LQ_MULTIBAND_MAX_BANDS], d[LQ_MULTIBAND_MAX_BANDS];
      const LqV4 step = ch == 2 ? (LqV4) { 2.0f, 2.0f, 2.0f, 2.0f } : (LqV4) { 4.0f, 4.0f, 4.0f, 4.0f };
      LqV4 idx = ch == 2 ? (LqV4) { 1.0f, 1.0f, 2.0f, 2.0f } : (LqV4) { 1.0f, 2.0f, 3.0f, 4.0f };
      size_t i = 0;

      for (unsigned b = 0; b < n; b++)
        {
          const LqCompressorRamp *r = &ramp[b][j];

          base[b] = ch == 2 ? (LqV4) { r->g0[0], r->g0[1], r->g0[0], r->g0[1] }
                            : (LqV4) { r->g0[0], r->g0[0], r->g0[0], r->g0[0] };
          d[b] = ch == 2 ? (LqV4) { r->dg[0], r->dg[1], r->dg[0], r->dg[1] }
                         : (LqV4) { r->dg[0], r->dg[0], r->dg[0], r->dg[0] };
        }
      for (; i + 4 <= len; i += 4)
        {
          LqV4 acc, v;

          memcpy (&v, self->band[0] + at + i, sizeof v);
          acc = v * (base[0] + idx * d[0]);
          for (unsigned b = 1; b < n; b++)
            {
              memcpy (&v, self->band[b] + at + i, sizeof v);
              acc = acc + v * (base[b] + idx * d[b]);
            }
          memcpy (x + at + i, &acc, sizeof acc);
          idx += step;
        }
      for (; i < len; i++)
        {
          unsigned c = ch == 2 ? (unsigned) (i & 1) : 0;
          float k = (float) (i / ch + 1);
          float acc = self->band[0][at + i] * (ramp[0][j].g0[c] + k * ramp[0][j].dg[c]);

          for (unsigned b = 1; b < n; b++)
            acc = acc + self->band[b][at + i] * (ramp[b][j].g0[c] + k * ramp[b][j].dg[c]);
          x[at + i] = acc;
        }
    }
}

static void
process_chunk (LqMultiband *self, float *x, size_t frames)
{
  const unsigned ch = self->channels;
  const size_t len = frames * ch;
  unsigned n = lq_crossover_get_n_bands (self->xo);
  float target_dry, w[LQ_MULTIBAND_MAX_BANDS];
  int plain = 1;

  /* A new band count waits until the output has faded to the dry input. */
  if (self->n_req != n && self->dry >= 1.0f)
    {
      for (unsigned b = n; b < self->n_req; b++)
        lq_compressor_reset (self->comp[b]);
      lq_crossover_set_n_bands (self->xo, self->n_req);
      n = self->n_req;
    }
  target_dry = self->n_req != n ? 1.0f : 0.0f;

  lq_crossover_process (self->xo, x, self->band, frames);
  for (unsigned b = 0; b < n; b++)
    {
      w[b] = solo_target (self, b, n);
      plain &= w[b] == 1.0f && self->solo_gain[b] == 1.0f;
    }
  plain &= self->dry == 0.0f && target_dry == 0.0f;

  if (plain)
    {
      /* The usual case. (A band that overflowed to infinity takes the general way, where the
       * compressor turns it into silence first.) */
      int clean = 1;

      for (unsigned b = 0; b < n; b++)
        clean &= !lq_v4_has_nonfinite (self->band[b], len);
      if (clean)
        {
          sum_ramped (self, x, frames, n);
          return;
        }
    }
  for (unsigned b = 0; b < n; b++)
    lq_compressor_process (self->comp[b], self->band[b], frames);

  if (plain)
    {
      /* The plain sum. */
      const float *b0 = self->band[0], *b1 = self->band[1], *b2 = self->band[2], *b3 = self->band[3];

      if (n == 2)
        for (size_t i = 0; i < len; i++)
          x[i] = b0[i] + b1[i];
      else if (n == 3)
        for (size_t i = 0; i < len; i++)
          x[i] = b0[i] + b1[i] + b2[i];
      else
        for (size_t i = 0; i < len; i++)
          x[i] = b0[i] + b1[i] + b2[i] + b3[i];
      return;
    }

  for (size_t i = 0; i < frames; i++)
    {
      float d, g[LQ_MULTIBAND_MAX_BANDS];

      for (unsigned b = 0; b < n; b++)
        {
          float sg = self->solo_gain[b];
          sg = sg < w[b] ? min_f (w[b], sg + self->fade_step) : max_f (w[b], sg - self->fade_step);
          self->solo_gain[b] = sg;
          g[b] = smoothstep (sg);
        }
      self->dry = self->dry < target_dry ? min_f (target_dry, self->dry + self->fade_step)
                                         : max_f (target_dry, self->dry - self->fade_step);
      d = smoothstep (self->dry);
      for (unsigned c = 0; c < ch; c++)
        {
          float s = 0.0f;
          for (unsigned b = 0; b < n; b++)
            s += g[b] * self->band[b][i * ch + c];
          x[i * ch + c] = s + d * (x[i * ch + c] - s);
        }
    }
}

void
lq_multiband_process (LqMultiband *self, float *interleaved, size_t frames)
{
  size_t n = frames * self->channels;
  unsigned fpu = lq_v4_denormals_off ();

  /* Bad samples become silence here, so the dry path of a fade is clean too. */
  if (lq_v4_has_nonfinite (interleaved, n))
    for (size_t i = 0; i < n; i++)
      if (!isfinite (interleaved[i]))
        interleaved[i] = 0.0f;
  for (size_t off = 0; off < frames; off += CHUNK)
    process_chunk (self, interleaved + off * self->channels, frames - off < CHUNK ? frames - off : CHUNK);
  lq_v4_denormals_restore (fpu);
}
