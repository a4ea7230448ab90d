/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-eq"

#include "config.h"

#include "lq-gst-eq.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-eq
 * @title: lqeq
 *
 * The parametric EQ: up to 8 bands (bell, low/high shelf, high/low pass at 6 to 48 dB/oct),
 * each on both channels, on the mid or on the side, as magnitude-matched minimum-phase
 * biquads (no cramping near Nyquist) or, with `linear-phase`, as one FIR of the same
 * magnitude (latency 8192 frames at 44.1/48 kHz, 16384 up to 96 kHz, 32768 above; reported
 * to the pipeline, and the output stays time-aligned with the input). See lq-eq.h and
 * lq-biquad.h for the exact responses.
 *
 * The bands are child objects (#LqGstEqBand) named `band0` to `band7`, reached with
 * #GstChildProxy as GStreamer's own equalizer-nbands does; all eight always exist and
 * `num-bands` says how many are in use:
 *
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! wavparse ! audioconvert ! \
 *   lqeq num-bands=3 band0::type=high-pass band0::freq=30 band0::slope=24 \
 *        band1::freq=3000 band1::gain=2.5 band1::q=1.4 \
 *        band2::type=high-shelf band2::freq=10000 band2::gain=-1.5 band2::channels=side ! \
 *   audioconvert ! wavenc ! filesink location=out.wav
 * ]|
 *
 * `linear-phase` may change while playing; the modes crossfade. Turning it on raises the
 * latency at the next buffer (a LATENCY message is posted; the extra delay is dropped, so the
 * output stays aligned and nothing is lost); turning it off keeps that latency, with the
 * minimum-phase output delayed to match, until the next flush or stream.
 */

struct _LqGstEq
{
  LqAudioFilter parent_instance;

  LqGstEqBand *bands[LQ_EQ_MAX_BANDS]; /* children band0..band7, owned */

  /* Properties (GST_OBJECT_LOCK) */
  guint num_bands;       /* bands in use */
  gboolean linear_phase; /* linear-phase mode asked for */
  guint latency;         /* the kernel's armed latency, for get_latency from any thread */

  /* Streaming state (streaming thread only) */
  LqEq *kernel; /* NULL before caps */
};

G_DEFINE_FINAL_TYPE_WITH_CODE (LqGstEq, lq_gst_eq, LQ_TYPE_AUDIO_FILTER,
                               G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
                                                      lq_gst_util_bands_child_proxy_init))

GST_ELEMENT_REGISTER_DEFINE (lqeq, "lqeq", GST_RANK_NONE, LQ_TYPE_GST_EQ);

