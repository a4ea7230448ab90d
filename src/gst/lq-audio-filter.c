/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-audio-filter"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/audio/audio.h>

#include "lq-audio-filter.h"

#define BYPASS_FADE_MS 10.0

typedef struct
{
  /* Format, set in setup */
  guint rate;     /* sample rate in Hz, 0 before caps */
  guint channels; /* 1 or 2 */

  /* Properties (GST_OBJECT_LOCK) */
  gboolean bypass; /* asked-for bypass state */

  /* Streaming state (streaming thread only) */
  guint latency;        /* kernel latency in frames when last checked */
  guint64 pending_trim; /* output frames still to drop for latency compensation */
  guint64 owed;         /* frames dropped so far, to be drained at EOS */
  guint64 out_offset;   /* frames output since the stream's first buffer */
  GstClockTime base_pts; /* timestamp of output frame 0, NONE until the first buffer */
  gboolean discont;     /* mark the next output buffer DISCONT */
  double bypass_mix;    /* current crossfade position: 0 processed .. 1 dry */
  float *ring;          /* the input (dry path), power-of-two length >= latency + block */
  guint ring_mask;      /* ring length - 1 (in frames) */
  guint ring_pos;       /* next write position in frames */
} LqAudioFilterPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LqAudioFilter, lq_audio_filter, GST_TYPE_AUDIO_FILTER)

enum {
  PROP_0,
  PROP_BYPASS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GST_DEBUG_CATEGORY_STATIC (lq_audio_filter_debug);
#define GST_CAT_DEFAULT lq_audio_filter_debug

#define ALLOWED_CAPS \
  "audio/x-raw, format = (string) " GST_AUDIO_NE (F32) ", rate = (int) [ 44100, 192000 ], " \
  "channels = (int) [ 1, 2 ], layout = (string) interleaved"

static guint
query_latency (LqAudioFilter *self)
{
  LqAudioFilterClass *klass = LQ_AUDIO_FILTER_GET_CLASS (self);

  return klass->get_latency ? klass->get_latency (self) : 0;
}

/* Makes sure the dry delay line holds a block of @frames plus the latency. */
static void
ensure_ring (LqAudioFilter *self,
             guint          frames)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  guint need = 1;

  while (need < priv->latency + frames + 1)
    need <<= 1;
  if (priv->ring != NULL && need <= priv->ring_mask + 1)
    return;
  {
    /* Grow, keeping the last frames written so the delayed path stays continuous. */
    guint ch = MAX (priv->channels, 1);
    guint old_len = priv->ring ? priv->ring_mask + 1 : 0;
    float *ring = g_new0 (float, (gsize) need * ch);

    for (guint i = 0; i < old_len; i++)
      {
        guint from = (priv->ring_pos + i) & priv->ring_mask;
        memcpy (ring + (gsize) (need - old_len + i) * ch, priv->ring + (gsize) from * ch, ch * sizeof (float));
      }
    g_free (priv->ring);
    priv->ring = ring;
    priv->ring_mask = need - 1;
    priv->ring_pos = 0;
  }
}

static void
reset_stream (LqAudioFilter *self)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  LqAudioFilterClass *klass = LQ_AUDIO_FILTER_GET_CLASS (self);

  if (priv->rate == 0)
    return;
  if (klass->reset)
    klass->reset (self);
  priv->latency = query_latency (self);
  ensure_ring (self, 1);
  memset (priv->ring, 0, (gsize) (priv->ring_mask + 1) * priv->channels * sizeof (float));
  priv->ring_pos = 0;
  priv->pending_trim = priv->latency;
  priv->owed = 0;
  priv->out_offset = 0;
  priv->base_pts = GST_CLOCK_TIME_NONE;
  priv->discont = TRUE;
  GST_OBJECT_LOCK (self);
  priv->bypass_mix = priv->bypass ? 1.0 : 0.0; /* no fade at the start of a stream */
  GST_OBJECT_UNLOCK (self);
}

