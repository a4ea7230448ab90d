/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-chain.h"

G_BEGIN_DECLS

#define LQ_TYPE_TRANSFER_GRAPH (lq_transfer_graph_get_type ())

G_DECLARE_FINAL_TYPE (LqTransferGraph, lq_transfer_graph, LQ, TRANSFER_GRAPH, GtkWidget)

GtkWidget *lq_transfer_graph_new                (LqChainElement  *element,
                                                 const char      *prefix);
void       lq_transfer_graph_set_gain_reduction (LqTransferGraph *self,
                                                 double           db);
double     lq_transfer_graph_get_gain_reduction (LqTransferGraph *self);
double     lq_transfer_graph_get_drawn_output   (LqTransferGraph *self,
                                                 double           in_db);

G_END_DECLS
