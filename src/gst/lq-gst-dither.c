/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-dither"

#include "config.h"

#include "lq-gst-dither.h"
#include "lq-gst-util.h"

/**
 * SECTION:lq-gst-dither
 * @title: lqdither
 *
 * Word-length reduction to `bits` (16 for CD, 24 for masters) with TPDF dither and optional
 * `noise-shaping`. The output stays F32, but every sample is exactly an integer code divided by
 * 2^(bits-1), so a following `audioconvert dithering=none` to S16 (bits=16) or S24/S32 writes
 * exactly the codes lq_dither_process_s16()/_s32() give an exporter (with audioconvert's own
 * default dithering it would add a second dither on top). Codes are clamped, never wrapped.
 *
 * With `mute-silence` (the default) digital silence stays digital silence: the output is exact
 * zeros from the start of a silent input and after 10 ms of an all-zero input, instead of
 * dither hiss. `seed` fixes the noise: the same seed and input give bit-identical output
 * (renders are reproducible); the generator restarts from it at every flush or new stream.
 * No latency.
 *
 * |[
 * gst-launch-1.0 filesrc location=master.wav ! wavparse ! audioconvert ! \
 *   lqdither bits=16 noise-shaping=lipshitz ! audioconvert dithering=none ! \
 *   audio/x-raw,format=S16LE ! wavenc ! filesink location=cd.wav
 * ]|
 */

typedef struct
{
  gint bits;
  LqGstDitherShape shape;
  gboolean mute_silence;
  guint64 seed;
} DitherParams;

struct _LqGstDither
{
  LqAudioFilter parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  DitherParams props; /* as set */

  /* Streaming state (streaming thread only) */
  LqDither *kernel;     /* NULL before caps */
  DitherParams applied; /* what the kernel has */
  gboolean fresh;       /* the kernel is new: apply everything */
};

G_DEFINE_FINAL_TYPE (LqGstDither, lq_gst_dither, LQ_TYPE_AUDIO_FILTER)

GST_ELEMENT_REGISTER_DEFINE (lqdither, "lqdither", GST_RANK_NONE, LQ_TYPE_GST_DITHER);

enum {
  PROP_0,
  PROP_BITS,
  PROP_NOISE_SHAPING,
  PROP_MUTE_SILENCE,
  PROP_SEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define FIELD(member) LQ_GST_FIELD (LqGstDither, props.member)
static const LqGstField fields[N_PROPS] = {
  [PROP_BITS] = FIELD (bits),
  [PROP_NOISE_SHAPING] = FIELD (shape),
  [PROP_MUTE_SILENCE] = FIELD (mute_silence),
  [PROP_SEED] = FIELD (seed),
};
#undef FIELD

GType
lq_gst_dither_shape_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_GST_DITHER_SHAPE_NONE, "Flat TPDF", "none" },
    { LQ_GST_DITHER_SHAPE_FIRST_ORDER, "First order (1 - z^-1)", "first-order" },
    { LQ_GST_DITHER_SHAPE_LIPSHITZ, "Lipshitz 5-tap E-weighted (44.1 kHz)", "lipshitz" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqGstDitherShape", values));
  return type;
}

/* Copies the properties that changed into the kernel. */
static void
sync_kernel (LqGstDither *self)
{
  DitherParams p;
  DitherParams *a = &self->applied;
  gboolean all = self->fresh;

  LQ_GST_COPY_LOCKED (self, p, self->props);

  if (all || p.bits != a->bits)
    lq_dither_set_bits (self->kernel, (unsigned) p.bits);
  if (all || p.shape != a->shape)
    lq_dither_set_shape (self->kernel, (LqDitherShape) p.shape);
  if (all || p.mute_silence != a->mute_silence)
    lq_dither_set_mute_silence (self->kernel, p.mute_silence);
  if (all || p.seed != a->seed)
    lq_dither_set_seed (self->kernel, p.seed);
  *a = p;
  self->fresh = FALSE;
}

static gboolean
lq_gst_dither_setup (LqAudioFilter *filter,
                     guint          rate,
                     guint          channels)
{
  LqGstDither *self = LQ_GST_DITHER (filter);
  LqDither *kernel = lq_dither_new (rate, channels);

  if (kernel == NULL)
    return FALSE;
  g_clear_pointer (&self->kernel, lq_dither_free);
  self->kernel = kernel;
  self->fresh = TRUE;
  sync_kernel (self);
  return TRUE;
}

static void
lq_gst_dither_process (LqAudioFilter *filter,
                       float         *data,
                       guint          frames)
{
  LqGstDither *self = LQ_GST_DITHER (filter);

  sync_kernel (self);
  lq_dither_process (self->kernel, data, frames);
}

static void
lq_gst_dither_reset (LqAudioFilter *filter)
{
  LqGstDither *self = LQ_GST_DITHER (filter);

  if (self->kernel != NULL)
    lq_dither_reset (self->kernel);
}

static void
lq_gst_dither_finalize (GObject *object)
{
  LqGstDither *self = LQ_GST_DITHER (object);

  g_clear_pointer (&self->kernel, lq_dither_free);

  G_OBJECT_CLASS (lq_gst_dither_parent_class)->finalize (object);
}

static void
lq_gst_dither_class_init (LqGstDitherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lq_gst_dither_finalize;
  object_class->get_property = lq_gst_util_get_property;
  object_class->set_property = lq_gst_util_set_property;

  filter_class->setup = lq_gst_dither_setup;
  filter_class->process = lq_gst_dither_process;
  filter_class->reset = lq_gst_dither_reset;

  gst_element_class_set_static_metadata (element_class, "Lacquer dither",
                                         "Filter/Effect/Audio",
                                         "Word-length reduction to 16 or 24 bits with TPDF dither "
                                         "and optional noise shaping; outputs exact integer codes",
                                         "Lacquer developers");

  properties[PROP_BITS] =
    g_param_spec_int ("bits", "Bits", "Target word length (16 for CD, 24 for masters)",
                      16, LQ_DITHER_BITS_MAX, LQ_DITHER_BITS_DEFAULT, flags);
  properties[PROP_NOISE_SHAPING] =
    g_param_spec_enum ("noise-shaping", "Noise shaping", "Spectral shape of the dither noise",
                       LQ_TYPE_GST_DITHER_SHAPE, LQ_GST_DITHER_SHAPE_NONE, flags);
  properties[PROP_MUTE_SILENCE] =
    g_param_spec_boolean ("mute-silence", "Mute digital silence",
                          "Output exact zeros on digital silence (from the start, and after 10 ms "
                          "of all-zero input) instead of dither noise",
                          TRUE, flags);
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", "Seed",
                         "Seed of the dither noise: the same seed and input give the same output",
                         0, G_MAXUINT64, LQ_DITHER_SEED_DEFAULT, flags);
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);

  gst_type_mark_as_plugin_api (LQ_TYPE_GST_DITHER_SHAPE, 0);
}

static void
lq_gst_dither_init (LqGstDither *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
  self->fresh = TRUE;
}
