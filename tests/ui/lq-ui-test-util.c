/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-ui-test-util"

#include "config.h"

#include <adwaita.h>
#include <gst/gst.h>

#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-ui-test-util.h"

typedef struct
{
  LqWindow *window;
  guint n_tracks; /* how many tracks its project should have */
} TracksWait;

static gboolean
has_tracks (gpointer data)
{
  TracksWait *wait = data;

  return lq_project_get_n_tracks (lq_window_get_project (wait->window)) == wait->n_tracks;
}

/* The start of a ui test's main(): with @home_template, a new private home folder (autosaves and
 * peak caches under it, playback into a fake sink), returned to remove at the end (else NULL);
 * then GTK's test set-up, libadwaita, GStreamer and our elements. */
char *
lq_ui_test_init (int *argc, char ***argv, const char *home_template)
{
  char *home = NULL;

  if (home_template != NULL)
    {
      g_autofree char *data = NULL;
      g_autofree char *cache = NULL;

      home = g_dir_make_tmp (home_template, NULL);
      g_assert_nonnull (home);
      data = g_build_filename (home, "data", NULL);
      cache = g_build_filename (home, "cache", NULL);
      /* Before GTK starts: GLib reads the XDG folders once. */
      g_setenv ("XDG_DATA_HOME", data, TRUE);
      g_setenv ("XDG_CACHE_HOME", cache, TRUE);
      g_setenv ("LACQUER_AUDIO_SINK", "fakesink sync=true", TRUE);
    }
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  gst_init (argc, argv);
  lq_elements_init ();
  return home;
}

/* Whether @widget is mapped (a condition for lq_test_wait_for()). */
gboolean
lq_ui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

/* The demo project, written into @home/demo; returns its project file. */
GFile *
lq_ui_test_write_demo (const char *home)
{
  g_autofree char *demo = g_build_filename (home, "demo", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (demo);
  g_autoptr(GError) error = NULL;
  GFile *project;

  g_mkdir_with_parents (demo, 0700);
  project = lq_demo_write_project (folder, NULL, &error);
  g_assert_no_error (error);
  return project;
}

/* A new 1280×800 window, shown, with @project open and its @n_tracks tracks in, laid out (the
 * caller's reference: gtk_window_destroy() it). */
LqWindow *
lq_ui_test_show_project (GFile *project, guint n_tracks)
{
  LqWindow *window = lq_window_new (NULL);
  TracksWait wait = { window, n_tracks };

  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  lq_test_wait_for (lq_ui_test_is_mapped, window, 30);
  lq_window_open_file (window, project);
  lq_test_wait_for (has_tracks, &wait, 30);
  lq_test_iterate (50); /* let it lay out */
  return window;
}

/* The first widget of @type under @root, @root included (depth first), or NULL. */
GtkWidget *
lq_ui_test_find_widget (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = lq_ui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first event controller of @type on @widget (which keeps it alive), or NULL. */
GtkEventController *
lq_ui_test_find_controller (GtkWidget *widget, GType type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  return NULL;
}
