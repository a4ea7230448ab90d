/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-compressor"

#include "config.h"

#include <math.h>

#include "lq-gst-compressor.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-compressor
 * @title: lqcompressor
 *
 * The bus compressor (LqCompressor): threshold, ratio and soft knee (the quadratic knee of
 * Giannoulis, Massberg and Reiss), attack and release (a log-domain smooth decoupled detector;
 * the time constants are those to 63 % of a gain change), program-dependent auto-release,
 * makeup, a high-pass on the detector only, stereo link (0 independent .. 1 the louder channel
 * drives both), peak or RMS detection, a parallel mix (the dry part time-aligned) and
 * lookahead. See src/dsp/lq-compressor.h for the exact signal flow and the static curve.
 *
 * Every parameter may change while playing without a click (makeup and mix glide, the others
 * act through the ballistics) and all but `lookahead` take a GstController. `lookahead` is the
 * element's latency: it is reported in the LATENCY query and compensated (the output is
 * time-aligned with the input and as long as it); changing it while playing posts a LATENCY
 * message. Raising it while playing is seamless; lowering it skips the difference (a few
 * milliseconds of audio jump), so set it before playing. Below the knee with makeup 0 the element is bit-transparent (apart from the
 * lookahead delay). `gain-reduction` reads the reduction applied to the last buffer, in dB,
 * for meters.
 *
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! wavparse ! audioconvert ! \
 *   lqcompressor threshold=-20 ratio=3 knee=6 attack=10 release=150 auto-release=true \
 *   sidechain-hpf=80 detector=rms mix=0.7 lookahead=2 ! audioconvert ! wavenc ! \
 *   filesink location=out.wav
 * ]|
 */

typedef struct
{
  double threshold;                 /* dB */
  double ratio;                     /* >= 1 */
  double knee;                      /* dB */
  double attack;                    /* ms */
  double release;                   /* ms */
  gboolean auto_release;            /* program-dependent release */
  double makeup;                    /* dB */
  double sidechain_hpf;             /* Hz, 0 = off */
  double link;                      /* 0..1 */
  LqGstCompressorDetector detector; /* peak or rms */
  double mix;                       /* 0..1 */
  double lookahead;                 /* ms */
} CompParams;

struct _LqGstCompressor
{
  LqAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  CompParams props;         /* as set */
  double gain_reduction;    /* dB, of the last buffer processed */

  /* Streaming state (streaming thread only) */
  LqCompressor *kernel;     /* NULL before caps */
  CompParams applied;       /* the settings the kernel has */
  gboolean fresh;           /* the kernel has none of the settings yet */
};

G_DEFINE_FINAL_TYPE (LqGstCompressor, lq_gst_compressor, LQ_TYPE_AUDIO_FILTER)

GST_ELEMENT_REGISTER_DEFINE (lqcompressor, "lqcompressor", GST_RANK_NONE, LQ_TYPE_GST_COMPRESSOR);

enum {
  PROP_0,
  PROP_THRESHOLD,
  PROP_RATIO,
  PROP_KNEE,
  PROP_ATTACK,
  PROP_RELEASE,
  PROP_AUTO_RELEASE,
  PROP_MAKEUP,
  PROP_SIDECHAIN_HPF,
  PROP_LINK,
  PROP_DETECTOR,
  PROP_MIX,
  PROP_LOOKAHEAD,
  PROP_GAIN_REDUCTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define FIELD(member) LQ_GST_FIELD (LqGstCompressor, member)
static const LqGstField fields[N_PROPS] = {
  [PROP_THRESHOLD] = FIELD (props.threshold),
  [PROP_RATIO] = FIELD (props.ratio),
  [PROP_KNEE] = FIELD (props.knee),
  [PROP_ATTACK] = FIELD (props.attack),
  [PROP_RELEASE] = FIELD (props.release),
  [PROP_AUTO_RELEASE] = FIELD (props.auto_release),
  [PROP_MAKEUP] = FIELD (props.makeup),
  [PROP_SIDECHAIN_HPF] = FIELD (props.sidechain_hpf),
  [PROP_LINK] = FIELD (props.link),
  [PROP_DETECTOR] = FIELD (props.detector),
  [PROP_MIX] = FIELD (props.mix),
  [PROP_LOOKAHEAD] = FIELD (props.lookahead),
  [PROP_GAIN_REDUCTION] = FIELD (gain_reduction),
};
#undef FIELD

GType
lq_gst_compressor_detector_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_GST_COMPRESSOR_DETECTOR_PEAK, "Peak (sample level)", "peak" },
    { LQ_GST_COMPRESSOR_DETECTOR_RMS, "RMS (10 ms mean square)", "rms" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqGstCompressorDetector", values));
  return type;
}

