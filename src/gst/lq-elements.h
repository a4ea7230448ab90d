/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

gboolean lq_elements_register_all (GstPlugin *plugin);
void     lq_elements_init         (void);

G_END_DECLS
