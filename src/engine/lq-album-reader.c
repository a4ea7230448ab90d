/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-album-reader"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-album-reader.h"
#include "lq-chain-runner.h"
#include "lq-decoder.h"
#include "lq-engine-error.h"
#include "lq-gain.h"

#define BLOCK_FRAMES 65536

/* Everything a worker needs to render one track, copied from the project when the reader is
 * made, so workers never touch objects the main thread may be editing. */
typedef struct
{
  guint rate;               /* album rate */
  GFile *file;              /* the mix, when there are no stems */
  GPtrArray *stem_files;    /* GFile, empty for a mix */
  GPtrArray *stem_strips;   /* LqChainElement copies, parallel to stem_files */
  LqChain *chain;           /* a copy of the track's chain */
  guint64 in_point;
  guint64 length;
  guint64 source_frames;
  double gain_db;           /* gain + match gain */
  gint64 fade_in_start, fade_in_length;
  LqFadeCurve fade_in_curve;
  gint64 fade_out_start, fade_out_length;
  LqFadeCurve fade_out_curve;
  char *name;               /* for messages */
} TrackJob;

typedef enum
{
  SLOT_IDLE,
  SLOT_QUEUED,
  SLOT_DONE,
  SLOT_FAILED,
} SlotState;

typedef struct
{
  TrackJob job;
  SlotState state;  /* under the reader's lock */
  float *data;      /* length x 2 frames once done */
  GError *error;    /* once failed */
} Slot;

struct _LqAlbumReader
{
  LqSequence *sequence;     /* the timeline */
  Slot *slots;              /* one per placement */
  LqChain *master;          /* a copy of the master chain */
  LqChainRunner *runner;    /* the master chain, run in the reading thread */
  GThreadPool *pool;        /* track workers */
  GCancellable *cancellable; /* cancels the workers when the reader goes */
  GMutex lock;
  GCond cond;
  guint64 assembled;        /* album frames pushed into the master chain */
  guint64 position;         /* album frames returned by read */
  gboolean finished;        /* EOS sent to the master chain */
  gboolean keep_tracks;     /* keep rendered tracks (playback) or free them (render) */
  float *block;             /* assembly scratch, BLOCK_FRAMES stereo frames */
};

static LqChain *
copy_chain (LqChain *chain)
{
  g_autoptr(JsonNode) json = lq_chain_to_json (chain);

  return lq_chain_new_from_json (json, NULL);
}

static LqChainElement *
copy_element (LqChainElement *element)
{
  LqChainElement *copy = lq_chain_element_new (lq_chain_element_get_factory (element));
  g_auto(GStrv) names = lq_chain_element_list_properties (element);

  lq_chain_element_set_bypass (copy, lq_chain_element_get_bypass (element));
  for (guint i = 0; names[i] != NULL; i++)
    lq_chain_element_set (copy, names[i], lq_chain_element_get (element, names[i]));
  return copy;
}

static void
job_init (TrackJob         *job,
          LqProject        *project,
          const LqSequence *sequence,
          guint             index)
{
  const LqPlacement *p = &sequence->placements[index];
  const LqPlacement *next = index + 1 < sequence->n_placements ? &sequence->placements[index + 1] : NULL;
  LqTrack *track = p->track;
  GListModel *stems = lq_track_get_stems (track);

  job->rate = sequence->rate;
  job->file = g_object_ref (lq_track_get_file (track));
  job->stem_files = g_ptr_array_new_with_free_func (g_object_unref);
  job->stem_strips = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (stems); i++)
    {
      g_autoptr(LqStem) stem = g_list_model_get_item (stems, i);
      g_ptr_array_add (job->stem_files, g_object_ref (lq_stem_get_file (stem)));
      g_ptr_array_add (job->stem_strips, copy_element (lq_stem_get_strip (stem)));
    }
  job->chain = copy_chain (lq_track_get_chain (track));
  job->in_point = p->in_point;
  job->length = p->length;
  job->source_frames = p->source_frames;
  job->gain_db = lq_track_get_gain (track) + lq_track_get_match_gain (track);

  /* A crossfade replaces the fade on its side. */
  job->fade_in_start = 0;
  if (p->overlap_in > 0)
    {
      job->fade_in_length = p->overlap_in;
      job->fade_in_curve = lq_track_get_crossfade_curve (track);
    }
  else
    {
      job->fade_in_length = MIN (lq_track_get_fade_in (track), p->length);
      job->fade_in_curve = lq_track_get_fade_in_curve (track);
    }
  if (p->overlap_out > 0 && next != NULL)
    {
      job->fade_out_length = p->overlap_out;
      job->fade_out_curve = lq_track_get_crossfade_curve (next->track);
    }
  else
    {
      job->fade_out_length = MIN (lq_track_get_fade_out (track), p->length);
      job->fade_out_curve = lq_track_get_fade_out_curve (track);
    }
  job->fade_out_start = (gint64) p->length - job->fade_out_length;
  job->name = g_strdup_printf (_("track %u (“%s”)"), p->number,
                               lq_track_get_title (track) ? lq_track_get_title (track) : "");
}