static guint
lookahead_frames (double ms, guint rate)
{
  return (guint) llround (CLAMP (ms, 0.0, LQ_COMPRESSOR_MAX_LOOKAHEAD_MS) * 0.001 * rate);
}

/* Copies the properties that changed into the kernel. */
static void
sync_kernel (LqGstCompressor *self)
{
  CompParams p;
  CompParams *a = &self->applied;
  gboolean all = self->fresh;

  LQ_GST_COPY_LOCKED (self, p, self->props);

#define CHANGED(field) (all || p.field != a->field)
  if (CHANGED (threshold))
    lq_compressor_set_threshold (self->kernel, p.threshold);
  if (CHANGED (ratio))
    lq_compressor_set_ratio (self->kernel, p.ratio);
  if (CHANGED (knee))
    lq_compressor_set_knee (self->kernel, p.knee);
  if (CHANGED (attack))
    lq_compressor_set_attack (self->kernel, p.attack);
  if (CHANGED (release))
    lq_compressor_set_release (self->kernel, p.release);
  if (CHANGED (auto_release))
    lq_compressor_set_auto_release (self->kernel, p.auto_release);
  if (CHANGED (makeup))
    lq_compressor_set_makeup (self->kernel, p.makeup);
  if (CHANGED (sidechain_hpf))
    lq_compressor_set_sidechain_hpf (self->kernel, p.sidechain_hpf);
  if (CHANGED (link))
    lq_compressor_set_link (self->kernel, p.link);
  if (CHANGED (detector))
    lq_compressor_set_detector (self->kernel, (LqCompressorDetector) p.detector);
  if (CHANGED (mix))
    lq_compressor_set_mix (self->kernel, p.mix);
  if (CHANGED (lookahead))
    lq_compressor_set_lookahead (self->kernel, p.lookahead);
#undef CHANGED
  *a = p;
  self->fresh = FALSE;
}

static gboolean
lq_gst_compressor_setup (LqAudioFilter *filter,
                         guint          rate,
                         guint          channels)
{
  LqGstCompressor *self = LQ_GST_COMPRESSOR (filter);
  LqCompressor *kernel = lq_compressor_new (channels, rate);

  if (kernel == NULL)
    return FALSE;
  g_clear_pointer (&self->kernel, lq_compressor_free);
  self->kernel = kernel;
  self->fresh = TRUE;
  sync_kernel (self);
  lq_compressor_snap (self->kernel);
  return TRUE;
}

static void
lq_gst_compressor_process (LqAudioFilter *filter,
                           float         *data,
                           guint          frames)
{
  LqGstCompressor *self = LQ_GST_COMPRESSOR (filter);
  double gr;

  sync_kernel (self);
  lq_compressor_process (self->kernel, data, frames);
  gr = lq_compressor_get_gain_reduction (self->kernel);
  LQ_GST_COPY_LOCKED (self, self->gain_reduction, gr);
}

static void
lq_gst_compressor_reset (LqAudioFilter *filter)
{
  LqGstCompressor *self = LQ_GST_COMPRESSOR (filter);

  if (self->kernel != NULL)
    lq_compressor_reset (self->kernel);
}

static guint
lq_gst_compressor_get_latency (LqAudioFilter *filter)
{
  LqGstCompressor *self = LQ_GST_COMPRESSOR (filter);
  double ms;

  LQ_GST_COPY_LOCKED (self, ms, self->props.lookahead);
  /* The same rounding as the kernel's, from the property, so the base class knows the delay
   * the kernel is about to take on. */
  return lookahead_frames (ms, lq_audio_filter_get_rate (filter));
}

static void
lq_gst_compressor_finalize (GObject *object)
{
  LqGstCompressor *self = LQ_GST_COMPRESSOR (object);

  g_clear_pointer (&self->kernel, lq_compressor_free);

  G_OBJECT_CLASS (lq_gst_compressor_parent_class)->finalize (object);
}

