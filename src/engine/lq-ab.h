/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-album-reader.h"
#include "lq-project.h"

G_BEGIN_DECLS

/**
 * LqAbSide:
 * @LQ_AB_PROCESSED: A: the project as mastered (its chains)
 * @LQ_AB_UNPROCESSED: B: the same project with the tracks' chains and the master chain
 *   bypassed; the timeline (stem mix, gains, fades, pauses, crossfades) unchanged
 */
typedef enum
{
  LQ_AB_PROCESSED,
  LQ_AB_UNPROCESSED,
} LqAbSide;

/*
 * LqAb: A/B listening in the engine. Two LqAlbumReaders on the project, one as it is and one
 * with no chains (LQ_ALBUM_READER_BYPASS), are read in lockstep (same position, same number of
 * frames), so the switch happens at the same sample of the album on both sides; it is a short
 * linear crossfade (LQ_AB_CROSSFADE_MS), with no gap. lq_ab_new_full() with
 * LQ_ALBUM_READER_LIVE makes both readers live (playback): lq_ab_sync() then hands parameter
 * edits to them from the main thread (see lq_album_reader_sync()). lq_ab_read_full() also
 * returns the unprocessed side as it is (for a source spectrum).
 *
 * Loudness matching (on by default): the louder side is turned down by the difference of the
 * two sides' integrated loudness (lq_ab_measure() or lq_ab_set_loudness()), so that louder
 * never wins by being louder. lq_ab_get_match_gain() is that difference (processed minus
 * unprocessed, dB).
 *
 * Output: stereo interleaved float at the album rate, like LqAlbumReader. Not thread-safe:
 * read, seek and switch from one thread (the player's feeding thread), or lock around.
 */
#define LQ_AB_CROSSFADE_MS 20.0

typedef struct _LqAb LqAb;

LqAb     *lq_ab_new            (LqProject     *project,
                                GError       **error);
LqAb     *lq_ab_new_full       (LqProject     *project,
                                LqAlbumReaderFlags flags,
                                GError       **error);
gboolean  lq_ab_sync           (LqAb          *self,
                                LqProject     *project);
void      lq_ab_free           (LqAb          *self);
guint64   lq_ab_get_length     (LqAb          *self);
guint64   lq_ab_get_position   (LqAb          *self);
gboolean  lq_ab_seek           (LqAb          *self,
                                guint64        position,
                                GError       **error);
gssize    lq_ab_read           (LqAb          *self,
                                float         *frames,
                                gsize          max_frames,
                                GCancellable  *cancellable,
                                GError       **error);
gssize    lq_ab_read_full      (LqAb          *self,
                                float         *frames,
                                float         *unprocessed,
                                gsize          max_frames,
                                GCancellable  *cancellable,
                                GError       **error);
void      lq_ab_set_side       (LqAb          *self,
                                LqAbSide       side);
LqAbSide  lq_ab_get_side       (LqAb          *self);
gboolean  lq_ab_is_switching   (LqAb          *self);
gboolean  lq_ab_measure        (LqAb          *self,
                                GCancellable  *cancellable,
                                GError       **error);
void      lq_ab_set_loudness   (LqAb          *self,
                                double         processed_lufs,
                                double         unprocessed_lufs);
void      lq_ab_set_match      (LqAb          *self,
                                gboolean       match);
gboolean  lq_ab_get_match      (LqAb          *self);
double    lq_ab_get_match_gain (LqAb          *self);
double    lq_ab_get_side_gain  (LqAb          *self,
                                LqAbSide       side);
double    lq_ab_measure_reader (LqAlbumReader *reader,
                                guint          rate,
                                double        *true_peak,
                                GCancellable  *cancellable,
                                GError       **error);
LqProject *lq_ab_copy_unprocessed (LqProject  *project,
                                GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqAb, lq_ab_free)

G_END_DECLS
