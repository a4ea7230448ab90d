/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-filter.h"

G_BEGIN_DECLS

#define LQ_TYPE_GST_LIMITER (lq_gst_limiter_get_type ())

G_DECLARE_FINAL_TYPE (LqGstLimiter, lq_gst_limiter, LQ, GST_LIMITER, LqAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqlimiter);

G_END_DECLS
