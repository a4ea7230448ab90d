/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-audio-analyzer"

#include "config.h"

#include <gst/audio/audio.h>

#include "lq-audio-analyzer.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-audio-analyzer
 * @title: LqAudioAnalyzer
 *
 * The streaming part that lqloudness, lqspectrum and lqphase share (see
 * #LqAudioAnalyzerClass): the buffers pass untouched, each is cut at the message interval's
 * boundaries (counted in frames from the buffer's timestamp, so consecutive buffers give
 * exact, gap-free times), the pieces go to the subclass's kernel and each finished interval
 * ends in an element message carrying its times.
 */

#define FALLBACK_INTERVAL (GST_SECOND / 10) /* when a subclass has no `interval` */

typedef struct
{
  /* Properties (GST_OBJECT_LOCK) */
  guint64 interval;       /* ns between messages */
  gboolean post_messages; /* post the messages at all */
  gint reset_pending;     /* (atomic) lq_audio_analyzer_request_reset() was called */

  /* Format, set in setup */
  guint rate;             /* Hz, 0 until a kernel was made */
  guint channels;         /* interleaved channels */

  /* Streaming state (streaming thread only) */
  guint64 interval_frames;     /* frames per message interval */
  guint64 interval_done;       /* frames analysed in the current interval */
  GstClockTime interval_start; /* timestamp of the current interval's first frame */
  GstClockTime next_time;      /* time just after the last frame analysed */
} LqAudioAnalyzerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LqAudioAnalyzer, lq_audio_analyzer, GST_TYPE_AUDIO_FILTER)

GST_DEBUG_CATEGORY_STATIC (lq_audio_analyzer_debug);
#define GST_CAT_DEFAULT lq_audio_analyzer_debug

#define PARAM_FLAGS (G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS)

#define ALLOWED_CAPS \
  "audio/x-raw, format = (string) " GST_AUDIO_NE (F32) ", rate = (int) [ 8000, %u ], " \
  "channels = (int) [ 1, %u ], layout = (string) interleaved"

/* A new stream: the unfinished interval is dropped and the kernel starts again. */
static void
reset_stream (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  LqAudioAnalyzerClass *klass = LQ_AUDIO_ANALYZER_GET_CLASS (self);

  priv->interval_done = 0;
  priv->interval_start = GST_CLOCK_TIME_NONE;
  priv->next_time = GST_CLOCK_TIME_NONE;
  if (priv->rate != 0 && klass->reset)
    klass->reset (self);
}

/* Takes the interval in frames from the properties; returns `post-messages`. */
static gboolean
read_properties (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  guint64 interval;
  gboolean post;

  GST_OBJECT_LOCK (self);
  interval = priv->interval;
  post = priv->post_messages;
  GST_OBJECT_UNLOCK (self);
  priv->interval_frames = MAX (1, gst_util_uint64_scale_round (interval, priv->rate, GST_SECOND));
  return post;
}

/* Time of frame `offset` of a buffer stamped `pts`, counted in frames from the buffer's
 * first sample (so that consecutive buffers give exact, gap-free times). */
static GstClockTime
frame_time (LqAudioAnalyzer *self,
            GstClockTime     pts,
            guint64          offset)
{
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  guint64 first;

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return GST_CLOCK_TIME_NONE;
  first = gst_util_uint64_scale_round (pts, priv->rate, GST_SECOND);
  return gst_util_uint64_scale_int_round (first + offset, GST_SECOND, priv->rate);
}

/* The message's structure with the times of the interval that ends now. Outside a time
 * segment (after a flush, before the next segment) only the timestamps are known. */
