/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-player"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/app/gstappsrc.h>

#include "lq-album-reader.h"
#include "lq-engine-error.h"
#include "lq-player.h"

#define PUSH_FRAMES 4096 /* ~93 ms at 44.1 kHz per buffer: meters stay lively, seeks quick */

typedef struct
{
  GstClockTime pts;   /* stream time where this stretch of output starts */
  guint64 sample;     /* the album position played at that time */
} Jump;

struct _LqPlayer
{
  GObject parent_instance;

  LqProject *project;
  GstElement *pipeline;
  GstElement *appsrc;
  guint bus_watch;
  guint rate;
  guint64 length;

  /* Streaming state, under lock (appsrc's thread reads, the main thread seeks) */
  GMutex lock;
  LqAlbumReader *reader;
  guint64 next_sample;   /* album position of the next frame pushed */
  GstClockTime out_pts;  /* stream time of the next frame pushed */
  guint64 loop_start;
  guint64 loop_end;      /* 0: no loop */
  GArray *jumps;         /* Jump: where the output continued from another album position */
  gboolean playing;
};

G_DEFINE_FINAL_TYPE (LqPlayer, lq_player, G_TYPE_OBJECT)

enum {
  SIGNAL_EOS,
  SIGNAL_ERROR,
  SIGNAL_METER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
add_jump (LqPlayer     *self,
          GstClockTime  pts,
          guint64       sample)
{
  Jump jump = { pts, sample };

  /* Later jumps replace any that start at the same time or after (a seek back). */
  while (self->jumps->len > 0 && g_array_index (self->jumps, Jump, self->jumps->len - 1).pts >= pts)
    g_array_set_size (self->jumps, self->jumps->len - 1);
  g_array_append_val (self->jumps, jump);
  if (self->jumps->len > 64)
    g_array_remove_index (self->jumps, 0);
}

static void
need_data_cb (GstAppSrc *appsrc,
              guint      length,
              gpointer   user_data)
{
  LqPlayer *self = user_data;
  g_autoptr(GError) error = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  guint64 end;
  gssize n;

  g_mutex_lock (&self->lock);
  end = self->loop_end > self->loop_start ? self->loop_end : self->length;
  if (self->next_sample >= end && self->loop_end > self->loop_start)
    {
      /* The loop: continue from its start without a gap, timestamps running on. */
      lq_album_reader_seek (self->reader, self->loop_start, NULL);
      self->next_sample = self->loop_start;
      add_jump (self, self->out_pts, self->loop_start);
    }
  if (self->next_sample >= end)
    {
      g_mutex_unlock (&self->lock);
      gst_app_src_end_of_stream (appsrc);
      return;
    }

  buffer = gst_buffer_new_allocate (NULL, PUSH_FRAMES * 2 * sizeof (float), NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  n = lq_album_reader_read (self->reader, (float *) map.data, MIN ((guint64) PUSH_FRAMES, end - self->next_sample),
                            NULL, &error);
  gst_buffer_unmap (buffer, &map);
  if (n <= 0)
    {
      g_mutex_unlock (&self->lock);
      gst_buffer_unref (buffer);
      if (n < 0)
        GST_ELEMENT_ERROR (appsrc, STREAM, FAILED, ("%s", error->message), (NULL));
      else
        gst_app_src_end_of_stream (appsrc);
      return;
    }
  gst_buffer_set_size (buffer, n * 2 * sizeof (float));
  GST_BUFFER_PTS (buffer) = self->out_pts;
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale_int_round (n, GST_SECOND, self->rate);
  GST_BUFFER_OFFSET (buffer) = self->next_sample;
  self->out_pts += GST_BUFFER_DURATION (buffer);
  self->next_sample += n;
  g_mutex_unlock (&self->lock);

  gst_app_src_push_buffer (appsrc, buffer);
}

static gboolean
seek_data_cb (GstAppSrc *appsrc,
              guint64    offset,
              gpointer   user_data)
{
  LqPlayer *self = user_data;
  guint64 sample = gst_util_uint64_scale_round (offset, self->rate, GST_SECOND);
  gboolean ok;

  g_mutex_lock (&self->lock);
  sample = MIN (sample, self->length);
  ok = lq_album_reader_seek (self->reader, sample, NULL);
  self->next_sample = sample;
  self->out_pts = offset;
  g_array_set_size (self->jumps, 0);
  add_jump (self, offset, sample);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  LqPlayer *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      self->playing = FALSE;
      g_signal_emit (self, signals[SIGNAL_EOS], 0);
      break;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) err = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &err, &debug);
        g_set_error (&error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID, _("Playback failed: %s"), err->message);
        gst_element_set_state (self->pipeline, GST_STATE_NULL);
        self->playing = FALSE;
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
      }
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_get_structure (message) != NULL)
        g_signal_emit (self, signals[SIGNAL_METER], 0, gst_message_get_structure (message));
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static void
lq_player_dispose (GObject *object)
{
  LqPlayer *self = LQ_PLAYER (object);

  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_object (&self->appsrc);
  g_clear_object (&self->pipeline);
  g_clear_pointer (&self->reader, lq_album_reader_free);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (lq_player_parent_class)->dispose (object);
}

static void
lq_player_finalize (GObject *object)
{
  LqPlayer *self = LQ_PLAYER (object);

  g_array_unref (self->jumps);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lq_player_parent_class)->finalize (object);
}

