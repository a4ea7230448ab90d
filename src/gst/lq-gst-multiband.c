/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-multiband"

#include "config.h"

#include "lq-gst-multiband.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-multiband
 * @title: lqmultiband
 *
 * A 2- to 4-band compressor (LqMultiband): Linkwitz-Riley 4th-order crossovers at `xover0`,
 * `xover1`, `xover2` (Hz, those below `num-bands` apply) whose bands sum flat (< 0.01 dB; in
 * fact within float rounding), each band a compressor with solo and bypass.
 *
 * The bands are child objects named `band0` .. `band3` (GstChildProxy, as in
 * equalizer-nbands): `band<N>::threshold` (dBFS), `::ratio`, `::attack` and `::release` (ms,
 * to 63 %), `::makeup` (dB), `::solo`, `::bypass`, and the read-only `::gain-reduction` (dB,
 * for meters). All four always exist; those at or above `num-bands` keep their settings for
 * later. Every band property and the crossovers take a GstController; changes glide, and a new
 * `num-bands` fades through the dry signal over 10 ms, so nothing clicks. Zero latency.
 *
 * Each band's compressor has a 6 dB soft knee, a peak detector and full stereo link.
 *
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! wavparse ! audioconvert ! \
 *   lqmultiband num-bands=3 xover0=150 xover1=2500 band0::threshold=-24 band0::ratio=3 \
 *   band2::threshold=-30 band2::ratio=2 band2::makeup=1.5 ! audioconvert ! wavenc ! \
 *   filesink location=out.wav
 * ]|
 */

#define N_XOVERS (LQ_GST_MULTIBAND_MAX_BANDS - 1)

/* ---- the band child object ---- */

typedef struct
{
  double threshold; /* dBFS */
  double ratio;     /* >= 1 */
  double attack;    /* ms */
  double release;   /* ms */
  double makeup;    /* dB */
  gboolean solo;    /* only soloed bands are heard */
  gboolean bypass;  /* compressor off (the band still passes) */
} BandParams;

struct _LqGstMultibandBand
{
  GstObject parent_instance;

  /* Properties (the band's GST_OBJECT_LOCK) */
  BandParams props;
  double gain_reduction; /* dB, of the last buffer processed */
};

G_DEFINE_FINAL_TYPE (LqGstMultibandBand, lq_gst_multiband_band, GST_TYPE_OBJECT)

enum {
  BAND_PROP_0,
  BAND_PROP_THRESHOLD,
  BAND_PROP_RATIO,
  BAND_PROP_ATTACK,
  BAND_PROP_RELEASE,
  BAND_PROP_MAKEUP,
  BAND_PROP_SOLO,
  BAND_PROP_BYPASS,
  BAND_PROP_GAIN_REDUCTION,
  N_BAND_PROPS
};

static GParamSpec *band_properties[N_BAND_PROPS];

#define FIELD(member) LQ_GST_FIELD (LqGstMultibandBand, member)
static const LqGstField band_fields[N_BAND_PROPS] = {
  [BAND_PROP_THRESHOLD] = FIELD (props.threshold),
  [BAND_PROP_RATIO] = FIELD (props.ratio),
  [BAND_PROP_ATTACK] = FIELD (props.attack),
  [BAND_PROP_RELEASE] = FIELD (props.release),
  [BAND_PROP_MAKEUP] = FIELD (props.makeup),
  [BAND_PROP_SOLO] = FIELD (props.solo),
  [BAND_PROP_BYPASS] = FIELD (props.bypass),
  [BAND_PROP_GAIN_REDUCTION] = FIELD (gain_reduction),
};
#undef FIELD

