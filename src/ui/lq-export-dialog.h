/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lq-project.h"

G_BEGIN_DECLS

/**
 * LqExportKind:
 * @LQ_EXPORT_DDP: a DDP 2.00 fileset for CD replication (with its Red Book checks and a
 *   verification read-back)
 * @LQ_EXPORT_CUE: a CUE sheet + TOC with one WAV image
 * @LQ_EXPORT_STREAMING: one file per track for a streaming service preset, with the loudness
 *   report (per-track loudness, true peak, pass/fail against the preset)
 */
typedef enum
{
  LQ_EXPORT_DDP,
  LQ_EXPORT_CUE,
  LQ_EXPORT_STREAMING,
} LqExportKind;

#define LQ_TYPE_EXPORT_DIALOG (lq_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LqExportDialog, lq_export_dialog, LQ, EXPORT_DIALOG, AdwWindow)

/*
 * The export dialog: the checks shown first (Red Book findings for a disc, the preset's
 * target and the option check for streaming; errors disable Export), a destination folder,
 * then progress with Cancel, then the verification report and a button to open the folder.
 * The export writes into a new folder named after the album inside the chosen one.
 */
LqExportDialog *lq_export_dialog_new             (GtkWindow      *parent,
                                                  LqProject      *project,
                                                  LqExportKind    kind,
                                                  const char     *preset_id);
void            lq_export_dialog_set_destination (LqExportDialog *self,
                                                  GFile          *folder);
gboolean        lq_export_dialog_can_export      (LqExportDialog *self);
void            lq_export_dialog_start           (LqExportDialog *self);
void            lq_export_dialog_cancel          (LqExportDialog *self);
GFile          *lq_export_dialog_get_output      (LqExportDialog *self);
const char     *lq_export_dialog_get_report_text (LqExportDialog *self);
gboolean        lq_export_dialog_get_passed      (LqExportDialog *self);

/* Installs win.export-ddp, win.export-cue and win.export-streaming on a LqWindow class:
 * each opens the dialog for the window's project. */
void            lq_export_dialog_install_actions (GtkWidgetClass *widget_class);

G_END_DECLS
