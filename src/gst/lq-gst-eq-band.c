/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-eq-band"

#include "config.h"

#include "lq-gst-eq-band.h"

/**
 * SECTION:lq-gst-eq-band
 * @title: LqGstEqBand
 *
 * One band of #LqGstEq, reached through #GstChildProxy as `band0` to `band7`:
 * `gst-launch-1.0 ... ! lqeq band0::type=high-pass band0::freq=30 band0::slope=24 ! ...`.
 * Every property but `type`, `slope` and `channels` is controllable; all may change while
 * playing (continuous ones glide over 20 ms, the others fade the band out and in).
 */

struct _LqGstEqBand
{
  GstObject parent_instance;

  /* Properties (GST_OBJECT_LOCK) */
  LqGstEqBandType type;     /* filter shape */
  double freq;              /* Hz */
  double gain;              /* dB, bells and shelves */
  double q;                 /* bandwidth, or the passes' resonance */
  guint slope;              /* dB/oct, passes */
  LqGstEqChannels channels; /* component acted on */
  gboolean bypass;          /* band off */
};

G_DEFINE_FINAL_TYPE (LqGstEqBand, lq_gst_eq_band, GST_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TYPE,
  PROP_FREQ,
  PROP_GAIN,
  PROP_Q,
  PROP_SLOPE,
  PROP_CHANNELS,
  PROP_BYPASS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
lq_gst_eq_band_type_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_GST_EQ_BAND_BELL, "Bell (peak or dip)", "bell" },
    { LQ_GST_EQ_BAND_LOW_SHELF, "Low shelf", "low-shelf" },
    { LQ_GST_EQ_BAND_HIGH_SHELF, "High shelf", "high-shelf" },
    { LQ_GST_EQ_BAND_HIGH_PASS, "High pass", "high-pass" },
    { LQ_GST_EQ_BAND_LOW_PASS, "Low pass", "low-pass" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqGstEqBandType", values));
  return type;
}

GType
lq_gst_eq_channels_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { LQ_GST_EQ_CHANNELS_STEREO, "Both channels", "stereo" },
    { LQ_GST_EQ_CHANNELS_MID, "Mid (L+R) only", "mid" },
    { LQ_GST_EQ_CHANNELS_SIDE, "Side (L-R) only", "side" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("LqGstEqChannels", values));
  return type;
}

static void
lq_gst_eq_band_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LqGstEqBand *self = LQ_GST_EQ_BAND (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_TYPE:
      g_value_set_enum (value, self->type);
      break;
    case PROP_FREQ:
      g_value_set_double (value, self->freq);
      break;
    case PROP_GAIN:
      g_value_set_double (value, self->gain);
      break;
    case PROP_Q:
      g_value_set_double (value, self->q);
      break;
    case PROP_SLOPE:
      g_value_set_uint (value, self->slope);
      break;
    case PROP_CHANNELS:
      g_value_set_enum (value, self->channels);
      break;
    case PROP_BYPASS:
      g_value_set_boolean (value, self->bypass);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
}

static void
lq_gst_eq_band_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LqGstEqBand *self = LQ_GST_EQ_BAND (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_TYPE:
      self->type = g_value_get_enum (value);
      break;
    case PROP_FREQ:
      self->freq = g_value_get_double (value);
      break;
    case PROP_GAIN:
      self->gain = g_value_get_double (value);
      break;
    case PROP_Q:
      self->q = g_value_get_double (value);
      break;
    case PROP_SLOPE:
      self->slope = lq_biquad_valid_slope (g_value_get_uint (value));
      break;
    case PROP_CHANNELS:
      self->channels = g_value_get_enum (value);
      break;
    case PROP_BYPASS:
      self->bypass = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
}

static void
lq_gst_eq_band_class_init (LqGstEqBandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;
  GParamFlags cflags = flags | GST_PARAM_CONTROLLABLE;

  object_class->get_property = lq_gst_eq_band_get_property;
  object_class->set_property = lq_gst_eq_band_set_property;

  properties[PROP_TYPE] =
    g_param_spec_enum ("type", "Type", "Filter shape", LQ_TYPE_GST_EQ_BAND_TYPE,
                       LQ_GST_EQ_BAND_BELL, flags);
  properties[PROP_FREQ] =
    g_param_spec_double ("freq", "Frequency", "Centre, corner or cut-off frequency in Hz "
                         "(limited to 0.49 times the sample rate)",
                         10.0, 96000.0, 1000.0, cflags);
  properties[PROP_GAIN] =
    g_param_spec_double ("gain", "Gain", "Gain of bells and shelves in dB", -36.0, 36.0, 0.0,
                         cflags);
  properties[PROP_Q] =
    g_param_spec_double ("q", "Q", "Bandwidth of bells and shelves; resonance of the passes "
                         "(0.7071 = Butterworth)",
                         0.1, 40.0, 0.7071067811865476, cflags);
  properties[PROP_SLOPE] =
    g_param_spec_uint ("slope", "Slope", "Slope of the passes in dB/oct: 6, 12, 24, 36 or 48 "
                       "(others round to the nearest)",
                       6, 48, 12, flags);
  properties[PROP_CHANNELS] =
    g_param_spec_enum ("channels", "Channels", "The component the band acts on",
                       LQ_TYPE_GST_EQ_CHANNELS, LQ_GST_EQ_CHANNELS_STEREO, flags);
  properties[PROP_BYPASS] =
    g_param_spec_boolean ("bypass", "Bypass", "Band off (fades over 10 ms)", FALSE, cflags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lq_gst_eq_band_init (LqGstEqBand *self)
{
  LqEqBand def;

  lq_eq_band_init (&def);
  self->type = (LqGstEqBandType) def.type;
  self->freq = def.freq;
  self->gain = def.gain_db;
  self->q = def.q;
  self->slope = def.slope;
  self->channels = (LqGstEqChannels) def.channels;
  self->bypass = def.bypass;
}

/**
 * lq_gst_eq_band_get_settings:
 * @settings: (out): the band's properties as kernel settings
 *
 * Reads all properties at once (under the object lock).
 */
void
lq_gst_eq_band_get_settings (LqGstEqBand *self,
                             LqEqBand    *settings)
{
  g_return_if_fail (LQ_IS_GST_EQ_BAND (self));

  GST_OBJECT_LOCK (self);
  settings->type = (LqBiquadType) self->type;
  settings->freq = self->freq;
  settings->gain_db = self->gain;
  settings->q = self->q;
  settings->slope = self->slope;
  settings->channels = (LqEqChannels) self->channels;
  settings->bypass = self->bypass;
  GST_OBJECT_UNLOCK (self);
}
