/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-render"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lq-album-reader.h"
#include "lq-decoder.h"
#include "lq-dsp-util.h"
#include "lq-engine-error.h"
#include "lq-gst-loudness.h"
#include "lq-render.h"

#define BLOCK_FRAMES 65536

/* Writes @frames frames from @reader_or_decoder into @writer; reads with @read. */
typedef gssize (*ReadFunc) (gpointer source, float *frames, gsize max, GCancellable *cancellable, GError **error);

static gssize
read_album (gpointer       source,
            float         *frames,
            gsize          max,
            GCancellable  *cancellable,
            GError       **error)
{
  return lq_album_reader_read (source, frames, max, cancellable, error);
}

static gssize
read_decoder (gpointer       source,
              float         *frames,
              gsize          max,
              GCancellable  *cancellable,
              GError       **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  return lq_decoder_read (source, frames, max, error);
}

/* Copies exactly @total frames from @source into a new WAV file (padding with silence if the
 * source ends early), reporting progress from @progress_from to @progress_to. */
/* Per-track loudness meters fed from the album as it is rendered. */
typedef struct
{
  const LqSequence *seq;
  LqLoudnessMeter **meters; /* one per placement */
  LqLoudnessMeter *album;   /* the whole album, or NULL when not wanted */
  guint64 pos;              /* album frames fed so far */
} TrackMeters;

static TrackMeters *
track_meters_new (const LqSequence *seq,
                  gboolean          album)
{
  TrackMeters *tm = g_new0 (TrackMeters, 1);

  tm->seq = seq;
  tm->meters = g_new0 (LqLoudnessMeter *, MAX (seq->n_placements, 1));
  for (guint i = 0; i < seq->n_placements; i++)
    tm->meters[i] = lq_loudness_meter_new (2, seq->rate, LQ_TRUEPEAK_FILTER_BS1770);
  if (album)
    tm->album = lq_loudness_meter_new (2, seq->rate, LQ_TRUEPEAK_FILTER_BS1770);
  return tm;
}

/* Adds album frames [pos, pos + n) to the meters of the tracks they belong to: each track's
 * span without the parts it shares with its neighbours. */
static void
track_meters_add (TrackMeters *tm,
                  const float *block,
                  gsize        n)
{
  for (guint i = 0; i < tm->seq->n_placements; i++)
    {
      const LqPlacement *p = &tm->seq->placements[i];
      guint64 from = MAX (tm->pos, p->start + p->overlap_in);
      guint64 to = MIN (tm->pos + n, p->end - MIN (p->overlap_out, p->length));

      if (from < to)
        lq_loudness_meter_add (tm->meters[i], block + (from - tm->pos) * 2, to - from);
    }
  if (tm->album != NULL)
    lq_loudness_meter_add (tm->album, block, n);
  tm->pos += n;
}

static void
summarize (LqLoudnessMeter   *meter,
           LqLoudnessSummary *out)
{
  LqLoudnessValues v;

  lq_loudness_meter_get (meter, &v, FALSE);
  out->integrated_lufs = v.integrated;
  out->lra_lu = v.lra;
  out->max_short_term_lufs = v.max_short_term;
  out->true_peak_dbtp = -INFINITY;
  out->sample_peak_dbfs = -INFINITY;
  for (guint c = 0; c < v.channels; c++)
    {
      out->true_peak_dbtp = MAX (out->true_peak_dbtp, lq_gain_to_db (v.true_peak[c]));
      out->sample_peak_dbfs = MAX (out->sample_peak_dbfs, lq_gain_to_db (v.sample_peak[c]));
    }
}

/* Frees @tm; when given, @lufs_out receives each placement's integrated loudness and
 * @album_out every value of every placement and of the album (the tracks left NULL). */
static void
track_meters_free (TrackMeters     *tm,
                   double          *lufs_out,
                   LqAlbumLoudness *album_out)
{
  if (album_out != NULL)
    {
      album_out->n_tracks = tm->seq->n_placements;
      album_out->tracks = g_new0 (LqTrackLoudness, MAX (tm->seq->n_placements, 1));
    }
  for (guint i = 0; i < tm->seq->n_placements; i++)
    {
      LqLoudnessSummary values;

      summarize (tm->meters[i], &values);
      if (lufs_out != NULL)
        lufs_out[i] = values.integrated_lufs;
      if (album_out != NULL)
        {
          album_out->tracks[i].index = tm->seq->placements[i].index;
          album_out->tracks[i].loudness = values;
        }
      lq_loudness_meter_free (tm->meters[i]);
    }
  if (tm->album != NULL)
    {
      if (album_out != NULL)
        summarize (tm->album, &album_out->album);
      lq_loudness_meter_free (tm->album);
    }
  g_free (tm->meters);
  g_free (tm);
}

