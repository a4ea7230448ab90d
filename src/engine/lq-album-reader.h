/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-project.h"
#include "lq-sequence.h"

G_BEGIN_DECLS

/*
 * LqAlbumReader produces the album: every track decoded at the album rate, trimmed, mixed from
 * its stems, run through its chain, given its gain and fades, placed on the timeline with its
 * pause or crossfade, and the sum run through the master chain. It is the one timeline code
 * behind both playback and render, so what is heard is what is exported.
 *
 * Tracks are processed by worker threads (as many as there are cores) ahead of the read
 * position, whole tracks at a time; the master chain runs in the reading thread. Output is
 * stereo interleaved float at the album rate. A read is deterministic: the same project gives
 * the same samples on every run.
 */
typedef struct _LqAlbumReader LqAlbumReader;

/**
 * LqAlbumReaderFlags:
 * @LQ_ALBUM_READER_LIVE: playback with live edits: workers only decode (and mix stems); the
 *   tracks' chains, gains and fades run in the reading thread, a few thousand frames ahead, so
 *   lq_album_reader_sync() applies parameter edits within milliseconds. After a seek a track's
 *   chain restarts 500 ms before the new position (pre-roll); read from a track's start, the
 *   output is the same as the default (render) mode's. Decoded tracks are kept in memory.
 * @LQ_ALBUM_READER_BYPASS: the unprocessed album: no track chain and no master chain (the
 *   elements are latency-compensated, so this is what bypassing them all gives, at no cost);
 *   stems, gains, fades, pauses and crossfades unchanged
 * @LQ_ALBUM_READER_BACKGROUND: a background job (a measurement while the user works): the
 *   workers are the reader's own threads at the lowest CPU priority, so playback and the
 *   window keep the cores they need
 */
typedef enum
{
  LQ_ALBUM_READER_LIVE = 1 << 0,
  LQ_ALBUM_READER_BYPASS = 1 << 1,
  LQ_ALBUM_READER_BACKGROUND = 1 << 2,
} LqAlbumReaderFlags;

void              lq_thread_lower_priority      (void);

LqAlbumReader    *lq_album_reader_new           (LqProject      *project,
                                                 GError        **error);
LqAlbumReader    *lq_album_reader_new_full      (LqProject      *project,
                                                 LqAlbumReaderFlags flags,
                                                 GError        **error);
gboolean          lq_album_reader_sync          (LqAlbumReader  *self,
                                                 LqProject      *project);
const LqSequence *lq_album_reader_get_sequence  (LqAlbumReader  *self);
guint64           lq_album_reader_get_length    (LqAlbumReader  *self);
guint64           lq_album_reader_get_position  (LqAlbumReader  *self);
gboolean          lq_album_reader_is_ready      (LqAlbumReader  *self);
void              lq_album_reader_set_keep_tracks (LqAlbumReader *self,
                                                 gboolean        keep);
gssize            lq_album_reader_read          (LqAlbumReader  *self,
                                                 float          *frames,
                                                 gsize           max_frames,
                                                 GCancellable   *cancellable,
                                                 GError        **error);
gboolean          lq_album_reader_seek          (LqAlbumReader  *self,
                                                 guint64         position,
                                                 GError        **error);
void              lq_album_reader_free          (LqAlbumReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqAlbumReader, lq_album_reader_free)

gboolean          lq_album_render_track         (LqProject      *project,
                                                 const LqSequence *sequence,
                                                 guint           placement,
                                                 float          *out,
                                                 GCancellable   *cancellable,
                                                 GError        **error);

G_END_DECLS
