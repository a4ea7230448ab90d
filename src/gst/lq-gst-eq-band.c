/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-gst-eq-band"

#include "config.h"

#include "lq-gst-eq-band.h"
#include "lq-gst-util.h"

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

  /* Properties (GST_OBJECT_LOCK), as the kernel takes them */
  LqEqBand settings;
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

#define FIELD(member) LQ_GST_FIELD (LqGstEqBand, settings.member)
static const LqGstField fields[N_PROPS] = {
  [PROP_TYPE] = FIELD (type),
  [PROP_FREQ] = FIELD (freq),
  [PROP_GAIN] = FIELD (gain_db),
  [PROP_Q] = FIELD (q),
  [PROP_SLOPE] = FIELD (slope),
  [PROP_CHANNELS] = FIELD (channels),
  [PROP_BYPASS] = FIELD (bypass),
};
#undef FIELD

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

/* The slope is rounded to one the kernel has; the other properties are stored as they are. */
static void
lq_gst_eq_band_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LqGstEqBand *self = LQ_GST_EQ_BAND (object);
  guint slope;

  if (prop_id != PROP_SLOPE)
    {
      lq_gst_util_set_field (object, value, pspec);
      return;
    }
  slope = lq_biquad_valid_slope (g_value_get_uint (value));
  LQ_GST_COPY_LOCKED (self, self->settings.slope, slope);
}

static void
lq_gst_eq_band_class_init (LqGstEqBandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS;
  GParamFlags cflags = flags | GST_PARAM_CONTROLLABLE;

  object_class->get_property = lq_gst_util_get_property;
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
  lq_gst_util_install_properties (object_class, N_PROPS, properties, fields);
}

static void
lq_gst_eq_band_init (LqGstEqBand *self)
{
  lq_gst_util_init_fields (GST_OBJECT (self), N_PROPS, properties);
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

  LQ_GST_COPY_LOCKED (self, *settings, self->settings);
}