static void
lq_gst_multiband_band_class_init (LqGstMultibandBandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING
                            | G_PARAM_STATIC_STRINGS;

  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_util_set_property;

  band_properties[BAND_PROP_THRESHOLD] =
    g_param_spec_double ("threshold", "Threshold", "Threshold in dBFS", -80.0, 0.0, -20.0, flags);
  band_properties[BAND_PROP_RATIO] =
    g_param_spec_double ("ratio", "Ratio", "Compression ratio above the threshold (N:1)", 1.0,
                         100.0, 2.0, flags);
  band_properties[BAND_PROP_ATTACK] =
    g_param_spec_double ("attack", "Attack", "Attack time constant in ms (to 63 %)", 0.0, 500.0,
                         20.0, flags);
  band_properties[BAND_PROP_RELEASE] =
    g_param_spec_double ("release", "Release", "Release time constant in ms (to 63 %)", 1.0,
                         5000.0, 200.0, flags);
  band_properties[BAND_PROP_MAKEUP] =
    g_param_spec_double ("makeup", "Makeup", "Makeup gain in dB", -24.0, 24.0, 0.0, flags);
  band_properties[BAND_PROP_SOLO] =
    g_param_spec_boolean ("solo", "Solo", "Hear only the soloed bands", FALSE, flags);
  band_properties[BAND_PROP_BYPASS] =
    g_param_spec_boolean ("bypass", "Bypass", "Pass the band uncompressed", FALSE, flags);
  band_properties[BAND_PROP_GAIN_REDUCTION] =
    g_param_spec_double ("gain-reduction", "Gain reduction",
                         "The band's gain reduction at the end of the last buffer in dB, for meters",
                         0.0, G_MAXDOUBLE, 0.0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  lq_gst_util_install_properties (object_class, N_BAND_PROPS, band_properties, band_fields);
}

static void
lq_gst_multiband_band_init (LqGstMultibandBand *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_BAND_PROPS, band_properties);
}

/* ---- the element ---- */

typedef struct
{
  guint num_bands;          /* 2..4 */
  double xover[N_XOVERS];   /* Hz */
} MultibandParams;

struct _LqGstMultiband
{
  LqAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  MultibandParams props;

  /* The bands (fixed for the element's life) */
  LqGstMultibandBand *bands[LQ_GST_MULTIBAND_MAX_BANDS];

  /* Streaming state (streaming thread only) */
  LqMultiband *kernel;                                /* NULL before caps */
  MultibandParams applied;                            /* what the kernel has */
  BandParams band_applied[LQ_GST_MULTIBAND_MAX_BANDS];
  gboolean fresh;                                     /* the kernel has none of the settings */
};

G_DEFINE_FINAL_TYPE_WITH_CODE (LqGstMultiband, lq_gst_multiband, LQ_TYPE_AUDIO_FILTER,
                               G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
                                                      lq_gst_util_bands_child_proxy_init))

GST_ELEMENT_REGISTER_DEFINE (lqmultiband, "lqmultiband", GST_RANK_NONE, LQ_TYPE_GST_MULTIBAND);