static GstStructure *
new_structure (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstClockTime start = priv->interval_start, endtime = priv->next_time;
  GstClockTime duration = GST_CLOCK_TIME_NONE;
  GstClockTime stream_time = GST_CLOCK_TIME_NONE, running_time = GST_CLOCK_TIME_NONE;

  if (GST_CLOCK_TIME_IS_VALID (start) && GST_CLOCK_TIME_IS_VALID (endtime)
      && trans->segment.format == GST_FORMAT_TIME)
    {
      duration = endtime - start;
      stream_time = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, start);
      running_time = gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME, start);
    }
  return gst_structure_new (LQ_AUDIO_ANALYZER_GET_CLASS (self)->message_name,
                            "timestamp", G_TYPE_UINT64, start,
                            "stream-time", G_TYPE_UINT64, stream_time,
                            "running-time", G_TYPE_UINT64, running_time,
                            "duration", G_TYPE_UINT64, duration,
                            "endtime", G_TYPE_UINT64, endtime,
                            NULL);
}

/* The current interval is over: post its message (or let the subclass close it quietly). */
static void
finish_interval (LqAudioAnalyzer *self,
                 gboolean         post)
{
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  LqAudioAnalyzerClass *klass = LQ_AUDIO_ANALYZER_GET_CLASS (self);
  GstStructure *s = post ? new_structure (self) : NULL;

  if (klass->fill_message (self, s) && s != NULL)
    gst_element_post_message (GST_ELEMENT (self),
                              gst_message_new_element (GST_OBJECT (self), g_steal_pointer (&s)));
  g_clear_pointer (&s, gst_structure_free);
  priv->interval_done = 0;
}

static void
lq_audio_analyzer_real_flush (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerClass *klass = LQ_AUDIO_ANALYZER_GET_CLASS (self);

  if (klass->reset)
    klass->reset (self);
}

static gboolean
lq_audio_analyzer_setup (GstAudioFilter     *filter,
                         const GstAudioInfo *info)
{
  LqAudioAnalyzer *self = LQ_AUDIO_ANALYZER (filter);
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  LqAudioAnalyzerClass *klass = LQ_AUDIO_ANALYZER_GET_CLASS (self);
  guint rate = GST_AUDIO_INFO_RATE (info);
  guint channels = GST_AUDIO_INFO_CHANNELS (info);

  if (!klass->setup (self, rate, channels))
    return FALSE;
  priv->rate = rate;
  priv->channels = channels;
  read_properties (self);
  if (klass->sync)
    klass->sync (self);
  reset_stream (self);
  return TRUE;
}

static GstFlowReturn
lq_audio_analyzer_transform_ip (GstBaseTransform *trans,
                                GstBuffer        *buf)
{
  LqAudioAnalyzer *self = LQ_AUDIO_ANALYZER (trans);
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  LqAudioAnalyzerClass *klass = LQ_AUDIO_ANALYZER_GET_CLASS (self);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  gboolean post;
  GstMapInfo map;
  const float *data;
  guint64 frames, done = 0;

  if (priv->rate == 0)
    return GST_FLOW_NOT_NEGOTIATED;

  if (g_atomic_int_compare_and_exchange (&priv->reset_pending, 1, 0))
    reset_stream (self);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    {
      GstClockTime stream_time = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, pts);
      if (GST_CLOCK_TIME_IS_VALID (stream_time))
        gst_object_sync_values (GST_OBJECT (self), stream_time);
    }
  post = read_properties (self);
  if (klass->sync)
    klass->sync (self);

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  frames = map.size / (priv->channels * sizeof (float));
  /* A gap is silence, whatever its memory holds. */
  data = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP) ? NULL : (const float *) (const void *) map.data;

  while (done < frames)
    {
      /* Nothing to add when `interval` shrank below what the current interval already has:
       * it ends here. */
      guint64 todo = priv->interval_done < priv->interval_frames
                     ? MIN (frames - done, priv->interval_frames - priv->interval_done) : 0;

      if (priv->interval_done == 0)
        priv->interval_start = frame_time (self, pts, done);
      if (todo > 0)
        klass->analyze (self, data != NULL ? data + done * priv->channels : NULL, todo);
      done += todo;
      priv->interval_done += todo;
      priv->next_time = frame_time (self, pts, done);

      if (priv->interval_done >= priv->interval_frames)
        finish_interval (self, post);
    }
  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;
}