/* Copies @frames frames between @data and the ring at frame @pos (wrapping). */
static void
ring_copy (LqAudioFilterPrivate *priv,
           float                *data,
           guint                 pos,
           guint                 frames,
           gboolean              to_ring)
{
  guint ch = priv->channels;
  guint first = MIN (frames, priv->ring_mask + 1 - pos);
  float *ring = priv->ring;

  if (to_ring)
    {
      memcpy (ring + (gsize) pos * ch, data, (gsize) first * ch * sizeof (float));
      memcpy (ring, data + (gsize) first * ch, (gsize) (frames - first) * ch * sizeof (float));
    }
  else
    {
      memcpy (data, ring + (gsize) pos * ch, (gsize) first * ch * sizeof (float));
      memcpy (data + (gsize) first * ch, ring, (gsize) (frames - first) * ch * sizeof (float));
    }
}

typedef guint32 LqU4 __attribute__ ((vector_size (16)));

/* Whether any of the @n floats of @data is NaN or infinite: the exponent bits, sixteen floats
 * per step in four independent vectors (one chain of ORs would wait on itself). */
static gboolean
has_nonfinite (const float *data,
               gsize        n)
{
  const LqU4 exp_mask = { 0x7f800000u, 0x7f800000u, 0x7f800000u, 0x7f800000u };
  LqU4 bad[4] = { { 0 }, { 0 }, { 0 }, { 0 } };
  guint32 tail = 0;
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 4; k++)
      {
        LqU4 v;

        memcpy (&v, data + i + 4 * k, sizeof v);
        bad[k] |= (LqU4) ((v & exp_mask) == exp_mask);
      }
  bad[0] |= bad[1] | bad[2] | bad[3];
  for (; i < n; i++)
    {
      guint32 bits;

      memcpy (&bits, data + i, sizeof bits);
      tail |= (bits & 0x7f800000u) == 0x7f800000u;
    }
  return (bad[0][0] | bad[0][1] | bad[0][2] | bad[0][3] | tail) != 0;
}

/* Replaces non-finite samples of @data by silence. */
static void
sanitize (float *data,
          gsize  n)
{
  if (has_nonfinite (data, n))
    for (gsize i = 0; i < n; i++)
      if (!isfinite (data[i]))
        data[i] = 0.0f;
}

/* Processes @frames frames of @data in place: the kernel, the bypass crossfade against the
 * input delayed by the latency (kept in a ring), and the non-finite safety net. The ring keeps
 * the input as it came; the dry path reads it with non-finite samples as silence, so the
 * common case (not bypassed) costs one memcpy and one vectorized scan. */
static void
process_block (LqAudioFilter *self,
               float         *data,
               guint          frames)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  LqAudioFilterClass *klass = LQ_AUDIO_FILTER_GET_CLASS (self);
  guint ch = priv->channels;
  gsize n = (gsize) frames * ch;
  gboolean bypass;
  double target, step;
  guint start, dry_pos;

  GST_OBJECT_LOCK (self);
  bypass = priv->bypass;
  GST_OBJECT_UNLOCK (self);
  target = bypass ? 1.0 : 0.0;
  step = 1.0 / (BYPASS_FADE_MS * 0.001 * priv->rate);

  /* The dry path: the input goes into the ring (read back with non-finite samples as
   * silence). */
  ensure_ring (self, frames);
  start = priv->ring_pos;
  ring_copy (priv, data, start, frames, TRUE);
  priv->ring_pos = (start + frames) & priv->ring_mask;
  dry_pos = (start - priv->latency) & priv->ring_mask;

  klass->process (self, data, frames);

  if (priv->bypass_mix == target && target == 1.0)
    {
      ring_copy (priv, data, dry_pos, frames, FALSE);
      sanitize (data, n);
    }
  else if (priv->bypass_mix != target)
    {
      for (guint i = 0; i < frames; i++)
        {
          const float *dry = priv->ring + (gsize) ((dry_pos + i) & priv->ring_mask) * ch;
          double m;

          if (priv->bypass_mix < target)
            priv->bypass_mix = MIN (target, priv->bypass_mix + step);
          else if (priv->bypass_mix > target)
            priv->bypass_mix = MAX (target, priv->bypass_mix - step);
          /* Raised-cosine crossfade: smooth at both ends. */
          m = 0.5 - 0.5 * cos (G_PI * priv->bypass_mix);
          for (guint c = 0; c < ch; c++)
            {
              float d = isfinite (dry[c]) ? dry[c] : 0.0f;

              data[i * ch + c] = (float) ((1.0 - m) * data[i * ch + c] + m * d);
            }
        }
    }

  if (has_nonfinite (data, n))
    {
      sanitize (data, n);
      GST_DEBUG_OBJECT (self, "non-finite output: resetting the kernel");
      if (klass->reset)
        klass->reset (self);
    }
}

