/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-ltas"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lq-decoder.h"
#include "lq-engine-error.h"
#include "lq-ltas.h"
#include "lq-spectrum.h"

#define DECODE_CHUNK 65536
#define COMPARE_LOW_HZ 50.0
#define COMPARE_HIGH_HZ 16000.0

struct _LqLtas
{
  LqSpectrum *spectrum; /* the analyzer, in cumulative mode */
  guint64 n_frames;     /* audio frames added */
};

/* About 5.9 Hz per bin: 8192 at 48 kHz, scaled with the rate. */
static unsigned
fft_size_for (guint rate)
{
  unsigned size = LQ_SPECTRUM_MIN_FFT_SIZE;

  while (size < LQ_SPECTRUM_MAX_FFT_SIZE && size * 2 <= 8192.0 * rate / 44100.0)
    size *= 2;
  return size;
}

/**
 * lq_ltas_new:
 * @rate: sample rate in Hz (8 kHz..384 kHz)
 * @channels: 1 or 2
 * @n_points: points of the grid (2..8192), e.g. LQ_LTAS_DEFAULT_POINTS
 * @smoothing: band width as a fraction of an octave (3: 1/3 octave), e.g.
 *   LQ_LTAS_DEFAULT_SMOOTHING
 *
 * Returns: (transfer full) (nullable): an empty average to feed with lq_ltas_add(), or
 *   %NULL for arguments out of range
 */
LqLtas *
lq_ltas_new (guint  rate,
             guint  channels,
             guint  n_points,
             double smoothing)
{
  LqSpectrum *spectrum;
  LqLtas *self;

  spectrum = lq_spectrum_new (rate, channels, n_points, 20.0, MIN (20000.0, rate / 2.0));
  if (spectrum == NULL)
    return NULL;
  lq_spectrum_set_fft_size (spectrum, fft_size_for (rate));
  lq_spectrum_set_window (spectrum, LQ_SPECTRUM_WINDOW_HANN);
  lq_spectrum_set_overlap (spectrum, 0.5);
  lq_spectrum_set_smoothing (spectrum, smoothing);
  lq_spectrum_set_cumulative (spectrum, 1);

  self = g_new0 (LqLtas, 1);
  self->spectrum = spectrum;
  return self;
}

void
lq_ltas_add (LqLtas      *self,
             const float *interleaved,
             gsize        frames)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (interleaved != NULL || frames == 0);

  lq_spectrum_process (self->spectrum, interleaved, frames);
  self->n_frames += frames;
}

void
lq_ltas_free (LqLtas *self)
{
  if (self == NULL)
    return;
  lq_spectrum_free (self->spectrum);
  g_free (self);
}

static void
cancel_decoder_cb (GCancellable *cancellable,
                   gpointer      decoder)
{
  lq_decoder_cancel (decoder);
}

/**
 * lq_ltas_new_for_file:
 * @file: an audio file (mono or stereo)
 * @n_points: points of the grid
 * @smoothing: band width as a fraction of an octave
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error: those of #LqDecoder, LQ_ENGINE_ERROR_UNSUPPORTED for
 *   more than two channels, G_IO_ERROR_CANCELLED
 *
 * Decodes @file (blocking: call it from a worker thread, or use the async variant) and
 * averages its spectrum.
 *
 * Returns: (transfer full) (nullable): the long-term average spectrum, or %NULL with @error set
 */
