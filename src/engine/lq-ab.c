/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-ab"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lq-ab.h"
#include "lq-album-reader.h"
#include "lq-gst-loudness.h"

/* Frames read from each side per step of lq_ab_read() */
#define BLOCK 4096

struct _LqAb
{
  LqAlbumReader *reader[2];  /* [LQ_AB_PROCESSED], [LQ_AB_UNPROCESSED], read in lockstep */
  LqProject *project;        /* the project (a ref); the unprocessed side bypasses its chains */
  LqAlbumReaderFlags flags;  /* the readers' flags (LIVE or not) */
  float *buf[2];             /* BLOCK stereo frames read from each side */
  guint rate;                /* album rate */
  LqAbSide side;             /* the side heard (or being faded to) */
  double gain[2];            /* linear gain of each side now */
  double step[2];            /* per-frame change of gain[] while ramping */
  guint64 ramp_left;         /* frames left in the current crossfade */
  guint64 ramp_frames;       /* length of a crossfade */
  gboolean match;            /* loudness matching on */
  double loudness[2];        /* integrated loudness of each side, LUFS; NAN until known */
};

static double
match_linear (LqAb     *self,
              LqAbSide  side)
{
  double diff = self->loudness[LQ_AB_PROCESSED] - self->loudness[LQ_AB_UNPROCESSED];

  if (!self->match || !isfinite (diff))
    return 1.0;
  /* The louder side comes down to the quieter one */
  if (side == LQ_AB_PROCESSED && diff > 0)
    return pow (10.0, -diff / 20.0);
  if (side == LQ_AB_UNPROCESSED && diff < 0)
    return pow (10.0, diff / 20.0);
  return 1.0;
}

/* Starts a ramp of both sides' gains to their targets (or jumps when @immediate). */
static void
retarget (LqAb     *self,
          gboolean  immediate)
{
  for (int s = 0; s < 2; s++)
    {
      double target = (LqAbSide) s == self->side ? match_linear (self, s) : 0.0;

      if (immediate)
        {
          self->gain[s] = target;
          self->step[s] = 0.0;
        }
      else
        self->step[s] = (target - self->gain[s]) / self->ramp_frames;
    }
  self->ramp_left = immediate ? 0 : self->ramp_frames;
}

static void
bypass_chain (LqChain *chain)
{
  for (guint i = 0; chain != NULL && i < lq_chain_get_n_elements (chain); i++)
    lq_chain_element_set_bypass (lq_chain_get_element (chain, i), TRUE);
}

/**
 * lq_ab_copy_unprocessed:
 *
 * Returns: (transfer full): a copy of @project (through its project file format) with every
 * track's chain and the master chain bypassed
 */
LqProject *
lq_ab_copy_unprocessed (LqProject  *project,
                        GError    **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GFile) file = NULL;
  LqProject *copy;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  dir = g_dir_make_tmp ("lq-ab-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "unprocessed.lacquer", NULL);
  file = g_file_new_for_path (path);
  /* Source paths are written relative to the copy's folder and read back from there */
  json = lq_project_to_json (project, file);
  if (!g_file_set_contents (path, json, -1, error))
    {
      g_rmdir (dir);
      return NULL;
    }
  copy = lq_project_load (file, NULL, error);
  g_unlink (path);
  g_rmdir (dir);
  if (copy == NULL)
    return NULL;
  for (guint i = 0; i < lq_project_get_n_tracks (copy); i++)
    {
      bypass_chain (lq_track_get_chain (lq_project_get_track (copy, i)));
    }
  bypass_chain (lq_project_get_master (copy));
  return copy;
}

LqAb *
lq_ab_new (LqProject  *project,
           GError    **error)
{
  return lq_ab_new_full (project, 0, error);
}

/**
 * lq_ab_new_full:
 * @flags: the readers' flags: %LQ_ALBUM_READER_LIVE for playback with live edits
 *   (lq_ab_sync()); %LQ_ALBUM_READER_BYPASS is added for the unprocessed side
 */
