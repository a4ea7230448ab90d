/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/*
 * The complete settings of one of Lacquer's elements: every property a user can set, in the
 * element's own order, children of a GstChildProxy named "child::property" (band0::gain). The
 * values are strings in the form LqChainElement stores (booleans "true"/"false", integers in
 * decimal, doubles in the shortest form that reads back to the same number, enums by nick).
 * The element-level "bypass" is not listed (a chain keeps it beside the settings), nor the
 * plumbing of GstObject, GstElement and GstBaseTransform (name, parent, qos).
 */
typedef void (*LqElementStateFunc) (const char *name,
                                    const char *value,
                                    gpointer    user_data);

void   lq_element_state_foreach (GstElement         *element,
                                 LqElementStateFunc  func,
                                 gpointer            user_data);
char  *lq_element_state_format  (const GValue       *value);

G_END_DECLS
