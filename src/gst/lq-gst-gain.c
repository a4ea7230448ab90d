/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-gain"

#include "config.h"

#include <math.h>

#include "lq-gst-gain.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-gain
 * @title: lqgain
 *
 * Sample-accurate gain with scheduled fades, for the album sequencer.
 *
 * Fades are scheduled in samples of **stream position**: sample 0 is the start of the stream
 * (stream time 0, i.e. the start of the track), whatever segment is playing. The position of
 * each buffer is taken from its timestamp (PTS converted to stream time with the current
 * segment, then to samples, rounded), not from a counter, so after a seek (a new segment) a
 * fade resumes at exactly the gain it has at that point of the track; buffers without a
 * timestamp continue from the previous one.
 *
 * A fade-in over `fade-in-length` samples from `fade-in-start` is silent before its start and
 * reaches unity exactly at start + length; a fade-out is unity until `fade-out-start` and
 * silent from start + length on (see lq-gain.h for the sample-exact definition). A length of
 * 0 disables the fade. `gain` (dB, controllable) is smoothed over 20 ms; -120 dB is silence.
 * At 0 dB with no fade the element is bit-transparent. Zero latency.
 *
 * To change a whole fade at once from another thread (so no buffer sees a new start with an
 * old length), use lq_gst_gain_set_fade_in() / lq_gst_gain_set_fade_out().
 *
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! wavparse ! audioconvert ! \
 *   lqgain gain=-1.5 fade-in-length=22050 fade-out-start=1300000 fade-out-length=132300 \
 *   fade-out-curve=logarithmic ! audioconvert ! wavenc ! filesink location=out.wav
 * ]|
 */

#define GAIN_MIN_DB (-120.0)
#define GAIN_MAX_DB 24.0

typedef struct
{
  gint64 start;         /* samples of stream position */
  gint64 length;        /* samples; 0 = no fade */
  LqGstFadeCurve curve; /* shape */
} Fade;

typedef struct
{
  double gain_db; /* gain in dB; GAIN_MIN_DB is silence */
  Fade in;        /* fade-in */
  Fade out;       /* fade-out */
} GainParams;

struct _LqGstGain
{
  LqAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  GainParams props;

  /* Streaming state (streaming thread only) */
  LqGain *kernel;            /* NULL before caps */
  gint64 next_position;      /* stream position of the buffer about to be processed */
  gboolean have_position;    /* next_position is valid (the buffer had a timestamp) */
};

G_DEFINE_FINAL_TYPE (LqGstGain, lq_gst_gain, LQ_TYPE_AUDIO_FILTER)

GST_ELEMENT_REGISTER_DEFINE (lqgain, "lqgain", GST_RANK_NONE, LQ_TYPE_GST_GAIN);

enum {
  PROP_0,
  PROP_GAIN,
  PROP_FADE_IN_START,
  PROP_FADE_IN_LENGTH,
  PROP_FADE_IN_CURVE,
  PROP_FADE_OUT_START,
  PROP_FADE_OUT_LENGTH,
  PROP_FADE_OUT_CURVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define FIELD(member) LQ_GST_FIELD (LqGstGain, props.member)
static const LqGstField fields[N_PROPS] = {
  [PROP_GAIN] = FIELD (gain_db),
  [PROP_FADE_IN_START] = FIELD (in.start),
  [PROP_FADE_IN_LENGTH] = FIELD (in.length),
  [PROP_FADE_IN_CURVE] = FIELD (in.curve),
  [PROP_FADE_OUT_START] = FIELD (out.start),
  [PROP_FADE_OUT_LENGTH] = FIELD (out.length),
  [PROP_FADE_OUT_CURVE] = FIELD (out.curve),
};
#undef FIELD

GType
lq_gst_fade_curve_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_GST_FADE_CURVE_LINEAR, "Linear", "linear" },
    { LQ_GST_FADE_CURVE_EQUAL_POWER, "Equal power (sine)", "equal-power" },
    { LQ_GST_FADE_CURVE_LOGARITHMIC, "Logarithmic (dB-linear from -60 dB)", "logarithmic" },
    { LQ_GST_FADE_CURVE_S_CURVE, "S-curve (raised cosine)", "s-curve" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqGstFadeCurve", values));
  return type;
}