static gboolean
write_wav (GFile                 *file,
           guint                  rate,
           LqWavFormat            format,
           guint64                total,
           ReadFunc               read,
           gpointer               source,
           GCancellable          *cancellable,
           LqRenderProgressFunc   progress,
           gpointer               progress_data,
           double                 progress_from,
           double                 progress_to,
           TrackMeters           *meters,
           GError               **error)
{
  g_autoptr(LqWavWriter) writer = NULL;
  g_autofree float *block = g_new (float, BLOCK_FRAMES * 2);
  guint64 done = 0;

  writer = lq_wav_writer_new (file, 2, rate, format, total, cancellable, error);
  if (writer == NULL)
    return FALSE;
  while (done < total)
    {
      gsize want = MIN ((guint64) BLOCK_FRAMES, total - done);
      gssize n = read (source, block, want, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          memset (block, 0, want * 2 * sizeof (float));
          n = want;
        }
      if (meters != NULL)
        track_meters_add (meters, block, n);
      if (!lq_wav_writer_write (writer, block, n, cancellable, error))
        return FALSE;
      done += n;
      if (progress != NULL)
        progress (progress_from + (progress_to - progress_from) * done / MAX (total, 1), progress_data);
    }
  return lq_wav_writer_commit (writer, cancellable, error);
}

/**
 * lq_render_album:
 * @progress: (nullable): called from this thread with the fraction done
 *
 * Renders the whole album to a stereo WAV file. Blocking: call from a worker thread or use
 * lq_render_album_async(). The file appears only when complete; a cancel or a failure leaves
 * nothing under its name (an earlier file of that name stays as it was).
 *
 * At another rate than the album's, the album is rendered at its own rate first and then
 * resampled as a whole (GStreamer's audioresample).
 */
gboolean
lq_render_album (LqProject              *project,
                 GFile                  *file,
                 const LqRenderOptions  *options,
                 GCancellable           *cancellable,
                 LqRenderProgressFunc    progress,
                 gpointer                progress_data,
                 GError                **error)
{
  g_autoptr(LqAlbumReader) reader = NULL;
  TrackMeters *meters = NULL;
  guint album_rate, rate;
  guint64 length;
  gboolean ok;

  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  reader = lq_album_reader_new (project, error);
  if (reader == NULL)
    return FALSE;
  album_rate = lq_project_get_rate (project);
  rate = options->rate ? options->rate : album_rate;
  length = lq_album_reader_get_length (reader);
  if (options->track_lufs != NULL)
    meters = track_meters_new (lq_album_reader_get_sequence (reader), FALSE);

  if (rate == album_rate)
    {
      ok = write_wav (file, rate, options->format, length, read_album, reader, cancellable,
                      progress, progress_data, 0.0, 1.0, meters, error);
      if (meters != NULL)
        track_meters_free (meters, options->track_lufs, NULL);
      return ok;
    }

  {
    g_autoptr(GFile) parent = g_file_get_parent (file);
    g_autofree char *name = g_strdup_printf (".lacquer-render-%08x.wav", g_random_int ());
    g_autoptr(GFile) temp = g_file_get_child (parent, name);
    g_autoptr(LqDecoder) decoder = NULL;
    guint64 out_length = (length * rate + album_rate / 2) / album_rate;

    ok = write_wav (temp, album_rate, LQ_WAV_FLOAT32, length, read_album, reader, cancellable,
                    progress, progress_data, 0.0, 0.7, meters, error);
    if (meters != NULL)
      track_meters_free (meters, options->track_lufs, NULL);
    if (!ok)
      {
        g_file_delete (temp, NULL, NULL);
        return FALSE;
      }
    decoder = lq_decoder_new (temp, rate, error);
    ok = decoder != NULL
         && write_wav (file, rate, options->format, out_length, read_decoder, decoder, cancellable,
                       progress, progress_data, 0.7, 1.0, NULL, error);
    g_clear_pointer (&decoder, lq_decoder_free);
    g_file_delete (temp, NULL, NULL);
    return ok;
  }
}

