/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-analyzer.h"

G_BEGIN_DECLS

#define LQ_TYPE_GST_PHASE (lq_gst_phase_get_type ())

G_DECLARE_FINAL_TYPE (LqGstPhase, lq_gst_phase, LQ, GST_PHASE, LqAudioAnalyzer)

GST_ELEMENT_REGISTER_DECLARE (lqphase);

G_END_DECLS
