/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * LqWavFormat:
 * @LQ_WAV_PCM16: 16-bit signed integer
 * @LQ_WAV_PCM24: 24-bit signed integer
 * @LQ_WAV_FLOAT32: 32-bit IEEE float
 */
typedef enum
{
  LQ_WAV_PCM16,
  LQ_WAV_PCM24,
  LQ_WAV_FLOAT32,
} LqWavFormat;

/* A WAV file written block by block; the length is known up front, so the header is final
 * from the start, and the file appears (atomically) only on commit. */
typedef struct _LqWavWriter LqWavWriter;

LqWavWriter *lq_wav_writer_new    (GFile         *file,
                                   guint          channels,
                                   guint          rate,
                                   LqWavFormat    format,
                                   guint64        total_frames,
                                   GCancellable  *cancellable,
                                   GError       **error);
gboolean     lq_wav_writer_write  (LqWavWriter   *self,
                                   const float   *interleaved,
                                   gsize          frames,
                                   GCancellable  *cancellable,
                                   GError       **error);
gboolean     lq_wav_writer_write_pcm (LqWavWriter *self,
                                   const gint32  *samples,
                                   gsize          frames,
                                   GCancellable  *cancellable,
                                   GError       **error);
gboolean     lq_wav_writer_commit (LqWavWriter   *self,
                                   GCancellable  *cancellable,
                                   GError       **error);
void         lq_wav_writer_free   (LqWavWriter   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqWavWriter, lq_wav_writer_free)

gboolean lq_wav_write_file (GFile        *file,
                            const float  *interleaved,
                            gsize         frames,
                            guint         channels,
                            guint         rate,
                            LqWavFormat   format,
                            GCancellable *cancellable,
                            GError      **error);

G_END_DECLS