static void
job_clear (TrackJob *job)
{
  g_clear_object (&job->file);
  g_clear_pointer (&job->stem_files, g_ptr_array_unref);
  g_clear_pointer (&job->stem_strips, g_ptr_array_unref);
  g_clear_object (&job->chain);
  g_clear_pointer (&job->name, g_free);
}

/* Copies @frames frames of @channels-channel audio into stereo: mono is doubled, more than two
 * channels keep the first two (front left and right). */
static void
to_stereo (float       *dst,
           const float *src,
           gsize        frames,
           guint        channels)
{
  if (channels == 2)
    memcpy (dst, src, frames * 2 * sizeof (float));
  else
    for (gsize i = 0; i < frames; i++)
      {
        dst[2 * i] = src[i * channels];
        dst[2 * i + 1] = src[i * channels + (channels > 1 ? 1 : 0)];
      }
}

static void
cancel_decoder_cb (GCancellable *cancellable,
                   gpointer      decoder)
{
  lq_decoder_cancel (decoder);
}

/* Decodes @length frames of @file from @in_point at @rate into @out (stereo), padding with
 * silence when the file is shorter than announced. */
static gboolean
decode_region (GFile         *file,
               guint          rate,
               guint64        in_point,
               guint64        length,
               float         *out,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(LqDecoder) decoder = lq_decoder_new (file, rate, error);
  g_autofree float *buf = NULL;
  guint channels;
  guint64 pos = 0, written = 0;
  gulong handler = 0;

  if (decoder == NULL)
    return FALSE;
  channels = lq_decoder_get_channels (decoder);
  buf = g_new (float, (gsize) BLOCK_FRAMES * channels);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_decoder_cb), decoder, NULL);

  while (written < length)
    {
      gssize n = lq_decoder_read (decoder, buf, BLOCK_FRAMES, error);
      guint64 skip, take;

      if (n < 0)
        {
          g_cancellable_disconnect (cancellable, handler);
          return FALSE;
        }
      if (n == 0)
        break;
      skip = pos < in_point ? MIN ((guint64) n, in_point - pos) : 0;
      take = MIN ((guint64) n - skip, length - written);
      to_stereo (out + written * 2, buf + skip * channels, take, channels);
      written += take;
      pos += n;
    }
  g_cancellable_disconnect (cancellable, handler);
  memset (out + written * 2, 0, (length - written) * 2 * sizeof (float));
  return TRUE;
}

/* Runs @len stereo frames of @data in place through @runner and drains it. */
static gboolean
run_in_place (LqChainRunner  *runner,
              float          *data,
              guint64         len,
              GError        **error)
{
  guint64 pushed = 0, got = 0;

  while (pushed < len)
    {
      gsize n = MIN ((guint64) BLOCK_FRAMES, len - pushed);

      if (!lq_chain_runner_push (runner, data + pushed * 2, n, error))
        return FALSE;
      pushed += n;
      /* Output lags input by the latency, so reading never overtakes the pushing. */
      got += lq_chain_runner_read (runner, data + got * 2, len - got);
    }
  if (!lq_chain_runner_finish (runner, error))
    return FALSE;
  got += lq_chain_runner_read (runner, data + got * 2, len - got);
  if (got != len)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("A processing chain returned %" G_GUINT64_FORMAT " frames for %" G_GUINT64_FORMAT),
                   got, len);
      return FALSE;
    }
  return TRUE;
}