static gboolean
lq_audio_analyzer_sink_event (GstBaseTransform *trans,
                              GstEvent         *event)
{
  LqAudioAnalyzer *self = LQ_AUDIO_ANALYZER (trans);
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  LqAudioAnalyzerClass *klass = LQ_AUDIO_ANALYZER_GET_CLASS (self);

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_FLUSH_STOP:
      /* A flush drops the part of an interval before it: its times belong to the old
       * segment (after a flushing seek to the very end, EOS follows with no segment at all) */
      priv->interval_done = 0;
      priv->interval_start = GST_CLOCK_TIME_NONE;
      priv->next_time = GST_CLOCK_TIME_NONE;
      if (priv->rate != 0 && klass->flush)
        klass->flush (self);
      break;
    case GST_EVENT_EOS:
      if (klass->post_at_eos && priv->rate != 0 && priv->interval_done > 0
          && trans->segment.format == GST_FORMAT_TIME)
        {
          gboolean post;

          GST_OBJECT_LOCK (self);
          post = priv->post_messages;
          GST_OBJECT_UNLOCK (self);
          if (post)
            finish_interval (self, TRUE);
          priv->interval_done = 0;
        }
      break;
    default:
      break;
    }
  return GST_BASE_TRANSFORM_CLASS (lq_audio_analyzer_parent_class)->sink_event (trans, event);
}

static gboolean
lq_audio_analyzer_start (GstBaseTransform *trans)
{
  reset_stream (LQ_AUDIO_ANALYZER (trans));
  return TRUE;
}

static void
lq_audio_analyzer_constructed (GObject *object)
{
  LqAudioAnalyzer *self = LQ_AUDIO_ANALYZER (object);
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), "interval");

  G_OBJECT_CLASS (lq_audio_analyzer_parent_class)->constructed (object);

  /* The subclass's spec holds its default. */
  if (pspec != NULL && G_IS_PARAM_SPEC_UINT64 (pspec))
    priv->interval = G_PARAM_SPEC_UINT64 (pspec)->default_value;
}

/**
 * lq_audio_analyzer_get_property:
 *
 * The #GObjectClass.get_property of a subclass (GObject does not inherit it): `interval` and
 * `post-messages` (told apart by name, as the subclass owns their specs), and the subclass's
 * properties tied to its fields with lq_gst_util_install_properties().
 */
void
lq_audio_analyzer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LqAudioAnalyzer *self = LQ_AUDIO_ANALYZER (object);
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  const char *name = g_param_spec_get_name (pspec);

  if (!g_str_equal (name, "interval") && !g_str_equal (name, "post-messages"))
    {
      lq_gst_util_get_property (object, prop_id, value, pspec);
      return;
    }
  GST_OBJECT_LOCK (self);
  if (g_str_equal (name, "interval"))
    g_value_set_uint64 (value, priv->interval);
  else
    g_value_set_boolean (value, priv->post_messages);
  GST_OBJECT_UNLOCK (self);
}

/**
 * lq_audio_analyzer_set_property:
 *
 * The #GObjectClass.set_property of a subclass, as lq_audio_analyzer_get_property().
 */
void
lq_audio_analyzer_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LqAudioAnalyzer *self = LQ_AUDIO_ANALYZER (object);
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);
  const char *name = g_param_spec_get_name (pspec);

  if (!g_str_equal (name, "interval") && !g_str_equal (name, "post-messages"))
    {
      lq_gst_util_set_property (object, prop_id, value, pspec);
      return;
    }
  GST_OBJECT_LOCK (self);
  if (g_str_equal (name, "interval"))
    priv->interval = g_value_get_uint64 (value);
  else
    priv->post_messages = g_value_get_boolean (value);
  GST_OBJECT_UNLOCK (self);
}

static void
lq_audio_analyzer_class_init (LqAudioAnalyzerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *filter_class = GST_AUDIO_FILTER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (lq_audio_analyzer_debug, "lqaudioanalyzer", 0, "Lacquer audio analyzer base");

  object_class->constructed = lq_audio_analyzer_constructed;

  trans_class->transform_ip = GST_DEBUG_FUNCPTR (lq_audio_analyzer_transform_ip);
  trans_class->transform_ip_on_passthrough = TRUE;
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->sink_event = GST_DEBUG_FUNCPTR (lq_audio_analyzer_sink_event);
  trans_class->start = GST_DEBUG_FUNCPTR (lq_audio_analyzer_start);
  filter_class->setup = GST_DEBUG_FUNCPTR (lq_audio_analyzer_setup);

  klass->flush = lq_audio_analyzer_real_flush;

  gst_type_mark_as_plugin_api (LQ_TYPE_AUDIO_ANALYZER, 0);
}

