/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application window in a real display: the widgets exist, the empty state turns into the
 * workspace when tracks arrive, and the window finalizes without leaking. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-preferences-window.h"
#include "lq-timeline.h"
#include "lq-window.h"

/* The first widget of @type under @root; with @tooltip, the first that has that tooltip; a
 * GtkStack only if it has a "workspace" page (the window's main stack). */
static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *tooltip)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type)
      && (tooltip == NULL || g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
      && (!GTK_IS_STACK (root) || gtk_stack_get_child_by_name (GTK_STACK (root), "workspace")))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, tooltip);
      if (found)
        return found;
    }
  return NULL;
}

static void
wait_for (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
has_tracks (gpointer data)
{
  return lq_project_get_n_tracks (lq_window_get_project (data)) > 0;
}

static void
test_window_shell (void)
{
  LqWindow *window = lq_window_new (NULL);
  GtkWidget *stack, *header, *list, *timeline, *status;

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (is_mapped, window);

  header = find_widget (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR, NULL);
  stack = find_widget (GTK_WIDGET (window), GTK_TYPE_STACK, NULL);
  list = find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_VIEW, NULL);
  timeline = find_widget (GTK_WIDGET (window), LQ_TYPE_TIMELINE, NULL);
  status = find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, NULL);
  g_assert_nonnull (header);
  g_assert_nonnull (stack);
  g_assert_nonnull (list);
  g_assert_nonnull (timeline);
  g_assert_nonnull (status);
  g_assert_nonnull (find_widget (header, GTK_TYPE_MENU_BUTTON, NULL));
  g_assert_nonnull (find_widget (header, GTK_TYPE_BUTTON, "Add Tracks (Ctrl+I)"));

  /* Empty project: the status page invites to add tracks. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "Master an Album");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window_shows_album (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-ui-XXXXXX", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GPtrArray) files = lq_demo_write_album (folder, NULL, NULL);
  LqWindow *window = lq_window_new (NULL);
  GtkWidget *stack, *list;
  GListModel *model;

  g_assert_nonnull (files);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (is_mapped, window);

  lq_window_add_files (window, (GFile **) files->pdata, files->len);
  wait_for (has_tracks, window);

  stack = find_widget (GTK_WIDGET (window), GTK_TYPE_STACK, NULL);
  list = find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_VIEW, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "workspace");
  model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, files->len);

  /* Let it draw a few frames with the album in it. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  for (guint i = 0; i < files->len; i++)
    g_file_delete (g_ptr_array_index (files, i), NULL, NULL);
  g_rmdir (dir);
}

static void
test_window_opens_project (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-ui-XXXXXX", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) project = lq_demo_write_project (folder, NULL, NULL);
  LqWindow *window = lq_window_new (NULL);
  GtkWidget *title;

  g_assert_nonnull (project);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (is_mapped, window);

  lq_window_open_file (window, project);
  wait_for (has_tracks, window);
  title = find_widget (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE, NULL);
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), ==, "Lacquer Demo Album");
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==, "4 tracks · 1:48");
  g_assert_cmpstr (lq_track_get_title (lq_project_get_track (lq_window_get_project (window), 0)), ==, "Morning Static");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  {
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *info;
    while ((info = g_file_enumerator_next_file (e, NULL, NULL)))
      {
        g_autoptr(GFile) child = g_file_get_child (folder, g_file_info_get_name (info));
        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
  }
  g_rmdir (dir);
}

static void
test_preferences_window (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  LqPreferencesWindow *prefs = lq_preferences_window_new (settings);
  GtkWidget *combo;

  g_object_ref_sink (prefs);
  gtk_window_present (GTK_WINDOW (prefs));
  wait_for (is_mapped, prefs);

  /* The style row follows the setting and writes it back. */
  combo = find_widget (GTK_WIDGET (prefs), ADW_TYPE_COMBO_ROW, NULL);
  g_assert_nonnull (combo);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo)), ==, 1); /* dark */
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 2);
  g_assert_cmpstr (g_settings_get_string (settings, "color-scheme"), ==, "light");
  g_settings_set_string (settings, "color-scheme", "system");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo)), ==, 0);

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_assert_finalize_object (prefs);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  gst_init (&argc, &argv);
  lq_elements_init ();

  g_test_add_func ("/lq/ui/window-shell", test_window_shell);
  g_test_add_func ("/lq/ui/window-shows-album", test_window_shows_album);
  g_test_add_func ("/lq/ui/window-opens-project", test_window_opens_project);
  g_test_add_func ("/lq/ui/preferences", test_preferences_window);

  return g_test_run ();
}
