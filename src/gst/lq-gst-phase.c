/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-phase"

#include "config.h"

#include <math.h>

#include <gst/audio/audio.h>

#include "lq-correlation.h"
#include "lq-gst-phase.h"

/**
 * SECTION:lq-gst-phase
 * @title: lqphase
 *
 * A passthrough stereo analyzer for the correlation meter and the goniometer (the kernel of
 * lq-correlation.h). The audio leaves untouched; no latency.
 *
 * Every `interval` of stream time it posts an element message named `lqphase` with:
 *
 * - `timestamp`, `stream-time`, `running-time`, `duration`, `endtime` (GstClockTime): the
 *   interval the message closes, as in `level`'s messages;
 * - `correlation` (gdouble): the phase correlation, -1..+1, averaged with `time-constant`
 *   (0 when a channel is silent);
 * - `mid`, `side` (gdouble): RMS levels of M = (L + R) / 2 and S = (L - R) / 2 in dB
 *   (a full-scale sine in phase on both channels gives mid -3.01 dB), same averaging,
 *   floored at -200 dB;
 * - `scope` (GBytes): up to `scope-points` (L, R) pairs of native-endian float32, oldest
 *   first, taken evenly (one frame in ceil (interval frames / scope-points)) from the
 *   interval, for the goniometer; `scope-points` (guint) tells how many there are.
 *
 * A mono stream is analysed as two identical channels.
 *
 * |[
 * gst-launch-1.0 -m filesrc location=in.flac ! decodebin ! audioconvert ! \
 *   lqphase interval=100000000 ! autoaudiosink
 * ]|
 */

#define DEFAULT_TIME_CONSTANT 300.0
#define DEFAULT_INTERVAL (GST_SECOND / 30)
#define DEFAULT_SCOPE_POINTS 512
#define FLOOR_DB (-200.0)

struct _LqGstPhase
{
  GstAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  double time_constant;   /* ms */
  guint64 interval;       /* ns between messages */
  guint scope_points;     /* most scope pairs per message, 0 = no scope */
  gboolean post_messages; /* post the messages at all */

  /* Streaming state (streaming thread only) */
  LqCorrelation *kernel;        /* NULL before caps */
  guint rate;                   /* Hz */
  guint channels;               /* 1 or 2 */
  double time_constant_applied; /* last value copied into the kernel */
  guint64 interval_frames;      /* frames per message interval */
  guint64 interval_done;        /* frames analysed in the current interval */
  GstClockTime interval_start;  /* timestamp of the current interval's first frame */
  guint scope_max;              /* scope_points as last copied */
  float *scope;                 /* room for scope_max pairs */
};

G_DEFINE_FINAL_TYPE (LqGstPhase, lq_gst_phase, GST_TYPE_AUDIO_FILTER)

GST_ELEMENT_REGISTER_DEFINE (lqphase, "lqphase", GST_RANK_NONE, LQ_TYPE_GST_PHASE);

GST_DEBUG_CATEGORY_STATIC (lq_gst_phase_debug);
#define GST_CAT_DEFAULT lq_gst_phase_debug

