/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-album-reader"

#include "config.h"

#include <string.h>
#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#endif

#include <glib/gi18n-lib.h>

#include "lq-album-reader.h"
#include "lq-chain-runner.h"
#include "lq-decoder.h"
#include "lq-engine-error.h"
#include "lq-gain.h"

#define BLOCK_FRAMES 65536
/* Live mode: frames pushed into a track's chain at a time (an edit is heard this late at most,
 * plus the chain's latency) */
#define LIVE_CHUNK 1024
/* Live mode: frames a track's chain runs before a position reached by a seek, so that
 * compressors and limiters have settled when the audio is heard */
#define LIVE_PREROLL_MS 500

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

/* Live mode: a track's chain and gain running in the reading thread */
typedef struct
{
  LqChainRunner *runner;  /* the track's chain, NULL when not running */
  LqGain *gain;           /* gain and fades, positioned in track frames */
  guint64 fed;            /* track frames pushed into the runner */
  guint64 done;           /* track frames taken out of the runner, through the gain */
  float *chunk;           /* LQ_GAIN_ANCHOR stereo frames: the output [chunk_start, done) */
  guint64 chunk_start;    /* track frame of chunk[0] */
  guint64 out;            /* the next track frame the assembly takes */
  gboolean started;       /* out is meaningful (the track is being played or was played) */
} Live;

typedef struct
{
  TrackJob job;
  SlotState state;  /* under the reader's lock */
  float *data;      /* length x 2 frames once done (before the chain in live mode) */
  GError *error;    /* once failed */
  Live live;        /* live mode only, reading thread only */
  LqChain *synced;         /* main thread: the chain settings last handed over by sync */
  double synced_gain_db;   /* main thread: the gain last handed over by sync */
  LqChain *pending_chain;  /* settings to apply to job.chain (under the lock), or NULL */
  double pending_gain_db;  /* the gain to apply with pending_chain */
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
  LqAlbumReaderFlags flags; /* live, bypass */
  LqChain *synced_master;   /* main thread: the master settings last handed over by sync */
  LqChain *pending_master;  /* master settings to apply (under the lock), or NULL */
  gboolean pending;         /* some pending_* is set (under the lock) */
  guint64 preroll;          /* live mode: LIVE_PREROLL_MS in frames */
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
          guint             index,
          gboolean          bypass)
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
  /* Bypassed: no elements at all. Lacquer's elements are latency-compensated, and bypassed
   * they pass the dry signal: an empty chain gives the same audio at no cost */
  job->chain = bypass ? lq_chain_new () : copy_chain (lq_track_get_chain (track));
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

/* Renders @job into @out: the source (or stem mix) and, unless @source_only, the chain, gain
 * and fades. */
static gboolean
render_job (TrackJob      *job,
            float         *out,
            gboolean       source_only,
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
  if (source_only)
    return TRUE;

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

  job_init (&job, project, sequence, placement, FALSE);
  ok = render_job (&job, out, FALSE, cancellable, error);
  job_clear (&job);
  return ok;
}

/**
 * lq_thread_lower_priority:
 *
 * Gives the calling thread the lowest CPU priority (nice 19; on Linux a thread's own). For
 * threads that are the caller's alone: an unprivileged thread cannot take it back.
 */
void
lq_thread_lower_priority (void)
{
#ifdef __linux__
  if (setpriority (PRIO_PROCESS, 0, 19) != 0)
    g_debug ("Cannot lower the priority of a background thread: %s", g_strerror (errno));
#endif
}

