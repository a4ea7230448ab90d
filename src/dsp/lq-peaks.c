/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Waveform peaks: see lq-peaks.h. */
#include "lq-peaks.h"

#include <math.h>
#include <stdlib.h>

struct LqPeaks
{
  unsigned channels;        /* channels per frame */
  unsigned frames_per_peak; /* frames per level-0 entry */
  unsigned in_peak;         /* frames in the entry being built */
  uint64_t n_frames;        /* frames added since the creation */
  float *min;               /* lowest sample per channel in the entry being built */
  float *max;               /* highest sample per channel */
  double *sum2;             /* sum of the squared samples per channel */
};

static void
start_peak (LqPeaks *self)
{
  for (unsigned c = 0; c < self->channels; c++)
    {
      self->min[c] = INFINITY;
      self->max[c] = -INFINITY;
      self->sum2[c] = 0.0;
    }
  self->in_peak = 0;
}

static void
emit_peak (LqPeaks *self, LqPeak *out)
{
  for (unsigned c = 0; c < self->channels; c++)
    {
      out[c].min = self->min[c];
      out[c].max = self->max[c];
      out[c].power = (float) (self->sum2[c] / self->in_peak);
    }
  start_peak (self);
}

LqPeaks *
lq_peaks_new (unsigned channels, unsigned frames_per_peak)
{
  LqPeaks *self;

  if (channels < 1 || channels > 32 || frames_per_peak < 1)
    return NULL;
  self = calloc (1, sizeof (LqPeaks));
  if (self == NULL)
    return NULL;
  self->channels = channels;
  self->frames_per_peak = frames_per_peak;
  self->min = calloc (channels, sizeof (float));
  self->max = calloc (channels, sizeof (float));
  self->sum2 = calloc (channels, sizeof (double));
  if (self->min == NULL || self->max == NULL || self->sum2 == NULL)
    {
      lq_peaks_free (self);
      return NULL;
    }
  start_peak (self);
  return self;
}

void
lq_peaks_free (LqPeaks *self)
{
  if (self == NULL)
    return;
  free (self->min);
  free (self->max);
  free (self->sum2);
  free (self);
}

size_t
lq_peaks_process (LqPeaks *self, const float *interleaved, size_t frames, LqPeak *out)
{
  const unsigned ch = self->channels;
  size_t n_out = 0;

  while (frames > 0)
    {
      size_t todo = self->frames_per_peak - self->in_peak;

      if (todo > frames)
        todo = frames;
      for (unsigned c = 0; c < ch; c++)
        {
          float lo = self->min[c], hi = self->max[c];
          double s2 = 0.0;

          for (size_t i = 0; i < todo; i++)
            {
              float x = interleaved[i * ch + c];

              if (!isfinite (x))
                x = 0.0f;
              lo = x < lo ? x : lo;
              hi = x > hi ? x : hi;
              s2 += (double) x * x;
            }
          self->min[c] = lo;
          self->max[c] = hi;
          self->sum2[c] += s2;
        }
      self->in_peak += (unsigned) todo;
      self->n_frames += todo;
      interleaved += todo * ch;
      frames -= todo;
      if (self->in_peak == self->frames_per_peak)
        emit_peak (self, out + ch * n_out++);
    }
  return n_out;
}

size_t
lq_peaks_flush (LqPeaks *self, LqPeak *out)
{
  if (self->in_peak == 0)
    return 0;
  emit_peak (self, out);
  return 1;
}

uint64_t
lq_peaks_get_n_frames (const LqPeaks *self)
{
  return self->n_frames;
}

void
lq_peaks_aggregate (const LqPeak *level, unsigned channels, unsigned channel,
                    uint64_t frames_per_peak, uint64_t total_frames, size_t first,
                    size_t count, LqPeak *out)
{
  float lo = INFINITY, hi = -INFINITY;
  double energy = 0.0;
  uint64_t start = (uint64_t) first * frames_per_peak;
  uint64_t end = (uint64_t) (first + count) * frames_per_peak;

  if (end > total_frames)
    end = total_frames;
  for (size_t j = first; j < first + count; j++)
    {
      const LqPeak *p = level + j * channels + channel;
      uint64_t a = (uint64_t) j * frames_per_peak;
      uint64_t b = a + frames_per_peak < total_frames ? a + frames_per_peak : total_frames;

      lo = p->min < lo ? p->min : lo;
      hi = p->max > hi ? p->max : hi;
      energy += (double) p->power * (double) (b - a);
    }
  out->min = lo;
  out->max = hi;
  out->power = end > start ? (float) (energy / (double) (end - start)) : 0.0f;
}

size_t
lq_peaks_reduce (const LqPeak *in, size_t n_in, unsigned channels, uint64_t frames_per_peak,
                 uint64_t total_frames, unsigned factor, LqPeak *out)
{
  size_t n_out = 0;

  for (size_t j = 0; j < n_in; j += factor, n_out++)
    {
      size_t count = n_in - j < factor ? n_in - j : factor;

      for (unsigned c = 0; c < channels; c++)
        lq_peaks_aggregate (in, channels, c, frames_per_peak, total_frames, j, count,
                            out + n_out * channels + c);
    }
  return n_out;
}
