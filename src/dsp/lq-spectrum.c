/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The FFT spectrum analyzer: see lq-spectrum.h for the scale and the averaging. */
#include "lq-spectrum.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lq-dsp-util.h"
#include "lq-fir.h" /* lq_fftw_planner_lock(): the process-wide FFTW planner lock */

#define N_SIZES 6 /* 1024, 2048, ... 32768 */
#define RING_FRAMES LQ_SPECTRUM_MAX_FFT_SIZE
#define RING_MASK (RING_FRAMES - 1)
#define MAX_BINS (LQ_SPECTRUM_MAX_FFT_SIZE / 2 + 1)
#define FLOOR_POWER 1e-20 /* LQ_SPECTRUM_FLOOR_DB as power */
#define MAX_INPUT 1e30f /* input samples are clamped to +- this */

/* One r2c plan per FFT size, shared by every analyzer of the process and never destroyed.
 * FFTW's planner is not thread-safe: plans are made under the process-wide planner lock
 * (shared with every other kernel that plans); executing a plan on new arrays
 * (fftwf_execute_dft_r2c) is thread-safe. plans[] is only read or written under that lock
 * in make_plans(); an analyzer reads its entries after its own make_plans() returned. All
 * arrays come from fftwf_malloc, so they have the alignment the plans were made for. */
static fftwf_plan plans[N_SIZES];

struct LqSpectrum
{
  /* Format */
  double rate;       /* sample rate in Hz */
  unsigned channels; /* 1 or 2 */

  /* Settings */
  unsigned fft_size;       /* current FFT length */
  unsigned size_index;     /* log2 (fft_size / 1024), index into plans[] */
  LqSpectrumWindow window; /* current window shape */
  double overlap;          /* asked-for overlap, 0..LQ_SPECTRUM_MAX_OVERLAP */
  unsigned hop;            /* frames between FFT frames: fft_size (1 - overlap), >= 1 */
  double smoothing;        /* N of the 1/N-octave bands, 0 = off */
  double averaging_ms;     /* time constant of the exponential average, 0 = off */
  double avg_coeff;        /* weight of the old average per FFT frame: exp (-hop / tau) */
  int cumulative;          /* equal weight for every frame (long-term average) */
  double hold_s;           /* peak hold time in s */
  double decay_db_per_s;   /* peak fall rate after the hold, 0 = peaks never fall */
  double decay_factor;     /* the fall per FFT frame as a power ratio, 1 = none */

  /* Window */
  float *window_buf;  /* fft_size window samples (allocated for the largest size) */
  double power_scale; /* (2 / sum w)^2 / channels: bin power of a full-scale sine = 1 */
  double enbw;        /* equivalent noise bandwidth of the window in bins */

  /* Input history */
  float *ring;          /* channels planar rings of RING_FRAMES frames */
  unsigned ring_pos;    /* next frame written in each ring */
  unsigned filled;      /* frames written since the reset, saturating at RING_FRAMES */
  unsigned since_frame; /* frames written since the last FFT frame, < hop */

  /* FFT and averages */
  float *fft_in;          /* windowed frame, fftwf_malloc'd for the largest size */
  fftwf_complex *fft_out; /* r2c output, MAX_BINS */
  double *power;          /* this frame's normalised bin power, MAX_BINS */
  double *avg;            /* averaged bin power; in cumulative mode the sum of all frames */
  double *prefix;         /* prefix[k] = sum of bin power below bin k, MAX_BINS + 1 */
  uint64_t n_frames;      /* FFT frames in the average */

  /* Grid */
  unsigned n_points; /* grid points */
  double f_min;      /* first grid frequency in Hz */
  double f_max;      /* last grid frequency in Hz */
  float *freqs;      /* grid frequencies in Hz */
  double *pos;       /* grid frequency in bins at the current FFT size */
  double *lo;        /* lower edge of the point's band (or grid cell) in bins */
  double *hi;        /* upper edge of the point's band (or grid cell) in bins */
  double *grid_power; /* current level of each point (power, 1 = full-scale sine) */
  double *peak_power; /* held peak of each point (power) */
  double *hold_left;  /* seconds left before each peak starts to fall */
  float *levels;      /* grid_power in dB, converted when read */
  float *peaks;       /* peak_power in dB, converted when read */
  int dirty;          /* levels and peaks are older than grid_power and peak_power */
};

static unsigned
size_index_of (unsigned size)
{
  unsigned i = 0;

  while ((LQ_SPECTRUM_MIN_FFT_SIZE << i) < size)
    i++;
  return i;
}