static void
worker (gpointer data,
        gpointer user_data)
{
  LqAlbumReader *self = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  Slot *slot = &self->slots[index];
  GError *error = NULL;
  float *out;
  gboolean ok;

  /* The pool's threads are this reader's own (see lq_album_reader_new_full()). */
  if (self->flags & LQ_ALBUM_READER_BACKGROUND)
    lq_thread_lower_priority ();
  out = g_try_new (float, MAX (slot->job.length, 1) * 2);
  if (out == NULL)
    {
      g_set_error (&error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("Not enough memory to render %s"), slot->job.name);
      ok = FALSE;
    }
  else
    ok = render_job (&slot->job, out, (self->flags & LQ_ALBUM_READER_LIVE) != 0, self->cancellable, &error);

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

/* Live mode: stops a track's running chain; the next frames it plays start it again. */
static void
live_stop (Live *live)
{
  g_clear_pointer (&live->runner, lq_chain_runner_free);
  g_clear_pointer (&live->gain, lq_gain_free);
  g_clear_pointer (&live->chunk, g_free);
  live->started = FALSE;
}

/* Live mode: the next LQ_GAIN_ANCHOR frames (fewer at the end) of the track out of its chain
 * and through its gain, into live->chunk. The gain runs on whole anchor chunks aligned to the
 * track's start, as in a render of the whole track, so the result is the same to the bit. */
static gboolean
live_next_chunk (Slot    *slot,
                 GError **error)
{
  Live *live = &slot->live;
  TrackJob *job = &slot->job;
  gsize len = MIN ((guint64) LQ_GAIN_ANCHOR, job->length - live->done);
  gsize got = 0;

  while (got < len)
    {
      if (lq_chain_runner_available (live->runner) == 0)
        {
          if (live->fed < job->length)
            {
              gsize chunk = MIN ((guint64) LIVE_CHUNK, job->length - live->fed);

              if (!lq_chain_runner_push (live->runner, slot->data + live->fed * 2, chunk, error))
                return FALSE;
              live->fed += chunk;
            }
          else
            {
              if (!lq_chain_runner_finish (live->runner, error))
                return FALSE;
              if (lq_chain_runner_available (live->runner) == 0)
                {
                  g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                               _("A processing chain returned %" G_GUINT64_FORMAT " frames for %" G_GUINT64_FORMAT),
                               live->done + got, job->length);
                  return FALSE;
                }
            }
          continue;
        }
      got += lq_chain_runner_read (live->runner, live->chunk + got * 2, len - got);
    }
  lq_gain_process (live->gain, live->chunk, len);
  live->chunk_start = live->done;
  live->done += len;
  return TRUE;
}

/* Live mode: adds the track frames [@a, @b) of @slot, processed by its chain, gain and fades
 * in this thread, into @dst. A track is started (or restarted after a seek) about
 * LIVE_PREROLL_MS before @a, or at its first frame, so its dynamics have settled when it is
 * heard; played from its start, the result is the same as rendering the track whole. */
static gboolean
live_track (LqAlbumReader  *self,
            Slot           *slot,
            guint64         a,
            guint64         b,
            float          *dst,
            GError        **error)
{
  Live *live = &slot->live;
  TrackJob *job = &slot->job;

  if (!live->started || live->out != a)
    {
      guint64 from = a > self->preroll ? a - self->preroll : 0;

      from -= from % LQ_GAIN_ANCHOR;
      live_stop (live);
      live->runner = lq_chain_runner_new (job->chain, job->rate, 2, error);
      if (live->runner == NULL)
        return FALSE;
      live->gain = lq_gain_new (2, job->rate);
      lq_gain_set_gain_db (live->gain, job->gain_db);
      lq_gain_snap (live->gain);
      lq_gain_set_fade_in (live->gain, job->fade_in_start, job->fade_in_length, job->fade_in_curve);
      lq_gain_set_fade_out (live->gain, job->fade_out_start, job->fade_out_length, job->fade_out_curve);
      lq_gain_set_position (live->gain, from);
      live->chunk = g_new (float, LQ_GAIN_ANCHOR * 2);
      live->fed = live->done = live->chunk_start = live->out = from;
      live->started = TRUE;
    }

  while (live->out < b)
    {
      guint64 until;

      if (live->out >= live->done && !live_next_chunk (slot, error))
        return FALSE;
      /* Pre-roll frames (before @a) are processed and dropped */
      until = MIN (live->done, live->out < a ? a : b);
      if (live->out >= a)
        {
          const float *src = live->chunk + (live->out - live->chunk_start) * 2;
          float *d = dst + (live->out - a) * 2;

          for (gsize i = 0; i < 2 * (until - live->out); i++)
            d[i] += src[i];
        }
      live->out = until;
    }
  if (live->out >= job->length)
    {
      /* The track has played out: free its elements, remember where it stands */
      g_clear_pointer (&live->runner, lq_chain_runner_free);
      g_clear_pointer (&live->gain, lq_gain_free);
      g_clear_pointer (&live->chunk, g_free);
    }
  return TRUE;
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
      if (self->flags & LQ_ALBUM_READER_LIVE)
        {
          gboolean ok;

          /* The track's data stays put once done: process it without holding the lock */
          g_mutex_unlock (&self->lock);
          ok = live_track (self, slot, from - p->start, to - p->start, self->block + (from - pos) * 2, error);
          g_mutex_lock (&self->lock);
          if (!ok)
            {
              g_mutex_unlock (&self->lock);
              return FALSE;
            }
          continue;
        }
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
  return lq_album_reader_new_full (project, 0, error);
}

