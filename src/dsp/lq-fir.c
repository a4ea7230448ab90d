/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Uniformly partitioned overlap-save convolution. The kernel is cut into P partitions of B
 * taps; each is transformed once (FFT of 2B, zero-padded). Every B input frames, the last 2B
 * inputs are transformed into a frequency-domain delay line (FDL) of the last P input
 * spectra, and the output block is the inverse FFT of sum_p X[now - p] H[p], of which the last
 * B samples are alias-free. Spectra are kept split (real and imaginary arrays) so the
 * multiply-accumulate loop vectorises.
 */
#include "lq-fir.h"

#include <fftw3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* FFTW's planner is not thread-safe; plans are made and destroyed under this lock. Executing
 * a plan is thread-safe. */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

void
lq_fftw_planner_lock (void)
{
  pthread_mutex_lock (&plan_lock);
}

void
lq_fftw_planner_unlock (void)
{
  pthread_mutex_unlock (&plan_lock);
}

struct LqFir
{
  /* Geometry */
  unsigned channels; /* 1 or 2 */
  size_t block;      /* B: frames per block, the latency */
  size_t bins;       /* B + 1 spectrum bins of the 2B-point FFT */
  size_t max_parts;  /* partitions allocated per kernel */

  /* Kernels: two slots (playing and staged) per channel, each max_parts * bins, split. */
  float *kern_re;      /* [slot][channel][part][bin] real parts, scaled by 1 / (2B) */
  float *kern_im;      /* same layout, imaginary parts */
  size_t n_parts[2][2]; /* partitions in use, per slot and channel */
  int active;          /* slot playing now */
  int staged[2];       /* per channel: slot 1 - active holds a new kernel not yet committed */
  int fading;          /* the next block crossfades from slot 1 - active (old) to active */

  /* Input */
  float *fdl_re;  /* [channel][part][bin]: spectra of the last max_parts input windows */
  float *fdl_im;  /* same layout, imaginary parts */
  size_t fdl_pos; /* FDL slot of the newest input spectrum */
  float *window;  /* [channel][2B]: previous and current input block */
  float *out;     /* [channel][B]: output block being played */
  size_t pos;     /* frames into the current block, 0..B-1 */

  /* FFT work (fftwf_malloc'd for the plans' alignment) */
  float *time;          /* 2B real samples */
  fftwf_complex *spec;  /* B + 1 bins */
  float *acc_re;        /* accumulated output spectrum, real parts */
  float *acc_im;        /* imaginary parts */
  float *old_out;       /* B samples: the old kernel's output during a crossfade */
  fftwf_plan forward;   /* r2c, time -> spec */
  fftwf_plan backward;  /* c2r, spec -> time */
};

static size_t
kern_index (const LqFir *self, int slot, unsigned ch, size_t part)
{
  return (((size_t) slot * 2 + ch) * self->max_parts + part) * self->bins;
}

LqFir *
lq_fir_new (unsigned channels, size_t block, size_t max_taps)
{
  LqFir *self;
  size_t n_kern, n_fdl;

  if (channels < 1 || channels > 2 || block < 16 || (block & (block - 1)) != 0 || max_taps < 1)
    return NULL;
  self = calloc (1, sizeof (LqFir));
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->block = block;
  self->bins = block + 1;
  self->max_parts = (max_taps + block - 1) / block;

  n_kern = 2 * 2 * self->max_parts * self->bins;
  n_fdl = 2 * self->max_parts * self->bins;
  self->kern_re = calloc (n_kern, sizeof (float));
  self->kern_im = calloc (n_kern, sizeof (float));
  self->fdl_re = calloc (n_fdl, sizeof (float));
  self->fdl_im = calloc (n_fdl, sizeof (float));
  self->window = calloc (2 * 2 * block, sizeof (float));
  self->out = calloc (2 * block, sizeof (float));
  self->acc_re = calloc (self->bins, sizeof (float));
  self->acc_im = calloc (self->bins, sizeof (float));
  self->old_out = calloc (block, sizeof (float));
  self->time = fftwf_malloc (2 * block * sizeof (float));
  self->spec = fftwf_malloc (self->bins * sizeof (fftwf_complex));
  if (self->kern_re == NULL || self->kern_im == NULL || self->fdl_re == NULL
      || self->fdl_im == NULL || self->window == NULL || self->out == NULL
      || self->acc_re == NULL || self->acc_im == NULL || self->old_out == NULL
      || self->time == NULL || self->spec == NULL)
    {
      lq_fir_free (self);
      return NULL;
    }

  pthread_mutex_lock (&plan_lock);
  self->forward = fftwf_plan_dft_r2c_1d ((int) (2 * block), self->time, self->spec,
                                         FFTW_ESTIMATE);
  self->backward = fftwf_plan_dft_c2r_1d ((int) (2 * block), self->spec, self->time,
                                          FFTW_ESTIMATE);
  pthread_mutex_unlock (&plan_lock);
  if (self->forward == NULL || self->backward == NULL)
    {
      lq_fir_free (self);
      return NULL;
    }
  return self;
}

