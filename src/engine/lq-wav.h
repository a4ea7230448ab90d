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

gboolean lq_wav_write_file (GFile        *file,
                            const float  *interleaved,
                            gsize         frames,
                            guint         channels,
                            guint         rate,
                            LqWavFormat   format,
                            GCancellable *cancellable,
                            GError      **error);

G_END_DECLS
