/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-wav"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-atomic-file.h"
#include "lq-engine-error.h"
#include "lq-wav.h"

#define WAVE_FORMAT_PCM 1
#define WAVE_FORMAT_IEEE_FLOAT 3

static void
put_u16 (guint8 *p, guint16 v)
{
  p[0] = v & 0xff;
  p[1] = v >> 8;
}

static void
put_u32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

/* Rounds to the nearest integer code and clamps to the format's range. */
static gint32
quantize (float x, double scale, gint32 max)
{
  double v;

  if (!isfinite (x))
    return 0;
  v = nearbyint ((double) x * scale);
  if (v > max)
    return max;
  if (v < -max - 1)
    return -max - 1;
  return (gint32) v;
}

static gsize
encode_block (guint8 *dst, const float *src, gsize samples, LqWavFormat format)
{
  guint8 *p = dst;

  for (gsize i = 0; i < samples; i++)
    {
      switch (format)
        {
        case LQ_WAV_PCM16:
          {
            gint32 v = quantize (src[i], 32768.0, 32767);
            put_u16 (p, (guint16) (gint16) v);
            p += 2;
          }
          break;
        case LQ_WAV_PCM24:
          {
            guint32 v = (guint32) quantize (src[i], 8388608.0, 8388607);
            p[0] = v & 0xff;
            p[1] = (v >> 8) & 0xff;
            p[2] = (v >> 16) & 0xff;
            p += 3;
          }
          break;
        case LQ_WAV_FLOAT32:
          {
            guint32 v;
            float f = isfinite (src[i]) ? src[i] : 0.0f;
            memcpy (&v, &f, 4);
            put_u32 (p, v);
            p += 4;
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return p - dst;
}

struct _LqWavWriter
{
  LqAtomicFile *atomic;   /* the file being written */
  guint channels;
  LqWavFormat format;
  guint64 total_frames;   /* frames the header promises */
  guint64 written;        /* frames written so far */
  guint8 *block;          /* encoding scratch */
  gsize block_frames;     /* frames that fit in block */
};

static gsize
header_for (guint8      *header,
            guint        channels,
            guint        rate,
            LqWavFormat  format,
            guint64      data_bytes)
{
  guint bytes_per_sample = format == LQ_WAV_PCM16 ? 2 : format == LQ_WAV_PCM24 ? 3 : 4;
  gboolean extensible = channels > 2 || format == LQ_WAV_PCM24;
  gsize header_len;

  /* RIFF header with a fmt chunk (WAVE_FORMAT_EXTENSIBLE for 24-bit and multichannel). */
  memcpy (header, "RIFF", 4);
  memcpy (header + 8, "WAVEfmt ", 8);
  put_u32 (header + 16, extensible ? 40 : 16);
  put_u16 (header + 20, extensible ? 0xFFFE : format == LQ_WAV_FLOAT32 ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM);
  put_u16 (header + 22, channels);
  put_u32 (header + 24, rate);
  put_u32 (header + 28, rate * channels * bytes_per_sample);
  put_u16 (header + 32, channels * bytes_per_sample);
  put_u16 (header + 34, bytes_per_sample * 8);
  header_len = 36;
  if (extensible)
    {
      static const guint8 guid_tail[14] = { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                            0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 };
      put_u16 (header + 36, 22);
      put_u16 (header + 38, bytes_per_sample * 8);
      put_u32 (header + 40, channels == 1 ? 0x4 : channels == 2 ? 0x3 : 0);
      put_u16 (header + 44, format == LQ_WAV_FLOAT32 ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM);
      memcpy (header + 46, guid_tail, sizeof guid_tail);
      header_len = 60;
    }
  memcpy (header + header_len, "data", 4);
  put_u32 (header + header_len + 4, (guint32) data_bytes);
  header_len += 8;
  put_u32 (header + 4, (guint32) (header_len - 8 + data_bytes));
  return header_len;
}

/**
 * lq_wav_writer_new:
 * @total_frames: the exact number of frames that will be written
 *
 * Returns: (transfer full) (nullable): a writer, or %NULL (the folder is not writable, the
 *   length does not fit in a WAV file)
 */
LqWavWriter *
lq_wav_writer_new (GFile         *file,
                   guint          channels,
                   guint          rate,
                   LqWavFormat    format,
                   guint64        total_frames,
                   GCancellable  *cancellable,
                   GError       **error)
{
  guint bytes_per_sample = format == LQ_WAV_PCM16 ? 2 : format == LQ_WAV_PCM24 ? 3 : 4;
  guint64 data_bytes = total_frames * channels * bytes_per_sample;
  g_autoptr(LqAtomicFile) atomic = NULL;
  LqWavWriter *self;
  guint8 header[68];
  gsize header_len;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (channels > 0 && rate > 0, NULL);

  if (data_bytes + 60 > G_MAXUINT32)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The audio is too long for a WAV file (over 4 GiB); choose FLAC or split it"));
      return NULL;
    }
  atomic = lq_atomic_file_new (file, cancellable, error);
  if (atomic == NULL)
    return NULL;
  header_len = header_for (header, channels, rate, format, data_bytes);
  if (!g_output_stream_write_all (lq_atomic_file_get_stream (atomic), header, header_len, NULL, cancellable, error))
    return NULL;

  self = g_new0 (LqWavWriter, 1);
  self->atomic = g_steal_pointer (&atomic);
  self->channels = channels;
  self->format = format;
  self->total_frames = total_frames;
  self->block_frames = 16384;
  self->block = g_malloc (self->block_frames * channels * 4);
  return self;
}

static gboolean
check_room (LqWavWriter  *self,
            gsize         frames,
            GError      **error)
{
  if (self->written + frames > self->total_frames)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("More audio than announced was written to a WAV file"));
      return FALSE;
    }
  return TRUE;
}

