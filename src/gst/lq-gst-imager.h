/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-filter.h"
#include "lq-imager.h"

G_BEGIN_DECLS

#define LQ_GST_IMAGER_MAX_BANDS LQ_IMAGER_MAX_BANDS

#define LQ_TYPE_GST_IMAGER_BAND (lq_gst_imager_band_get_type ())

G_DECLARE_FINAL_TYPE (LqGstImagerBand, lq_gst_imager_band, LQ, GST_IMAGER_BAND, GstObject)

#define LQ_TYPE_GST_IMAGER (lq_gst_imager_get_type ())

G_DECLARE_FINAL_TYPE (LqGstImager, lq_gst_imager, LQ, GST_IMAGER, LqAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqimager);

G_END_DECLS