static int
make_plans (float *in, fftwf_complex *out)
{
  int ok = 1;

  lq_fftw_planner_lock ();
  for (unsigned i = 0; i < N_SIZES && ok; i++)
    {
      if (plans[i] == NULL)
        plans[i] = fftwf_plan_dft_r2c_1d (LQ_SPECTRUM_MIN_FFT_SIZE << i, in, out, FFTW_ESTIMATE);
      ok = plans[i] != NULL;
    }
  lq_fftw_planner_unlock ();
  return ok;
}

/* Periodic (DFT-even) windows, as used for spectral analysis. */
static void
fill_window (LqSpectrum *self)
{
  unsigned n = self->fft_size;
  double sum = 0.0, sum2 = 0.0;

  for (unsigned i = 0; i < n; i++)
    {
      double x = 2.0 * LQ_PI * i / n;
      double w;

      if (self->window == LQ_SPECTRUM_WINDOW_HANN)
        w = 0.5 - 0.5 * cos (x);
      else
        w = 0.35875 - 0.48829 * cos (x) + 0.14128 * cos (2.0 * x) - 0.01168 * cos (3.0 * x);
      self->window_buf[i] = (float) w;
      sum += self->window_buf[i];
      sum2 += (double) self->window_buf[i] * self->window_buf[i];
    }
  self->power_scale = 4.0 / (sum * sum) / self->channels;
  self->enbw = n * sum2 / (sum * sum);
}

static void
update_coeff (LqSpectrum *self)
{
  double tau = self->averaging_ms * 0.001 * self->rate;

  self->avg_coeff = tau > 0.0 ? exp (-(double) self->hop / tau) : 0.0;
  self->decay_factor = pow (10.0, -0.1 * self->decay_db_per_s * self->hop / self->rate);
}

static void
update_hop (LqSpectrum *self)
{
  long hop = lround (self->fft_size * (1.0 - self->overlap));

  self->hop = hop < 1 ? 1 : (unsigned) hop;
  if (self->since_frame >= self->hop)
    self->since_frame = self->hop - 1;
  update_coeff (self);
}

/* Band (smoothing on) or grid-cell (smoothing off) edges of each point in bins. */
static void
update_grid_map (LqSpectrum *self)
{
  double bins_per_hz = self->fft_size / self->rate;
  double half;

  if (self->smoothing > 0.0)
    half = pow (2.0, 0.5 / self->smoothing);
  else if (self->n_points > 1)
    half = pow (self->f_max / self->f_min, 0.5 / (self->n_points - 1));
  else
    half = 1.0;

  for (unsigned i = 0; i < self->n_points; i++)
    {
      double f = self->freqs[i];

      self->pos[i] = f * bins_per_hz;
      self->lo[i] = f / half * bins_per_hz;
      self->hi[i] = fmin (f * half * bins_per_hz, self->fft_size / 2 + 0.5);
    }
}

static void
clear_levels (LqSpectrum *self)
{
  for (unsigned i = 0; i < self->n_points; i++)
    {
      self->grid_power[i] = 0.0;
      self->peak_power[i] = 0.0;
      self->hold_left[i] = 0.0;
    }
  self->dirty = 1;
}

static void
clear_average (LqSpectrum *self)
{
  memset (self->avg, 0, MAX_BINS * sizeof (double));
  self->n_frames = 0;
}

/* Integral of the piecewise-constant bin power from -0.5 to x (in bins): bin k covers
 * [k - 0.5, k + 0.5). */
static inline double
cumulative_power (const double *prefix, const double *p, double x, unsigned n_bins)
{
  double u = x + 0.5;
  unsigned m;

  if (u <= 0.0)
    return 0.0;
  if (u >= n_bins)
    return prefix[n_bins];
  m = (unsigned) u;
  return prefix[m] + (u - m) * p[m];
}

/* Non-finite samples are analysed as 0, huge ones clamped (see analyse_frame). */
static inline float
sanitize (float x)
{
  if (isfinite (x))
    return x > MAX_INPUT ? MAX_INPUT : x < -MAX_INPUT ? -MAX_INPUT : x;
  return 0.0f;
}

static inline float
power_to_db (double p)
{
  return p > FLOOR_POWER ? (float) (10.0 * log10 (p)) : LQ_SPECTRUM_FLOOR_DB;
}

/* Maps the bin powers `p` onto the grid, then updates the peaks over `dt` seconds (one
 * frame). Everything stays in the power domain: dB are computed only when read. */