/* Copies the properties into the kernel. */
static void
sync_kernel (LqGstGain *self)
{
  GainParams p;

  LQ_GST_COPY_LOCKED (self, p, self->props);
  lq_gain_set_gain_db (self->kernel, p.gain_db <= GAIN_MIN_DB ? -INFINITY : p.gain_db);
  lq_gain_set_fade_in (self->kernel, p.in.start, p.in.length, (LqFadeCurve) p.in.curve);
  lq_gain_set_fade_out (self->kernel, p.out.start, p.out.length, (LqFadeCurve) p.out.curve);
}

static gboolean
lq_gst_gain_setup (LqAudioFilter *filter,
                   guint          rate,
                   guint          channels)
{
  LqGstGain *self = LQ_GST_GAIN (filter);
  LqGain *kernel = lq_gain_new (channels, rate);

  if (kernel == NULL)
    return FALSE;
  g_clear_pointer (&self->kernel, lq_gain_free);
  self->kernel = kernel;
  self->have_position = FALSE;
  sync_kernel (self);
  lq_gain_snap (self->kernel);
  return TRUE;
}

static void
lq_gst_gain_process (LqAudioFilter *filter,
                     float         *data,
                     guint          frames)
{
  LqGstGain *self = LQ_GST_GAIN (filter);

  sync_kernel (self);
  if (self->have_position)
    {
      lq_gain_set_position (self->kernel, self->next_position);
      self->have_position = FALSE;
    }
  lq_gain_process (self->kernel, data, frames);
}

static void
lq_gst_gain_reset (LqAudioFilter *filter)
{
  LqGstGain *self = LQ_GST_GAIN (filter);

  if (self->kernel != NULL)
    lq_gain_reset (self->kernel);
}

/* Takes the stream position of the buffer about to be processed from its timestamp, then lets
 * the base class process it. */
static GstFlowReturn
lq_gst_gain_generate_output (GstBaseTransform  *trans,
                             GstBuffer        **outbuf)
{
  LqGstGain *self = LQ_GST_GAIN (trans);
  GstBuffer *buf = trans->queued_buf;
  guint rate = lq_audio_filter_get_rate (LQ_AUDIO_FILTER (self));

  if (buf != NULL && rate > 0 && GST_BUFFER_PTS_IS_VALID (buf)
      && trans->segment.format == GST_FORMAT_TIME)
    {
      GstClockTime t = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME,
                                                   GST_BUFFER_PTS (buf));
      if (GST_CLOCK_TIME_IS_VALID (t))
        {
          self->next_position = (gint64) gst_util_uint64_scale_int_round (t, rate, GST_SECOND);
          self->have_position = TRUE;
        }
    }

  return GST_BASE_TRANSFORM_CLASS (lq_gst_gain_parent_class)->generate_output (trans, outbuf);
}

static void
lq_gst_gain_finalize (GObject *object)
{
  LqGstGain *self = LQ_GST_GAIN (object);

  g_clear_pointer (&self->kernel, lq_gain_free);

  G_OBJECT_CLASS (lq_gst_gain_parent_class)->finalize (object);
}

