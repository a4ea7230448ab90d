/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-chain.h"
#include "lq-history.h"

G_BEGIN_DECLS

/*
 * LqChainSnapshot: the settings of a chain at one moment (its lq_chain_to_json()), to compare
 * two settings of the same track or master (snapshot A and B in the chain panel).
 *
 * Recalling a snapshot into a chain whose structure is the same (the same element factories in
 * the same order) sets the values on the SAME LqChainElement objects (properties, bypass), so a
 * player picks them up live, without a rebuild. When the structure differs, the chain's elements
 * are replaced by the stored ones (a structural edit: a player makes a new pipeline). With a
 * history the recall is one undoable step named @label.
 */

/**
 * LqSnapshotRecall:
 * @LQ_SNAPSHOT_RECALL_UNCHANGED: the chain already had the stored settings
 * @LQ_SNAPSHOT_RECALL_APPLIED: the values were set on the chain's own elements
 * @LQ_SNAPSHOT_RECALL_REPLACED: the structure differed: the elements were replaced
 */
typedef enum
{
  LQ_SNAPSHOT_RECALL_UNCHANGED,
  LQ_SNAPSHOT_RECALL_APPLIED,
  LQ_SNAPSHOT_RECALL_REPLACED,
} LqSnapshotRecall;

typedef struct _LqChainSnapshot LqChainSnapshot;

LqChainSnapshot  *lq_chain_snapshot_new            (LqChain          *chain);
LqChainSnapshot  *lq_chain_snapshot_new_from_string (const char      *json,
                                                    GError          **error);
void              lq_chain_snapshot_free           (LqChainSnapshot  *self);
char             *lq_chain_snapshot_to_string      (LqChainSnapshot  *self);
gboolean          lq_chain_snapshot_same_structure (LqChainSnapshot  *self,
                                                    LqChain          *chain);
gboolean          lq_chain_snapshot_equal          (LqChainSnapshot  *self,
                                                    LqChain          *chain);
LqSnapshotRecall  lq_chain_snapshot_recall         (LqChainSnapshot  *self,
                                                    LqChain          *chain,
                                                    LqHistory        *history,
                                                    const char       *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqChainSnapshot, lq_chain_snapshot_free)

G_END_DECLS