static GstClockTime
frames_to_time (LqAudioFilter *self, guint64 frames)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  return gst_util_uint64_scale_int_round (frames, GST_SECOND, priv->rate);
}

static void
stamp_output (LqAudioFilter *self,
              GstBuffer     *buf,
              guint          frames)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  if (GST_CLOCK_TIME_IS_VALID (priv->base_pts))
    {
      GstClockTime start = priv->base_pts + frames_to_time (self, priv->out_offset);
      GST_BUFFER_PTS (buf) = start;
      GST_BUFFER_DURATION (buf) = priv->base_pts + frames_to_time (self, priv->out_offset + frames) - start;
    }
  GST_BUFFER_OFFSET (buf) = priv->out_offset;
  GST_BUFFER_OFFSET_END (buf) = priv->out_offset + frames;
  GST_BUFFER_FLAG_UNSET (buf, GST_BUFFER_FLAG_GAP);
  if (priv->discont)
    {
      GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
      priv->discont = FALSE;
    }
  priv->out_offset += frames;
}

/* Pushes the frames still inside the kernel (those dropped at the start) by processing
 * silence, so the output is exactly as long as the input. */
static GstFlowReturn
drain (LqAudioFilter *self)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  guint bpf = priv->channels * sizeof (float);
  GstBuffer *buf;
  GstMapInfo map;
  guint64 frames = priv->owed;

  if (priv->rate == 0 || frames == 0 || !GST_CLOCK_TIME_IS_VALID (priv->base_pts))
    return GST_FLOW_OK;

  buf = gst_buffer_new_allocate (NULL, frames * bpf, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  memset (map.data, 0, map.size);
  process_block (self, (float *) map.data, (guint) frames);
  gst_buffer_unmap (buf, &map);
  priv->owed = 0;
  stamp_output (self, buf, (guint) frames);
  GST_DEBUG_OBJECT (self, "draining %" G_GUINT64_FORMAT " frames", frames);
  return gst_pad_push (GST_BASE_TRANSFORM_SRC_PAD (trans), buf);
}

static gboolean
lq_audio_filter_setup (GstAudioFilter      *filter,
                       const GstAudioInfo  *info)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (filter);
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  LqAudioFilterClass *klass = LQ_AUDIO_FILTER_GET_CLASS (self);
  guint rate = GST_AUDIO_INFO_RATE (info);
  guint channels = GST_AUDIO_INFO_CHANNELS (info);

  if (klass->setup && !klass->setup (self, rate, channels))
    {
      GST_ERROR_OBJECT (self, "cannot process %u channels at %u Hz", channels, rate);
      return FALSE;
    }
  if (rate != priv->rate || channels != priv->channels)
    {
      g_clear_pointer (&priv->ring, g_free);
      priv->rate = rate;
      priv->channels = channels;
    }
  reset_stream (self);
  return TRUE;
}