static void
lq_player_class_init (LqPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lq_player_dispose;
  object_class->finalize = lq_player_finalize;

  signals[SIGNAL_EOS] = g_signal_new ("eos", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_METER] = g_signal_new ("meter", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        GST_TYPE_STRUCTURE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
lq_player_init (LqPlayer *self)
{
  g_mutex_init (&self->lock);
  self->jumps = g_array_new (FALSE, FALSE, sizeof (Jump));
}

/* Adds @factory to the bin and links it after @prev when it exists; returns the new tail. */
static GstElement *
append_optional (GstBin     *bin,
                 GstElement *prev,
                 const char *factory)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    return prev;
  gst_bin_add (bin, element);
  if (!gst_element_link (prev, element))
    {
      gst_bin_remove (bin, element);
      return prev;
    }
  return element;
}

/**
 * lq_player_new:
 * @sink: (transfer floating) (nullable): the audio sink; %NULL for autoaudiosink
 *
 * Returns: (transfer full) (nullable): a player for @project as it is now (later edits need a
 *   new player), paused at the start
 */
LqPlayer *
lq_player_new (LqProject   *project,
               GstElement  *sink,
               GError     **error)
{
  g_autoptr(LqPlayer) self = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *convert, *resample, *tail;
  GstAppSrcCallbacks callbacks = { need_data_cb, NULL, seek_data_cb, { NULL } };

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  self = g_object_new (LQ_TYPE_PLAYER, NULL);
  self->project = g_object_ref (project);
  self->reader = lq_album_reader_new (project, error);
  if (self->reader == NULL)
    {
      if (sink != NULL)
        gst_object_ref_sink (sink), gst_object_unref (sink);
      return NULL;
    }
  lq_album_reader_set_keep_tracks (self->reader, TRUE);
  self->rate = lq_project_get_rate (project);
  self->length = lq_album_reader_get_length (self->reader);
  add_jump (self, 0, 0);

  if (sink == NULL)
    sink = gst_element_factory_make ("autoaudiosink", NULL);
  if (sink == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("No audio output is available (the GStreamer sink could not be made)"));
      return NULL;
    }

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("lacquer-player"));
  self->appsrc = gst_object_ref (gst_element_factory_make ("appsrc", "album"));
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, G_BYTE_ORDER == G_LITTLE_ENDIAN ? "F32LE" : "F32BE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) self->rate,
                              "channels", G_TYPE_INT, 2,
                              "channel-mask", GST_TYPE_BITMASK, (guint64) 0x3,
                              NULL);
  g_object_set (self->appsrc, "caps", caps, "format", GST_FORMAT_TIME,
                "stream-type", GST_APP_STREAM_TYPE_SEEKABLE, "max-bytes", (guint64) (PUSH_FRAMES * 8 * 4), NULL);
  gst_app_src_set_callbacks (GST_APP_SRC (self->appsrc), &callbacks, self, NULL);
  gst_app_src_set_duration (GST_APP_SRC (self->appsrc), gst_util_uint64_scale_int_round (self->length, GST_SECOND, self->rate));

  gst_bin_add_many (GST_BIN (self->pipeline), self->appsrc, convert, resample, sink, NULL);
  tail = self->appsrc;
  tail = append_optional (GST_BIN (self->pipeline), tail, "lqloudness");
  tail = append_optional (GST_BIN (self->pipeline), tail, "lqspectrum");
  tail = append_optional (GST_BIN (self->pipeline), tail, "lqphase");
  if (!gst_element_link_many (tail, convert, resample, sink, NULL))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The audio output cannot play %u Hz stereo audio"), self->rate);
      return NULL;
    }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The audio output could not be opened"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * lq_player_get_pipeline:
 *
 * Returns: (transfer none): the playback pipeline
 */
GstElement *
lq_player_get_pipeline (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), NULL);
  return self->pipeline;
}

gboolean
lq_player_play (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);

  self->playing = gst_element_set_state (self->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
  return self->playing;
}

gboolean
lq_player_pause (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);

  self->playing = FALSE;
  return gst_element_set_state (self->pipeline, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE;
}

void
lq_player_stop (LqPlayer *self)
{
  g_return_if_fail (LQ_IS_PLAYER (self));

  lq_player_pause (self);
  lq_player_seek (self, 0);
}

gboolean
lq_player_get_playing (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);
  return self->playing;
}

/**
 * lq_player_seek:
 *
 * Moves playback to album sample @sample (sample-accurate).
 */
gboolean
lq_player_seek (LqPlayer *self,
                guint64   sample)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), FALSE);

  sample = MIN (sample, self->length);
  return gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                                  GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                  gst_util_uint64_scale_int_round (sample, GST_SECOND, self->rate));
}

/**
 * lq_player_get_position:
 *
 * Returns: the album sample being heard now
 */
guint64
lq_player_get_position (LqPlayer *self)
{
  gint64 pos = 0;
  guint64 sample = 0;

  g_return_val_if_fail (LQ_IS_PLAYER (self), 0);

  if (!gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &pos) || pos < 0)
    return 0;
  g_mutex_lock (&self->lock);
  for (guint i = self->jumps->len; i > 0; i--)
    {
      Jump *jump = &g_array_index (self->jumps, Jump, i - 1);
      if (jump->pts <= (GstClockTime) pos)
        {
          sample = jump->sample + gst_util_uint64_scale_round (pos - jump->pts, self->rate, GST_SECOND);
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return MIN (sample, self->length);
}

guint64
lq_player_get_length (LqPlayer *self)
{
  g_return_val_if_fail (LQ_IS_PLAYER (self), 0);
  return self->length;
}

/**
 * lq_player_set_loop:
 *
 * Loops playback over [@start, @end) album samples, gapless; @end <= @start turns it off.
 */
void
lq_player_set_loop (LqPlayer *self,
                    guint64   start,
                    guint64   end)
{
  g_return_if_fail (LQ_IS_PLAYER (self));

  g_mutex_lock (&self->lock);
  self->loop_start = MIN (start, self->length);
  self->loop_end = MIN (end, self->length);
  g_mutex_unlock (&self->lock);
}
