/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-history.h"
#include "lq-project.h"

G_BEGIN_DECLS

/*
 * Autosave and crash recovery. While a project is open, an LqAutosave writes it every
 * interval, when it has changes the saved file lacks, into the autosave folder
 * (g_get_user_data_dir()/lacquer/autosave): "<id>.lacquer", a project file whose source paths
 * are relative to that folder (so it opens with lq_project_load() and finds the sources
 * wherever the original project lives), and "<id>.json" saying where the project belongs and
 * when it was written. "<id>.lock" is locked (flock) while the LqAutosave lives, so another
 * window or process never offers a live autosave for recovery; the kernel drops the lock when
 * the process dies.
 *
 * A clean close calls lq_autosave_discard(), which deletes the files. Anything left is from a
 * crash (or a close that skipped the discard): at the next start,
 * lq_autosave_find_recoverable() lists it and lq_autosave_recover() loads it.
 */

#define LQ_TYPE_AUTOSAVE (lq_autosave_get_type ())
#define LQ_TYPE_AUTOSAVE_ENTRY (lq_autosave_entry_get_type ())

G_DECLARE_FINAL_TYPE (LqAutosave, lq_autosave, LQ, AUTOSAVE, GObject)

/* Milliseconds between autosaves. */
#define LQ_AUTOSAVE_DEFAULT_INTERVAL 60000

typedef struct _LqAutosaveEntry LqAutosaveEntry;

GFile           *lq_autosave_get_default_dir     (void);

LqAutosave      *lq_autosave_new                 (LqProject           *project,
                                                  LqHistory           *history,
                                                  GFile               *dir);
LqProject       *lq_autosave_get_project         (LqAutosave          *self);
LqHistory       *lq_autosave_get_history         (LqAutosave          *self);
GFile           *lq_autosave_get_dir             (LqAutosave          *self);
GFile           *lq_autosave_get_file            (LqAutosave          *self);
guint            lq_autosave_get_interval        (LqAutosave          *self);
void             lq_autosave_set_interval        (LqAutosave          *self,
                                                  guint                msec);
gboolean         lq_autosave_save_now            (LqAutosave          *self,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void             lq_autosave_adopt               (LqAutosave          *self,
                                                  LqAutosaveEntry     *entry);
void             lq_autosave_discard             (LqAutosave          *self);

GType            lq_autosave_entry_get_type      (void) G_GNUC_CONST;
LqAutosaveEntry *lq_autosave_entry_ref           (LqAutosaveEntry     *entry);
void             lq_autosave_entry_unref         (LqAutosaveEntry     *entry);
GFile           *lq_autosave_entry_get_file      (LqAutosaveEntry     *entry);
GFile           *lq_autosave_entry_get_original  (LqAutosaveEntry     *entry);
const char      *lq_autosave_entry_get_title     (LqAutosaveEntry     *entry);
GDateTime       *lq_autosave_entry_get_time      (LqAutosaveEntry     *entry);
gboolean         lq_autosave_entry_discard       (LqAutosaveEntry     *entry,
                                                  GError             **error);

GPtrArray       *lq_autosave_find_recoverable    (GFile               *dir);
LqProject       *lq_autosave_recover             (LqAutosaveEntry     *entry,
                                                  GError             **error);
void             lq_autosave_recover_async       (LqAutosaveEntry     *entry,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
LqProject       *lq_autosave_recover_finish      (GAsyncResult        *result,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqAutosaveEntry, lq_autosave_entry_unref)

G_END_DECLS