static gboolean
render_job (TrackJob      *job,
            float         *out,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(LqChainRunner) runner = NULL;
  g_autoptr(GError) local_error = NULL;
  LqGain *gain;

  if (job->length == 0)
    return TRUE;

  if (job->stem_files->len == 0)
    {
      if (!decode_region (job->file, job->rate, job->in_point, job->length, out, cancellable, &local_error))
        goto fail;
    }
  else
    {
      g_autofree float *stem = g_new (float, job->length * 2);

      memset (out, 0, job->length * 2 * sizeof (float));
      for (guint s = 0; s < job->stem_files->len; s++)
        {
          g_autoptr(LqChainRunner) strip = NULL;

          if (!decode_region (g_ptr_array_index (job->stem_files, s), job->rate, job->in_point,
                              job->length, stem, cancellable, &local_error))
            goto fail;
          strip = lq_chain_runner_new_for_element (g_ptr_array_index (job->stem_strips, s), job->rate, 2, &local_error);
          if (strip == NULL || !run_in_place (strip, stem, job->length, &local_error))
            goto fail;
          for (guint64 i = 0; i < job->length * 2; i++)
            out[i] += stem[i];
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  runner = lq_chain_runner_new (job->chain, job->rate, 2, &local_error);
  if (runner == NULL || !run_in_place (runner, out, job->length, &local_error))
    goto fail;

  gain = lq_gain_new (2, job->rate);
  lq_gain_set_gain_db (gain, job->gain_db);
  lq_gain_snap (gain);
  lq_gain_set_fade_in (gain, job->fade_in_start, job->fade_in_length, job->fade_in_curve);
  lq_gain_set_fade_out (gain, job->fade_out_start, job->fade_out_length, job->fade_out_curve);
  lq_gain_process (gain, out, job->length);
  lq_gain_free (gain);
  return TRUE;

fail:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, local_error->domain, local_error->code, _("Cannot render %s: %s"),
                 job->name, local_error->message);
  return FALSE;
}

/**
 * lq_album_render_track:
 * @out: room for the placement's length x 2 floats
 *
 * Renders one track of @sequence exactly as the album reader does (for analysis and level
 * matching): decoded, trimmed, its chain, gain and fades.
 */
gboolean
lq_album_render_track (LqProject         *project,
                       const LqSequence  *sequence,
                       guint              placement,
                       float             *out,
                       GCancellable      *cancellable,
                       GError           **error)
{
  TrackJob job = { 0 };
  gboolean ok;

  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (placement < sequence->n_placements, FALSE);

  job_init (&job, project, sequence, placement);
  ok = render_job (&job, out, cancellable, error);
  job_clear (&job);
  return ok;
}

static void
worker (gpointer data,
        gpointer user_data)
{
  LqAlbumReader *self = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  Slot *slot = &self->slots[index];
  GError *error = NULL;
  float *out = g_try_new (float, MAX (slot->job.length, 1) * 2);
  gboolean ok;

  if (out == NULL)
    {
      g_set_error (&error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("Not enough memory to render %s"), slot->job.name);
      ok = FALSE;
    }
  else
    ok = render_job (&slot->job, out, self->cancellable, &error);

  g_mutex_lock (&self->lock);
  if (ok)
    {
      slot->data = out;
      slot->state = SLOT_DONE;
    }
  else
    {
      g_free (out);
      slot->error = error;
      slot->state = SLOT_FAILED;
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Index of the first placement that still sounds at @position or later. */
static guint
first_needed (LqAlbumReader *self,
              guint64        position)
{
  guint i = 0;

  while (i < self->sequence->n_placements && self->sequence->placements[i].end <= position)
    i++;
  return i;
}

/* Queues the track at @position and those after it, as many as there are workers; frees
 * tracks behind it when they are not kept. Called with the lock held. */
static void
schedule (LqAlbumReader *self,
          guint64        position)
{
  guint first = first_needed (self, position);
  guint ahead = g_get_num_processors () + 1;

  for (guint i = 0; i < self->sequence->n_placements; i++)
    {
      Slot *slot = &self->slots[i];

      if (i >= first && i < first + ahead && slot->state == SLOT_IDLE)
        {
          slot->state = SLOT_QUEUED;
          g_thread_pool_push (self->pool, GUINT_TO_POINTER (i + 1), NULL);
        }
      else if (i < first && !self->keep_tracks && slot->state == SLOT_DONE)
        {
          g_clear_pointer (&slot->data, g_free);
          slot->state = SLOT_IDLE;
        }
    }
}

/* Sums the tracks that sound in [pos, pos + n) into self->block. */
static gboolean
assemble (LqAlbumReader  *self,
          guint64         pos,
          gsize           n,
          GError        **error)
{
  memset (self->block, 0, n * 2 * sizeof (float));

  g_mutex_lock (&self->lock);
  schedule (self, pos);
  for (guint i = first_needed (self, pos); i < self->sequence->n_placements; i++)
    {
      const LqPlacement *p = &self->sequence->placements[i];
      Slot *slot = &self->slots[i];
      guint64 from, to;

      if (p->start >= pos + n)
        break;
      if (p->length == 0)
        continue;
      if (slot->state == SLOT_IDLE)
        {
          slot->state = SLOT_QUEUED;
          g_thread_pool_push (self->pool, GUINT_TO_POINTER (i + 1), NULL);
        }
      while (slot->state == SLOT_QUEUED)
        g_cond_wait (&self->cond, &self->lock);
      if (slot->state == SLOT_FAILED)
        {
          g_propagate_error (error, g_error_copy (slot->error));
          g_mutex_unlock (&self->lock);
          return FALSE;
        }
      from = MAX (pos, p->start);
      to = MIN (pos + n, p->end);
      for (guint64 f = from; f < to; f++)
        {
          self->block[(f - pos) * 2] += slot->data[(f - p->start) * 2];
          self->block[(f - pos) * 2 + 1] += slot->data[(f - p->start) * 2 + 1];
        }
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/**
 * lq_album_reader_new:
 *
 * Returns: (transfer full) (nullable): a reader positioned at the album's first sample, or
 *   %NULL when the master chain cannot be made
 */
LqAlbumReader *
lq_album_reader_new (LqProject  *project,
                     GError    **error)
{
  LqAlbumReader *self;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  self = g_new0 (LqAlbumReader, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->sequence = lq_sequence_new (project);
  self->slots = g_new0 (Slot, MAX (self->sequence->n_placements, 1));
  for (guint i = 0; i < self->sequence->n_placements; i++)
    job_init (&self->slots[i].job, project, self->sequence, i);
  self->master = copy_chain (lq_project_get_master (project));
  self->cancellable = g_cancellable_new ();
  self->block = g_new (float, BLOCK_FRAMES * 2);
  self->pool = g_thread_pool_new (worker, self, g_get_num_processors (), FALSE, NULL);
  self->runner = lq_chain_runner_new (self->master, self->sequence->rate, 2, error);
  if (self->runner == NULL)
    {
      lq_album_reader_free (self);
      return NULL;
    }
  return self;
}

/**
 * lq_album_reader_get_sequence:
 *
 * Returns: (transfer none): the timeline being read
 */
const LqSequence *
lq_album_reader_get_sequence (LqAlbumReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->sequence;
}

guint64
lq_album_reader_get_length (LqAlbumReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sequence->length;
}

guint64
lq_album_reader_get_position (LqAlbumReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->position;
}

/**
 * lq_album_reader_set_keep_tracks:
 *
 * Keeps rendered tracks in memory after the read position has passed them, so seeking back
 * is immediate (playback). By default they are freed (render).
 */
void
lq_album_reader_set_keep_tracks (LqAlbumReader *self,
                                 gboolean       keep)
{
  g_return_if_fail (self != NULL);
  self->keep_tracks = keep;
}

/**
 * lq_album_reader_read:
 *
 * Reads the next album frames (stereo interleaved float).
 *
 * Returns: the frames read (fewer than @max_frames only at the end), 0 at the end, -1 on
 *   error
 */
gssize
lq_album_reader_read (LqAlbumReader  *self,
                      float          *frames,
                      gsize           max_frames,
                      GCancellable   *cancellable,
                      GError        **error)
{
  gsize got = 0;

  g_return_val_if_fail (self != NULL, -1);

  while (got < max_frames)
    {
      gsize n = lq_chain_runner_read (self->runner, frames + got * 2, max_frames - got);

      got += n;
      if (n > 0)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      if (self->assembled < self->sequence->length)
        {
          gsize len = MIN ((guint64) BLOCK_FRAMES, self->sequence->length - self->assembled);

          if (!assemble (self, self->assembled, len, error)
              || !lq_chain_runner_push (self->runner, self->block, len, error))
            return -1;
          self->assembled += len;
        }
      else if (!self->finished)
        {
          if (!lq_chain_runner_finish (self->runner, error))
            return -1;
          self->finished = TRUE;
        }
      else
        break;
    }
  self->position += got;
  return got;
}

/**
 * lq_album_reader_seek:
 *
 * Moves the read position. The master chain restarts from there (its state is cleared, as on
 * any seek); the tracks' own processing is unaffected: a track is always rendered whole.
 */
gboolean
lq_album_reader_seek (LqAlbumReader  *self,
                      guint64         position,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  position = MIN (position, self->sequence->length);
  lq_chain_runner_reset (self->runner);
  self->assembled = position;
  self->position = position;
  self->finished = FALSE;
  return TRUE;
}

void
lq_album_reader_free (LqAlbumReader *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, TRUE, TRUE);
  for (guint i = 0; i < self->sequence->n_placements; i++)
    {
      job_clear (&self->slots[i].job);
      g_free (self->slots[i].data);
      g_clear_error (&self->slots[i].error);
    }
  g_free (self->slots);
  lq_chain_runner_free (self->runner);
  g_clear_object (&self->master);
  g_clear_object (&self->cancellable);
  lq_sequence_free (self->sequence);
  g_free (self->block);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
