/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-project.h"

G_BEGIN_DECLS

#define LQ_TYPE_TIMELINE (lq_timeline_get_type ())

G_DECLARE_FINAL_TYPE (LqTimeline, lq_timeline, LQ, TIMELINE, GtkWidget)

GtkWidget *lq_timeline_new         (void);
void       lq_timeline_set_project (LqTimeline *self,
                                    LqProject  *project);

G_END_DECLS