void
lq_fir_free (LqFir *self)
{
  if (self == NULL)
    return;
  pthread_mutex_lock (&plan_lock);
  if (self->forward)
    fftwf_destroy_plan (self->forward);
  if (self->backward)
    fftwf_destroy_plan (self->backward);
  pthread_mutex_unlock (&plan_lock);
  fftwf_free (self->time);
  fftwf_free (self->spec);
  free (self->kern_re);
  free (self->kern_im);
  free (self->fdl_re);
  free (self->fdl_im);
  free (self->window);
  free (self->out);
  free (self->acc_re);
  free (self->acc_im);
  free (self->old_out);
  free (self);
}

int
lq_fir_ready (const LqFir *self)
{
  return !self->fading;
}

int
lq_fir_set_kernel (LqFir *self, unsigned channel, const float *taps, size_t n_taps)
{
  int slot = 1 - self->active;
  size_t B = self->block, parts;
  float scale = 1.0f / (float) (2 * B);

  if (self->fading || channel >= self->channels || n_taps > self->max_parts * B)
    return 0;
  parts = (n_taps + B - 1) / B;
  for (size_t p = 0; p < parts; p++)
    {
      size_t n = n_taps - p * B < B ? n_taps - p * B : B;
      float *re = self->kern_re + kern_index (self, slot, channel, p);
      float *im = self->kern_im + kern_index (self, slot, channel, p);

      memcpy (self->time, taps + p * B, n * sizeof (float));
      memset (self->time + n, 0, (2 * B - n) * sizeof (float));
      fftwf_execute (self->forward);
      for (size_t k = 0; k < self->bins; k++)
        {
          re[k] = self->spec[k][0] * scale;
          im[k] = self->spec[k][1] * scale;
        }
    }
  self->n_parts[slot][channel] = parts;
  self->staged[channel] = 1;
  return 1;
}

int
lq_fir_commit (LqFir *self, int fade)
{
  int slot = 1 - self->active;
  int any = 0;

  if (self->fading)
    return 0;
  for (unsigned ch = 0; ch < self->channels; ch++)
    {
      if (!self->staged[ch])
        {
          /* Unchanged channel: the new slot plays the same kernel. */
          size_t n = self->max_parts * self->bins;
          memcpy (self->kern_re + kern_index (self, slot, ch, 0),
                  self->kern_re + kern_index (self, self->active, ch, 0), n * sizeof (float));
          memcpy (self->kern_im + kern_index (self, slot, ch, 0),
                  self->kern_im + kern_index (self, self->active, ch, 0), n * sizeof (float));
          self->n_parts[slot][ch] = self->n_parts[self->active][ch];
        }
      else
        any = 1;
      self->staged[ch] = 0;
    }
  if (!any)
    return 0;
  self->active = slot;
  self->fading = fade != 0;
  return 1;
}

