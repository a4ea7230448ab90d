/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-chain.h"

G_BEGIN_DECLS

/*
 * The undo/redo stack of a project. Every edit goes through it: property changes of any
 * GObject (the project, its tracks, children of a GstChildProxy as "band0::gain") with
 * lq_history_set_property(), chain edits (element settings are strings, not properties) with
 * the lq_history_chain_*() helpers, structural edits with lq_history_push() or the GListStore
 * helpers. Each step holds references to what it edits, so undo never touches a freed object;
 * own the history beside the project (the window, the session), not inside an object it
 * edits, or the references make a cycle. Main thread only.
 */

#define LQ_TYPE_HISTORY (lq_history_get_type ())

G_DECLARE_FINAL_TYPE (LqHistory, lq_history, LQ, HISTORY, GObject)

/* Steps kept before the oldest ones are forgotten. */
#define LQ_HISTORY_DEFAULT_MAX_DEPTH 1000
/* Consecutive edits of one property within this many milliseconds become one step. */
#define LQ_HISTORY_DEFAULT_MERGE_WINDOW 500

/**
 * LqHistoryFunc:
 * @data: the data given to lq_history_push()
 *
 * Applies (redo) or reverts (undo) one structural edit.
 */
typedef void (*LqHistoryFunc) (gpointer data);

LqHistory  *lq_history_new              (void);

gboolean    lq_history_set_property     (LqHistory      *self,
                                         GObject        *object,
                                         const char     *property,
                                         const GValue   *value,
                                         const char     *label);
void        lq_history_set              (LqHistory      *self,
                                         gpointer        object,
                                         const char     *label,
                                         const char     *first_property,
                                         ...) G_GNUC_NULL_TERMINATED;
void        lq_history_push             (LqHistory      *self,
                                         const char     *label,
                                         LqHistoryFunc   undo,
                                         LqHistoryFunc   redo,
                                         gpointer        data,
                                         GDestroyNotify  destroy);

void        lq_history_list_insert      (LqHistory      *self,
                                         GListStore     *store,
                                         guint           position,
                                         gpointer        item,
                                         const char     *label);
void        lq_history_list_remove      (LqHistory      *self,
                                         GListStore     *store,
                                         guint           position,
                                         const char     *label);
void        lq_history_list_move        (LqHistory      *self,
                                         GListStore     *store,
                                         guint           from,
                                         guint           to,
                                         const char     *label);
void        lq_history_list_replace     (LqHistory      *self,
                                         GListStore     *store,
                                         guint           position,
                                         gpointer        item,
                                         const char     *label);

gboolean    lq_history_chain_element_set        (LqHistory      *self,
                                                 LqChainElement *element,
                                                 const char     *property,
                                                 const char     *value,
                                                 const char     *label);
gboolean    lq_history_chain_element_set_bypass (LqHistory      *self,
                                                 LqChainElement *element,
                                                 gboolean        bypass,
                                                 const char     *label);
void        lq_history_chain_insert     (LqHistory      *self,
                                         LqChain        *chain,
                                         guint           position,
                                         LqChainElement *element,
                                         const char     *label);
void        lq_history_chain_remove     (LqHistory      *self,
                                         LqChain        *chain,
                                         guint           position,
                                         const char     *label);
void        lq_history_chain_move       (LqHistory      *self,
                                         LqChain        *chain,
                                         guint           from,
                                         guint           to,
                                         const char     *label);

void        lq_history_begin_group      (LqHistory      *self,
                                         const char     *label);
void        lq_history_end_group        (LqHistory      *self);
void        lq_history_stop_merging     (LqHistory      *self);

gboolean    lq_history_undo             (LqHistory      *self);
gboolean    lq_history_redo             (LqHistory      *self);
gboolean    lq_history_get_can_undo     (LqHistory      *self);
gboolean    lq_history_get_can_redo     (LqHistory      *self);
const char *lq_history_get_undo_label   (LqHistory      *self);
const char *lq_history_get_redo_label   (LqHistory      *self);
guint       lq_history_get_n_undo       (LqHistory      *self);
guint       lq_history_get_n_redo       (LqHistory      *self);
void        lq_history_clear            (LqHistory      *self);

void        lq_history_mark_saved       (LqHistory      *self);
void        lq_history_mark_unsaved     (LqHistory      *self);
gboolean    lq_history_is_modified      (LqHistory      *self);

guint       lq_history_get_max_depth    (LqHistory      *self);
void        lq_history_set_max_depth    (LqHistory      *self,
                                         guint           max_depth);
guint       lq_history_get_merge_window (LqHistory      *self);
void        lq_history_set_merge_window (LqHistory      *self,
                                         guint           msec);

G_END_DECLS