enum {
  PROP_0,
  PROP_TIME_CONSTANT,
  PROP_INTERVAL,
  PROP_SCOPE_POINTS,
  PROP_POST_MESSAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define ALLOWED_CAPS \
  "audio/x-raw, format = (string) " GST_AUDIO_NE (F32) ", rate = (int) [ 8000, 384000 ], " \
  "channels = (int) [ 1, 2 ], layout = (string) interleaved"

/* Copies the properties into the kernel. The scope buffer is (re)allocated only when
 * `scope-points` grows, which a UI does not do while playing. */
static void
sync_kernel (LqGstPhase *self)
{
  double time_constant;
  guint64 interval;
  guint scope_points;

  GST_OBJECT_LOCK (self);
  time_constant = self->time_constant;
  interval = self->interval;
  scope_points = self->scope_points;
  GST_OBJECT_UNLOCK (self);

  if (time_constant != self->time_constant_applied)
    {
      lq_correlation_set_time_constant (self->kernel, time_constant);
      self->time_constant_applied = time_constant;
    }
  self->interval_frames = MAX (1, gst_util_uint64_scale_round (interval, self->rate, GST_SECOND));
  if (scope_points > self->scope_max || self->scope == NULL)
    {
      g_free (self->scope);
      self->scope = g_new (float, 2 * (gsize) MAX (scope_points, 1));
    }
  self->scope_max = scope_points;
  lq_correlation_set_scope_decimation (self->kernel,
                                       scope_points > 0
                                       ? (guint) MIN ((self->interval_frames + scope_points - 1) / scope_points, G_MAXUINT)
                                       : G_MAXUINT);
}

static void
reset_stream (LqGstPhase *self)
{
  if (self->kernel != NULL)
    lq_correlation_reset (self->kernel);
  self->interval_done = 0;
  self->interval_start = GST_CLOCK_TIME_NONE;
}

/* Time of frame `offset` of a buffer stamped `pts`, counted in frames from the buffer's
 * first sample (so that consecutive buffers give exact, gap-free times). */
static GstClockTime
frame_time (LqGstPhase   *self,
            GstClockTime  pts,
            guint64       offset)
{
  guint64 first;

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return GST_CLOCK_TIME_NONE;
  first = gst_util_uint64_scale_round (pts, self->rate, GST_SECOND);
  return gst_util_uint64_scale_int_round (first + offset, GST_SECOND, self->rate);
}

static GstMessage *
make_message (LqGstPhase   *self,
              GstClockTime  endtime)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstClockTime start = self->interval_start;
  GstClockTime duration = GST_CLOCK_TIME_NONE;
  GstClockTime stream_time = GST_CLOCK_TIME_NONE, running_time = GST_CLOCK_TIME_NONE;
  gsize n = self->scope_max > 0 ? lq_correlation_take_scope (self->kernel, self->scope, self->scope_max) : 0;
  g_autoptr(GBytes) scope = g_bytes_new (self->scope, n * 2 * sizeof (float));
  GstStructure *s;

  if (GST_CLOCK_TIME_IS_VALID (start))
    {
      duration = endtime - start;
      stream_time = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, start);
      running_time = gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME, start);
    }
  s = gst_structure_new ("lqphase",
                         "timestamp", G_TYPE_UINT64, start,
                         "stream-time", G_TYPE_UINT64, stream_time,
                         "running-time", G_TYPE_UINT64, running_time,
                         "duration", G_TYPE_UINT64, duration,
                         "endtime", G_TYPE_UINT64, endtime,
                         "correlation", G_TYPE_DOUBLE, lq_correlation_get_correlation (self->kernel),
                         "mid", G_TYPE_DOUBLE, MAX (lq_correlation_get_mid_db (self->kernel), FLOOR_DB),
                         "side", G_TYPE_DOUBLE, MAX (lq_correlation_get_side_db (self->kernel), FLOOR_DB),
                         "scope-points", G_TYPE_UINT, (guint) n,
                         "scope", G_TYPE_BYTES, scope,
                         NULL);
  return gst_message_new_element (GST_OBJECT (self), s);
}

static gboolean
lq_gst_phase_setup (GstAudioFilter     *filter,
                    const GstAudioInfo *info)
{
  LqGstPhase *self = LQ_GST_PHASE (filter);
  guint rate = GST_AUDIO_INFO_RATE (info);
  guint channels = GST_AUDIO_INFO_CHANNELS (info);
  LqCorrelation *kernel = lq_correlation_new (rate, channels);

  if (kernel == NULL)
    {
      GST_ERROR_OBJECT (self, "cannot analyse %u channels at %u Hz", channels, rate);
      return FALSE;
    }
  g_clear_pointer (&self->kernel, lq_correlation_free);
  self->kernel = kernel;
  self->rate = rate;
  self->channels = channels;
  self->time_constant_applied = -1.0;
  sync_kernel (self);
  reset_stream (self);
  return TRUE;
}

static GstFlowReturn
lq_gst_phase_transform_ip (GstBaseTransform *trans,
                           GstBuffer        *buf)
{
  LqGstPhase *self = LQ_GST_PHASE (trans);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  gboolean post;
  GstMapInfo map;
  const float *data;
  guint64 frames, done = 0;

  if (self->kernel == NULL)
    return GST_FLOW_NOT_NEGOTIATED;

  if (GST_CLOCK_TIME_IS_VALID (pts))
    {
      GstClockTime stream_time = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, pts);
      if (GST_CLOCK_TIME_IS_VALID (stream_time))
        gst_object_sync_values (GST_OBJECT (self), stream_time);
    }
  sync_kernel (self);
  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  frames = map.size / (self->channels * sizeof (float));
  data = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP) ? NULL : (const float *) map.data;

  while (done < frames)
    {
      guint64 todo = MIN (frames - done, self->interval_frames - self->interval_done);

      if (self->interval_done == 0)
        self->interval_start = frame_time (self, pts, done);
      lq_correlation_process (self->kernel, data ? data + done * self->channels : NULL, todo);
      done += todo;
      self->interval_done += todo;

      if (self->interval_done >= self->interval_frames)
        {
          GstClockTime endtime = frame_time (self, pts, done);

          if (post)
            gst_element_post_message (GST_ELEMENT (self), make_message (self, endtime));
          self->interval_done = 0;
        }
    }
  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;
}

