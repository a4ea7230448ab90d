/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/audio/gstaudiofilter.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* The number of EQ bands the strip offers (eq-band0-* .. eq-band7-*). */
#define LQ_GST_STRIP_EQ_BANDS 8

#define LQ_TYPE_GST_STRIP (lq_gst_strip_get_type ())

G_DECLARE_FINAL_TYPE (LqGstStrip, lq_gst_strip, LQ, GST_STRIP, GstAudioFilter)

GST_ELEMENT_REGISTER_DECLARE (lqstrip);

G_END_DECLS
