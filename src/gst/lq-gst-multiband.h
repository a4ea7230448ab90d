/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-filter.h"
#include "lq-multiband.h"

G_BEGIN_DECLS

#define LQ_GST_MULTIBAND_MAX_BANDS LQ_MULTIBAND_MAX_BANDS

#define LQ_TYPE_GST_MULTIBAND_BAND (lq_gst_multiband_band_get_type ())

G_DECLARE_FINAL_TYPE (LqGstMultibandBand, lq_gst_multiband_band, LQ, GST_MULTIBAND_BAND, GstObject)

#define LQ_TYPE_GST_MULTIBAND (lq_gst_multiband_get_type ())

G_DECLARE_FINAL_TYPE (LqGstMultiband, lq_gst_multiband, LQ, GST_MULTIBAND, LqAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqmultiband);

G_END_DECLS
