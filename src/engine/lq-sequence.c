/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-sequence"

#include "config.h"

#include "lq-sequence.h"

static guint64
round_up (guint64 value,
          guint64 multiple)
{
  return (value + multiple - 1) / multiple * multiple;
}

/**
 * lq_sequence_new:
 *
 * Returns: (transfer full): the timeline of @project as it is now
 */
LqSequence *
lq_sequence_new (LqProject *project)
{
  LqSequence *self;
  guint n_tracks;
  gboolean cd = lq_project_get_cd_mode (project);
  guint64 frame = cd ? LQ_CD_FRAME_FRAMES : 1;
  guint64 end = 0;
  LqPlacement *prev = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  n_tracks = lq_project_get_n_tracks (project);
  self = g_new0 (LqSequence, 1);
  self->rate = lq_project_get_rate (project);
  self->placements = g_new0 (LqPlacement, MAX (n_tracks, 1));

  for (guint i = 0; i < n_tracks; i++)
    {
      LqTrack *track = lq_project_get_track (project, i);
      LqPlacement *p;
      guint64 out, in;

      if (lq_track_get_hidden (track))
        continue;
      p = &self->placements[self->n_placements++];
      p->track = track;
      p->index = i;
      p->number = self->n_placements;
      p->source_frames = lq_project_get_track_frames (project, track);
      in = MIN (lq_track_get_in_point (track), p->source_frames);
      out = lq_track_get_out_point (track) ? MIN (lq_track_get_out_point (track), p->source_frames)
                                           : p->source_frames;
      p->in_point = in;
      p->length = out > in ? out - in : 0;

      if (prev == NULL)
        {
          guint64 pause = lq_track_get_pause (track);

          if (cd)
            pause = MAX (pause, 2 * (guint64) self->rate);
          p->pause_start = 0;
          p->start = round_up (pause, frame);
        }
      else if (lq_track_get_crossfade (track) > 0)
        {
          guint64 overlap = MIN (lq_track_get_crossfade (track), MIN (prev->length, p->length));

          p->start = round_up (end - overlap, frame);
          p->pause_start = MIN (p->start, end);
          if (p->start < end)
            {
              p->overlap_in = end - p->start;
              prev->overlap_out = p->overlap_in;
            }
        }
      else
        {
          p->pause_start = end;
          p->start = round_up (end + lq_track_get_pause (track), frame);
        }
      p->end = p->start + p->length;
      end = MAX (end, p->end);
      prev = p;
    }
  self->length = round_up (end, frame);
  return self;
}

void
lq_sequence_free (LqSequence *self)
{
  if (self == NULL)
    return;
  g_free (self->placements);
  g_free (self);
}
