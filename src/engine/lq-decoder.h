/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqDecoder: any audio file GStreamer can decode, pulled synchronously as interleaved
 * native-endian float32 frames. Meant for worker threads (analysis, peak caches, render
 * sources): it never touches the main context.
 *
 * Pipeline: uridecodebin ! audioconvert ! [audioresample !] appsink, caps
 * audio/x-raw,format=F32LE/BE (native),layout=interleaved[,rate=target_rate]. The channel
 * count is the file's own (never up/down-mixed). PCM (16, 24, 32-bit) and float (32, 64-bit)
 * WAV files at their own rate are read directly instead, with the same conversion to float
 * (x / 2^15, 2^23, 2^31): GStreamer's two thread hand-offs per 40 ms buffer make it about
 * 4x slower on them. A truncated WAV (data chunk longer than the file) is an error on both
 * paths, where GStreamer alone would silently decode the part that is there.
 *
 * Non-finite samples (NaN/±Inf, possible only in float files) are replaced with 0.0 as they
 * are read and counted; see lq_decoder_get_n_nonfinite(). Callers that must refuse such files
 * check that count after the last read.
 *
 * Errors (LQ_ENGINE_ERROR domain):
 *  - LQ_ENGINE_ERROR_MISSING_FILE: the file does not exist or cannot be read;
 *  - LQ_ENGINE_ERROR_UNSUPPORTED: not audio GStreamer can decode (the message names the
 *    file and says what GStreamer reported, e.g. a missing plugin);
 *  - LQ_ENGINE_ERROR_UNSUPPORTED too when the stream breaks off while decoding (truncated
 *    or corrupt file; the message says so and quotes GStreamer); the frames read before the
 *    error are valid.
 *  - G_IO_ERROR_CANCELLED: lq_decoder_cancel() or the cancellable given was triggered.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _LqDecoder LqDecoder;

/**
 * LqDecoderFlags:
 * @LQ_DECODER_FLAGS_NONE: the default
 * @LQ_DECODER_FLAGS_GSTREAMER_ONLY: decode PCM and float WAV files with GStreamer too,
 *   instead of reading them directly (same samples, slower; for tests and comparisons)
 */
typedef enum
{
  LQ_DECODER_FLAGS_NONE = 0,
  LQ_DECODER_FLAGS_GSTREAMER_ONLY = 1 << 0,
} LqDecoderFlags;

/**
 * lq_decoder_new:
 * @file: the file to decode
 * @target_rate: resample to this rate (Hz), or 0 to keep the file's rate
 * @error: return location for an error
 *
 * Opens @file and prerolls it (blocks until the format is known, typically a few ms).
 * Returns: (transfer full) (nullable): a new decoder, or %NULL with @error set.
 */
LqDecoder *lq_decoder_new (GFile   *file,
                           guint    target_rate,
                           GError **error);

/* The same with @flags. */
LqDecoder *lq_decoder_new_full (GFile          *file,
                                guint           target_rate,
                                LqDecoderFlags  flags,
                                GError        **error);

/**
 * lq_decoder_read:
 * @self: a decoder
 * @frames_out: room for @max_frames × channels floats
 * @max_frames: frames wanted (any size; 65536 is a good chunk)
 * @error: return location for an error
 *
 * Fills @frames_out with up to @max_frames interleaved frames. Blocks until at least one
 * frame is available. Returns fewer than @max_frames only at the end of the stream.
 * Returns: frames read, 0 at the end of the stream, -1 on error (with @error set).
 */
gssize lq_decoder_read (LqDecoder *self,
                        float     *frames_out,
                        gsize      max_frames,
                        GError   **error);

guint lq_decoder_get_rate (LqDecoder *self);
guint lq_decoder_get_channels (LqDecoder *self);

/* Frames in the whole stream at the output rate, from the container's duration: an
 * estimate (exact for WAV/FLAC), 0 when unknown. */
guint64 lq_decoder_get_n_frames (LqDecoder *self);

/* Frames returned by lq_decoder_read() so far. */
guint64 lq_decoder_get_position (LqDecoder *self);

/* Non-finite samples seen so far (each replaced by 0.0 in the output). */
guint64 lq_decoder_get_n_nonfinite (LqDecoder *self);

/* Makes a blocked or later lq_decoder_read() fail with G_IO_ERROR_CANCELLED. Thread-safe. */
void lq_decoder_cancel (LqDecoder *self);

void lq_decoder_free (LqDecoder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqDecoder, lq_decoder_free)

G_END_DECLS
