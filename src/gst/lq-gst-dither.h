/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-filter.h"
#include "lq-dither.h"

G_BEGIN_DECLS

/**
 * LqGstDitherShape:
 * @LQ_GST_DITHER_SHAPE_NONE: `none`, flat TPDF dither
 * @LQ_GST_DITHER_SHAPE_FIRST_ORDER: `first-order`, noise transfer 1 - z^-1 (null at DC,
 *   +6 dB at fs/2)
 * @LQ_GST_DITHER_SHAPE_LIPSHITZ: `lipshitz`, Lipshitz's 5-tap E-weighted shaper for 44.1 kHz
 *   (-16 dB at DC, +19 dB at fs/2; the noise moves above 15 kHz)
 *
 * The noise shapes of #LqGstDither; the values are those of #LqDitherShape.
 */
typedef enum
{
  LQ_GST_DITHER_SHAPE_NONE = LQ_DITHER_SHAPE_NONE,
  LQ_GST_DITHER_SHAPE_FIRST_ORDER = LQ_DITHER_SHAPE_FIRST_ORDER,
  LQ_GST_DITHER_SHAPE_LIPSHITZ = LQ_DITHER_SHAPE_LIPSHITZ,
} LqGstDitherShape;

#define LQ_TYPE_GST_DITHER_SHAPE (lq_gst_dither_shape_get_type ())
GType lq_gst_dither_shape_get_type (void);

#define LQ_TYPE_GST_DITHER (lq_gst_dither_get_type ())

G_DECLARE_FINAL_TYPE (LqGstDither, lq_gst_dither, LQ, GST_DITHER, LqAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqdither);

G_END_DECLS