static void
lq_gst_gain_class_init (LqGstGainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lq_gst_gain_finalize;
  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_util_set_property;

  trans_class->generate_output = GST_DEBUG_FUNCPTR (lq_gst_gain_generate_output);

  filter_class->setup = lq_gst_gain_setup;
  filter_class->process = lq_gst_gain_process;
  filter_class->reset = lq_gst_gain_reset;

  gst_element_class_set_static_metadata (element_class, "Lacquer gain and fades",
                                         "Filter/Effect/Audio",
                                         "Sample-accurate gain with fades scheduled in samples",
                                         "Lacquer developers");

  properties[PROP_GAIN] =
    g_param_spec_double ("gain", "Gain", "Gain in dB (-120 is silence), smoothed",
                         GAIN_MIN_DB, GAIN_MAX_DB, 0.0, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_FADE_IN_START] =
    g_param_spec_int64 ("fade-in-start", "Fade-in start",
                        "Stream position (samples from the stream's start) where the "
                        "fade-in begins",
                        0, G_MAXINT64 / 2, 0, flags);
  properties[PROP_FADE_IN_LENGTH] =
    g_param_spec_int64 ("fade-in-length", "Fade-in length",
                        "Length of the fade-in in samples (0: no fade-in)",
                        0, G_MAXINT64 / 2, 0, flags);
  properties[PROP_FADE_IN_CURVE] =
    g_param_spec_enum ("fade-in-curve", "Fade-in curve", "Shape of the fade-in",
                       LQ_TYPE_GST_FADE_CURVE, LQ_GST_FADE_CURVE_EQUAL_POWER, flags);
  properties[PROP_FADE_OUT_START] =
    g_param_spec_int64 ("fade-out-start", "Fade-out start",
                        "Stream position (samples from the stream's start) where the "
                        "fade-out begins",
                        0, G_MAXINT64 / 2, 0, flags);
  properties[PROP_FADE_OUT_LENGTH] =
    g_param_spec_int64 ("fade-out-length", "Fade-out length",
                        "Length of the fade-out in samples (0: no fade-out)",
                        0, G_MAXINT64 / 2, 0, flags);
  properties[PROP_FADE_OUT_CURVE] =
    g_param_spec_enum ("fade-out-curve", "Fade-out curve", "Shape of the fade-out",
                       LQ_TYPE_GST_FADE_CURVE, LQ_GST_FADE_CURVE_EQUAL_POWER, flags);
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  gst_type_mark_as_plugin_api (LQ_TYPE_GST_FADE_CURVE, 0);
}

static void
lq_gst_gain_init (LqGstGain *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
}

static void
set_fade (LqGstGain     *self,
          gboolean       in,
          gint64         start,
          gint64         length,
          LqGstFadeCurve curve)
{
  Fade fade = { start, length, curve };

  if (in)
    LQ_GST_COPY_LOCKED (self, self->props.in, fade);
  else
    LQ_GST_COPY_LOCKED (self, self->props.out, fade);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[in ? PROP_FADE_IN_START : PROP_FADE_OUT_START]);
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[in ? PROP_FADE_IN_LENGTH : PROP_FADE_OUT_LENGTH]);
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[in ? PROP_FADE_IN_CURVE : PROP_FADE_OUT_CURVE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * lq_gst_gain_set_fade_in:
 * @self: an #LqGstGain
 * @start: stream position (samples from the stream's start) where the fade-in begins
 * @length: length in samples; 0 removes the fade-in
 * @curve: the shape
 *
 * Schedules the fade-in in one step (the streaming thread never sees half of the change).
 * Takes effect from the next buffer.
 */
void
lq_gst_gain_set_fade_in (LqGstGain      *self,
                         gint64          start,
                         gint64          length,
                         LqGstFadeCurve  curve)
{
  g_return_if_fail (LQ_IS_GST_GAIN (self));
  g_return_if_fail (start >= 0 && length >= 0);

  set_fade (self, TRUE, start, length, curve);
}

/**
 * lq_gst_gain_set_fade_out:
 * @self: an #LqGstGain
 * @start: stream position (samples from the stream's start) where the fade-out begins
 * @length: length in samples; 0 removes the fade-out
 * @curve: the shape
 *
 * Schedules the fade-out in one step; see lq_gst_gain_set_fade_in().
 */
void
lq_gst_gain_set_fade_out (LqGstGain      *self,
                          gint64          start,
                          gint64          length,
                          LqGstFadeCurve  curve)
{
  g_return_if_fail (LQ_IS_GST_GAIN (self));
  g_return_if_fail (start >= 0 && length >= 0);

  set_fade (self, FALSE, start, length, curve);
}
