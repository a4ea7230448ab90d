/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-decoder"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/audio/audio.h>
#include <gst/gst.h>

#include "lq-decoder.h"
#include "lq-engine-error.h"

/* How long opening a file may take before we give up (a stalled network mount). */
#define PREROLL_TIMEOUT (30 * GST_SECOND)
/* How often a blocked read looks at the bus and the cancel flag. */
#define POLL_INTERVAL (100 * GST_MSECOND)
/* Buffers queued in the appsink: bounds memory while letting decoding run ahead. */
#define SINK_MAX_BUFFERS 32

/* What the RIFF header of a WAV file says (see parse_wav). */
typedef struct
{
  gboolean is_wav;       /* a RIFF WAVE file with an fmt and a data chunk */
  gboolean fast;         /* PCM 16/24/32-bit or float 32/64-bit: read directly */
  gboolean is_float;     /* IEEE float samples */
  guint bits;            /* bits per sample */
  guint channels;        /* channels */
  guint rate;            /* frames per second */
  guint block_align;     /* bytes per frame */
  goffset data_offset;   /* where the samples start */
  guint64 data_size;     /* bytes of samples (clipped to the file) */
} WavInfo;

struct _LqDecoder
{
  /* The fast path for PCM and float WAV files: plain reads and our own conversion. */
  GInputStream *wav;     /* the file, positioned in the data chunk; NULL on the GStreamer path */
  WavInfo wav_info;      /* its format */
  guint64 wav_left;      /* bytes of samples not read yet */
  guint8 *raw;           /* read buffer */
  gsize raw_size;        /* its size in bytes */

  /* The GStreamer path for everything else. */
  GstElement *pipeline;  /* uridecodebin ! audioconvert ! [audioresample !] appsink */
  GstElement *convert;   /* the audioconvert the decoder's audio pad is linked to */
  GstAppSink *sink;      /* where the float frames come out */
  GstBus *bus;           /* the pipeline's bus, polled for errors */
  char *name;            /* the file's name as users see it, for messages */
  guint rate;            /* output rate, Hz */
  guint channels;        /* output channels */
  guint64 n_frames;      /* estimated frames in the stream, 0 if unknown */
  guint64 position;      /* frames returned so far */
  guint64 n_nonfinite;   /* NaN/Inf samples replaced by 0 */
  GstSample *sample;     /* the sample being consumed, or NULL */
  GstMapInfo map;        /* its buffer, mapped while `sample` is set */
  gsize offset;          /* frames of `map` already returned */
  gboolean eos;          /* the end of the stream was reached */
  gint linked;           /* (atomic) an audio pad was linked to `convert` */
  gint cancelled;        /* (atomic) lq_decoder_cancel() was called */
};

/* Links the first audio pad uridecodebin exposes; other streams stay unlinked. Called from
 * a streaming thread. */
static void
pad_added_cb (GstElement *decodebin,
              GstPad     *pad,
              LqDecoder  *self)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = NULL;
  const GstStructure *s;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  s = gst_caps_get_structure (caps, 0);
  if (s == NULL || !g_str_has_prefix (gst_structure_get_name (s), "audio/"))
    return;
  sinkpad = gst_element_get_static_pad (self->convert, "sink");
  if (gst_pad_is_linked (sinkpad))
    return;
  if (GST_PAD_LINK_SUCCESSFUL (gst_pad_link (pad, sinkpad)))
    g_atomic_int_set (&self->linked, 1);
}

/* No audio stream at all: fail the preroll instead of waiting forever. */
static void
no_more_pads_cb (GstElement *decodebin,
                 LqDecoder  *self)
{
  if (!g_atomic_int_get (&self->linked))
    GST_ELEMENT_ERROR (decodebin, STREAM, WRONG_TYPE, (_("The file contains no audio stream.")),
                       (NULL));
}

