/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-flac-writer"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gst/app/gstappsrc.h>
#include <gst/audio/audio.h>
#include <gst/gst.h>

#include "lq-engine-error.h"
#include "lq-flac-writer.h"

/* The most audio queued in appsrc before a push blocks. */
#define MAX_QUEUED_BYTES (1 << 20)

struct _LqFlacWriter
{
  GFile *file;             /* the file written */
  GstElement *pipeline;    /* appsrc ! flacenc|wavenc ! filesink */
  GstElement *src;         /* the appsrc, borrowed from the pipeline */
  GstBus *bus;             /* the pipeline's bus, polled for errors */
  guint channels;          /* interleaved channels */
  guint rate;              /* Hz */
  guint bits;              /* 16 or 24 */
  guint64 frames;          /* frames pushed so far (for timestamps) */
  gboolean finished;       /* EOS reached: the file is complete and is kept */
};

static void
set_error_from_message (LqFlacWriter  *self,
                        GstMessage    *msg,
                        GError       **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  const char *reason;

  gst_message_parse_error (msg, &gst_error, &debug);
  g_debug ("%s", debug ? debug : "");
  /* GStreamer's message is generic ("Could not write to resource."); the system's reason
   * ("No space left on device") ends its debug text. */
  reason = debug != NULL ? strrchr (debug, '\n') : NULL;
  reason = reason != NULL ? strrchr (reason, ':') : NULL;
  if (reason != NULL && reason[1] == ' ' && reason[2] != '\0')
    g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE, _("Cannot write “%s”: %s (%s)"),
                 g_file_peek_path (self->file), gst_error->message, reason + 2);
  else
    g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE, _("Cannot write “%s”: %s"),
                 g_file_peek_path (self->file), gst_error->message);
}

/* Takes the first error posted on the bus, if any, into @error. */
static gboolean
take_bus_error (LqFlacWriter  *self,
                GError       **error)
{
  g_autoptr(GstMessage) msg = gst_bus_pop_filtered (self->bus, GST_MESSAGE_ERROR);

  if (msg == NULL)
    return FALSE;
  set_error_from_message (self, msg, error);
  return TRUE;
}

static GstElement *
make_element (const char  *factory,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                 _("The GStreamer element “%s” is missing; install gst-plugins-good"), factory);
  return element;
}

/* RIFF INFO has no album artist (GStreamer would write it as ISBJ, the subject) and no track
 * number: WAV files get the rest. */
static GstTagList *
make_tag_list (const LqTrackTags *tags,
               LqAudioFileFormat  format)
{
  GstTagList *list = gst_tag_list_new_empty ();
  const struct { const char *tag; const char *value; } strings[] = {
    { GST_TAG_TITLE, tags->title },
    { GST_TAG_ARTIST, tags->artist },
    { GST_TAG_ALBUM, tags->album },
    { GST_TAG_ALBUM_ARTIST, format == LQ_AUDIO_FILE_FLAC ? tags->album_artist : NULL },
    { GST_TAG_COMPOSER, tags->composer },
    { GST_TAG_GENRE, tags->genre },
    { GST_TAG_ISRC, tags->isrc },
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    if (strings[i].value != NULL && strings[i].value[0] != '\0')
      gst_tag_list_add (list, GST_TAG_MERGE_REPLACE, strings[i].tag, strings[i].value, NULL);
  if (tags->track_number > 0)
    gst_tag_list_add (list, GST_TAG_MERGE_REPLACE, GST_TAG_TRACK_NUMBER, (guint) tags->track_number, NULL);
  if (tags->track_count > 0)
    gst_tag_list_add (list, GST_TAG_MERGE_REPLACE, GST_TAG_TRACK_COUNT, (guint) tags->track_count, NULL);
  if (tags->year > 0)
    {
      g_autoptr(GstDateTime) date = gst_date_time_new_y ((int) tags->year);

      gst_tag_list_add (list, GST_TAG_MERGE_REPLACE, GST_TAG_DATE_TIME, date, NULL);
    }
  return list;
}

const char *
lq_audio_file_format_to_extension (LqAudioFileFormat format)
{
  return format == LQ_AUDIO_FILE_WAV ? "wav" : "flac";
}

/**
 * lq_flac_writer_new:
 * @file: the file to write (replaced if it exists)
 * @channels: 1 or 2
 * @rate: sample rate, Hz
 * @bits: 16 or 24
 * @tags: (nullable): what to tag the file with
 *
 * Starts writing @file. Returns: (transfer full) (nullable): a writer, %NULL with @error set
 *   (LQ_ENGINE_ERROR_UNSUPPORTED when an encoder is missing, LQ_ENGINE_ERROR_WRITE when the
 *   file cannot be created)
 */
LqFlacWriter *
lq_flac_writer_new (GFile              *file,
                    LqAudioFileFormat   format,
                    guint               channels,
                    guint               rate,
                    guint               bits,
                    const LqTrackTags  *tags,
                    GError            **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(LqFlacWriter) self = NULL;
  GstElement *encoder, *sink;
  GstAudioInfo info;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (channels == 1 || channels == 2, NULL);
  g_return_val_if_fail (bits == 16 || bits == 24, NULL);
  g_return_val_if_fail (rate > 0, NULL);

  self = g_new0 (LqFlacWriter, 1);
  self->file = g_object_ref (file);
  self->channels = channels;
  self->rate = rate;
  self->bits = bits;
  /* Until the pipeline has created the file, there is nothing to delete on failure. */
  self->finished = TRUE;

  self->src = make_element ("appsrc", error);
  if (self->src == NULL)
    return NULL;
  encoder = make_element (format == LQ_AUDIO_FILE_WAV ? "wavenc" : "flacenc", error);
  if (encoder == NULL)
    {
      gst_object_unref (gst_object_ref_sink (self->src));
      return NULL;
    }
  sink = make_element ("filesink", error);
  if (sink == NULL)
    {
      gst_object_unref (gst_object_ref_sink (self->src));
      gst_object_unref (gst_object_ref_sink (encoder));
      return NULL;
    }

  gst_audio_info_init (&info);
  gst_audio_info_set_format (&info, bits == 16 ? GST_AUDIO_FORMAT_S16LE : GST_AUDIO_FORMAT_S24LE,
                             (int) rate, (int) channels, NULL);
  caps = gst_audio_info_to_caps (&info);
  g_object_set (self->src,
                "caps", caps,
                "format", GST_FORMAT_TIME,
                "is-live", FALSE,
                "block", TRUE,
                "max-bytes", (guint64) MAX_QUEUED_BYTES,
                "stream-type", GST_APP_STREAM_TYPE_STREAM,
                NULL);
  g_object_set (sink, "location", g_file_peek_path (file), "sync", FALSE, "async", FALSE,
                "enable-last-sample", FALSE, NULL);
  /* Our buffers are large already; filesink's own batching of buffers also re-sent freed
   * memory after a failed write (GStreamer 1.22, seen with valgrind on a full disk). */
  gst_util_set_object_arg (G_OBJECT (sink), "buffer-mode", "unbuffered");
  if (tags != NULL)
    {
      g_autoptr(GstTagList) list = make_tag_list (tags, format);

      gst_tag_setter_merge_tags (GST_TAG_SETTER (encoder), list, GST_TAG_MERGE_REPLACE_ALL);
    }

  self->pipeline = gst_pipeline_new ("lq-flac-writer");
  gst_bin_add_many (GST_BIN (self->pipeline), self->src, encoder, sink, NULL);
  if (!gst_element_link_many (self->src, encoder, sink, NULL))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("Cannot encode %u-bit audio at %u Hz with %u channels into “%s”"),
                   bits, rate, channels, g_file_peek_path (file));
      return NULL;
    }
  self->bus = gst_element_get_bus (self->pipeline);

  self->finished = FALSE;
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!take_bus_error (self, error))
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE, _("Cannot write “%s”"),
                     g_file_peek_path (file));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * lq_flac_writer_write:
 * @samples: @frames × channels interleaved integers in the file's range (±2^15 or ±2^23;
 *   values outside are clamped)
 *
 * Appends @frames frames. Blocks while the encoder catches up.
 */
