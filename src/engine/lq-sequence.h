/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lq-project.h"

G_BEGIN_DECLS

/*
 * The album timeline computed from the project: where every track starts and ends, in
 * samples at the album rate. Rules:
 *
 * - A track's length is its source length at the album rate, trimmed: from in-point to
 *   out-point (0 = the end).
 * - The first track starts after its pause (in CD mode at least 2 s: the disc's pre-gap).
 * - A later track with a crossfade starts that many samples before the previous track ends
 *   (the overlap is capped to both tracks' lengths); otherwise it starts after its pause.
 * - In CD mode every start is rounded up to a CD frame (588 samples), and the album length too.
 * - Hidden tracks take no time and are not played.
 */
typedef struct
{
  LqTrack *track;         /* borrowed from the project */
  guint index;            /* position in the project's track list */
  guint number;           /* 1-based number on the album (hidden tracks skipped) */
  guint64 source_frames;  /* source length at the album rate */
  guint64 in_point;       /* first source sample used */
  guint64 length;         /* samples used from the source */
  guint64 pause_start;    /* where this track's pause (index 00) begins */
  guint64 start;          /* index 01: the first sample of the track on the album */
  guint64 end;            /* start + length */
  guint64 overlap_in;     /* samples shared with the previous track (crossfade in) */
  guint64 overlap_out;    /* samples shared with the next track (crossfade out) */
} LqPlacement;

typedef struct
{
  guint rate;             /* album rate */
  guint n_placements;
  LqPlacement *placements;
  guint64 length;         /* album length in samples */
} LqSequence;

LqSequence *lq_sequence_new  (LqProject  *project);
void        lq_sequence_free (LqSequence *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqSequence, lq_sequence_free)

G_END_DECLS
