/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "lq-audio-filter.h"
#include "lq-gst-eq-band.h"

G_BEGIN_DECLS

#define LQ_TYPE_GST_EQ (lq_gst_eq_get_type ())

G_DECLARE_FINAL_TYPE (LqGstEq, lq_gst_eq, LQ, GST_EQ, LqAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqeq);

LqGstEqBand *lq_gst_eq_get_band (LqGstEq *self,
                                 guint    index);

G_END_DECLS
