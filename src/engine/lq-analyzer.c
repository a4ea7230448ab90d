/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-analyzer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "lq-analyzer.h"
#include "lq-decoder.h"
#include "lq-dsp-util.h"
#include "lq-engine-error.h"

/* Frames per decoder read: large enough that per-call costs vanish, small enough for L2. */
#define CHUNK_FRAMES 65536
/* Progress reports at most this often (µs). */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 10)

void
lq_analysis_free (LqAnalysis *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->file);
  g_clear_pointer (&self->meter, lq_loudness_meter_free);
  g_free (self);
}

void
lq_album_analysis_free (LqAlbumAnalysis *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_tracks; i++)
    {
      g_clear_pointer (&self->tracks[i], lq_analysis_free);
      g_clear_error (&self->errors[i]);
    }
  g_free (self->tracks);
  g_free (self->errors);
  g_free (self);
}

static void
cancel_decoder_cb (GCancellable *cancellable,
                   gpointer      decoder)
{
  lq_decoder_cancel (decoder);
}

LqAnalysis *
lq_analyze_file (GFile                  *file,
                 GCancellable           *cancellable,
                 LqAnalysisProgressFunc  progress,
                 gpointer                progress_data,
                 GError                **error)
{
  g_autoptr(LqDecoder) decoder = NULL;
  g_autoptr(LqLoudnessMeter) meter = NULL;
  g_autofree float *buffer = NULL;
  LqLoudnessValues v;
  LqAnalysis *self;
  guint channels, rate;
  guint64 estimate;
  gint64 last_report = 0;
  gulong handler = 0;
  gssize n;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  decoder = lq_decoder_new (file, 0, error);
  if (decoder == NULL)
    return NULL;
  channels = lq_decoder_get_channels (decoder);
  rate = lq_decoder_get_rate (decoder);
  meter = lq_loudness_meter_new (channels, rate, LQ_TRUEPEAK_FILTER_PRECISE);
  if (meter == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” has %u channels at %u Hz; loudness is measured for 1 to %d channels at 8 to 768 kHz"),
                   name, channels, rate, LQ_ANALYSIS_MAX_CHANNELS);
      return NULL;
    }

  estimate = lq_decoder_get_n_frames (decoder);
  buffer = g_new (float, (gsize) CHUNK_FRAMES * channels);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_decoder_cb), decoder, NULL);
  while ((n = lq_decoder_read (decoder, buffer, CHUNK_FRAMES, error)) > 0)
    {
      lq_loudness_meter_add (meter, buffer, (gsize) n);
      if (progress != NULL && estimate > 0)
        {
          gint64 now = g_get_monotonic_time ();

          if (now - last_report >= PROGRESS_INTERVAL)
            {
              progress (MIN (1.0, (double) lq_decoder_get_position (decoder) / estimate), progress_data);
              last_report = now;
            }
        }
    }
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (n < 0)
    return NULL;
  if (progress != NULL)
    progress (1.0, progress_data);

  lq_loudness_meter_get (meter, &v, FALSE);
  self = g_new0 (LqAnalysis, 1);
  self->file = g_object_ref (file);
  self->rate = rate;
  self->channels = channels;
  self->frames = v.frames;
  self->duration_s = (double) v.frames / rate;
  self->integrated_lufs = v.integrated;
  self->lra_lu = v.lra;
  self->max_momentary_lufs = v.max_momentary;
  self->max_short_term_lufs = v.max_short_term;
  self->true_peak_dbtp = -INFINITY;
  self->sample_peak_dbfs = -INFINITY;
  for (guint c = 0; c < channels; c++)
    {
      self->channel_true_peak_dbtp[c] = lq_gain_to_db (v.true_peak[c]);
      self->channel_sample_peak_dbfs[c] = lq_gain_to_db (v.sample_peak[c]);
      self->true_peak_dbtp = MAX (self->true_peak_dbtp, self->channel_true_peak_dbtp[c]);
      self->sample_peak_dbfs = MAX (self->sample_peak_dbfs, self->channel_sample_peak_dbfs[c]);
    }
  self->plr_lu = self->true_peak_dbtp - self->integrated_lufs;
  self->n_nonfinite = lq_decoder_get_n_nonfinite (decoder);
  self->meter = g_steal_pointer (&meter);
  return self;
}

/* ------------------------------------------------------------------------------------------
 * Albums
 * ------------------------------------------------------------------------------------------ */

