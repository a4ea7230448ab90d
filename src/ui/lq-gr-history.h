/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LQ_TYPE_GR_HISTORY (lq_gr_history_get_type ())

G_DECLARE_FINAL_TYPE (LqGrHistory, lq_gr_history, LQ, GR_HISTORY, GtkWidget)

GtkWidget *lq_gr_history_new          (void);
void       lq_gr_history_push         (LqGrHistory *self,
                                       double       db);
void       lq_gr_history_clear        (LqGrHistory *self);
guint      lq_gr_history_get_n_values (LqGrHistory *self);
double     lq_gr_history_get_value    (LqGrHistory *self,
                                       guint        age);

G_END_DECLS