/* Turns a GStreamer error message into an LQ_ENGINE_ERROR a user can act on. */
static void
set_error_from_message (LqDecoder   *self,
                        GstMessage  *message,
                        gboolean     started,
                        GError     **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("%s: %s (%s)", self->name, gst_error->message, debug ? debug : "");
  if (gst_error->domain == GST_RESOURCE_ERROR
      && (gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND
          || gst_error->code == GST_RESOURCE_ERROR_OPEN_READ))
    g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE,
                 _("“%s” cannot be read: %s"), self->name, gst_error->message);
  else if (started)
    g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                 _("“%s” is truncated or corrupt: decoding stopped after %.1f s (%s)"), self->name,
                 self->rate ? (double) self->position / self->rate : 0.0, gst_error->message);
  else
    g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                 _("“%s” is not audio that can be decoded: %s"), self->name, gst_error->message);
}

static guint32
read_le32 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static guint16
read_le16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

/* Reads the RIFF header of `stream` into *info (info->is_wav stays FALSE for anything else)
 * and leaves the stream at the first sample. GStreamer's wavparse silently clips a data
 * chunk that runs past the end of the file, so a truncated WAV would decode as a shorter
 * one: catch that here. Returns FALSE with *error set for a truncated file. */
static gboolean
parse_wav (GInputStream *stream,
           goffset       file_size,
           const char   *name,
           WavInfo      *info,
           GError      **error)
{
  guint8 head[12], chunk[8], fmt[40];
  gsize got = 0;
  goffset pos = 12;
  gboolean have_fmt = FALSE;
  guint16 tag = 0;

  memset (info, 0, sizeof *info);
  if (!g_input_stream_read_all (stream, head, sizeof head, &got, NULL, NULL) || got < 12
      || memcmp (head, "RIFF", 4) != 0 || memcmp (head + 8, "WAVE", 4) != 0)
    return TRUE;

  while (pos + 8 <= file_size)
    {
      guint32 size;

      if (!g_input_stream_read_all (stream, chunk, 8, &got, NULL, NULL) || got < 8)
        return TRUE;
      size = read_le32 (chunk + 4);
      pos += 8;
      if (memcmp (chunk, "fmt ", 4) == 0 && size >= 16)
        {
          gsize want = MIN (size, sizeof fmt);

          if (!g_input_stream_read_all (stream, fmt, want, &got, NULL, NULL) || got < want)
            return TRUE;
          tag = read_le16 (fmt);
          info->channels = read_le16 (fmt + 2);
          info->rate = read_le32 (fmt + 4);
          info->block_align = read_le16 (fmt + 12);
          info->bits = read_le16 (fmt + 14);
          if (tag == 0xfffe && want >= 26)
            tag = read_le16 (fmt + 24); /* WAVE_FORMAT_EXTENSIBLE: the sub-format GUID */
          have_fmt = TRUE;
          if (!g_seekable_seek (G_SEEKABLE (stream), pos + size + (size & 1), G_SEEK_SET, NULL, NULL))
            return TRUE;
        }
      else if (memcmp (chunk, "data", 4) == 0)
        {
          if (!have_fmt)
            return TRUE;
          info->is_wav = TRUE;
          info->data_offset = pos;
          /* 0 and 0xffffffff mark streams written without knowing their length. */
          if (size == 0 || size == 0xffffffffu)
            info->data_size = file_size - pos;
          else if (pos + (goffset) size > file_size)
            {
              double byte_rate = (double) info->rate * info->block_align;

              if (byte_rate > 0)
                g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                             _("“%s” is truncated: its header announces %.3f s of audio but the file holds only %.3f s"),
                             name, size / byte_rate, (file_size - pos) / byte_rate);
              else
                g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                             _("“%s” is truncated: its header announces %u bytes of audio but the file holds %.0f"),
                             name, size, (double) (file_size - pos));
              return FALSE;
            }
          else
            info->data_size = size;
          info->is_float = tag == 3;
          info->fast = info->channels >= 1 && info->channels <= 64 && info->rate > 0
                       && ((tag == 1 && (info->bits == 16 || info->bits == 24 || info->bits == 32))
                           || (tag == 3 && (info->bits == 32 || info->bits == 64)))
                       && info->block_align == info->channels * info->bits / 8;
          info->data_size -= info->data_size % MAX (info->block_align, 1);
          return TRUE;
        }
      else if (!g_seekable_seek (G_SEEKABLE (stream), pos + size + (size & 1), G_SEEK_SET, NULL, NULL))
        return TRUE;
      pos += size + (size & 1);
    }
  return TRUE;
}