enum {
  PROP_0,
  PROP_NUM_BANDS,
  PROP_XOVER0,
  PROP_XOVER1,
  PROP_XOVER2,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define FIELD(member) LQ_GST_FIELD (LqGstMultiband, props.member)
static const LqGstField fields[N_PROPS] = {
  [PROP_NUM_BANDS] = FIELD (num_bands),
  [PROP_XOVER0] = FIELD (xover[0]),
  [PROP_XOVER1] = FIELD (xover[1]),
  [PROP_XOVER2] = FIELD (xover[2]),
};
#undef FIELD

static const double default_xover[N_XOVERS] = { 120.0, 1000.0, 6000.0 };

/* Copies the properties that changed into the kernel. */
static void
sync_kernel (LqGstMultiband *self)
{
  MultibandParams p;
  gboolean all = self->fresh;

  LQ_GST_COPY_LOCKED (self, p, self->props);

  if (all || p.num_bands != self->applied.num_bands)
    lq_multiband_set_n_bands (self->kernel, p.num_bands);
  for (guint i = 0; i < N_XOVERS; i++)
    if (all || p.xover[i] != self->applied.xover[i])
      lq_multiband_set_crossover (self->kernel, i, p.xover[i]);
  self->applied = p;

  for (guint b = 0; b < LQ_GST_MULTIBAND_MAX_BANDS; b++)
    {
      LqGstMultibandBand *band = self->bands[b];
      BandParams *a = &self->band_applied[b];
      BandParams bp;

      LQ_GST_COPY_LOCKED (band, bp, band->props);
#define CHANGED(field) (all || bp.field != a->field)
      if (CHANGED (threshold))
        lq_multiband_set_threshold (self->kernel, b, bp.threshold);
      if (CHANGED (ratio))
        lq_multiband_set_ratio (self->kernel, b, bp.ratio);
      if (CHANGED (attack))
        lq_multiband_set_attack (self->kernel, b, bp.attack);
      if (CHANGED (release))
        lq_multiband_set_release (self->kernel, b, bp.release);
      if (CHANGED (makeup))
        lq_multiband_set_makeup (self->kernel, b, bp.makeup);
      if (CHANGED (solo))
        lq_multiband_set_solo (self->kernel, b, bp.solo);
      if (CHANGED (bypass))
        lq_multiband_set_bypass (self->kernel, b, bp.bypass);
#undef CHANGED
      *a = bp;
    }
  self->fresh = FALSE;
}

static gboolean
lq_gst_multiband_setup (LqAudioFilter *filter,
                        guint          rate,
                        guint          channels)
{
  LqGstMultiband *self = LQ_GST_MULTIBAND (filter);
  LqMultiband *kernel = lq_multiband_new (channels, rate, 3);

  if (kernel == NULL)
    return FALSE;
  g_clear_pointer (&self->kernel, lq_multiband_free);
  self->kernel = kernel;
  self->fresh = TRUE;
  sync_kernel (self);
  lq_multiband_snap (self->kernel);
  return TRUE;
}

static void
lq_gst_multiband_process (LqAudioFilter *filter,
                          float         *data,
                          guint          frames)
{
  LqGstMultiband *self = LQ_GST_MULTIBAND (filter);

  sync_kernel (self);
  lq_multiband_process (self->kernel, data, frames);
  for (guint b = 0; b < LQ_GST_MULTIBAND_MAX_BANDS; b++)
    {
      double gr = lq_multiband_get_gain_reduction (self->kernel, b);

      LQ_GST_COPY_LOCKED (self->bands[b], self->bands[b]->gain_reduction, gr);
    }
}

static void
lq_gst_multiband_reset (LqAudioFilter *filter)
{
  LqGstMultiband *self = LQ_GST_MULTIBAND (filter);

  if (self->kernel != NULL)
    lq_multiband_reset (self->kernel);
}

static void
lq_gst_multiband_dispose (GObject *object)
{
  lq_gst_util_dispose_bands (GST_OBJECT (object));

  G_OBJECT_CLASS (lq_gst_multiband_parent_class)->dispose (object);
}

static void
lq_gst_multiband_finalize (GObject *object)
{
  LqGstMultiband *self = LQ_GST_MULTIBAND (object);

  g_clear_pointer (&self->kernel, lq_multiband_free);

  G_OBJECT_CLASS (lq_gst_multiband_parent_class)->finalize (object);
}

static void
lq_gst_multiband_class_init (LqGstMultibandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lq_gst_multiband_dispose;
  object_class->finalize = lq_gst_multiband_finalize;
  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_util_set_property;

  trans_class->before_transform = GST_DEBUG_FUNCPTR (lq_gst_util_sync_bands);

  filter_class->setup = lq_gst_multiband_setup;
  filter_class->process = lq_gst_multiband_process;
  filter_class->reset = lq_gst_multiband_reset;

  gst_element_class_set_static_metadata (element_class, "Lacquer multiband compressor",
                                         "Filter/Effect/Audio",
                                         "2 to 4 band compressor with Linkwitz-Riley crossovers "
                                         "that sum flat, solo and bypass per band",
                                         "Lacquer developers");

  properties[PROP_NUM_BANDS] =
    g_param_spec_uint ("num-bands", "Number of bands", "Number of bands (a change fades over 10 ms)",
                       2, LQ_GST_MULTIBAND_MAX_BANDS, 3, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_XOVER0] =
    g_param_spec_double ("xover0", "Crossover 0", "Crossover between bands 0 and 1 in Hz", 10.0,
                         40000.0, default_xover[0], flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_XOVER1] =
    g_param_spec_double ("xover1", "Crossover 1", "Crossover between bands 1 and 2 in Hz", 10.0,
                         40000.0, default_xover[1], flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_XOVER2] =
    g_param_spec_double ("xover2", "Crossover 2", "Crossover between bands 2 and 3 in Hz", 10.0,
                         40000.0, default_xover[2], flags | GST_PARAM_CONTROLLABLE);
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  lq_gst_util_class_set_bands (object_class, LQ_TYPE_GST_MULTIBAND_BAND,
                               G_STRUCT_OFFSET (LqGstMultiband, bands), LQ_GST_MULTIBAND_MAX_BANDS);
  gst_type_mark_as_plugin_api (LQ_TYPE_GST_MULTIBAND_BAND, 0);
}

static void
lq_gst_multiband_init (LqGstMultiband *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
  lq_gst_util_init_bands (GST_OBJECT (self));
  self->fresh = TRUE;
}
