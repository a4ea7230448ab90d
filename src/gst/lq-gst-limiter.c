/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-limiter"

#include "config.h"

#include "lq-limiter.h"

#include "lq-gst-limiter.h"
#include "lq-gst-util.h"

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

#define FIELD(member) LQ_GST_FIELD (LqGstLimiter, member)
static const LqGstField fields[N_PROPS] = {
  [PROP_CEILING] = FIELD (props.ceiling),
  [PROP_DRIVE] = FIELD (props.drive),
  [PROP_LOOKAHEAD] = FIELD (props.lookahead),
  [PROP_RELEASE] = FIELD (props.release),
  [PROP_TRUE_PEAK] = FIELD (props.true_peak),
  [PROP_GAIN_REDUCTION] = FIELD (gain_reduction),
};
#undef FIELD

/* Copies the properties that changed into the kernel. */
static void
sync_kernel (LqGstLimiter *self)
{
  LimiterParams p;
  LimiterParams *a = &self->applied;
  gboolean all = self->fresh;

  LQ_GST_COPY_LOCKED (self, p, self->props);

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
  LQ_GST_COPY_LOCKED (self, self->gain_reduction, gr);
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

  LQ_GST_COPY_LOCKED (self, ms, self->props.lookahead);
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

/* A new lookahead is a new latency: the base class posts a LATENCY message. */
static void
lq_gst_limiter_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  if (lq_gst_util_set_field (object, value, pspec) && prop_id == PROP_LOOKAHEAD)
    lq_audio_filter_latency_changed (LQ_AUDIO_FILTER (object));
}

static void
lq_gst_limiter_class_init (LqGstLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lq_gst_limiter_finalize;
  object_class->get_property = lq_gst_util_get_property;
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
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);
}

static void
lq_gst_limiter_init (LqGstLimiter *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
  self->fresh = TRUE;
}