static GstFlowReturn
lq_audio_filter_generate_output (GstBaseTransform  *trans,
                                 GstBuffer        **outbuf)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (trans);
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  GstBuffer *buf = trans->queued_buf;
  GstClockTime pts;
  GstMapInfo map;
  guint bpf, frames, latency;

  trans->queued_buf = NULL;
  *outbuf = NULL;
  if (buf == NULL)
    return GST_FLOW_OK;
  if (priv->rate == 0)
    {
      gst_buffer_unref (buf);
      return GST_FLOW_NOT_NEGOTIATED;
    }

  pts = GST_BUFFER_PTS (buf);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    {
      GstClockTime stream_time = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME, pts);
      if (GST_CLOCK_TIME_IS_VALID (stream_time))
        gst_object_sync_values (GST_OBJECT (self), stream_time);
    }
  if (!GST_CLOCK_TIME_IS_VALID (priv->base_pts))
    priv->base_pts = GST_CLOCK_TIME_IS_VALID (pts) ? pts : trans->segment.start;

  /* A latency change while playing: drop the extra delay so the output stays aligned. */
  latency = query_latency (self);
  if (latency != priv->latency)
    {
      if (latency > priv->latency)
        priv->pending_trim += latency - priv->latency;
      priv->latency = latency;
    }

  bpf = priv->channels * sizeof (float);
  buf = gst_buffer_make_writable (buf);
  gst_buffer_map (buf, &map, GST_MAP_READWRITE);
  frames = map.size / bpf;
  process_block (self, (float *) map.data, frames);
  gst_buffer_unmap (buf, &map);

  if (priv->pending_trim >= frames)
    {
      priv->pending_trim -= frames;
      priv->owed += frames;
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
    }
  if (priv->pending_trim > 0)
    {
      gst_buffer_resize (buf, priv->pending_trim * bpf, -1);
      frames -= priv->pending_trim;
      priv->owed += priv->pending_trim;
      priv->pending_trim = 0;
    }
  stamp_output (self, buf, frames);
  *outbuf = buf;
  return GST_FLOW_OK;
}

static gboolean
lq_audio_filter_sink_event (GstBaseTransform *trans,
                            GstEvent         *event)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (trans);
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_EOS:
      drain (self);
      break;
    case GST_EVENT_FLUSH_STOP:
      reset_stream (self);
      break;
    case GST_EVENT_SEGMENT:
      /* A new segment starts a new timeline: restart the output clock from it. */
      if (priv->owed > 0 && GST_CLOCK_TIME_IS_VALID (priv->base_pts))
        drain (self);
      reset_stream (self);
      break;
    default:
      break;
    }
  return GST_BASE_TRANSFORM_CLASS (lq_audio_filter_parent_class)->sink_event (trans, event);
}

static gboolean
lq_audio_filter_query (GstBaseTransform *trans,
                       GstPadDirection   direction,
                       GstQuery         *query)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (trans);
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY && direction == GST_PAD_SRC)
    {
      gboolean live;
      GstClockTime min, max, latency;

      if (!gst_pad_peer_query (GST_BASE_TRANSFORM_SINK_PAD (trans), query))
        return FALSE;
      if (priv->rate == 0)
        return TRUE;
      gst_query_parse_latency (query, &live, &min, &max);
      latency = frames_to_time (self, query_latency (self));
      min += latency;
      if (GST_CLOCK_TIME_IS_VALID (max))
        max += latency;
      gst_query_set_latency (query, live, min, max);
      return TRUE;
    }
  return GST_BASE_TRANSFORM_CLASS (lq_audio_filter_parent_class)->query (trans, direction, query);
}

static gboolean
lq_audio_filter_start (GstBaseTransform *trans)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (trans);

  reset_stream (self);
  return TRUE;
}

static void
lq_audio_filter_finalize (GObject *object)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (object);
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  g_clear_pointer (&priv->ring, g_free);

  G_OBJECT_CLASS (lq_audio_filter_parent_class)->finalize (object);
}