static void
compute_levels (LqSpectrum *self, const double *restrict p, double dt)
{
  const unsigned n_bins = self->fft_size / 2 + 1;
  const unsigned n_points = self->n_points;
  const double *restrict lo = self->lo, *restrict hi = self->hi;
  double *restrict grid = self->grid_power;
  double *restrict peak = self->peak_power;
  double *restrict hold = self->hold_left;
  const double hold_s = self->hold_s, decay = self->decay_factor;

  if (self->smoothing > 0.0)
    {
      const double inv_enbw = 1.0 / self->enbw;
      double *restrict prefix = self->prefix;

      prefix[0] = 0.0;
      for (unsigned k = 0; k < n_bins; k++)
        prefix[k + 1] = prefix[k] + p[k];
      for (unsigned i = 0; i < n_points; i++)
        grid[i] = (cumulative_power (prefix, p, hi[i], n_bins) - cumulative_power (prefix, p, lo[i], n_bins))
                  * inv_enbw;
    }
  else
    {
      for (unsigned i = 0; i < n_points; i++)
        {
          /* Bins whose centre lies in [lo, hi) */
          double first = ceil (lo[i]);
          double last = ceil (hi[i]) - 1.0;
          double v = 0.0;

          if (first <= last && first < n_bins)
            {
              unsigned k1 = last < n_bins - 1 ? (unsigned) last : n_bins - 1;
              for (unsigned k = (unsigned) first; k <= k1; k++)
                v = p[k] > v ? p[k] : v;
            }
          else
            {
              unsigned k = (unsigned) self->pos[i];
              double t = self->pos[i] - k;
              v = k + 1 < n_bins ? (1.0 - t) * p[k] + t * p[k + 1] : p[n_bins - 1];
            }
          grid[i] = v;
        }
    }

  for (unsigned i = 0; i < n_points; i++)
    {
      if (grid[i] >= peak[i])
        {
          peak[i] = grid[i];
          hold[i] = hold_s;
        }
      else if (hold[i] > 0.0)
        hold[i] -= dt;
      else
        {
          double fallen = peak[i] * decay;
          peak[i] = fallen > grid[i] ? (fallen < 1e-30 ? 0.0 : fallen) : grid[i];
        }
    }
  self->dirty = 1;
}

/* One FFT frame over the last fft_size frames of the rings. */
static void
analyse_frame (LqSpectrum *self)
{
  /* Locals (restrict): the loops vectorise and do not reload the fields after each store. */
  const unsigned n = self->fft_size;
  const unsigned n_bins = n / 2 + 1;
  const unsigned start = (self->ring_pos - n) & RING_MASK;
  const unsigned first = RING_FRAMES - start < n ? RING_FRAMES - start : n; /* before the wrap */
  const float *restrict window = self->window_buf;
  float *restrict in = self->fft_in;
  const fftwf_complex *restrict out = self->fft_out;
  double *restrict power = self->power;
  const double scale = self->power_scale;

  for (unsigned c = 0; c < self->channels; c++)
    {
      const float *restrict ring = self->ring + (size_t) c * RING_FRAMES;

      const float *restrict ring_start = ring + start;
      float *restrict in_wrap = in + first;
      const float *restrict window_wrap = window + first;

      for (unsigned i = 0; i < first; i++)
        in[i] = ring_start[i] * window[i];
      for (unsigned i = 0; i < n - first; i++)
        in_wrap[i] = ring[i] * window_wrap[i];
      fftwf_execute_dft_r2c (plans[self->size_index], self->fft_in, self->fft_out);
      if (c == 0)
        for (unsigned k = 0; k < n_bins; k++)
          power[k] = ((double) out[k][0] * out[k][0] + (double) out[k][1] * out[k][1]) * scale;
      else
        for (unsigned k = 0; k < n_bins; k++)
          power[k] += ((double) out[k][0] * out[k][0] + (double) out[k][1] * out[k][1]) * scale;
    }
  /* No check for non-finite power is needed: the input is clamped to +-MAX_INPUT,
   * so that no float FFT can overflow (32768 x 1e30 < 3.4e38) and the powers, in double,
   * stay finite. */

  if (self->cumulative)
    {
      double *restrict avg = self->avg;
      double inv;

      self->n_frames++;
      inv = 1.0 / self->n_frames;
      for (unsigned k = 0; k < n_bins; k++)
        {
          avg[k] += power[k];
          power[k] = avg[k] * inv;
        }
      compute_levels (self, power, self->hop / self->rate);
    }
  else
    {
      double *restrict avg = self->avg;
      const double a = self->n_frames == 0 ? 0.0 : self->avg_coeff, b = 1.0 - a;

      for (unsigned k = 0; k < n_bins; k++)
        {
          double v = a * avg[k] + b * power[k];
          avg[k] = v < 1e-30 ? 0.0 : v; /* no denormals in a long silence */
        }
      self->n_frames++;
      compute_levels (self, avg, self->hop / self->rate);
    }
}

