/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lq-timeline.h"
#include "lq-window.h"

struct _LqWindow
{
  AdwApplicationWindow parent_instance;

  LqProject *project;
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkStack *main_stack;
  GtkListView *track_list;
  GtkLabel *album_summary;
  LqTimeline *timeline;
};

G_DEFINE_FINAL_TYPE (LqWindow, lq_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_duration (double seconds)
{
  guint total = (guint) (seconds + 0.5);

  return g_strdup_printf ("%u:%02u", total / 60, total % 60);
}

static void
lq_window_update (LqWindow *self)
{
  GListModel *tracks = lq_project_get_tracks (self->project);
  guint n = g_list_model_get_n_items (tracks);
  double total = 0.0;
  g_autofree char *length = NULL;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < n; i++)
    total += lq_track_get_duration (lq_project_get_track (self->project, i));

  length = format_duration (total);
  /* Translators: the album's track count and total length, as in "4 tracks · 1:48" */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u track · %s", "%u tracks · %s", n), n, length);
  gtk_label_set_label (self->album_summary, summary);
  adw_window_title_set_subtitle (self->window_title, n > 0 ? summary : NULL);
  adw_window_title_set_title (self->window_title,
                              lq_project_get_title (self->project) ? lq_project_get_title (self->project)
                                                                   : _("Lacquer"));
  gtk_stack_set_visible_child_name (self->main_stack, n > 0 ? "workspace" : "empty");
}

static void
tracks_changed_cb (LqWindow   *self,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GListModel *model)
{
  lq_window_update (self);
}

static void
track_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *length = gtk_label_new (NULL);

  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_add_css_class (number, "numeric");
  gtk_label_set_width_chars (GTK_LABEL (number), 2);
  gtk_label_set_xalign (GTK_LABEL (number), 1.0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (length, "numeric");
  gtk_widget_add_css_class (length, "dim-label");
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), length);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_item_set_child (item, box);
}

static void
track_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  LqTrack *track = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *number = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_next_sibling (number);
  GtkWidget *length = gtk_widget_get_next_sibling (title);
  g_autofree char *num = g_strdup_printf ("%u", gtk_list_item_get_position (item) + 1);
  g_autofree char *len = format_duration (lq_track_get_duration (track));

  gtk_label_set_label (GTK_LABEL (number), num);
  gtk_label_set_label (GTK_LABEL (title), lq_track_get_title (track));
  gtk_label_set_label (GTK_LABEL (length), len);
  gtk_widget_set_tooltip_text (box, lq_track_get_title (track));
}

static void
show_error (LqWindow     *self,
            const GError *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
lq_window_is_project_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".lacquer");
}

static void
add_files_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LqWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lq_project_add_files_finish (LQ_PROJECT (object), result, &error))
    show_error (self, error);
}

static void
chooser_response_cb (LqWindow             *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      lq_window_add_files (self, (GFile **) array->pdata, array->len);
    }
  g_clear_object (&self->chooser);
}

static void
add_tracks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Add Tracks"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Audio Files"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
drop_cb (LqWindow      *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    {
      if (lq_window_is_project_file (l->data))
        {
          lq_window_open_file (self, l->data);
          return TRUE;
        }
      g_ptr_array_add (files, l->data);
    }
  lq_window_add_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static void
project_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LqWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = lq_project_load_finish (result, &error);

  if (project == NULL)
    {
      show_error (self, error);
      return;
    }
  lq_window_set_project (self, project);
}