gboolean
lq_flac_writer_write (LqFlacWriter  *self,
                      const gint32  *samples,
                      gsize          frames,
                      GCancellable  *cancellable,
                      GError       **error)
{
  gsize n = frames * self->channels;
  gsize width = self->bits / 8;
  gint32 max = (1 << (self->bits - 1)) - 1;
  gint32 min = -max - 1;
  guint8 *bytes;
  GstBuffer *buffer;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || take_bus_error (self, error))
    return FALSE;
  if (frames == 0)
    return TRUE;

  bytes = g_malloc (n * width);
  for (gsize i = 0; i < n; i++)
    {
      gint32 s = CLAMP (samples[i], min, max);
      guint32 u = (guint32) s;

      bytes[i * width] = u & 0xff;
      bytes[i * width + 1] = (u >> 8) & 0xff;
      if (width == 3)
        bytes[i * width + 2] = (u >> 16) & 0xff;
    }
  buffer = gst_buffer_new_wrapped (bytes, n * width);
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (self->frames, GST_SECOND, self->rate);
  GST_BUFFER_DURATION (buffer) =
    gst_util_uint64_scale (self->frames + frames, GST_SECOND, self->rate) - GST_BUFFER_PTS (buffer);
  GST_BUFFER_OFFSET (buffer) = self->frames;
  GST_BUFFER_OFFSET_END (buffer) = self->frames + frames;
  self->frames += frames;

  if (gst_app_src_push_buffer (GST_APP_SRC (self->src), buffer) != GST_FLOW_OK)
    {
      if (!take_bus_error (self, error))
        g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE, _("Cannot write “%s”"),
                     g_file_peek_path (self->file));
      return FALSE;
    }
  return TRUE;
}

/**
 * lq_flac_writer_finish:
 *
 * Ends the stream and waits until the file is complete (the encoder has rewritten its header
 * with the final length). On failure the file is deleted when the writer is freed.
 */
gboolean
lq_flac_writer_finish (LqFlacWriter  *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || take_bus_error (self, error))
    return FALSE;
  gst_app_src_end_of_stream (GST_APP_SRC (self->src));
  for (;;)
    {
      g_autoptr(GstMessage) msg =
        gst_bus_timed_pop_filtered (self->bus, 100 * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (msg == NULL)
        continue;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        {
          set_error_from_message (self, msg, error);
          return FALSE;
        }
      break;
    }
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  self->finished = TRUE;
  return TRUE;
}

/**
 * lq_flac_writer_free:
 *
 * Stops the writer; deletes the file unless lq_flac_writer_finish() succeeded.
 */
void
lq_flac_writer_free (LqFlacWriter *self)
{
  if (self == NULL)
    return;
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_object_unref (self->pipeline);
    }
  if (!self->finished)
    g_file_delete (self->file, NULL, NULL);
  g_clear_object (&self->bus);
  g_clear_object (&self->file);
  g_free (self);
}