/* Opens a native file: a clear error when it is missing or a folder, the WAV fast path when
 * it is PCM or float WAV. Returns FALSE with *error set when the file cannot be used. */
static gboolean
open_native (LqDecoder       *self,
             GFile           *file,
             guint            target_rate,
             LqDecoderFlags   flags,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info (file,
                                                 G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                                 G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  g_autoptr(GFileInputStream) stream = NULL;

  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE,
                     _("“%s” does not exist"), self->name);
      else
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE,
                     _("“%s” cannot be read: %s"), self->name, local_error->message);
      return FALSE;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” is a folder, not an audio file"), self->name);
      return FALSE;
    }
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_MISSING_FILE,
                   _("“%s” cannot be read: %s"), self->name, local_error->message);
      return FALSE;
    }
  if (!parse_wav (G_INPUT_STREAM (stream), g_file_info_get_size (info), self->name,
                  &self->wav_info, error))
    return FALSE;
  if (self->wav_info.fast && (target_rate == 0 || target_rate == self->wav_info.rate)
      && !(flags & LQ_DECODER_FLAGS_GSTREAMER_ONLY)
      && g_seekable_seek (G_SEEKABLE (stream), self->wav_info.data_offset, G_SEEK_SET, NULL, NULL))
    {
      self->wav = G_INPUT_STREAM (g_steal_pointer (&stream));
      self->wav_left = self->wav_info.data_size;
      self->rate = self->wav_info.rate;
      self->channels = self->wav_info.channels;
      self->n_frames = self->wav_info.data_size / self->wav_info.block_align;
    }
  return TRUE;
}

LqDecoder *
lq_decoder_new (GFile   *file,
                guint    target_rate,
                GError **error)
{
  return lq_decoder_new_full (file, target_rate, LQ_DECODER_FLAGS_NONE, error);
}

