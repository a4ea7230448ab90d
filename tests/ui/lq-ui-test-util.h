/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the ui tests (they need GTK; the GLib ones are in ../lq-test-util.h). */
#pragma once

#include <gtk/gtk.h>

#include "../lq-test-util.h"
#include "lq-window.h"

G_BEGIN_DECLS

char     *lq_ui_test_init         (int         *argc,
                                   char      ***argv,
                                   const char  *home_template);
gboolean  lq_ui_test_is_mapped    (gpointer     widget);
GFile    *lq_ui_test_write_demo   (const char  *home);
LqWindow *lq_ui_test_show_project (GFile       *project,
                                   guint        n_tracks);

GtkWidget          *lq_ui_test_find_widget     (GtkWidget *root,
                                                GType      type);
GtkEventController *lq_ui_test_find_controller (GtkWidget *widget,
                                                GType      type);

G_END_DECLS
