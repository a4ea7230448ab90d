/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-eq.h"

G_BEGIN_DECLS

/**
 * LqGstEqBandType:
 * @LQ_GST_EQ_BAND_BELL: `bell`, a peak or dip of `gain` dB at `freq`
 * @LQ_GST_EQ_BAND_LOW_SHELF: `low-shelf`, `gain` dB below `freq`
 * @LQ_GST_EQ_BAND_HIGH_SHELF: `high-shelf`, `gain` dB above `freq`
 * @LQ_GST_EQ_BAND_HIGH_PASS: `high-pass`, Butterworth of `slope` dB/oct from `freq`
 * @LQ_GST_EQ_BAND_LOW_PASS: `low-pass`, Butterworth of `slope` dB/oct from `freq`
 *
 * The values are those of #LqBiquadType.
 */
typedef enum
{
  LQ_GST_EQ_BAND_BELL = LQ_BIQUAD_BELL,
  LQ_GST_EQ_BAND_LOW_SHELF = LQ_BIQUAD_LOW_SHELF,
  LQ_GST_EQ_BAND_HIGH_SHELF = LQ_BIQUAD_HIGH_SHELF,
  LQ_GST_EQ_BAND_HIGH_PASS = LQ_BIQUAD_HIGH_PASS,
  LQ_GST_EQ_BAND_LOW_PASS = LQ_BIQUAD_LOW_PASS,
} LqGstEqBandType;

/**
 * LqGstEqChannels:
 * @LQ_GST_EQ_CHANNELS_STEREO: `stereo`, both channels alike
 * @LQ_GST_EQ_CHANNELS_MID: `mid`, (L + R) / 2 only
 * @LQ_GST_EQ_CHANNELS_SIDE: `side`, (L - R) / 2 only
 *
 * The values are those of #LqEqChannels.
 */
typedef enum
{
  LQ_GST_EQ_CHANNELS_STEREO = LQ_EQ_STEREO,
  LQ_GST_EQ_CHANNELS_MID = LQ_EQ_MID,
  LQ_GST_EQ_CHANNELS_SIDE = LQ_EQ_SIDE,
} LqGstEqChannels;

#define LQ_TYPE_GST_EQ_BAND_TYPE (lq_gst_eq_band_type_get_type ())
GType lq_gst_eq_band_type_get_type (void);

#define LQ_TYPE_GST_EQ_CHANNELS (lq_gst_eq_channels_get_type ())
GType lq_gst_eq_channels_get_type (void);

#define LQ_TYPE_GST_EQ_BAND (lq_gst_eq_band_get_type ())

G_DECLARE_FINAL_TYPE (LqGstEqBand, lq_gst_eq_band, LQ, GST_EQ_BAND, GstObject)

void lq_gst_eq_band_get_settings (LqGstEqBand *self,
                                  LqEqBand    *settings);

G_END_DECLS
