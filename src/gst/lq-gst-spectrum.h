/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-analyzer.h"
#include "lq-spectrum.h"

G_BEGIN_DECLS

/**
 * LqGstSpectrumWindow:
 * @LQ_GST_SPECTRUM_WINDOW_HANN: `hann`: -31 dB sidelobes, the narrowest main lobe
 * @LQ_GST_SPECTRUM_WINDOW_BLACKMAN_HARRIS: `blackman-harris`: 4-term, -92 dB sidelobes
 *
 * The analysis windows of #LqGstSpectrum; the values are those of #LqSpectrumWindow.
 */
typedef enum
{
  LQ_GST_SPECTRUM_WINDOW_HANN = LQ_SPECTRUM_WINDOW_HANN,
  LQ_GST_SPECTRUM_WINDOW_BLACKMAN_HARRIS = LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS,
} LqGstSpectrumWindow;

#define LQ_TYPE_GST_SPECTRUM_WINDOW (lq_gst_spectrum_window_get_type ())
GType lq_gst_spectrum_window_get_type (void);

#define LQ_TYPE_GST_SPECTRUM (lq_gst_spectrum_get_type ())

G_DECLARE_FINAL_TYPE (LqGstSpectrum, lq_gst_spectrum, LQ, GST_SPECTRUM, LqAudioAnalyzer)

GST_ELEMENT_REGISTER_DECLARE (lqspectrum);

void lq_gst_spectrum_reset_peaks (LqGstSpectrum *self);

G_END_DECLS
