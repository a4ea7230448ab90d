/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lq-export-dialog.h"
#include "lq-window-private.h"

#define NUDGE_SECONDS 1.0
#define RESTART_SECONDS 2.0 /* "previous track" within this of a track's start goes to the one before */

/* ---- Files ---- */

typedef void (*AddFilesFunc) (LqWindow *self,
                              GFile   **files,
                              guint     n_files);

static void
add_response_cb (GtkFileChooserNative *chooser,
                 int                   response,
                 LqWindow             *self)
{
  AddFilesFunc add = g_object_get_data (G_OBJECT (chooser), "lq-add");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      add (self, (GFile **) array->pdata, array->len);
    }
  g_clear_object (&self->chooser);
}

/*
 * _lq_window_choose_audio_files:
 * @title: the chooser's title ("Add Tracks")
 * @add: what to do with the files chosen
 *
 * Asks for audio files (several at once), starting beside the project file when it has one.
 */
void
_lq_window_choose_audio_files (LqWindow     *self,
                               const char   *title,
                               AddFilesFunc  add)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Audio Files"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (self->project != NULL && lq_project_get_file (self->project) != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (lq_project_get_file (self->project));
      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  g_object_set_data (G_OBJECT (self->chooser), "lq-add", add);
  g_signal_connect (self->chooser, "response", G_CALLBACK (add_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_tracks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  _lq_window_choose_audio_files (LQ_WINDOW (widget), _("Add Tracks"), lq_window_add_files);
}

static void
open_file_proceed (LqWindow *self,
                   gpointer  data)
{
  lq_window_open_file (self, data);
}

static void
open_response_cb (LqWindow             *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      GFile *file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      _lq_window_confirm_discard (self, open_file_proceed, file, g_object_unref);
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
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  GFile *file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  _lq_window_confirm_discard (self, open_file_proceed, file, g_object_unref);
}

static void
clear_recent_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);

  if (self->settings != NULL)
    g_settings_reset (self->settings, "recent-projects");
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
      g_clear_object (&self->chooser);
      _lq_window_save_to (self, file);
      return;
    }
  g_clear_object (&self->chooser);
  _lq_window_cancel_pending (self);
}

void
_lq_window_save_as (LqWindow *self)
{
  g_autofree char *suggested = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  const char *title = lq_project_get_title (self->project);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save Project"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Lacquer Projects"));
  gtk_file_filter_add_pattern (filter, "*.lacquer");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  suggested = g_strdup_printf ("%s.lacquer", title != NULL && *title ? title : _("Album"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _lq_window_save_as (LQ_WINDOW (widget));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);

  if (lq_project_get_file (self->project) != NULL)
    _lq_window_save_to (self, lq_project_get_file (self->project));
  else
    _lq_window_save_as (self);
}

/* ---- Editing ---- */

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  g_autofree char *label = g_strdup (lq_history_get_undo_label (self->history));

  if (lq_history_undo (self->history) && label != NULL)
    {
      /* Translators: a toast after undoing, with the edit's name: "Undone: Move Track" */
      g_autofree char *message = g_strdup_printf (_("Undone: %s"), label);
      _lq_window_toast (self, message);
    }
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  lq_history_redo (LQ_WINDOW (widget)->history);
}

static void
move_track_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);

  lq_track_list_move_selected (self->track_list, g_str_equal (action_name, "win.move-track-up") ? -1 : 1);
}

static void
remove_track_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  int selected = lq_track_list_get_selected (self->track_list);
  GListModel *tracks = lq_project_get_tracks (self->project);

  if (selected < 0 || !G_IS_LIST_STORE (tracks))
    return;
  lq_history_list_remove (self->history, G_LIST_STORE (tracks), selected, _("Remove Track"));
}

/* ---- Transport ---- */

static void
play_pause_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!lq_transport_toggle (self->transport, &error))
    _lq_window_show_error (self, error);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  lq_transport_stop (LQ_WINDOW (widget)->transport);
}

static void
shuttle_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!lq_transport_shuttle (self->transport, g_variant_get_int32 (parameter), &error))
    _lq_window_show_error (self, error);
}

static void
seek_start_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  lq_transport_seek (LQ_WINDOW (widget)->transport, 0);
}

