/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-project.h"
#include "lq-redbook-check.h"
#include "lq-render.h"

G_BEGIN_DECLS

/*
 * A CUE sheet and a cdrdao TOC file describing the same disc as the DDP export, over one
 * audio file holding the whole image (track 1's pre-gap included): the same 16-bit render
 * (see #LqCdRender) as a WAV file, or as a raw little-endian BIN.
 *
 * CUE (UTF-8): CATALOG, album TITLE/PERFORMER/SONGWRITER, FILE "NAME.wav" WAVE (or
 * "NAME.bin" BINARY), then per track TITLE, PERFORMER, SONGWRITER, ISRC, FLAGS (only when a
 * flag is set), INDEX 00 (its pause), 01, 02... as absolute times in the file. A double quote
 * in a name is written as a single quote: the format has no escape for it.
 *
 * TOC (cdrdao, ASCII with octal escapes for ISO 8859-1 characters): CD_DA, CATALOG, the
 * album's CD_TEXT block, then per track TRACK AUDIO, NO COPY, NO PRE_EMPHASIS,
 * TWO_CHANNEL_AUDIO, ISRC, CD_TEXT, FILE "NAME.wav" <start> <length> (the track's span from
 * its index 00 to the next track's index 00), START (pause length), INDEX (relative to the
 * track start). A BIN is little-endian, so the TOC reads it with SWAP.
 */

/**
 * LqCueAudio:
 * @LQ_CUE_AUDIO_WAV: NAME.wav, 16-bit stereo 44.1 kHz RIFF/WAVE
 * @LQ_CUE_AUDIO_BIN: NAME.bin, raw 16-bit little-endian stereo
 */
typedef enum
{
  LQ_CUE_AUDIO_WAV,
  LQ_CUE_AUDIO_BIN,
} LqCueAudio;

typedef struct
{
  LqRedbookLimits limits;   /* disc length limits */
  LqCueAudio audio;         /* the audio file's format */
  const char *name;         /* file name without extension; NULL: from the album title */
  gboolean overwrite;       /* replace an existing, non-empty destination folder */
  GPtrArray *issues;        /* (nullable): receives the Red Book findings (warnings too) */
} LqCueOptions;

void     lq_cue_options_init (LqCueOptions          *options);
char    *lq_cue_format_cue   (const LqCdDisc        *disc,
                              const char            *audio_file,
                              LqCueAudio             audio);
char    *lq_cue_format_toc   (const LqCdDisc        *disc,
                              const char            *audio_file,
                              LqCueAudio             audio);
char    *lq_cue_default_name (const LqCdDisc        *disc);
gboolean lq_cue_export       (LqProject             *project,
                              GFile                 *folder,
                              const LqCueOptions    *options,
                              GCancellable          *cancellable,
                              LqRenderProgressFunc   progress,
                              gpointer               progress_data,
                              GError               **error);

G_END_DECLS
