/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-chain.h"
#include "lq-track.h"

G_BEGIN_DECLS

/**
 * LqMatchMode:
 * @LQ_MATCH_NONE: no level matching (manual gains only)
 * @LQ_MATCH_TARGET: every track to the target integrated loudness
 * @LQ_MATCH_ANCHOR: every track to the loudness of the anchor track
 * @LQ_MATCH_ALBUM: the whole album moved to the target, keeping the tracks' relative balance
 */
typedef enum
{
  LQ_MATCH_NONE,
  LQ_MATCH_TARGET,
  LQ_MATCH_ANCHOR,
  LQ_MATCH_ALBUM,
} LqMatchMode;

#define LQ_TYPE_MATCH_MODE (lq_match_mode_get_type ())
GType lq_match_mode_get_type (void);

#define LQ_CD_FRAME_FRAMES 588 /* stereo samples in one CD sector */

#define LQ_TYPE_PROJECT (lq_project_get_type ())

G_DECLARE_FINAL_TYPE (LqProject, lq_project, LQ, PROJECT, GObject)

LqProject  *lq_project_new                (void);
const char *lq_project_get_title          (LqProject            *self);
void        lq_project_set_title          (LqProject            *self,
                                           const char           *title);
const char *lq_project_get_artist         (LqProject            *self);
void        lq_project_set_artist         (LqProject            *self,
                                           const char           *artist);
GListModel *lq_project_get_tracks         (LqProject            *self);
guint       lq_project_get_n_tracks       (LqProject            *self);
LqTrack    *lq_project_get_track          (LqProject            *self,
                                           guint                 position);
void        lq_project_append_track       (LqProject            *self,
                                           LqTrack              *track);
void        lq_project_add_files_async    (LqProject            *self,
                                           GFile               **files,
                                           guint                 n_files,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean    lq_project_add_files_finish   (LqProject            *self,
                                           GAsyncResult         *result,
                                           GError              **error);
guint       lq_project_get_rate           (LqProject            *self);
gboolean    lq_project_get_cd_mode        (LqProject            *self);
const char *lq_project_get_upc            (LqProject            *self);
LqChain    *lq_project_get_master         (LqProject            *self);
GListModel *lq_project_get_references     (LqProject            *self);
LqMatchMode lq_project_get_match_mode     (LqProject            *self);
double      lq_project_get_match_target   (LqProject            *self);
int         lq_project_get_match_anchor   (LqProject            *self);
guint64     lq_project_get_track_frames   (LqProject            *self,
                                           LqTrack              *track);
GFile      *lq_project_get_file           (LqProject            *self);
void        lq_project_set_file           (LqProject            *self,
                                           GFile                *file);

/* Project files (lq-project-file.c), see docs/project-format.md */
#define LQ_PROJECT_FORMAT_VERSION 2

gboolean    lq_project_save               (LqProject            *self,
                                           GFile                *file,
                                           GCancellable         *cancellable,
                                           GError              **error);
char       *lq_project_to_json            (LqProject            *self,
                                           GFile                *file);
LqProject  *lq_project_load               (GFile                *file,
                                           GCancellable         *cancellable,
                                           GError              **error);
void        lq_project_load_async         (GFile                *file,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
LqProject  *lq_project_load_finish        (GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
