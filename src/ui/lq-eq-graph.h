/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-chain.h"
#include "lq-history.h"

G_BEGIN_DECLS

#define LQ_TYPE_EQ_GRAPH (lq_eq_graph_get_type ())

G_DECLARE_FINAL_TYPE (LqEqGraph, lq_eq_graph, LQ, EQ_GRAPH, GtkWidget)

GtkWidget *lq_eq_graph_new               (LqChainElement *element,
                                          LqHistory      *history);
LqChainElement *lq_eq_graph_get_element  (LqEqGraph      *self);
void       lq_eq_graph_set_rate          (LqEqGraph      *self,
                                          double          rate);
double     lq_eq_graph_get_rate          (LqEqGraph      *self);
int        lq_eq_graph_get_selected_band (LqEqGraph      *self);
void       lq_eq_graph_set_selected_band (LqEqGraph      *self,
                                          int             band);
guint      lq_eq_graph_get_n_bands       (LqEqGraph      *self);
char      *lq_eq_graph_band_property     (LqEqGraph      *self,
                                          guint           band,
                                          const char     *setting);
double     lq_eq_graph_get_drawn_db      (LqEqGraph      *self,
                                          double          freq,
                                          gboolean        side);
gboolean   lq_eq_graph_get_band_point    (LqEqGraph      *self,
                                          guint           band,
                                          double         *x,
                                          double         *y);
double     lq_eq_graph_freq_to_x         (LqEqGraph      *self,
                                          double          freq);
double     lq_eq_graph_x_to_freq         (LqEqGraph      *self,
                                          double          x);
double     lq_eq_graph_db_to_y           (LqEqGraph      *self,
                                          double          db);
double     lq_eq_graph_y_to_db           (LqEqGraph      *self,
                                          double          y);

G_END_DECLS
