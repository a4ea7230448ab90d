/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application window in a real display: the widgets exist, the empty state turns into the
 * workspace when tracks arrive, dropped files become tracks (a dropped project opens), closing
 * with unsaved changes asks first, autosaved work is offered back, and the window finalizes
 * without leaking. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-ui-test-util.h"
#include "lq-autosave.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-preferences-window.h"
#include "lq-timeline.h"
#include "lq-window-private.h"
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
  lq_test_wait_for (lq_ui_test_is_mapped, window, 20);

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

  /* The keyboard shortcuts window builds from its resource. */
  {
    g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (APP_PATH "/gtk/help-overlay.ui");
    GtkWindow *overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

    g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
    gtk_window_destroy (overlay);
  }

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
  lq_test_wait_for (lq_ui_test_is_mapped, window, 20);

  lq_window_add_files (window, (GFile **) files->pdata, files->len);
  lq_test_wait_for (has_tracks, window, 20);

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
  lq_test_wait_for (lq_ui_test_is_mapped, window, 20);

  lq_window_open_file (window, project);
  lq_test_wait_for (has_tracks, window, 20);
  title = find_widget (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE, NULL);
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), ==, "Lacquer Demo Album");
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==, "4 tracks · 1:48");
  g_assert_cmpstr (lq_track_get_title (lq_project_get_track (lq_window_get_project (window), 0)), ==, "Morning Static");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  lq_test_remove_tree (dir);
}


/* The demo project for the tests below, written once (and deleted at the end). */
static char *shared_dir;

static GFile *
shared_demo (void)
{
  g_autoptr(GFile) folder = NULL;

  if (shared_dir == NULL)
    {
      shared_dir = g_dir_make_tmp ("lq-ui-demo-XXXXXX", NULL);
      folder = g_file_new_for_path (shared_dir);
      g_object_unref (lq_demo_write_project (folder, NULL, NULL));
    }
  return g_file_new_build_filename (shared_dir, LQ_DEMO_PROJECT_NAME, NULL);
}

/* The AdwMessageDialog transient for @window, if one is showing. */
static AdwMessageDialog *
find_dialog (GtkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == window
          && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* As a click on the response's button: the response, then the dialog goes away. */
static void
respond (GtkWindow *window, const char *response)
{
  AdwMessageDialog *dialog = find_dialog (window);

  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog (data) != NULL;
}

static gboolean
has_no_dialog (gpointer data)
{
  return find_dialog (data) == NULL;
}

static gboolean
title_is_demo (gpointer data)
{
  const char *title = lq_project_get_title (lq_window_get_project (data));
  return g_strcmp0 (title, "Lacquer Demo Album") == 0;
}

static gboolean
has_two_tracks (gpointer data)
{
  return lq_project_get_n_tracks (lq_window_get_project (data)) == 2;
}

static void
test_window_drop_files (void)
{
  g_autoptr(GFile) project = shared_demo ();
  g_autoptr(GFile) folder = g_file_get_parent (project);
  LqWindow *window = lq_window_new (NULL);
  GtkDropTarget *target = NULL;
  g_autoptr(GListModel) controllers = NULL;
  GValue value = G_VALUE_INIT;
  gboolean dropped = FALSE;
  GFile *wavs[2];

  g_assert_nonnull (project);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  lq_test_wait_for (lq_ui_test_is_mapped, window, 20);

  /* The window's drop target for files */
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (c)
          && gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (GTK_DROP_TARGET (c)), GDK_TYPE_FILE_LIST))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);

  /* Two audio files dropped: two tracks. */
  wavs[0] = g_file_get_child (folder, "01 Morning Static.wav");
  wavs[1] = g_file_get_child (folder, "03 Slow Tide.wav");
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (wavs, 2));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_value_unset (&value);
  g_assert_true (dropped);
  lq_test_wait_for (has_two_tracks, window, 20);
  g_assert_true (g_file_equal (lq_track_get_file (lq_project_get_track (lq_window_get_project (window), 1)), wavs[1]));
  /* Added tracks are a change to save. */
  g_assert_true (lq_history_is_modified (lq_window_get_history (window)));

  /* A project dropped opens (after asking about the changes: discard them). */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&project, 1));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_value_unset (&value);
  lq_test_wait_for (has_dialog, window, 20);
  respond (GTK_WINDOW (window), "discard");
  lq_test_wait_for (title_is_demo, window, 20);
  g_assert_cmpuint (lq_project_get_n_tracks (lq_window_get_project (window)), ==, 4);
  g_assert_false (lq_history_is_modified (lq_window_get_history (window)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_object_unref (wavs[0]);
  g_object_unref (wavs[1]);

}

static gboolean
is_destroyed (gpointer data)
{
  GWeakRef *ref = data;
  GObject *object = g_weak_ref_get (ref);

  if (object == NULL)
    return TRUE;
  g_object_unref (object);
  return FALSE;
}

static void
test_window_close_asks (void)
{
  g_autoptr(GFile) project = shared_demo ();
  g_autoptr(GFile) folder = g_file_get_parent (project);
  LqWindow *window = lq_window_new (NULL);
  GWeakRef ref;

  gtk_window_present (GTK_WINDOW (window));
  lq_test_wait_for (lq_ui_test_is_mapped, window, 20);
  lq_window_open_file (window, project);
  lq_test_wait_for (has_tracks, window, 20);

  /* Unchanged: closing does not ask. An edit: it does, and Cancel keeps the window. */
  lq_history_set (lq_window_get_history (window), lq_project_get_track (lq_window_get_project (window), 0),
                  NULL, "gain", -1.0, NULL);
  gtk_window_close (GTK_WINDOW (window));
  lq_test_wait_for (has_dialog, window, 20);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  respond (GTK_WINDOW (window), "cancel");
  lq_test_wait_for (has_no_dialog, window, 20);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (lq_history_is_modified (lq_window_get_history (window)));

  /* Save: the project is written, then the window closes. */
  g_weak_ref_init (&ref, window);
  gtk_window_close (GTK_WINDOW (window));
  lq_test_wait_for (has_dialog, window, 20);
  respond (GTK_WINDOW (window), "save");
  lq_test_wait_for (is_destroyed, &ref, 20);
  g_weak_ref_clear (&ref);
  {
    g_autoptr(LqProject) saved = lq_project_load (project, NULL, NULL);
    g_assert_nonnull (saved);
    g_assert_cmpfloat (lq_track_get_gain (lq_project_get_track (saved, 0)), ==, -1.0);
  }

}

static gboolean
is_recovered (gpointer data)
{
  return lq_project_get_n_tracks (lq_window_get_project (data)) == 4;
}

static void
test_window_recovery (void)
{
  g_autoptr(GFile) file = shared_demo ();
  LqWindow *window;

  /* A session that "crashed": its autosave is left behind. */
  {
    g_autoptr(LqProject) project = lq_project_load (file, NULL, NULL);
    g_autoptr(LqHistory) history = lq_history_new ();
    g_autoptr(LqAutosave) autosave = lq_autosave_new (project, history, NULL);
    g_autoptr(GError) error = NULL;

    lq_history_set (history, lq_project_get_track (project, 2), NULL, "gain", -4.0, NULL);
    g_assert_true (lq_autosave_save_now (autosave, NULL, &error));
    g_assert_no_error (error);
  }

  window = lq_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  lq_test_wait_for (lq_ui_test_is_mapped, window, 20);
  lq_window_offer_recovery (window);
  lq_test_wait_for (has_dialog, window, 20);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (find_dialog (GTK_WINDOW (window))), "Lacquer Demo Album"));
  respond (GTK_WINDOW (window), "recover");
  lq_test_wait_for (is_recovered, window, 20);
  g_assert_cmpfloat (lq_track_get_gain (lq_project_get_track (lq_window_get_project (window), 2)), ==, -4.0);
  g_assert_true (lq_history_is_modified (lq_window_get_history (window)));
  g_assert_true (g_file_equal (lq_project_get_file (lq_window_get_project (window)), file));

  /* A clean close: nothing is left to recover. */
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  {
    g_autoptr(GFile) autosaves = lq_autosave_get_default_dir ();
    g_autoptr(GPtrArray) left = lq_autosave_find_recoverable (autosaves);
    g_assert_cmpuint (left != NULL ? left->len : 0, ==, 0);
  }

}

