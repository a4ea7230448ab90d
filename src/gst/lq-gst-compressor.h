/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-filter.h"
#include "lq-compressor.h"

G_BEGIN_DECLS

/**
 * LqGstCompressorDetector:
 * @LQ_GST_COMPRESSOR_DETECTOR_PEAK: `peak`, the sample level
 * @LQ_GST_COMPRESSOR_DETECTOR_RMS: `rms`, the mean square over 10 ms (a sine reads its peak)
 *
 * The level detector of #LqGstCompressor; the values are those of #LqCompressorDetector.
 */
typedef enum
{
  LQ_GST_COMPRESSOR_DETECTOR_PEAK = LQ_COMPRESSOR_DETECTOR_PEAK,
  LQ_GST_COMPRESSOR_DETECTOR_RMS = LQ_COMPRESSOR_DETECTOR_RMS,
} LqGstCompressorDetector;

#define LQ_TYPE_GST_COMPRESSOR_DETECTOR (lq_gst_compressor_detector_get_type ())
GType lq_gst_compressor_detector_get_type (void);

#define LQ_TYPE_GST_COMPRESSOR (lq_gst_compressor_get_type ())

G_DECLARE_FINAL_TYPE (LqGstCompressor, lq_gst_compressor, LQ, GST_COMPRESSOR, LqAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqcompressor);

G_END_DECLS