static void
seek_end_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);

  lq_transport_seek (self->transport, lq_transport_get_length (self->transport));
}

static void
nudge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  gint64 step = (gint64) (NUDGE_SECONDS * lq_transport_get_rate (self->transport)) * g_variant_get_int32 (parameter);
  gint64 target = (gint64) lq_transport_get_position (self->transport) + step;

  lq_transport_seek (self->transport, (guint64) MAX (target, 0));
}

static void
track_step_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  const LqSequence *seq = lq_album_layout_get_sequence (self->layout);
  guint64 position = lq_transport_get_position (self->transport);
  guint64 restart = (guint64) (RESTART_SECONDS * seq->rate);
  gboolean next = g_str_equal (action_name, "win.next-track");
  int target = -1;

  if (seq->n_placements == 0)
    return;
  if (next)
    {
      for (guint i = 0; i < seq->n_placements && target < 0; i++)
        if (seq->placements[i].start > position)
          target = i;
      if (target < 0)
        return;
    }
  else
    {
      for (guint i = seq->n_placements; i > 0 && target < 0; i--)
        if (seq->placements[i - 1].start + restart <= position)
          target = i - 1;
      target = MAX (target, 0);
    }
  lq_transport_seek (self->transport, seq->placements[target].start);
  _lq_window_select_track (self, (int) seq->placements[target].index, FALSE);
}

/* ---- View ---- */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LqWindow *self = LQ_WINDOW (widget);
  double width = gtk_widget_get_width (GTK_WIDGET (self->waveform));
  double anchor = lq_waveform_view_sample_to_x (self->waveform, lq_transport_get_position (self->transport));

  /* Around the playhead when it is in view, else around the middle. */
  if (anchor < 0 || anchor > width)
    anchor = width / 2;
  if (g_str_equal (action_name, "win.zoom-in"))
    lq_waveform_view_zoom (self->waveform, 1 / 1.5, anchor);
  else if (g_str_equal (action_name, "win.zoom-out"))
    lq_waveform_view_zoom (self->waveform, 1.5, anchor);
  else
    {
      lq_waveform_view_zoom_to_fit (self->waveform);
      lq_timeline_zoom_to_fit (self->timeline);
    }
}

void
_lq_window_update_actions (LqWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = self->project != NULL ? lq_project_get_n_tracks (self->project) : 0;
  int selected = lq_track_list_get_selected (self->track_list);

  gtk_widget_action_set_enabled (widget, "win.undo", self->history != NULL && lq_history_get_can_undo (self->history));
  gtk_widget_action_set_enabled (widget, "win.redo", self->history != NULL && lq_history_get_can_redo (self->history));
  gtk_widget_action_set_enabled (widget, "win.move-track-up", selected > 0);
  gtk_widget_action_set_enabled (widget, "win.move-track-down", selected >= 0 && (guint) selected + 1 < n);
  gtk_widget_action_set_enabled (widget, "win.remove-track", selected >= 0);
  gtk_widget_action_set_enabled (widget, "win.play-pause", n > 0);
  gtk_widget_action_set_enabled (widget, "win.previous-track", n > 0);
  gtk_widget_action_set_enabled (widget, "win.next-track", n > 0);
}

void
_lq_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-tracks", NULL, add_tracks_action);
  lq_export_dialog_install_actions (widget_class);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.clear-recent", NULL, clear_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.move-track-up", NULL, move_track_action);
  gtk_widget_class_install_action (widget_class, "win.move-track-down", NULL, move_track_action);
  gtk_widget_class_install_action (widget_class, "win.remove-track", NULL, remove_track_action);
  gtk_widget_class_install_action (widget_class, "win.play-pause", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.shuttle", "i", shuttle_action);
  gtk_widget_class_install_action (widget_class, "win.seek-start", NULL, seek_start_action);
  gtk_widget_class_install_action (widget_class, "win.seek-end", NULL, seek_end_action);
  gtk_widget_class_install_action (widget_class, "win.nudge", "i", nudge_action);
  gtk_widget_class_install_action (widget_class, "win.previous-track", NULL, track_step_action);
  gtk_widget_class_install_action (widget_class, "win.next-track", NULL, track_step_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
}

void
_lq_window_init_actions (LqWindow *self)
{
  _lq_window_update_actions (self);
}
