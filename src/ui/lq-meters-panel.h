/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-loudness-view.h"
#include "lq-phase-scope.h"
#include "lq-player.h"
#include "lq-spectrum-view.h"

G_BEGIN_DECLS

#define LQ_TYPE_METERS_PANEL (lq_meters_panel_get_type ())

G_DECLARE_FINAL_TYPE (LqMetersPanel, lq_meters_panel, LQ, METERS_PANEL, GtkWidget)

/*
 * The window's bottom pane: the loudness meter, the spectrum and the correlation meter +
 * goniometer side by side in resizable panes. Messages from the meter elements go to the
 * view they belong to (lq_meters_panel_handle_message()); lq_meters_panel_set_player()
 * follows a player's "meter" signal. Only visible views are redrawn (GTK skips unmapped
 * widgets), and each redraws only when a message arrives.
 */
GtkWidget      *lq_meters_panel_new            (void);
gboolean        lq_meters_panel_handle_message (LqMetersPanel      *self,
                                                const GstStructure *structure);
void            lq_meters_panel_set_player     (LqMetersPanel      *self,
                                                LqPlayer           *player);
void            lq_meters_panel_reset          (LqMetersPanel      *self);
LqLoudnessView *lq_meters_panel_get_loudness   (LqMetersPanel      *self);
LqSpectrumView *lq_meters_panel_get_spectrum   (LqMetersPanel      *self);
LqPhaseScope   *lq_meters_panel_get_phase      (LqMetersPanel      *self);

G_END_DECLS
