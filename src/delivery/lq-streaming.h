/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-flac-writer.h"
#include "lq-preset.h"
#include "lq-project.h"
#include "lq-render.h"
#include "lq-report.h"
#include "lq-sequence.h"

G_BEGIN_DECLS

/*
 * Streaming and hi-res masters: the album rendered once (LqAlbumReader, the same samples as
 * lq_render_album()) and cut into one tagged file per track, FLAC or WAV, 16 bit (flat TPDF
 * dither from lq-dither, one dither running over the whole album, so the files join without a
 * seam; digital silence stays exact zeros) or 24 bit (rounded to the nearest code), at
 * 44.1, 48, 88.2 or 96 kHz (another rate than the album's: the album is resampled as a whole
 * first, as lq_render_album() does, and the cut points scaled to the nearest sample).
 *
 * How the album is cut (the files played one after another are the album, sample for
 * sample, gapless):
 * - Each file runs from its track's cut point to the next track's; the last one to the end of
 *   the album (in CD mode the album's length is rounded up to a CD frame: that silence is in
 *   the last file).
 * - A track's cut point is its start (index 01) on the album, except after a crossfade: with
 *   LQ_STREAMING_SPLIT_AFTER_CROSSFADE (the default) the whole crossfade belongs to the earlier
 *   track, whose file ends where its own audio ends, and the later file begins after the
 *   overlap; with LQ_STREAMING_SPLIT_AT_START every file begins at its track's index 01, as
 *   the tracks of a CD do (the crossfade then opens the later file).
 * - A pause between tracks stays with the track before it (at the end of its file). The
 *   first track's pause (a CD's 2 s pre-gap) is not exported: the first file begins at the
 *   first track's start.
 *
 * Files are named "NN Title.ext" (the track number, two digits, and the title with / \ : * ?
 * " < > | and control characters replaced by _).
 *
 * Everything is written into a hidden temporary folder (inside the output folder when it
 * exists, beside it otherwise) and moved into place only when every file and the report are
 * complete: a failure or a cancel leaves nothing in the output folder. Then every file is read
 * back and measured (LqReport) and the report is written as report.json and report.html.
 */

/**
 * LqStreamingSplit:
 * @LQ_STREAMING_SPLIT_AFTER_CROSSFADE: a crossfade belongs to the earlier track
 * @LQ_STREAMING_SPLIT_AT_START: files begin at their track's start (index 01)
 */
typedef enum
{
  LQ_STREAMING_SPLIT_AFTER_CROSSFADE,
  LQ_STREAMING_SPLIT_AT_START,
} LqStreamingSplit;

/**
 * LqStreamingOptions:
 * @preset: the delivery preset the files must meet
 * @format: FLAC or WAV
 * @bits: 16 (dithered) or 24
 * @rate: 44100, 48000, 88200 or 96000; 0 for the album's rate (which must be one of those)
 * @year: release year for the tags, 0 for none
 * @tolerance_lu: how far from the preset's target the loudness may be
 * @split: where crossfaded tracks are cut
 * @apply_preset: apply @preset to the project (lq_preset_apply()) and match levels
 *   (lq_level_match()) before rendering, then correct the match gains so that the files as
 *   cut (crossfades and pauses included, which level matching leaves out of a track) land on
 *   the target; the project is changed
 * @dither_seed: the dither's noise seed (the same seed gives the same files)
 */
typedef struct
{
  LqPreset preset;
  LqAudioFileFormat format;
  guint bits;
  guint rate;
  guint year;
  double tolerance_lu;
  LqStreamingSplit split;
  gboolean apply_preset;
  guint64 dither_seed;
} LqStreamingOptions;

void      lq_streaming_options_init  (LqStreamingOptions        *options,
                                      const LqPreset            *preset);
gboolean  lq_streaming_check_options (const LqStreamingOptions  *options,
                                      LqProject                 *project,
                                      GError                   **error);
void      lq_streaming_get_span      (const LqSequence          *sequence,
                                      LqStreamingSplit           split,
                                      guint                      placement,
                                      guint64                   *from,
                                      guint64                   *to);
char     *lq_streaming_file_name     (guint                      number,
                                      guint                      n_tracks,
                                      const char                *title,
                                      LqAudioFileFormat          format);

LqReport *lq_streaming_export        (LqProject                 *project,
                                      GFile                     *folder,
                                      const LqStreamingOptions  *options,
                                      GCancellable              *cancellable,
                                      LqRenderProgressFunc       progress,
                                      gpointer                   progress_data,
                                      GError                   **error);
void      lq_streaming_export_async  (LqProject                 *project,
                                      GFile                     *folder,
                                      const LqStreamingOptions  *options,
                                      GCancellable              *cancellable,
                                      GAsyncReadyCallback        callback,
                                      gpointer                   user_data);
LqReport *lq_streaming_export_finish (GAsyncResult              *result,
                                      GError                   **error);

G_END_DECLS