LqAb *
lq_ab_new_full (LqProject           *project,
                LqAlbumReaderFlags   flags,
                GError             **error)
{
  g_autoptr(LqAb) self = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  self = g_new0 (LqAb, 1);
  self->project = g_object_ref (project);
  self->flags = flags & ~LQ_ALBUM_READER_BYPASS;
  for (int s = 0; s < 2; s++)
    {
      self->reader[s] = lq_album_reader_new_full (project, self->flags | (s == LQ_AB_UNPROCESSED ? LQ_ALBUM_READER_BYPASS : 0),
                                                  error);
      if (self->reader[s] == NULL)
        return NULL;
      self->buf[s] = g_new (float, 2 * BLOCK);
    }
  self->rate = lq_project_get_rate (project);
  if (self->rate == 0)
    self->rate = 44100;
  self->ramp_frames = MAX ((guint64) (LQ_AB_CROSSFADE_MS * self->rate / 1000.0), 1);
  self->side = LQ_AB_PROCESSED;
  self->match = TRUE;
  self->loudness[0] = self->loudness[1] = NAN;
  retarget (self, TRUE);
  return g_steal_pointer (&self);
}

/**
 * lq_ab_sync:
 *
 * Applies @project's parameter edits to both sides (see lq_album_reader_sync()); call it from
 * the main thread, whatever thread reads.
 *
 * Returns: %FALSE when the structure changed and a new LqAb is needed
 */
gboolean
lq_ab_sync (LqAb      *self,
            LqProject *project)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* The unprocessed side only follows gains: check it first, it cannot refuse alone */
  return lq_album_reader_sync (self->reader[LQ_AB_UNPROCESSED], project)
         && lq_album_reader_sync (self->reader[LQ_AB_PROCESSED], project);
}

void
lq_ab_free (LqAb *self)
{
  if (self == NULL)
    return;
  for (int s = 0; s < 2; s++)
    {
      g_clear_pointer (&self->reader[s], lq_album_reader_free);
      g_free (self->buf[s]);
    }
  g_clear_object (&self->project);
  g_free (self);
}

guint64
lq_ab_get_length (LqAb *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return lq_album_reader_get_length (self->reader[0]);
}

guint64
lq_ab_get_position (LqAb *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return lq_album_reader_get_position (self->reader[0]);
}

/* Both sides move to @position; a crossfade under way ends there (the side switched to is
 * heard at once). */
gboolean
lq_ab_seek (LqAb     *self,
            guint64   position,
            GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (int s = 0; s < 2; s++)
    if (!lq_album_reader_seek (self->reader[s], position, error))
      return FALSE;
  retarget (self, TRUE);
  return TRUE;
}

/**
 * lq_ab_read:
 *
 * Reads both sides for the same frames and mixes them by their gains (one side, or a
 * crossfade between them).
 *
 * Returns: frames read, 0 at the end, -1 on error
 */
gssize
lq_ab_read (LqAb          *self,
            float         *frames,
            gsize          max_frames,
            GCancellable  *cancellable,
            GError       **error)
{
  return lq_ab_read_full (self, frames, NULL, max_frames, cancellable, error);
}

/**
 * lq_ab_read_full:
 * @unprocessed: (nullable): room for @max_frames stereo frames: the unprocessed side of the
 *   same frames, as it is (no match gain, whatever side is heard)
 *
 * lq_ab_read() that also returns the unprocessed signal (for a source spectrum).
 */
gssize
lq_ab_read_full (LqAb          *self,
                 float         *frames,
                 float         *unprocessed,
                 gsize          max_frames,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gsize done = 0;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (frames != NULL || max_frames == 0, -1);

  while (done < max_frames)
    {
      gsize want = MIN (max_frames - done, BLOCK);
      gssize got[2];
      gsize n;
      float *out = frames + 2 * done;

      for (int s = 0; s < 2; s++)
        {
          got[s] = lq_album_reader_read (self->reader[s], self->buf[s], want, cancellable, error);
          if (got[s] < 0)
            return -1;
        }
      if (got[0] != got[1])
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "A/B sides out of step: %" G_GSSIZE_FORMAT " and %" G_GSSIZE_FORMAT " frames",
                       got[0], got[1]);
          return -1;
        }
      n = got[0];
      if (n == 0)
        break;
      if (unprocessed != NULL)
        memcpy (unprocessed + 2 * done, self->buf[1], n * 2 * sizeof (float));
      for (gsize i = 0; i < n; i++)
        {
          float ga = (float) self->gain[0], gb = (float) self->gain[1];

          out[2 * i] = ga * self->buf[0][2 * i] + gb * self->buf[1][2 * i];
          out[2 * i + 1] = ga * self->buf[0][2 * i + 1] + gb * self->buf[1][2 * i + 1];
          if (self->ramp_left > 0)
            {
              self->gain[0] += self->step[0];
              self->gain[1] += self->step[1];
              if (--self->ramp_left == 0)
                retarget (self, TRUE); /* land exactly on the targets */
            }
        }
      done += n;
      if (n < want)
        break;
    }
  return done;
}