static void
test_preferences_window (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  LqPreferencesWindow *prefs = lq_preferences_window_new (settings);
  GtkWidget *combo;

  g_object_ref_sink (prefs);
  gtk_window_present (GTK_WINDOW (prefs));
  lq_test_wait_for (lq_ui_test_is_mapped, prefs, 20);

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

/* `cache-location` names the folder of Lacquer's caches: peaks go to its "peaks" subfolder, a
 * leading ~ is the home folder, and empty means the user cache folder (NULL: the default). */
static void
test_cache_location (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = NULL;
  g_autofree char *expected = g_build_filename (g_get_home_dir (), "Audio Caches", "peaks", NULL);

  g_settings_set_string (settings, "cache-location", "");
  g_assert_null (_lq_window_peak_cache_dir (settings));
  g_settings_set_string (settings, "cache-location", "~/Audio Caches");
  dir = _lq_window_peak_cache_dir (settings);
  g_assert_cmpstr (dir, ==, expected);
  g_clear_pointer (&dir, g_free);
  g_settings_set_string (settings, "cache-location", "/srv/lacquer");
  dir = _lq_window_peak_cache_dir (settings);
  g_assert_cmpstr (dir, ==, "/srv/lacquer/peaks");
  g_settings_reset (settings, "cache-location");
}

int
main (int argc, char **argv)
{
  g_autofree char *home = lq_ui_test_init (&argc, &argv, "lq-ui-home-XXXXXX");
  int status;

  g_test_add_func ("/lq/ui/window-shell", test_window_shell);
  g_test_add_func ("/lq/ui/window-shows-album", test_window_shows_album);
  g_test_add_func ("/lq/ui/window-opens-project", test_window_opens_project);
  g_test_add_func ("/lq/ui/window-drop-files", test_window_drop_files);
  g_test_add_func ("/lq/ui/window-close-asks", test_window_close_asks);
  g_test_add_func ("/lq/ui/window-recovery", test_window_recovery);
  g_test_add_func ("/lq/ui/preferences", test_preferences_window);
  g_test_add_func ("/lq/ui/cache-location", test_cache_location);

  status = g_test_run ();
  if (shared_dir != NULL)
    lq_test_remove_tree (shared_dir);
  lq_test_remove_tree (home);
  return status;
}
