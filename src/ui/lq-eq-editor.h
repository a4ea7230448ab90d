/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-chain.h"
#include "lq-eq-graph.h"
#include "lq-history.h"

G_BEGIN_DECLS

#define LQ_TYPE_EQ_EDITOR (lq_eq_editor_get_type ())

G_DECLARE_FINAL_TYPE (LqEqEditor, lq_eq_editor, LQ, EQ_EDITOR, GtkWidget)

GtkWidget *lq_eq_editor_new       (LqChainElement *element,
                                   LqHistory      *history);
LqEqGraph *lq_eq_editor_get_graph (LqEqEditor     *self);
void       lq_eq_editor_set_rate  (LqEqEditor     *self,
                                   double          rate);

G_END_DECLS
