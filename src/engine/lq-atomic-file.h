/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Writing a file so that it appears only when complete: the bytes go to a hidden temporary
 * file beside the target, which is fsync()ed and renamed over the target on commit, and
 * deleted on abort. A crash, a full disk or a cancel never leaves a half-written file under
 * the target's name, and an earlier version of the target stays intact until the rename.
 */
typedef struct _LqAtomicFile LqAtomicFile;

LqAtomicFile  *lq_atomic_file_new        (GFile         *target,
                                          GCancellable  *cancellable,
                                          GError       **error);
GOutputStream *lq_atomic_file_get_stream (LqAtomicFile  *self);
gboolean       lq_atomic_file_commit     (LqAtomicFile  *self,
                                          GCancellable  *cancellable,
                                          GError       **error);
void           lq_atomic_file_free       (LqAtomicFile  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqAtomicFile, lq_atomic_file_free)

G_END_DECLS
