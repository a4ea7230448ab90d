/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-chain.h"
#include "lq-history.h"

G_BEGIN_DECLS

#define LQ_TYPE_PARAM_ROW (lq_param_row_get_type ())

G_DECLARE_FINAL_TYPE (LqParamRow, lq_param_row, LQ, PARAM_ROW, GtkWidget)

GtkWidget  *lq_param_row_new               (LqChainElement *element,
                                            LqHistory      *history,
                                            const char     *property,
                                            const char     *label);
const char *lq_param_row_get_property_name (LqParamRow     *self);
GtkWidget  *lq_param_row_get_control       (LqParamRow     *self);
GtkWidget  *lq_param_row_get_entry         (LqParamRow     *self);
void        lq_param_row_update            (LqParamRow     *self);

G_END_DECLS