static void
lq_audio_filter_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (object);

  switch (prop_id)
    {
    case PROP_BYPASS:
      g_value_set_boolean (value, lq_audio_filter_get_bypass (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_audio_filter_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LqAudioFilter *self = LQ_AUDIO_FILTER (object);

  switch (prop_id)
    {
    case PROP_BYPASS:
      lq_audio_filter_set_bypass (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_audio_filter_class_init (LqAudioFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *filter_class = GST_AUDIO_FILTER_CLASS (klass);
  g_autoptr(GstCaps) caps = gst_caps_from_string (ALLOWED_CAPS);

  GST_DEBUG_CATEGORY_INIT (lq_audio_filter_debug, "lqaudiofilter", 0, "Lacquer audio filter base");

  object_class->finalize = lq_audio_filter_finalize;
  object_class->get_property = lq_audio_filter_get_property;
  object_class->set_property = lq_audio_filter_set_property;

  trans_class->generate_output = GST_DEBUG_FUNCPTR (lq_audio_filter_generate_output);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (lq_audio_filter_sink_event);
  trans_class->query = GST_DEBUG_FUNCPTR (lq_audio_filter_query);
  trans_class->start = GST_DEBUG_FUNCPTR (lq_audio_filter_start);
  trans_class->passthrough_on_same_caps = FALSE;
  filter_class->setup = GST_DEBUG_FUNCPTR (lq_audio_filter_setup);

  gst_audio_filter_class_add_pad_templates (filter_class, caps);

  /**
   * LqAudioFilter:bypass:
   *
   * Passes the input through unprocessed, delayed by the element's latency, with a 10 ms
   * crossfade on every change.
   */
  properties[PROP_BYPASS] =
    g_param_spec_boolean ("bypass", "Bypass", "Pass the audio through unprocessed (same latency)",
                          FALSE,
                          G_PARAM_READWRITE | GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING
                          | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_type_mark_as_plugin_api (LQ_TYPE_AUDIO_FILTER, 0);
}

static void
lq_audio_filter_init (LqAudioFilter *self)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  priv->base_pts = GST_CLOCK_TIME_NONE;
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
}

guint
lq_audio_filter_get_rate (LqAudioFilter *self)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  g_return_val_if_fail (LQ_IS_AUDIO_FILTER (self), 0);
  return priv->rate;
}

guint
lq_audio_filter_get_channels (LqAudioFilter *self)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);

  g_return_val_if_fail (LQ_IS_AUDIO_FILTER (self), 0);
  return priv->channels;
}

gboolean
lq_audio_filter_get_bypass (LqAudioFilter *self)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  gboolean bypass;

  g_return_val_if_fail (LQ_IS_AUDIO_FILTER (self), FALSE);
  GST_OBJECT_LOCK (self);
  bypass = priv->bypass;
  GST_OBJECT_UNLOCK (self);
  return bypass;
}

void
lq_audio_filter_set_bypass (LqAudioFilter *self,
                            gboolean       bypass)
{
  LqAudioFilterPrivate *priv = lq_audio_filter_get_instance_private (self);
  gboolean changed;

  g_return_if_fail (LQ_IS_AUDIO_FILTER (self));
  GST_OBJECT_LOCK (self);
  changed = priv->bypass != !!bypass;
  priv->bypass = !!bypass;
  GST_OBJECT_UNLOCK (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYPASS]);
}

/**
 * lq_audio_filter_latency_changed:
 *
 * Call when a property change alters the element's latency: posts a LATENCY message so a
 * live pipeline redistributes its latency. The output stays aligned (see the class docs).
 */
void
lq_audio_filter_latency_changed (LqAudioFilter *self)
{
  g_return_if_fail (LQ_IS_AUDIO_FILTER (self));
  gst_element_post_message (GST_ELEMENT (self), gst_message_new_latency (GST_OBJECT (self)));
}