static void
open_response_cb (LqWindow             *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      lq_window_open_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Lacquer Projects"));
  gtk_file_filter_add_pattern (filter, "*.lacquer");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_to (LqWindow *self,
         GFile    *file)
{
  g_autoptr(GError) error = NULL;

  if (!lq_project_save (self->project, file, NULL, &error))
    show_error (self, error);
  else
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *message = g_strdup_printf (_("Saved “%s”"), name);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
}

static void
save_response_cb (LqWindow             *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *name = g_file_get_basename (file);

      if (!g_str_has_suffix (name, ".lacquer"))
        {
          g_autofree char *path = g_strconcat (g_file_peek_path (file), ".lacquer", NULL);
          g_object_unref (file);
          file = g_file_new_for_path (path);
        }
      save_to (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  g_autofree char *suggested = NULL;

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save Project"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  suggested = g_strdup_printf ("%s.lacquer", lq_project_get_title (self->project)
                                             ? lq_project_get_title (self->project) : _("Album"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);

  if (lq_project_get_file (self->project) != NULL)
    save_to (self, lq_project_get_file (self->project));
  else
    save_as_action (widget, action_name, parameter);
}

static void
lq_window_dispose (GObject *object)
{
  LqWindow *self = LQ_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (lq_project_get_tracks (self->project), self);
  g_clear_object (&self->project);

  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_WINDOW);

  G_OBJECT_CLASS (lq_window_parent_class)->dispose (object);
}

static void
lq_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LqWindow *self = LQ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_window_class_init (LqWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_window_dispose;
  object_class->get_property = lq_window_get_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, LQ_TYPE_PROJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LQ_TYPE_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/lq-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LqWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, track_list);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, album_summary);
  gtk_widget_class_bind_template_child (widget_class, LqWindow, timeline);

  gtk_widget_class_install_action (widget_class, "win.add-tracks", NULL, add_tracks_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
}

static void
lq_window_init (LqWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_signal_connect (factory, "setup", G_CALLBACK (track_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (track_bind_cb), NULL);
  gtk_list_view_set_factory (self->track_list, factory);
  {
    g_autoptr(LqProject) project = lq_project_new ();
    lq_window_set_project (self, project);
  }

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_swapped (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  lq_window_update (self);
}

LqWindow *
lq_window_new (LqApplication *application)
{
  LqWindow *self = g_object_new (LQ_TYPE_WINDOW, "application", application, NULL);
  GSettings *settings = application ? lq_application_get_settings (application) : NULL;

  if (settings != NULL)
    {
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
  return self;
}

/**
 * lq_window_get_project:
 *
 * Returns: (transfer none): the project shown in the window
 */
LqProject *
lq_window_get_project (LqWindow *self)
{
  g_return_val_if_fail (LQ_IS_WINDOW (self), NULL);
  return self->project;
}

/**
 * lq_window_add_files:
 *
 * Adds audio files as tracks at the end of the album; the files are probed in a worker
 * thread and a toast names any file that could not be added.
 */
void
lq_window_add_files (LqWindow  *self,
                     GFile    **files,
                     guint      n_files)
{
  g_return_if_fail (LQ_IS_WINDOW (self));

  lq_project_add_files_async (self->project, files, n_files, NULL, add_files_cb, g_object_ref (self));
}

/**
 * lq_window_set_project:
 *
 * Shows @project in the window (the track list, the timeline, the title).
 */
void
lq_window_set_project (LqWindow  *self,
                       LqProject *project)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_if_fail (LQ_IS_WINDOW (self));
  g_return_if_fail (LQ_IS_PROJECT (project));

  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_data (lq_project_get_tracks (self->project), self);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  g_set_object (&self->project, project);
  g_signal_connect_object (lq_project_get_tracks (project), "items-changed",
                           G_CALLBACK (tracks_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "notify::title", G_CALLBACK (lq_window_update), self, G_CONNECT_SWAPPED);
  selection = gtk_single_selection_new (g_object_ref (lq_project_get_tracks (project)));
  gtk_list_view_set_model (self->track_list, GTK_SELECTION_MODEL (selection));
  lq_timeline_set_project (self->timeline, project);
  lq_window_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

/**
 * lq_window_open_file:
 *
 * Opens a .lacquer project in this window; a toast explains a file that cannot be opened.
 */
void
lq_window_open_file (LqWindow *self,
                     GFile    *file)
{
  g_return_if_fail (LQ_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  lq_project_load_async (file, NULL, project_loaded_cb, g_object_ref (self));
}