gboolean
lq_wav_writer_write (LqWavWriter   *self,
                     const float   *interleaved,
                     gsize          frames,
                     GCancellable  *cancellable,
                     GError       **error)
{
  gsize done = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!check_room (self, frames, error))
    return FALSE;
  while (done < frames)
    {
      gsize n = MIN (self->block_frames, frames - done);
      gsize len = encode_block (self->block, interleaved + done * self->channels, n * self->channels, self->format);

      if (!g_output_stream_write_all (lq_atomic_file_get_stream (self->atomic), self->block, len, NULL, cancellable, error))
        return FALSE;
      done += n;
    }
  self->written += frames;
  return TRUE;
}

/**
 * lq_wav_writer_write_pcm:
 * @samples: integer codes already at the file's word length (from a dither stage)
 *
 * Writes integer samples as they are, for PCM16 and PCM24 files.
 */
gboolean
lq_wav_writer_write_pcm (LqWavWriter   *self,
                         const gint32  *samples,
                         gsize          frames,
                         GCancellable  *cancellable,
                         GError       **error)
{
  gsize done = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->format != LQ_WAV_FLOAT32, FALSE);
  if (!check_room (self, frames, error))
    return FALSE;
  while (done < frames)
    {
      gsize n = MIN (self->block_frames, frames - done);
      guint8 *p = self->block;

      for (gsize i = 0; i < n * self->channels; i++)
        {
          gint32 v = samples[done * self->channels + i];

          p[0] = v & 0xff;
          p[1] = (v >> 8) & 0xff;
          if (self->format == LQ_WAV_PCM24)
            {
              p[2] = (v >> 16) & 0xff;
              p += 3;
            }
          else
            p += 2;
        }
      if (!g_output_stream_write_all (lq_atomic_file_get_stream (self->atomic), self->block,
                                      p - self->block, NULL, cancellable, error))
        return FALSE;
      done += n;
    }
  self->written += frames;
  return TRUE;
}

/**
 * lq_wav_writer_commit:
 *
 * Checks that every announced frame was written and makes the file appear.
 */
gboolean
lq_wav_writer_commit (LqWavWriter   *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->written != self->total_frames)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The WAV file is incomplete (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " frames)"),
                   self->written, self->total_frames);
      return FALSE;
    }
  return lq_atomic_file_commit (self->atomic, cancellable, error);
}

/**
 * lq_wav_writer_free:
 *
 * Discards the file unless it was committed.
 */
void
lq_wav_writer_free (LqWavWriter *self)
{
  if (self == NULL)
    return;
  lq_atomic_file_free (self->atomic);
  g_free (self->block);
  g_free (self);
}

/**
 * lq_wav_write_file:
 *
 * Writes a RIFF/WAVE file. Integer formats are rounded and clamped (no dither: dither belongs
 * in the chain, before this). The file appears only when complete: the data goes to a
 * temporary file that replaces @file at the end, so a failure or a cancel leaves no file that
 * looks finished (see #LqAtomicFile).
 */
gboolean
lq_wav_write_file (GFile         *file,
                   const float   *interleaved,
                   gsize          frames,
                   guint          channels,
                   guint          rate,
                   LqWavFormat    format,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(LqWavWriter) writer = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (interleaved != NULL || frames == 0, FALSE);

  writer = lq_wav_writer_new (file, channels, rate, format, frames, cancellable, error);
  if (writer == NULL)
    return FALSE;
  if (!lq_wav_writer_write (writer, interleaved, frames, cancellable, error))
    return FALSE;
  return lq_wav_writer_commit (writer, cancellable, error);
}