static gboolean
lq_gst_phase_sink_event (GstBaseTransform *trans,
                         GstEvent         *event)
{
  LqGstPhase *self = LQ_GST_PHASE (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    reset_stream (self);
  return GST_BASE_TRANSFORM_CLASS (lq_gst_phase_parent_class)->sink_event (trans, event);
}

static gboolean
lq_gst_phase_start (GstBaseTransform *trans)
{
  reset_stream (LQ_GST_PHASE (trans));
  return TRUE;
}

static void
lq_gst_phase_finalize (GObject *object)
{
  LqGstPhase *self = LQ_GST_PHASE (object);

  g_clear_pointer (&self->kernel, lq_correlation_free);
  g_clear_pointer (&self->scope, g_free);

  G_OBJECT_CLASS (lq_gst_phase_parent_class)->finalize (object);
}

static void
lq_gst_phase_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LqGstPhase *self = LQ_GST_PHASE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_TIME_CONSTANT:
      g_value_set_double (value, self->time_constant);
      break;
    case PROP_INTERVAL:
      g_value_set_uint64 (value, self->interval);
      break;
    case PROP_SCOPE_POINTS:
      g_value_set_uint (value, self->scope_points);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
}

static void
lq_gst_phase_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LqGstPhase *self = LQ_GST_PHASE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_TIME_CONSTANT:
      self->time_constant = g_value_get_double (value);
      break;
    case PROP_INTERVAL:
      self->interval = g_value_get_uint64 (value);
      break;
    case PROP_SCOPE_POINTS:
      self->scope_points = g_value_get_uint (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
}

static void
lq_gst_phase_class_init (LqGstPhaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *filter_class = GST_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;
  g_autoptr(GstCaps) caps = gst_caps_from_string (ALLOWED_CAPS);

  GST_DEBUG_CATEGORY_INIT (lq_gst_phase_debug, "lqphase", 0, "Lacquer correlation and goniometer");

  object_class->finalize = lq_gst_phase_finalize;
  object_class->get_property = lq_gst_phase_get_property;
  object_class->set_property = lq_gst_phase_set_property;

  trans_class->transform_ip = GST_DEBUG_FUNCPTR (lq_gst_phase_transform_ip);
  trans_class->transform_ip_on_passthrough = TRUE;
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->sink_event = GST_DEBUG_FUNCPTR (lq_gst_phase_sink_event);
  trans_class->start = GST_DEBUG_FUNCPTR (lq_gst_phase_start);
  filter_class->setup = GST_DEBUG_FUNCPTR (lq_gst_phase_setup);

  gst_audio_filter_class_add_pad_templates (filter_class, caps);
  gst_element_class_set_static_metadata (element_class, "Lacquer phase meter",
                                         "Filter/Analyzer/Audio",
                                         "Posts phase correlation, mid/side levels and goniometer points",
                                         "Lacquer developers");

  properties[PROP_TIME_CONSTANT] =
    g_param_spec_double ("time-constant", "Time constant",
                         "Averaging time constant of the correlation and the levels in ms",
                         1.0, 60000.0, DEFAULT_TIME_CONSTANT, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_INTERVAL] =
    g_param_spec_uint64 ("interval", "Interval", "Time between messages in ns",
                         GST_MSECOND, GST_SECOND * 10, DEFAULT_INTERVAL, flags);
  properties[PROP_SCOPE_POINTS] =
    g_param_spec_uint ("scope-points", "Scope points",
                       "Most goniometer (L, R) pairs per message (0: none)",
                       0, LQ_CORRELATION_SCOPE_POINTS, DEFAULT_SCOPE_POINTS, flags);
  properties[PROP_POST_MESSAGES] =
    g_param_spec_boolean ("post-messages", "Post messages", "Post the messages on the bus",
                          TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lq_gst_phase_init (LqGstPhase *self)
{
  self->time_constant = DEFAULT_TIME_CONSTANT;
  self->interval = DEFAULT_INTERVAL;
  self->scope_points = DEFAULT_SCOPE_POINTS;
  self->post_messages = TRUE;
  self->interval_start = GST_CLOCK_TIME_NONE;
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
}
