/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-filter.h"
#include "lq-gain.h"

G_BEGIN_DECLS

/**
 * LqGstFadeCurve:
 * @LQ_GST_FADE_CURVE_LINEAR: `linear`, x
 * @LQ_GST_FADE_CURVE_EQUAL_POWER: `equal-power`, sin (x pi / 2)
 * @LQ_GST_FADE_CURVE_LOGARITHMIC: `logarithmic`, a straight line in dB from -60 dB, then to 0
 * @LQ_GST_FADE_CURVE_S_CURVE: `s-curve`, raised cosine (1 - cos (x pi)) / 2
 *
 * The fade shapes of #LqGstGain; the values are those of #LqFadeCurve, so
 * lq_fade_curve() draws the shape the element plays.
 */
typedef enum
{
  LQ_GST_FADE_CURVE_LINEAR = LQ_FADE_LINEAR,
  LQ_GST_FADE_CURVE_EQUAL_POWER = LQ_FADE_EQUAL_POWER,
  LQ_GST_FADE_CURVE_LOGARITHMIC = LQ_FADE_LOGARITHMIC,
  LQ_GST_FADE_CURVE_S_CURVE = LQ_FADE_S_CURVE,
} LqGstFadeCurve;

#define LQ_TYPE_GST_FADE_CURVE (lq_gst_fade_curve_get_type ())
GType lq_gst_fade_curve_get_type (void);

#define LQ_TYPE_GST_GAIN (lq_gst_gain_get_type ())

G_DECLARE_FINAL_TYPE (LqGstGain, lq_gst_gain, LQ, GST_GAIN, LqAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqgain);

void lq_gst_gain_set_fade_in  (LqGstGain      *self,
                               gint64          start,
                               gint64          length,
                               LqGstFadeCurve  curve);
void lq_gst_gain_set_fade_out (LqGstGain      *self,
                               gint64          start,
                               gint64          length,
                               LqGstFadeCurve  curve);

G_END_DECLS