typedef struct
{
  GFile *const *files;             /* the tracks */
  LqAlbumAnalysis *album;          /* results, one slot per track */
  GCancellable *cancellable;       /* cancels every track */
  LqAnalysisProgressFunc progress; /* album progress, or NULL */
  gpointer progress_data;
  GMutex lock;                     /* guards what follows */
  double *weights;                 /* share of each track in the whole work (by file size) */
  double *done;                    /* fraction done of each track */
  gint64 last_report;              /* µs of the last progress call */
} AlbumJob;

typedef struct
{
  AlbumJob *job;
  guint index;
} TrackProgress;

/* Records the progress of one track and reports the album's, at most every
 * PROGRESS_INTERVAL and always when a track is finished (exactly 1 when all are). */
static void
update_progress (AlbumJob *job,
                 guint     index,
                 double    fraction,
                 gboolean  finished)
{
  gint64 now = g_get_monotonic_time ();
  double total = 0.0;
  gboolean all = TRUE;

  g_mutex_lock (&job->lock);
  job->done[index] = finished ? 1.0 : MIN (fraction, 0.999);
  if (finished || now - job->last_report >= PROGRESS_INTERVAL)
    {
      for (guint i = 0; i < job->album->n_tracks; i++)
        {
          total += job->weights[i] * job->done[i];
          all = all && job->done[i] >= 1.0;
        }
      job->last_report = now;
      job->progress (all ? 1.0 : MIN (total, 0.999), job->progress_data);
    }
  g_mutex_unlock (&job->lock);
}

static void
track_progress_cb (double   fraction,
                   gpointer user_data)
{
  TrackProgress *tp = user_data;

  update_progress (tp->job, tp->index, fraction, FALSE);
}

static void
analyze_track_func (gpointer data,
                    gpointer user_data)
{
  AlbumJob *job = user_data;
  guint i = GPOINTER_TO_UINT (data) - 1;
  TrackProgress tp = { job, i };
  GError *error = NULL;
  LqAnalysis *analysis;

  analysis = lq_analyze_file (job->files[i], job->cancellable,
                              job->progress ? track_progress_cb : NULL, &tp, &error);
  /* Each worker writes only its own slots. */
  job->album->tracks[i] = analysis;
  job->album->errors[i] = error;
  if (job->progress != NULL)
    update_progress (job, i, 1.0, TRUE);
}

LqAlbumAnalysis *
lq_analyze_album (GFile * const          *files,
                  guint                   n_files,
                  guint                   n_threads,
                  GCancellable           *cancellable,
                  LqAnalysisProgressFunc  progress,
                  gpointer                progress_data,
                  GError                **error)
{
  g_autoptr(LqAlbumAnalysis) album = NULL;
  g_autofree LqLoudnessMeter **meters = NULL;
  g_autofree double *weights = NULL;
  g_autofree double *done = NULL;
  AlbumJob job = { 0 };
  GThreadPool *pool;
  double total_weight = 0.0;

  g_return_val_if_fail (files != NULL || n_files == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  album = g_new0 (LqAlbumAnalysis, 1);
  album->n_tracks = n_files;
  album->tracks = g_new0 (LqAnalysis *, MAX (n_files, 1));
  album->errors = g_new0 (GError *, MAX (n_files, 1));

  /* Weigh the tracks by file size for the progress; analyse the biggest first, so that a
   * long track does not start last and keep one core busy alone at the end. */
  weights = g_new0 (double, MAX (n_files, 1));
  done = g_new0 (double, MAX (n_files, 1));
  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(GFileInfo) info = g_file_query_info (files[i], G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
      weights[i] = info ? MAX (1.0, (double) g_file_info_get_size (info)) : 1.0;
      total_weight += weights[i];
    }
  for (guint i = 0; i < n_files; i++)
    weights[i] /= total_weight;

  job.files = files;
  job.album = album;
  job.cancellable = cancellable;
  job.progress = progress;
  job.progress_data = progress_data;
  job.weights = weights;
  job.done = done;
  g_mutex_init (&job.lock);

  if (n_threads == 0)
    n_threads = g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, MAX (n_files, 1));
  pool = g_thread_pool_new (analyze_track_func, &job, (int) n_threads, TRUE, NULL);
  {
    g_autofree guint *order = g_new (guint, MAX (n_files, 1));

    for (guint i = 0; i < n_files; i++)
      order[i] = i;
    /* Largest first (insertion sort: albums are short). */
    for (guint i = 1; i < n_files; i++)
      for (guint j = i; j > 0 && weights[order[j]] > weights[order[j - 1]]; j--)
        {
          guint t = order[j];
          order[j] = order[j - 1];
          order[j - 1] = t;
        }
    for (guint i = 0; i < n_files; i++)
      g_thread_pool_push (pool, GUINT_TO_POINTER (order[i] + 1), NULL);
  }
  g_thread_pool_free (pool, FALSE, TRUE);
  g_mutex_clear (&job.lock);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* The album as one programme. */
  meters = g_new0 (LqLoudnessMeter *, MAX (n_files, 1));
  album->max_momentary_lufs = -INFINITY;
  album->max_short_term_lufs = -INFINITY;
  album->true_peak_dbtp = -INFINITY;
  album->sample_peak_dbfs = -INFINITY;
  for (guint i = 0; i < n_files; i++)
    {
      LqAnalysis *t = album->tracks[i];

      if (t == NULL)
        {
          album->n_failed++;
          continue;
        }
      meters[i] = t->meter;
      album->max_momentary_lufs = MAX (album->max_momentary_lufs, t->max_momentary_lufs);
      album->max_short_term_lufs = MAX (album->max_short_term_lufs, t->max_short_term_lufs);
      album->true_peak_dbtp = MAX (album->true_peak_dbtp, t->true_peak_dbtp);
      album->sample_peak_dbfs = MAX (album->sample_peak_dbfs, t->sample_peak_dbfs);
      album->duration_s += t->duration_s;
    }
  album->integrated_lufs = lq_loudness_meter_integrated_multiple (meters, n_files);
  album->lra_lu = lq_loudness_meter_lra_multiple (meters, n_files);

  return g_steal_pointer (&album);
}

