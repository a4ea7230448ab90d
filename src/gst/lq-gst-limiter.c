/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-limiter"

#include "config.h"

#include "lq-limiter.h"

#include "lq-gst-limiter.h"

/**
 * SECTION:lq-gst-limiter
 * @title: lqlimiter
 *
 * A true-peak brickwall limiter: the output's true peak (the peak of the reconstructed
 * waveform, in dBTP as BS.1770 meters read it) stays at or below `ceiling`. The input is
 * raised by `drive`, delayed by the lookahead, and multiplied by a gain that ramps down over
 * `lookahead` before each peak and recovers with a program-dependent `release` (short peaks
 * recover five times faster than sustained gain reduction). Detection is oversampled (a 4x
 * 32-tap interpolator with a parabola bound between points); with `true-peak` off only sample
 * peaks are held (dBFS). While nothing exceeds the ceiling the output is the input delayed, bit
 * for bit. See src/dsp/lq-limiter.h for the signal flow.
 *
 * `ceiling`, `drive` and `release` take a GstController and change smoothly while playing;
 * `lookahead` sets the latency (the lookahead plus 18 frames, reported in the LATENCY query and
 * compensated: output sample n is input sample n, and no sample is lost at EOS); changing it
 * while playing restarts the limiter. `gain-reduction` reads the largest reduction (dB) applied
 * to the last buffer, for meters.
 *
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! wavparse ! audioconvert ! \
 *   lqlimiter ceiling=-1 drive=6 release=100 ! lqdither bits=16 ! \
 *   audioconvert dithering=none ! wavenc ! filesink location=out.wav
 * ]|
 */

typedef struct
{
  double ceiling;   /* dBTP */
  double drive;     /* dB */
  double lookahead; /* ms */
  double release;   /* ms */
  gboolean true_peak;
} LimiterParams;

struct _LqGstLimiter
{
  LqAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  LimiterParams props;   /* as set */
  double gain_reduction; /* dB, largest in the last buffer */

  /* Streaming state (streaming thread only) */
  LqLimiter *kernel;     /* NULL before caps */
  LimiterParams applied; /* what the kernel has */
  gboolean fresh;        /* the kernel is new: apply everything */
};

G_DEFINE_FINAL_TYPE (LqGstLimiter, lq_gst_limiter, LQ_TYPE_AUDIO_FILTER)

GST_ELEMENT_REGISTER_DEFINE (lqlimiter, "lqlimiter", GST_RANK_NONE, LQ_TYPE_GST_LIMITER);

enum {
  PROP_0,
  PROP_CEILING,
  PROP_DRIVE,
  PROP_LOOKAHEAD,
  PROP_RELEASE,
  PROP_TRUE_PEAK,
  PROP_GAIN_REDUCTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Copies the properties that changed into the kernel. */
static void
sync_kernel (LqGstLimiter *self)
{
  LimiterParams p;
  LimiterParams *a = &self->applied;
  gboolean all = self->fresh;

  GST_OBJECT_LOCK (self);
  p = self->props;
  GST_OBJECT_UNLOCK (self);

#define CHANGED(field) (all || p.field != a->field)
  if (CHANGED (ceiling))
    lq_limiter_set_ceiling (self->kernel, p.ceiling);
  if (CHANGED (drive))
    lq_limiter_set_drive (self->kernel, p.drive);
  if (CHANGED (lookahead))
    lq_limiter_set_lookahead (self->kernel, p.lookahead);
  if (CHANGED (release))
    lq_limiter_set_release (self->kernel, p.release);
  if (CHANGED (true_peak))
    lq_limiter_set_true_peak (self->kernel, p.true_peak);
#undef CHANGED

  if (all)
    lq_limiter_reset (self->kernel); /* start from the settings, not ramping towards them */
  *a = p;
  self->fresh = FALSE;
}

static gboolean
lq_gst_limiter_setup (LqAudioFilter *filter,
                      guint          rate,
                      guint          channels)
{
  LqGstLimiter *self = LQ_GST_LIMITER (filter);
  LqLimiter *kernel = lq_limiter_new (rate, channels);

  if (kernel == NULL)
    return FALSE;
  g_clear_pointer (&self->kernel, lq_limiter_free);
  self->kernel = kernel;
  self->fresh = TRUE;
  sync_kernel (self);
  return TRUE;
}

static void
lq_gst_limiter_process (LqAudioFilter *filter,
                        float         *data,
                        guint          frames)
{
  LqGstLimiter *self = LQ_GST_LIMITER (filter);
  double gr;

  sync_kernel (self);
  lq_limiter_process (self->kernel, data, frames);
  gr = lq_limiter_get_gain_reduction (self->kernel);

  GST_OBJECT_LOCK (self);
  self->gain_reduction = gr;
  GST_OBJECT_UNLOCK (self);
}

static void
lq_gst_limiter_reset (LqAudioFilter *filter)
{
  LqGstLimiter *self = LQ_GST_LIMITER (filter);

  if (self->kernel != NULL)
    lq_limiter_reset (self->kernel);
}

static guint
lq_gst_limiter_get_latency (LqAudioFilter *filter)
{
  LqGstLimiter *self = LQ_GST_LIMITER (filter);
  double ms;

  GST_OBJECT_LOCK (self);
  ms = self->props.lookahead;
  GST_OBJECT_UNLOCK (self);
  /* From the property, so the base class knows the delay the kernel is about to take on. */
  return (guint) lq_limiter_compute_latency (lq_audio_filter_get_rate (filter), ms);
}

static void
lq_gst_limiter_finalize (GObject *object)
{
  LqGstLimiter *self = LQ_GST_LIMITER (object);

  g_clear_pointer (&self->kernel, lq_limiter_free);

  G_OBJECT_CLASS (lq_gst_limiter_parent_class)->finalize (object);
}

static void
lq_gst_limiter_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LqGstLimiter *self = LQ_GST_LIMITER (object);
  LimiterParams *p = &self->props;

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_CEILING:
      g_value_set_double (value, p->ceiling);
      break;
    case PROP_DRIVE:
      g_value_set_double (value, p->drive);
      break;
    case PROP_LOOKAHEAD:
      g_value_set_double (value, p->lookahead);
      break;
    case PROP_RELEASE:
      g_value_set_double (value, p->release);
      break;
    case PROP_TRUE_PEAK:
      g_value_set_boolean (value, p->true_peak);
      break;
    case PROP_GAIN_REDUCTION:
      g_value_set_double (value, self->gain_reduction);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
}