typedef struct
{
  LqProject *project;
  GFile *file;
  LqRenderOptions options;
  LqRenderProgressFunc progress; /* called in the caller's main context */
  gpointer progress_data;
  GMainContext *context;         /* the caller's */
  double fraction;               /* last fraction reported (worker thread) */
  gint pending;                  /* a report is queued in the main context */
  GMutex lock;
  double to_report;              /* under lock */
} RenderData;

static void
render_data_free (gpointer data)
{
  RenderData *rd = data;

  g_object_unref (rd->project);
  g_object_unref (rd->file);
  g_main_context_unref (rd->context);
  g_mutex_clear (&rd->lock);
  g_free (rd);
}

static gboolean
report_progress_cb (gpointer data)
{
  g_autoptr(GTask) task = data;
  RenderData *rd = g_task_get_task_data (task);
  double fraction;

  g_mutex_lock (&rd->lock);
  fraction = rd->to_report;
  g_mutex_unlock (&rd->lock);
  g_atomic_int_set (&rd->pending, 0);
  rd->progress (fraction, rd->progress_data);
  return G_SOURCE_REMOVE;
}

/* From the worker: hands the fraction to the main context, at most one report queued and
 * at most one per 0.5 %. */
static void
worker_progress_cb (double   fraction,
                    gpointer user_data)
{
  GTask *task = user_data;
  RenderData *rd = g_task_get_task_data (task);

  if (fraction - rd->fraction < 0.005 && fraction < 1.0)
    return;
  rd->fraction = fraction;
  g_mutex_lock (&rd->lock);
  rd->to_report = fraction;
  g_mutex_unlock (&rd->lock);
  if (g_atomic_int_compare_and_exchange (&rd->pending, 0, 1))
    g_main_context_invoke (rd->context, report_progress_cb, g_object_ref (task));
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderData *rd = task_data;
  GError *error = NULL;

  if (lq_render_album (rd->project, rd->file, &rd->options, cancellable,
                       rd->progress ? worker_progress_cb : NULL, task, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * lq_render_album_async:
 *
 * @progress: (nullable): called in the thread-default main context of the caller with the
 *   fraction done
 *
 * Renders in a worker thread; cancel with @cancellable (no file is left). The project must not
 * change until the render is done.
 */
void
lq_render_album_async (LqProject              *project,
                       GFile                  *file,
                       const LqRenderOptions  *options,
                       GCancellable           *cancellable,
                       LqRenderProgressFunc    progress,
                       gpointer                progress_data,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (project, cancellable, callback, user_data);
  RenderData *rd = g_new0 (RenderData, 1);

  rd->project = g_object_ref (project);
  rd->file = g_object_ref (file);
  rd->options = *options;
  rd->progress = progress;
  rd->progress_data = progress_data;
  rd->context = g_main_context_ref_thread_default ();
  g_mutex_init (&rd->lock);
  g_task_set_source_tag (task, lq_render_album_async);
  g_task_set_task_data (task, rd, render_data_free);
  g_task_run_in_thread (task, render_thread);
}

gboolean
lq_render_album_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reads @reader to its end into @meters. */
static gboolean
feed_meters (LqAlbumReader  *reader,
             TrackMeters    *meters,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autofree float *block = g_new (float, BLOCK_FRAMES * 2);
  gssize n;

  while ((n = lq_album_reader_read (reader, block, BLOCK_FRAMES, cancellable, error)) > 0)
    track_meters_add (meters, block, n);
  return n == 0;
}

/**
 * lq_render_measure_tracks:
 *
 * Renders the album in memory (nothing is written) and measures each track's integrated
 * loudness on the result, after the master chain.
 *
 * Returns: (transfer full) (nullable): one value per placement of the album's sequence
 */
double *
lq_render_measure_tracks (LqProject     *project,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(LqAlbumReader) reader = lq_album_reader_new (project, error);
  g_autofree double *lufs = NULL;
  TrackMeters *meters;
  gboolean ok;

  if (reader == NULL)
    return NULL;
  meters = track_meters_new (lq_album_reader_get_sequence (reader), FALSE);
  ok = feed_meters (reader, meters, cancellable, error);
  lufs = g_new (double, MAX (lq_album_reader_get_sequence (reader)->n_placements, 1));
  track_meters_free (meters, lufs, NULL);
  return ok ? g_steal_pointer (&lufs) : NULL;
}

/* The album measured from @reader; with @take_tracks the result refers to the tracks of the
 * reader's placements (in the thread that owns the project only), else they are left NULL. */
static LqAlbumLoudness *
measure_album (LqAlbumReader  *reader,
               gboolean        take_tracks,
               GCancellable   *cancellable,
               GError        **error)
{
  TrackMeters *meters = track_meters_new (lq_album_reader_get_sequence (reader), TRUE);
  g_autoptr(LqAlbumLoudness) result = g_new0 (LqAlbumLoudness, 1);
  gboolean ok = feed_meters (reader, meters, cancellable, error);

  track_meters_free (meters, NULL, result);
  if (!ok)
    return NULL;
  for (guint i = 0; take_tracks && i < result->n_tracks; i++)
    result->tracks[i].track = g_object_ref (lq_album_reader_get_sequence (reader)->placements[i].track);
  return g_steal_pointer (&result);
}

/**
 * lq_render_measure:
 *
 * Renders the album in memory (nothing is written) and measures it as delivered: each track
 * and the whole album, after the tracks' chains, gains and fades and the master chain.
 * Blocking (see lq_render_measure_async()).
 *
 * Returns: (transfer full) (nullable): the values, or %NULL with @error set
 */
LqAlbumLoudness *
lq_render_measure (LqProject     *project,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(LqAlbumReader) reader = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  reader = lq_album_reader_new (project, error);
  if (reader == NULL)
    return NULL;
  return measure_album (reader, TRUE, cancellable, error);
}

typedef struct
{
  LqAlbumReader *reader; /* a copy of the project taken by lq_render_measure_async() */
  GWeakRef *tracks;      /* the placements' tracks: the project may drop them meanwhile, and
                          * a track must not be finalized in the worker */
  guint n_tracks;
} MeasureData;

static void
measure_data_free (MeasureData *data)
{
  lq_album_reader_free (data->reader);
  for (guint i = 0; i < data->n_tracks; i++)
    g_weak_ref_clear (&data->tracks[i]);
  g_free (data->tracks);
  g_free (data);
}

/* A thread of its own, at the lowest priority (GTask's threads are shared). */
static gpointer
measure_thread (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MeasureData *data = g_task_get_task_data (task);
  GError *error = NULL;
  LqAlbumLoudness *result;

  lq_thread_lower_priority ();
  result = measure_album (data->reader, FALSE, g_task_get_cancellable (task), &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) lq_album_loudness_free);
  else
    g_task_return_error (task, error);
  return NULL;
}

/**
 * lq_render_measure_async:
 * @project: the project, owned by the calling thread
 * @callback: called in the thread-default main context when done
 *
 * lq_render_measure() in the background (threads at the lowest priority, so playback keeps
 * the cores), on the project as it is now: edits made meanwhile do not reach this
 * measurement.
 */
void
lq_render_measure_async (LqProject           *project,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  const LqSequence *seq;
  MeasureData *data;
  LqAlbumReader *reader;

  g_return_if_fail (LQ_IS_PROJECT (project));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_render_measure_async);
  /* The reader copies what it needs from the project now. */
  reader = lq_album_reader_new_full (project, LQ_ALBUM_READER_BACKGROUND, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  seq = lq_album_reader_get_sequence (reader);
  data = g_new0 (MeasureData, 1);
  data->reader = reader;
  data->n_tracks = seq->n_placements;
  data->tracks = g_new0 (GWeakRef, MAX (data->n_tracks, 1));
  for (guint i = 0; i < data->n_tracks; i++)
    g_weak_ref_init (&data->tracks[i], seq->placements[i].track);
  g_task_set_task_data (task, data, (GDestroyNotify) measure_data_free);
  g_thread_unref (g_thread_new ("lq-measure", measure_thread, g_steal_pointer (&task)));
}

/**
 * lq_render_measure_finish:
 *
 * Returns: (transfer full) (nullable): the values; a track the project has dropped since the
 *   measurement started has %NULL as its track
 */
LqAlbumLoudness *
lq_render_measure_finish (GAsyncResult  *result,
                          GError       **error)
{
  MeasureData *data;
  LqAlbumLoudness *values;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  values = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  for (guint i = 0; values != NULL && i < values->n_tracks; i++)
    values->tracks[i].track = g_weak_ref_get (&data->tracks[i]);
  return values;
}

void
lq_album_loudness_free (LqAlbumLoudness *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_tracks; i++)
    g_clear_object (&self->tracks[i].track);
  g_free (self->tracks);
  g_free (self);
}

/* Integrated loudness of one track after its own chain and manual gain, before the master. */
static double
measure_track (LqProject         *project,
               const LqSequence  *seq,
               guint              index,
               LqLoudnessMeter  **meter_out,
               GCancellable      *cancellable,
               GError           **error)
{
  const LqPlacement *p = &seq->placements[index];
  g_autofree float *audio = g_try_new (float, MAX (p->length, 1) * 2);
  LqLoudnessMeter *meter;
  LqLoudnessValues v;

  if (audio == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID, _("Not enough memory to measure a track"));
      return NAN;
    }
  if (!lq_album_render_track (project, seq, index, audio, cancellable, error))
    return NAN;
  meter = lq_loudness_meter_new (2, seq->rate, LQ_TRUEPEAK_FILTER_BS1770);
  lq_loudness_meter_add (meter, audio, p->length);
  lq_loudness_meter_get (meter, &v, FALSE);
  *meter_out = meter;
  return v.integrated;
}