LqDecoder *
lq_decoder_new_full (GFile           *file,
                     guint            target_rate,
                     LqDecoderFlags   flags,
                     GError         **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstCaps) negotiated = NULL;
  g_autoptr(GstPad) sinkpad = NULL;
  g_autofree char *uri = NULL;
  GstElement *decodebin, *resample = NULL, *sink;
  GstStateChangeReturn ret;
  GstAudioInfo audio_info;
  LqDecoder *self;
  gint64 duration = -1;
  gboolean prerolled = FALSE;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (LqDecoder, 1);
  self->name = g_file_get_parse_name (file);

  /* A missing file is the most common problem: say so plainly. PCM and float WAV files
   * are read directly: GStreamer adds two thread hand-offs per 40 ms buffer. */
  if (g_file_is_native (file))
    {
      if (!open_native (self, file, target_rate, flags, error))
        {
          lq_decoder_free (self);
          return NULL;
        }
      if (self->wav != NULL)
        return self;
    }

  self->pipeline = gst_pipeline_new ("lq-decoder");
  decodebin = gst_element_factory_make ("uridecodebin", NULL);
  self->convert = gst_element_factory_make ("audioconvert", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  if (target_rate > 0)
    resample = gst_element_factory_make ("audioresample", NULL);
  if (decodebin == NULL || self->convert == NULL || sink == NULL
      || (target_rate > 0 && resample == NULL))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("GStreamer's base plugins (uridecodebin, audioconvert, audioresample, appsink) are not installed"));
      g_clear_object (&decodebin);
      g_clear_object (&self->convert);
      g_clear_object (&sink);
      g_clear_object (&resample);
      lq_decoder_free (self);
      return NULL;
    }
  self->sink = GST_APP_SINK (sink);

  uri = g_file_get_uri (file);
  caps = gst_caps_from_string ("audio/x-raw");
  /* Only audio gets decoded; other streams are left alone. */
  g_object_set (decodebin, "uri", uri, "caps", caps, NULL);
  gst_clear_caps (&caps);

  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, GST_AUDIO_NE (F32),
                              "layout", G_TYPE_STRING, "interleaved",
                              NULL);
  if (target_rate > 0)
    gst_caps_set_simple (caps, "rate", G_TYPE_INT, (int) target_rate, NULL);
  g_object_set (sink, "caps", caps, "sync", FALSE, "max-buffers", SINK_MAX_BUFFERS,
                "emit-signals", FALSE, "enable-last-sample", FALSE, NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), decodebin, self->convert, sink, NULL);
  if (resample != NULL)
    {
      /* Mastering quality: GStreamer's best Kaiser-windowed sinc (measured in
       * tests/engine/test-resample.c and docs/PERFORMANCE.md). */
      g_object_set (resample, "quality", 10, NULL);
      gst_bin_add (GST_BIN (self->pipeline), resample);
      gst_element_link_many (self->convert, resample, sink, NULL);
    }
  else
    gst_element_link (self->convert, sink);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (pad_added_cb), self);
  g_signal_connect (decodebin, "no-more-pads", G_CALLBACK (no_more_pads_cb), self);

  self->bus = gst_element_get_bus (self->pipeline);

  /* Preroll: the format is known once the first buffer reached the sink. */
  ret = gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
  if (ret != GST_STATE_CHANGE_FAILURE)
    {
      GstClockTime deadline = gst_util_get_timestamp () + PREROLL_TIMEOUT;

      while (!prerolled)
        {
          GstClockTime now = gst_util_get_timestamp ();
          g_autoptr(GstMessage) msg = NULL;

          if (now >= deadline)
            break;
          msg = gst_bus_timed_pop_filtered (self->bus, deadline - now,
                                            GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_EOS);
          if (msg == NULL)
            break;
          if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
            {
              set_error_from_message (self, msg, FALSE, error);
              lq_decoder_free (self);
              return NULL;
            }
          if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
            {
              /* An empty stream: valid, zero frames. */
              self->eos = TRUE;
              prerolled = TRUE;
            }
          else if (GST_MESSAGE_SRC (msg) == GST_OBJECT (self->pipeline))
            prerolled = TRUE;
        }
    }
  if (!prerolled)
    {
      g_autoptr(GstMessage) msg = gst_bus_pop_filtered (self->bus, GST_MESSAGE_ERROR);

      if (msg != NULL)
        set_error_from_message (self, msg, FALSE, error);
      else
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                     _("“%s” could not be opened for decoding (no audio after %d s)"), self->name,
                     (int) (PREROLL_TIMEOUT / GST_SECOND));
      lq_decoder_free (self);
      return NULL;
    }

  sinkpad = gst_element_get_static_pad (sink, "sink");
  negotiated = gst_pad_get_current_caps (sinkpad);
  if (negotiated == NULL || !gst_audio_info_from_caps (&audio_info, negotiated))
    {
      if (!g_atomic_int_get (&self->linked))
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                     _("“%s” contains no audio"), self->name);
      else
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                     _("“%s”: the decoder produced no audio format"), self->name);
      lq_decoder_free (self);
      return NULL;
    }
  self->rate = GST_AUDIO_INFO_RATE (&audio_info);
  self->channels = GST_AUDIO_INFO_CHANNELS (&audio_info);
  if (gst_element_query_duration (self->pipeline, GST_FORMAT_TIME, &duration) && duration > 0)
    self->n_frames = gst_util_uint64_scale_round (duration, self->rate, GST_SECOND);

  if (!self->eos
      && gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) msg = gst_bus_pop_filtered (self->bus, GST_MESSAGE_ERROR);

      if (msg != NULL)
        set_error_from_message (self, msg, FALSE, error);
      else
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                     _("“%s” could not be decoded"), self->name);
      lq_decoder_free (self);
      return NULL;
    }

  return self;
}