/* A new lookahead is a new latency: the base class posts a LATENCY message. */
static void
lq_gst_compressor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  if (lq_gst_util_set_field (object, value, pspec) && prop_id == PROP_LOOKAHEAD)
    lq_audio_filter_latency_changed (LQ_AUDIO_FILTER (object));
}

static void
lq_gst_compressor_class_init (LqGstCompressorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;
  const GParamFlags cflags = flags | GST_PARAM_CONTROLLABLE;

  object_class->finalize = lq_gst_compressor_finalize;
  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_compressor_set_property;

  filter_class->setup = lq_gst_compressor_setup;
  filter_class->process = lq_gst_compressor_process;
  filter_class->reset = lq_gst_compressor_reset;
  filter_class->get_latency = lq_gst_compressor_get_latency;

  gst_element_class_set_static_metadata (element_class, "Lacquer compressor",
                                         "Filter/Effect/Audio",
                                         "Bus compressor: soft knee, auto-release, sidechain "
                                         "high-pass, stereo link, parallel mix, lookahead",
                                         "Lacquer developers");

  properties[PROP_THRESHOLD] =
    g_param_spec_double ("threshold", "Threshold", "Threshold in dBFS", -80.0, 0.0, -18.0, cflags);
  properties[PROP_RATIO] =
    g_param_spec_double ("ratio", "Ratio", "Compression ratio above the threshold (N:1)", 1.0, 100.0,
                         2.0, cflags);
  properties[PROP_KNEE] =
    g_param_spec_double ("knee", "Knee", "Width of the soft knee in dB (0: hard)", 0.0, 24.0, 6.0,
                         cflags);
  properties[PROP_ATTACK] =
    g_param_spec_double ("attack", "Attack", "Attack time constant in ms (to 63 %)", 0.0, 500.0,
                         10.0, cflags);
  properties[PROP_RELEASE] =
    g_param_spec_double ("release", "Release", "Release time constant in ms (to 63 %)", 1.0,
                         5000.0, 150.0, cflags);
  properties[PROP_AUTO_RELEASE] =
    g_param_spec_boolean ("auto-release", "Auto release",
                          "Program-dependent release: short peaks recover at `release`, long "
                          "compression slower (8 x release, 0.3 to 3 s)",
                          FALSE, cflags);
  properties[PROP_MAKEUP] =
    g_param_spec_double ("makeup", "Makeup", "Makeup gain in dB", -24.0, 24.0, 0.0, cflags);
  properties[PROP_SIDECHAIN_HPF] =
    g_param_spec_double ("sidechain-hpf", "Sidechain high-pass",
                         "High-pass on the detector only, in Hz (0: off)", 0.0, 2000.0, 0.0, cflags);
  properties[PROP_LINK] =
    g_param_spec_double ("link", "Stereo link",
                         "0: channels compressed independently .. 1: the louder drives both", 0.0,
                         1.0, 1.0, cflags);
  properties[PROP_DETECTOR] =
    g_param_spec_enum ("detector", "Detector", "Level detector", LQ_TYPE_GST_COMPRESSOR_DETECTOR,
                       LQ_GST_COMPRESSOR_DETECTOR_PEAK, cflags);
  properties[PROP_MIX] =
    g_param_spec_double ("mix", "Mix", "Parallel blend: 0 dry .. 1 compressed", 0.0, 1.0, 1.0, cflags);
  properties[PROP_LOOKAHEAD] =
    g_param_spec_double ("lookahead", "Lookahead",
                         "Delay of the audio against the detector in ms (the element's latency)",
                         0.0, LQ_COMPRESSOR_MAX_LOOKAHEAD_MS, 0.0, flags);
  properties[PROP_GAIN_REDUCTION] =
    g_param_spec_double ("gain-reduction", "Gain reduction",
                         "Gain reduction at the end of the last buffer in dB (>= 0), for meters",
                         0.0, G_MAXDOUBLE, 0.0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  gst_type_mark_as_plugin_api (LQ_TYPE_GST_COMPRESSOR_DETECTOR, 0);
}

static void
lq_gst_compressor_init (LqGstCompressor *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
  self->fresh = TRUE;
}
