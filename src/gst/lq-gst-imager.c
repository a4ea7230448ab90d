/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-imager"

#include "config.h"

#include "lq-gst-imager.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-imager
 * @title: lqimager
 *
 * Stereo imaging in mid/side (LqImager): a width per band (up to 3 bands split by
 * Linkwitz-Riley 4th-order crossovers at `xover0`, `xover1` in Hz), `mono-below` (Hz, 0 = off:
 * below it the side signal is removed with an LR4 split, so the bass is mono and the highs keep
 * their side) and `balance` (-1 left only .. 0 .. 1 right only; the far channel is turned
 * down, the near one stays at unity).
 *
 * The bands are child objects named `band0` .. `band2` (GstChildProxy) with one property,
 * `band<N>::width`: 0 mono .. 1 unchanged .. 2 twice the side level. All three always exist;
 * with `num-bands=1` (the default) `band0::width` is the width of the whole signal.
 *
 * At width 1 in every band, mono-below 0 and balance 0 (the defaults) the output is the input,
 * bit for bit. Width and balance glide over 20 ms, crossovers glide, and a change of topology
 * (`num-bands`, mono-below on or off, leaving or entering the transparent state) fades through
 * the dry input over 20 ms, so nothing clicks. Every property takes a GstController. Zero
 * latency. A mono stream passes through unchanged.
 *
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! wavparse ! audioconvert ! \
 *   lqimager num-bands=3 xover0=200 xover1=4000 band0::width=0.6 band2::width=1.3 \
 *   mono-below=100 ! audioconvert ! wavenc ! filesink location=out.wav
 * ]|
 */

#define N_XOVERS (LQ_GST_IMAGER_MAX_BANDS - 1)

/* ---- the band child object ---- */

struct _LqGstImagerBand
{
  GstObject parent_instance;

  /* Properties (the band's GST_OBJECT_LOCK) */
  double width; /* 0 mono .. 1 unchanged .. 2 */
};

G_DEFINE_FINAL_TYPE (LqGstImagerBand, lq_gst_imager_band, GST_TYPE_OBJECT)

enum {
  BAND_PROP_0,
  BAND_PROP_WIDTH,
  N_BAND_PROPS
};

static GParamSpec *band_properties[N_BAND_PROPS];

static const LqGstField band_fields[N_BAND_PROPS] = {
  [BAND_PROP_WIDTH] = LQ_GST_FIELD (LqGstImagerBand, width),
};

static void
lq_gst_imager_band_class_init (LqGstImagerBandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_util_set_property;

  band_properties[BAND_PROP_WIDTH] =
    g_param_spec_double ("width", "Width", "Stereo width: 0 mono .. 1 unchanged .. 2 wide", 0.0,
                         LQ_IMAGER_MAX_WIDTH, 1.0,
                         G_PARAM_READWRITE | GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING
                         | G_PARAM_STATIC_STRINGS);
  lq_gst_util_install_properties (object_class, N_BAND_PROPS, band_properties, band_fields);
}

static void
lq_gst_imager_band_init (LqGstImagerBand *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_BAND_PROPS, band_properties);
}

/* ---- the element ---- */

typedef struct
{
  guint num_bands;                         /* 1..3 */
  double xover[N_XOVERS];                  /* Hz */
  double mono_below;                       /* Hz, 0 = off */
  double balance;                          /* -1..1 */
  double width[LQ_GST_IMAGER_MAX_BANDS];   /* copied from the bands */
} ImagerParams;

struct _LqGstImager
{
  LqAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK); the widths live in the bands */
  ImagerParams props;

  /* The bands (fixed for the element's life) */
  LqGstImagerBand *bands[LQ_GST_IMAGER_MAX_BANDS];

  /* Streaming state (streaming thread only) */
  LqImager *kernel;      /* NULL before caps */
  ImagerParams applied;  /* what the kernel has */
  gboolean fresh;        /* the kernel has none of the settings */
};

G_DEFINE_FINAL_TYPE_WITH_CODE (LqGstImager, lq_gst_imager, LQ_TYPE_AUDIO_FILTER,
                               G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
                                                      lq_gst_util_bands_child_proxy_init))

GST_ELEMENT_REGISTER_DEFINE (lqimager, "lqimager", GST_RANK_NONE, LQ_TYPE_GST_IMAGER);