static void
release_sample (LqDecoder *self)
{
  if (self->sample == NULL)
    return;
  gst_buffer_unmap (gst_sample_get_buffer (self->sample), &self->map);
  gst_sample_unref (self->sample);
  self->sample = NULL;
  self->offset = 0;
}

/* Waits for the next sample. Returns FALSE with *error set on failure or cancellation, TRUE
 * with self->sample set, or TRUE with self->eos set at the end. */
static gboolean
next_sample (LqDecoder  *self,
             GError    **error)
{
  while (TRUE)
    {
      g_autoptr(GstMessage) msg = NULL;
      GstSample *sample;
      GstBuffer *buffer;

      if (g_atomic_int_get (&self->cancelled))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Decoding “%s” was cancelled"),
                       self->name);
          return FALSE;
        }
      sample = gst_app_sink_try_pull_sample (self->sink, POLL_INTERVAL);
      if (sample != NULL)
        {
          buffer = gst_sample_get_buffer (sample);
          if (buffer == NULL || !gst_buffer_map (buffer, &self->map, GST_MAP_READ))
            {
              gst_sample_unref (sample);
              continue;
            }
          self->sample = sample;
          self->offset = 0;
          return TRUE;
        }
      /* Errors end the flow without an EOS: look at the bus whenever nothing came. */
      msg = gst_bus_pop_filtered (self->bus, GST_MESSAGE_ERROR);
      if (msg != NULL)
        {
          set_error_from_message (self, msg, TRUE, error);
          return FALSE;
        }
      if (gst_app_sink_is_eos (self->sink))
        {
          self->eos = TRUE;
          return TRUE;
        }
    }
}

/* Copies `count` samples, replacing NaN and infinities with 0; returns how many were bad.
 * Integer operations on the float bits: the compiler vectorizes it like a memcpy. */
static guint64
copy_finite (float       *dst,
             const float *src,
             gsize        count)
{
  const guint32 *in = (const guint32 *) (const void *) src;
  guint32 *out = (guint32 *) (void *) dst;
  guint64 bad = 0;

  for (gsize i = 0; i < count; i++)
    {
      guint32 u = in[i];
      guint32 finite = (u & 0x7f800000u) != 0x7f800000u;

      bad += finite ^ 1u;
      out[i] = u & (0u - finite);
    }
  return bad;
}

/* Converts `count` little-endian samples of the WAV's format into floats; returns how many
 * were not finite (replaced by 0). */
static guint64
convert_wav (const WavInfo *info,
             const guint8  *src,
             float         *dst,
             gsize          count)
{
  guint64 bad = 0;

  if (info->is_float && info->bits == 32)
    {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      bad = copy_finite (dst, (const float *) (const void *) src, count);
#else
      for (gsize i = 0; i < count; i++)
        {
          guint32 u = read_le32 (src + 4 * i);
          float f;

          memcpy (&f, &u, sizeof f);
          bad += !isfinite (f);
          dst[i] = isfinite (f) ? f : 0.0f;
        }
#endif
    }
  else if (info->is_float)
    for (gsize i = 0; i < count; i++)
      {
        guint64 u = (guint64) read_le32 (src + 8 * i) | ((guint64) read_le32 (src + 8 * i + 4) << 32);
        double d;

        memcpy (&d, &u, sizeof d);
        bad += !isfinite (d);
        dst[i] = isfinite (d) ? (float) d : 0.0f;
      }
  else if (info->bits == 16)
    for (gsize i = 0; i < count; i++)
      dst[i] = (gint16) read_le16 (src + 2 * i) * (1.0f / 32768.0f);
  else if (info->bits == 24)
    for (gsize i = 0; i < count; i++)
      {
        const guint8 *p = src + 3 * i;
        gint32 v = (gint32) (((guint32) p[0] << 8) | ((guint32) p[1] << 16) | ((guint32) p[2] << 24));

        dst[i] = (float) v * (1.0f / 2147483648.0f);
      }
  else
    for (gsize i = 0; i < count; i++)
      dst[i] = (float) (gint32) read_le32 (src + 4 * i) * (1.0f / 2147483648.0f);
  return bad;
}