static void
lq_gst_limiter_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LqGstLimiter *self = LQ_GST_LIMITER (object);
  LimiterParams *p = &self->props;
  gboolean latency_changed = FALSE;

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_CEILING:
      p->ceiling = g_value_get_double (value);
      break;
    case PROP_DRIVE:
      p->drive = g_value_get_double (value);
      break;
    case PROP_LOOKAHEAD:
      latency_changed = p->lookahead != g_value_get_double (value);
      p->lookahead = g_value_get_double (value);
      break;
    case PROP_RELEASE:
      p->release = g_value_get_double (value);
      break;
    case PROP_TRUE_PEAK:
      p->true_peak = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);

  if (latency_changed)
    lq_audio_filter_latency_changed (LQ_AUDIO_FILTER (self));
}

static void
lq_gst_limiter_class_init (LqGstLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lq_gst_limiter_finalize;
  object_class->get_property = lq_gst_limiter_get_property;
  object_class->set_property = lq_gst_limiter_set_property;

  filter_class->setup = lq_gst_limiter_setup;
  filter_class->process = lq_gst_limiter_process;
  filter_class->reset = lq_gst_limiter_reset;
  filter_class->get_latency = lq_gst_limiter_get_latency;

  gst_element_class_set_static_metadata (element_class, "Lacquer true-peak limiter",
                                         "Filter/Effect/Audio",
                                         "Brickwall limiter with lookahead and oversampled "
                                         "detection: the output true peak stays at or below "
                                         "the ceiling",
                                         "Lacquer developers");

  properties[PROP_CEILING] =
    g_param_spec_double ("ceiling", "Ceiling",
                         "Highest output peak in dBTP (dBFS when true-peak is off)",
                         LQ_LIMITER_CEILING_MIN, LQ_LIMITER_CEILING_MAX, LQ_LIMITER_CEILING_DEFAULT,
                         flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_DRIVE] =
    g_param_spec_double ("drive", "Drive", "Input gain in dB before limiting",
                         LQ_LIMITER_DRIVE_MIN, LQ_LIMITER_DRIVE_MAX, LQ_LIMITER_DRIVE_DEFAULT,
                         flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_LOOKAHEAD] =
    g_param_spec_double ("lookahead", "Lookahead",
                         "Attack ramp in ms before each peak; sets the latency (changing it "
                         "while playing restarts the limiter)",
                         LQ_LIMITER_LOOKAHEAD_MIN, LQ_LIMITER_LOOKAHEAD_MAX,
                         LQ_LIMITER_LOOKAHEAD_DEFAULT,
                         flags);
  properties[PROP_RELEASE] =
    g_param_spec_double ("release", "Release",
                         "Recovery time constant in ms after sustained gain reduction; short "
                         "peaks recover five times faster",
                         LQ_LIMITER_RELEASE_MIN, LQ_LIMITER_RELEASE_MAX, LQ_LIMITER_RELEASE_DEFAULT,
                         flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_TRUE_PEAK] =
    g_param_spec_boolean ("true-peak", "True peak",
                          "Hold inter-sample (true) peaks, oversampled; off: sample peaks only",
                          TRUE, flags);
  properties[PROP_GAIN_REDUCTION] =
    g_param_spec_double ("gain-reduction", "Gain reduction",
                         "Largest gain reduction applied to the last buffer, in dB",
                         0.0, G_MAXDOUBLE, 0.0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lq_gst_limiter_init (LqGstLimiter *self)
{
  LimiterParams *p = &self->props;

  p->ceiling = LQ_LIMITER_CEILING_DEFAULT;
  p->drive = LQ_LIMITER_DRIVE_DEFAULT;
  p->lookahead = LQ_LIMITER_LOOKAHEAD_DEFAULT;
  p->release = LQ_LIMITER_RELEASE_DEFAULT;
  p->true_peak = TRUE;
  self->applied = *p;
  self->fresh = TRUE;
}