/**
 * lq_album_reader_new_full:
 * @flags: %LQ_ALBUM_READER_LIVE for playback with live edits, %LQ_ALBUM_READER_BYPASS for the
 *   unprocessed album, %LQ_ALBUM_READER_BACKGROUND for a job at the lowest priority
 *
 * Returns: (transfer full) (nullable): a reader positioned at the album's first sample, or
 *   %NULL when the master chain cannot be made
 */
LqAlbumReader *
lq_album_reader_new_full (LqProject           *project,
                          LqAlbumReaderFlags   flags,
                          GError             **error)
{
  LqAlbumReader *self;
  gboolean bypass = (flags & LQ_ALBUM_READER_BYPASS) != 0;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  self = g_new0 (LqAlbumReader, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->flags = flags;
  self->sequence = lq_sequence_new (project);
  self->slots = g_new0 (Slot, MAX (self->sequence->n_placements, 1));
  for (guint i = 0; i < self->sequence->n_placements; i++)
    {
      job_init (&self->slots[i].job, project, self->sequence, i, bypass);
      self->slots[i].synced = copy_chain (self->slots[i].job.chain);
      self->slots[i].synced_gain_db = self->slots[i].job.gain_db;
    }
  self->master = bypass ? lq_chain_new () : copy_chain (lq_project_get_master (project));
  self->synced_master = copy_chain (self->master);
  self->cancellable = g_cancellable_new ();
  self->block = g_new (float, BLOCK_FRAMES * 2);
  self->preroll = (guint64) self->sequence->rate * LIVE_PREROLL_MS / 1000;
  /* Live playback keeps the decoded tracks: seeking back is immediate */
  self->keep_tracks = (flags & LQ_ALBUM_READER_LIVE) != 0;
  self->pool = g_thread_pool_new (worker, self, g_get_num_processors (),
                                  (flags & LQ_ALBUM_READER_BACKGROUND) != 0, NULL);
  self->runner = lq_chain_runner_new (self->master, self->sequence->rate, 2, error);
  if (self->runner == NULL)
    {
      lq_album_reader_free (self);
      return NULL;
    }
  return self;
}

/* TRUE when @new_chain can be applied to elements made from @old: the same elements in the
 * same order, the same number of bands, no setting gone back to its default */
static gboolean
chain_compatible (LqChain *old,
                  LqChain *new_chain)
{
  if (lq_chain_get_n_elements (old) != lq_chain_get_n_elements (new_chain))
    return FALSE;
  for (guint i = 0; i < lq_chain_get_n_elements (old); i++)
    {
      LqChainElement *a = lq_chain_get_element (old, i);
      LqChainElement *b = lq_chain_get_element (new_chain, i);
      g_auto(GStrv) names = NULL;

      if (g_strcmp0 (lq_chain_element_get_factory (a), lq_chain_element_get_factory (b)) != 0)
        return FALSE;
      names = lq_chain_element_list_properties (a);
      for (guint k = 0; names[k] != NULL; k++)
        {
          const char *vb = lq_chain_element_get (b, names[k]);

          if (vb == NULL)
            return FALSE;
          if ((g_str_equal (names[k], "num-bands") || g_str_has_suffix (names[k], "-num-bands"))
              && g_strcmp0 (lq_chain_element_get (a, names[k]), vb) != 0)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
element_equal (LqChainElement *a,
               LqChainElement *b)
{
  g_auto(GStrv) na = lq_chain_element_list_properties (a);
  g_auto(GStrv) nb = lq_chain_element_list_properties (b);

  if (g_strcmp0 (lq_chain_element_get_factory (a), lq_chain_element_get_factory (b)) != 0
      || lq_chain_element_get_bypass (a) != lq_chain_element_get_bypass (b)
      || g_strv_length (na) != g_strv_length (nb))
    return FALSE;
  for (guint k = 0; na[k] != NULL; k++)
    if (g_strcmp0 (lq_chain_element_get (a, na[k]), lq_chain_element_get (b, na[k])) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
chain_equal (LqChain *a,
             LqChain *b)
{
  if (lq_chain_get_n_elements (a) != lq_chain_get_n_elements (b))
    return FALSE;
  for (guint i = 0; i < lq_chain_get_n_elements (a); i++)
    if (!element_equal (lq_chain_get_element (a, i), lq_chain_get_element (b, i)))
      return FALSE;
  return TRUE;
}

/* TRUE when @b places and renders the same audio as @a up to chain settings and gain */
static gboolean
job_same_structure (const TrackJob *a,
                    const TrackJob *b)
{
  if (!g_file_equal (a->file, b->file)
      || a->stem_files->len != b->stem_files->len
      || a->in_point != b->in_point || a->length != b->length || a->source_frames != b->source_frames
      || a->fade_in_start != b->fade_in_start || a->fade_in_length != b->fade_in_length
      || a->fade_in_curve != b->fade_in_curve
      || a->fade_out_start != b->fade_out_start || a->fade_out_length != b->fade_out_length
      || a->fade_out_curve != b->fade_out_curve)
    return FALSE;
  for (guint i = 0; i < a->stem_files->len; i++)
    if (!g_file_equal (g_ptr_array_index (a->stem_files, i), g_ptr_array_index (b->stem_files, i))
        || !element_equal (g_ptr_array_index (a->stem_strips, i), g_ptr_array_index (b->stem_strips, i)))
      return FALSE;
  return TRUE;
}

/* Copies @src's settings into @dst (chain_compatible() holds) */
static void
copy_settings (LqChain *dst,
               LqChain *src)
{
  for (guint i = 0; i < lq_chain_get_n_elements (src); i++)
    {
      LqChainElement *a = lq_chain_get_element (dst, i);
      LqChainElement *b = lq_chain_get_element (src, i);
      g_auto(GStrv) names = lq_chain_element_list_properties (b);

      for (guint k = 0; names[k] != NULL; k++)
        lq_chain_element_set (a, names[k], lq_chain_element_get (b, names[k]));
      lq_chain_element_set_bypass (a, lq_chain_element_get_bypass (b));
    }
}

/**
 * lq_album_reader_sync:
 * @project: the project the reader was made from, as it is now
 *
 * Applies @project's parameter edits (element settings and bypass in the track and master
 * chains, track gains and match gains) to the running reader, in the main thread: they take
 * effect in the reading thread at its next read, smoothly (the elements and the gain ramp
 * their parameters). In a reader that is not %LQ_ALBUM_READER_LIVE only the master chain can
 * change this way (tracks are rendered whole, ahead).
 *
 * Returns: %FALSE (and nothing applied) when the structure changed: tracks, trims, pauses,
 *   crossfades, fades, stems, or elements added, removed, reordered or reset; a new reader is
 *   needed then
 */
gboolean
lq_album_reader_sync (LqAlbumReader *self,
                      LqProject     *project)
{
  g_autoptr(LqSequence) sequence = NULL;
  g_autoptr(LqChain) master = NULL;
  gboolean bypass = (self->flags & LQ_ALBUM_READER_BYPASS) != 0;
  gboolean live = (self->flags & LQ_ALBUM_READER_LIVE) != 0;
  gboolean ok = TRUE;
  TrackJob *jobs;
  guint n;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);

  sequence = lq_sequence_new (project);
  n = sequence->n_placements;
  if (n != self->sequence->n_placements || sequence->length != self->sequence->length
      || sequence->rate != self->sequence->rate)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const LqPlacement *a = &self->sequence->placements[i], *b = &sequence->placements[i];

      if (a->start != b->start || a->end != b->end || a->in_point != b->in_point
          || a->overlap_in != b->overlap_in || a->overlap_out != b->overlap_out)
        return FALSE;
    }
  master = bypass ? lq_chain_new () : copy_chain (lq_project_get_master (project));
  if (!chain_compatible (self->synced_master, master))
    return FALSE;

  jobs = g_new0 (TrackJob, MAX (n, 1));
  for (guint i = 0; i < n && ok; i++)
    {
      Slot *slot = &self->slots[i];

      job_init (&jobs[i], project, sequence, i, bypass);
      ok = job_same_structure (&slot->job, &jobs[i]) && chain_compatible (slot->synced, jobs[i].chain);
      if (ok && !live)
        ok = chain_equal (slot->synced, jobs[i].chain) && slot->synced_gain_db == jobs[i].gain_db;
    }
  if (ok)
    {
      g_mutex_lock (&self->lock);
      for (guint i = 0; i < n; i++)
        {
          Slot *slot = &self->slots[i];

          if (chain_equal (slot->synced, jobs[i].chain) && slot->synced_gain_db == jobs[i].gain_db)
            continue;
          g_set_object (&slot->synced, jobs[i].chain);
          slot->synced_gain_db = jobs[i].gain_db;
          g_clear_object (&slot->pending_chain);
          slot->pending_chain = copy_chain (jobs[i].chain);
          slot->pending_gain_db = jobs[i].gain_db;
          self->pending = TRUE;
        }
      if (!chain_equal (self->synced_master, master))
        {
          g_set_object (&self->synced_master, master);
          g_clear_object (&self->pending_master);
          self->pending_master = copy_chain (master);
          self->pending = TRUE;
        }
      g_mutex_unlock (&self->lock);
    }
  for (guint i = 0; i < n; i++)
    job_clear (&jobs[i]);
  g_free (jobs);
  return ok;
}

/* Reading thread: applies what lq_album_reader_sync() left. */
static void
apply_pending (LqAlbumReader *self)
{
  g_mutex_lock (&self->lock);
  if (!self->pending)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  for (guint i = 0; i < self->sequence->n_placements; i++)
    {
      Slot *slot = &self->slots[i];

      if (slot->pending_chain == NULL)
        continue;
      copy_settings (slot->job.chain, slot->pending_chain);
      slot->job.gain_db = slot->pending_gain_db;
      g_clear_object (&slot->pending_chain);
      if (slot->live.runner != NULL && !lq_chain_runner_sync (slot->live.runner, NULL))
        g_warning ("Live settings could not be applied to %s", slot->job.name);
      if (slot->live.gain != NULL)
        lq_gain_set_gain_db (slot->live.gain, slot->job.gain_db);
    }
  if (self->pending_master != NULL)
    {
      copy_settings (self->master, self->pending_master);
      g_clear_object (&self->pending_master);
      if (!lq_chain_runner_sync (self->runner, NULL))
        g_warning ("Live settings could not be applied to the master chain");
    }
  self->pending = FALSE;
  g_mutex_unlock (&self->lock);
}

/**
 * lq_album_reader_is_ready:
 *
 * Returns: %TRUE when the tracks that sound at the read position are rendered (or decoded,
 *   in live mode), so that a read will not wait for a worker; when not, they are queued
 */
gboolean
lq_album_reader_is_ready (LqAlbumReader *self)
{
  gboolean ready = TRUE;
  guint64 pos;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->lock);
  pos = self->assembled;
  schedule (self, pos);
  for (guint i = first_needed (self, pos); i < self->sequence->n_placements; i++)
    {
      const LqPlacement *p = &self->sequence->placements[i];

      if (p->start >= pos + BLOCK_FRAMES)
        break;
      if (p->length > 0 && self->slots[i].state != SLOT_DONE && self->slots[i].state != SLOT_FAILED)
        ready = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return ready;
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

  apply_pending (self);
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
          /* Live: small steps, so that edits are heard soon */
          gsize step = (self->flags & LQ_ALBUM_READER_LIVE) ? LIVE_CHUNK : BLOCK_FRAMES;
          gsize len = MIN ((guint64) step, self->sequence->length - self->assembled);

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
  for (guint i = 0; i < self->sequence->n_placements; i++)
    live_stop (&self->slots[i].live);
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
      live_stop (&self->slots[i].live);
      g_clear_object (&self->slots[i].synced);
      g_clear_object (&self->slots[i].pending_chain);
      g_free (self->slots[i].data);
      g_clear_error (&self->slots[i].error);
    }
  g_free (self->slots);
  lq_chain_runner_free (self->runner);
  g_clear_object (&self->master);
  g_clear_object (&self->synced_master);
  g_clear_object (&self->pending_master);
  g_clear_object (&self->cancellable);
  lq_sequence_free (self->sequence);
  g_free (self->block);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