LqSpectrum *
lq_spectrum_new (double rate, unsigned channels, unsigned n_points, double f_min, double f_max)
{
  LqSpectrum *self;

  if (!(rate >= 8000.0 && rate <= 384000.0) || channels < 1 || channels > 2 || n_points < 2
      || n_points > 8192 || !(f_min > 0.0) || !(f_max > f_min) || !(f_max <= rate / 2))
    return NULL;

  self = calloc (1, sizeof (LqSpectrum));
  if (self == NULL)
    return NULL;
  self->rate = rate;
  self->channels = channels;
  self->n_points = n_points;
  self->f_min = f_min;
  self->f_max = f_max;
  self->window_buf = malloc (LQ_SPECTRUM_MAX_FFT_SIZE * sizeof (float));
  self->ring = calloc ((size_t) channels * RING_FRAMES, sizeof (float));
  self->fft_in = fftwf_malloc (LQ_SPECTRUM_MAX_FFT_SIZE * sizeof (float));
  self->fft_out = fftwf_malloc (MAX_BINS * sizeof (fftwf_complex));
  self->power = calloc (MAX_BINS, sizeof (double));
  self->avg = calloc (MAX_BINS, sizeof (double));
  self->prefix = calloc (MAX_BINS + 1, sizeof (double));
  self->freqs = calloc (n_points, sizeof (float));
  self->pos = calloc (n_points, sizeof (double));
  self->lo = calloc (n_points, sizeof (double));
  self->hi = calloc (n_points, sizeof (double));
  self->grid_power = calloc (n_points, sizeof (double));
  self->peak_power = calloc (n_points, sizeof (double));
  self->levels = calloc (n_points, sizeof (float));
  self->peaks = calloc (n_points, sizeof (float));
  self->hold_left = calloc (n_points, sizeof (double));
  if (self->window_buf == NULL || self->ring == NULL || self->fft_in == NULL
      || self->fft_out == NULL || self->power == NULL || self->avg == NULL
      || self->prefix == NULL || self->freqs == NULL || self->pos == NULL || self->lo == NULL
      || self->hi == NULL || self->grid_power == NULL || self->peak_power == NULL
      || self->levels == NULL || self->peaks == NULL
      || self->hold_left == NULL || !make_plans (self->fft_in, self->fft_out))
    {
      lq_spectrum_free (self);
      return NULL;
    }

  for (unsigned i = 0; i < n_points; i++)
    self->freqs[i] = (float) (f_min * pow (f_max / f_min, (double) i / (n_points - 1)));
  self->fft_size = 8192;
  self->size_index = size_index_of (self->fft_size);
  self->window = LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS;
  self->overlap = 0.75;
  self->hold_s = 1.0;
  self->decay_db_per_s = 20.0;
  fill_window (self);
  update_hop (self);
  update_grid_map (self);
  clear_levels (self);
  return self;
}

void
lq_spectrum_free (LqSpectrum *self)
{
  if (self == NULL)
    return;
  free (self->window_buf);
  free (self->ring);
  fftwf_free (self->fft_in);
  fftwf_free (self->fft_out);
  free (self->power);
  free (self->avg);
  free (self->prefix);
  free (self->freqs);
  free (self->pos);
  free (self->lo);
  free (self->hi);
  free (self->grid_power);
  free (self->peak_power);
  free (self->levels);
  free (self->peaks);
  free (self->hold_left);
  free (self);
}

int
lq_spectrum_set_fft_size (LqSpectrum *self, unsigned size)
{
  if (size < LQ_SPECTRUM_MIN_FFT_SIZE || size > LQ_SPECTRUM_MAX_FFT_SIZE
      || (size & (size - 1)) != 0)
    return -1;
  if (size == self->fft_size)
    return 0;
  self->fft_size = size;
  self->size_index = size_index_of (size);
  fill_window (self);
  update_hop (self);
  update_grid_map (self);
  clear_average (self);
  return 0;
}

void
lq_spectrum_set_window (LqSpectrum *self, LqSpectrumWindow window)
{
  if (window == self->window
      || (window != LQ_SPECTRUM_WINDOW_HANN && window != LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS))
    return;
  self->window = window;
  fill_window (self);
  clear_average (self);
}