enum {
  PROP_0,
  PROP_NUM_BANDS,
  PROP_XOVER0,
  PROP_XOVER1,
  PROP_MONO_BELOW,
  PROP_BALANCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define FIELD(member) LQ_GST_FIELD (LqGstImager, props.member)
static const LqGstField fields[N_PROPS] = {
  [PROP_NUM_BANDS] = FIELD (num_bands),
  [PROP_XOVER0] = FIELD (xover[0]),
  [PROP_XOVER1] = FIELD (xover[1]),
  [PROP_MONO_BELOW] = FIELD (mono_below),
  [PROP_BALANCE] = FIELD (balance),
};
#undef FIELD

static const double default_xover[N_XOVERS] = { 120.0, 2000.0 };

/* Copies the properties that changed into the kernel. */
static void
sync_kernel (LqGstImager *self)
{
  ImagerParams p;
  ImagerParams *a = &self->applied;
  gboolean all = self->fresh;

  LQ_GST_COPY_LOCKED (self, p, self->props);
  for (guint b = 0; b < LQ_GST_IMAGER_MAX_BANDS; b++)
    LQ_GST_COPY_LOCKED (self->bands[b], p.width[b], self->bands[b]->width);

  if (all || p.num_bands != a->num_bands)
    lq_imager_set_n_bands (self->kernel, p.num_bands);
  for (guint i = 0; i < N_XOVERS; i++)
    if (all || p.xover[i] != a->xover[i])
      lq_imager_set_crossover (self->kernel, i, p.xover[i]);
  if (all || p.mono_below != a->mono_below)
    lq_imager_set_mono_below (self->kernel, p.mono_below);
  if (all || p.balance != a->balance)
    lq_imager_set_balance (self->kernel, p.balance);
  for (guint b = 0; b < LQ_GST_IMAGER_MAX_BANDS; b++)
    if (all || p.width[b] != a->width[b])
      lq_imager_set_width (self->kernel, b, p.width[b]);
  *a = p;
  self->fresh = FALSE;
}

static gboolean
lq_gst_imager_setup (LqAudioFilter *filter,
                     guint          rate,
                     guint          channels)
{
  LqGstImager *self = LQ_GST_IMAGER (filter);
  LqImager *kernel = lq_imager_new (channels, rate, 1);

  if (kernel == NULL)
    return FALSE;
  g_clear_pointer (&self->kernel, lq_imager_free);
  self->kernel = kernel;
  self->fresh = TRUE;
  sync_kernel (self);
  lq_imager_snap (self->kernel);
  return TRUE;
}

static void
lq_gst_imager_process (LqAudioFilter *filter,
                       float         *data,
                       guint          frames)
{
  LqGstImager *self = LQ_GST_IMAGER (filter);

  sync_kernel (self);
  lq_imager_process (self->kernel, data, frames);
}

static void
lq_gst_imager_reset (LqAudioFilter *filter)
{
  LqGstImager *self = LQ_GST_IMAGER (filter);

  if (self->kernel != NULL)
    lq_imager_reset (self->kernel);
}

static void
lq_gst_imager_dispose (GObject *object)
{
  lq_gst_util_dispose_bands (GST_OBJECT (object));

  G_OBJECT_CLASS (lq_gst_imager_parent_class)->dispose (object);
}

static void
lq_gst_imager_finalize (GObject *object)
{
  LqGstImager *self = LQ_GST_IMAGER (object);

  g_clear_pointer (&self->kernel, lq_imager_free);

  G_OBJECT_CLASS (lq_gst_imager_parent_class)->finalize (object);
}

static void
lq_gst_imager_class_init (LqGstImagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING
                            | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lq_gst_imager_dispose;
  object_class->finalize = lq_gst_imager_finalize;
  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_util_set_property;

  trans_class->before_transform = GST_DEBUG_FUNCPTR (lq_gst_util_sync_bands);

  filter_class->setup = lq_gst_imager_setup;
  filter_class->process = lq_gst_imager_process;
  filter_class->reset = lq_gst_imager_reset;

  gst_element_class_set_static_metadata (element_class, "Lacquer stereo imager",
                                         "Filter/Effect/Audio",
                                         "Mid/side width per band, mono bass below a frequency, "
                                         "balance",
                                         "Lacquer developers");

  properties[PROP_NUM_BANDS] =
    g_param_spec_uint ("num-bands", "Number of bands",
                       "Number of width bands (a change fades over 20 ms)", 1,
                       LQ_GST_IMAGER_MAX_BANDS, 1, flags);
  properties[PROP_XOVER0] =
    g_param_spec_double ("xover0", "Crossover 0", "Crossover between bands 0 and 1 in Hz", 10.0,
                         40000.0, default_xover[0], flags);
  properties[PROP_XOVER1] =
    g_param_spec_double ("xover1", "Crossover 1", "Crossover between bands 1 and 2 in Hz", 10.0,
                         40000.0, default_xover[1], flags);
  properties[PROP_MONO_BELOW] =
    g_param_spec_double ("mono-below", "Mono below",
                         "Make the signal mono below this frequency in Hz (0: off)", 0.0, 1000.0,
                         0.0, flags);
  properties[PROP_BALANCE] =
    g_param_spec_double ("balance", "Balance", "-1 left only .. 0 centre .. 1 right only", -1.0,
                         1.0, 0.0, flags);
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  lq_gst_util_class_set_bands (object_class, LQ_TYPE_GST_IMAGER_BAND,
                               G_STRUCT_OFFSET (LqGstImager, bands), LQ_GST_IMAGER_MAX_BANDS);
  gst_type_mark_as_plugin_api (LQ_TYPE_GST_IMAGER_BAND, 0);
}

static void
lq_gst_imager_init (LqGstImager *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
  lq_gst_util_init_bands (GST_OBJECT (self));
  self->fresh = TRUE;
}
