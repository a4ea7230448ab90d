/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lq-history.h"
#include "lq-project.h"

G_BEGIN_DECLS

/*
 * The side panel that edits the selected track (title, performer, ISRC checked against the
 * Red Book rules, gain, fades and their curves, pause, crossfade) and the album (title,
 * artist, CD mode). Every edit goes through the LqHistory; undo and redo show here at once.
 * Times are in seconds, stored as album samples (CD frames in CD mode).
 */

#define LQ_TYPE_INSPECTOR (lq_inspector_get_type ())

G_DECLARE_FINAL_TYPE (LqInspector, lq_inspector, LQ, INSPECTOR, GtkWidget)

GtkWidget *lq_inspector_new         (void);
void       lq_inspector_set_project (LqInspector *self,
                                     LqProject   *project,
                                     LqHistory   *history);
void       lq_inspector_set_track   (LqInspector *self,
                                     LqTrack     *track);
LqTrack   *lq_inspector_get_track   (LqInspector *self);

G_END_DECLS