/* ------------------------------------------------------------------------------------------
 * Albums, asynchronously
 * ------------------------------------------------------------------------------------------ */

typedef struct
{
  GTask *task;                     /* (unowned) the task this is the data of */
  GPtrArray *files;                /* (element-type GFile) the tracks */
  guint n_threads;
  GMainContext *context;           /* where progress is reported */
  LqAnalysisProgressFunc progress; /* or NULL */
  gpointer progress_data;
  GDestroyNotify progress_data_free;
} AsyncData;

typedef struct
{
  GTask *task;      /* (owned) keeps the AsyncData alive until the call ran */
  AsyncData *data;
  double fraction;
} ProgressCall;

static void
progress_call_free (gpointer p)
{
  ProgressCall *call = p;

  g_object_unref (call->task);
  g_free (call);
}

static void
async_data_free (gpointer p)
{
  AsyncData *data = p;

  g_ptr_array_unref (data->files);
  g_main_context_unref (data->context);
  if (data->progress_data_free != NULL)
    data->progress_data_free (data->progress_data);
  g_free (data);
}

static gboolean
invoke_progress_cb (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->data->progress (call->fraction, call->data->progress_data);
  return G_SOURCE_REMOVE;
}

/* Hands a progress report from a worker to the caller's main context. */
static void
marshal_progress_cb (double   fraction,
                     gpointer user_data)
{
  AsyncData *data = user_data;
  ProgressCall *call = g_new (ProgressCall, 1);

  call->task = g_object_ref (data->task);
  call->data = data;
  call->fraction = fraction;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, invoke_progress_cb, call,
                              progress_call_free);
}

static void
analyze_album_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  LqAlbumAnalysis *album;

  album = lq_analyze_album ((GFile * const *) data->files->pdata, data->files->len,
                            data->n_threads, cancellable,
                            data->progress ? marshal_progress_cb : NULL, data, &error);
  if (album == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, album, (GDestroyNotify) lq_album_analysis_free);
}

void
lq_analyze_album_async (GFile * const          *files,
                        guint                   n_files,
                        guint                   n_threads,
                        GCancellable           *cancellable,
                        LqAnalysisProgressFunc  progress,
                        gpointer                progress_data,
                        GDestroyNotify          progress_data_free,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (files != NULL || n_files == 0);

  data = g_new0 (AsyncData, 1);
  data->files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (data->files, g_object_ref (files[i]));
  data->n_threads = n_threads;
  data->context = g_main_context_ref_thread_default ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_data_free = progress_data_free;

  task = g_task_new (NULL, cancellable, callback, user_data);
  data->task = task;
  g_task_set_source_tag (task, lq_analyze_album_async);
  g_task_set_task_data (task, data, async_data_free);
  g_task_run_in_thread (task, analyze_album_thread);
}

LqAlbumAnalysis *
lq_analyze_album_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lq_analyze_album_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
