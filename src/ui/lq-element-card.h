/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

#include "lq-chain.h"
#include "lq-history.h"

G_BEGIN_DECLS

#define LQ_TYPE_ELEMENT_CARD (lq_element_card_get_type ())

G_DECLARE_FINAL_TYPE (LqElementCard, lq_element_card, LQ, ELEMENT_CARD, GtkWidget)

GtkWidget      *lq_element_card_new              (LqChainElement *element,
                                                  LqChain        *chain,
                                                  LqHistory      *history);
LqChainElement *lq_element_card_get_element      (LqElementCard  *self);
gboolean        lq_element_card_get_expanded     (LqElementCard  *self);
void            lq_element_card_set_expanded     (LqElementCard  *self,
                                                  gboolean        expanded);
void            lq_element_card_set_rate         (LqElementCard  *self,
                                                  double          rate);
void            lq_element_card_set_live_element (LqElementCard  *self,
                                                  GstElement     *live);
void            lq_element_card_update_position  (LqElementCard  *self);
GtkWidget      *lq_element_card_find_row         (LqElementCard  *self,
                                                  const char     *property);

G_END_DECLS