enum {
  PROP_0,
  PROP_NUM_BANDS,
  PROP_LINEAR_PHASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const LqGstField fields[N_PROPS] = {
  [PROP_NUM_BANDS] = LQ_GST_FIELD (LqGstEq, num_bands),
  [PROP_LINEAR_PHASE] = LQ_GST_FIELD (LqGstEq, linear_phase),
};

/* Copies the bands and the number of bands into the kernel. */
static void
sync_bands (LqGstEq *self)
{
  guint n;

  LQ_GST_COPY_LOCKED (self, n, self->num_bands);
  lq_eq_set_num_bands (self->kernel, n);
  for (guint i = 0; i < LQ_EQ_MAX_BANDS; i++)
    {
      LqEqBand settings;

      lq_gst_eq_band_get_settings (self->bands[i], &settings);
      lq_eq_set_band (self->kernel, i, &settings);
    }
}

/* Hands the linear-phase setting to the kernel; it takes effect at the next buffer, whose
 * latency LqAudioFilter asks for first. */
static void
sync_mode (LqGstEq *self)
{
  gboolean lp, changed;
  guint latency;

  LQ_GST_COPY_LOCKED (self, lp, self->linear_phase);
  if (!lq_eq_set_linear_phase (self->kernel, lp))
    GST_WARNING_OBJECT (self, "cannot allocate the linear-phase engine");
  latency = (guint) lq_eq_get_latency (self->kernel);
  GST_OBJECT_LOCK (self);
  changed = latency != self->latency;
  self->latency = latency;
  GST_OBJECT_UNLOCK (self);
  if (changed)
    lq_audio_filter_latency_changed (LQ_AUDIO_FILTER (self));
}

static gboolean
lq_gst_eq_setup (LqAudioFilter *filter,
                 guint          rate,
                 guint          channels)
{
  LqGstEq *self = LQ_GST_EQ (filter);
  LqEq *kernel = lq_eq_new (rate, channels);
  gboolean lp;

  if (kernel == NULL)
    return FALSE;
  LQ_GST_COPY_LOCKED (self, lp, self->linear_phase);
  /* Allocate the linear-phase engine here rather than in the streaming loop. */
  if (lp && !lq_eq_prepare_linear_phase (kernel))
    {
      lq_eq_free (kernel);
      return FALSE;
    }
  g_clear_pointer (&self->kernel, lq_eq_free);
  self->kernel = kernel;
  sync_bands (self);
  sync_mode (self);
  return TRUE;
}

static void
lq_gst_eq_process (LqAudioFilter *filter,
                   float         *data,
                   guint          frames)
{
  LqGstEq *self = LQ_GST_EQ (filter);

  if (self->kernel == NULL)
    return;
  sync_bands (self);
  lq_eq_process (self->kernel, data, frames);
  sync_mode (self);
}

static void
lq_gst_eq_reset (LqAudioFilter *filter)
{
  LqGstEq *self = LQ_GST_EQ (filter);

  if (self->kernel == NULL)
    return;
  sync_bands (self);
  sync_mode (self);
  lq_eq_reset (self->kernel);
}

static guint
lq_gst_eq_get_latency (LqAudioFilter *filter)
{
  LqGstEq *self = LQ_GST_EQ (filter);
  guint latency;

  LQ_GST_COPY_LOCKED (self, latency, self->latency);
  return latency;
}

/* GObject */

static void
lq_gst_eq_dispose (GObject *object)
{
  lq_gst_util_dispose_bands (GST_OBJECT (object));
  G_OBJECT_CLASS (lq_gst_eq_parent_class)->dispose (object);
}

static void
lq_gst_eq_finalize (GObject *object)
{
  LqGstEq *self = LQ_GST_EQ (object);

  g_clear_pointer (&self->kernel, lq_eq_free);
  G_OBJECT_CLASS (lq_gst_eq_parent_class)->finalize (object);
}

static void
lq_gst_eq_class_init (LqGstEqClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);

  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_util_set_property;
  object_class->dispose = lq_gst_eq_dispose;
  object_class->finalize = lq_gst_eq_finalize;
  trans_class->before_transform = GST_DEBUG_FUNCPTR (lq_gst_util_sync_bands);
  filter_class->setup = lq_gst_eq_setup;
  filter_class->process = lq_gst_eq_process;
  filter_class->reset = lq_gst_eq_reset;
  filter_class->get_latency = lq_gst_eq_get_latency;

  /**
   * LqGstEq:num-bands:
   *
   * How many of band0..band7 are in use; the others fade out.
   */
  properties[PROP_NUM_BANDS] =
    g_param_spec_uint ("num-bands", "Number of bands", "How many of band0..band7 are in use",
                       1, LQ_EQ_MAX_BANDS, LQ_EQ_MAX_BANDS,
                       G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);
  /**
   * LqGstEq:linear-phase:
   *
   * Linear-phase FIR of the same magnitude instead of the minimum-phase biquads. Adds
   * latency (8192 frames at 44.1/48 kHz), which the element reports and compensates.
   */
  properties[PROP_LINEAR_PHASE] =
    g_param_spec_boolean ("linear-phase", "Linear phase",
                          "Linear-phase FIR of the same magnitude (adds latency)", FALSE,
                          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  gst_element_class_set_static_metadata (element_class, "Lacquer parametric EQ",
                                         "Filter/Effect/Audio",
                                         "Up to 8 bands: bells, shelves and passes, stereo, mid "
                                         "or side, minimum or linear phase",
                                         "Lacquer developers");
  lq_gst_util_class_set_bands (object_class, LQ_TYPE_GST_EQ_BAND, G_STRUCT_OFFSET (LqGstEq, bands),
                               LQ_EQ_MAX_BANDS);
  gst_type_mark_as_plugin_api (LQ_TYPE_GST_EQ_BAND, 0);
  gst_type_mark_as_plugin_api (LQ_TYPE_GST_EQ_BAND_TYPE, 0);
  gst_type_mark_as_plugin_api (LQ_TYPE_GST_EQ_CHANNELS, 0);
}

static void
lq_gst_eq_init (LqGstEq *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
  lq_gst_util_init_bands (GST_OBJECT (self));
}

/**
 * lq_gst_eq_get_band:
 * @index: 0..7
 *
 * Returns: (transfer none): the band object (also reachable as `band<index>` by
 *   #GstChildProxy)
 */
LqGstEqBand *
lq_gst_eq_get_band (LqGstEq *self,
                    guint    index)
{
  g_return_val_if_fail (LQ_IS_GST_EQ (self), NULL);
  g_return_val_if_fail (index < LQ_EQ_MAX_BANDS, NULL);
  return self->bands[index];
}
