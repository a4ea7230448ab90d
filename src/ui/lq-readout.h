/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LQ_TYPE_READOUT (lq_readout_get_type ())

G_DECLARE_FINAL_TYPE (LqReadout, lq_readout, LQ, READOUT, GtkWidget)

/*
 * A one-line text that changes often (the playback position, 30 times a second): drawn like a
 * GtkLabel (CSS node "label", so .numeric, .caption and .dim-label apply; digits tabular) but
 * sized for "width-chars" digits once, so a new text is only redrawn. A GtkLabel asks the whole
 * window to be laid out again for each new text. For assistive technology it is a label whose
 * name is the text.
 */
GtkWidget  *lq_readout_new      (void);
void        lq_readout_set_text (LqReadout  *self,
                                 const char *text);
const char *lq_readout_get_text (LqReadout  *self);

G_END_DECLS
