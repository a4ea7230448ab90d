/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-history.h"
#include "lq-project.h"

G_BEGIN_DECLS

/*
 * Relinking tracks whose source file is missing (moved, renamed folder, another disk).
 * lq_relink_find() searches a folder for files with the same name and proposes a file for
 * each missing track; lq_relink_apply() puts a new track on that file in place of the missing
 * one, with the same settings, as one undoable step.
 */

#define LQ_TYPE_RELINK_PROPOSAL (lq_relink_proposal_get_type ())

/* How many folder levels below the searched folder are looked into. */
#define LQ_RELINK_MAX_DEPTH 8
/* Files with the right name probed at most per track. */
#define LQ_RELINK_MAX_CANDIDATES 16

typedef struct _LqRelinkProposal LqRelinkProposal;

GType             lq_relink_proposal_get_type           (void) G_GNUC_CONST;
LqRelinkProposal *lq_relink_proposal_new                (LqTrack             *track,
                                                         GFile               *file,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
LqRelinkProposal *lq_relink_proposal_ref                (LqRelinkProposal    *proposal);
void              lq_relink_proposal_unref              (LqRelinkProposal    *proposal);
LqTrack          *lq_relink_proposal_get_track          (LqRelinkProposal    *proposal);
GFile            *lq_relink_proposal_get_file           (LqRelinkProposal    *proposal);
LqTrack          *lq_relink_proposal_get_replacement    (LqRelinkProposal    *proposal);
gboolean          lq_relink_proposal_get_ambiguous      (LqRelinkProposal    *proposal);
guint             lq_relink_proposal_get_n_candidates   (LqRelinkProposal    *proposal);
GFile            *lq_relink_proposal_get_candidate      (LqRelinkProposal    *proposal,
                                                         guint                index);

GPtrArray        *lq_relink_find                        (LqProject           *project,
                                                         GFile               *folder,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
void              lq_relink_find_async                  (LqProject           *project,
                                                         GFile               *folder,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray        *lq_relink_find_finish                 (LqProject           *project,
                                                         GAsyncResult        *result,
                                                         GError             **error);
guint             lq_relink_apply                       (LqProject           *project,
                                                         LqHistory           *history,
                                                         GPtrArray           *proposals);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqRelinkProposal, lq_relink_proposal_unref)

G_END_DECLS