/* lq_decoder_read() for the WAV fast path. */
static gssize
read_wav (LqDecoder  *self,
          float      *frames_out,
          gsize       max_frames,
          GError    **error)
{
  const WavInfo *info = &self->wav_info;
  gsize frames = MIN (max_frames, self->wav_left / info->block_align);
  gsize bytes = frames * info->block_align, got = 0;
  g_autoptr(GError) local_error = NULL;

  if (frames == 0)
    return 0;
  if (self->raw_size < bytes)
    {
      g_free (self->raw);
      self->raw = g_malloc (bytes);
      self->raw_size = bytes;
    }
  if (!g_input_stream_read_all (self->wav, self->raw, bytes, &got, NULL, &local_error)
      || got < bytes)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” is truncated or corrupt: reading stopped after %.1f s (%s)"), self->name,
                   (double) (self->position + got / info->block_align) / self->rate,
                   local_error ? local_error->message : "the file is shorter than its header says");
      return -1;
    }
  self->n_nonfinite += convert_wav (info, self->raw, frames_out, frames * info->channels);
  self->wav_left -= bytes;
  self->position += frames;
  return (gssize) frames;
}

gssize
lq_decoder_read (LqDecoder *self,
                 float     *frames_out,
                 gsize      max_frames,
                 GError   **error)
{
  gsize done = 0;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (frames_out != NULL || max_frames == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (g_atomic_int_get (&self->cancelled))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Decoding “%s” was cancelled"),
                   self->name);
      return -1;
    }
  if (self->wav != NULL)
    return read_wav (self, frames_out, max_frames, error);

  while (done < max_frames)
    {
      gsize avail, n, frame_bytes = self->channels * sizeof (float);

      if (self->sample == NULL)
        {
          if (self->eos)
            break;
          if (!next_sample (self, error))
            return -1;
          if (self->sample == NULL)
            break;
        }
      avail = self->map.size / frame_bytes - self->offset;
      n = MIN (avail, max_frames - done);
      self->n_nonfinite += copy_finite (frames_out + done * self->channels,
                                        (const float *) (const void *) self->map.data + self->offset * self->channels,
                                        n * self->channels);
      done += n;
      self->offset += n;
      if (self->offset * frame_bytes >= self->map.size)
        release_sample (self);
    }

  self->position += done;
  return (gssize) done;
}

guint
lq_decoder_get_rate (LqDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rate;
}

guint
lq_decoder_get_channels (LqDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->channels;
}

guint64
lq_decoder_get_n_frames (LqDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_frames;
}

guint64
lq_decoder_get_position (LqDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->position;
}

guint64
lq_decoder_get_n_nonfinite (LqDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_nonfinite;
}

void
lq_decoder_cancel (LqDecoder *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_int_set (&self->cancelled, 1);
}

void
lq_decoder_free (LqDecoder *self)
{
  if (self == NULL)
    return;
  release_sample (self);
  g_clear_object (&self->wav);
  g_free (self->raw);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_object_unref (self->pipeline);
    }
  g_clear_object (&self->bus);
  g_free (self->name);
  g_free (self);
}
