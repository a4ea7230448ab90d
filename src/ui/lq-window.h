/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lq-application.h"
#include "lq-project.h"

G_BEGIN_DECLS

#define LQ_TYPE_WINDOW (lq_window_get_type ())

G_DECLARE_FINAL_TYPE (LqWindow, lq_window, LQ, WINDOW, AdwApplicationWindow)

LqWindow  *lq_window_new         (LqApplication *application);
LqProject *lq_window_get_project (LqWindow      *self);
void       lq_window_add_files   (LqWindow      *self,
                                  GFile        **files,
                                  guint          n_files);
void       lq_window_set_project (LqWindow      *self,
                                  LqProject     *project);
void       lq_window_open_file   (LqWindow      *self,
                                  GFile         *file);

G_END_DECLS
