/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LQ_TYPE_PHASE_SCOPE (lq_phase_scope_get_type ())

G_DECLARE_FINAL_TYPE (LqPhaseScope, lq_phase_scope, LQ, PHASE_SCOPE, GtkWidget)

/*
 * The correlation meter (a bar from -1, out of phase, to +1, mono) and the goniometer: the
 * (L, R) pairs of the "lqphase" messages drawn as a mid/side scope (mid up, side across:
 * x = (R - L) / √2, y = (L + R) / √2, full scale at the edge), the last
 * LQ_PHASE_SCOPE_POINTS pairs kept (the newest 2048 drawn); plus the mid and side levels.
 */
#define LQ_PHASE_SCOPE_POINTS 4096

GtkWidget *lq_phase_scope_new             (void);
gboolean   lq_phase_scope_handle_message  (LqPhaseScope       *self,
                                           const GstStructure *structure);
void       lq_phase_scope_reset           (LqPhaseScope       *self);
double     lq_phase_scope_get_correlation (LqPhaseScope       *self);
double     lq_phase_scope_get_mid         (LqPhaseScope       *self);
double     lq_phase_scope_get_side        (LqPhaseScope       *self);
guint      lq_phase_scope_get_n_points    (LqPhaseScope       *self);
void       lq_phase_scope_get_point       (LqPhaseScope       *self,
                                           guint               age,
                                           float              *left,
                                           float              *right);

G_END_DECLS
