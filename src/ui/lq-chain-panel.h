/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

#include "lq-chain.h"
#include "lq-history.h"
#include "lq-project.h"
#include "lq-track.h"

G_BEGIN_DECLS

/*
 * The processing-chain panel: the elements of one chain as cards (LqElementCard) with bypass,
 * reorder (drag and drop, Alt+Up/Down, the card menu), reset, presets and remove, an "Add
 * Processing" menu, and for a track made of stems a mixer of their strips (LqStemMixer).
 *
 * Give it the history every edit goes through, then either a project (it shows the selected
 * track's chain or the album master's, with a Track/Master switch: set_track(),
 * set_show_master()) or any chain with set_chain(). It only changes the model: whoever plays
 * applies the chain (LqChainRunner sync). For meters, hand it the running elements with
 * set_live_elements().
 *
 * Snapshots: the "snapshot" property (action "chain.snapshot", 0 for A, 1 for B) compares two
 * settings of the shown chain: switching stores the chain's settings in the snapshot left and
 * recalls the other (lq_chain_snapshot_recall(): on the same elements, so playback follows
 * live, or replacing them when the structure changed; one undoable step).
 */

#define LQ_TYPE_CHAIN_PANEL (lq_chain_panel_get_type ())

G_DECLARE_FINAL_TYPE (LqChainPanel, lq_chain_panel, LQ, CHAIN_PANEL, GtkWidget)

GtkWidget *lq_chain_panel_new               (void);
void       lq_chain_panel_set_history       (LqChainPanel        *self,
                                             LqHistory           *history);
LqHistory *lq_chain_panel_get_history       (LqChainPanel        *self);
void       lq_chain_panel_set_project       (LqChainPanel        *self,
                                             LqProject           *project);
LqProject *lq_chain_panel_get_project       (LqChainPanel        *self);
void       lq_chain_panel_set_track         (LqChainPanel        *self,
                                             LqTrack             *track);
LqTrack   *lq_chain_panel_get_track         (LqChainPanel        *self);
void       lq_chain_panel_set_show_master   (LqChainPanel        *self,
                                             gboolean             show_master);
gboolean   lq_chain_panel_get_show_master   (LqChainPanel        *self);
void       lq_chain_panel_set_chain         (LqChainPanel        *self,
                                             LqChain             *chain,
                                             const char          *title);
LqChain   *lq_chain_panel_get_chain         (LqChainPanel        *self);
void       lq_chain_panel_set_rate          (LqChainPanel        *self,
                                             guint                rate);
guint      lq_chain_panel_get_rate          (LqChainPanel        *self);
void       lq_chain_panel_set_live_elements (LqChainPanel        *self,
                                             LqChain             *chain,
                                             GstElement * const  *elements,
                                             guint                n_elements);
GtkWidget *lq_chain_panel_get_card          (LqChainPanel        *self,
                                             guint                position);

G_END_DECLS