/**
 * lq_level_match:
 *
 * Sets every track's match-gain from the project's match mode: each track is measured after
 * its own chain and manual gain, the gains are set, and then the album is rendered and
 * measured again (after the master chain, whose limiter may take some loudness away) and the
 * gains corrected, so the rendered tracks land on what was asked. Blocking.
 */
gboolean
lq_level_match (LqProject     *project,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(LqSequence) seq = NULL;
  g_autofree double *target = NULL;
  g_autofree double *measured = NULL;
  LqLoudnessMeter **meters;
  LqMatchMode mode;
  guint n;
  gboolean ok = TRUE;

  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);

  mode = lq_project_get_match_mode (project);
  seq = lq_sequence_new (project);
  n = seq->n_placements;
  for (guint i = 0; i < n; i++)
    lq_track_set_match_gain (seq->placements[i].track, 0.0);
  if (mode == LQ_MATCH_NONE || n == 0)
    return TRUE;

  measured = g_new (double, n);
  target = g_new (double, n);
  meters = g_new0 (LqLoudnessMeter *, n);
  for (guint i = 0; i < n && ok; i++)
    {
      measured[i] = measure_track (project, seq, i, &meters[i], cancellable, error);
      ok = !isnan (measured[i]);
    }
  if (ok)
    {
      double album = lq_loudness_meter_integrated_multiple (meters, n);
      int anchor = lq_project_get_match_anchor (project);
      double anchor_level = NAN;

      for (guint i = 0; i < n; i++)
        if ((int) seq->placements[i].index == anchor)
          anchor_level = measured[i];
      if (mode == LQ_MATCH_ANCHOR && !isfinite (anchor_level))
        {
          g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                       _("Level matching to an anchor needs an anchor track that is not silent"));
          ok = FALSE;
        }
      for (guint i = 0; i < n && ok; i++)
        {
          switch (mode)
            {
            case LQ_MATCH_TARGET:
              target[i] = lq_project_get_match_target (project);
              break;
            case LQ_MATCH_ANCHOR:
              target[i] = anchor_level;
              break;
            case LQ_MATCH_ALBUM:
              target[i] = measured[i] + lq_project_get_match_target (project) - album;
              break;
            case LQ_MATCH_NONE:
            default:
              target[i] = measured[i];
            }
          if (isfinite (measured[i]))
            lq_track_set_match_gain (seq->placements[i].track, CLAMP (target[i] - measured[i], -96.0, 24.0));
        }
    }
  for (guint i = 0; i < n; i++)
    lq_loudness_meter_free (meters[i]);
  g_free (meters);

  /* Correct for what the master chain does, measured on the rendered album. */
  for (guint round = 0; round < 3 && ok; round++)
    {
      g_autofree double *after = lq_render_measure_tracks (project, cancellable, error);
      double worst = 0.0;

      if (after == NULL)
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          LqTrack *track = seq->placements[i].track;

          if (!isfinite (after[i]) || !isfinite (target[i]))
            continue;
          worst = MAX (worst, fabs (target[i] - after[i]));
          lq_track_set_match_gain (track, CLAMP (lq_track_get_match_gain (track) + target[i] - after[i], -96.0, 24.0));
        }
      if (worst < 0.05)
        break;
    }
  return ok;
}