void
lq_spectrum_set_overlap (LqSpectrum *self, double overlap)
{
  if (!(overlap >= 0.0))
    overlap = 0.0;
  self->overlap = fmin (overlap, LQ_SPECTRUM_MAX_OVERLAP);
  update_hop (self);
}

void
lq_spectrum_set_smoothing (LqSpectrum *self, double n)
{
  if (!(n >= 0.1))
    n = 0.0;
  self->smoothing = fmin (n, 96.0);
  update_grid_map (self);
}

void
lq_spectrum_set_averaging (LqSpectrum *self, double ms)
{
  self->averaging_ms = ms > 0.0 ? ms : 0.0;
  update_coeff (self);
}

void
lq_spectrum_set_cumulative (LqSpectrum *self, int cumulative)
{
  if (!!cumulative == self->cumulative)
    return;
  self->cumulative = !!cumulative;
  clear_average (self);
}

void
lq_spectrum_set_peak_hold (LqSpectrum *self, double hold_ms, double decay_db_per_s)
{
  self->hold_s = hold_ms > 0.0 ? hold_ms * 0.001 : 0.0;
  self->decay_db_per_s = decay_db_per_s > 0.0 ? decay_db_per_s : 0.0;
  update_coeff (self);
}

unsigned
lq_spectrum_get_fft_size (const LqSpectrum *self)
{
  return self->fft_size;
}

unsigned
lq_spectrum_get_hop (const LqSpectrum *self)
{
  return self->hop;
}

void
lq_spectrum_process (LqSpectrum *self, const float *interleaved, size_t frames)
{
  unsigned ch = self->channels;

  while (frames > 0)
    {
      size_t todo = self->hop - self->since_frame;
      unsigned pos = self->ring_pos;

      if (todo > frames)
        todo = frames;
      for (unsigned c = 0; c < ch; c++)
        {
          /* Two runs: up to the end of the ring, then from its start. */
          size_t first = RING_FRAMES - pos < todo ? RING_FRAMES - pos : todo;

          for (unsigned run = 0; run < 2; run++)
            {
              float *restrict ring = self->ring + (size_t) c * RING_FRAMES + (run == 0 ? pos : 0);
              size_t offset = run == 0 ? 0 : first;
              size_t len = run == 0 ? first : todo - first;

              if (interleaved == NULL)
                memset (ring, 0, len * sizeof (float));
              else
                {
                  const float *restrict x = interleaved + offset * ch + c;

                  for (size_t i = 0; i < len; i++)
                    ring[i] = sanitize (x[i * ch]);
                }
            }
        }
      self->ring_pos = (unsigned) ((pos + todo) & RING_MASK);
      self->filled = self->filled + todo >= RING_FRAMES ? RING_FRAMES : self->filled + (unsigned) todo;
      self->since_frame += (unsigned) todo;
      if (interleaved != NULL)
        interleaved += todo * ch;
      frames -= todo;

      if (self->since_frame >= self->hop)
        {
          self->since_frame = 0;
          if (!self->cumulative || self->filled >= self->fft_size)
            analyse_frame (self);
        }
    }
}

void
lq_spectrum_reset (LqSpectrum *self)
{
  memset (self->ring, 0, (size_t) self->channels * RING_FRAMES * sizeof (float));
  self->ring_pos = 0;
  self->filled = 0;
  self->since_frame = 0;
  clear_average (self);
  clear_levels (self);
}

void
lq_spectrum_reset_peaks (LqSpectrum *self)
{
  for (unsigned i = 0; i < self->n_points; i++)
    {
      self->peak_power[i] = self->grid_power[i];
      self->hold_left[i] = self->hold_s;
    }
  self->dirty = 1;
}

unsigned
lq_spectrum_get_n_points (const LqSpectrum *self)
{
  return self->n_points;
}

const float *
lq_spectrum_get_frequencies (const LqSpectrum *self)
{
  return self->freqs;
}

static void
update_db (LqSpectrum *self)
{
  if (!self->dirty)
    return;
  for (unsigned i = 0; i < self->n_points; i++)
    {
      self->levels[i] = power_to_db (self->grid_power[i]);
      self->peaks[i] = power_to_db (self->peak_power[i]);
    }
  self->dirty = 0;
}

const float *
lq_spectrum_get_levels (LqSpectrum *self)
{
  update_db (self);
  return self->levels;
}

const float *
lq_spectrum_get_peaks (LqSpectrum *self)
{
  update_db (self);
  return self->peaks;
}

uint64_t
lq_spectrum_get_n_frames (const LqSpectrum *self)
{
  return self->n_frames;
}