/* Switches to @side with a crossfade starting at the next frame read. */
void
lq_ab_set_side (LqAb     *self,
                LqAbSide  side)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (side == LQ_AB_PROCESSED || side == LQ_AB_UNPROCESSED);

  if (side == self->side)
    return;
  self->side = side;
  retarget (self, FALSE);
}

LqAbSide
lq_ab_get_side (LqAb *self)
{
  g_return_val_if_fail (self != NULL, LQ_AB_PROCESSED);
  return self->side;
}

gboolean
lq_ab_is_switching (LqAb *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->ramp_left > 0;
}

/**
 * lq_ab_measure_reader:
 * @true_peak: (out) (optional): the highest true peak of any channel, dBTP
 *
 * Reads @reader to its end and measures its integrated loudness (BS.1770 gated).
 *
 * Returns: LUFS (-HUGE_VAL for silence), NAN on error
 */
double
lq_ab_measure_reader (LqAlbumReader  *reader,
                      guint           rate,
                      double         *true_peak,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(LqLoudnessMeter) meter = NULL;
  g_autofree float *buf = NULL;
  LqLoudnessValues values;
  gssize n;

  meter = lq_loudness_meter_new (2, rate, LQ_TRUEPEAK_FILTER_PRECISE);
  buf = g_new (float, 2 * BLOCK);
  while ((n = lq_album_reader_read (reader, buf, BLOCK, cancellable, error)) > 0)
    lq_loudness_meter_add (meter, buf, n);
  if (n < 0)
    return NAN;
  lq_loudness_meter_get (meter, &values, FALSE);
  if (true_peak != NULL)
    *true_peak = 20.0 * log10 (MAX (MAX (values.true_peak[0], values.true_peak[1]), 1e-10));
  return values.integrated;
}

/**
 * lq_ab_measure:
 *
 * Measures both sides' integrated loudness (the whole album, BS.1770 gated) for the match.
 * Blocking: it renders the album twice; call it from a worker thread.
 */
gboolean
lq_ab_measure (LqAb          *self,
               GCancellable  *cancellable,
               GError       **error)
{
  double l[2];

  g_return_val_if_fail (self != NULL, FALSE);

  for (int s = 0; s < 2; s++)
    {
      g_autoptr(LqAlbumReader) reader =
        lq_album_reader_new_full (self->project, s == LQ_AB_UNPROCESSED ? LQ_ALBUM_READER_BYPASS : 0, error);

      if (reader == NULL)
        return FALSE;
      l[s] = lq_ab_measure_reader (reader, self->rate, NULL, cancellable, error);
      if (isnan (l[s]))
        return FALSE;
    }
  lq_ab_set_loudness (self, l[0], l[1]);
  return TRUE;
}

/* The sides' integrated loudness when known otherwise (the analyzer's figures), LUFS. */
void
lq_ab_set_loudness (LqAb   *self,
                    double  processed_lufs,
                    double  unprocessed_lufs)
{
  g_return_if_fail (self != NULL);

  self->loudness[LQ_AB_PROCESSED] = processed_lufs;
  self->loudness[LQ_AB_UNPROCESSED] = unprocessed_lufs;
  retarget (self, FALSE);
}

void
lq_ab_set_match (LqAb     *self,
                 gboolean  match)
{
  g_return_if_fail (self != NULL);

  self->match = !!match;
  retarget (self, FALSE);
}

gboolean
lq_ab_get_match (LqAb *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->match;
}

/* Returns: processed minus unprocessed integrated loudness, dB (NAN until measured) */
double
lq_ab_get_match_gain (LqAb *self)
{
  g_return_val_if_fail (self != NULL, NAN);
  return self->loudness[LQ_AB_PROCESSED] - self->loudness[LQ_AB_UNPROCESSED];
}

/* Returns: the gain @side is played with when heard, dB (0 without matching) */
double
lq_ab_get_side_gain (LqAb     *self,
                     LqAbSide  side)
{
  g_return_val_if_fail (self != NULL, NAN);
  return 20.0 * log10 (match_linear (self, side));
}
