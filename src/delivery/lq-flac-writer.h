/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * LqFlacWriter: one tagged delivery file, FLAC (flacenc) or WAV (wavenc), written with
 * GStreamer from integer PCM that is already quantized (16 or 24 bit, so the file holds exactly
 * the samples given: no conversion happens on the way). Tags are set on the encoder
 * (GstTagSetter): FLAC gets Vorbis comments (TITLE, ARTIST, ALBUM, ALBUMARTIST, TRACKNUMBER,
 * TRACKTOTAL, ISRC, DATE, GENRE, COMPOSER), WAV a RIFF LIST INFO chunk (INAM, IART, IPRD,
 * ISRC, ICRD, IGNR; RIFF INFO has no track number and no album artist, so WAV files go
 * without them).
 *
 * The file is written in place under its name: callers that need it to appear only when
 * complete write into a temporary folder (see lq-streaming.c). A writer freed before
 * lq_flac_writer_finish() succeeded deletes what it wrote.
 */

/**
 * LqAudioFileFormat:
 * @LQ_AUDIO_FILE_FLAC: FLAC in its native container (.flac)
 * @LQ_AUDIO_FILE_WAV: RIFF WAVE, PCM (.wav)
 */
typedef enum
{
  LQ_AUDIO_FILE_FLAC,
  LQ_AUDIO_FILE_WAV,
} LqAudioFileFormat;

/**
 * LqTrackTags:
 * @title: track title
 * @artist: track artist (performer)
 * @album: album title
 * @album_artist: album artist
 * @composer: composer
 * @genre: genre
 * @isrc: ISRC, 12 characters
 * @year: release year, 0 for none
 * @track_number: 1-based number on the album, 0 for none
 * @track_count: tracks on the album, 0 for none
 *
 * What a file is tagged with; %NULL or empty strings are left out.
 */
typedef struct
{
  const char *title;
  const char *artist;
  const char *album;
  const char *album_artist;
  const char *composer;
  const char *genre;
  const char *isrc;
  guint year;
  guint track_number;
  guint track_count;
} LqTrackTags;

typedef struct _LqFlacWriter LqFlacWriter;

const char   *lq_audio_file_format_to_extension (LqAudioFileFormat  format);

LqFlacWriter *lq_flac_writer_new    (GFile              *file,
                                     LqAudioFileFormat   format,
                                     guint               channels,
                                     guint               rate,
                                     guint               bits,
                                     const LqTrackTags  *tags,
                                     GError            **error);
gboolean      lq_flac_writer_write  (LqFlacWriter       *self,
                                     const gint32       *samples,
                                     gsize               frames,
                                     GCancellable       *cancellable,
                                     GError            **error);
gboolean      lq_flac_writer_finish (LqFlacWriter       *self,
                                     GCancellable       *cancellable,
                                     GError            **error);
void          lq_flac_writer_free   (LqFlacWriter       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqFlacWriter, lq_flac_writer_free)

G_END_DECLS