/* acc = sum over the slot's partitions of FDL spectrum (newest first) times kernel spectrum. */
static void
accumulate (LqFir *self, int slot, unsigned ch)
{
  size_t bins = self->bins, parts = self->n_parts[slot][ch];
  float *restrict ar = self->acc_re, *restrict ai = self->acc_im;

  memset (ar, 0, bins * sizeof (float));
  memset (ai, 0, bins * sizeof (float));
  for (size_t p = 0; p < parts; p++)
    {
      size_t f = (self->fdl_pos + self->max_parts - p) % self->max_parts;
      const float *restrict xr = self->fdl_re + (ch * self->max_parts + f) * bins;
      const float *restrict xi = self->fdl_im + (ch * self->max_parts + f) * bins;
      const float *restrict hr = self->kern_re + kern_index (self, slot, ch, p);
      const float *restrict hi = self->kern_im + kern_index (self, slot, ch, p);

      for (size_t k = 0; k < bins; k++)
        {
          ar[k] += xr[k] * hr[k] - xi[k] * hi[k];
          ai[k] += xr[k] * hi[k] + xi[k] * hr[k];
        }
    }
}

/* Inverse transform of acc; the last B samples of the 2B are the output block. */
static void
render (LqFir *self, float *dest)
{
  for (size_t k = 0; k < self->bins; k++)
    {
      self->spec[k][0] = self->acc_re[k];
      self->spec[k][1] = self->acc_im[k];
    }
  fftwf_execute (self->backward);
  memcpy (dest, self->time + self->block, self->block * sizeof (float));
}

/* A full input block is in: transform it, compute the next output block. */
static void
run_block (LqFir *self)
{
  size_t B = self->block, bins = self->bins;

  self->fdl_pos = (self->fdl_pos + 1) % self->max_parts;
  for (unsigned ch = 0; ch < self->channels; ch++)
    {
      float *win = self->window + ch * 2 * B;
      float *out = self->out + ch * B;
      float *xr = self->fdl_re + (ch * self->max_parts + self->fdl_pos) * bins;
      float *xi = self->fdl_im + (ch * self->max_parts + self->fdl_pos) * bins;

      memcpy (self->time, win, 2 * B * sizeof (float));
      fftwf_execute (self->forward);
      for (size_t k = 0; k < bins; k++)
        {
          xr[k] = self->spec[k][0];
          xi[k] = self->spec[k][1];
        }
      memmove (win, win + B, B * sizeof (float));

      accumulate (self, self->active, ch);
      render (self, out);
      if (self->fading)
        {
          float step = 1.0f / (float) B;

          accumulate (self, 1 - self->active, ch);
          render (self, self->old_out);
          for (size_t i = 0; i < B; i++)
            {
              float g = (float) (i + 1) * step;
              out[i] = self->old_out[i] + g * (out[i] - self->old_out[i]);
            }
        }
    }
  self->fading = 0;
}

void
lq_fir_process (LqFir *self, float *data, size_t frames)
{
  size_t B = self->block;
  unsigned nch = self->channels;

  while (frames > 0)
    {
      size_t n = B - self->pos < frames ? B - self->pos : frames;

      for (unsigned ch = 0; ch < nch; ch++)
        {
          float *win = self->window + ch * 2 * B + B + self->pos;
          const float *out = self->out + ch * B + self->pos;

          for (size_t i = 0; i < n; i++)
            {
              float x = data[i * nch + ch];
              data[i * nch + ch] = out[i];
              win[i] = x;
            }
        }
      data += n * nch;
      frames -= n;
      self->pos += n;
      if (self->pos == B)
        {
          run_block (self);
          self->pos = 0;
        }
    }
}

void
lq_fir_reset (LqFir *self)
{
  memset (self->fdl_re, 0, 2 * self->max_parts * self->bins * sizeof (float));
  memset (self->fdl_im, 0, 2 * self->max_parts * self->bins * sizeof (float));
  memset (self->window, 0, 2 * 2 * self->block * sizeof (float));
  memset (self->out, 0, 2 * self->block * sizeof (float));
  self->pos = 0;
  self->fading = 0;
}

size_t
lq_fir_get_latency (const LqFir *self)
{
  return self->block;
}