LqLtas *
lq_ltas_new_for_file (GFile         *file,
                      guint          n_points,
                      double         smoothing,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(LqDecoder) decoder = NULL;
  g_autoptr(LqLtas) self = NULL;
  g_autofree float *buffer = NULL;
  guint channels, rate;
  gulong handler = 0;
  gssize n = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  decoder = lq_decoder_new (file, 0, error);
  if (decoder == NULL)
    return NULL;
  channels = lq_decoder_get_channels (decoder);
  rate = lq_decoder_get_rate (decoder);
  self = lq_ltas_new (rate, channels, n_points, smoothing);
  if (self == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("Cannot analyse the spectrum of “%s”: %u channels at %u Hz (mono or stereo "
                   "from 8 to 384 kHz are supported)"), name, channels, rate);
      return NULL;
    }

  buffer = g_new (float, (gsize) DECODE_CHUNK * channels);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_decoder_cb), decoder, NULL);
  while (!g_cancellable_is_cancelled (cancellable)
         && (n = lq_decoder_read (decoder, buffer, DECODE_CHUNK, error)) > 0)
    lq_ltas_add (self, buffer, (gsize) n);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (n < 0 || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&self);
}

typedef struct
{
  GFile *file;      /* the audio file */
  guint n_points;   /* grid points */
  double smoothing; /* 1/N octave */
} FileData;

static void
file_data_free (FileData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

static void
file_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FileData *data = task_data;
  GError *error = NULL;
  LqLtas *ltas = lq_ltas_new_for_file (data->file, data->n_points, data->smoothing, cancellable, &error);

  if (ltas == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ltas, (GDestroyNotify) lq_ltas_free);
}

void
lq_ltas_new_for_file_async (GFile               *file,
                            guint                n_points,
                            double               smoothing,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileData *data;

  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (FileData, 1);
  data->file = g_object_ref (file);
  data->n_points = n_points;
  data->smoothing = smoothing;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_ltas_new_for_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) file_data_free);
  g_task_run_in_thread (task, file_thread);
}

LqLtas *
lq_ltas_new_for_file_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
lq_ltas_get_n_points (LqLtas *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return lq_spectrum_get_n_points (self->spectrum);
}

/* The grid in Hz, ascending. */
const float *
lq_ltas_get_frequencies (LqLtas *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return lq_spectrum_get_frequencies (self->spectrum);
}

/* Band levels in dB of everything added so far. */
const float *
lq_ltas_get_levels (LqLtas *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return lq_spectrum_get_levels (self->spectrum);
}

guint64
lq_ltas_get_n_frames (LqLtas *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_frames;
}

/**
 * lq_ltas_compare:
 * @self: a long-term spectrum
 * @reference: the one to compare with, on the same grid
 * @difference: (out caller-allocates) (array): n_points values: @self minus @reference minus
 *   @offset_db, in dB (0 where either has no signal)
 * @offset_db: (out) (optional): the level difference taken out: the mean difference over the
 *   points from 50 Hz to 16 kHz
 *
 * Returns: %FALSE when the grids differ (then nothing is written)
 */
gboolean
lq_ltas_compare (LqLtas *self,
                 LqLtas *reference,
                 float  *difference,
                 double *offset_db)
{
  guint n = lq_ltas_get_n_points (self);
  const float *f = lq_ltas_get_frequencies (self);
  const float *a = lq_ltas_get_levels (self);
  const float *b = lq_ltas_get_levels (reference);
  double sum = 0.0, offset;
  guint count = 0;

  g_return_val_if_fail (difference != NULL, FALSE);

  if (lq_ltas_get_n_points (reference) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (fabsf (f[i] - lq_ltas_get_frequencies (reference)[i]) > 1e-3f * f[i])
      return FALSE;

  for (guint i = 0; i < n; i++)
    if (f[i] >= COMPARE_LOW_HZ && f[i] <= COMPARE_HIGH_HZ && a[i] > LQ_SPECTRUM_FLOOR_DB
        && b[i] > LQ_SPECTRUM_FLOOR_DB)
      {
        sum += a[i] - b[i];
        count++;
      }
  offset = count > 0 ? sum / count : 0.0;
  for (guint i = 0; i < n; i++)
    difference[i] = a[i] > LQ_SPECTRUM_FLOOR_DB && b[i] > LQ_SPECTRUM_FLOOR_DB
                    ? (float) (a[i] - b[i] - offset) : 0.0f;
  if (offset_db != NULL)
    *offset_db = offset;
  return TRUE;
}