static void
lq_audio_analyzer_init (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerPrivate *priv = lq_audio_analyzer_get_instance_private (self);

  priv->interval = FALLBACK_INTERVAL;
  priv->post_messages = TRUE;
  priv->interval_start = GST_CLOCK_TIME_NONE;
  priv->next_time = GST_CLOCK_TIME_NONE;
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
}

/**
 * lq_audio_analyzer_class_add_pad_templates:
 * @klass: a subclass's class, in its class_init
 * @max_rate: highest sample rate in Hz (the lowest is 8 kHz)
 * @max_channels: most channels
 *
 * Adds the sink and src templates: native-endian F32, interleaved, 1 to @max_channels
 * channels at 8 kHz to @max_rate.
 */
void
lq_audio_analyzer_class_add_pad_templates (LqAudioAnalyzerClass *klass,
                                           guint                 max_rate,
                                           guint                 max_channels)
{
  g_autofree char *description = g_strdup_printf (ALLOWED_CAPS, max_rate, max_channels);
  g_autoptr(GstCaps) caps = gst_caps_from_string (description);

  gst_audio_filter_class_add_pad_templates (GST_AUDIO_FILTER_CLASS (klass), caps);
}

/**
 * lq_audio_analyzer_param_spec_interval:
 * @min_interval: the shortest interval in ns
 * @default_interval: the default in ns
 *
 * Returns: (transfer floating): the spec of the `interval` property (up to 10 s), for the
 * subclass to install with its own id.
 */
GParamSpec *
lq_audio_analyzer_param_spec_interval (GstClockTime min_interval,
                                       GstClockTime default_interval)
{
  return g_param_spec_uint64 ("interval", "Interval", "Time between messages in ns",
                              min_interval, 10 * GST_SECOND, default_interval, PARAM_FLAGS);
}

/**
 * lq_audio_analyzer_param_spec_post_messages:
 * @blurb: (not nullable): the description, a static string
 *
 * Returns: (transfer floating): the spec of the `post-messages` property (default %TRUE), for
 * the subclass to install with its own id.
 */
GParamSpec *
lq_audio_analyzer_param_spec_post_messages (const char *blurb)
{
  return g_param_spec_boolean ("post-messages", "Post messages", blurb, TRUE, PARAM_FLAGS);
}

guint
lq_audio_analyzer_get_rate (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerPrivate *priv;

  g_return_val_if_fail (LQ_IS_AUDIO_ANALYZER (self), 0);
  priv = lq_audio_analyzer_get_instance_private (self);
  return priv->rate;
}

/**
 * lq_audio_analyzer_get_interval_frames:
 * @self: an #LqAudioAnalyzer
 *
 * Returns: frames per message interval at the current `interval` and rate (streaming thread:
 * current in @sync and after).
 */
guint64
lq_audio_analyzer_get_interval_frames (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerPrivate *priv;

  g_return_val_if_fail (LQ_IS_AUDIO_ANALYZER (self), 0);
  priv = lq_audio_analyzer_get_instance_private (self);
  return priv->interval_frames;
}

/**
 * lq_audio_analyzer_request_reset:
 * @self: an #LqAudioAnalyzer
 *
 * Starts the analysis again from the next buffer: the unfinished interval is dropped and
 * #LqAudioAnalyzerClass.reset is called on the streaming thread. Thread-safe.
 */
void
lq_audio_analyzer_request_reset (LqAudioAnalyzer *self)
{
  LqAudioAnalyzerPrivate *priv;

  g_return_if_fail (LQ_IS_AUDIO_ANALYZER (self));
  priv = lq_audio_analyzer_get_instance_private (self);
  g_atomic_int_set (&priv->reset_pending, 1);
}
